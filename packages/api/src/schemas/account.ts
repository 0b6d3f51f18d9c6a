import * as v from 'valibot';
import { optString } from './common.ts';

/** `GET /version` ([N] only): optional server capabilities such as `rent_by_spec`. */
export const ServerVersionSchema = v.looseObject({
  features: v.optional(v.array(v.string()), () => []),
});
/** What {@link ServerVersionSchema} validates: `GET /version` ([N] only). */
export type ServerVersion = v.InferOutput<typeof ServerVersionSchema>;

/** `POST /cli-auth/init` (no API key): where the user approves the login. */
export const CliAuthSessionSchema = v.looseObject({
  browser_url: v.string(),
  session_id: v.string(),
});
/** What {@link CliAuthSessionSchema} validates: `POST /cli-auth/init` (no API key). */
export type CliAuthSession = v.InferOutput<typeof CliAuthSessionSchema>;

/** Result of `GET /cli-auth/poll/{session}`: approved with a key, or not yet. */
export type CliAuthPoll = { status: 'approved'; apiKey: string } | { status: 'pending' };

/** An event of `GET /pods/{id}/events` ([N] only), oldest first. */
export const PodEventSchema = v.looseObject({
  error: optString(),
  reason: optString(),
  detail: optString(),
  created_at: optString(),
});
/**
 * What {@link PodEventSchema} validates: an event of `GET /pods/{id}/events` ([N] only), oldest
 * first.
 */
export type PodEvent = v.InferOutput<typeof PodEventSchema>;

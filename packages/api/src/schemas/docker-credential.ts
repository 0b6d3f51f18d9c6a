import * as v from 'valibot';
import { optString } from './common.ts';

/**
 * A registry login kept by the account (lium-api.md §2.6). `password` is a secret: never log it.
 */
export const DockerCredentialSchema = v.looseObject({
  id: v.string(),
  username: v.string(),
  password: v.string(),
  user_id: optString(),
  created_at: optString(),
  updated_at: optString(),
});
/** What {@link DockerCredentialSchema} validates: a registry login kept by the account. */
export type DockerCredential = v.InferOutput<typeof DockerCredentialSchema>;

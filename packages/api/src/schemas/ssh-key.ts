import * as v from 'valibot';
import { optString } from './common.ts';

/** `GET /ssh-keys` entries (lium-api.md §2.5). */
export const SshKeySchema = v.looseObject({
  id: v.string(),
  name: optString(),
  public_key: v.string(),
  user_id: optString(),
  created_at: optString(),
  updated_at: optString(),
});
/** What {@link SshKeySchema} validates: `GET /ssh-keys` entries (lium-api.md §2.5). */
export type SshKey = v.InferOutput<typeof SshKeySchema>;

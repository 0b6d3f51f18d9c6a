import * as v from 'valibot';
import { optBoolean, optNumber, optString } from './common.ts';

/** `GET /users/me` (lium-api.md §2.1.1). */
export const UserSchema = v.looseObject({
  id: v.string(),
  /** USD; the server may send null, which clients treat as 0. */
  balance: optNumber(),
  stripe_customer_id: optString(),
  email: optString(),
  email_verified: optBoolean(),
  /** Present on servers with workspaces. */
  workspace: v.optional(
    v.nullable(
      v.looseObject({
        id: v.string(),
        name: optString(),
        role: optString(),
        billing_owner_user_id: optString(),
        pending_billing_owner_user_id: optString(),
        created_at: optString(),
        is_personal: optBoolean(),
      }),
    ),
  ),
});
/** What {@link UserSchema} validates: `GET /users/me` (lium-api.md §2.1.1). */
export type User = v.InferOutput<typeof UserSchema>;

import * as v from 'valibot';
import { optNumber, optString } from './common.ts';

/** `GET /volumes` entries (lium-api.md §2.7). */
export const VolumeSchema = v.looseObject({
  id: v.string(),
  name: optString(),
  description: optString(),
  created_at: optString(),
  updated_at: optString(),
  current_size_bytes: optNumber(),
  current_file_count: optNumber(),
  current_size_gb: optNumber(),
  current_size_mb: optNumber(),
  last_metrics_update: optString(),
});
/** What {@link VolumeSchema} validates: `GET /volumes` entries (lium-api.md §2.7). */
export type Volume = v.InferOutput<typeof VolumeSchema>;

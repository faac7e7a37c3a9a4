import { z } from 'zod';
import type { BuildInputs } from '../image/buildInputs';
import type { EffectiveLocalSettings } from './settings';

/** What a local plan holds besides the common parts: only the local target reads it. */
export interface LocalPlanDetails {
  /** `rdeploy/<name>:<hash of the build inputs>`. */
  imageTag: string;
  /** `rdeploy-<name>`. */
  container: string;
  /** 0: a free port on 127.0.0.1 is chosen at deploy time. */
  port: number;
  baseImage: string;
  settings: EffectiveLocalSettings;
  build: BuildInputs;
  /**
   * The shared R Deploy runtime image the project's image starts FROM (`rdeploy-runtime:<hash>`),
   * built first when missing; not the deployment's resource. Absent for a build that needs none.
   */
  runtime?: { image: string; baseImage: string; shared: true; builtWhenMissing: true };
}

/**
 * The local record's details. Every field is optional because the record is written before the
 * first step; records written by earlier versions have exactly these keys.
 */
export const LocalRecordDetailsSchema = z.object({
  image: z.string().optional(),
  imageId: z.string().optional(),
  container: z.string().optional(),
  baseImage: z.string().optional(),
  mode: z.enum(['http', 'job']).optional(),
  port: z.number().int().min(0).max(65535).optional(),
  /** What a caller may send and how long it waits (absent in records of earlier versions: the defaults apply). */
  maxPayloadBytes: z.number().int().positive().optional(),
  invokeTimeoutSeconds: z.number().int().positive().optional(),
});
export type LocalRecordDetails = z.infer<typeof LocalRecordDetailsSchema>;

/** The record's details, typed (they were checked when the record was read). */
export function localRecordDetails(details: Record<string, unknown>): LocalRecordDetails {
  return LocalRecordDetailsSchema.parse(details);
}

import { z } from 'zod';

/**
 * A deployment record: `.rdeploy/deployments/<name>.json` in the R project. Written before any
 * side effect and updated after each one, so that a crash leaves enough to clean up.
 * Never holds a secret.
 */
export const DEPLOYMENT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const ResourceSchema = z.object({
  /** e.g. "image", "container". */
  kind: z.string(),
  /** The id or name the target uses to find it again. */
  id: z.string(),
  /** planned: recorded before creation; created: exists; deleted: removed. */
  state: z.enum(['planned', 'created', 'deleted']),
});
export type Resource = z.infer<typeof ResourceSchema>;

export const DeploymentStatusSchema = z.enum(['deploying', 'running', 'stopped', 'failed', 'destroying', 'destroyed']);
export type DeploymentStatus = z.infer<typeof DeploymentStatusSchema>;

export const DeploymentRecordSchema = z.object({
  version: z.literal(1),
  name: z.string().regex(DEPLOYMENT_NAME),
  target: z.enum(['local', 'lambda', 'aci', 'batch']),
  status: DeploymentStatusSchema,
  /** The R project root, absolute. */
  projectRoot: z.string(),
  handler: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Where to call it (local: http://127.0.0.1:PORT). */
  endpoint: z.string().optional(),
  resources: z.array(ResourceSchema),
  /** Target-specific, non-secret facts (image id, port, base image, ...). */
  details: z.record(z.string(), z.unknown()).default({}),
  /** Why the last deploy failed, in the user's words. */
  error: z.string().optional(),
});
export type DeploymentRecord = z.infer<typeof DeploymentRecordSchema>;

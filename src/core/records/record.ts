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

/**
 * What the record says. `interrupted` is never written: it is how a record reads whose
 * `deploying` or `destroying` process died (its lock has no live holder), see lifecycle/records.ts.
 */
export const DeploymentStatusSchema = z.enum(['deploying', 'running', 'stopped', 'failed', 'destroying', 'destroyed', 'interrupted']);
export type DeploymentStatus = z.infer<typeof DeploymentStatusSchema>;

export const DeploymentRecordSchema = z.object({
  version: z.literal(1),
  name: z.string().regex(DEPLOYMENT_NAME),
  /** The target kind; the catalogue (src/targets/catalogue.ts) checks it, and its details, when the record is read. */
  target: z.string().regex(/^[a-z][a-z0-9-]*$/),
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
  /** Fields dropped when the record was read because they looked like secrets (never written back). */
  redacted: z.array(z.string()).optional(),
});
export type DeploymentRecord = z.infer<typeof DeploymentRecordSchema>;

/** The id of the record's current resource of a kind: the last created one, else the last planned one. */
export function currentResource(record: Pick<DeploymentRecord, 'resources'>, kind: string): string | undefined {
  const ofKind = record.resources.filter((r) => r.kind === kind);
  return (ofKind.filter((r) => r.state === 'created').pop() ?? ofKind.filter((r) => r.state === 'planned').pop())?.id;
}

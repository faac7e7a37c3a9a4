import { z } from 'zod';
import { AppError } from '../errors';

/**
 * What the user tells us about their traffic. Every field is optional because each target needs
 * a different subset (Lambda: requests; ACI and Batch: runs); the target fills the rest from its
 * plan. Keys match the CLI flags (`--requests-per-month`, …) so errors can name the flag.
 */
export const WorkloadSchema = z
  .object({
    /** Scoring requests per month (HTTP / Lambda invocations). */
    requestsPerMonth: z.number().min(0).optional(),
    /** Average duration of one request or run, in milliseconds. */
    durationMs: z.number().positive().optional(),
    /** Scheduled or batch runs per month (ACI started by a Logic App, Batch jobs). */
    runsPerMonth: z.number().min(0).optional(),
    /** Memory the user states; targets usually know it from their own settings. */
    memoryMb: z.number().positive().optional(),
  })
  .strict();
export type Workload = z.infer<typeof WorkloadSchema>;

type WorkloadKey = keyof Workload;

const FLAGS: Record<WorkloadKey, string> = {
  requestsPerMonth: '--requests-per-month',
  durationMs: '--duration-ms',
  runsPerMonth: '--runs-per-month',
  memoryMb: '--memory-mb',
};

// One sentence per field rather than zod's generic text: the user typed a flag, so we answer
// in terms of that flag and say what a good value looks like.
const SENTENCES: Record<WorkloadKey, string> = {
  requestsPerMonth: '--requests-per-month must be a number of requests, 0 or more (for example 1000000).',
  durationMs: '--duration-ms must be a positive number of milliseconds (for example 200).',
  runsPerMonth: '--runs-per-month must be a number of runs, 0 or more (for example 30).',
  memoryMb: '--memory-mb must be a positive number of megabytes (for example 1024).',
};

function isWorkloadKey(key: unknown): key is WorkloadKey {
  return typeof key === 'string' && Object.prototype.hasOwnProperty.call(FLAGS, key);
}

/** Parses a workload (from CLI flags, settings or `rdeploy.json`); bad input is one clear sentence. */
export function parseWorkload(input: unknown): Workload {
  const parsed = WorkloadSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const key = issue.code === 'unrecognized_keys' ? undefined : issue.path[0];
  if (isWorkloadKey(key)) throw new AppError('usage', SENTENCES[key], { cause: parsed.error });
  if (issue.code === 'unrecognized_keys') {
    throw new AppError(
      'usage',
      `"${issue.keys.join('", "')}" is not a workload setting; use ${Object.values(FLAGS).join(', ')}.`,
      { cause: parsed.error },
    );
  }
  throw new AppError('usage', `The workload must be an object with ${Object.values(FLAGS).join(', ')}.`, {
    cause: parsed.error,
  });
}

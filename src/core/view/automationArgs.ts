import { z } from 'zod';
import { HANDLER } from '../config';
import { AppError } from '../errors';

/**
 * The plain-object first argument every command accepts, so tests and other extensions drive
 * commands without prompts. When it gives what a prompt would ask, no prompt is shown.
 */
export const AutomationArgsSchema = z
  .object({
    root: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
    /** A target kind; checked against the target catalogue when used. */
    target: z.string().regex(/^[a-z][a-z0-9-]*$/).optional(),
    /** Target settings as `KEY=VALUE`, like the CLI's `--set`. */
    set: z.array(z.string()).optional(),
    baseImage: z.string().min(1).optional(),
    /** The handler as `file.function`, like the CLI's `--handler` (default: rdeploy.json's, else score.score). */
    handler: z.string().regex(HANDLER, 'like "score.score"').optional(),
    payload: z.string().optional(),
    payloadName: z.string().min(1).optional(),
    /** Map over File: the input file, and where the answers go (default: `<input>.scored.jsonl` beside it). */
    input: z.string().min(1).optional(),
    output: z.string().min(1).optional(),
    /** Map over File: start over instead of resuming the output's earlier answers (like the CLI's `--restart`). */
    restart: z.boolean().optional(),
    confirm: z.literal(false).optional(),
    /** The caller is a program: errors are thrown back to it, no notification is shown. */
    automation: z.literal(true).optional(),
  })
  .passthrough();
export type AutomationArgs = z.infer<typeof AutomationArgsSchema>;

/**
 * Reads the argument a command was called with: undefined when there is none (Command Palette),
 * the parsed object otherwise. A wrong field is an error naming it, not a silent prompt.
 */
export function parseAutomationArgs(arg: unknown): AutomationArgs | undefined {
  if (arg === undefined || arg === null) return undefined;
  if (typeof arg !== 'object' || Array.isArray(arg)) {
    throw new AppError('usage', `Expected an object like {root, name, payload} as the command argument, got ${JSON.stringify(arg)}.`);
  }
  const parsed = AutomationArgsSchema.safeParse(arg);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('usage', `Invalid command argument "${issue.path.join('.')}": ${issue.message}.`);
  }
  return parsed.data;
}

/**
 * True when a program drives the command and wants errors thrown back rather than shown: the
 * object says so with `automation: true` or `confirm: false`. A plain `{root}` or `{root, name}`
 * comes from the UI too (CodeLens, notification buttons, the status bar), so it is not enough.
 */
export function isAutomationObject(arg: unknown): boolean {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return false;
  const o = arg as { automation?: unknown; confirm?: unknown };
  return o.automation === true || o.confirm === false;
}

import type { TargetCheck } from '../Target';

/** What one check found (the shape a target's own checks have too). `fix` is the one sentence of what to do, present when the status is not ok. */
export type CheckStatus = TargetCheck['status'];
export type CheckResult = TargetCheck;

export interface DoctorReport {
  /** False when any check failed (warnings and skips do not stop a deploy). */
  ok: boolean;
  checks: CheckResult[];
}

export const ok = (id: string, title: string, detail: string): CheckResult => ({ id, title, status: 'ok', detail });

export const notOk = (status: Exclude<CheckStatus, 'ok'>, id: string, title: string, detail: string, fix?: string): CheckResult => ({
  id,
  title,
  status,
  detail,
  ...(fix ? { fix } : {}),
});

/**
 * Splits one of R Deploy's error sentences ("Docker is not running (…). Start Docker …, then try
 * again.") into what was found and what to do, so each goes in its own field.
 */
export function splitMessage(message: string): { detail: string; fix?: string } {
  const m = /\.\s+(?=[A-Z`])/.exec(message);
  if (!m) return { detail: message.replace(/\.$/, '') };
  return { detail: message.slice(0, m.index), fix: message.slice(m.index + m[0].length) };
}

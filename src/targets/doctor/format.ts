import type { CheckResult, CheckStatus, DoctorReport } from './types';

const SYMBOL: Record<CheckStatus, string> = { ok: '✔', warn: '!', fail: '✖', skip: '-' };

/** One line: symbol, title, what was found and, when not ok, ` — ` what to do. */
export function formatCheck(c: CheckResult, titleWidth = c.title.length): string {
  const fix = c.status !== 'ok' && c.fix ? ` — ${c.fix}` : '';
  return `${SYMBOL[c.status]} ${c.title.padEnd(titleWidth)}  ${c.detail}${fix}`;
}

export function formatReport(report: DoctorReport): string[] {
  const width = Math.max(...report.checks.map((c) => c.title.length));
  return report.checks.map((c) => formatCheck(c, width));
}

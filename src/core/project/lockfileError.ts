import { AppError } from '../errors';

/** What to do, per file kind: the second half of every lockfile error sentence. */
const HINTS = {
  renv: 'Fix the entry, or run renv::snapshot() in the project to rewrite renv.lock.',
  packrat: 'Fix the entry, or run packrat::snapshot() in the project to rewrite packrat.lock.',
  description: 'Fix the DESCRIPTION file.',
} as const;

export type HintKind = keyof typeof HINTS;

/**
 * The one error a malformed lockfile produces: file, place, problem, remedy. `place` is a line
 * ("line 12") for DCF files and a JSON path ("Packages.ggplot2.Version") for renv.lock.
 */
export function lockfileInvalid(file: string, place: string | undefined, problem: string, kind: HintKind): AppError {
  const where = place ? `${file}: ${place}:` : `${file}:`;
  return new AppError('lockfile-invalid', `${where} ${problem}. ${HINTS[kind]}`);
}

import { execFileSync } from 'node:child_process';

/**
 * Cars like mtcars' (weight 1.5-5.5 thousand lbs, 50-335 hp), from a seeded generator so that
 * every run scores the same rows; wt with 3 decimals as in mtcars.
 */
export function carRows(n: number, seed = 42): { wt: number; hp: number }[] {
  let s = seed >>> 0;
  const next = () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: n }, () => ({ wt: Math.round((1.5 + 4 * next()) * 1000) / 1000, hp: 50 + Math.floor(286 * next()) }));
}

export const carsCsv = (rows: { wt: number; hp: number }[]): string => `wt,hp\n${rows.map((r) => `${r.wt},${r.hp}`).join('\n')}\n`;

/**
 * What R itself answers for the rows of `csv` (read with read.csv), one call of the handler per
 * chunk of `chunkRows` rows, each answer as the runtime serialises it: the expected values of the
 * map tests come from here, never from constants. With chunkRows ≥ the row count, one call on all.
 */
export function rChunkAnswers(dir: string, csv: string, chunkRows: number): unknown[] {
  const script = [
    'suppressMessages({',
    '  source("score.R")',
    `  d <- utils::read.csv(${JSON.stringify(csv)})`,
    `  starts <- seq(1L, nrow(d), by = ${chunkRows}L)`,
    '  out <- vapply(starts, function(i) {',
    `    j <- min(nrow(d), i + ${chunkRows}L - 1L)`,
    '    res <- score(wt = d$wt[i:j], hp = d$hp[i:j])',
    '    as.character(jsonlite::toJSON(res, auto_unbox = TRUE, digits = NA, dataframe = "rows", null = "null", na = "null"))',
    '  }, "")',
    '})',
    'cat(out, sep = "\\n")',
  ].join('\n');
  const text = execFileSync('Rscript', ['--vanilla', '-e', script], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return text.trim().split('\n').map((l) => JSON.parse(l) as unknown);
}

import { execFileSync } from 'node:child_process';

/**
 * What R itself answers: sources the handler file in `dir`, calls the handler on the payload with
 * the scoring contract's rules (an object is spread into named arguments), and prints the JSON.
 * The expected values of the end-to-end tests come from here, never from constants.
 */
export function rDirect(dir: string, file: string, fn: string, payloadFile: string): unknown {
  const script = [
    'suppressMessages({',
    `  source(${JSON.stringify(file)})`,
    `  payload <- jsonlite::fromJSON(${JSON.stringify(payloadFile)}, simplifyVector = TRUE)`,
    `  f <- get(${JSON.stringify(fn)})`,
    // What the handler prints goes to the logs, not the answer: keep it out of stdout here too.
    '  invisible(utils::capture.output(res <- if (is.list(payload) && !is.data.frame(payload) && !is.null(names(payload))) do.call(f, payload) else f(payload)))',
    '})',
    'cat(jsonlite::toJSON(res, auto_unbox = TRUE, digits = NA, dataframe = "rows", null = "null", na = "null"))',
  ].join('\n');
  const out = execFileSync('Rscript', ['--vanilla', '-e', script], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out);
}

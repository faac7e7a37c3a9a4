import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { HANDLER } from './config';
import { AppError, throwIfAborted } from './errors';
import { splitHandler } from './project/loadProject';
import { findFormals, rLiteralToJson, type FormalArg } from './rHeader';
import { rscriptFor } from './rPath';
import { runProcess } from './rProcess';

export type { FormalArg } from './rHeader';

export interface HandlerFormals {
  args: FormalArg[];
  /** `R`: R's own parser read the file; `parse`: R was missing or failed, read by rHeader.ts. */
  via: 'R' | 'parse';
}

export interface ReadFormalsOptions {
  /** The R executable (see resolveRPath); its Rscript is used. Default: `Rscript` on PATH. */
  rPath?: string;
  /**
   * False: R is not run at all and the TypeScript reader answers (an untrusted workspace must
   * not run R on its files). Default true.
   */
  useR?: boolean;
  signal?: AbortSignal;
  /** Default 10 s; R that takes longer is given up on and the TypeScript parser answers. */
  timeoutMs?: number;
}

/**
 * The handler's arguments, read with R when R is available: R parses the handler file
 * WITHOUT evaluating it (its top-level code may load a large model) and reports the formals of
 * the last top-level `fn <- function(...)` (or `=`, `<<-`, `\(...)`), defaults deparsed to R
 * source text. The file path and the function name reach R as command-line arguments, never
 * inside R code, and no shell is involved. Base R only: jsonlite may be absent, so R writes
 * the JSON itself. When R is missing, fails, times out or cannot parse the file (a syntax
 * error while the user types), a TypeScript reader of R function headers answers instead.
 * Throws AppError `not-found` when the file does not exist or does not define the function.
 */
export async function readHandlerFormals(projectRoot: string, handler: string, opts: ReadFormalsOptions = {}): Promise<HandlerFormals> {
  const root = path.resolve(projectRoot);
  if (!HANDLER.test(handler)) {
    throw new AppError('usage', `Handler ${JSON.stringify(handler)} is not like "score.score": the R file (without .R) and the function name.`);
  }
  const { file, fn } = splitHandler(handler);
  // The runtime tries file.R, then file.r.
  const candidates = [file, file.replace(/\.R$/, '.r')].map((f) => path.join(root, f));
  const handlerFile = candidates.find((f) => existsSync(f));
  if (!handlerFile) throw new AppError('not-found', `The handler file ${file} does not exist in ${root}.`);
  const notDefined = () =>
    new AppError('not-found', `${path.basename(handlerFile)} does not define ${fn} as \`${fn} <- function(...)\` at the top level, so its arguments are unknown.`);

  const viaR: RResult = opts.useR === false ? { kind: 'unavailable', reason: 'R not wanted' } : await formalsWithR(handlerFile, fn, opts);
  throwIfAborted(opts.signal);
  if (viaR.kind === 'found') return { args: viaR.args, via: 'R' };
  if (viaR.kind === 'absent') throw notDefined();
  const code = await readFile(handlerFile, 'utf8');
  const args = findFormals(code, fn);
  if (!args) throw notDefined();
  return { args, via: 'parse' };
}

/**
 * A JSON object with one key per argument (`...` left out): the default when it is a simple
 * literal (number, string, TRUE/FALSE, NULL, c() of those), else null. Pretty-printed.
 */
export function payloadTemplate(args: FormalArg[]): string {
  const template: Record<string, unknown> = {};
  for (const arg of args) {
    if (arg.name === '...') continue;
    const literal = arg.default === undefined ? undefined : rLiteralToJson(arg.default);
    template[arg.name] = literal?.ok ? literal.value : null;
  }
  const entries = Object.entries(template);
  if (entries.length === 0) return '{}';
  // Arrays stay on one line (`"hp": [110, 175]`): a template is for editing by hand.
  const value = (v: unknown) => (Array.isArray(v) ? `[${v.map((x) => JSON.stringify(x)).join(', ')}]` : JSON.stringify(v));
  return `{\n${entries.map(([k, v]) => `  ${JSON.stringify(k)}: ${value(v)}`).join(',\n')}\n}`;
}

const MARKER = 'RDEPLOY-FORMALS ';

// Runs with `Rscript --vanilla <this file> <handler file> <function name>`. parse() only: no
// top-level code of the user runs. Non-ASCII is written as \u escapes so the output does not
// depend on the locale's encoding (Windows code pages).
const FORMALS_R = String.raw`
local({
  args <- commandArgs(trailingOnly = TRUE)
  file <- args[[1L]]
  fn <- args[[2L]]
  json_string <- function(s) {
    s <- enc2utf8(as.character(s))
    cps <- utf8ToInt(s)
    if (length(cps) == 0L) return('""')
    if (anyNA(cps)) return('"?"')
    parts <- vapply(cps, function(cp) {
      if (cp == 34L) "\\\"" else if (cp == 92L) "\\\\"
      else if (cp >= 32L && cp < 127L) intToUtf8(cp)
      else if (cp < 65536L) sprintf("\\u%04x", cp)
      else sprintf("\\u%04x\\u%04x", 55296L + (cp - 65536L) %/% 1024L, 56320L + (cp - 65536L) %% 1024L)
    }, "")
    paste0('"', paste(parts, collapse = ""), '"')
  }
  emit <- function(json) cat("${MARKER}", json, "\n", sep = "")
  exprs <- tryCatch(parse(file = file, keep.source = FALSE, encoding = "UTF-8"), error = function(e) e)
  if (inherits(exprs, "error")) return(emit(paste0('{"error":', json_string(conditionMessage(exprs)), '}')))
  found <- NULL
  for (e in as.list(exprs)) {
    if (!is.call(e) || length(e) != 3L || !is.name(e[[1L]])) next
    if (!(as.character(e[[1L]]) %in% c("<-", "=", "<<-"))) next
    lhs <- e[[2L]]
    if (!(is.name(lhs) || (is.character(lhs) && length(lhs) == 1L))) next
    if (!identical(as.character(lhs), fn)) next
    rhs <- e[[3L]]
    if (is.call(rhs) && identical(rhs[[1L]], as.name("function"))) found <- rhs
  }
  if (is.null(found)) return(emit('{"found":false}'))
  formals <- as.list(found[[2L]])
  defaults <- vapply(formals, function(d) paste(deparse(d, width.cutoff = 500L), collapse = "\n"), "")
  items <- vapply(seq_along(formals), function(i) {
    paste0('{"name":', json_string(names(formals)[[i]]),
           if (nzchar(defaults[[i]])) paste0(',"default":', json_string(defaults[[i]])) else "", '}')
  }, "")
  emit(paste0('{"found":true,"args":[', paste(items, collapse = ","), ']}'))
})
`;

const RAnswer = z.union([
  z.object({ found: z.literal(true), args: z.array(z.object({ name: z.string(), default: z.string().optional() })) }),
  z.object({ found: z.literal(false) }),
  z.object({ error: z.string() }),
]);

type RResult = { kind: 'found'; args: FormalArg[] } | { kind: 'absent' } | { kind: 'unavailable'; reason: string };

async function formalsWithR(handlerFile: string, fn: string, opts: ReadFormalsOptions): Promise<RResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rdeploy-formals-'));
  try {
    const script = path.join(dir, 'formals.R');
    await writeFile(script, FORMALS_R);
    const rscript = opts.rPath ? rscriptFor(opts.rPath) : 'Rscript';
    let result;
    try {
      result = await runProcess(rscript, ['--vanilla', script, handlerFile, fn], {
        cwd: dir,
        signal: opts.signal,
        timeoutMs: opts.timeoutMs ?? 10_000,
      });
    } catch (e) {
      if (e instanceof AppError) throw e; // cancelled
      return { kind: 'unavailable', reason: (e as Error).message };
    }
    const line = result.stdout.split(/\r?\n/).find((l) => l.startsWith(MARKER));
    if (result.timedOut || result.code !== 0 || !line) {
      return { kind: 'unavailable', reason: result.timedOut ? 'timed out' : `exit ${result.code}: ${result.stderr.trim()}` };
    }
    const answer = RAnswer.safeParse(safeJson(line.slice(MARKER.length)));
    if (!answer.success) return { kind: 'unavailable', reason: `unexpected answer ${line}` };
    const a = answer.data;
    if ('error' in a) return { kind: 'unavailable', reason: a.error };
    if (!a.found) return { kind: 'absent' };
    return { kind: 'found', args: a.args.map((x) => (x.default === undefined ? { name: x.name } : { name: x.name, default: x.default })) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

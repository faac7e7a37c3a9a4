import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { HANDLER } from './config';
import { AppError } from './errors';
import { validatePayload } from './payloads';
import { rscriptFor } from './rPath';
import { lastLines, runProcess, type ProcessResult } from './rProcess';

export interface LocalInvokeResult {
  /** false when the handler raised an R error (or returned what JSON cannot hold): `body` is the error JSON. */
  ok: boolean;
  body: unknown;
  /** The JSON text R printed. */
  raw: string;
  /** Wall time of the whole R process: start-up, sourcing the handler file, the call. */
  durationMs: number;
  /** What R wrote on stderr: runtime log lines and everything the handler printed. */
  logs: string;
}

export interface InvokeLocallyOptions {
  /** The host's R executable (resolveRPath); its Rscript runs the runtime. */
  rPath: string;
  /** The shipped runtime folder (holds main.R). */
  runtimeDir: string;
  signal?: AbortSignal;
  /** Default 2 minutes: loading a model can take a while. */
  timeoutMs?: number;
  /** Extra environment variables for R. */
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * Calls the handler once with the host's R, through the runtime's job mode: the same decoding,
 * call and encoding as a deployed model, without Docker. The project's working directory and
 * `.Rprofile` apply (an renv project uses its own library); the runtime library does not
 * exist here, so the packages R already sees are used. The payload goes through a temporary
 * file (it may be large). A handler error is `ok: false`; a bad payload, a handler that cannot
 * be loaded, a missing jsonlite, a timeout or a crash is an AppError with R's own words.
 */
export async function invokeLocally(projectRoot: string, handler: string, payload: string, opts: InvokeLocallyOptions): Promise<LocalInvokeResult> {
  const root = path.resolve(projectRoot);
  validatePayload(payload, 'the request');
  if (!HANDLER.test(handler)) {
    throw new AppError('usage', `Handler ${JSON.stringify(handler)} is not like "score.score": the R file (without .R) and the function name.`);
  }
  if (!existsSync(root)) throw new AppError('not-found', `The project folder ${root} does not exist.`);
  const mainR = path.join(opts.runtimeDir, 'main.R');
  if (!existsSync(mainR)) throw new AppError('internal', `The R Deploy runtime is missing: ${mainR} does not exist. Reinstall the extension.`);

  const tmp = await mkdtemp(path.join(os.tmpdir(), 'rdeploy-invoke-'));
  try {
    const payloadFile = path.join(tmp, 'payload.json');
    await writeFile(payloadFile, payload, 'utf8');
    const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
    // Exactly one payload source: an inherited RDEPLOY_PAYLOAD would make the runtime refuse.
    delete env.RDEPLOY_PAYLOAD;
    delete env.RDEPLOY_PAYLOAD_URL;
    Object.assign(env, {
      RDEPLOY_HANDLER: handler,
      RDEPLOY_APP_DIR: root,
      RDEPLOY_PAYLOAD_FILE: payloadFile,
      RDEPLOY_RUNTIME_LIB: path.join(tmp, 'no-runtime-library'),
    });
    const rscript = rscriptFor(opts.rPath);
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let result: ProcessResult;
    try {
      result = await runProcess(rscript, [mainR, 'job'], { cwd: root, env, signal: opts.signal, timeoutMs });
    } catch (e) {
      if (e instanceof AppError) throw e; // cancelled
      throw new AppError('invoke-failed', `Cannot start R (${rscript}): ${(e as Error).message}. Install R, or set "rdeploy.rPath" to the R executable.`, { cause: e });
    }
    return interpret(result, handler, timeoutMs);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

function interpret(result: ProcessResult, handler: string, timeoutMs: number): LocalInvokeResult {
  const logs = result.stderr;
  if (result.timedOut) {
    throw new AppError('invoke-failed', `The handler ${handler} did not answer within ${timeoutMs / 1000} s; R was stopped.${tail(logs)}`);
  }
  if (/there is no package called .jsonlite./.test(logs)) {
    throw new AppError('invoke-failed', 'The R package jsonlite is needed to invoke locally: install.packages("jsonlite")');
  }
  // Output that compiled code writes straight to stdout lands before the result: the result
  // is the last line.
  const raw = lastLines(result.stdout, 1);
  const body = parseJson(raw);
  const error = errorOf(body);
  const base = { raw, durationMs: result.durationMs, logs };
  if (result.code === 0 && body.ok) return { ...base, ok: true, body: body.value };
  if (result.code === 1 && error) return { ...base, ok: false, body: body.ok ? body.value : undefined };
  if (result.code === 2 && error) {
    throw new AppError('payload-invalid', `The runtime rejected the payload: ${error.message}${tail(logs, error)}`);
  }
  if (result.code === 3 && error) {
    throw new AppError('invoke-failed', `The handler ${handler} could not be loaded: ${error.message}${tail(logs, error)}`);
  }
  const how = result.code === null ? 'was killed' : `ended with exit status ${result.code}`;
  throw new AppError('invoke-failed', `R ${how} without a result for ${handler}.${tail(logs)}`);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (!text) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function errorOf(body: { ok: true; value: unknown } | { ok: false }): { type: string; message: string } | undefined {
  if (!body.ok || typeof body.value !== 'object' || body.value === null) return undefined;
  const { errorType, errorMessage } = body.value as Record<string, unknown>;
  return typeof errorType === 'string' && typeof errorMessage === 'string' ? { type: errorType, message: errorMessage } : undefined;
}

/** R's last words, without the runtime's notice about its library and the line repeating the error. */
function tail(logs: string, error?: { type: string; message: string }): string {
  const repeated = error ? `[rdeploy] ${error.type}: ${error.message}` : undefined;
  const lines = logs
    .split(/\r?\n/)
    .filter((l) => !/^\[rdeploy\] runtime library .* not found/.test(l) && l.trim() !== repeated);
  const last = lastLines(lines.join('\n'), 10);
  return last ? `\nR's last output:\n${last}` : '';
}

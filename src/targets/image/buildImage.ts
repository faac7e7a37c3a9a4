import { Readable } from 'node:stream';
import { AppError, cancelledError } from '../../core/errors';
import type { Progress } from '../../core/deployment';
import { logHint, stripAnsi, writeLogFile } from '../../core/logFile';
import { TAG_DEPLOYMENT } from '../../core/owner';
import { listBuildContext } from './buildContext';
import { explainBuildFailure } from './buildFailure';
import { DOCKERFILE_PATH, type BuildInputs } from './buildInputs';
import { BuildActivity, describeStep, formatElapsed } from './buildProgress';
import type { DockerClient } from './dockerClient';
import { tarStream } from './tar';

export { describeStep } from './buildProgress';

export interface BuildRequest {
  /** The project folder: the build context (unless `generatedOnly`) and where a failure's log goes. */
  root: string;
  /** The context is the generated files only, no project folder (the shared runtime image). */
  generatedOnly?: boolean;
  /** What the progress messages call this build (default "Building image"). */
  what?: string;
  inputs: BuildInputs;
  tag: string;
  labels: Record<string, string>;
  signal?: AbortSignal;
  progress?: Progress;
  /** Build every step afresh (benchmarks measure a first build with it). */
  noCache?: boolean;
  /** How often a long step says it is still running (default 30 s; tests use less). */
  heartbeatMs?: number;
}

/** One JSON message of the engine's build stream. */
interface BuildMessage {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/** Lines of the build output that say nothing to a user reading an error. */
const NOISE = /^( ---> |Removing intermediate container|Successfully (built|tagged)|Sending build context)/;
/** The whole log goes to a file on failure; past this many lines the oldest go (a runaway compiler). */
const MAX_LOG_LINES = 50_000;

/**
 * Builds the image with the classic builder (what dockerode speaks): the context is our own tar
 * stream, output lines go to `progress` (ANSI codes stripped), a human step name and a heartbeat
 * go to its `message`. An `errorDetail` in the stream becomes `build-failed` with one sentence
 * about the cause and the path of the full build log. Aborting the signal drops the connection,
 * which makes the engine cancel the build. Returns the image id.
 */
export async function buildImage(docker: Pick<DockerClient, 'buildImage' | 'getImage'>, req: BuildRequest): Promise<string> {
  const { progress, signal } = req;
  const what = req.what ?? 'Building image';
  const listing = await listBuildContext(req.generatedOnly ? undefined : req.root, req.inputs);
  progress?.report({ message: `${what}: sending ${listing.files} files (${(listing.bytes / 1e6).toFixed(1)} MB)` });
  if (signal?.aborted) throw cancelledError();

  const aborter = new AbortController();
  const onAbort = () => aborter.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const log: string[] = [];
  const recent: string[] = [];
  const activity = new BuildActivity();
  let step: { message: string; started: number } | undefined;
  let imageId: string | undefined;
  let failure: string | undefined;
  // Without a TTY nothing redraws a spinner: say at least every heartbeat what is going on.
  const heartbeat = setInterval(() => {
    if (!step) return;
    const doing = activity.describe();
    progress?.report({ message: `${step.message} (${formatElapsed(Date.now() - step.started)}${doing ? `, ${doing}` : ''})` });
  }, req.heartbeatMs ?? 30_000);
  heartbeat.unref();
  try {
    const response = await docker.buildImage(Readable.from(tarStream(listing.entries)), {
      t: req.tag,
      dockerfile: DOCKERFILE_PATH,
      labels: req.labels,
      networkmode: 'host',
      rm: true,
      forcerm: true,
      nocache: req.noCache ?? false,
      abortSignal: aborter.signal,
    });
    let pending = '';
    const handle = (json: string) => {
      let msg: BuildMessage;
      try {
        msg = JSON.parse(json) as BuildMessage;
      } catch {
        return; // not a message: ignore rather than fail a build that may well succeed
      }
      if (msg.aux?.ID) imageId = msg.aux.ID;
      if (msg.error || msg.errorDetail) failure = stripAnsi(msg.errorDetail?.message ?? msg.error ?? '');
      const text = msg.stream ?? msg.status;
      if (!text) return;
      for (const raw of stripAnsi(text).split('\n')) {
        // A progress bar redraws with "\r": the last drawing is the line.
        const line = raw.split('\r').filter((s) => s.trim()).pop()?.trimEnd() ?? '';
        if (!line) continue;
        log.push(line);
        if (log.length > MAX_LOG_LINES) log.shift();
        progress?.report({ line });
        const described = describeStep(line, what);
        if (described) {
          step = { message: described, started: Date.now() };
          activity.reset();
          progress?.report({ message: described });
          continue;
        }
        activity.see(line.trim());
        if (!NOISE.test(line)) {
          recent.push(line);
          if (recent.length > 15) recent.shift();
        }
      }
    };
    for await (const chunk of response as AsyncIterable<Buffer>) {
      pending += chunk.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const json = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (json) handle(json);
      }
    }
    if (pending.trim()) handle(pending.trim());
  } catch (e) {
    if (signal?.aborted) throw cancelledError();
    throw new AppError('build-failed', `Docker could not build the image ${req.tag}: ${oneLine((e as Error).message)}.`, { cause: e });
  } finally {
    clearInterval(heartbeat);
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) throw cancelledError();
  if (failure !== undefined) throw await buildFailed(req, failure, log, recent, step?.message);
  if (!imageId) {
    const info = await docker.getImage(req.tag).inspect().catch((e: unknown) => {
      throw new AppError('build-failed', `The build of ${req.tag} ended without producing an image.`, { cause: e });
    });
    imageId = info.Id;
  }
  return imageId;
}

/**
 * One sentence: the cause when the output shows one (a package that could not be downloaded or
 * compiled), else the step that failed and its last error line; always the full log's path.
 */
async function buildFailed(req: BuildRequest, failure: string, log: string[], recent: string[], step: string | undefined): Promise<AppError> {
  const name = req.labels[TAG_DEPLOYMENT] ?? req.tag.replace(/^.*\//, '').replace(/:.*$/, '');
  const file = await writeLogFile(req.root, 'build', name, `${log.join('\n')}\n\n${failure}\n`);
  const hint = logHint(file, 'Full build log');
  const cause = explainBuildFailure(log);
  if (cause) return new AppError('build-failed', `The image could not be built: ${oneLine(cause)}.${hint}`, { cause: new Error(failure) });
  const m = step ? /^[^(]+ \((\d+\/\d+)\): (.*)$/.exec(step) : null;
  const where = !m ? '' : m[2] === 'building' ? ` at step ${m[1]}` : ` while ${m[2]} (step ${m[1]})`;
  // The last error-like line of the output, else its last line: never R's traceback.
  const output = recent.filter((l) => !/^\s*\d+: |^\s{4,}\S|Execution halted|Traceback|^Step \d+\/\d+ :/.test(l));
  const lastError = [...output].reverse().find((l) => /error|failed|cannot|unable|not found|^E: /i.test(l)) ?? output.at(-1);
  const detail = lastError && !failure.includes(lastError.trim()) ? `${lastError.trim()} (${failure.trim()})` : failure.trim();
  return new AppError('build-failed', `The image build failed${where}: ${oneLine(detail)}.${hint}`, { cause: new Error(failure) });
}

function oneLine(text: string): string {
  return stripAnsi(text).replace(/\s+/g, ' ').trim().replace(/\.$/, '');
}

import { Readable } from 'node:stream';
import { AppError, cancelledError } from '../../core/errors';
import type { Progress } from '../../core/deployment';
import { listBuildContext } from './buildContext';
import { DOCKERFILE_PATH, type BuildInputs } from './buildInputs';
import type { DockerClient } from './dockerClient';
import { tarStream } from './tar';

export interface BuildRequest {
  root: string;
  inputs: BuildInputs;
  tag: string;
  labels: Record<string, string>;
  signal?: AbortSignal;
  progress?: Progress;
  /** Build every step afresh (benchmarks measure a first build with it). */
  noCache?: boolean;
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

/**
 * Builds the image with the classic builder (what dockerode speaks): the context is our own tar
 * stream, output lines go to `progress`, an `errorDetail` in the stream becomes `build-failed`
 * with the last meaningful lines, and aborting the signal drops the connection, which makes the
 * engine cancel the build. Returns the image id.
 */
export async function buildImage(docker: DockerClient, req: BuildRequest): Promise<string> {
  const { progress, signal } = req;
  const listing = await listBuildContext(req.root, req.inputs);
  progress?.report({ message: `Building image: sending ${listing.files} files (${(listing.bytes / 1e6).toFixed(1)} MB)` });
  if (signal?.aborted) throw cancelledError();

  const aborter = new AbortController();
  const onAbort = () => aborter.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const recent: string[] = [];
  let imageId: string | undefined;
  let failure: string | undefined;
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
      if (msg.error || msg.errorDetail) failure = msg.errorDetail?.message ?? msg.error;
      const text = msg.stream ?? msg.status;
      if (!text) return;
      for (const raw of text.split('\n')) {
        const line = raw.replace(/\r$/, '').trimEnd();
        if (!line) continue;
        progress?.report({ line });
        const step = describeStep(line);
        if (step) progress?.report({ message: step });
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
    throw new AppError('build-failed', `Docker could not build the image ${req.tag}: ${(e as Error).message}.`, { cause: e });
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) throw cancelledError();
  if (failure !== undefined) {
    const tail = recent.filter((l) => l !== failure).slice(-10);
    throw new AppError('build-failed', `The image build failed: ${failure.trim()}${tail.length ? `\nLast build output:\n${tail.join('\n')}` : ''}`);
  }
  if (!imageId) {
    const info = await docker.getImage(req.tag).inspect().catch((e: unknown) => {
      throw new AppError('build-failed', `The build of ${req.tag} ended without producing an image.`, { cause: e });
    });
    imageId = info.Id;
  }
  return imageId;
}

/**
 * "Step 8/20 : RUN Rscript /opt/rdeploy/restore.R" → "Building image (8/20): restoring your R
 * packages". A person wants to know which of the slow steps is running, not the instruction.
 */
export function describeStep(line: string): string | undefined {
  const m = /^Step (\d+)\/(\d+) : (.*)$/.exec(line);
  if (!m) return undefined;
  const instruction = m[3]!;
  const what = /install\.R/.test(instruction)
    ? 'installing the R Deploy runtime (first build only)'
    : /restore\.R/.test(instruction) && /^RUN/.test(instruction)
      ? 'restoring your R packages'
      : /apt-get/.test(instruction)
        ? 'installing system libraries'
        : /^COPY .*"\.",/.test(instruction)
          ? 'copying your code'
          : instruction.split(' ')[0]!.toLowerCase();
  return `Building image (${m[1]}/${m[2]}): ${what}`;
}

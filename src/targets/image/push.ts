import type Dockerode from 'dockerode';
import { AppError, cancelledError } from '../../core/errors';
import { pushFailureError, redact } from './pushErrors';
import { registryOf, validateImage, validateRepository, validateTag } from './registryReference';

export { registryOf } from './registryReference';

/** A registry login. Never logged, never in an error, never in a record. */
export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface PushProgress {
  report(update: { message?: string; line?: string }): void;
}

export interface PushRequest {
  /** The local image: its id or a tag. */
  image: string;
  /** Where it goes, without a tag, e.g. 127.0.0.1:5000/rdeploy/mtcars. */
  repository: string;
  tag: string;
  credentials?: RegistryCredentials;
  signal?: AbortSignal;
  progress?: PushProgress;
}

export interface PushResult {
  /** repository:tag */
  reference: string;
  /** The manifest digest the registry stored (sha256:…). */
  digest: string;
}

/** One JSON message of the engine's push stream. */
interface PushMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
  aux?: { Tag?: string; Digest?: string; Size?: number };
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
/** A layer is done when the registry has it, however it got there. */
const LAYER_DONE = /^(Pushed|Layer already exists|Mounted from )/;

/** The X-Registry-Auth header value, encoded the way the engine decodes it (URL-safe base64). */
export function encodeAuth(credentials: RegistryCredentials | undefined, registry: string): string {
  const config = credentials ? { username: credentials.username, password: credentials.password, serveraddress: registry } : {};
  return Buffer.from(JSON.stringify(config)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** Every form in which the credentials could leak into a text: plain, basic-auth, X-Registry-Auth. */
export function secretsOf(credentials: RegistryCredentials | undefined, registry: string): string[] {
  if (!credentials) return [];
  const { username, password } = credentials;
  const basic = Buffer.from(`${username}:${password}`).toString('base64');
  const header = encodeAuth(credentials, registry);
  return [password, encodeURIComponent(password), basic, header, Buffer.from(header.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('base64')];
}

/**
 * Tags the image as repository:tag and pushes it through the engine, which does the registry's
 * v2 protocol (token or basic auth, blob uploads, the manifest). Progress reports one short
 * message per phase, and the engine's lines as `line`. Aborting the signal drops the connection
 * to the engine, which cancels the push. Returns the digest the registry stored.
 */
export async function pushImage(docker: Pick<Dockerode, 'getImage'>, req: PushRequest): Promise<PushResult> {
  validateImage(req.image);
  validateRepository(req.repository);
  validateTag(req.tag);
  const { progress, signal, repository, tag } = req;
  const registry = registryOf(repository);
  const reference = `${repository}:${tag}`;
  const secrets = secretsOf(req.credentials, registry);
  const failed = (text: string) => pushFailureError(text, { registry, repository, hasCredentials: req.credentials !== undefined, secrets });
  if (signal?.aborted) throw cancelledError();

  try {
    await docker.getImage(req.image).tag({ repo: repository, tag });
  } catch (e) {
    if (signal?.aborted) throw cancelledError();
    const status = (e as { statusCode?: unknown }).statusCode;
    if (status === 404) throw new AppError('not-found', `The image ${req.image} does not exist in Docker: build it first, then push.`, { cause: new Error(redact(String((e as Error).message), secrets)) });
    throw engineGone(e, reference) ?? failed(engineText(e));
  }
  if (signal?.aborted) throw cancelledError();

  progress?.report({ message: `Pushing image to ${registry}` });
  const aborter = new AbortController();
  const onAbort = () => aborter.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const layers = new Map<string, boolean>();
  const uploading = new Set<string>();
  let lastMessage = '';
  let digest: string | undefined;
  let failure: string | undefined;
  const handle = (msg: PushMessage) => {
    if (msg.aux?.Digest && DIGEST.test(msg.aux.Digest)) digest = msg.aux.Digest;
    if (msg.error || msg.errorDetail) failure = msg.errorDetail?.message ?? msg.error;
    const status = msg.status;
    if (!status) return;
    // The old-style "<tag>: digest: sha256:… size: N" line, for engines that send no aux.
    const line = /^\S+: digest: (sha256:[a-f0-9]{64}) size: \d+$/.exec(status);
    if (line && !digest) digest = line[1];
    if (msg.id && status !== 'Pushing') layers.set(msg.id, LAYER_DONE.test(status));
    // The byte counter of a layer upload arrives dozens of times a second: one line per layer is enough.
    const repeat = status === 'Pushing' && msg.id !== undefined && uploading.has(msg.id);
    if (status === 'Pushing' && msg.id) uploading.add(msg.id);
    if (!repeat) progress?.report({ line: redact(msg.id ? `${msg.id}: ${status}` : status, secrets) });
    if (msg.id && status !== 'Preparing') {
      const done = [...layers.values()].filter(Boolean).length;
      const message = `Pushing image to ${registry} (${done}/${layers.size} layers)`;
      if (message !== lastMessage) progress?.report({ message });
      lastMessage = message;
    }
  };
  try {
    const stream = (await docker.getImage(repository).push({ tag, authconfig: { key: encodeAuth(req.credentials, registry) }, abortSignal: aborter.signal })) as AsyncIterable<Buffer>;
    let pending = '';
    const parse = (json: string) => {
      let msg: PushMessage;
      try {
        msg = JSON.parse(json) as PushMessage;
      } catch {
        return; // not a message: ignore it rather than fail a push that may well succeed
      }
      handle(msg);
    };
    for await (const chunk of stream) {
      pending += chunk.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const json = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (json) parse(json);
      }
    }
    if (pending.trim()) parse(pending.trim());
  } catch (e) {
    if (signal?.aborted) throw cancelledError();
    throw engineGone(e, reference) ?? failed(engineText(e));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) throw cancelledError();
  if (failure !== undefined) throw failed(failure);
  if (!digest) throw new AppError('deploy-failed', `The push of ${reference} ended without a digest from the registry ${registry}: push again, and check the registry's logs if it happens twice.`);
  progress?.report({ message: `Pushed ${reference}` });
  return { reference, digest };
}

/** A connection failure to the engine itself (not to the registry): the engine never answered. */
function engineGone(e: unknown, reference: string): AppError | undefined {
  if (typeof (e as { statusCode?: unknown }).statusCode === 'number') return undefined;
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (!code || !/^(ENOENT|ECONNREFUSED|ECONNRESET|EPIPE|EACCES|ETIMEDOUT|ENOTSOCK)$/.test(code)) return undefined;
  return new AppError('docker-unavailable', `Docker stopped answering while pushing ${reference}: check that Docker is running, then push again.`, { cause: new Error(code) });
}

/** The engine's own sentence from a dockerode error, not its "(HTTP code 500) …" wrapper. */
function engineText(e: unknown): string {
  const json = (e as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === 'string') return json.message;
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

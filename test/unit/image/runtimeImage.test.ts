import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runtimeImage } from '../../../src/core/docker';
import { AppError } from '../../../src/core/errors';
import type { DockerClient } from '../../../src/targets/image/dockerClient';
import { ensureRuntimeImage as ensure, pinRuntime, runtimeLockDir, runtimeLockFile, type EnsureRuntimeOptions } from '../../../src/targets/image/runtimeImage';
import { INSTALL } from '../docker/projects';

/**
 * An engine double for the two calls ensureRuntimeImage makes: `getImage(tag).inspect()` (404
 * when missing, as dockerode's error carries it) and `buildImage`, whose stream ends — and tags
 * the image — only when the test opens `gate`. It records every build and the context it was sent.
 */
class FakeEngine {
  readonly images = new Set<string>();
  /** Layers by tag, for the images that have them: a built runtime gets its base's layers plus one. */
  readonly layers = new Map<string, string[]>();
  readonly builds: Array<{ t: string; nocache: boolean; bytes: number; labels?: Record<string, string> }> = [];
  private open!: () => void;
  gate = new Promise<void>((r) => (this.open = r));
  release(): void {
    this.open();
  }
  getImage(tag: string) {
    return {
      inspect: async () => {
        if (!this.images.has(tag)) throw Object.assign(new Error(`(HTTP code 404) no such image - No such image: ${tag}`), { statusCode: 404 });
        const layers = this.layers.get(tag) ?? [];
        return { Id: `sha256:${tag.length}-${layers.join('+')}`, RootFS: { Layers: layers } };
      },
    };
  }
  async buildImage(context: NodeJS.ReadableStream, opts: { t: string; nocache: boolean; abortSignal?: AbortSignal; labels?: Record<string, string> }) {
    let bytes = 0;
    for await (const chunk of context as AsyncIterable<Buffer>) bytes += chunk.length;
    this.builds.push({ t: opts.t, nocache: opts.nocache, bytes, labels: opts.labels });
    this.layers.set(opts.t, [...(this.layers.get(RUNTIME.baseImage) ?? []), `runtime-${this.builds.length}`]);
    const { gate, images } = this;
    return (async function* () {
      yield Buffer.from(`${JSON.stringify({ stream: 'Step 1/7 : FROM rdeploy-test/r-base:bookworm\n' })}\n`);
      await Promise.race([gate, new Promise((_, reject) => opts.abortSignal?.addEventListener('abort', () => reject(new Error('aborted'))))]);
      images.add(opts.t);
      yield Buffer.from(`${JSON.stringify({ aux: { ID: 'sha256:runtime' } })}\n`);
    })();
  }
}

/** The double speaks the two calls' shapes, not dockerode's overloads. */
const ensureRuntimeImage = (engine: FakeEngine, runtime: typeof RUNTIME, opts: EnsureRuntimeOptions) =>
  ensure(engine as unknown as Pick<DockerClient, 'buildImage' | 'getImage'>, runtime, opts);

function recorder() {
  const messages: string[] = [];
  const notes: string[] = [];
  return { messages, notes, report: (u: { message?: string; note?: string }) => void (u.message && messages.push(u.message), u.note && notes.push(u.note)) };
}

const RUNTIME = runtimeImage('rdeploy-test/r-base:bookworm', INSTALL);
let dir: string;
let lockDir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-rt-'));
  lockDir = path.join(dir, 'locks');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

describe('ensureRuntimeImage', () => {
  it('does nothing when the tag exists: no lock, no build', async () => {
    const engine = new FakeEngine();
    engine.images.add(RUNTIME.tag);
    expect(await ensureRuntimeImage(engine, RUNTIME, { logRoot: dir, lockDir })).toEqual({ tag: RUNTIME.tag, id: expect.stringMatching(/^sha256:/), built: false });
    expect(engine.builds).toEqual([]);
    expect(existsSync(lockDir)).toBe(false);
  });

  it('two concurrent deploys: exactly one build; the other waits, says so, then uses the image', async () => {
    const engine = new FakeEngine();
    const first = recorder();
    const second = recorder();
    const opts = { logRoot: dir, lockDir, pollMs: 5, heartbeatMs: 40 };
    const a = ensureRuntimeImage(engine, RUNTIME, { ...opts, progress: first });
    await until(() => engine.builds.length === 1);
    // The builder holds the host-wide lock, a file naming it.
    const holder = JSON.parse(readFileSync(runtimeLockFile(lockDir, RUNTIME), 'utf8'));
    expect(holder).toMatchObject({ pid: process.pid, host: hostname(), tag: RUNTIME.tag });
    const b = ensureRuntimeImage(engine, RUNTIME, { ...opts, progress: second });
    await new Promise((r) => setTimeout(r, 120));
    engine.release();
    const [ra, rb] = await Promise.all([a, b]);
    expect(engine.builds).toHaveLength(1);
    expect(engine.builds[0]!.t).toBe(RUNTIME.tag);
    expect(ra).toEqual({ tag: RUNTIME.tag, id: expect.stringMatching(/^sha256:/), built: true });
    expect(rb).toEqual({ tag: RUNTIME.tag, id: ra.id, built: false, waitedFor: process.pid });
    expect(first.messages[0]).toBe(`Building the R Deploy runtime ${RUNTIME.tag} on rdeploy-test/r-base:bookworm: once for every project on this base image`);
    expect(first.messages).toContain('Building the R Deploy runtime (1/7): preparing the base image');
    // Said at once, then again each heartbeat while it waits.
    const waits = second.messages.filter((m) => m.startsWith('Waiting for'));
    expect(waits[0]).toBe(`Waiting for another deploy (pid ${process.pid}) to build the R Deploy runtime (0s)`);
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(second.messages.at(-1)).toBe(`Using the R Deploy runtime ${RUNTIME.tag}, built by pid ${process.pid}`);
    expect(second.messages.some((m) => m.startsWith('Building the R Deploy runtime'))).toBe(false);
    expect(existsSync(runtimeLockFile(lockDir, RUNTIME))).toBe(false);
  });

  it('takes over the lock of a holder that died, with a note, and builds', async () => {
    const engine = new FakeEngine();
    engine.release();
    mkdirSync(lockDir, { recursive: true });
    const dead = { pid: 2 ** 22 + 54321, host: hostname(), startedAt: new Date().toISOString(), purpose: 'building the R Deploy runtime', tag: RUNTIME.tag };
    writeFileSync(runtimeLockFile(lockDir, RUNTIME), JSON.stringify(dead));
    const progress = recorder();
    const got = await ensureRuntimeImage(engine, RUNTIME, { logRoot: dir, lockDir, pollMs: 5, progress });
    expect(got.built).toBe(true);
    expect(engine.builds).toHaveLength(1);
    expect(progress.notes).toEqual([`took over the R Deploy runtime's build lock from pid ${dead.pid}, which is no longer running`]);
    expect(progress.messages.some((m) => m.startsWith('Waiting'))).toBe(false);
    expect(existsSync(runtimeLockFile(lockDir, RUNTIME))).toBe(false);
  });

  it('aborting while waiting cancels the wait, leaves the holder alone and builds nothing', async () => {
    const engine = new FakeEngine();
    const holderRun = ensureRuntimeImage(engine, RUNTIME, { logRoot: dir, lockDir, pollMs: 5 });
    await until(() => engine.builds.length === 1);
    const ac = new AbortController();
    const waiting = ensureRuntimeImage(engine, RUNTIME, { logRoot: dir, lockDir, pollMs: 5, signal: ac.signal }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 30));
    const started = Date.now();
    ac.abort();
    const err = await waiting;
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(500);
    expect(existsSync(runtimeLockFile(lockDir, RUNTIME))).toBe(true); // still the builder's
    engine.release();
    await holderRun;
    expect(engine.builds).toHaveLength(1);
  });

  it('a build that fails or is cancelled releases the lock, so the next deploy builds', async () => {
    const engine = new FakeEngine();
    const ac = new AbortController();
    const run = ensureRuntimeImage(engine, RUNTIME, { logRoot: dir, lockDir, signal: ac.signal }).catch((e: unknown) => e);
    await until(() => engine.builds.length === 1);
    ac.abort();
    expect(((await run) as AppError).code).toBe('cancelled');
    expect(existsSync(runtimeLockFile(lockDir, RUNTIME))).toBe(false);
    engine.release();
    expect((await ensureRuntimeImage(engine, RUNTIME, { logRoot: dir, lockDir })).built).toBe(true);
    expect(engine.builds).toHaveLength(2);
  });

  it('sends the runtime context only (install.R inputs + Dockerfile), never a project folder', async () => {
    const engine = new FakeEngine();
    engine.release();
    writeFileSync(path.join(dir, 'big.rds'), Buffer.alloc(200_000));
    await ensureRuntimeImage(engine, RUNTIME, { logRoot: dir, lockDir });
    expect(engine.builds[0]!.bytes).toBeLessThan(20_000);
  });

  it('keeps its locks under the user cache folder', () => {
    expect(runtimeLockDir({ XDG_CACHE_HOME: '/c' })).toBe(path.join('/c', 'rdeploy', 'locks'));
    expect(runtimeLockDir({})).toBe(path.join(os.homedir(), '.cache', 'rdeploy', 'locks'));
    expect(runtimeLockFile('/c/rdeploy/locks', RUNTIME)).toBe(path.join('/c/rdeploy/locks', `runtime-${RUNTIME.hash}.lock`));
  });

  it('is built again when a newer base image was pulled under the same tag, and its id pins the build', async () => {
    const engine = new FakeEngine();
    engine.release();
    engine.images.add(RUNTIME.baseImage);
    engine.layers.set(RUNTIME.baseImage, ['base-v1']);
    const first = await ensureRuntimeImage(engine, RUNTIME, { logRoot: dir, lockDir });
    expect(first.built).toBe(true);
    expect(first.id).toBe(`sha256:${RUNTIME.tag.length}-base-v1+runtime-1`);
    // Same base: nothing to do.
    expect(await ensureRuntimeImage(engine, RUNTIME, { logRoot: dir, lockDir })).toMatchObject({ built: false, id: first.id });
    // `docker pull` brought a newer image under the tag: the runtime's layers no longer start with it.
    engine.layers.set(RUNTIME.baseImage, ['base-v2']);
    const second = await ensureRuntimeImage(engine, RUNTIME, { logRoot: dir, lockDir });
    expect(second.built).toBe(true);
    expect(engine.layers.get(RUNTIME.tag)).toEqual(['base-v2', 'runtime-2']);
    // The project's build starts FROM that id, never from a tag a registry could answer for.
    const dockerfile = `# generated\nFROM ${RUNTIME.tag}\nRUN true\n`;
    expect(pinRuntime(dockerfile, { tag: RUNTIME.tag, id: second.id })).toBe(`# generated\nFROM ${second.id}\nRUN true\n`);
    expect(() => pinRuntime('FROM somewhere/else:1\n', { tag: RUNTIME.tag, id: second.id })).toThrow(/does not start FROM/);
  });

});

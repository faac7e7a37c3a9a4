import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import { buildImage } from '../../../src/targets/image/buildImage';
import type { DockerClient } from '../../../src/targets/image/dockerClient';

// The engine's build stream, scripted: what a 2-10 minute first build prints over minutes is
// replayed in milliseconds with a short heartbeat. The real engine is exercised by
// test/e2e/build-errors.test.ts; the timing behaviour is only testable like this.
type Event = { stream?: string; error?: string; errorDetail?: { message: string }; aux?: { ID: string } } | { wait: number };

function scripted(events: Event[]): DockerClient {
  return {
    buildImage: async () =>
      (async function* () {
        for (const e of events) {
          if ('wait' in e) await new Promise((r) => setTimeout(r, e.wait));
          else yield Buffer.from(`${JSON.stringify(e)}\n`);
        }
      })(),
  } as unknown as DockerClient;
}

const lines = (...ls: string[]): Event => ({ stream: `${ls.join('\n')}\n` });

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-bi-'));
  writeFileSync(path.join(root, 'score.R'), 'score <- function() 1\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const request = (progress: { report(u: { message?: string; line?: string }): void }) => ({
  root,
  inputs: { dockerfile: 'FROM scratch\n', dockerignore: '', files: [] },
  tag: 'rdeploy/demo:abc',
  labels: { 'rdeploy-project': root, 'rdeploy-deployment': 'demo' },
  progress,
  heartbeatMs: 40,
});

function recorder() {
  const messages: string[] = [];
  const raw: string[] = [];
  return { messages, raw, report: (u: { message?: string; line?: string }) => void (u.message && messages.push(u.message), u.line && raw.push(u.line)) };
}

describe('buildImage progress', () => {
  it('says every heartbeat how long the step has run and what it compiles; raw lines stay lines', async () => {
    const p = recorder();
    const id = await buildImage(
      scripted([
        lines('Step 6/20 : RUN Rscript /opt/rdeploy/runtime/install.R', ' ---> Running in c12ec553179f'),
        lines("* installing *source* package 'httpuv' ...", 'g++ -std=gnu++17 -c http.cpp -o http.o'),
        { wait: 130 },
        lines(' ---> 5db993d0b5b8', 'Removing intermediate container c12ec553179f', 'Step 7/20 : LABEL rdeploy.mode="http"'),
        { aux: { ID: 'sha256:feed' } },
      ]),
      request(p),
    );
    expect(id).toBe('sha256:feed');
    expect(p.messages[0]).toMatch(/^Building image: sending \d+ files/);
    expect(p.messages).toContain('Building image (6/20): installing the R Deploy runtime');
    expect(p.messages.filter((m) => /^Building image \(6\/20\): installing the R Deploy runtime \(\d+s, compiling httpuv\)$/.test(m)).length).toBeGreaterThanOrEqual(2);
    expect(p.messages.at(-1)).toBe('Building image (7/20): finishing the image');
    expect(p.messages.filter((m) => /--->|Running in|intermediate/.test(m))).toEqual([]);
    expect(p.raw).toContain(' ---> Running in c12ec553179f');
  });

  it('stops the heartbeat when the stream ends', async () => {
    const p = recorder();
    await buildImage(scripted([lines('Step 1/2 : FROM scratch'), { aux: { ID: 'sha256:1' } }]), request(p));
    const count = p.messages.length;
    await new Promise((r) => setTimeout(r, 120));
    expect(p.messages.length).toBe(count);
  });
});

describe('buildImage failures', () => {
  it('one line without ANSI codes or traceback; the full log goes to <project>/.rdeploy/logs', async () => {
    const p = recorder();
    const failing = scripted([
      lines('Step 8/20 : RUN Rscript /opt/rdeploy/restore.R', ' ---> Running in f573023c67f6'),
      lines('The following package(s) were not installed successfully:', '- [jsonlite]: failed to download'),
      lines('rdeploy-restore-failed\tjsonlite\t1.8.4\thttps://cloud.r-project.org\t404\t404\t2.0.0'),
      { stream: "\u001b[91mError: failed to install 'jsonlite'\n\u001b[0m" },
      lines('Traceback (most recent calls last):', '2: stopf("failed to install %s", paste(shQuote(failed), collapse = ", "))', '1: stop(sprintf(fmt, ...), call. = call.)'),
      { errorDetail: { message: "The command '/bin/sh -c Rscript /opt/rdeploy/restore.R' returned a non-zero code: 1" }, error: 'x' },
    ]);
    let err: AppError | undefined;
    await buildImage(failing, request(p)).catch((e: AppError) => (err = e));
    expect(err?.code).toBe('build-failed');
    const m = /^The image could not be built: jsonlite 1\.8\.4 could not be downloaded from https:\/\/cloud\.r-project\.org \(HTTP 404; this repository serves jsonlite 2\.0\.0 and no archived versions\)\. Full build log: (.*build-demo-\d{8}T\d{6}Z\.log)$/.exec(err!.message);
    expect(m, err!.message).not.toBeNull();
    expect(path.dirname(m![1]!)).toBe(path.join(root, '.rdeploy', 'logs'));
    const log = readFileSync(m![1]!, 'utf8');
    expect(log).toContain("Error: failed to install 'jsonlite'");
    expect(log).toContain('returned a non-zero code: 1');
    expect(log).not.toContain('\u001b');
    expect(p.raw.filter((l) => l.includes('\u001b'))).toEqual([]);
  });

  it('an unknown failure names the step, its last error line and Docker\'s error, still in one line', async () => {
    const p = recorder();
    const failing = scripted([
      lines('Step 7/19 : RUN apt-get update && apt-get install -y libfoo-dev', ' ---> Running in 1'),
      lines('E: Unable to locate package libfoo-dev'),
      { errorDetail: { message: "The command '/bin/sh -c apt-get update' returned a non-zero code: 100" } },
    ]);
    const err = await buildImage(failing, request(p)).catch((e: AppError) => e);
    expect((err as AppError).message).toMatch(
      /^The image build failed while installing system libraries \(step 7\/19\): E: Unable to locate package libfoo-dev \(The command '\/bin\/sh -c apt-get update' returned a non-zero code: 100\)\. Full build log: .*\.log$/,
    );
  });
});

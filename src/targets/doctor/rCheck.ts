import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { resolveRPath, type RPathInput } from '../../core/rPath';
import { notOk, ok, type CheckResult } from './types';

/** Where R is and what `R --version` says; both swappable so tests need no R. */
export interface RProbe {
  find(): string | undefined;
  version(rPath: string): Promise<string>;
}

const TITLE = 'R on this machine';
const USES = 'only Invoke Handler Locally and reading handler arguments need it; deploys run R in the image';

/** R is optional for deploys: missing or broken is a warning, never a failure. */
export async function checkR(probe: RProbe, projectRVersion?: string): Promise<CheckResult> {
  const rPath = probe.find();
  if (!rPath) {
    return notOk('warn', 'r', TITLE, `not found (${USES})`, 'Install R from https://cloud.r-project.org, or set rdeploy.rPath to your R executable.');
  }
  let version: string;
  try {
    version = await probe.version(rPath);
  } catch (e) {
    return notOk('warn', 'r', TITLE, `${rPath} does not run (${firstLine((e as Error).message)})`, 'Set rdeploy.rPath to a working R executable, or reinstall R.');
  }
  const pinned = projectRVersion && projectRVersion !== version ? `; the project pins R ${projectRVersion}, which the image uses` : '';
  return ok('r', TITLE, `R ${version} at ${rPath}${pinned}`);
}

/** The real probe: found as src/core/rPath.ts finds it (settings first, then PATH, then the usual places). */
export function systemRProbe(settings: Pick<RPathInput, 'setting' | 'rExtension'> = {}, timeoutMs = 15_000): RProbe {
  return {
    find: () =>
      resolveRPath({ ...settings, platform: process.platform, env: process.env }, (p) => existsSync(p), (dir) => readdirSync(dir)),
    version: (rPath) =>
      new Promise((resolve, reject) => {
        execFile(rPath, ['--version'], { timeout: timeoutMs, windowsHide: true }, (err, stdout, stderr) => {
          const v = parseRVersion(`${stdout}\n${stderr}`);
          if (v) resolve(v);
          else reject(err ?? new Error('it did not print an R version'));
        });
      }),
  };
}

/** "R version 4.2.2 Patched (2022-11-10 r83330) -- …" → "4.2.2". */
export function parseRVersion(text: string): string | undefined {
  return /\bR version (\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1];
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO } from './cli';

/** A private copy of an example project, so tests never touch the repository's files. */
export function copyExample(name: string): { dir: string; dispose(): void } {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-e2e-'));
  const dir = path.join(parent, name);
  cpSync(path.join(REPO, 'examples', name), dir, {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}.rdeploy${path.sep}deployments`),
  });
  return { dir, dispose: () => rmSync(parent, { recursive: true, force: true }) };
}

/** A unique deployment name per run: tests never collide with a developer's own deployments. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
}

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rdeploy } from '../support/cli';
import { BASE_IMAGE, requireEngineAndBaseImage } from '../support/docker';

/**
 * A record file is data anyone can edit or commit. Destroying what it names must never remove a
 * container or image R Deploy did not label as this deployment's.
 */
describe('destroy with a record that names somebody else\'s container', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-own-'));
  let victim = '';

  beforeAll(() => {
    requireEngineAndBaseImage();
    victim = execFileSync('docker', ['create', '--network', 'none', BASE_IMAGE, 'true'], { encoding: 'utf8' }).trim();
  });
  afterAll(() => {
    execFileSync('docker', ['rm', '-f', victim], { stdio: 'ignore' });
    rmSync(tmp, { recursive: true, force: true });
  });

  it('leaves the unlabelled container and the base image alone, says so, and keeps the record', async () => {
    const root = path.join(tmp, 'project');
    mkdirSync(path.join(root, '.rdeploy', 'deployments'), { recursive: true });
    writeFileSync(path.join(root, 'score.R'), 'score <- function(x) x\n');
    const record = {
      version: 1, name: 'crafted', target: 'local', status: 'running', projectRoot: '/elsewhere', handler: 'score.score',
      createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
      resources: [
        { kind: 'container', id: victim, state: 'created' },
        { kind: 'image', id: BASE_IMAGE, state: 'created' },
      ],
      details: { container: 'rdeploy-crafted' },
    };
    writeFileSync(path.join(root, '.rdeploy', 'deployments', 'crafted.json'), JSON.stringify(record));

    const res = await rdeploy(['destroy', 'crafted', '--project', root]);
    // Not a success: the record names things that are not this project's, and they are still there.
    expect(res.code, res.stderr).toBe(1);
    // One line says what was left and why; nothing claims to remove what is not ours.
    const said = res.stderr.trim().split('\n');
    expect(said.filter((l) => l.startsWith('rdeploy: Left alone '))).toEqual([
      expect.stringMatching(/^rdeploy: Left alone image rdeploy-test\/r-base:bookworm, container rdeploy-crafted \([0-9a-f]{12}\): it carries another project's labels/),
    ]);
    expect(said.filter((l) => /Removing/.test(l))).toEqual([]);
    expect(existsSync(path.join(root, '.rdeploy', 'deployments', 'crafted.json'))).toBe(true);
    expect(execFileSync('docker', ['ps', '-a', '-q', '--no-trunc', '--filter', `id=${victim}`], { encoding: 'utf8' }).trim()).toBe(victim);
    expect(() => execFileSync('docker', ['image', 'inspect', BASE_IMAGE], { stdio: 'ignore' })).not.toThrow();
  });
});

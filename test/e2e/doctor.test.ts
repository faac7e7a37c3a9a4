import { describe, expect, it } from 'vitest';
import { rdeploy } from '../support/cli';
import { BASE_IMAGE, requireEngineAndBaseImage } from '../support/docker';
import { copyExample } from '../support/tempProject';

/** `rdeploy doctor` as a user runs it, against the real engine and the real R of this machine. */
describe('rdeploy doctor (real engine)', () => {
  it('all there: every line ✔, exit 0', async () => {
    requireEngineAndBaseImage();
    const project = copyExample('mtcars-glm');
    try {
      const res = await rdeploy(['doctor', project.dir, '--base-image', BASE_IMAGE]);
      expect(res.code, res.stdout + res.stderr).toBe(0);
      const lines = res.stdout.trim().split('\n');
      expect(lines.every((l) => l.startsWith('✔ ')), res.stdout).toBe(true);
      expect(res.stdout).toMatch(/✔ Docker engine\s+Docker \S+ \(API \d+\.\d+/);
      expect(res.stdout).toContain(`${BASE_IMAGE} is on this machine`);
      expect(res.stdout).toMatch(/✔ R on this machine\s+R \d+\.\d+\.\d+ at /);
    } finally {
      project.dispose();
    }
  });

  it('an engine that is not there: ✖ with the fix sentence, exit 1', async () => {
    const res = await rdeploy(['doctor'], { env: { DOCKER_HOST: 'unix:///nonexistent.sock' } });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('✔ Docker endpoint    unix:///nonexistent.sock (from DOCKER_HOST)');
    expect(res.stdout).toMatch(/✖ Docker engine\s+Docker is not running \(no engine at unix:\/\/\/nonexistent\.sock, from DOCKER_HOST\) — Start Docker Desktop or the docker service, then try again\./);
    expect(res.stderr).toBe('');
  });

  it('--json parses, with ok false and the failing check', async () => {
    const res = await rdeploy(['doctor', '--json'], { env: { DOCKER_HOST: 'unix:///nonexistent.sock' } });
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout);
    expect(report.ok).toBe(false);
    expect(report.checks.find((c: { id: string }) => c.id === 'docker-engine')).toMatchObject({ status: 'fail', fix: 'Start Docker Desktop or the docker service, then try again.' });
    for (const c of report.checks) expect(Object.keys(c).sort()).toEqual(expect.arrayContaining(['detail', 'id', 'status', 'title']));
  });
});

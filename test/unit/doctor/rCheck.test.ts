import { describe, expect, it } from 'vitest';
import { checkR, parseRVersion } from '../../../src/targets/doctor/rCheck';

describe('doctor: R on this machine', () => {
  it('R found and running: ok with version and path', async () => {
    const c = await checkR({ find: () => '/usr/bin/R', version: async () => '4.2.2' }, '4.2.2');
    expect(c).toEqual({ id: 'r', title: 'R on this machine', status: 'ok', detail: 'R 4.2.2 at /usr/bin/R' });
  });

  it('another R version than the project pins is still ok, and says which one the image uses', async () => {
    const c = await checkR({ find: () => '/opt/R/4.4.1/bin/R', version: async () => '4.4.1' }, '4.2.2');
    expect(c.status).toBe('ok');
    expect(c.detail).toBe('R 4.4.1 at /opt/R/4.4.1/bin/R; the project pins R 4.2.2, which the image uses');
  });

  it('no R: a warning (deploys do not need it), with where to get it', async () => {
    const c = await checkR({ find: () => undefined, version: async () => '' });
    expect(c.status).toBe('warn');
    expect(c.detail).toMatch(/^not found \(only Invoke Handler Locally/);
    expect(c.fix).toMatch(/cloud\.r-project\.org.*rdeploy\.rPath/);
  });

  it('an R that does not run: a warning naming it', async () => {
    const c = await checkR({ find: () => 'C:\\R\\bin\\R.exe', version: async () => Promise.reject(new Error('spawn C:\\R\\bin\\R.exe ENOENT\nmore')) });
    expect(c).toMatchObject({ status: 'warn', detail: 'C:\\R\\bin\\R.exe does not run (spawn C:\\R\\bin\\R.exe ENOENT)', fix: expect.stringContaining('rdeploy.rPath') });
  });

  it('reads the version from what R --version prints', () => {
    expect(parseRVersion('R version 4.2.2 Patched (2022-11-10 r83330) -- "Innocent and Trusting"\nCopyright')).toBe('4.2.2');
    expect(parseRVersion('R version 4.3.1 (2023-06-16 ucrt) -- "Beagle Scouts"')).toBe('4.3.1');
    expect(parseRVersion('bash: R: command not found')).toBeUndefined();
  });
});

// resolveRPath / rscriptFor: pure, the file system replaced by a set of existing paths.
import { describe, expect, it } from 'vitest';
import { resolveRPath, rscriptFor } from '../../../src/core/rPath';

const files = (...paths: string[]) => {
  const set = new Set(paths);
  return (p: string) => set.has(p);
};

describe('resolveRPath', () => {
  const linux = { platform: 'linux' as const, env: { PATH: '/home/u/bin:/usr/local/bin:/usr/bin', HOME: '/home/u' } };

  it('prefers our setting, then the R extension setting of this OS, then PATH', () => {
    const exists = files('/usr/bin/R', '/opt/r/bin/R');
    expect(resolveRPath({ ...linux, setting: '/mine/R', rExtension: { linux: '/opt/r/bin/R' } }, exists)).toBe('/mine/R');
    expect(resolveRPath({ ...linux, setting: '  ', rExtension: { linux: '/opt/r/bin/R', mac: '/mac/R' } }, exists)).toBe('/opt/r/bin/R');
    expect(resolveRPath({ ...linux, rExtension: { mac: '/mac/R', windows: 'C:\\R\\R.exe' } }, exists)).toBe('/usr/bin/R');
  });

  it('returns a configured path as given, even when it does not exist (the user asked for it)', () => {
    expect(resolveRPath({ ...linux, setting: '/no/such/R' }, files('/usr/bin/R'))).toBe('/no/such/R');
  });

  it('expands quotes, ~, ${userHome} and ${env:NAME} in settings like the R extension', () => {
    const env = { ...linux.env, R_HOME_DIR: '/opt/R/4.4.1' };
    expect(resolveRPath({ ...linux, env, setting: '"~/R/bin/R"' }, files())).toBe('/home/u/R/bin/R');
    expect(resolveRPath({ ...linux, env, rExtension: { linux: '${userHome}/bin/R' } }, files())).toBe('/home/u/bin/R');
    expect(resolveRPath({ ...linux, env, setting: '${env:R_HOME_DIR}/bin/R' }, files())).toBe('/opt/R/4.4.1/bin/R');
  });

  it('takes the first R on PATH, in PATH order', () => {
    expect(resolveRPath(linux, files('/usr/bin/R', '/usr/local/bin/R'))).toBe('/usr/local/bin/R');
    expect(resolveRPath(linux, files('/home/u/bin/R', '/usr/bin/R'))).toBe('/home/u/bin/R');
  });

  it('falls back to common install locations, newest /opt/R first', () => {
    const noPath = { platform: 'linux' as const, env: { PATH: '/nowhere' } };
    const listDir = (dir: string) => (dir === '/opt/R' ? ['4.2.3', '4.10.0', '4.9.1', 'README'] : []);
    expect(resolveRPath(noPath, files('/usr/bin/R'), listDir)).toBe('/usr/bin/R');
    expect(resolveRPath(noPath, files('/opt/R/4.9.1/bin/R', '/opt/R/4.10.0/bin/R'), listDir)).toBe('/opt/R/4.10.0/bin/R');
    expect(resolveRPath(noPath, files())).toBeUndefined();
  });

  it('on macOS also finds Homebrew and the CRAN framework, which a Dock-launched VS Code has no PATH for', () => {
    const mac = { platform: 'darwin' as const, env: { PATH: '/usr/bin:/bin' } };
    expect(resolveRPath(mac, files('/opt/homebrew/bin/R'))).toBe('/opt/homebrew/bin/R');
    expect(resolveRPath(mac, files('/Library/Frameworks/R.framework/Resources/bin/R'))).toBe('/Library/Frameworks/R.framework/Resources/bin/R');
    expect(resolveRPath({ ...mac, rExtension: { mac: '/custom/R', linux: '/linux/R' } }, files())).toBe('/custom/R');
  });

  it('on Windows looks for R.exe with PATHEXT on a case-insensitive Path, then Program Files, newest first', () => {
    const env = { Path: 'C:\\Windows;"C:\\Program Files\\R\\R-4.3.1\\bin"', PATHEXT: '.COM;.EXE;.BAT', ProgramFiles: 'C:\\Program Files' };
    const win = { platform: 'win32' as const, env };
    expect(resolveRPath(win, files('C:\\Program Files\\R\\R-4.3.1\\bin\\R.exe'))).toBe('C:\\Program Files\\R\\R-4.3.1\\bin\\R.exe');
    expect(resolveRPath({ ...win, rExtension: { windows: 'D:\\R\\bin\\R.exe' } }, files())).toBe('D:\\R\\bin\\R.exe');
    const noPath = { platform: 'win32' as const, env: { PATH: 'C:\\Windows', ProgramFiles: 'C:\\Program Files' } };
    const listDir = (dir: string) => (dir === 'C:\\Program Files\\R' ? ['R-4.2.2', 'R-4.4.0', 'Rtools'] : []);
    const installed = files('C:\\Program Files\\R\\R-4.2.2\\bin\\R.exe', 'C:\\Program Files\\R\\R-4.4.0\\bin\\x64\\R.exe');
    expect(resolveRPath(noPath, installed, listDir)).toBe('C:\\Program Files\\R\\R-4.4.0\\bin\\x64\\R.exe');
    // A Windows R is never looked for in POSIX places.
    expect(resolveRPath(noPath, files('/usr/bin/R'), listDir)).toBeUndefined();
  });

  it('survives a listDir that throws (no such folder)', () => {
    const throwing = () => {
      throw new Error('ENOENT');
    };
    expect(resolveRPath({ platform: 'linux', env: {} }, files('/usr/local/bin/R'), throwing)).toBe('/usr/local/bin/R');
  });
});

describe('rscriptFor', () => {
  it('is the Rscript beside R', () => {
    expect(rscriptFor('/usr/bin/R', 'linux')).toBe('/usr/bin/Rscript');
    expect(rscriptFor('/Library/Frameworks/R.framework/Resources/bin/R', 'darwin')).toBe('/Library/Frameworks/R.framework/Resources/bin/Rscript');
    expect(rscriptFor('C:\\Program Files\\R\\R-4.4.0\\bin\\x64\\R.exe', 'win32')).toBe('C:\\Program Files\\R\\R-4.4.0\\bin\\x64\\Rscript.exe');
  });

  it('keeps a path that already is Rscript', () => {
    expect(rscriptFor('/opt/R/4.4.1/bin/Rscript', 'linux')).toBe('/opt/R/4.4.1/bin/Rscript');
    expect(rscriptFor('C:\\R\\bin\\Rscript.exe', 'win32')).toBe('C:\\R\\bin\\Rscript.exe');
  });
});

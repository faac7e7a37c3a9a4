import * as path from 'node:path';

/**
 * Where the host's R is, found the way the R extension (REditorSupport/vscode-R) finds it, so
 * a user who set R up for that extension has nothing more to configure:
 * 1. our `rdeploy.rPath` setting, 2. the R extension's `r.rpath.<linux|mac|windows>`,
 * 3. `R` on PATH (`R.exe` and the other PATHEXT extensions on Windows), 4. common install
 * locations. A configured path is returned as given even when it does not exist: the user
 * asked for it, and running it gives a clearer error than silently using another R.
 * The Windows registry (`HKLM\Software\R-Core\R\InstallPath`, which the R extension reads) is
 * out of scope here: instead `%ProgramFiles%\R\R-<version>\bin\R.exe` is scanned when `listDir`
 * is given (the R installer does not put R on PATH).
 * Pure: the file system is reached only through `exists` and `listDir`.
 */
export interface RPathInput {
  setting?: string;
  rExtension?: { linux?: string; mac?: string; windows?: string };
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
}

export function resolveRPath(
  input: RPathInput,
  exists: (p: string) => boolean,
  listDir: (dir: string) => string[] = () => [],
): string | undefined {
  const { platform, env } = input;
  const configured = [input.setting, input.rExtension?.[osKey(platform)]];
  for (const value of configured) {
    const expanded = value === undefined ? '' : expandConfigured(value, env);
    if (expanded) return expanded;
  }
  return fromPath(platform, env, exists) ?? commonLocations(platform, env, exists, listDir);
}

/** `rscriptFor('/usr/bin/R')` = `/usr/bin/Rscript`; `...\bin\x64\R.exe` -> `...\bin\x64\Rscript.exe`. */
export function rscriptFor(rPath: string, platform: NodeJS.Platform = process.platform): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  const base = p.basename(rPath);
  if (/^rscript(\.exe)?$/i.test(base)) return rPath;
  const windows = platform === 'win32' || /\.(exe|bat|cmd)$/i.test(base);
  return p.join(p.dirname(rPath), windows ? 'Rscript.exe' : 'Rscript');
}

function osKey(platform: NodeJS.Platform): 'linux' | 'mac' | 'windows' {
  return platform === 'win32' ? 'windows' : platform === 'darwin' ? 'mac' : 'linux';
}

/** Trims, drops surrounding quotes, expands `~`, `${userHome}` and `${env:NAME}` like the R extension. */
function expandConfigured(value: string, env: NodeJS.ProcessEnv): string {
  const home = env.HOME ?? env.USERPROFILE ?? '';
  let v = value.trim().replace(/^"(.*)"$/, '$1').trim();
  v = v.replace(/\$\{userHome\}/g, home).replace(/\$\{env:([^}]+)\}/g, (_, name: string) => env[name] ?? '');
  if (home && (v === '~' || v.startsWith('~/') || v.startsWith('~\\'))) v = home + v.slice(1);
  return v;
}

function fromPath(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, exists: (p: string) => boolean): string | undefined {
  const win = platform === 'win32';
  const p = win ? path.win32 : path.posix;
  // Windows environment variable names are case-insensitive; Node's process.env hides that,
  // a plain object passed in does not.
  const pathVar = win ? findVar(env, 'PATH') : env.PATH;
  const names = win
    ? (findVar(env, 'PATHEXT') ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean).map((ext) => `R${ext.toLowerCase()}`)
    : ['R'];
  for (const dir of (pathVar ?? '').split(win ? ';' : ':')) {
    const d = dir.trim().replace(/^"(.*)"$/, '$1');
    if (!d) continue;
    for (const name of names) {
      const candidate = p.join(d, name);
      if (exists(candidate)) return candidate;
    }
  }
  return undefined;
}

function findVar(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const key = Object.keys(env).find((k) => k.toUpperCase() === name);
  return key === undefined ? undefined : env[key];
}

function commonLocations(
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
  exists: (p: string) => boolean,
  listDir: (dir: string) => string[],
): string | undefined {
  const candidates: string[] = [];
  if (platform === 'win32') {
    for (const root of [findVar(env, 'PROGRAMFILES'), findVar(env, 'PROGRAMFILES(X86)')]) {
      if (!root) continue;
      const rDir = path.win32.join(root, 'R');
      for (const version of newestFirst(safeList(listDir, rDir).filter((n) => /^R-\d/.test(n)))) {
        candidates.push(path.win32.join(rDir, version, 'bin', 'R.exe'), path.win32.join(rDir, version, 'bin', 'x64', 'R.exe'));
      }
    }
  } else {
    // A GUI-launched VS Code on macOS has a short PATH without Homebrew or the CRAN framework.
    if (platform === 'darwin') candidates.push('/opt/homebrew/bin/R', '/Library/Frameworks/R.framework/Resources/bin/R');
    candidates.push('/usr/local/bin/R', '/usr/bin/R');
    // Posit's recommended side-by-side installs: /opt/R/<version>/bin/R.
    for (const version of newestFirst(safeList(listDir, '/opt/R').filter((n) => /^\d/.test(n)))) {
      candidates.push(`/opt/R/${version}/bin/R`);
    }
  }
  return candidates.find((c) => exists(c));
}

function safeList(listDir: (dir: string) => string[], dir: string): string[] {
  try {
    return listDir(dir);
  } catch {
    return [];
  }
}

/** `R-4.10.0` before `R-4.9.1`: numeric parts compared as numbers. */
function newestFirst(names: string[]): string[] {
  const key = (n: string) => (n.match(/\d+/g) ?? []).map(Number);
  return [...names].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
      const d = (kb[i] ?? -1) - (ka[i] ?? -1);
      if (d !== 0) return d;
    }
    return a < b ? 1 : -1;
  });
}

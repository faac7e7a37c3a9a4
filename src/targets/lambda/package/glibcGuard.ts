import { AppError } from '../../../core/errors';
import { inspectElf } from './elf';

/**
 * The glibc guard: no shared object in a layer or `function.zip` may need a C library newer than
 * the target's. Lambda's `provided.al2023` (Amazon Linux 2023) has glibc 2.34; the limit is the
 * `glibcMax` setting so that a local stand-in builder (Debian 12: 2.36) can be used.
 *
 * What counts as a need of a file: every `GLIBC_*` entry of its version needs (verneed), whether
 * or not a symbol is bound to it, because the dynamic linker checks them all when it loads the
 * file. Besides the numbered versions:
 * - `GLIBC_PRIVATE` is always a violation, whatever the limit. Only glibc's own parts need it
 *   (libm, libpthread, libnss_*, gconv modules …: checked on Debian 12, where nothing else does),
 *   and they work only with the very libc build they came from. Shipping one in a layer is the
 *   mistake; the target provides them.
 * - `GLIBC_ABI_*` markers (`GLIBC_ABI_DT_RELR`, needed by files linked with packed relative
 *   relocations) are compared by the release that introduced them; an unknown one is a violation,
 *   since no glibc we can vouch for provides it.
 * Other namespaces (`GLIBCXX_`, `GCC_`, `OMP_` …) belong to libraries the layers carry themselves.
 */
export const DEFAULT_GLIBC_MAX = '2.34';

/** A file's `version` is `unreadable` when it starts like ELF but cannot be read as one. */
export const UNREADABLE = 'unreadable';

export interface GlibcViolation {
  path: string;
  /** The full version name (`GLIBC_2.36`, `GLIBC_PRIVATE`), or `unreadable`. */
  version: string;
  /** The undefined symbols bound to that version; empty when none is (the need alone still counts). */
  symbols: string[];
}

/** Markers without a number, by the glibc release that introduced them. */
const MARKERS: Record<string, string> = { GLIBC_ABI_DT_RELR: '2.36' };

/** `2.34` or `GLIBC_2.2.5` → [2, 34] / [2, 2, 5]; undefined for anything else. */
export function parseGlibcVersion(s: string): number[] | undefined {
  const m = /^(?:GLIBC_)?(\d+(?:\.\d+)*)$/.exec(s);
  return m?.[1] ? m[1].split('.').map(Number) : undefined;
}

/** Numeric, part by part: 2.4 < 2.34 < 2.36, and 2.2.5 > 2.2. */
export function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** True when `name` (a version need of any library) is one the target's glibc cannot satisfy. */
function tooNew(name: string, max: number[]): boolean {
  if (!name.startsWith('GLIBC_')) return false;
  if (name === 'GLIBC_PRIVATE') return true;
  const v = parseGlibcVersion(MARKERS[name] ?? name);
  return v === undefined || compareVersions(v, max) > 0;
}

/**
 * Every violation, file by file in the order given, the newest version of a file first. Files
 * that are not ELF (scripts, data, R code) are skipped; an ELF file that cannot be read is a
 * violation of its own, since nothing can be vouched for it.
 */
export function checkGlibc(files: ReadonlyArray<{ path: string; bytes: Uint8Array }>, max = DEFAULT_GLIBC_MAX): GlibcViolation[] {
  const limit = parseGlibcVersion(max);
  if (!limit) throw new AppError('config-invalid', `The setting glibcMax must be a glibc version such as 2.34, not "${max}".`);
  const out: GlibcViolation[] = [];
  for (const f of files) {
    const elf = inspectElf(f.bytes);
    if (elf.kind === 'not-elf') continue;
    if (elf.kind === 'unreadable') {
      out.push({ path: f.path, version: UNREADABLE, symbols: [] });
      continue;
    }
    // The same version can be needed from several libraries (libc.so.6 and libm.so.6): one entry.
    const found = new Map<string, Set<string>>();
    for (const need of elf.needs) {
      for (const v of need.versions) {
        if (!tooNew(v.name, limit)) continue;
        const symbols = found.get(v.name) ?? new Set<string>();
        for (const s of v.symbols) symbols.add(s);
        found.set(v.name, symbols);
      }
    }
    const newestFirst = [...found].sort(([a], [b]) => rank(b) - rank(a) || compareVersions(parseGlibcVersion(b) ?? [], parseGlibcVersion(a) ?? []));
    for (const [version, symbols] of newestFirst) out.push({ path: f.path, version, symbols: [...symbols] });
  }
  return out;
}

/** GLIBC_PRIVATE and unknown markers sort before numbered versions: they are the worse news. */
function rank(name: string): number {
  return parseGlibcVersion(MARKERS[name] ?? name) ? 0 : 1;
}

/**
 * One sentence: the first violation's file and symbol, how many more there are, and what to do
 * (the remedy differs for a too-new version, a piece of glibc, and an unreadable file).
 */
export function glibcViolationError(violations: readonly GlibcViolation[], max = DEFAULT_GLIBC_MAX): AppError {
  const first = violations[0];
  if (!first) return new AppError('internal', 'The glibc guard was asked to report no violation.');
  const more = violations.length - 1;
  const also = more > 0 ? ` (and ${more} more ${more === 1 ? 'violation' : 'violations'})` : '';
  const message =
    first.version === UNREADABLE
      ? `${first.path} starts like a shared object but cannot be read, so the glibc it needs cannot be checked${also}: rebuild it or remove it from the project.`
      : first.version === 'GLIBC_PRIVATE'
        ? `${first.path} needs ${symbolAt(first)}, so it is a part of glibc itself${also}: leave it out of the package, since the target's own glibc provides it.`
        : `${first.path} needs ${symbolAt(first)}, newer than the target's glibc ${max}${also}: ` +
          `build on a builder image with glibc ${max} or older (--builder-image), or use image mode, ` +
          `and raise the limit (--set glibcMax=…) only for a local stand-in builder.`;
  return new AppError('build-failed', message);
}

function symbolAt(v: GlibcViolation): string {
  const [symbol] = v.symbols;
  return symbol === undefined ? `version ${v.version}` : `${symbol}@${v.version}`;
}

/** The newest numbered `GLIBC_x.y` that any of the files needs ("2.34"), or null when none needs one. */
export function newestGlibcNeed(files: Iterable<Uint8Array>): string | null {
  let newest: number[] | undefined;
  for (const bytes of files) {
    const elf = inspectElf(bytes);
    if (elf.kind !== 'elf') continue;
    for (const need of elf.needs) {
      for (const v of need.versions) {
        const n = v.name.startsWith('GLIBC_') ? parseGlibcVersion(v.name) : undefined;
        if (n && (!newest || compareVersions(n, newest) > 0)) newest = n;
      }
    }
  }
  return newest ? newest.join('.') : null;
}

import { LAMBDA_QUOTAS } from './quotas';

/** A staged file: its path under the staging folder ("opt/R/bin/exec/R", "task/score.R"). */
export interface StagedFile {
  path: string;
  size: number;
  mode: number;
}

export interface ZipPlan {
  /** "function", or the layer's file name without extension ("01-r"). */
  name: string;
  /** Relative to the package folder: "function.zip", "layers/01-r.zip". */
  file: string;
  /** Entries: where each staged file goes in the zip (relative to /opt for a layer, /var/task for the function). */
  entries: Array<StagedFile & { zipPath: string }>;
}

/** Under this many unzipped bytes the packages stay one layer; above, they are spread over up to 4. */
export const PACKAGE_LAYER_BYTES = 60 * 1024 * 1024;

/**
 * How the staged tree becomes Lambda artefacts. The R layer (R, the shared libraries, the runtime
 * and its library) changes with the builder image and R Deploy's version only; the package layers
 * change with the lockfile; function.zip with the code. Each unchanged zip is byte-identical to the
 * last one (zip.ts), so a redeploy uploads only what changed. Packages are spread over layers by
 * name, whole packages only, so adding one package changes one layer.
 */
export function layoutPackage(files: readonly StagedFile[]): ZipPlan[] {
  const task = files.filter((f) => f.path.startsWith('task/'));
  const opt = files.filter((f) => f.path.startsWith('opt/'));
  const packageOf = (f: StagedFile): string | undefined => /^opt\/rdeploy\/(project-library|site-library)\/([^/]+)\//.exec(f.path)?.slice(1, 3).join('/');
  const rLayer = opt.filter((f) => packageOf(f) === undefined);
  const byPackage = new Map<string, StagedFile[]>();
  for (const f of opt) {
    const pkg = packageOf(f);
    if (pkg) byPackage.set(pkg, [...(byPackage.get(pkg) ?? []), f]);
  }
  const at = (prefix: string) => (f: StagedFile) => ({ ...f, zipPath: f.path.slice(prefix.length) });
  const zips: ZipPlan[] = [{ name: '01-r', file: 'layers/01-r.zip', entries: rLayer.map(at('opt/')) }];
  const groups = spread([...byPackage].sort(([a], [b]) => (a < b ? -1 : 1)), LAMBDA_QUOTAS.maxLayers - 1);
  groups.forEach((group, i) => {
    const name = `${String(i + 2).padStart(2, '0')}-packages${groups.length > 1 ? `-${i + 1}` : ''}`;
    zips.push({ name, file: `layers/${name}.zip`, entries: group.flatMap(([, fs]) => fs).map(at('opt/')) });
  });
  zips.push({ name: 'function', file: 'function.zip', entries: task.map(at('task/')) });
  return zips;
}

/** Consecutive groups of whole packages, as few as fit PACKAGE_LAYER_BYTES, never more than `max`. */
function spread<T extends [string, StagedFile[]]>(packages: T[], max: number): T[][] {
  if (packages.length === 0) return [];
  const bytes = (p: T) => p[1].reduce((n, f) => n + f.size, 0);
  const total = packages.reduce((n, p) => n + bytes(p), 0);
  const count = Math.min(max, Math.max(1, Math.ceil(total / PACKAGE_LAYER_BYTES)));
  const share = total / count;
  const groups: T[][] = [[]];
  let filled = 0;
  for (const p of packages) {
    const current = groups[groups.length - 1]!;
    if (current.length > 0 && filled + bytes(p) / 2 > share && groups.length < count) {
      groups.push([p]);
      filled = bytes(p);
    } else {
      current.push(p);
      filled += bytes(p);
    }
  }
  return groups;
}

import { describe, expect, it } from 'vitest';
import { layoutPackage, PACKAGE_LAYER_BYTES, type StagedFile } from '../../../src/targets/lambda/package/layout';

const file = (path: string, size = 10, mode = 0o644): StagedFile => ({ path, size, mode });
const MB = 1024 * 1024;

describe('the Lambda package layout', () => {
  it('puts R, the shared libraries and the runtime in 01-r, the packages after it, the app in function.zip, paths relative to /opt and /var/task', () => {
    const zips = layoutPackage([
      file('opt/R/bin/exec/R', 100, 0o755),
      file('opt/lib/libgfortran.so.5', 200),
      file('opt/rdeploy/runtime/main.R'),
      file('opt/rdeploy/library/jsonlite/DESCRIPTION'),
      file('opt/rdeploy/project-library/rpart/DESCRIPTION'),
      file('opt/rdeploy/site-library/glue/DESCRIPTION'),
      file('task/bootstrap', 1, 0o755),
      file('task/score.R'),
    ]);
    expect(zips.map((z) => z.file)).toEqual(['layers/01-r.zip', 'layers/02-packages.zip', 'function.zip']);
    expect(zips[0]!.entries.map((e) => e.zipPath)).toEqual(['R/bin/exec/R', 'lib/libgfortran.so.5', 'rdeploy/runtime/main.R', 'rdeploy/library/jsonlite/DESCRIPTION']);
    expect(zips[1]!.entries.map((e) => e.zipPath)).toEqual(['rdeploy/project-library/rpart/DESCRIPTION', 'rdeploy/site-library/glue/DESCRIPTION']);
    expect(zips[2]!.entries.map((e) => [e.zipPath, e.mode])).toEqual([['bootstrap', 0o755], ['score.R', 0o644]]);
  });

  it('has no package layer when there are no packages', () => {
    expect(layoutPackage([file('opt/R/x'), file('task/bootstrap')]).map((z) => z.name)).toEqual(['01-r', 'function']);
  });

  it('spreads many packages over at most 4 layers, whole packages only, in name order', () => {
    const big = Array.from({ length: 12 }, (_, i) => file(`opt/rdeploy/project-library/pkg${String(i).padStart(2, '0')}/libs/x.so`, PACKAGE_LAYER_BYTES / 2));
    const zips = layoutPackage([file('opt/R/x'), ...big, file('task/bootstrap')]);
    const layers = zips.filter((z) => z.name.includes('packages'));
    expect(layers.length).toBe(4);
    expect(layers.map((l) => l.name)).toEqual(['02-packages-1', '03-packages-2', '04-packages-3', '05-packages-4']);
    const order = layers.flatMap((l) => l.entries.map((e) => e.path));
    expect(order).toEqual(big.map((b) => b.path));
    // No package is split across layers.
    for (const l of layers) for (const e of l.entries) expect(layers.filter((o) => o.entries.some((x) => x.path.split('/')[3] === e.path.split('/')[3])).length).toBe(1);
  });

  it('keeps packages under one layer while they fit', () => {
    const small = Array.from({ length: 5 }, (_, i) => file(`opt/rdeploy/project-library/p${i}/R/p`, 5 * MB));
    expect(layoutPackage([file('opt/R/x'), ...small, file('task/b')]).map((z) => z.name)).toEqual(['01-r', '02-packages', 'function']);
  });
});

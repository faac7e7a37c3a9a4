import type { Command } from 'commander';
import * as path from 'node:path';
import { AppError } from '../../core/errors';
import { defaultPackageDir } from '../../targets/Packaging';
import { addDeployFlags, resolveDeploy, type DeployFlags } from '../deployOptions';
import { deployments } from '../deployments';
import { note, print, printJson, table } from '../output';
import { createProgress } from '../progress';
import { runCommand } from '../run';

interface PackageFlags extends DeployFlags {
  out?: string;
  json?: boolean;
}

export function packageCommand(program: Command): void {
  addDeployFlags(program.command('package [dir]'))
    .description("build a target's artefacts into a folder without deploying (lambda: layers, function.zip, manifest.json)")
    .option('--out <dir>', 'the folder for the artefacts (default: .rdeploy/package/<target> in the project)')
    .option('--json', 'print the manifest as JSON')
    .action((dir: string | undefined, opts: PackageFlags) =>
      runCommand(program.opts(), async ({ cwd, signal, verbose }) => {
        const { project, target, options, notes } = await resolveDeploy(dir, opts, cwd);
        if (!opts.target && target === 'local') throw new AppError('usage', 'Say which target to package for, e.g. --target lambda.');
        for (const n of notes) note(`rdeploy: note: ${n}`);
        const out = path.resolve(cwd, opts.out ?? defaultPackageDir(project.root, target));
        const progress = createProgress({ verbose, quiet: false });
        const builderImage = options.baseImage;
        const result = await deployments().package(
          project,
          target,
          { name: options.name, out, ...(builderImage ? { builderImage } : {}), ...(options.exclude ? { exclude: options.exclude } : {}), settings: options.settings },
          { signal, progress },
        );
        progress.stop('ok');
        if (opts.json) return printJson(result.manifest);
        const shown = path.relative(cwd, out);
        print(`${result.upToDate ? 'Up to date' : 'Packaged'}: ${shown.startsWith('..') ? out : shown || '.'}`);
        print(table(['  file', 'zipped', 'unzipped'], result.files.map((f) => [`  ${f.file}`, mb(f.zippedBytes), mb(f.unzippedBytes)])));
        for (const n of result.notes) note(n);
      }),
    );
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

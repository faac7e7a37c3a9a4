import { Option, type Command } from 'commander';
import { AppError } from '../../core/errors';
import { TARGET_KINDS, type TargetKind } from '../../targets/catalogue';
import { deployments } from '../deployments';
import { note, print, printJson } from '../output';
import { createProgress } from '../progress';
import { locateForDestroy } from '../projects';
import { runCommand } from '../run';

export function destroyCommand(program: Command): void {
  program
    .command('destroy <name>')
    .description('remove a deployment and everything it created (containers, images, cloud resources); safe to repeat')
    .option('--project <dir>', 'the R project that holds the deployment')
    .addOption(new Option('--target <target>', 'where to look when the record cannot be read (default: what the record says, else local)').choices([...TARGET_KINDS]))
    .option('--logs', "also delete the logs the target keeps apart (Lambda: the CloudWatch log group, kept by default)")
    .option('--json', 'print JSON')
    .action((name: string, opts: { project?: string; target?: TargetKind; logs?: boolean; json?: boolean }) =>
      runCommand(program.opts(), async ({ cwd, signal, verbose }) => {
        const root = await locateForDestroy(name, cwd, opts.project);
        const notFound = () =>
          new AppError('not-found', `No deployment named "${name}" in ${opts.project ?? cwd} or the R projects below it. Run \`rdeploy ls\` to see the deployments, or pass --project <dir>.`);
        if (!root) throw notFound();
        const progress = createProgress({ verbose, quiet: Boolean(opts.json) });
        const report = await deployments().destroy({ root, name }, { signal, progress }, opts.target, { logs: Boolean(opts.logs) });
        progress.stop('ok');
        if (report === undefined) throw notFound();
        if (report === 'nothing-left') {
          if (opts.json) return printJson({ name, destroyed: true, removed: [], nothingLeft: true });
          return print(`Nothing left of "${name}": it was destroyed before.`);
        }
        if (report.unreadableRecord) note(`rdeploy: note: the record ${report.unreadableRecord} could not be read; removed what carries the deployment's labels.`);
        if (report.redacted.length) note(`rdeploy: note: dropped record field(s) that looked like secrets: ${report.redacted.join(', ')}.`);
        if (report.leftAlone.length) note(`rdeploy: note: left alone (not this deployment's): ${report.leftAlone.join(', ')}.`);
        if (opts.json) return printJson({ name, destroyed: true, removed: report.removed, alreadyGone: report.alreadyGone, leftAlone: report.leftAlone, redacted: report.redacted });
        print(`Destroyed "${name}"${report.removed.length ? `: removed ${report.removed.join(', ')}` : ': nothing was left to remove'}`);
      }),
    );
}

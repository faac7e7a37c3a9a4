import { Option, type Command } from 'commander';
import { TARGET_KINDS } from '../../targets/catalogue';
import { formatReport, runDoctor } from '../../targets/doctor';
import { print, printJson } from '../output';
import { EXIT, runCommand } from '../run';

export function doctorCommand(program: Command): void {
  program
    .command('doctor [dir]')
    .description('check what a deploy needs (Docker, R, the project, the base image, the target) and say what to do about what is missing')
    .addOption(new Option('--target <target>', 'the target to check for (default: rdeploy.json "target", else local)').choices([...TARGET_KINDS]))
    .option('--base-image <image>', 'base image to check (default: rdeploy.json "baseImage", else rocker/r-ver:<R version>)')
    .option('--json', 'print {ok, checks: [{id, title, status, detail, fix}]} as JSON')
    .action((dir: string | undefined, opts: { target?: string; baseImage?: string; json?: boolean }) =>
      runCommand(program.opts(), async ({ cwd }) => {
        const report = await runDoctor({ dir, cwd, target: opts.target, baseImage: opts.baseImage });
        if (opts.json) printJson(report);
        else for (const line of formatReport(report)) print(line);
        return report.ok ? EXIT.ok : EXIT.failure;
      }),
    );
}

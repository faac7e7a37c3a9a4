import type { Command } from 'commander';
import { readPayload, validatePayload } from '../../core/payloads';
import { deployments } from '../deployments';
import { print, printJson } from '../output';
import { locateDeployment } from '../projects';
import { EXIT, runCommand, usageError } from '../run';

interface InvokeFlags {
  payload?: string;
  data?: string;
  json?: boolean;
  project?: string;
}

export function invokeCommand(program: Command): void {
  program
    .command('invoke <name>')
    .description("call a deployment with a JSON payload and print the handler's JSON result")
    .option('--payload <file>', 'a JSON file, or the name of a saved payload or sample of the project')
    .option('--data <json>', 'the payload as inline JSON')
    .option('--project <dir>', 'the R project that holds the deployment')
    .option('--json', 'print {ok, durationMs, result} as JSON')
    .action((name: string, opts: InvokeFlags) =>
      runCommand(program.opts(), async ({ cwd, signal }) => {
        if ((opts.payload === undefined) === (opts.data === undefined)) {
          throw usageError('Give the payload with either --payload <file> or --data <json>.');
        }
        const at = await locateDeployment(name, cwd, opts.project);
        const payload =
          opts.data !== undefined ? validatePayload(opts.data, '--data') : await readPayload(opts.payload!, at.root, cwd);
        const result = await deployments().invoke(at, payload, { signal });
        if (opts.json) {
          printJson({ ok: result.ok, durationMs: round(result.durationMs), billedDurationMs: result.billedDurationMs ?? null, result: result.body });
        } else {
          print(result.raw.trimEnd());
        }
        if (!result.ok) {
          // The error JSON is on stdout for scripts; one line on stderr tells a person why it failed.
          const body = result.body as { errorMessage?: unknown } | null;
          const why = typeof body?.errorMessage === 'string' ? `: ${body.errorMessage}` : '';
          process.stderr.write(`rdeploy: the handler of "${name}" failed${why}\n`);
          return EXIT.failure;
        }
      }),
    );
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}


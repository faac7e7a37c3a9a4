import type { Command } from 'commander';
import type { InvokeResult } from '../../core/deployment';
import { readPayload, validatePayload } from '../../core/payloads';
import { defaultPackageDir } from '../../targets/Packaging';
import { addDeployFlags, resolveDeploy, type DeployFlags } from '../deployOptions';
import { deployments } from '../deployments';
import { note, print, printJson } from '../output';
import { createProgress } from '../progress';
import { locateDeployment } from '../projects';
import { EXIT, runCommand, usageError } from '../run';

interface InvokeFlags extends DeployFlags {
  payload?: string;
  data?: string;
  json?: boolean;
  project?: string;
  local?: boolean;
  async?: boolean;
}

export function invokeCommand(program: Command): void {
  addDeployFlags(program.command('invoke [name]'))
    .description("call a deployment with a JSON payload and print the handler's JSON result (--local: run the target's artefacts in local Docker)")
    .option('--payload <file>', 'a JSON file, or the name of a saved payload or sample of the project')
    .option('--data <json>', 'the payload as inline JSON')
    .option('--project <dir>', 'the R project that holds the deployment')
    .option('--local', "run the deployment's (or, with --target, the project's) cloud artefacts in local Docker, the way the cloud runs them")
    .option('--async', 'queue the call and return at once (Lambda: an Event invocation, 1 MB at most)')
    .option('--json', 'print {ok, durationMs, result, log} as JSON')
    .action((name: string | undefined, opts: InvokeFlags) =>
      runCommand(program.opts(), async ({ cwd, signal, verbose }) => {
        if (!name && !opts.local) throw usageError('Name the deployment to call (rdeploy ls lists them), or pass --local --target KIND to run the project locally as that target would.');
        if ((opts.payload === undefined) === (opts.data === undefined)) {
          throw usageError('Give the payload with either --payload <file> or --data <json>.');
        }
        if (opts.local && opts.async) throw usageError('--local runs one call and waits for it; leave out --async.');
        if (name && opts.target && !opts.local) throw usageError('--target goes with --local; a deployment already has its target.');
        const at = name ? await locateDeployment(name, cwd, opts.project) : undefined;
        const root = at?.root ?? opts.project ?? '.';
        const payload = opts.data !== undefined ? validatePayload(opts.data, '--data') : await readPayload(opts.payload!, at?.root ?? root, cwd);
        let result: InvokeResult;
        if (opts.local) {
          // The deployment's target and name, or the flags'; the artefacts are rebuilt only when out of date.
          const flags = at ? { ...opts, target: at.record.target, name: at.record.name, baseImage: opts.baseImage ?? deployments().target(at.record.target).redeployOptions(at.record).baseImage } : opts;
          if (!flags.target) throw usageError('Say which target to run locally, e.g. --local --target lambda.');
          const { project, target, options } = await resolveDeploy(at?.root ?? opts.project, flags, cwd);
          const progress = createProgress({ verbose, quiet: Boolean(opts.json) });
          result = await deployments().invokeLocal(project, target, { name: options.name, out: defaultPackageDir(project.root, target), ...(options.baseImage ? { builderImage: options.baseImage } : {}), ...(options.exclude ? { exclude: options.exclude } : {}), settings: options.settings }, payload, { signal, progress });
          progress.stop('ok');
        } else if (opts.async) {
          const queued = await deployments().invokeAsync(at!, payload, { signal });
          if (opts.json) return printJson({ queued: true, requestId: queued.requestId ?? null });
          print(`Queued${queued.requestId ? ` (request ${queued.requestId})` : ''}: the answer goes to the logs (rdeploy logs ${at!.record.name}).`);
          return;
        } else {
          result = await deployments().invoke(at!, payload, { signal });
        }
        const label = name ?? 'the handler';
        if (opts.json) {
          printJson({ ok: result.ok, durationMs: round(result.durationMs), billedDurationMs: result.billedDurationMs ?? null, result: result.body, log: result.logTail ?? null, ...(result.runId ? { runId: result.runId } : {}) });
        } else {
          print(result.raw.trimEnd());
          // The log excerpt goes to stderr: stdout stays the handler's JSON, for pipes.
          if (result.logTail) note(`--- log ---\n${result.logTail.trimEnd()}`);
          if (result.runId) note(`run ${result.runId} · ${(result.durationMs / 1000).toFixed(1)} s`);
        }
        if (!result.ok) {
          // The error JSON is on stdout for scripts; one line on stderr tells a person why it failed.
          const body = result.body as { errorMessage?: unknown } | null;
          const why = typeof body?.errorMessage === 'string' ? `: ${body.errorMessage}` : '';
          process.stderr.write(`rdeploy: the handler of "${label}" failed${why}\n`);
          return EXIT.failure;
        }
      }),
    );
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import type { MapSummary } from '../../core/map';
import { CLOUD_MAP_CONCURRENCY, defaultMapConcurrency, mapDeployment } from '../../targets/lifecycle/mapDeployment';
import { defaultPackageDir } from '../../targets/Packaging';
import type { Progress } from '../../targets/Target';
import { resolveDeploy } from '../deployOptions';
import { deployments } from '../deployments';
import { mapProgressView } from '../mapProgress';
import { note, printJson } from '../output';
import { createProgress, type CliProgress } from '../progress';
import { locateDeployment } from '../projects';
import { EXIT, runCommand, usageError } from '../run';

interface MapFlags {
  input: string;
  output: string;
  chunkRows?: string;
  concurrency?: string;
  local?: boolean;
  restart?: boolean;
  project?: string;
  json?: boolean;
}

export function mapCommand(program: Command): void {
  program
    .command('map <name>')
    .description('call a deployment once per chunk of rows of a CSV or JSON Lines file (or per element of a JSON array) and write the answers in order; a rerun resumes')
    .requiredOption('--input <file>', 'CSV (header line; numbers unquoted), JSON Lines (one object per row) or a JSON array (one call per element)')
    .requiredOption('--output <file>', 'JSON Lines, one record per chunk or element; a .csv name also writes one row per input row (the records go to the same name with .jsonl)')
    .option('--chunk-rows <n>', 'rows per call (default 1000); each chunk is one object of columns, like {"wt": [..], "hp": [..]}')
    .option('--concurrency <k>', `calls at once (default: local Docker, the cores — ${availableParallelism()} here —; cloud targets, ${CLOUD_MAP_CONCURRENCY})`)
    .option('--local', "run the calls in local Docker: a cloud deployment's artefacts as its cloud runs them (the local twin)")
    .option('--restart', 'start over: remove the earlier output instead of resuming it')
    .option('--project <dir>', 'the R project that holds the deployment')
    .option('--json', 'print a summary as JSON at the end')
    .action((name: string, opts: MapFlags) =>
      runCommand(program.opts(), async ({ cwd, signal, verbose }) => {
        const chunkRows = opts.chunkRows === undefined ? undefined : positiveInt(opts.chunkRows, '--chunk-rows');
        const at = await locateDeployment(name, cwd, opts.project);
        const kind = at.record.target;
        const twin = Boolean(opts.local) && kind !== 'local';
        const concurrency = opts.concurrency === undefined ? defaultMapConcurrency(kind, twin) : positiveInt(opts.concurrency, '--concurrency');
        // Made once the input and the earlier output are accepted: a refusal is one line, nothing else.
        let setup: CliProgress | undefined;
        const preparing = () => (setup ??= createProgress({ verbose, quiet: Boolean(opts.json) }));
        let view: ReturnType<typeof mapProgressView> | undefined;
        let summary: MapSummary;
        // --local: the deployment's artefacts, packaged here, run in local Docker as its cloud runs them.
        const twinExecutor = async (work: { signal: AbortSignal; progress?: Progress }) => {
          const flags = { target: kind, name: at.record.name, baseImage: deployments().target(kind).redeployOptions(at.record).baseImage };
          const { project, target, options } = await resolveDeploy(at.root, flags, cwd);
          const pkg = { name: options.name, out: defaultPackageDir(project.root, target), ...(options.baseImage ? { builderImage: options.baseImage } : {}), ...(options.exclude ? { exclude: options.exclude } : {}), settings: options.settings };
          return deployments().twinMapExecutor(project, target, pkg, concurrency, work);
        };
        try {
          summary = await mapDeployment(deployments(), at, {
            input: opts.input,
            output: opts.output,
            ...(chunkRows !== undefined ? { chunkRows } : {}),
            restart: Boolean(opts.restart),
            signal,
            concurrency,
            progress: preparing,
            ...(twin ? { executor: twinExecutor } : {}),
            onStart: ({ executor, resumed, format }) => {
              setup?.stop('ok');
              view = mapProgressView(format === 'json-array' ? 'element' : 'chunk', { quiet: Boolean(opts.json) });
              view.note(`rdeploy: calling ${name} on ${executor}${resumed ? `; ${resumed} ${format === 'json-array' ? 'element' : 'chunk'}${resumed === 1 ? '' : 's'} answered by an earlier run` : ''}`);
            },
            onProgress: (stats) => view?.update(stats),
            onRetry: (index, attempt, why) => {
              if (verbose) view?.note(`rdeploy: ${index}: try ${attempt} failed (${why}); trying again`);
            },
          });
        } finally {
          view?.end();
          setup?.stop();
        }
        if (opts.json) printJson(summary);
        else note(describe(summary));
        const failed = summary.failed + summary.failedBefore;
        if (failed > 0) {
          // The output is what counts: handler errors an earlier run recorded are still there.
          const what = summary.unit === 'chunk' ? 'chunk' : 'element';
          const handler = failed - summary.callFailures;
          const before = summary.failedBefore ? `, ${summary.failedBefore} of them recorded by an earlier run` : '';
          process.stderr.write(
            `rdeploy: ${failed} of ${summary.units} ${what}s failed (${handler} handler error${handler === 1 ? '' : 's'}, ${summary.callFailures} without an answer${before}): see the "error" records in ${summary.outputs.jsonl}${summary.callFailures ? '; run the same command again to retry those without an answer' : ''}.\n`,
          );
          return EXIT.failure;
        }
      }),
    );
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw usageError(`${flag} ${text} is not a whole number of 1 or more.`);
  return n;
}

function describe(s: MapSummary): string {
  const unit = s.unit === 'chunk' ? 'chunk' : 'element';
  const rows = s.unit === 'chunk' ? ` (${s.rows.toLocaleString('en')} rows)` : '';
  const files = [s.outputs.jsonl, ...(s.outputs.csv ? [s.outputs.csv] : [])].join(' and ');
  const before = s.skipped ? `, ${s.skipped} answered by an earlier run` : '';
  return `rdeploy: ${s.units} ${unit}${s.units === 1 ? '' : 's'}${rows} in ${(s.durationMs / 1000).toFixed(1)} s: ${s.done} done, ${s.failed} failed${before} → ${files}`;
}

import * as path from 'node:path';
import * as vscode from 'vscode';
import { cancelledError } from '../../core/errors';
import type { MapSummary } from '../../core/map';
import { defaultOutput, earlierRun, type EarlierRun } from '../../core/map/earlierRun';
import { defaultMapConcurrency, mapDeployment } from '../../targets/lifecycle/mapDeployment';
import { automationArgs, isAutomation, resolveDeployment } from '../args';
import type { RDeployContext } from '../context';
import type { DeploymentRef } from '../model/WorkspaceModel';
import { requireTrust } from '../trust';
import { mapNotification, showMapOutcome } from '../ui/mapProgress';
import { pickDeployment } from '../ui/pick';
import { withCancellableProgress } from '../ui/progress';
import { assertNotBusy, withOperationLock } from './operationLocks';

/** What rdeploy map reads; package.json's explorer/context `when` offers the command on the same. */
const INPUT_EXTENSIONS = ['csv', 'jsonl', 'ndjson', 'json'];

/**
 * Map over File…: one call of a deployment per chunk of rows of a CSV or JSON Lines file (per
 * element of a JSON array), the answers written in input order — `rdeploy map`, with its
 * defaults (1000 rows a chunk; local Docker: a container per core, cloud targets 4 calls at once).
 * From the Explorer (a file: the deployment is asked for), a deployment in the tree (the file
 * is asked for) or the palette (both). Cancel stops the calls and removes the map's containers;
 * the answers so far stay, and running it again on the same output resumes.
 */
export async function mapOverFile(ctx: RDeployContext, arg?: unknown): Promise<MapSummary | undefined> {
  requireTrust(vscode.l10n.t('Map over File'));
  const file = arg instanceof vscode.Uri ? arg : undefined;
  const args = file ? undefined : automationArgs(arg);
  const ref = file ? await pickDeployment(ctx) : await resolveDeployment(ctx, arg);
  const name = ref.record.name;
  await assertNotBusy(ctx, ref.root, name);
  const input = file?.fsPath ?? (args?.input ? path.resolve(ref.root, args.input) : await chooseInput(ref));
  // A program says where (or takes the default) and whether to start over; a person is asked.
  const asked = args?.output === undefined && !isAutomation(arg);
  const output = args?.output ? path.resolve(ref.root, args.output) : asked ? await chooseOutput(input) : defaultOutput(input);
  const deployment = { name, target: ref.record.target, deployedAt: ref.record.updatedAt };
  const earlier = args?.restart ? undefined : await earlierRun(output, input, deployment);
  const restart = args?.restart ?? (asked && earlier ? await askRestart(earlier, input, output) : false);
  // Resuming goes on in the chunks the earlier run made, whatever they were.
  const chunkRows = !restart && earlier?.kind === 'resumable' ? earlier.state.chunkRows : null;

  const summary = await withOperationLock(ctx, ref.root, name, 'mapping', async () =>
    await withCancellableProgress(vscode.l10n.t('Mapping {0} on {1}', path.basename(input), name), ctx.log, async (signal, progress, notification) => {
      const view = mapNotification(notification);
      try {
        return await mapDeployment(ctx.deployments, ref, {
          input,
          output,
          restart,
          ...(chunkRows !== null ? { chunkRows } : {}),
          signal,
          concurrency: defaultMapConcurrency(ref.record.target),
          progress: () => progress,
          onStart: ({ executor, resumed, format }) => {
            ctx.log.info(`map ${name}: ${input} → ${output} on ${executor}${resumed ? `; ${resumed} answered by an earlier run` : ''}`);
            view.unit(format === 'json-array' ? 'element' : 'chunk');
          },
          onProgress: (stats) => view.update(stats),
          onRetry: (index, attempt, why) => ctx.log.info(`map ${name}: ${index}: try ${attempt} failed (${why}); trying again`),
        });
      } finally {
        view.end();
      }
    }),
  );
  showMapOutcome(ctx, name, summary);
  return summary;
}

async function chooseInput(ref: DeploymentRef): Promise<string> {
  const picked = await vscode.window.showOpenDialog({
    title: vscode.l10n.t('Map {0} over a file', ref.record.name),
    defaultUri: vscode.Uri.file(ref.root),
    canSelectMany: false,
    openLabel: vscode.l10n.t('Map over This File'),
    filters: { [vscode.l10n.t('CSV, JSON Lines or JSON array')]: INPUT_EXTENSIONS },
  });
  if (!picked?.[0]) throw cancelledError();
  return picked[0].fsPath;
}

/** The save dialog asks before it lets an existing file be chosen. */
async function chooseOutput(input: string): Promise<string> {
  const picked = await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Where to write the answers for {0}', path.basename(input)),
    defaultUri: vscode.Uri.file(defaultOutput(input)),
    saveLabel: vscode.l10n.t('Write Answers Here'),
    filters: { [vscode.l10n.t('JSON Lines')]: ['jsonl'], [vscode.l10n.t('CSV (and JSON Lines beside it)')]: ['csv'] },
  });
  if (!picked) throw cancelledError();
  return picked.fsPath;
}

/** Whether to remove what an earlier run left at the output; a dismissed question cancels. */
async function askRestart(earlier: EarlierRun, input: string, output: string): Promise<boolean> {
  const startOver = vscode.l10n.t('Start over');
  let picked: string | undefined;
  switch (earlier.kind) {
    case 'none':
      return false;
    case 'foreign':
      // The output itself the save dialog asked about; a .csv output's records go beside it.
      if (earlier.file === output) return true;
      picked = await vscode.window.showWarningMessage(vscode.l10n.t('{0} already exists and was not written by R Deploy.', path.basename(earlier.file)), { modal: true, detail: vscode.l10n.t('The answers go there as JSON Lines records. Replace it?') }, startOver);
      break;
    case 'other':
      picked = await vscode.window.showWarningMessage(vscode.l10n.t('{0} holds answers of another map: {1}.', path.basename(output), earlier.why), { modal: true, detail: vscode.l10n.t('Start over removes them and calls for every chunk again.') }, startOver);
      break;
    case 'resumable': {
      const resume = vscode.l10n.t('Resume');
      picked = await vscode.window.showInformationMessage(
        vscode.l10n.t('{0} holds answers of an earlier map of {1}.', path.basename(output), path.basename(input)),
        { modal: true, detail: vscode.l10n.t('Resume calls only for what has no answer yet; Start over removes the answers and calls for everything again.') },
        resume,
        startOver,
      );
      if (picked === resume) return false;
      break;
    }
  }
  if (picked !== startOver) throw cancelledError();
  return true;
}

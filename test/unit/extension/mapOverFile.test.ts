// Map over File… as a person drives it: from the Explorer (a file, then the deployment) and from
// the tree (a deployment, then the file), with Cancel and the resume question. VS Code's UI is
// the double in test/support/vscodeDouble.ts; everything below it is real — the map engine, the
// platform's executor choice and ownership check (Deployments), the operation locks — down to a
// test target (test/support/testTarget.ts) whose handler doubles x, standing in for R.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../src/core/errors';
import { poolExecutor, type MapSummary } from '../../../src/core/map';
import type { RProject } from '../../../src/core/project/model';
import type { DeploymentRecord } from '../../../src/core/records/record';
import { mapOverFile } from '../../../src/extension/commands/mapOverFile';
import { operationLocks } from '../../../src/extension/commands/operationLocks';
import type { RDeployContext } from '../../../src/extension/context';
import type { DeploymentRef } from '../../../src/extension/model/WorkspaceModel';
import { runCommand } from '../../../src/extension/registry';
import { DeploymentNode } from '../../../src/extension/tree/DeploymentNode';
import type { DeploymentsTree } from '../../../src/extension/tree/DeploymentsTree';
import type { ProjectNode } from '../../../src/extension/tree/ProjectNode';
import { Deployments } from '../../../src/targets/lifecycle/Deployments';
import type { Connections, Target } from '../../../src/targets/Target';
import { createTestTarget } from '../../support/testTarget';
import { memoryLog, ui, vscode, type UiCall, type Uri } from '../../support/vscodeDouble';

// The modules under test import `vscode`: they get the double (the same objects as `vscode` here).
vi.mock('vscode', async () => (await import('../../support/vscodeDouble.js')).vscode);

const noConnections: Connections = { docker: () => Promise.reject(new Error('no engine in unit tests')) };
let root: string;
let target: Target;
let deployments: Deployments;
/** Which deployment answered each call, and the payloads, in order. */
let invoked: { name: string; x: number[] }[];

beforeEach(() => {
  ui.reset();
  root = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-map-command-'));
  target = createTestTarget().target;
  invoked = [];
  target.invoke = async (record, payload) => {
    const { x } = JSON.parse(payload) as { x: number[] };
    invoked.push({ name: record.name, x });
    const body = { y: x.map((v) => v * 2) };
    return { ok: true, body, raw: JSON.stringify(body), durationMs: 1 };
  };
  deployments = new Deployments({ connections: noConnections, tool: 'the unit tests', targets: () => target });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function deploy(name: string): Promise<DeploymentRef> {
  const project: RProject = { kind: 'scripts', path: root, root, handler: 'score.score', repositories: [], packages: [], warnings: [] };
  return { root, record: await deployments.deploy(deployments.plan(project, 'local', { name, settings: {} })) };
}

/** The command context: the workspace model answers with these deployments. */
function context(refs: DeploymentRef[]): RDeployContext & { log: ReturnType<typeof memoryLog> } {
  return {
    log: memoryLog(),
    deployments,
    model: {
      allDeployments: async () => refs,
      liveStatus: () => undefined,
      findDeployment: async (name: string) => refs.find((r) => r.record.name === name),
    },
  } as unknown as RDeployContext & { log: ReturnType<typeof memoryLog> };
}

const node = (ref: DeploymentRef) => new DeploymentNode({ root: ref.root } as ProjectNode, ref.record as DeploymentRecord, {} as DeploymentsTree);

/** A CSV of `rows` rows of x = 1..rows: three chunks of the default 1000 rows for 2500. */
function carsCsv(rows = 2500): string {
  const file = path.join(root, 'cars.csv');
  writeFileSync(file, `x\n${Array.from({ length: rows }, (_, i) => i + 1).join('\n')}\n`);
  return file;
}

const records = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { chunk: number; rows: [number, number]; result?: { y: number[] } });

/** The buttons a message was shown with (after the options object, when there is one). */
const buttons = (call: UiCall) => call.args.slice(1).filter((a): a is string => typeof a === 'string');
const saveAtDefault = () => ui.answer('showSaveDialog', (options) => (options as { defaultUri: Uri }).defaultUri);
const run = (ctx: RDeployContext, arg: unknown) => runCommand(ctx, 'rdeploy.map', mapOverFile, arg, []) as Promise<MapSummary | undefined>;

describe('Map over File… from the Explorer', () => {
  it('asks which deployment, writes the answers beside the input in order, counts in a cancellable notification, then offers Open Output', async () => {
    const refs = [await deploy('m'), await deploy('n')];
    const ctx = context(refs);
    const input = carsCsv();
    const output = path.join(root, 'cars.scored.jsonl');
    ui.answer('showQuickPick', (items) => (items as { label: string }[]).find((i) => i.label === 'n'));
    saveAtDefault();
    ui.answer('showInformationMessage', (_message, ...b) => b[0]);

    const summary = await run(ctx, vscode.Uri.file(input));

    const [pick] = ui.called('showQuickPick');
    expect((pick!.args[0] as { label: string; description: string }[]).map((i) => [i.label, i.description.split(' · ')[0]])).toEqual([
      ['m', 'local'],
      ['n', 'local'],
    ]);
    expect((ui.called('showSaveDialog')[0]!.args[0] as { defaultUri: Uri }).defaultUri.fsPath).toBe(output);
    expect(invoked.map((c) => c.name)).toEqual(['n', 'n', 'n']);
    expect(records(output).map((r) => [r.chunk, r.rows])).toEqual([
      [1, [1, 1000]],
      [2, [1001, 2000]],
      [3, [2001, 2500]],
    ]);
    expect(records(output).flatMap((r) => r.result!.y)).toEqual(Array.from({ length: 2500 }, (_, i) => 2 * (i + 1)));
    expect(summary).toMatchObject({ units: 3, done: 3, failed: 0 });

    const [progress] = ui.progress;
    expect(progress!.options).toEqual({ location: vscode.ProgressLocation.Notification, title: 'Mapping cars.csv on n', cancellable: true });
    expect(progress!.reports.at(-1)?.message).toBe('3 of 3 chunks · 3 done · 0 failed · 0 running');
    expect(progress!.reports.reduce((sum, r) => sum + (r.increment ?? 0), 0)).toBeCloseTo(100);

    const [done] = ui.called('showInformationMessage');
    expect(done!.args[0]).toMatch(/^Mapped cars\.csv on n: 3 chunks answered in \d+\.\d s\.$/);
    expect(buttons(done!)).toEqual(['Open Output']);
    await vi.waitFor(() => expect(ui.called('executeCommand')).toHaveLength(1));
    const [command, uri] = ui.called('executeCommand')[0]!.args as [string, Uri];
    expect([command, uri.fsPath]).toEqual(['vscode.open', output]);
    expect(ui.called('showErrorMessage')).toEqual([]);
  });

  it('uses the only deployment without asking, and warns with the counts when the handler failed for some chunks', async () => {
    const ctx = context([await deploy('m')]);
    target.invoke = async (_record, payload) => {
      const { x } = JSON.parse(payload) as { x: number[] };
      const body = x[0] === 1001 ? { errorType: 'simpleError', errorMessage: 'no' } : { y: x };
      return { ok: x[0] !== 1001, body, raw: JSON.stringify(body), durationMs: 1 };
    };
    saveAtDefault();
    await run(ctx, vscode.Uri.file(carsCsv()));
    expect(ui.called('showQuickPick')).toEqual([]);
    const [warning] = ui.called('showWarningMessage');
    expect(warning!.args[0]).toBe('Map of cars.csv on m: 1 of 3 chunks failed with an error of the handler; see the "error" records in cars.scored.jsonl.');
    expect(buttons(warning!)).toEqual(['Open Output']);
    expect(ui.called('showInformationMessage')).toEqual([]);
  });

  it('Cancel stops the calls, closes the executor (nothing left running), keeps only whole records and shows no error', async () => {
    const ref = await deploy('m');
    const ctx = context([ref]);
    let running = 0;
    let closed = 0;
    let busyWhileMapping: string | undefined;
    target.map = async () =>
      poolExecutor(
        Array.from({ length: 2 }, () => ({
          call: (_payload: string, signal: AbortSignal) =>
            new Promise<never>((_resolve, reject) => {
              running++;
              signal.addEventListener('abort', () => {
                running--;
                reject(new AppError('cancelled', 'Cancelled.'));
              });
              busyWhileMapping = operationLocks(ctx).busy(ref.root, 'm');
              // The person presses Cancel once the calls are under way.
              if (running === 2) ui.progress[0]!.cancel();
            }),
        })),
        { description: 'two slots that answer only when cancelled', close: async () => void closed++ },
      );
    saveAtDefault();

    await expect(run(ctx, vscode.Uri.file(carsCsv()))).resolves.toBeUndefined();

    expect(busyWhileMapping).toBe('mapping');
    expect(closed).toBe(1);
    expect(running).toBe(0);
    expect(readFileSync(path.join(root, 'cars.scored.jsonl'), 'utf8')).toBe('');
    expect(ctx.log.lines.some((l) => /^info rdeploy\.map cancelled after \d+ ms$/.test(l))).toBe(true);
    expect([...ui.called('showErrorMessage'), ...ui.called('showInformationMessage'), ...ui.called('showWarningMessage')]).toEqual([]);
    // The lock went with it: the deployment can be mapped again.
    expect(operationLocks(ctx).busy(ref.root, 'm')).toBeUndefined();
  });

  it('says what is wrong in one sentence, never with a stack', async () => {
    const ctx = context([await deploy('m')]);
    const bad = path.join(root, 'grid.json');
    writeFileSync(bad, '"not a list"');
    saveAtDefault();
    await run(ctx, vscode.Uri.file(bad));
    ui.trusted = false;
    await run(ctx, vscode.Uri.file(carsCsv()));

    const errors = ui.called('showErrorMessage').map((c) => c.args[0] as string);
    expect(errors).toEqual([
      `${bad} is neither a JSON array nor JSON Lines (it starts with """). Give a JSON array (one call per element), JSON Lines or a CSV file.`,
      'Map over File is not available in Restricted Mode: it would run code from this workspace. Trust the workspace to continue.',
    ]);
    expect(ui.called('showErrorMessage').map(buttons)).toEqual([['Show Log'], ['Show Log']]);
    expect(invoked).toEqual([]);
  });
});

describe('Map over File… from a deployment in the tree', () => {
  it('asks for the input file, then on a rerun whether to resume or start over; dismissing it calls nothing', async () => {
    const ref = await deploy('m');
    const ctx = context([ref]);
    const input = carsCsv();
    const output = path.join(root, 'cars.scored.jsonl');
    /** Map again from the tree, answering the resume question with `answer` (undefined: dismissed). */
    const rerun = (answer?: 'Resume' | 'Start over') => {
      ui.reset();
      invoked = [];
      ui.answer('showOpenDialog', () => [vscode.Uri.file(input)]);
      saveAtDefault();
      ui.answer('showInformationMessage', (_message, _options, ...b) => b.find((x) => x === answer));
      return run(ctx, node(ref));
    };

    await rerun();
    expect(ui.called('showOpenDialog')[0]!.args[0]).toMatchObject({ canSelectMany: false, filters: { 'CSV, JSON Lines or JSON array': ['csv', 'jsonl', 'ndjson', 'json'] } });
    // Nothing was there: no question, three calls.
    expect(ui.called('showInformationMessage').filter((c) => (c.args[1] as { modal?: boolean })?.modal)).toEqual([]);
    expect(invoked).toHaveLength(3);

    // Interrupted after the first chunk: Resume calls for the other two only.
    writeFileSync(output, `${readFileSync(output, 'utf8').split('\n')[0]}\n`);
    await rerun('Resume');
    const [question, done] = ui.called('showInformationMessage');
    expect(question!.args.slice(0, 2)).toEqual(['cars.scored.jsonl holds answers of an earlier map of cars.csv.', { modal: true, detail: expect.stringMatching(/^Resume calls only/) }]);
    expect(buttons(question!)).toEqual(['Resume', 'Start over']);
    expect(invoked.map((c) => c.x[0])).toEqual([1001, 2001]);
    expect(records(output).map((r) => r.chunk)).toEqual([1, 2, 3]);
    expect(done!.args[0]).toMatch(/^Mapped cars\.csv on m: 3 chunks, 2 answered now and 1 by an earlier run, in/);

    // Start over: every chunk again.
    await rerun('Start over');
    expect(invoked.map((c) => c.x[0])).toEqual([1, 1001, 2001]);

    // Dismissed: cancelled, silently, before any call or notification.
    const before = readFileSync(output, 'utf8');
    await expect(rerun()).resolves.toBeUndefined();
    expect(ui.called('showInformationMessage')).toHaveLength(1);
    expect(ui.progress).toEqual([]);
    expect(invoked).toEqual([]);
    expect(readFileSync(output, 'utf8')).toBe(before);
    expect(ui.called('showErrorMessage')).toEqual([]);
  });

  it("offers only Start over for another deployment's answers, and a program can start over without a question", async () => {
    const [m, n] = [await deploy('m'), await deploy('n')];
    const ctx = context([m, n]);
    const input = carsCsv(10);
    const output = path.join(root, 'cars.scored.jsonl');
    await expect(run(ctx, { automation: true, root, name: 'm', input: 'cars.csv' })).resolves.toMatchObject({ units: 1, done: 1, outputs: { jsonl: output } });

    ui.answer('showOpenDialog', () => [vscode.Uri.file(input)]);
    saveAtDefault();
    await run(ctx, node(n));
    const [question] = ui.called('showWarningMessage');
    expect(question!.args[0]).toBe('cars.scored.jsonl holds answers of another map: they came from m (local).');
    expect(buttons(question!)).toEqual(['Start over']);
    expect(invoked.map((c) => c.name)).toEqual(['m']);

    await expect(run(ctx, { automation: true, root, name: 'n', input, output, restart: true })).resolves.toMatchObject({ done: 1, skipped: 0 });
    expect(invoked.map((c) => c.name)).toEqual(['m', 'n']);
    expect(ui.called('showWarningMessage')).toHaveLength(1);
  });
});

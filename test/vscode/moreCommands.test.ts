// The commands commands.test.ts does not drive against a live deployment: tail + stop tailing,
// details, redeploy, the invoke panel, refresh and Map over File. One local deployment for the
// whole suite.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import {
  BASE_IMAGE,
  containersOf,
  eventually,
  exampleRoot,
  rDirect,
  removeByLabel,
  treeApi,
  treeItems,
  uniqueName,
  type InvokeResult,
} from './support';

interface DeployedRecord {
  name: string;
  target: string;
  status: string;
  endpoint?: string;
  details: { [k: string]: unknown };
}

/** The fields of `rdeploy map --json`'s summary that rdeploy.map returns and this suite checks. */
interface MapSummary {
  units: number;
  unit: string;
  rows: number;
  done: number;
  failed: number;
  callFailures: number;
  skipped: number;
  outputs: { jsonl: string };
}

interface MapRecord {
  chunk: number;
  rows: [number, number];
  result?: { probability: number[]; transmission: string[] };
  error?: unknown;
}

/**
 * The map containers of one deployment, running or not. Asynchronous on purpose: the map runs in
 * this same extension host, and a synchronous docker call would stall it while we look.
 */
async function mapContainersOf(deployment: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)('docker', ['ps', '-a', '-q', '--filter', 'label=rdeploy-map', '--filter', `label=rdeploy-deployment=${deployment}`]);
  return stdout.split('\n').filter(Boolean);
}

describe('more commands against one local deployment', function () {
  this.timeout(900_000);
  const root = exampleRoot('mtcars-glm');
  const name = uniqueName('vsm');
  const scoreFile = path.join(root, 'score.R');
  let originalScore: string | undefined;
  let record: DeployedRecord;

  before(async () => {
    assert.doesNotThrow(() => containersOf('none'), 'a Docker engine answers');
    record = await vscode.commands.executeCommand<DeployedRecord>('rdeploy.deploy', { automation: true, confirm: false, root, name, target: 'local', baseImage: BASE_IMAGE });
    assert.equal(record?.status, 'running', 'the deployment the suite needs is running');
  });

  after(async () => {
    try {
      await vscode.commands.executeCommand('rdeploy.stopTailing', { automation: true, root, name });
      await vscode.commands.executeCommand('rdeploy.destroy', { automation: true, confirm: false, root, name });
    } catch {
      // the label sweep below is the last resort
    }
    removeByLabel(name);
    if (originalScore !== undefined) writeFileSync(scoreFile, originalScore);
  });

  it('tailLogs fills a log document with what the handler prints; stopTailing stops it once', async () => {
    const handle = await vscode.commands.executeCommand<{ uri?: string }>('rdeploy.tailLogs', { automation: true, root, name });
    assert.ok(handle?.uri, 'a log document uri');
    const uri = vscode.Uri.parse(handle.uri);
    const res = await vscode.commands.executeCommand<InvokeResult>('rdeploy.invoke', { automation: true, root, name, payloadName: 'one-car' });
    assert.equal(res.ok, true, res.raw);
    let text = '';
    await eventually(
      async () => {
        text = (await vscode.workspace.openTextDocument(uri)).getText();
        return text.split('\n').filter(Boolean).length > 0 && /scored 1 car\(s\)/.test(text);
      },
      15_000,
      () => `"scored 1 car(s)" in the log document; it holds ${JSON.stringify(text.slice(-500))}`,
    );
    assert.equal(await vscode.commands.executeCommand<boolean>('rdeploy.stopTailing', { automation: true, root, name }), true, 'the first stop stops the tail');
    assert.equal(await vscode.commands.executeCommand<boolean>('rdeploy.stopTailing', { automation: true, root, name }), false, 'nothing left to stop');
  });

  it('showDetails returns a document with the name and endpoint and no secrets', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('rdeploy.showDetails', { automation: true, root, name });
    assert.ok(uri, 'a document uri');
    const text = (await vscode.workspace.openTextDocument(uri)).getText();
    assert.ok(text.includes(name), 'names the deployment');
    assert.ok(record.endpoint && text.includes(record.endpoint), `shows the endpoint ${record.endpoint}`);
    assert.doesNotMatch(text, /password|secret|token|sig=/i);
  });

  it('redeploy after a score.R change keeps name and endpoint, runs, and has a new image', async () => {
    originalScore = readFileSync(scoreFile, 'utf8');
    appendFileSync(scoreFile, `\n# changed by the moreCommands suite ${Date.now()}\n`);
    const again = await vscode.commands.executeCommand<DeployedRecord>('rdeploy.redeploy', { automation: true, confirm: false, root, name });
    assert.ok(again, 'redeploy returned the record');
    assert.equal(again.name, name);
    assert.equal(again.status, 'running');
    assert.equal(again.endpoint, record.endpoint);
    assert.ok(typeof again.details.imageId === 'string' && again.details.imageId, 'an image id');
    assert.notEqual(again.details.imageId, record.details.imageId, 'a new image');
    assert.equal(containersOf(name).length, 1, 'one labelled container');
    const res = await vscode.commands.executeCommand<InvokeResult>('rdeploy.invoke', { automation: true, root, name, payloadName: 'one-car' });
    assert.equal(res.ok, true, res.raw);
    record = again;
  });

  // The panel's message round trip (getInvokePanelForTest) is not reachable from here: this
  // bundle would hold its own copy of InvokePanel.ts, and the extension's API exposes no panel.
  it('openInvokePanel opens the invoke panel for the deployment', async () => {
    const panelTabs = () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('rdeploy.invokePanel'));
    const before = panelTabs().length;
    await vscode.commands.executeCommand('rdeploy.openInvokePanel', { automation: true, root, name });
    const tab = await eventually(() => (panelTabs().length > before ? panelTabs().find((t) => t.label.includes(name)) : undefined), 10_000, () => `an invoke panel tab for ${name}`);
    await vscode.window.tabGroups.close(tab);
  });

  it('refresh runs without error and the tree still lists the deployment', async () => {
    await vscode.commands.executeCommand('rdeploy.refresh');
    const api = await treeApi();
    const id = `deployment:${root}:${name}`;
    await eventually(async () => {
      const project = (await treeItems(api)).find((p) => p.item.id === `project:${root}`);
      return project && (await treeItems(api, project.node)).some((d) => d.item.id === id);
    }, 15_000, `${id} in the tree after refresh`);
  });

  // 2,500 rows: three chunks at the default 1000, so that (on more than one core) the calls need
  // more than the deployment's own container and the map starts its own (label rdeploy-map),
  // which it must remove at the end. 30 rows would be one chunk, on the deployment's container alone.
  it('map runs over a CSV in chunks of 1000: the answers R gives, in input order, and no map container left', async function () {
    // Bounded well below the suite's: a map container starts in seconds here.
    this.timeout(120_000);
    const input = `${name}-cars.csv`;
    const output = path.join(root, `${name}-cars.scored.jsonl`);
    const rows = Array.from({ length: 2500 }, (_, i) => ({ wt: Number((1.5 + (i % 40) / 10).toFixed(1)), hp: 52 + ((i * 37) % 284) }));
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-vscode-map-'));
    const whole = path.join(scratch, 'cars.json');
    try {
      writeFileSync(path.join(root, input), ['wt,hp', ...rows.map((r) => `${r.wt},${r.hp}`)].join('\n') + '\n');
      writeFileSync(whole, JSON.stringify({ wt: rows.map((r) => r.wt), hp: rows.map((r) => r.hp) }));
      let running = true;
      let seen = 0;
      const watching = (async () => {
        while (running) {
          seen = Math.max(seen, (await mapContainersOf(name)).length);
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      const summary = await Promise.resolve(vscode.commands.executeCommand<MapSummary>('rdeploy.map', { automation: true, root, name, input })).finally(() => (running = false));
      await watching;

      assert.equal(summary.outputs.jsonl, output, 'the default output, beside the input');
      assert.deepEqual(
        { units: summary.units, unit: summary.unit, rows: summary.rows, done: summary.done, failed: summary.failed, callFailures: summary.callFailures, skipped: summary.skipped },
        { units: 3, unit: 'chunk', rows: 2500, done: 3, failed: 0, callFailures: 0, skipped: 0 },
      );
      const records = readFileSync(output, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as MapRecord);
      assert.deepEqual(records.map((r) => [r.chunk, r.rows]), [[1, [1, 1000]], [2, [1001, 2000]], [3, [2001, 2500]]]);
      // One R call over all the rows, sliced per chunk: a record out of place cannot match.
      const expected = rDirect(root, 'score.R', 'score', whole) as { probability: number[]; transmission: string[] };
      for (const r of records) {
        assert.equal(r.error, undefined, `chunk ${r.chunk} has no error`);
        assert.deepEqual(r.result, { probability: expected.probability.slice(r.rows[0] - 1, r.rows[1]), transmission: expected.transmission.slice(r.rows[0] - 1, r.rows[1]) }, `chunk ${r.chunk}`);
      }

      // A container per core, at most one per chunk, the deployment's own among them.
      assert.equal(seen, Math.min(os.availableParallelism(), 3) - 1, 'the map containers (rdeploy-map) seen while it ran');
      assert.deepEqual(await mapContainersOf(name), [], 'no rdeploy-map container left');
      assert.equal(containersOf(name).length, 1, 'the deployment\'s own container is still there');
    } finally {
      for (const f of [path.join(root, input), output, `${output}.map.json`]) rmSync(f, { force: true });
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

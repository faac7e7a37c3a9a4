// The commands commands.test.ts does not drive against a live deployment: tail + stop tailing,
// details, redeploy, the invoke panel and refresh. One local deployment for the whole suite.
import * as assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import {
  BASE_IMAGE,
  containersOf,
  eventually,
  exampleRoot,
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
});

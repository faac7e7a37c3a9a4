import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { activeExtension, exampleRoot, rDirect, type InvokeResult } from './support';

/**
 * Payload save and pick without Docker: Invoke Handler Locally runs the handler with the host's
 * R. The pick goes through VS Code's real quick pick, accepted with the workbench's own command,
 * the way a person presses Enter on the first entry.
 */
describe('payloads: save, then pick', function () {
  this.timeout(120_000);
  const root = exampleRoot('iris-rpart');
  const name = `pick-${process.pid.toString(36)}`;
  const payload = { flowers: [{ 'Sepal.Length': 5.9, 'Sepal.Width': 3.0, 'Petal.Length': 5.1, 'Petal.Width': 1.8 }] };
  let file = '';

  before(activeExtension);

  it('saves a payload as .rdeploy/payloads/<name>.json with one command', async () => {
    file = await vscode.commands.executeCommand<string>('rdeploy.savePayload', { automation: true, root, payloadName: name, payload: JSON.stringify(payload) });
    assert.equal(file, path.join(root, '.rdeploy', 'payloads', `${name}.json`));
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), payload);
  });

  it('offers the saved payload first in the pick, and invoking it gives what R gives', async () => {
    // No payloadName: the command asks with a quick pick (saved payloads first, then samples).
    const pending = Promise.resolve(vscode.commands.executeCommand<InvokeResult>('rdeploy.invokeLocally', { automation: true, root }));
    let settled = false;
    void pending.finally(() => (settled = true)).catch(() => {});
    const deadline = Date.now() + 30_000;
    while (!settled && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      if (!settled) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    const result = await pending;
    assert.ok(result, 'the pick was accepted and the handler ran');
    assert.equal(result.ok, true, result.raw);
    assert.deepEqual(result.body, rDirect(root, 'predict.R', 'classify', file));
  });

  it('picks a sample by name (samples/*.json) as well', async () => {
    const result = await vscode.commands.executeCommand<InvokeResult>('rdeploy.invokeLocally', { automation: true, root, payloadName: 'three-flowers' });
    assert.equal(result.ok, true, result.raw);
    assert.deepEqual(result.body, rDirect(root, 'predict.R', 'classify', 'samples/three-flowers.json'));
  });
});

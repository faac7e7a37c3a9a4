import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { DeploymentRecord } from '../../src/core/records/record';
import { deleteRecord, writeRecord } from '../../src/core/records/store';
import { acquireLock, type HeldLock } from '../../src/targets/lifecycle/lock';
import { eventually, exampleRoot, label, treeApi, treeItems, uniqueName, type RDeployTestApi } from './support';

/**
 * The platform as the editor shows it: a deployment another process is working on (the CLI, or
 * another window, holding its lock file) is refused at once with who holds it; a deploy whose
 * process died reads "interrupted" in the tree, and offers Destroy.
 */
describe('deployments held or left by other processes', () => {
  let api: RDeployTestApi;
  const root = exampleRoot('iris-rpart');
  const names: string[] = [];
  let lock: HeldLock | undefined;

  before(async () => {
    api = await treeApi();
    await vscode.commands.executeCommand('workbench.view.extension.rdeploy');
  });

  after(async () => {
    await lock?.release();
    for (const name of names) await deleteRecord(root, name).catch(() => false);
    await vscode.commands.executeCommand('rdeploy.refresh');
  });

  function record(name: string, status: DeploymentRecord['status']): DeploymentRecord {
    const now = new Date().toISOString();
    return { version: 1, name, target: 'local', status, projectRoot: root, handler: 'predict.classify', createdAt: now, updatedAt: now, resources: [], details: {} };
  }

  async function rowOf(name: string): Promise<vscode.TreeItem | undefined> {
    for (const project of await treeItems(api)) {
      for (const d of await treeItems(api, project.node)) if (label(d.item) === name) return d.item;
    }
    return undefined;
  }

  it('refuses to destroy a deployment whose lock another live process holds, naming it', async () => {
    const name = uniqueName('held');
    names.push(name);
    await writeRecord(root, record(name, 'deploying'));
    // This extension host is as alive as the CLI would be: the lock names another tool.
    lock = await acquireLock(root, name, 'deploying', 'the rdeploy CLI');
    await vscode.commands.executeCommand('rdeploy.refresh');
    await assert.rejects(
      () => Promise.resolve(vscode.commands.executeCommand('rdeploy.destroy', { automation: true, confirm: false, root, name })),
      (e: Error) => /is being deployed by the rdeploy CLI \(pid \d+ on /.test(e.message),
    );
    const row = await eventually(() => rowOf(name), 10_000, `the tree to list ${name}`);
    assert.equal(row.contextValue, 'deployment.local.deploying');
    await lock.release();
    lock = undefined;
  });

  it('shows a deploy whose process died as interrupted, with Destroy offered, and destroys it', async () => {
    const name = uniqueName('intr');
    names.push(name);
    // "deploying" with no live lock holder: what a SIGKILLed deploy leaves.
    await writeRecord(root, record(name, 'deploying'));
    await vscode.commands.executeCommand('rdeploy.refresh');
    const row = await eventually(
      async () => {
        const r = await rowOf(name);
        return r?.contextValue === 'deployment.local.interrupted' ? r : undefined;
      },
      10_000,
      `${name} to read as interrupted`,
    );
    assert.match(String(row.description), /interrupted/);
    const manifest = vscode.extensions.getExtension('rdeploy.rdeploy')!.packageJSON as {
      contributes: { menus: { 'view/item/context': { command: string; when: string }[] } };
    };
    const destroy = manifest.contributes.menus['view/item/context'].find((m) => m.command === 'rdeploy.destroy' && m.when.includes('viewItem =~'))!;
    const regex = /viewItem =~ \/(.*)\/$/.exec(destroy.when)![1]!;
    assert.ok(new RegExp(regex).test('deployment.local.interrupted'), `Destroy is offered on an interrupted deployment (${destroy.when})`);
    assert.equal(await vscode.commands.executeCommand('rdeploy.destroy', { automation: true, confirm: false, root, name }), true);
    await vscode.commands.executeCommand('rdeploy.refresh');
    await eventually(async () => (await rowOf(name)) === undefined, 10_000, `${name} to leave the tree`);
  });

  it('checks what a deploy needs, as `rdeploy doctor` does: the engine answers, the handler is there', async () => {
    const report = (await vscode.commands.executeCommand('rdeploy.checkSetup', { automation: true, root })) as { ok: boolean; checks: { id: string; status: string }[] };
    const status = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
    assert.equal(status['docker-engine'], 'ok');
    assert.equal(status.handler, 'ok');
    assert.equal(status.target, 'ok');
  });
});

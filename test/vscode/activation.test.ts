import * as assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { EXTENSION_ID, eventually, treeApi, treeItems } from './support';

describe('activation on the example workspace', () => {
  it('activates by itself on a workspace holding R projects (workspaceContains), no command needed', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is loaded`);
    await eventually(() => ext.isActive, 20_000, 'the extension to activate on the example workspace');
  });

  it('does not activate on start-up', () => {
    const events: string[] = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.activationEvents;
    assert.ok(!events.includes('*') && !events.includes('onStartupFinished'), `activationEvents: ${events.join(', ')}`);
  });

  it('contributes the R Deploy view container and its Deployments view', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const container = pkg.contributes.viewsContainers.activitybar.find((c: { id: string }) => c.id === 'rdeploy');
    assert.equal(container?.title, 'R Deploy');
    const view = pkg.contributes.views.rdeploy.find((v: { id: string }) => v.id === 'rdeploy.deployments');
    assert.equal(view?.name, 'Deployments');
  });

  it('shows an empty tree, hence the welcome with "Deploy R Model", while nothing is deployed', async () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const welcome: { view: string; contents: string }[] = pkg.contributes.viewsWelcome ?? [];
    assert.ok(
      welcome.some((w) => w.view === 'rdeploy.deployments' && w.contents.includes('command:rdeploy.deploy')),
      'a viewsWelcome entry with a Deploy R Model button',
    );
    const api = await treeApi();
    assert.deepEqual(await treeItems(api), []);
  });
});

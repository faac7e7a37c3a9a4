import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { ShownInput } from '../../src/extension/ui/MultiStepInput';
import { activeExtension, eventually, exampleRoot, uniqueName } from './support';

/**
 * The Deploy wizard as a person goes through it: VS Code's real quick picks, moved and accepted
 * with the workbench's own commands (the arrow keys and Enter). The wizard reports each step it
 * shows (ctx.wizardShown), which is how the test knows where it is. Nothing is deployed: the
 * walk ends at the plan with Escape.
 */
describe('the Deploy wizard: the chosen target’s settings', function () {
  this.timeout(120_000);
  const root = exampleRoot('iris-rpart');
  const configFile = path.join(root, 'rdeploy.json');
  const name = uniqueName('wiz');
  const shown: ShownInput[] = [];
  const savedEnv: Record<string, string | undefined> = {};
  let original = '';
  let awsDir = '';
  let listening: vscode.Disposable | undefined;
  let wizard: Promise<unknown> | undefined;

  const latest = () => shown[shown.length - 1];
  /** Waits until the step on screen matches. */
  const waitFor = (what: string, match: (s: ShownInput) => boolean) =>
    eventually(() => (latest() && match(latest()!) ? latest() : undefined), 20_000, () => `${what}; the wizard shows ${JSON.stringify(latest())}`);
  const waitStep = (prompt: RegExp) => waitFor(`a step asking ${prompt}`, (s) => prompt.test(s.prompt));
  // The report comes from the extension host; the workbench draws the input a moment later.
  const settle = () => new Promise((r) => setTimeout(r, 150));
  const item = (s: ShownInput, label: RegExp) => s.items.find((i) => label.test(i.label));
  /** Arrow keys to the item, then Enter. */
  async function choose(label: RegExp): Promise<void> {
    const now = latest()!;
    const to = now.items.findIndex((i) => label.test(i.label));
    assert.ok(to >= 0, `${label} is offered: ${now.items.map((i) => i.label).join(' | ')}`);
    const from = now.items.findIndex((i) => i.label === now.active);
    for (let n = 0; n < Math.abs(to - from); n++) await vscode.commands.executeCommand(to > from ? 'quickInput.next' : 'quickInput.previous');
    await waitFor(`${label} active`, (s) => s.active === now.items[to]!.label);
    await settle();
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }

  before(async () => {
    const ext = await activeExtension();
    const ctx = await (ext.exports as { context(): Promise<{ wizardShown: vscode.EventEmitter<ShownInput> }> }).context();
    listening = ctx.wizardShown.event((s) => shown.push(s));
    original = readFileSync(configFile, 'utf8');
    // An AWS config of our own (the extension host reads the variable when the picker opens). The
    // secret is there to show it never reaches the screen.
    awsDir = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-wizard-aws-'));
    writeFileSync(
      path.join(awsDir, 'config'),
      '[default]\nregion = us-west-2\naws_secret_access_key = wizardSECRETkey\n\n[profile rdeploy-vst]\nregion = eu-south-2\n\n[sso-session corp]\nsso_region = us-east-1\n',
    );
    for (const k of ['AWS_CONFIG_FILE', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION']) savedEnv[k] = process.env[k];
    process.env.AWS_CONFIG_FILE = path.join(awsDir, 'config');
    for (const k of ['AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION']) delete process.env[k];
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await wizard?.catch(() => undefined);
    listening?.dispose();
    writeFileSync(configFile, original);
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(awsDir, { recursive: true, force: true });
  });

  it('asks for AWS Lambda’s settings after the target, from its schema: Continue first, each value or its default', async () => {
    wizard = Promise.resolve(vscode.commands.executeCommand('rdeploy.deploy', { automation: true, root, name }));
    const target = await waitStep(/Where should the model run/);
    assert.equal(target.totalSteps, 3, 'target, settings, plan');
    await choose(/AWS Lambda/);

    const settings = await waitStep(/Settings of AWS Lambda/);
    assert.deepEqual([settings.step, settings.totalSteps], [2, 3]);
    assert.match(settings.items[0]!.label, /Continue/);
    assert.equal(settings.active, settings.items[0]!.label, 'Continue is the active item');
    // Every setting of the schema, by its title (the list grows with the schema; these are a sample).
    const titles = settings.items.slice(1).map((i) => i.label.replace(/^\$\([^)]*\)\s*/, ''));
    for (const t of ['Region', 'Profile', 'Execution role', 'Memory (MB)', 'Timeout (s)', 'Architecture', 'Newest glibc']) assert.ok(titles.includes(t), `${t} in ${titles.join(', ')}`);
    assert.ok(!titles.some((t) => /^[a-z]+[A-Z]/.test(t)), `titles, not keys: ${titles.join(', ')}`);
    assert.equal(item(settings, /Memory \(MB\)/)?.description, 'default: 1024');
    assert.equal(item(settings, /Architecture/)?.description, 'default: x86_64');
    assert.equal(item(settings, /Save to rdeploy\.json/), undefined, 'nothing to save yet');
  });

  it('offers the profiles of the AWS config file, and the chosen profile’s region first; never a secret', async () => {
    await choose(/^\$\([^)]*\) Profile$/);
    const profiles = await waitStep(/a profile of .*config/);
    assert.deepEqual(
      profiles.items.map((i) => i.label),
      ['default', 'rdeploy-vst', '$(discard) Use the default', '$(edit) Type another…'],
    );
    assert.match(item(profiles, /^rdeploy-vst$/)?.description ?? '', /region eu-south-2/);
    assert.ok(!JSON.stringify(profiles).includes('wizardSECRETkey'), 'no value of the file but names and regions');
    await choose(/^rdeploy-vst$/);

    const list = await waitStep(/Settings of AWS Lambda/);
    assert.equal(item(list, /Profile/)?.description, 'rdeploy-vst · changed');
    assert.ok(item(list, /Save to rdeploy\.json/), 'a change can be saved');
    assert.equal(list.active, item(list, /Profile/)?.label, 'the list comes back on the setting just edited');

    await choose(/^\$\([^)]*\) Region$/);
    const regions = await waitStep(/where the function runs/);
    assert.equal(regions.items[0]!.label, 'eu-south-2');
    assert.match(regions.items[0]!.description ?? '', /Europe \(Spain\) · region of profile "rdeploy-vst"/);
    assert.ok(item(regions, /^us-east-1$/) && item(regions, /Type another/));
    // Back: the region stays as it was.
    await settle();
    await vscode.commands.executeCommand('workbench.action.quickInputBack');
    const back = await waitStep(/Settings of AWS Lambda/);
    assert.match(item(back, /Region/)?.description ?? '', /^default: /);
  });

  it('edits an enum from its values; the plan uses the changes; Save writes them to rdeploy.json keeping the other keys', async () => {
    await choose(/Architecture/);
    const values = await waitStep(/^Architecture$/);
    assert.deepEqual(
      values.items.map((i) => i.label),
      ['x86_64', 'arm64', '$(discard) Use the default'],
    );
    await choose(/^arm64$/);
    const list = await waitStep(/Settings of AWS Lambda/);
    assert.equal(item(list, /Architecture/)?.description, 'arm64 · changed');
    assert.match(list.items[0]!.description ?? '', /2 changed for this deploy only/);

    // Continue: the plan uses the changes, and the file is as it was.
    await choose(/Continue/);
    const unsaved = await waitStep(/Review the plan/);
    assert.equal(item(unsaved, /settings-gear\) architecture$/)?.description, 'arm64');
    assert.equal(item(unsaved, /settings-gear\) profile$/)?.description, 'rdeploy-vst');
    assert.equal(readFileSync(configFile, 'utf8'), original, 'rdeploy.json untouched');
    await settle();
    await vscode.commands.executeCommand('workbench.action.quickInputBack');
    const again = await waitStep(/Settings of AWS Lambda/);
    assert.equal(item(again, /Architecture/)?.description, 'arm64 · changed', 'Back keeps the changes');

    await choose(/Save to rdeploy\.json/);
    const plan = await waitStep(/Review the plan/);
    assert.deepEqual([plan.step, plan.totalSteps], [3, 3]);
    const saved = readFileSync(configFile, 'utf8');
    assert.deepEqual(JSON.parse(saved), { name: 'iris-species', handler: 'predict.classify', targets: { lambda: { profile: 'rdeploy-vst', architecture: 'arm64' } } });
    assert.match(saved, /^ {2}"name": "iris-species",\n/m, 'the file keeps its two-space indentation');

    // The plan of Lambda: what it creates and costs, and the settings this deploy uses.
    const row = (label: RegExp) => item(plan, label)?.description ?? '';
    assert.match(row(/^\$\(shield\) role$/), /^rdeploy-/);
    assert.ok(item(plan, /^\$\(layers\) layers$/), 'the layers');
    assert.match(item(plan, /^\$\(layers\) layers$/)?.description ?? '', /./);
    assert.ok(item(plan, /^\$\(symbol-function\) function$/), 'the function');
    assert.ok(row(/cost/).length > 0, 'the cost');
    // The target's own facts: the region that applies, and the layers (sizes once packaged).
    assert.match(row(/^\$\(globe\) region$/), /AWS configuration/);
    assert.ok(
      plan.items.some((i) => i.label === '$(layers) layers' && /built by the deploy|MB/.test(i.description ?? '')),
      `the layers fact: ${JSON.stringify(plan.items)}`,
    );
    assert.equal(row(/settings-gear\) architecture$/), 'arm64');
    assert.equal(row(/settings-gear\) profile$/), 'rdeploy-vst');
    assert.equal(row(/settings-gear\) memoryMb$/), '1024');
  });

  it('goes Back from the plan to the settings, now saved; Escape ends the wizard without deploying', async () => {
    await settle();
    await vscode.commands.executeCommand('workbench.action.quickInputBack');
    const list = await waitStep(/Settings of AWS Lambda/);
    assert.equal(item(list, /Architecture/)?.description, 'arm64');
    assert.equal(item(list, /Save to rdeploy\.json/), undefined, 'nothing left unsaved');
    await settle();
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await wizard, undefined, 'cancelled quietly');
    assert.ok(!existsSync(path.join(root, '.rdeploy', 'deployments', `${name}.json`)), 'no deployment record');
  });

  it('gives Local Docker the same step: its port and limits, each editable', async () => {
    shown.length = 0;
    wizard = Promise.resolve(vscode.commands.executeCommand('rdeploy.deploy', { automation: true, root, name, target: 'local' }));
    const settings = await waitStep(/Settings of Local Docker/);
    assert.deepEqual([settings.step, settings.totalSteps], [1, 2]);
    assert.match(item(settings, /Port/)?.description ?? '', /^default: the previous deployment's port/);
    assert.equal(item(settings, /Workers/)?.description, 'default: 2');
    await choose(/Memory limit/);
    const box = await waitFor('an input box for the memory limit', (s) => s.kind === 'inputBox');
    assert.match(box.prompt, /The most memory the container may use/);
    assert.equal(box.active, '', 'empty: the default applies');
    await settle();
    await vscode.commands.executeCommand('workbench.action.quickInputBack');
    await waitStep(/Settings of Local Docker/);
    await settle();
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await wizard, undefined);
  });
});

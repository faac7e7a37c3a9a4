// package.json's tree menus show commands by `when` regexes over the contextValue; the logic in
// src/core/view/deploymentState.ts says which states offer what. This holds one to the other
// for every state, so the manifest and the logic cannot drift apart.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeploymentRecord } from '../../../src/core/records/record';
import {
  DEPLOYMENT_STATES,
  canDestroy,
  canInvoke,
  canRedeploy,
  canTailLogs,
  deploymentContextValue,
  type DeploymentState,
} from '../../../src/core/view/deploymentState';

interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as {
  contributes: { menus: Record<string, MenuEntry[]> };
};
const itemMenus = manifest.contributes.menus['view/item/context'] ?? [];

/** Evaluates the `when` clauses the manifest uses: `a && b` of `key == value`, `key =~ /re/`, `key` and `!key`. */
function evaluate(when: string, context: Record<string, string | boolean>): boolean {
  return when.split('&&').every((raw) => {
    const clause = raw.trim();
    let m = /^(!?)([\w.]+)$/.exec(clause);
    if (m) return Boolean(context[m[2]!]) !== (m[1] === '!');
    m = /^([\w.]+)\s*==\s*([\w.-]+)$/.exec(clause);
    if (m) return context[m[1]!] === m[2];
    m = /^([\w.]+)\s*=~\s*\/(.*)\/([a-z]*)$/.exec(clause);
    if (m) return new RegExp(m[2]!, m[3]).test(String(context[m[1]!] ?? ''));
    throw new Error(`the test cannot read the when clause "${clause}": extend evaluate()`);
  });
}

const record = (target: string) => ({ name: 'm', target }) as unknown as DeploymentRecord;

const LOGIC: Record<string, (s: DeploymentState) => boolean> = {
  'rdeploy.invoke': canInvoke,
  'rdeploy.openInvokePanel': canInvoke,
  // Map over File calls the deployment once per chunk: offered where Invoke is.
  'rdeploy.map': canInvoke,
  'rdeploy.tailLogs': canTailLogs,
  'rdeploy.redeploy': canRedeploy,
  'rdeploy.destroy': canDestroy,
};

describe('tree menus in package.json agree with deploymentState.ts', () => {
  for (const [command, allowed] of Object.entries(LOGIC)) {
    const entries = itemMenus.filter((e) => e.command === command);

    it(`${command} has view/item/context entries, each with a when clause`, () => {
      expect(entries.length).toBeGreaterThan(0);
      for (const e of entries) expect(e.when, `${command} ${e.group}`).toBeTruthy();
    });

    for (const [target, twin] of [['local', false], ['lambda', false], ['lambda', true]] as const) {
      it.each(DEPLOYMENT_STATES.map((s) => [s]))(`${command} on a ${target}${twin ? ' (local twin)' : ''} deployment in state %s`, (state) => {
        const context = { view: 'rdeploy.deployments', viewItem: deploymentContextValue(record(target), state, { twin }) };
        for (const e of entries) expect(evaluate(e.when!, context), `${command} (${e.group}) when ${state}`).toBe(allowed(state));
        // Never on a project node.
        for (const e of entries) expect(evaluate(e.when!, { view: 'rdeploy.deployments', viewItem: 'project' })).toBe(false);
      });
    }
  }

  it('Invoke Locally in Docker is offered on every deployment whose target has a local twin, and on no other', () => {
    const entries = itemMenus.filter((e) => e.command === 'rdeploy.invokeLocalTwin');
    expect(entries.length).toBeGreaterThan(0);
    for (const state of DEPLOYMENT_STATES) {
      for (const e of entries) {
        expect(evaluate(e.when!, { view: 'rdeploy.deployments', viewItem: deploymentContextValue(record('lambda'), state, { twin: true }) })).toBe(true);
        expect(evaluate(e.when!, { view: 'rdeploy.deployments', viewItem: deploymentContextValue(record('local'), state) })).toBe(false);
      }
    }
  });

  it('Map over File is in the Explorer for CSV, JSON Lines and JSON files on disk, only in a trusted workspace', () => {
    const entries = (manifest.contributes.menus['explorer/context'] ?? []).filter((e) => e.command === 'rdeploy.map');
    expect(entries).toHaveLength(1);
    const when = entries[0]!.when!;
    const file = (name: string, more: Record<string, string | boolean> = {}) =>
      evaluate(when, { isWorkspaceTrusted: true, resourceScheme: 'file', explorerResourceIsFolder: false, resourceExtname: path.extname(name), ...more });
    for (const name of ['cars.csv', 'rows.jsonl', 'rows.ndjson', 'grid.json', 'CARS.CSV']) expect(file(name), name).toBe(true);
    for (const name of ['score.R', 'notes.txt', 'settings.jsonc', 'cars.csv.gz', 'Makefile']) expect(file(name), name).toBe(false);
    expect(file('cars.csv', { isWorkspaceTrusted: false })).toBe(false);
    expect(file('cars.csv', { resourceScheme: 'vscode-vfs' })).toBe(false);
    expect(file('data.json', { explorerResourceIsFolder: true })).toBe(false);
  });

  it('the evaluator reads what the regexes say (so the checks above can fail)', () => {
    expect(evaluate('view == rdeploy.deployments && viewItem =~ /^deployment\\.[a-z]+\\.(running)$/', { view: 'rdeploy.deployments', viewItem: 'deployment.local.running' })).toBe(true);
    expect(evaluate('view == rdeploy.deployments && viewItem =~ /^deployment\\.[a-z]+\\.(running)$/', { view: 'rdeploy.deployments', viewItem: 'deployment.local.runningx' })).toBe(false);
    expect(evaluate('view == other && viewItem =~ /^deployment\\./', { view: 'rdeploy.deployments', viewItem: 'deployment.local.running' })).toBe(false);
    expect(evaluate('isWorkspaceTrusted && !explorerResourceIsFolder', { isWorkspaceTrusted: true, explorerResourceIsFolder: true })).toBe(false);
    expect(evaluate('isWorkspaceTrusted && !explorerResourceIsFolder', { isWorkspaceTrusted: true })).toBe(true);
  });
});

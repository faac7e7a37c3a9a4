// Helpers shared by the integration suites; they run inside the extension host.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'rdeploy.rdeploy';
export const BASE_IMAGE = process.env.RDEPLOY_TEST_BASE_IMAGE ?? 'rdeploy-test/r-base:bookworm';

/** The workspace folder the runner opened: a temp copy of examples/ (never the repository). */
export function workspaceRoot(): string {
  const ws = vscode.workspace.workspaceFolders?.[0];
  if (!ws) throw new Error('the integration tests need a workspace folder (a copy of examples/)');
  return ws.uri.fsPath;
}

/** A copied example project inside the workspace. */
export function exampleRoot(name: 'mtcars-glm' | 'iris-rpart'): string {
  return path.join(workspaceRoot(), name);
}

/** Polls until `check` returns a truthy value; fails with `what` after `ms`. */
export async function eventually<T>(check: () => T | Promise<T>, ms: number, what: string | (() => string)): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const said = typeof what === 'string' ? what : what();
      throw new Error(`timed out after ${ms} ms waiting for ${said}${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A deployment name unique to this run, so runs never collide with each other or a developer's. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
}

function docker(args: string[]): string[] {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n').filter(Boolean);
}

/** Containers (running or not) carrying the deployment's label: what destroy must leave empty. */
export function containersOf(deployment: string): string[] {
  return docker(['ps', '-a', '-q', '--filter', `label=rdeploy-deployment=${deployment}`]);
}

/** Last-resort cleanup by label for a test that failed half-way. */
export function removeByLabel(deployment: string): void {
  for (const c of containersOf(deployment)) docker(['rm', '-f', c]);
  for (const i of docker(['images', '-q', '--filter', `label=rdeploy-deployment=${deployment}`])) {
    try {
      docker(['rmi', '-f', i]);
    } catch {
      // shared with another tag, or already gone
    }
  }
}

/** The extension, activated. */
export async function activeExtension(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  await ext.activate();
  return ext;
}

/** The test hook `activate()` returns: the Deployments tree's data provider. */
export interface RDeployTestApi {
  tree: vscode.TreeDataProvider<unknown>;
}

export async function treeApi(): Promise<RDeployTestApi> {
  const ext = await activeExtension();
  const api = ext.exports as Partial<RDeployTestApi> | undefined;
  if (!api?.tree) throw new Error('activate() must return { tree } (the Deployments tree provider) for the tests');
  return api as RDeployTestApi;
}

/** Every tree item under `node` (the roots when undefined), with the node it was made from. */
export async function treeItems(api: RDeployTestApi, node?: unknown): Promise<{ node: unknown; item: vscode.TreeItem }[]> {
  const nodes = (await api.tree.getChildren(node)) ?? [];
  return Promise.all(nodes.map(async (n) => ({ node: n, item: await api.tree.getTreeItem(n) })));
}

export function label(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

/** What R itself answers for a payload file: shared with the CLI's e2e tests. */
export { rDirect } from '../support/r';

/** The contract's return value of rdeploy.invoke / rdeploy.invokeLocally. */
export interface InvokeResult {
  ok: boolean;
  body: unknown;
  raw: string;
  durationMs: number;
}

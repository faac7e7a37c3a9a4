import type { DeploymentRecord } from '../records/record';
import type { Status } from '../deployment';

/**
 * What the Deployments tree shows about one deployment, as data: the state a person cares
 * about (the record's own state while work is under way, else the live state), the
 * `contextValue` menus match (`deployment.<target>.<state>`), and the icon. The extension turns
 * this into a TreeItem; the wording stays there because it is localised.
 */
export const DEPLOYMENT_STATES = [
  'deploying',
  'destroying',
  'interrupted',
  'failed',
  'running',
  'starting',
  'unhealthy',
  'stopped',
  'missing',
  'destroyed',
  'unknown',
] as const;
export type DeploymentState = (typeof DEPLOYMENT_STATES)[number];

/** The live status, or the error that stopped us reading it (Docker not running, ...). */
export type LiveStatus = { status: Status } | { error: string };

export function deploymentState(record: DeploymentRecord, live: LiveStatus | undefined): DeploymentState {
  // Work in progress and a failed deploy say more than what the engine reports right now.
  if (record.status === 'deploying' || record.status === 'destroying' || record.status === 'failed' || record.status === 'interrupted') return record.status;
  if (record.status === 'destroyed') return 'destroyed';
  if (live === undefined) return record.status;
  if ('error' in live) return 'unknown';
  return live.status.state;
}

/**
 * The tree item's contextValue, which package.json's menus match: `deployment.<target>.<state>`,
 * plus `.twin` when the target can run the deployment's artefacts locally (Invoke Locally in Docker).
 */
export function deploymentContextValue(record: DeploymentRecord, state: DeploymentState, opts: { twin?: boolean } = {}): string {
  return `deployment.${record.target}.${state}${opts.twin ? '.twin' : ''}`;
}

export interface StateIcon {
  /** A codicon id, e.g. `vm-running` or `sync~spin`. */
  id: string;
  /** A theme colour id, when the state deserves one. */
  color?: string;
}

const ICONS: Record<DeploymentState, StateIcon> = {
  deploying: { id: 'sync~spin' },
  destroying: { id: 'loading~spin' },
  interrupted: { id: 'debug-disconnect', color: 'list.warningForeground' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  running: { id: 'vm-running', color: 'testing.iconPassed' },
  starting: { id: 'loading~spin' },
  unhealthy: { id: 'warning', color: 'list.warningForeground' },
  stopped: { id: 'vm-outline', color: 'disabledForeground' },
  missing: { id: 'warning', color: 'list.warningForeground' },
  destroyed: { id: 'circle-slash', color: 'disabledForeground' },
  unknown: { id: 'question' },
};

export function deploymentIcon(state: DeploymentState): StateIcon {
  return ICONS[state];
}

// Which tree menu items each state offers. package.json's `view/item/context` `when` regexes say
// the same; test/unit/extension/menuWhen.test.ts holds the manifest to these for every state.

/** States in which the deployment answers requests, so invoke is offered first (Invoke, Open Invoke Panel). */
export function canInvoke(state: DeploymentState): boolean {
  return state === 'running' || state === 'starting' || state === 'unhealthy' || state === 'unknown';
}

/** States with a container whose log can be read (Tail Logs). */
export function canTailLogs(state: DeploymentState): boolean {
  return canInvoke(state) || state === 'stopped' || state === 'failed' || state === 'interrupted';
}

/** Redeploy: not while an operation runs on it, and not once it is destroyed. */
export function canRedeploy(state: DeploymentState): boolean {
  return state !== 'deploying' && state !== 'destroying' && state !== 'destroyed';
}

/** Destroy: not while an operation runs on it (the extension also refuses a second operation). */
export function canDestroy(state: DeploymentState): boolean {
  return state !== 'deploying' && state !== 'destroying';
}

/** The tree ids: stable across refreshes so VS Code keeps selection and expansion. */
export const projectId = (root: string): string => `project:${root}`;
export const deploymentId = (root: string, name: string): string => `deployment:${root}:${name}`;

/** The host:port part of an endpoint, for a short description (`127.0.0.1:8123`). */
export function endpointHost(endpoint: string | undefined): string | undefined {
  if (!endpoint) return undefined;
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}

import { randomUUID } from 'node:crypto';
import type { ArmDouble } from '../../ArmDouble';
import { allActions, hasOperationOption, type ActionDefinition, type TriggerDefinition, type WorkflowDefinition } from '../definition';
import type { EngineHost, NestedTrigger, ResponseReply } from '../engine/context';
import { isObject } from '../expressions/values';
import { startRun, type RunHandle } from '../engine/interpreter';
import type { RunRecord } from '../engine/records';
import { resolveParameters, validateWorkflowBody, type WorkflowParameterValue } from '../validate';
import { accessKey, reversedTicks, runName, workflowId } from './names';
import { sendOutbound } from './outbound';

/**
 * The Logic Apps (Consumption) service behind the double's routes and endpoint: workflows, their
 * system-assigned identities, and their runs, each run interpreted by engine/ against the real
 * network (the ARM double itself, with the identity's tokens).
 */

export interface LogicAppsOptions {
  /**
   * How long a new workflow's system-assigned identity stays unknown to role assignments
   * (PrincipalNotFound), as a new managed identity is while Entra ID replicates it.
   * Default: 30 s × the ARM double's timeScale.
   */
  identityReplicationDelayMs?: number;
  /** Retry-After (seconds) on the 202 answers of an asynchronous response's polling URL. Default 1. */
  pollRetryAfterSeconds?: number;
  /** Multiplies every wait of every run. Default: the ARM double's timeScale. */
  timeScale?: number;
}

export interface RunEntry {
  name: string;
  handle: RunHandle;
  record: RunRecord;
  /** The definition version the run runs. */
  version: string;
  /** Started by an HTTP request (it may be answered by a Response action). */
  viaRequest: boolean;
  /** The trigger request gets 202 and polls (a Response with "operationOptions": "Asynchronous"). */
  asyncResponse: boolean;
  operationId: string;
  reply?: ResponseReply;
  ended: boolean;
  done: Promise<RunRecord>;
  /** Called whenever a reply arrives or the run ends. */
  listeners: Set<() => void>;
}

export interface WorkflowState {
  /** The ARM id, with the name as it was created. */
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  tags: Record<string, string>;
  identity?: { principalId: string; tenantId: string };
  state: 'Enabled' | 'Disabled';
  definition: WorkflowDefinition;
  parameters: Record<string, WorkflowParameterValue>;
  createdTime: string;
  changedTime: string;
  version: string;
  workflowId: string;
  key: Buffer;
  runs: Map<string, RunEntry>;
  lastExecutionTime?: string;
}

export class LogicAppsService {
  readonly workflows = new Map<string, WorkflowState>();
  timeScale: number;
  pollRetryAfterSeconds: number;
  private replicationDelayMs: number;
  /** The callback URL of a workflow's Request trigger (the endpoint signs them); set by registerLogicApps. */
  callbackUrl: ((workflow: WorkflowState, trigger: string, method: string) => Promise<string>) | undefined;

  constructor(
    readonly arm: ArmDouble,
    options: LogicAppsOptions = {},
  ) {
    this.timeScale = options.timeScale ?? arm.timeScale;
    this.pollRetryAfterSeconds = options.pollRetryAfterSeconds ?? 1;
    this.replicationDelayMs = options.identityReplicationDelayMs ?? 30_000 * arm.timeScale;
  }

  /** Changes the settings given; they apply from the next workflow saved, run started or answer polled. */
  configure(options: LogicAppsOptions): void {
    if (options.timeScale !== undefined) this.timeScale = options.timeScale;
    if (options.pollRetryAfterSeconds !== undefined) this.pollRetryAfterSeconds = options.pollRetryAfterSeconds;
    if (options.identityReplicationDelayMs !== undefined) this.replicationDelayMs = options.identityReplicationDelayMs;
  }

  idOf(resourceGroup: string, name: string): string {
    return `/subscriptions/${this.arm.subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Logic/workflows/${name}`;
  }

  get(resourceGroup: string, name: string): WorkflowState | undefined {
    return this.workflows.get(this.idOf(resourceGroup, name).toLowerCase());
  }

  byWorkflowId(id: string): WorkflowState | undefined {
    return [...this.workflows.values()].find((w) => w.workflowId === id.toLowerCase());
  }

  byName(name: string): WorkflowState | undefined {
    return [...this.workflows.values()].find((w) => w.name.toLowerCase() === name.toLowerCase());
  }

  /** Creates or replaces a workflow from a PUT body (validated as the service does). */
  put(resourceGroup: string, name: string, body: unknown): { workflow: WorkflowState; created: boolean } {
    const input = validateWorkflowBody(body);
    const now = new Date().toISOString();
    const existing = this.get(resourceGroup, name);
    let identity = existing?.identity;
    if (input.identity === 'SystemAssigned' && !identity) {
      identity = { principalId: randomUUID(), tenantId: this.arm.tenantId };
      this.arm.registerPrincipal(identity.principalId, { replicationDelayMs: this.replicationDelayMs, principalType: 'ServicePrincipal' });
    }
    if (input.identity === undefined) identity = undefined;
    const workflow: WorkflowState = {
      id: existing?.id ?? this.idOf(resourceGroup, name),
      name: existing?.name ?? name,
      resourceGroup: existing?.resourceGroup ?? resourceGroup,
      location: input.location,
      tags: input.tags,
      ...(identity ? { identity } : {}),
      state: input.state,
      definition: input.definition,
      parameters: input.parameters,
      createdTime: existing?.createdTime ?? now,
      changedTime: now,
      version: reversedTicks(),
      workflowId: existing?.workflowId ?? workflowId(),
      key: existing?.key ?? accessKey(),
      runs: existing?.runs ?? new Map(),
      ...(existing?.lastExecutionTime ? { lastExecutionTime: existing.lastExecutionTime } : {}),
    };
    this.workflows.set(workflow.id.toLowerCase(), workflow);
    return { workflow, created: !existing };
  }

  /** Deletes a workflow; its running runs are cancelled. */
  delete(workflow: WorkflowState): void {
    for (const run of workflow.runs.values()) run.handle.cancel();
    this.workflows.delete(workflow.id.toLowerCase());
  }

  trigger(workflow: WorkflowState, name: string): [string, TriggerDefinition] | undefined {
    return Object.entries(workflow.definition.triggers ?? {}).find(([n]) => n.toLowerCase() === name.toLowerCase());
  }

  /** Starts a run of the workflow's current definition. */
  startRun(workflow: WorkflowState, trigger: { name: string; type: string; outputs: unknown; scheduledTime?: string }, viaRequest: boolean): RunEntry {
    const name = runName();
    const now = new Date().toISOString();
    workflow.lastExecutionTime = now;
    const responses = allResponses(workflow.definition);
    const host: EngineHost = {
      send: sendOutbound,
      token: async (audience) => {
        const current = this.workflows.get(workflow.id.toLowerCase());
        if (!current?.identity) throw new Error(`The workflow '${workflow.name}' has no system-assigned managed identity enabled.`);
        return this.arm.tokenFor(current.identity.principalId, audience);
      },
      nestedTrigger: (id, triggerName) => this.nestedTrigger(workflow, id, triggerName),
    };
    const listeners = new Set<() => void>();
    const notify = () => listeners.forEach((l) => l());
    // Filled in below; the respond callback only runs once the run has started.
    const entry = { name, version: workflow.version, viaRequest, asyncResponse: viaRequest && responses.some(isAsynchronous), operationId: randomUUID().replace(/-/g, ''), ended: false, listeners } as RunEntry;
    entry.handle = startRun(
      {
        definition: workflow.definition,
        parameters: resolveParameters(workflow.definition, workflow.parameters),
        workflow: { id: workflow.id, name: workflow.name, location: workflow.location, tags: workflow.tags, version: workflow.version, workflowId: workflow.workflowId },
        runName: name,
        trigger,
        timeScale: this.timeScale,
        ...(viaRequest
          ? {
              respond: (reply: ResponseReply) => {
                if (entry.reply) return false;
                entry.reply = reply;
                notify();
                return true;
              },
            }
          : {}),
      },
      host,
    );
    entry.record = entry.handle.record;
    entry.done = entry.handle.done.then((record) => {
      entry.ended = true;
      notify();
      return record;
    });
    workflow.runs.set(name, entry);
    return entry;
  }

  /**
   * What a Workflow action of `caller` calls: the child's Request trigger, or why it cannot. The
   * docs ask for a child in the parent's subscription with a callable trigger; the designer lists
   * only workflows of the parent's region. Texts: the double's, in the service's style (the
   * endpoint's WorkflowTriggerNotFound is the same).
   */
  private async nestedTrigger(caller: WorkflowState, id: string, triggerName: string): Promise<NestedTrigger> {
    const fail = (status: number, code: string, message: string): NestedTrigger => ({ status, error: { code, message } });
    const m = WORKFLOW_ID.exec(id);
    if (!m) return fail(400, 'InvalidWorkflowId', `The workflow id '${id}' is not valid: give the resource id of a workflow, '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Logic/workflows/{name}'.`);
    const [, subscription, resourceGroup, name] = m;
    if (subscription!.toLowerCase() !== this.arm.subscriptionId) {
      return fail(400, 'NestedWorkflowSubscriptionMismatch', `The workflow '${name}' is in subscription '${subscription}': a workflow can call only workflows of its own subscription '${this.arm.subscriptionId}'.`);
    }
    const child = this.get(resourceGroup!, name!);
    if (!child) return fail(404, 'WorkflowNotFound', `The workflow '${name}' could not be found.`);
    if (region(child.location) !== region(caller.location)) {
      return fail(400, 'NestedWorkflowLocationMismatch', `The workflow '${child.name}' is in location '${child.location}': a workflow can call only workflows of its own location '${caller.location}'.`);
    }
    const trigger = this.trigger(child, triggerName);
    if (!trigger) return fail(404, 'WorkflowTriggerNotFound', `The workflow '${child.name}' trigger '${triggerName}' could not be found.`);
    if (trigger[1].type.toLowerCase() !== 'request') {
      return fail(400, 'WorkflowTriggerNotCallable', `The workflow '${child.name}' trigger '${trigger[0]}' of type '${trigger[1].type}' cannot be called: a nested workflow is called through a trigger of type 'Request'.`);
    }
    if (!this.callbackUrl) throw new Error('the Logic Apps double has no endpoint to call workflows on');
    const inputs = isObject(trigger[1].inputs) ? trigger[1].inputs : {};
    const method = typeof inputs.method === 'string' ? inputs.method.toUpperCase() : 'POST';
    return { url: await this.callbackUrl(child, trigger[0], method), method };
  }

  /** Cancels every run and waits until they have ended (and those they started: a child's). */
  async stop(): Promise<void> {
    for (;;) {
      const running = [...this.workflows.values()].flatMap((w) => [...w.runs.values()]).filter((r) => !r.ended);
      if (running.length === 0) return;
      running.forEach((r) => r.handle.cancel());
      await Promise.all(running.map((r) => r.done));
    }
  }
}

const WORKFLOW_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Logic\/workflows\/([^/]+)$/i;

/** Regions compare as ARM compares them: "West Europe" is "westeurope". */
const region = (location: string) => location.replace(/\s+/g, '').toLowerCase();

const allResponses = (definition: WorkflowDefinition) => allActions(definition.actions).filter((p) => p.action.type.toLowerCase() === 'response').map((p) => p.action);

export const hasResponse = (definition: WorkflowDefinition) => allResponses(definition).length > 0;

const isAsynchronous = (action: ActionDefinition) => hasOperationOption(action, 'Asynchronous');

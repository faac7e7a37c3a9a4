/**
 * A TEST DOUBLE of Azure Logic Apps (Consumption) for the ARM double (../ArmDouble.ts): the
 * Microsoft.Logic 2019-05-01 workflow surface that @azure/arm-logic 8.2.0 drives, the workflow
 * endpoint (callback URLs, asynchronous response polling, run history content) on an HTTPS port
 * of its own, and an interpreter of the workflow definition language subset R Deploy generates,
 * whose HTTP actions are real requests to the ARM double under the workflow's managed identity
 * and whose Workflow actions call other workflows through their callback URLs on the endpoint.
 * Nothing here talks to Azure. ArmDouble.start() registers it (`arm.logic`); the endpoint
 * listens from the first time something needs its URL.
 *
 * Covers:
 * - workflows: PUT (201/200; location, tags, `identity: SystemAssigned` answered with principalId
 *   and tenantId and registered in the ARM double's directory with a replication delay; state;
 *   the definition validated on save with the service's texts: members, trigger and action types,
 *   runAfter siblings/statuses/cycles, unique names, nesting, Response placement and its
 *   incompatibility with recurrence triggers, expressions, functions, parameters, and which
 *   actions an expression may read), GET (SecureString values left out), DELETE, lists;
 * - triggers: list, get, listCallbackUrl (signed URL per workflow key), run (Recurrence);
 * - runs: list (newest first, $top, $filter on status), get, cancel; run actions: list, get, with
 *   inputsLink/outputsLink to signed content on the endpoint, except parts secured by
 *   runtimeConfiguration.secureData;
 * - the endpoint: the Request trigger (sig checks with the service's 401 texts; 202 at once
 *   without a Response, 202 + Location + Retry-After with an Asynchronous one, else the
 *   synchronous answer; 502 NoResponse when a run ends unanswered), polling, content links;
 * - the interpreter (engine/): Http, Workflow (a child workflow's Request trigger, through its
 *   callback URL: its run shows in the child's history; the parent follows an asynchronous
 *   Response's 202 + Location; retry policies as for Http), Until, Wait, Scope, If, Response,
 *   Compose; expressions (expressions/). Every wait is scaled by timeScale.
 *
 * Does not cover: triggers other than Request/Recurrence/Http (and Http/Recurrence do not fire
 * on their own: fireRecurrence() or triggers/run fire them), trigger conditions, splitOn,
 * concurrency limits, the Request trigger's schema validation, relativePath routing, the
 * synchronous response timeout, action types beyond the eight above (Foreach, Switch,
 * variables, Terminate, connectors…), authentication other than ManagedServiceIdentity, user-
 * assigned identities, run repetitions APIs, workflow versions, PATCH, disabled-workflow refusals,
 * whether a Workflow action's child exists when the parent is saved (it is looked up when the
 * action runs), the link from parent to child run in run history, and paging (every list fits
 * one page).
 */
import type { ArmDouble } from '../ArmDouble';
import type { RunRecord } from './engine/records';
import { LogicEndpoint, type EndpointCall, type EndpointFault } from './arm/endpoint';
import { registerLogicRoutes } from './arm/routes';
import { LogicAppsService, type LogicAppsOptions } from './arm/service';

export type { LogicAppsOptions } from './arm/service';
export type { EndpointCall, EndpointFault, EndpointOperation } from './arm/endpoint';
export type { ActionRecord, RunRecord } from './engine/records';

export interface WorkflowSummary {
  id: string;
  name: string;
  state: 'Enabled' | 'Disabled';
  version: string;
  /** The 32-hex id in its callback URLs. */
  workflowId: string;
  /** The object id of its system-assigned identity, if it has one. */
  principalId?: string;
}

export class LogicAppsDouble {
  constructor(
    readonly arm: ArmDouble,
    private readonly service: LogicAppsService,
    private readonly endpoint: LogicEndpoint,
  ) {}

  /** The workflow endpoint's base URL (the host callback URLs point at), once it listens. */
  ready(): Promise<string> {
    return this.endpoint.ready();
  }

  workflow(name: string): WorkflowSummary | undefined {
    const w = this.service.byName(name);
    return w && { id: w.id, name: w.name, state: w.state, version: w.version, workflowId: w.workflowId, ...(w.identity ? { principalId: w.identity.principalId } : {}) };
  }

  /** The workflow's runs, newest first (live records: they change while a run runs). */
  runs(workflowName: string): RunRecord[] {
    const w = this.service.byName(workflowName);
    return w ? [...w.runs.values()].map((r) => r.record).sort((a, b) => Date.parse(b.startTime) - Date.parse(a.startTime)) : [];
  }

  /** Resolves when the run has ended. */
  async waitForRun(workflowName: string, runName: string): Promise<RunRecord> {
    const run = this.service.byName(workflowName)?.runs.get(runName);
    if (!run) throw new Error(`no run '${runName}' of workflow '${workflowName}'`);
    return run.done;
  }

  /** Fires the workflow's Recurrence trigger now (as its schedule would); returns the run's name. */
  fireRecurrence(workflowName: string, triggerName?: string): string {
    const w = this.service.byName(workflowName);
    if (!w) throw new Error(`fireRecurrence: no workflow '${workflowName}'`);
    const trigger = Object.entries(w.definition.triggers ?? {}).find(([n, t]) => (triggerName ? n.toLowerCase() === triggerName.toLowerCase() : t.type.toLowerCase() === 'recurrence'));
    if (!trigger || trigger[1].type.toLowerCase() !== 'recurrence') throw new Error(`fireRecurrence: workflow '${workflowName}' has no Recurrence trigger${triggerName ? ` '${triggerName}'` : ''}`);
    return this.service.startRun(w, { name: trigger[0], type: 'Recurrence', outputs: {}, scheduledTime: new Date().toISOString() }, false).name;
  }

  /** Requests the workflow endpoint received (callback URLs, polls, content), oldest first. */
  endpointCalls(): EndpointCall[] {
    return this.endpoint.calls();
  }

  /** The next `times` endpoint requests of the operation answer this error instead. */
  injectEndpointFault(fault: EndpointFault, times = 1): void {
    this.endpoint.injectFault(fault, times);
  }

  /** Changes the given settings (LogicAppsOptions); they apply from the next save, run or poll. */
  configure(options: LogicAppsOptions): void {
    this.service.configure(options);
  }

  /** Cancels every run, waits for them to end, and stops the endpoint (ArmDouble.stop does; again is harmless). */
  async stop(): Promise<void> {
    await this.service.stop();
    await this.endpoint.stop();
  }
}

const attached = new WeakMap<ArmDouble, LogicAppsDouble>();

/**
 * Registers Microsoft.Logic on an ARM double (ArmDouble.start does). Once per double: a later
 * call returns the same double, after applying the options it gives (from then on).
 */
export function registerLogicApps(arm: ArmDouble, options: LogicAppsOptions = {}): LogicAppsDouble {
  const existing = attached.get(arm);
  if (existing) {
    existing.configure(options);
    return existing;
  }
  const service = new LogicAppsService(arm, options);
  const endpoint = new LogicEndpoint(service);
  service.callbackUrl = async (workflow, trigger, method) => {
    await endpoint.ready();
    return endpoint.callbackUrl(workflow, trigger, method).value;
  };
  registerLogicRoutes(arm, service, endpoint);
  const double = new LogicAppsDouble(arm, service, endpoint);
  attached.set(arm, double);
  return double;
}

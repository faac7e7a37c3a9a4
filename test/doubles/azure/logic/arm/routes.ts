import type { ArmDouble } from '../../ArmDouble';
import { ArmError } from '../../errors';
import type { ArmRequest } from '../../types';
import { isObject } from '../expressions/values';
import type { LogicEndpoint } from './endpoint';
import type { LogicAppsService, RunEntry, WorkflowState } from './service';
import { runActionView, runView, triggerView, workflowView } from './views';

const NS = 'providers/Microsoft\\.Logic';
const WF = `^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/${NS}/workflows/(?<wf>[^/]+)`;
const ACTION = 'Microsoft.Logic/workflows';

/** The api-versions Microsoft.Logic serves for workflows (2019-05-01 is @azure/arm-logic 8.2.0's). */
export const LOGIC_API_VERSIONS = ['2015-02-01-preview', '2015-08-01-preview', '2016-06-01', '2018-07-01-preview', '2019-05-01'];

const resourceNotFound = (name: string, rg: string) =>
  new ArmError(404, 'ResourceNotFound', `The Resource 'Microsoft.Logic/workflows/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);

/** Microsoft.Logic's workflow surface: workflows, triggers (callback URL, run), runs, run actions. */
export function registerLogicRoutes(double: ArmDouble, service: LogicAppsService, endpoint: LogicEndpoint): void {
  double.registerApiVersions('Microsoft.Logic', LOGIC_API_VERSIONS);
  const find = (r: ArmRequest): WorkflowState => {
    const workflow = service.get(r.params.rg!, r.params.wf!);
    if (!workflow) throw resourceNotFound(r.params.wf!, r.params.rg!);
    return workflow;
  };
  const findRun = (r: ArmRequest): [WorkflowState, RunEntry] => {
    const workflow = find(r);
    const run = workflow.runs.get(r.params.run!) ?? [...workflow.runs.values()].find((e) => e.name.toLowerCase() === r.params.run!.toLowerCase());
    if (!run) throw new ArmError(404, 'WorkflowRunNotFound', `The workflow '${workflow.name}' run '${r.params.run}' could not be found.`);
    return [workflow, run];
  };
  const findTrigger = (r: ArmRequest) => {
    const workflow = find(r);
    const trigger = service.trigger(workflow, r.params.trigger!);
    if (!trigger) throw new ArmError(404, 'WorkflowTriggerNotFound', `The workflow '${workflow.name}' trigger '${r.params.trigger}' could not be found.`);
    return { workflow, name: trigger[0], trigger: trigger[1] };
  };
  const view = async (workflow: WorkflowState) => {
    await endpoint.ready();
    return workflowView(workflow, endpoint);
  };

  double.route(
    'PUT',
    new RegExp(`${WF}$`),
    async (r) => {
      if (!/^[A-Za-z0-9_\-().]{1,80}$/.test(r.params.wf!)) {
        throw new ArmError(400, 'InvalidResourceName', `The resource name '${r.params.wf}' is invalid. The name can be up to 80 characters long. It can contain alphanumeric characters, hyphens, underscores, periods, and parenthesis.`);
      }
      const { workflow, created } = service.put(r.params.rg!, r.params.wf!, r.body);
      return { status: created ? 201 : 200, body: await view(workflow) };
    },
    { operation: 'Workflows_CreateOrUpdate', action: `${ACTION}/write` },
  );
  double.route('GET', new RegExp(`${WF}$`), async (r) => ({ status: 200, body: await view(find(r)) }), { operation: 'Workflows_Get', action: `${ACTION}/read` });
  double.route(
    'DELETE',
    new RegExp(`${WF}$`),
    (r) => {
      const workflow = service.get(r.params.rg!, r.params.wf!);
      if (!workflow) return { status: 204 };
      service.delete(workflow);
      return { status: 200 };
    },
    { operation: 'Workflows_Delete', action: `${ACTION}/delete` },
  );
  // Workflows - Disable / Enable: POST, 200 with no body; the state shows in the next GET.
  for (const [verb, state] of [['disable', 'Disabled'], ['enable', 'Enabled']] as const) {
    double.route(
      'POST',
      new RegExp(`${WF}/${verb}$`),
      (r) => {
        find(r).state = state;
        return { status: 200 };
      },
      { operation: `Workflows_${verb === 'disable' ? 'Disable' : 'Enable'}`, action: `${ACTION}/${verb}/action` },
    );
  }
  const list = async (filter: (w: WorkflowState) => boolean) => {
    await endpoint.ready();
    return { status: 200, body: { value: [...service.workflows.values()].filter(filter).map((w) => workflowView(w, endpoint)) } };
  };
  double.route('GET', new RegExp(`^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/${NS}/workflows$`), (r) => list((w) => w.resourceGroup.toLowerCase() === r.params.rg!.toLowerCase()), {
    operation: 'Workflows_ListByResourceGroup',
    action: `${ACTION}/read`,
  });
  double.route('GET', new RegExp(`^/subscriptions/(?<sub>[^/]+)/${NS}/workflows$`), () => list(() => true), { operation: 'Workflows_ListBySubscription', action: `${ACTION}/read` });

  double.route(
    'GET',
    new RegExp(`${WF}/triggers$`),
    (r) => {
      const workflow = find(r);
      return { status: 200, body: { value: Object.entries(workflow.definition.triggers ?? {}).map(([name, t]) => triggerView(workflow, name, t)) } };
    },
    { operation: 'WorkflowTriggers_List', action: `${ACTION}/triggers/read` },
  );
  double.route(
    'GET',
    new RegExp(`${WF}/triggers/(?<trigger>[^/]+)$`),
    (r) => {
      const { workflow, name, trigger } = findTrigger(r);
      return { status: 200, body: triggerView(workflow, name, trigger) };
    },
    { operation: 'WorkflowTriggers_Get', action: `${ACTION}/triggers/read` },
  );
  double.route(
    'POST',
    new RegExp(`${WF}/triggers/(?<trigger>[^/]+)/listCallbackUrl$`),
    async (r) => {
      const { workflow, name, trigger } = findTrigger(r);
      if (trigger.type.toLowerCase() !== 'request') {
        // Double's wording: only a Request trigger has a callback URL.
        throw new ArmError(400, 'WorkflowTriggerCallbackUrlNotSupported', `The workflow trigger '${name}' of type '${trigger.type}' has no callback URL: only triggers of type 'Request' have one.`);
      }
      await endpoint.ready();
      const inputs = isObject(trigger.inputs) ? trigger.inputs : {};
      const method = typeof inputs.method === 'string' ? inputs.method.toUpperCase() : 'POST';
      return { status: 200, body: endpoint.callbackUrl(workflow, name, method, typeof inputs.relativePath === 'string' ? inputs.relativePath : undefined) };
    },
    { operation: 'WorkflowTriggers_ListCallbackUrl', action: `${ACTION}/triggers/listCallbackUrl/action` },
  );
  double.route(
    'POST',
    new RegExp(`${WF}/triggers/(?<trigger>[^/]+)/run$`),
    (r) => {
      const { workflow, name, trigger } = findTrigger(r);
      if (trigger.type.toLowerCase() === 'request') {
        // Double's wording: a Request trigger fires when its callback URL is called.
        throw new ArmError(400, 'WorkflowTriggerRunNotSupported', `The workflow trigger '${name}' of type 'Request' runs when its callback URL is called; use listCallbackUrl.`);
      }
      const run = service.startRun(workflow, { name, type: trigger.type, outputs: {}, scheduledTime: new Date().toISOString() }, false);
      return { status: 202, headers: { 'x-ms-workflow-run-id': run.name } };
    },
    { operation: 'WorkflowTriggers_Run', action: `${ACTION}/triggers/run/action` },
  );

  double.route(
    'GET',
    new RegExp(`${WF}/runs$`),
    async (r) => {
      const workflow = find(r);
      await endpoint.ready();
      let runs = [...workflow.runs.values()].sort((a, b) => Date.parse(b.record.startTime) - Date.parse(a.record.startTime) || a.name.localeCompare(b.name));
      const status = /^\s*status\s+eq\s+'([^']+)'\s*$/i.exec(r.query.get('$filter') ?? '')?.[1];
      if (status) runs = runs.filter((e) => e.record.status.toLowerCase() === status.toLowerCase());
      const top = Number(r.query.get('$top') ?? NaN);
      if (Number.isInteger(top) && top > 0) runs = runs.slice(0, top);
      return { status: 200, body: { value: runs.map((e) => runView(workflow, e, endpoint)) } };
    },
    { operation: 'WorkflowRuns_List', action: `${ACTION}/runs/read` },
  );
  double.route(
    'GET',
    new RegExp(`${WF}/runs/(?<run>[^/]+)$`),
    async (r) => {
      const [workflow, run] = findRun(r);
      await endpoint.ready();
      return { status: 200, body: runView(workflow, run, endpoint) };
    },
    { operation: 'WorkflowRuns_Get', action: `${ACTION}/runs/read` },
  );
  double.route(
    'POST',
    new RegExp(`${WF}/runs/(?<run>[^/]+)/cancel$`),
    (r) => {
      const [, run] = findRun(r);
      if (run.ended) {
        // Double's wording: only a running run can be cancelled.
        throw new ArmError(409, 'WorkflowRunCannotBeCancelled', `The workflow run '${run.name}' cannot be cancelled: its status is '${run.record.status}'.`);
      }
      run.handle.cancel();
      return { status: 200 };
    },
    { operation: 'WorkflowRuns_Cancel', action: `${ACTION}/runs/cancel/action` },
  );
  double.route(
    'GET',
    new RegExp(`${WF}/runs/(?<run>[^/]+)/actions$`),
    async (r) => {
      const [workflow, run] = findRun(r);
      await endpoint.ready();
      let records = [...run.record.actions.values()].sort((a, b) => a.name.localeCompare(b.name));
      const status = /^\s*status\s+eq\s+'([^']+)'\s*$/i.exec(r.query.get('$filter') ?? '')?.[1];
      if (status) records = records.filter((a) => a.status.toLowerCase() === status.toLowerCase());
      const top = Number(r.query.get('$top') ?? NaN);
      if (Number.isInteger(top) && top > 0) records = records.slice(0, top);
      return { status: 200, body: { value: records.map((a) => runActionView(workflow, run, a, endpoint)) } };
    },
    { operation: 'WorkflowRunActions_List', action: `${ACTION}/runs/actions/read` },
  );
  double.route(
    'GET',
    new RegExp(`${WF}/runs/(?<run>[^/]+)/actions/(?<action>[^/]+)$`),
    async (r) => {
      const [workflow, run] = findRun(r);
      const record = run.record.actions.get(r.params.action!);
      if (!record) throw new ArmError(404, 'WorkflowRunActionNotFound', `The workflow '${workflow.name}' run '${run.name}' action '${r.params.action}' could not be found.`);
      await endpoint.ready();
      return { status: 200, body: runActionView(workflow, run, record, endpoint) };
    },
    { operation: 'WorkflowRunActions_Get', action: `${ACTION}/runs/actions/read` },
  );
}

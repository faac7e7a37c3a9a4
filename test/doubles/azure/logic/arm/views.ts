import type { TriggerDefinition } from '../definition';
import type { ActionRecord } from '../engine/records';
import { visibleParameters } from '../validate';
import type { LogicEndpoint } from './endpoint';
import type { RunEntry, WorkflowState } from './service';

/** The JSON bodies Microsoft.Logic 2019-05-01 answers with (shapes of the REST spec's examples). */

const versionRef = (workflow: WorkflowState, version: string) => ({
  id: `${workflow.id}/versions/${version}`,
  name: version,
  type: 'Microsoft.Logic/workflows/versions',
});

export function workflowView(workflow: WorkflowState, endpoint: LogicEndpoint): Record<string, unknown> {
  const loopback = [{ address: '127.0.0.1' }];
  return {
    properties: {
      provisioningState: 'Succeeded',
      createdTime: workflow.createdTime,
      changedTime: workflow.changedTime,
      state: workflow.state,
      version: workflow.version,
      accessEndpoint: `${endpoint.url}workflows/${workflow.workflowId}`,
      endpointsConfiguration: { workflow: { outgoingIpAddresses: loopback, accessEndpointIpAddresses: loopback }, connector: { outgoingIpAddresses: loopback } },
      definition: workflow.definition,
      parameters: visibleParameters(workflow.definition, workflow.parameters),
    },
    ...(workflow.identity ? { identity: { type: 'SystemAssigned', principalId: workflow.identity.principalId, tenantId: workflow.identity.tenantId } } : {}),
    id: workflow.id,
    name: workflow.name,
    type: 'Microsoft.Logic/workflows',
    location: workflow.location,
    tags: workflow.tags,
  };
}

export function triggerView(workflow: WorkflowState, name: string, trigger: TriggerDefinition): Record<string, unknown> {
  return {
    properties: {
      provisioningState: 'Succeeded',
      createdTime: workflow.createdTime,
      changedTime: workflow.changedTime,
      state: 'Enabled',
      ...(workflow.lastExecutionTime ? { lastExecutionTime: workflow.lastExecutionTime } : {}),
      ...(trigger.recurrence ? { recurrence: trigger.recurrence } : {}),
      workflow: versionRef(workflow, workflow.version),
    },
    id: `${workflow.id}/triggers/${name}`,
    name,
    type: 'Microsoft.Logic/workflows/triggers',
  };
}

export function runView(workflow: WorkflowState, run: RunEntry, endpoint: LogicEndpoint): Record<string, unknown> {
  const r = run.record;
  const t = r.trigger;
  return {
    properties: {
      waitEndTime: r.startTime,
      startTime: r.startTime,
      ...(r.endTime ? { endTime: r.endTime } : {}),
      status: r.status,
      ...(r.code ? { code: r.code } : {}),
      ...(r.error ? { error: r.error } : {}),
      correlation: { clientTrackingId: r.name },
      workflow: versionRef(workflow, run.version),
      trigger: {
        name: t.name,
        outputsLink: endpoint.contentLink(workflow, r.name, t.outputs, 'TriggerOutputs'),
        startTime: t.startTime,
        endTime: t.endTime,
        ...(t.scheduledTime ? { scheduledTime: t.scheduledTime } : {}),
        trackingId: t.trackingId,
        correlation: { clientTrackingId: r.name },
        code: t.code,
        status: t.status,
      },
      outputs: {},
    },
    id: `${workflow.id}/runs/${r.name}`,
    name: r.name,
    type: 'Microsoft.Logic/workflows/runs',
  };
}

/**
 * One action of a run's history. Its inputs and outputs are links to content on the workflow
 * endpoint, except what `runtimeConfiguration.secureData.properties` secures: the service leaves
 * those links out of run history.
 */
export function runActionView(workflow: WorkflowState, run: RunEntry, record: ActionRecord, endpoint: LogicEndpoint): Record<string, unknown> {
  const links: Record<string, unknown> = {};
  if (record.inputs !== undefined && !record.secure.inputs) links.inputsLink = endpoint.contentLink(workflow, run.name, record.inputs, 'ActionInputs', record.name);
  if (record.outputs !== undefined && !record.secure.outputs) links.outputsLink = endpoint.contentLink(workflow, run.name, record.outputs, 'ActionOutputs', record.name);
  return {
    properties: {
      ...links,
      startTime: record.startTime,
      ...(record.endTime ? { endTime: record.endTime } : {}),
      correlation: { actionTrackingId: record.actionTrackingId, clientTrackingId: run.name },
      status: record.status,
      ...(record.code ? { code: record.code } : {}),
      ...(record.error ? { error: record.error } : {}),
      trackingId: record.trackingId,
      ...(record.retryHistory ? { retryHistory: record.retryHistory } : {}),
    },
    id: `${workflow.id}/runs/${run.name}/actions/${record.name}`,
    name: record.name,
    type: 'Microsoft.Logic/workflows/runs/actions',
  };
}

import type { ContainerGroupBody } from './containerGroup';
import { RESULT_MARK } from './containerGroup';
import { ACI_API_VERSION, CONTAINER_NAME } from './names';
import type { Recurrence } from './recurrence';

/**
 * The Logic App's workflow definition (schema 2016-06-01), as data: the seeds' six steps drawn in
 * the designer, in code.
 *
 *   trigger (HTTP request, or a recurrence)
 *   Run (scope): Create_container_group → Wait_for_container_group (until Succeeded/Failed) → Get_logs
 *   Delete_container_group, after Run whatever happened (so nothing bills while idle)
 *   Answer_request (only for an HTTP run): the handler's result, or why there is none
 *
 * Each run gets its own group, named from the run's id. Every call to ARM is a built-in `Http`
 * action under the workflow's system-assigned identity (no connector, no interactive consent).
 * The container group body is inputs of one action whose inputs are secured, so the registry
 * password (a SecureString parameter) and the payload never show in the run history.
 */

export const SCHEMA_2016_06_01 = 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#';
/** The Request trigger's name: `listCallbackUrl` and the If below name it. */
export const REQUEST_TRIGGER = 'manual';
export const RECURRENCE_TRIGGER = 'Recurrence';
/** Seconds between two looks at the group's state. */
export const POLL_SECONDS = 10;

/** Every status an action can end in: what the delete and the answer run after. */
const ANY_END = ['Succeeded', 'Failed', 'Skipped', 'TimedOut'];

/** The run's container group name, as an expression. */
const GROUP_NAME = "concat(parameters('groupPrefix'), toLower(workflow()['run']['name']))";
const groupUri = (suffix = '') => `@{parameters('containerGroups')}@{${GROUP_NAME}}${suffix}?api-version=${ACI_API_VERSION}`;
const MSI = { type: 'ManagedServiceIdentity', audience: "@parameters('armAudience')" };

/** The payload a run hands the container: the request's body, or the schedule's payload. */
export const PAYLOAD_EXPRESSION = `@{if(equals(trigger()?['name'], '${REQUEST_TRIGGER}'), string(triggerBody()), string(parameters('schedulePayload')))}`;
/** The group's tag naming the run that made it (so a leftover group can be traced to its run). */
export const RUN_TAG = 'rdeploy-run';
export const RUN_TAG_EXPRESSION = "@{workflow()['run']['name']}";

const STATE = "body('Get_container_group')?['properties']?['instanceView']?['state']";
const LOGS = "coalesce(actions('Get_logs')?['outputs']?['body']?['content'], '')";
const EXIT_CODE = "body('Get_container_group')?['properties']?['containers'][0]?['properties']?['instanceView']?['currentState']?['exitCode']";

export interface WorkflowParameters {
  /** …/resourceGroups/RG/providers/Microsoft.ContainerInstance/containerGroups/ on the cloud's ARM endpoint. */
  containerGroups: string;
  /** The token audience for ARM in this cloud. */
  armAudience: string;
  groupPrefix: string;
  schedulePayload: unknown;
  /** Present when the registry needs a password; its value is set at deploy and never shown. */
  registryPassword?: string;
}

export interface WorkflowDefinitionInput {
  containerGroup: ContainerGroupBody;
  recurrence?: Recurrence;
  timeoutMinutes: number;
  withRegistryPassword: boolean;
}

export function workflowDefinition(input: WorkflowDefinitionInput): Record<string, unknown> {
  const { timeoutMinutes } = input;
  return {
    $schema: SCHEMA_2016_06_01,
    contentVersion: '1.0.0.0',
    parameters: {
      containerGroups: { type: 'String' },
      armAudience: { type: 'String' },
      groupPrefix: { type: 'String' },
      schedulePayload: { type: 'Object', defaultValue: {} },
      ...(input.withRegistryPassword ? { registryPassword: { type: 'SecureString' } } : {}),
    },
    triggers: {
      [REQUEST_TRIGGER]: { type: 'Request', kind: 'Http', inputs: { method: 'POST', schema: {} } },
      ...(input.recurrence ? { [RECURRENCE_TRIGGER]: { type: 'Recurrence', recurrence: input.recurrence } } : {}),
    },
    actions: {
      Run: {
        type: 'Scope',
        actions: {
          Create_container_group: {
            type: 'Http',
            inputs: { method: 'PUT', uri: groupUri(), body: input.containerGroup, authentication: MSI },
            runtimeConfiguration: { secureData: { properties: ['inputs'] } },
          },
          Wait_for_container_group: {
            type: 'Until',
            expression: `@or(equals(${STATE}, 'Succeeded'), equals(${STATE}, 'Failed'))`,
            // The timeout ends the wait; the count only has to be out of its way (5,000 at most).
            limit: { count: Math.min(5_000, Math.ceil((timeoutMinutes * 60) / POLL_SECONDS) + 10), timeout: `PT${timeoutMinutes}M` },
            actions: {
              Delay: { type: 'Wait', inputs: { interval: { count: POLL_SECONDS, unit: 'Second' } } },
              Get_container_group: { type: 'Http', inputs: { method: 'GET', uri: groupUri(), authentication: MSI }, runAfter: { Delay: ['Succeeded'] } },
            },
            runAfter: { Create_container_group: ['Succeeded'] },
          },
          Get_logs: {
            type: 'Http',
            inputs: { method: 'GET', uri: groupUri(`/containers/${CONTAINER_NAME}/logs`), authentication: MSI },
            runAfter: { Wait_for_container_group: ['Succeeded'] },
          },
        },
      },
      Delete_container_group: {
        type: 'Http',
        inputs: { method: 'DELETE', uri: groupUri(), authentication: MSI },
        runAfter: { Run: ANY_END },
      },
      Answer_request: {
        type: 'If',
        expression: `@equals(trigger()?['name'], '${REQUEST_TRIGGER}')`,
        actions: {
          Has_result: {
            type: 'If',
            expression: `@contains(${LOGS}, '${RESULT_MARK}')`,
            actions: {
              Respond_with_result: {
                type: 'Response',
                kind: 'Http',
                inputs: {
                  statusCode: `@if(equals(${EXIT_CODE}, 0), 200, 500)`,
                  headers: { 'Content-Type': 'application/json' },
                  body: `@json(base64ToString(first(split(last(split(${LOGS}, '${RESULT_MARK}')), ']'))))`,
                },
                operationOptions: 'Asynchronous',
              },
            },
            else: {
              actions: {
                Respond_without_result: {
                  type: 'Response',
                  kind: 'Http',
                  inputs: {
                    statusCode: 502,
                    headers: { 'Content-Type': 'application/json' },
                    body: {
                      errorType: 'RunFailed',
                      errorMessage: "The run @{workflow()['run']['name']} ended without a result: the container group could not be created, the container failed before R answered, or the run timed out. `rdeploy logs` shows the run.",
                    },
                  },
                  operationOptions: 'Asynchronous',
                },
              },
            },
          },
        },
        runAfter: { Delete_container_group: ANY_END },
      },
    },
    outputs: {},
  };
}

/** Built-in action executions of one run that polls `polls` times (what Logic Apps bills). */
export function actionsPerRun(polls: number): number {
  // trigger, Run, Create, Until, Get_logs, Delete, Answer_request, Has_result, Respond + 2 per poll.
  return 9 + 2 * Math.max(1, polls);
}

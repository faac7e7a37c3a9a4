import type { ContainerGroupBody } from './containerGroup';
import { RESULT_MARK } from './containerGroup';
import { ACI_API_VERSION, CONTAINER_NAME } from './names';
import type { Recurrence } from './recurrence';

/**
 * The Logic App's workflow definition (schema 2016-06-01), as data: the seeds' six steps drawn in
 * the designer, in code.
 *
 *   trigger: an HTTP request (the payload is its body)
 *   Run (scope): Create_container_group → Wait_for_container_group (until it ended) → Get_logs
 *   then, whatever happened in Run:
 *     Has_result: the handler's result, or why there is none (asynchronous: 202, then the answer)
 *     Delete_container_group, whatever happened in the answer too (so nothing bills while idle)
 *
 * Each run gets its own group, named from the run's id. Every call to ARM is a built-in `Http`
 * action under the workflow's system-assigned identity (no connector, no interactive consent).
 * The container group body is the input of one action whose inputs are secured, so the registry
 * password (a SecureString parameter) never shows in the run history. The payload does, as the
 * trigger's output, and so do the logs Get_logs collected: they are what `rdeploy logs` reads.
 *
 * A schedule is a second, tiny workflow (scheduleDefinition): the service refuses a Response
 * action in a workflow that has a Recurrence trigger, so the recurrence calls this one's HTTP
 * trigger through the built-in Workflow action, with the schedule's payload as the body.
 */

export const SCHEMA_2016_06_01 = 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#';
/** The Request trigger's name: `listCallbackUrl` and the If below name it. */
export const REQUEST_TRIGGER = 'manual';
export const RECURRENCE_TRIGGER = 'Recurrence';
/** Seconds between two looks at the group's state, unless the timeout needs longer steps (see pollSeconds). */
export const POLL_SECONDS = 10;
/** An Until runs at most 5,000 times; a few are kept spare so the timeout, not the count, ends the wait. */
const UNTIL_MAX = 5_000;

/** Seconds between two looks: 10, or longer when 5,000 looks would not cover the timeout. */
export const pollSeconds = (timeoutMinutes: number): number => Math.max(POLL_SECONDS, Math.ceil((timeoutMinutes * 60) / (UNTIL_MAX - 10)));

/** Every status an action can end in: what the delete and the answer run after (a new array each time: no action shares another's). */
const anyEnd = () => ['Succeeded', 'Failed', 'Skipped', 'TimedOut'];

/** The run's container group name, as an expression. */
const GROUP_NAME = "concat(parameters('groupPrefix'), toLower(workflow()['run']['name']))";
const groupUri = (suffix = '') => `@{parameters('containerGroups')}@{${GROUP_NAME}}${suffix}?api-version=${ACI_API_VERSION}`;
const msi = () => ({ type: 'ManagedServiceIdentity', audience: "@parameters('armAudience')" });

/** The payload a run hands the container: the request's body, as JSON text. */
export const PAYLOAD_EXPRESSION = '@{string(triggerBody())}';
/** The group's tag naming the run that made it (so a leftover group can be traced to its run). */
export const RUN_TAG = 'rdeploy-run';
export const RUN_TAG_EXPRESSION = "@{workflow()['run']['name']}";

const GROUP = "body('Get_container_group')?['properties']";
/** The wait ends when the group ran to its end, was stopped, or could not be provisioned (an image that cannot be pulled). */
const ENDED = `@or(equals(${GROUP}?['instanceView']?['state'], 'Succeeded'), equals(${GROUP}?['instanceView']?['state'], 'Failed'), equals(${GROUP}?['instanceView']?['state'], 'Stopped'), equals(${GROUP}?['provisioningState'], 'Failed'))`;
const LOGS = "coalesce(actions('Get_logs')?['outputs']?['body']?['content'], '')";
const EXIT_CODE = `${GROUP}?['containers']?[0]?['properties']?['instanceView']?['currentState']?['exitCode']`;

export interface WorkflowParameters {
  /** …/resourceGroups/RG/providers/Microsoft.ContainerInstance/containerGroups/ on the cloud's ARM endpoint. */
  containerGroups: string;
  /** The token audience for ARM in this cloud. */
  armAudience: string;
  groupPrefix: string;
  /** Present when the registry needs a password; its value is set at deploy and never shown. */
  registryPassword?: string;
}

export interface WorkflowDefinitionInput {
  containerGroup: ContainerGroupBody;
  timeoutMinutes: number;
  withRegistryPassword: boolean;
}

export function workflowDefinition(input: WorkflowDefinitionInput): Record<string, unknown> {
  const { timeoutMinutes } = input;
  const poll = pollSeconds(timeoutMinutes);
  return {
    $schema: SCHEMA_2016_06_01,
    contentVersion: '1.0.0.0',
    parameters: {
      containerGroups: { type: 'String' },
      armAudience: { type: 'String' },
      groupPrefix: { type: 'String' },
      ...(input.withRegistryPassword ? { registryPassword: { type: 'SecureString' } } : {}),
    },
    triggers: {
      [REQUEST_TRIGGER]: { type: 'Request', kind: 'Http', inputs: { method: 'POST', schema: {} } },
    },
    actions: {
      Run: {
        type: 'Scope',
        actions: {
          Create_container_group: {
            type: 'Http',
            inputs: { method: 'PUT', uri: groupUri(), body: input.containerGroup, authentication: msi() },
            runtimeConfiguration: { secureData: { properties: ['inputs'] } },
          },
          Wait_for_container_group: {
            type: 'Until',
            expression: ENDED,
            // The timeout ends the wait; the count only has to be out of its way (5,000 at most).
            limit: { count: Math.min(UNTIL_MAX, Math.ceil((timeoutMinutes * 60) / poll) + 10), timeout: `PT${timeoutMinutes}M` },
            actions: {
              Delay: { type: 'Wait', inputs: { interval: { count: poll, unit: 'Second' } } },
              Get_container_group: { type: 'Http', inputs: { method: 'GET', uri: groupUri(), authentication: msi() }, runAfter: { Delay: ['Succeeded'] } },
            },
            runAfter: { Create_container_group: ['Succeeded'] },
          },
          Get_logs: {
            type: 'Http',
            inputs: { method: 'GET', uri: groupUri(`/containers/${CONTAINER_NAME}/logs`), authentication: msi() },
            runAfter: { Wait_for_container_group: ['Succeeded'] },
          },
        },
      },
      // Answered before the delete (the caller need not wait for ARM to remove the group), and not beside
      // it: the service allows a Response anywhere but in loops and parallel branches.
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
        runAfter: { Run: anyEnd() },
      },
      Delete_container_group: {
        type: 'Http',
        inputs: { method: 'DELETE', uri: groupUri(), authentication: msi() },
        runAfter: { Has_result: anyEnd() },
      },
    },
    outputs: {},
  };
}

/**
 * The scheduler workflow: a Recurrence that calls the main workflow's HTTP trigger through the
 * built-in Workflow action (no identity or role needed), with the schedule's payload as the body.
 */
export function scheduleDefinition(recurrence: Recurrence, mainWorkflowId: string): Record<string, unknown> {
  return {
    $schema: SCHEMA_2016_06_01,
    contentVersion: '1.0.0.0',
    // JSON text, parsed when the call is made: a payload may be any JSON value (rows as an array, a string), and a parameter has one type.
    parameters: { schedulePayload: { type: 'String', defaultValue: '{}' } },
    triggers: { [RECURRENCE_TRIGGER]: { type: 'Recurrence', recurrence } },
    actions: {
      // No retries: a failed run answers 500 or 502, and each retry would start (and bill) another container group.
      Run_model: { type: 'Workflow', inputs: { host: { triggerName: REQUEST_TRIGGER, workflow: { id: mainWorkflowId } }, body: "@json(parameters('schedulePayload'))", retryPolicy: { type: 'none' } } },
    },
    outputs: {},
  };
}

/** Built-in action executions of one run that polls `polls` times (what Logic Apps bills); a scheduled run adds the scheduler's trigger and its call. */
export function actionsPerRun(polls: number, scheduled = false): number {
  // trigger, Run, Create, Until, Get_logs, Delete, Has_result, Respond + 2 per poll.
  return 8 + 2 * Math.max(1, polls) + (scheduled ? 2 : 0);
}

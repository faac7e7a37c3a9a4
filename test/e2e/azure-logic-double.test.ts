// The Logic Apps double end to end on the real Docker engine: R Deploy's workflow definition
// (src/targets/aci/workflow.ts) saved through the real LogicManagementClient, invoked through its
// callback URL, interpreted by the double — its HTTP actions are real HTTPS requests to the ARM
// double under the workflow's managed identity — so the ACI double runs the container group as a
// real container, the workflow reads its logs, deletes the group and answers through the
// asynchronous response's polling URL. A schedule is a second workflow whose Recurrence calls the
// first through the built-in Workflow action (fired here as its schedule would). The container is
// the local R base image with a shell command standing in for the runtime's job mode (same result
// frame). Needs Docker and the base image (scripts/setup.sh builds it).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import type { LogicManagementClient, WorkflowRunAction } from '@azure/arm-logic';
import { ArmDouble } from '../doubles/azure';
import { containerGroupBody, RESULT_MARK } from '../../src/targets/aci/containerGroup';
import { RUNNER_ROLE } from '../../src/targets/aci/names';
import { PAYLOAD_EXPRESSION, RUN_TAG, RUN_TAG_EXPRESSION, workflowDefinition } from '../../src/targets/aci/workflow';
import { doubleCredential, doubleClientOptions } from '../doubles/azure/clients';

const IMAGE = process.env.RDEPLOY_TEST_BASE_IMAGE ?? 'rdeploy-test/r-base:bookworm';
const RG = 'rg-e2e';
const LABEL = `logic-e2e-${process.pid}`;

const loadLogic = () => import('@azure/arm-logic');
let sdk: Awaited<ReturnType<typeof loadLogic>>;
let docker: Docker;
beforeAll(async () => {
  sdk = await loadLogic();
  const { default: DockerCtor } = await import('dockerode');
  docker = new DockerCtor();
  await docker.getImage(IMAGE).inspect(); // fails the file at once when the base image is missing
});

const open: ArmDouble[] = [];
afterEach(async () => {
  for (const arm of open.splice(0)) await arm.stop();
});

/** A job that echoes its payload as the runtime's job mode frames a result, then exits with `exit`. */
function job(exit: number, withResult: boolean): string[] {
  const frame = withResult ? `printf '${RESULT_MARK}%s]\\n' "$(printf '{"echo":%s}' "$RDEPLOY_PAYLOAD" | base64 -w0)"; ` : '';
  return ['sh', '-c', `echo "job starting"; ${frame}echo "job done"; exit ${exit}`];
}

async function setup(command: string[]) {
  const arm = await ArmDouble.start({ resourceGroups: [RG], allowLocalImages: true, label: LABEL });
  const logic = arm.logic;
  open.push(arm);
  const credential = doubleCredential(arm);
  const client: LogicManagementClient = new sdk.LogicManagementClient(credential, arm.subscriptionId, doubleClientOptions(arm));
  const group = containerGroupBody({ location: 'westeurope', tags: { [RUN_TAG]: RUN_TAG_EXPRESSION }, image: IMAGE, cpu: 1, memoryGb: 1, payload: PAYLOAD_EXPRESSION });
  group.properties.containers[0]!.properties.command = command;
  const rgId = `/subscriptions/${arm.subscriptionId}/resourceGroups/${RG}`;
  const created = await client.workflows.createOrUpdate(RG, 'rdeploy-e2e', {
    location: 'westeurope',
    identity: { type: 'SystemAssigned' },
    state: 'Enabled',
    definition: workflowDefinition({ containerGroup: group, timeoutMinutes: 10, withRegistryPassword: false }),
    parameters: {
      containerGroups: { value: `${arm.url}${rgId.slice(1)}/providers/Microsoft.ContainerInstance/containerGroups/` },
      armAudience: { value: arm.url },
      groupPrefix: { value: 'rd-e2e-' },
    },
  });
  const principal = created.identity!.principalId!;
  arm.assignRole(principal, RUNNER_ROLE, rgId);
  const callback = (await client.workflowTriggers.listCallbackUrl(RG, 'rdeploy-e2e', 'manual')).value!;
  return { arm, logic, client, principal, callback, workflowId: created.id! };
}

/** R Deploy's scheduler workflow: a Recurrence that calls the main workflow's Request trigger with the schedule's payload. */
function schedulerDefinition(mainWorkflowId: string): Record<string, unknown> {
  return {
    $schema: 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
    contentVersion: '1.0.0.0',
    parameters: { schedulePayload: { type: 'Object', defaultValue: {} } },
    triggers: { Recurrence: { type: 'Recurrence', recurrence: { frequency: 'Day', interval: 1, timeZone: 'UTC', schedule: { hours: ['2'], minutes: [0] } } } },
    actions: {
      Run_model: { type: 'Workflow', inputs: { host: { triggerName: 'manual', workflow: { id: mainWorkflowId } }, body: "@parameters('schedulePayload')" } },
    },
    outputs: {},
  };
}

/** POSTs to the callback URL and follows the 202 + Location polling to the final answer (bounded). */
async function invoke(callback: string, payload: unknown) {
  const first = await fetch(callback, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload) });
  expect(first.status).toBe(202);
  const run = first.headers.get('x-ms-workflow-run-id')!;
  const location = first.headers.get('location')!;
  const deadline = Date.now() + 120_000;
  let polls = 0;
  for (;;) {
    const res = await fetch(location);
    polls++;
    if (res.status !== 202) return { run, polls, status: res.status, headers: res.headers, body: (await res.json()) as unknown };
    await res.arrayBuffer();
    if (Date.now() > deadline) throw new Error(`run ${run} still pending after 120 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function leftovers(): Promise<number> {
  return (await docker.listContainers({ all: true, filters: { label: [`rdeploy-azure-double=${LABEL}`] } })).length;
}

describe('Logic Apps double with Container Instances on Docker', () => {
  it('runs the job in a container group made for the run, answers with its result, deletes the group', async () => {
    const { arm, logic, client, principal, callback } = await setup(job(0, true));
    const answer = await invoke(callback, { n: 21 });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ echo: { n: 21 } });
    expect(answer.headers.get('x-ms-workflow-run-id')).toBe(answer.run);
    expect(answer.polls).toBeGreaterThan(1);

    const record = await logic.waitForRun('rdeploy-e2e', answer.run);
    expect(record.status).toBe('Succeeded');
    const history: WorkflowRunAction[] = await all(client.workflowRunActions.list(RG, 'rdeploy-e2e', answer.run));
    const actions = Object.fromEntries(history.map((a) => [a.name!, a]));
    expect(Object.fromEntries(Object.entries(actions).map(([n, a]) => [n, a.status]))).toMatchObject({
      Run: 'Succeeded',
      Create_container_group: 'Succeeded',
      Wait_for_container_group: 'Succeeded',
      Get_logs: 'Succeeded',
      Delete_container_group: 'Succeeded',
      Respond_with_result: 'Succeeded',
      Respond_without_result: 'Skipped',
    });
    // The group body (payload, registry password) is secured: no inputs link in run history.
    expect(actions.Create_container_group!.inputsLink).toBeUndefined();
    expect(actions.Get_logs!.outputsLink?.uri).toBeDefined();

    // Every ARM call was the workflow's identity's, on the run's own group.
    const group = `rd-e2e-${answer.run.toLowerCase()}`;
    const calls = arm.calls((c) => c.principal === principal);
    expect(calls.map((c) => c.operation)).toEqual(expect.arrayContaining(['ContainerGroups_CreateOrUpdate', 'ContainerGroups_Get', 'Containers_ListLogs', 'ContainerGroups_Delete']));
    expect(arm.calls('ContainerGroups_CreateOrUpdate').map((c) => c.path.split('/').pop())).toEqual([group]);
    const put = arm.calls('ContainerGroups_CreateOrUpdate')[0]!.body as { tags: Record<string, string> };
    expect(put.tags[RUN_TAG]).toBe(answer.run);
    expect(arm.containerGroups()).toEqual([]);
    expect(await leftovers()).toBe(0);
  });

  it('runs the job on schedule: the scheduler workflow calls the main one, which shows the run in its history', async () => {
    const { arm, logic, client, workflowId } = await setup(job(0, true));
    await client.workflows.createOrUpdate(RG, 'rdeploy-e2e-schedule', {
      location: 'westeurope',
      state: 'Enabled',
      definition: schedulerDefinition(workflowId),
      parameters: { schedulePayload: { value: { n: 7 } } },
    });
    const fired = logic.fireRecurrence('rdeploy-e2e-schedule');
    const scheduled = await logic.waitForRun('rdeploy-e2e-schedule', fired);
    expect(scheduled.status).toBe('Succeeded');
    expect(scheduled.trigger.name).toBe('Recurrence');
    expect(scheduled.actions.get('Run_model')).toMatchObject({ status: 'Succeeded', code: 'OK', outputs: { statusCode: 200, body: { echo: { n: 7 } } } });

    // The main workflow's history has the run, started by its Request trigger like any request
    // run; it answered beside the delete, so it may still be deleting the group: wait for its end.
    const main = (scheduled.actions.get('Run_model')!.outputs as { headers: Record<string, string> }).headers['x-ms-workflow-run-id']!;
    await logic.waitForRun('rdeploy-e2e', main);
    const runs = await all(client.workflowRuns.list(RG, 'rdeploy-e2e'));
    expect(runs.map((r) => [r.name, r.status, r.trigger?.name])).toEqual([[main, 'Succeeded', 'manual']]);
    const actions = Object.fromEntries((await all(client.workflowRunActions.list(RG, 'rdeploy-e2e', main))).map((a) => [a.name!, a.status]));
    expect(actions).toMatchObject({ Create_container_group: 'Succeeded', Get_logs: 'Succeeded', Delete_container_group: 'Succeeded', Respond_with_result: 'Succeeded' });
    expect(arm.calls('ContainerGroups_CreateOrUpdate').map((c) => c.path.split('/').pop())).toEqual([`rd-e2e-${main.toLowerCase()}`]);
    expect(arm.containerGroups()).toEqual([]);
    expect(await leftovers()).toBe(0);
  });

  it('answers 502 RunFailed when the job ends without a result, and still deletes the group', async () => {
    const { arm, logic, callback } = await setup(job(3, false));
    const answer = await invoke(callback, { n: 1 });
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ errorType: 'RunFailed' });
    const record = await logic.waitForRun('rdeploy-e2e', answer.run);
    expect(record.actions.get('Respond_without_result')?.status).toBe('Succeeded');
    expect(record.actions.get('Delete_container_group')?.status).toBe('Succeeded');
    expect(arm.containerGroups()).toEqual([]);
    expect(await leftovers()).toBe(0);
  });
});

async function all<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterator) out.push(item);
  return out;
}

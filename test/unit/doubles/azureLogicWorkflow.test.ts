// The Logic Apps double's Workflow action (a parent workflow calling a child's Request trigger)
// and ArmDouble.start() registering Logic Apps: workflows saved through the real
// @azure/arm-logic LogicManagementClient, parents fired as their Recurrence would, children run
// by the endpoint as any request run, their history read back through the client. No Docker.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LogicManagementClient, Workflow } from '@azure/arm-logic';
import { ArmDouble } from '../../doubles/azure';
import { registerLogicApps } from '../../doubles/azure/logic';
import { SCHEMA_2016_06_01 } from '../../doubles/azure/logic/definition';
import { doubleCredential, doubleClientOptions } from '../../doubles/azure/clients';

const loadLogic = () => import('@azure/arm-logic');
let sdk: Awaited<ReturnType<typeof loadLogic>>;
beforeAll(async () => {
  sdk = await loadLogic();
});

const open: ArmDouble[] = [];
afterEach(async () => {
  for (const arm of open.splice(0)) await arm.stop();
});

const RG = 'rg-test';

async function start() {
  const arm = await ArmDouble.start({ resourceGroups: [RG], timeScale: 0.005 });
  open.push(arm);
  const credential = doubleCredential(arm);
  const client: LogicManagementClient = new sdk.LogicManagementClient(credential, arm.subscriptionId, doubleClientOptions(arm));
  const idOf = (name: string) => `/subscriptions/${arm.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Logic/workflows/${name}`;
  return { arm, logic: arm.logic, client, idOf };
}

type Actions = Record<string, Record<string, unknown>>;

const workflow = (definition: Record<string, unknown>, extra: Partial<Workflow> = {}): Workflow => ({ location: 'westeurope', state: 'Enabled', definition, ...extra });

/** A child: a Request trigger named "manual", then `actions`. */
const child = (actions: Actions) => ({ $schema: SCHEMA_2016_06_01, contentVersion: '1.0.0.0', triggers: { manual: { type: 'Request', kind: 'Http', inputs: { method: 'POST', schema: {} } } }, actions, outputs: {} });

/** A parent as R Deploy's scheduler is one: a Recurrence, and a Workflow action sending the payload parameter. */
function parent(childId: string, extra: { inputs?: Record<string, unknown>; after?: Actions; triggerName?: string } = {}) {
  return {
    $schema: SCHEMA_2016_06_01,
    contentVersion: '1.0.0.0',
    parameters: { schedulePayload: { type: 'Object', defaultValue: {} } },
    triggers: { Recurrence: { type: 'Recurrence', recurrence: { frequency: 'Day', interval: 1, timeZone: 'UTC', schedule: { hours: ['2'], minutes: [0] } } } },
    actions: {
      Run_model: { type: 'Workflow', inputs: { host: { triggerName: extra.triggerName ?? 'manual', workflow: { id: childId } }, body: "@parameters('schedulePayload')", ...extra.inputs } },
      ...extra.after,
    },
    outputs: {},
  };
}

const payload = { schedulePayload: { value: { n: 21 } } };

async function failure(call: Promise<unknown>): Promise<Error & { statusCode?: number; code?: string }> {
  try {
    await call;
  } catch (e) {
    return e as Error & { statusCode?: number; code?: string };
  }
  throw new Error('expected the call to fail');
}

async function all<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterator) out.push(item);
  return out;
}

describe('the Workflow action on save', () => {
  it("accepts R Deploy's scheduler shape and refuses one without its host, in the service's words", async () => {
    const { client, idOf } = await start();
    const saved = await client.workflows.createOrUpdate(RG, 'sched', workflow(parent(idOf('main')), { parameters: payload }));
    expect(saved.definition).toMatchObject({ actions: { Run_model: { type: 'Workflow' } } });

    const noTrigger = await failure(client.workflows.createOrUpdate(RG, 'bad', workflow(parent(idOf('main'), { triggerName: '' }))));
    expect(noTrigger.code).toBe('InvalidTemplate');
    expect(noTrigger.message).toMatch(
      /^The template validation failed: 'The template action 'Run_model' at line '1' and column '\d+' is not valid: "The 'inputs' of workflow run action 'Run_model' of type 'Workflow' are not valid: the 'host\.triggerName' property is required\."\.'\.$/,
    );
    const notAnId = await failure(client.workflows.createOrUpdate(RG, 'bad', workflow(parent('rdeploy-main'))));
    expect(notAnId.message).toContain("The workflow id 'rdeploy-main' of action 'Run_model' is not valid");
    // A child that does not exist yet is no reason to refuse the parent: it is looked up when the action runs.
    expect((await client.workflows.createOrUpdate(RG, 'early', workflow(parent(idOf('later'))))).name).toBe('early');
  });
});

describe('the Workflow action when it runs', () => {
  it("starts a run of the child's Request trigger with the body and follows its asynchronous Response to the answer", async () => {
    const { logic, client, idOf } = await start();
    await client.workflows.createOrUpdate(
      RG,
      'main',
      workflow(
        child({
          Pause: { type: 'Wait', inputs: { interval: { count: 10, unit: 'Second' } } },
          Answer: {
            type: 'Response',
            kind: 'Http',
            inputs: { statusCode: 201, headers: { 'X-Run': '@{workflow().run.name}' }, body: { doubled: "@mul(triggerBody()?['n'], 2)", caller: "@triggerOutputs()['headers']?['x-ms-workflow-name']" } },
            operationOptions: 'Asynchronous',
            runAfter: { Pause: ['Succeeded'] },
          },
        }),
      ),
    );
    await client.workflows.createOrUpdate(
      RG,
      'sched',
      workflow(parent(idOf('main'), { after: { Use: { type: 'Compose', inputs: "@body('Run_model')?['doubled']", runAfter: { Run_model: ['Succeeded'] } } } }), { parameters: payload }),
    );

    const record = await logic.waitForRun('sched', logic.fireRecurrence('sched'));
    expect(record.status).toBe('Succeeded');
    const call = record.actions.get('Run_model')!;
    expect(call).toMatchObject({ status: 'Succeeded', code: 'Created', inputs: { host: { triggerName: 'manual', workflow: { id: idOf('main') } }, body: { n: 21 } } });
    expect(call.outputs).toMatchObject({ statusCode: 201, body: { doubled: 42, caller: 'sched' } });
    expect(record.actions.get('Use')?.outputs).toBe(42);

    // The child's run is a request run like any other, in the child's history.
    const [childRun] = logic.runs('main');
    expect(logic.runs('main')).toHaveLength(1);
    expect((call.outputs as { headers: Record<string, string> }).headers['x-run']).toBe(childRun!.name);
    const history = await all(client.workflowRuns.list(RG, 'main'));
    expect(history.map((r) => [r.name, r.status, r.trigger?.name])).toEqual([[childRun!.name, 'Succeeded', 'manual']]);
    expect(childRun!.trigger.outputs).toMatchObject({ body: { n: 21 }, headers: { 'x-ms-workflow-run-id': record.name, 'x-ms-workflow-operation-name': 'Run_model' } });
    // Through the callback URL: the trigger answered 202 + Location, the parent polled it.
    const calls = logic.endpointCalls().filter((c) => c.runName === childRun!.name);
    expect(calls[0]).toMatchObject({ operation: 'Trigger_Invoke', status: 202 });
    expect(calls.at(-1)).toMatchObject({ operation: 'Run_Poll', status: 201 });
  });

  it("fails on the child's 500 with its answer as outputs, calling it again under the default retry policy", async () => {
    const { logic, client, idOf } = await start();
    await client.workflows.createOrUpdate(RG, 'main', workflow(child({ Answer: { type: 'Response', kind: 'Http', inputs: { statusCode: 500, body: { errorType: 'RunFailed' } } } })));
    await client.workflows.createOrUpdate(RG, 'sched', workflow(parent(idOf('main')), { parameters: payload }));
    const record = await logic.waitForRun('sched', logic.fireRecurrence('sched'));
    expect(record.status).toBe('Failed');
    expect(record.actions.get('Run_model')).toMatchObject({ status: 'Failed', code: 'InternalServerError', outputs: { statusCode: 500, body: { errorType: 'RunFailed' } } });
    // Default policy: 4 retries, so the child ran 5 times (the service's "cascading" behaviour).
    expect(record.actions.get('Run_model')?.retryHistory?.map((r) => r.code)).toEqual(Array(4).fill('InternalServerError'));
    expect(logic.runs('main')).toHaveLength(5);

    await client.workflows.createOrUpdate(RG, 'once', workflow(parent(idOf('main'), { inputs: { retryPolicy: { type: 'none' } } }), { parameters: payload }));
    const once = await logic.waitForRun('once', logic.fireRecurrence('once'));
    expect(once.actions.get('Run_model')).toMatchObject({ status: 'Failed', code: 'InternalServerError', inputs: { retryPolicy: { type: 'none' } } });
    expect(logic.runs('main')).toHaveLength(6);
  });

  it('fails on 502 NoResponse when the child ends without answering its asynchronous Response', async () => {
    const { logic, client, idOf } = await start();
    await client.workflows.createOrUpdate(
      RG,
      'main',
      workflow(
        child({
          Fail: { type: 'Compose', inputs: "@triggerBody()['missing']" },
          Answer: { type: 'Response', kind: 'Http', inputs: { statusCode: 200 }, operationOptions: 'Asynchronous', runAfter: { Fail: ['Succeeded'] } },
        }),
      ),
    );
    await client.workflows.createOrUpdate(RG, 'sched', workflow(parent(idOf('main')), { parameters: payload }));
    const record = await logic.waitForRun('sched', logic.fireRecurrence('sched'));
    const [childRun] = logic.runs('main');
    expect(childRun?.status).toBe('Failed');
    expect(record.actions.get('Run_model')).toMatchObject({
      status: 'Failed',
      code: 'BadGateway',
      outputs: { statusCode: 502, body: { error: { code: 'NoResponse', message: `The server did not receive a response from an upstream server. Request tracking id '${childRun!.name}'.` } } },
    });
  });

  it('answers 202 with no body for a child without a Response, which runs on its own', async () => {
    const { logic, client, idOf } = await start();
    await client.workflows.createOrUpdate(RG, 'main', workflow(child({ Echo: { type: 'Compose', inputs: '@triggerBody()' } })));
    await client.workflows.createOrUpdate(RG, 'sched', workflow(parent(idOf('main')), { parameters: payload }));
    const record = await logic.waitForRun('sched', logic.fireRecurrence('sched'));
    const call = record.actions.get('Run_model')!;
    expect(call).toMatchObject({ status: 'Succeeded', code: 'Accepted', outputs: { statusCode: 202 } });
    expect(call.outputs).not.toHaveProperty('body');
    const [childRun] = logic.runs('main');
    expect((call.outputs as { headers: Record<string, string> }).headers['x-ms-workflow-run-id']).toBe(childRun!.name);
    expect((await logic.waitForRun('main', childRun!.name)).actions.get('Echo')?.outputs).toEqual({ n: 21 });
  });

  it('fails when the child cannot be called: missing, without the trigger, in another region', async () => {
    const { logic, client, idOf } = await start();
    const fire = async (name: string, def: Record<string, unknown>) => {
      await client.workflows.createOrUpdate(RG, name, workflow(def, { parameters: payload }));
      return (await logic.waitForRun(name, logic.fireRecurrence(name))).actions.get('Run_model')!;
    };
    const missing = await fire('to-missing', parent(idOf('nowhere')));
    expect(missing).toMatchObject({ status: 'Failed', code: 'NotFound', error: { code: 'WorkflowNotFound', message: "The workflow 'nowhere' could not be found." }, outputs: { statusCode: 404 } });

    await client.workflows.createOrUpdate(RG, 'main', workflow(child({})));
    const noTrigger = await fire('to-trigger', parent(idOf('main'), { triggerName: 'other' }));
    expect(noTrigger).toMatchObject({ status: 'Failed', code: 'NotFound', error: { code: 'WorkflowTriggerNotFound', message: "The workflow 'main' trigger 'other' could not be found." } });

    await client.workflows.createOrUpdate(RG, 'far', workflow(child({}), { location: 'northeurope' }));
    const far = await fire('to-far', parent(idOf('far')));
    expect(far).toMatchObject({ status: 'Failed', code: 'BadRequest', error: { code: 'NestedWorkflowLocationMismatch' } });
    expect(logic.runs('main')).toEqual([]);
    expect(logic.runs('far')).toEqual([]);
  });
});

describe('Logic Apps in ArmDouble.start()', () => {
  it('is registered once, takes options from start() or a later registerLogicApps, and stops with the ARM double', async () => {
    const arm = await ArmDouble.start({ resourceGroups: [RG], logicApps: { pollRetryAfterSeconds: 3 } });
    open.push(arm);
    expect(registerLogicApps(arm)).toBe(arm.logic);
    expect(registerLogicApps(arm, { pollRetryAfterSeconds: 2 })).toBe(arm.logic);
    const credential = doubleCredential(arm);
    const client = new sdk.LogicManagementClient(credential, arm.subscriptionId, doubleClientOptions(arm));
    await client.workflows.createOrUpdate(
      RG,
      'slow',
      workflow(child({ Long: { type: 'Wait', inputs: { interval: { count: 1, unit: 'Hour' } } }, Answer: { type: 'Response', inputs: { statusCode: 200 }, operationOptions: 'Asynchronous', runAfter: { Long: ['Succeeded'] } } })),
    );
    const url = (await client.workflowTriggers.listCallbackUrl(RG, 'slow', 'manual')).value!;
    const accepted = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('retry-after')).toBe('2');
    const run = accepted.headers.get('x-ms-workflow-run-id')!;

    await arm.stop();
    expect((await arm.logic.waitForRun('slow', run)).status).toBe('Cancelled');
    await expect(fetch(url, { method: 'POST', body: '{}' })).rejects.toThrow();
    await arm.logic.stop(); // again: harmless
  });
});

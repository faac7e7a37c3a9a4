// The Logic Apps double's contract, driven through the real @azure/arm-logic LogicManagementClient
// and @azure/identity ClientSecretCredential against the ARM double (HTTPS on 127.0.0.1), plus
// plain fetch for the workflow endpoint, which takes no bearer token, as a caller of a callback
// URL would. HTTP actions here call the ARM double itself under the workflow's identity. No Docker.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LogicManagementClient, Workflow } from '@azure/arm-logic';
import { ArmDouble } from '../../doubles/azure';
import { registerLogicApps, type LogicAppsDouble, type LogicAppsOptions } from '../../doubles/azure/logic';
import { SCHEMA_2016_06_01 } from '../../doubles/azure/logic/definition';
import { doubleCredential, doubleClientOptions } from '../../doubles/azure/clients';

const loadLogic = () => import('@azure/arm-logic');
const loadAuthorization = () => import('@azure/arm-authorization');
let sdk: Awaited<ReturnType<typeof loadLogic>>;
let authz: Awaited<ReturnType<typeof loadAuthorization>>;
beforeAll(async () => {
  sdk = await loadLogic();
  authz = await loadAuthorization();
});

const open: Array<{ arm: ArmDouble; logic: LogicAppsDouble }> = [];
afterEach(async () => {
  for (const { arm, logic } of open.splice(0)) {
    await logic.stop();
    await arm.stop();
  }
});

const RG = 'rg-test';

async function start(options: LogicAppsOptions = {}) {
  const arm = await ArmDouble.start({ resourceGroups: [RG], timeScale: 0.01 });
  const logic = registerLogicApps(arm, options);
  open.push({ arm, logic });
  const credential = doubleCredential(arm);
  const client: LogicManagementClient = new sdk.LogicManagementClient(credential, arm.subscriptionId, doubleClientOptions(arm));
  return { arm, logic, client };
}

type Actions = Record<string, Record<string, unknown>>;
const definition = (actions: Actions, extra: Record<string, unknown> = {}) => ({
  $schema: SCHEMA_2016_06_01,
  contentVersion: '1.0.0.0',
  parameters: { secret: { type: 'SecureString' }, greeting: { type: 'String', defaultValue: 'hello' } },
  triggers: { manual: { type: 'Request', kind: 'Http', inputs: { schema: {} } } },
  actions,
  outputs: {},
  ...extra,
});

const workflow = (actions: Actions, extra: Partial<Workflow> = {}, defExtra: Record<string, unknown> = {}): Workflow => ({
  location: 'westeurope',
  tags: { 'rdeploy-deployment': 'd1' },
  identity: { type: 'SystemAssigned' },
  state: 'Enabled',
  definition: definition(actions, defExtra),
  parameters: { secret: { value: 's3cr3t' } },
  ...extra,
});

async function failure(call: Promise<unknown>): Promise<Error & { statusCode?: number; code?: string }> {
  try {
    await call;
  } catch (e) {
    return e as Error & { statusCode?: number; code?: string };
  }
  throw new Error('expected the call to fail');
}

async function call(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: body as Record<string, unknown> | undefined };
}

const post = (url: string, body: unknown) => call(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

async function callbackUrl(client: LogicManagementClient, name: string): Promise<string> {
  return (await client.workflowTriggers.listCallbackUrl(RG, name, 'manual')).value!;
}

async function all<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterator) out.push(item);
  return out;
}

describe('workflows', () => {
  it('creates a workflow with a system-assigned identity, gets it without secure values, lists, updates and deletes it', async () => {
    const { arm, logic, client } = await start();
    const created = await client.workflows.createOrUpdate(RG, 'wf-one', workflow({ Echo: { type: 'Compose', inputs: "@parameters('greeting')" } }));
    expect(created.id).toBe(`/subscriptions/${arm.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Logic/workflows/wf-one`);
    expect(created.identity).toMatchObject({ type: 'SystemAssigned', tenantId: arm.tenantId });
    expect(created.identity?.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.provisioningState).toBe('Succeeded');
    expect(created.version).toMatch(/^\d{20}$/);
    expect(arm.calls('Workflows_CreateOrUpdate').at(-1)?.status).toBe(201);
    // The identity is a principal of the directory: the ARM double mints tokens for it.
    expect(arm.tokenFor(created.identity!.principalId!).split('.')).toHaveLength(3);

    const got = await client.workflows.get(RG, 'wf-one');
    expect(got.parameters).toEqual({ secret: {} });
    expect(JSON.stringify(got)).not.toContain('s3cr3t');
    expect(got.tags).toEqual({ 'rdeploy-deployment': 'd1' });
    expect(got.accessEndpoint).toBe(`${await logic.ready()}workflows/${logic.workflow('wf-one')!.workflowId}`);

    const listed = await all(client.workflows.listByResourceGroup(RG));
    expect(listed.map((w) => w.name)).toEqual(['wf-one']);

    const updated = await client.workflows.createOrUpdate(RG, 'wf-one', workflow({ Echo: { type: 'Compose', inputs: 'changed' } }));
    expect(arm.calls('Workflows_CreateOrUpdate').at(-1)?.status).toBe(200);
    expect(updated.identity?.principalId).toBe(created.identity?.principalId);
    expect(updated.version).not.toBe(created.version);

    await client.workflows.delete(RG, 'wf-one');
    expect(arm.calls('Workflows_Delete').at(-1)?.status).toBe(200);
    const gone = await failure(client.workflows.get(RG, 'wf-one'));
    expect(gone.statusCode).toBe(404);
    expect(gone.code).toBe('ResourceNotFound');
    expect(gone.message).toBe(`The Resource 'Microsoft.Logic/workflows/wf-one' under resource group '${RG}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
    await client.workflows.delete(RG, 'wf-one');
    expect(arm.calls('Workflows_Delete').at(-1)?.status).toBe(204);
  });

  it('refuses definitions the service refuses, in its words', async () => {
    const { client } = await start();
    const refused = async (actions: Actions, defExtra: Record<string, unknown> = {}) => failure(client.workflows.createOrUpdate(RG, 'wf-bad', workflow(actions, {}, defExtra)));

    const stray = await refused({ A: { type: 'Compose', inputs: 1, runAfter: { Nope: ['Succeeded'] } } });
    expect(stray.statusCode).toBe(400);
    expect(stray.code).toBe('InvalidTemplate');
    expect(stray.message).toMatch(/^The template validation failed: 'The 'runAfter' property of template action 'A' at line '1' and column '\d+' contains non-existent action: 'Nope''\.$/);

    const member = await refused({ A: { type: 'Compose', inputs: 1, recurrence: { frequency: 'Day', interval: 1 } } });
    expect(member.code).toBe('InvalidRequestContent');
    expect(member.message).toMatch(/^The request content is not valid and could not be deserialized: 'Could not find member 'recurrence' on object of type 'FlowTemplateAction'\. Path 'properties\.definition\.actions\.A\.recurrence', line 1, position \d+\.'\.$/);

    const fn = await refused({ A: { type: 'Compose', inputs: '@nope()' } });
    expect(fn.message).toMatch(/^The template validation failed: 'The template action 'A' at line '1' and column '\d+' is not valid: "The template function 'nope' is not defined or not valid\."\.'\.$/);

    const notOnPath = await refused({ A: { type: 'Compose', inputs: 1 }, B: { type: 'Compose', inputs: "@outputs('A')" } });
    expect(notOnPath.message).toContain(
      "cannot reference action 'A'. Action 'A' must either be in 'runAfter' path or within a scope action on the 'runAfter' path of action 'B', or be a Trigger.",
    );
    const undefinedAction = await refused({ B: { type: 'Compose', inputs: "@body('Ghost')" } });
    expect(undefinedAction.message).toBe("The template validation failed: 'The action(s) 'Ghost' referenced by 'inputs' in action 'B' are not defined in the template'.");

    const recurring = await refused(
      { Answer: { type: 'Response', kind: 'Http', inputs: { statusCode: 200 } } },
      { triggers: { manual: { type: 'Request', kind: 'Http' }, Recurrence: { type: 'Recurrence', recurrence: { frequency: 'Day', interval: 1 } } } },
    );
    expect(recurring.message).toBe("The template validation failed: 'The workflow with 'Response' action type should not have triggers with 'recurrence' property defined'.");

    const inLoop = await refused({ Loop: { type: 'Until', expression: '@true', limit: { count: 1 }, actions: { Answer: { type: 'Response', inputs: { statusCode: 200 } } } } });
    expect(inLoop.message).toContain("The workflow run action 'Answer' has type 'Response' that could not be nested under an action of type 'until'");

    const syntax = await refused({ A: { type: 'Compose', inputs: "@concat('a' 'b')" } });
    expect(syntax.message).toContain("is not valid: \"The template language expression 'concat('a' 'b')' is not valid: the string character ''' at position '12' is not expected.\"");

    const missingValue = await failure(client.workflows.createOrUpdate(RG, 'wf-bad', workflow({}, { parameters: {} })));
    expect(missingValue.message).toBe("The template validation failed: 'The value for the workflow parameter 'secret' is not provided'.");
  });

  it('checks RBAC on Microsoft.Logic actions', async () => {
    const { arm } = await start();
    const outsider = { clientId: crypto.randomUUID(), clientSecret: 'x-secret', objectId: crypto.randomUUID() };
    arm.registerPrincipal(outsider.objectId, outsider);
    const credential = doubleCredential(arm, outsider);
    const client = new sdk.LogicManagementClient(credential, arm.subscriptionId, doubleClientOptions(arm));
    const denied = await failure(client.workflows.get(RG, 'any'));
    expect(denied.statusCode).toBe(403);
    expect(denied.message).toContain("does not have authorization to perform action 'Microsoft.Logic/workflows/read'");
  });

  it('registers the identity with a replication delay: role assignments meet PrincipalNotFound until it has passed', async () => {
    const { arm, client } = await start({ identityReplicationDelayMs: 400 });
    const created = await client.workflows.createOrUpdate(RG, 'wf-mi', workflow({}));
    const principalId = created.identity!.principalId!;
    const credential = doubleCredential(arm);
    const roles = new authz.AuthorizationManagementClient(credential, arm.subscriptionId, doubleClientOptions(arm));
    const scope = `/subscriptions/${arm.subscriptionId}/resourceGroups/${RG}`;
    const roleDefinitionId = `/subscriptions/${arm.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/5d977122-f97e-4b4d-a52f-6b43003ddb4d`;
    const early = await failure(roles.roleAssignments.create(scope, crypto.randomUUID(), { roleDefinitionId, principalId }));
    expect(early).toMatchObject({ statusCode: 400, code: 'PrincipalNotFound' });
    await new Promise((r) => setTimeout(r, 450));
    expect((await roles.roleAssignments.create(scope, crypto.randomUUID(), { roleDefinitionId, principalId })).principalId).toBe(principalId);
  });
});

describe('the Request trigger', () => {
  it('gives a signed callback URL and refuses a wrong or missing signature with the service texts', async () => {
    const { logic, client } = await start();
    await client.workflows.createOrUpdate(RG, 'wf-cb', workflow({ Echo: { type: 'Compose', inputs: '@triggerBody()' } }));
    const cb = await client.workflowTriggers.listCallbackUrl(RG, 'wf-cb', 'manual');
    const base = await logic.ready();
    const id = logic.workflow('wf-cb')!.workflowId;
    expect(cb.value).toMatch(new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}workflows/${id}/triggers/manual/paths/invoke\\?api-version=2016-10-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1\\.0&sig=[\\w-]{43}$`));
    expect(cb.method).toBe('POST');
    expect(cb.basePath).toBe(`${base}workflows/${id}/triggers/manual/paths/invoke`);
    expect(cb.queries).toMatchObject({ apiVersion: '2016-10-01', sp: '/triggers/manual/run', sv: '1.0' });
    expect((await client.workflowTriggers.listCallbackUrl(RG, 'wf-cb', 'manual')).value).toBe(cb.value);

    const wrong = await post(cb.value!.replace(/sig=[\w-]+/, 'sig=AAAA'), {});
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: { code: 'DirectApiInvalidAuthorizationSignature', message: 'The provided authorization signature is not valid.' } });
    const missing = await post(cb.value!.replace(/&sig=[\w-]+/, ''), {});
    expect(missing.status).toBe(401);
    expect((missing.body as { error: { code: string } }).error.code).toBe('DirectApiAuthorizationRequired');

    // Without a Response action the trigger answers 202 at once, naming the run.
    const accepted = await post(cb.value!, { hello: 'world' });
    expect(accepted.status).toBe(202);
    const run = accepted.headers.get('x-ms-workflow-run-id')!;
    expect(run).toMatch(/^\d{29}CU\d{2}$/);
    const record = await logic.waitForRun('wf-cb', run);
    expect(record.actions.get('Echo')?.outputs).toEqual({ hello: 'world' });
  });

  it('answers an Asynchronous Response through 202 + Location polling, and a synchronous one directly', async () => {
    const { client } = await start();
    const respond = (options?: string) => ({
      Pause: { type: 'Wait', inputs: { interval: { count: 10, unit: 'Second' } } },
      Answer: {
        type: 'Response',
        kind: 'Http',
        inputs: { statusCode: 201, headers: { 'X-Run': '@{workflow().run.name}' }, body: { doubled: "@mul(triggerBody()?['n'], 2)" } },
        runAfter: { Pause: ['Succeeded'] },
        ...(options ? { operationOptions: options } : {}),
      },
    });
    await client.workflows.createOrUpdate(RG, 'wf-async', workflow(respond('Asynchronous')));
    const first = await post(await callbackUrl(client, 'wf-async'), { n: 21 });
    expect(first.status).toBe(202);
    const run = first.headers.get('x-ms-workflow-run-id');
    const location = first.headers.get('location')!;
    expect(first.headers.get('retry-after')).toBe('1');
    expect(location).toContain(`/runs/${run}/operations/`);
    let polled = await call(location);
    const statuses = [polled.status];
    while (polled.status === 202) {
      await new Promise((r) => setTimeout(r, 20));
      polled = await call(location);
      statuses.push(polled.status);
    }
    expect(statuses[0]).toBe(202);
    expect(polled.status).toBe(201);
    expect(polled.body).toEqual({ doubled: 42 });
    expect(polled.headers.get('x-run')).toBe(run);
    expect(polled.headers.get('x-ms-workflow-run-id')).toBe(run);
    const tampered = await call(location.replace(/sig=[\w-]+/, 'sig=nope'));
    expect(tampered.status).toBe(401);

    await client.workflows.createOrUpdate(RG, 'wf-sync', workflow(respond()));
    const direct = await post(await callbackUrl(client, 'wf-sync'), { n: 5 });
    expect(direct.status).toBe(201);
    expect(direct.body).toEqual({ doubled: 10 });
  });

  it('answers 502 NoResponse when the run ends before its Response runs', async () => {
    const { client } = await start();
    await client.workflows.createOrUpdate(
      RG,
      'wf-none',
      workflow({
        Fail: { type: 'Compose', inputs: "@triggerBody()['missing']" },
        Answer: { type: 'Response', kind: 'Http', inputs: { statusCode: 200 }, runAfter: { Fail: ['Succeeded'] }, operationOptions: 'Asynchronous' },
      }),
    );
    const first = await post(await callbackUrl(client, 'wf-none'), {});
    const run = first.headers.get('x-ms-workflow-run-id');
    let polled = await call(first.headers.get('location')!);
    while (polled.status === 202) {
      await new Promise((r) => setTimeout(r, 20));
      polled = await call(first.headers.get('location')!);
    }
    expect(polled.status).toBe(502);
    expect(polled.body).toEqual({ error: { code: 'NoResponse', message: `The server did not receive a response from an upstream server. Request tracking id '${run}'.` } });
  });
});

describe('the endpoint as a test double', () => {
  it('records what it was sent and answers an injected fault instead of running', async () => {
    const { logic, client } = await start();
    await client.workflows.createOrUpdate(RG, 'wf-fault', workflow({ Echo: { type: 'Compose', inputs: 1 } }));
    const url = await callbackUrl(client, 'wf-fault');
    logic.injectEndpointFault({ operation: 'Trigger_Invoke', status: 429, code: 'WorkflowRequestsThrottled', message: 'Number of workflow requests exceeded the limit.' });
    const throttled = await post(url, {});
    expect(throttled.status).toBe(429);
    expect(throttled.body).toEqual({ error: { code: 'WorkflowRequestsThrottled', message: 'Number of workflow requests exceeded the limit.' } });
    expect(logic.runs('wf-fault')).toHaveLength(0);
    const accepted = await post(url, {});
    expect(accepted.status).toBe(202);
    expect(logic.endpointCalls().map((c) => [c.operation, c.status])).toEqual([
      ['Trigger_Invoke', 429],
      ['Trigger_Invoke', 202],
    ]);
    expect(logic.endpointCalls()[1]?.runName).toBe(accepted.headers.get('x-ms-workflow-run-id'));
  });
});

describe('runs and their history', () => {
  it('lists runs newest first, gets one, and lists its actions with content links, leaving out secured ones', async () => {
    const { logic, client } = await start();
    await client.workflows.createOrUpdate(
      RG,
      'wf-hist',
      workflow({
        Open: { type: 'Compose', inputs: { who: "@triggerBody()?['who']" } },
        Hidden: { type: 'Compose', inputs: "@parameters('secret')", runtimeConfiguration: { secureData: { properties: ['inputs', 'outputs'] } }, runAfter: { Open: ['Succeeded'] } },
        HalfHidden: { type: 'Compose', inputs: "@outputs('Hidden')", runtimeConfiguration: { secureData: { properties: ['inputs'] } }, runAfter: { Hidden: ['Succeeded'] } },
      }),
    );
    const url = await callbackUrl(client, 'wf-hist');
    const names: string[] = [];
    for (const who of ['first', 'second']) {
      const answer = await post(url, { who });
      names.push(answer.headers.get('x-ms-workflow-run-id')!);
      await logic.waitForRun('wf-hist', names.at(-1)!);
    }
    const runs = await all(client.workflowRuns.list(RG, 'wf-hist'));
    expect(runs.map((r) => r.name)).toEqual([names[1], names[0]]);
    const top = await client.workflowRuns.list(RG, 'wf-hist', { top: 1 }).byPage().next();
    expect((top.value as Array<{ name: string }>).map((r) => r.name)).toEqual([names[1]]);

    const run = await client.workflowRuns.get(RG, 'wf-hist', names[1]!);
    expect(run).toMatchObject({ name: names[1], status: 'Succeeded', correlation: { clientTrackingId: names[1] }, trigger: { name: 'manual', status: 'Succeeded', code: 'OK' } });
    expect(run.startTime).toBeInstanceOf(Date);
    expect(run.endTime!.getTime()).toBeGreaterThanOrEqual(run.startTime!.getTime());
    const triggerOutputs = await call(run.trigger!.outputsLink!.uri!);
    expect(triggerOutputs.body).toMatchObject({ body: { who: 'second' } });

    const actions = await all(client.workflowRunActions.list(RG, 'wf-hist', names[1]!));
    const byName = Object.fromEntries(actions.map((a) => [a.name, a]));
    expect(Object.keys(byName).sort()).toEqual(['HalfHidden', 'Hidden', 'Open']);
    expect(byName.Open).toMatchObject({ status: 'Succeeded', code: 'OK', correlation: { clientTrackingId: names[1] } });
    const inputs = await call(byName.Open!.inputsLink!.uri!);
    expect(inputs.body).toEqual({ who: 'second' });
    expect(byName.Open!.inputsLink!.contentSize).toBe(JSON.stringify({ who: 'second' }).length);
    expect(byName.Hidden!.inputsLink).toBeUndefined();
    expect(byName.Hidden!.outputsLink).toBeUndefined();
    expect(byName.HalfHidden!.inputsLink).toBeUndefined();
    expect((await call(byName.HalfHidden!.outputsLink!.uri!)).body).toBe('s3cr3t');
  });

  it('runs HTTP actions against ARM under the workflow identity: RBAC applies, the call is recorded', async () => {
    const { arm, logic, client } = await start();
    const rgUri = `${arm.url}subscriptions/${arm.subscriptionId}/resourcegroups/${RG}?api-version=2021-04-01`;
    const created = await client.workflows.createOrUpdate(
      RG,
      'wf-http',
      workflow({ Read: { type: 'Http', inputs: { method: 'GET', uri: rgUri, authentication: { type: 'ManagedServiceIdentity', audience: arm.url } } } }),
    );
    const principal = created.identity!.principalId!;
    const url = await callbackUrl(client, 'wf-http');

    const denied = await logic.waitForRun('wf-http', (await post(url, {})).headers.get('x-ms-workflow-run-id')!);
    expect(denied.actions.get('Read')).toMatchObject({ status: 'Failed', code: 'Forbidden' });
    expect(arm.calls('ResourceGroups_Get').at(-1)).toMatchObject({ principal, status: 403 });

    arm.assignRole(principal, 'Reader', `/subscriptions/${arm.subscriptionId}/resourceGroups/${RG}`);
    const allowed = await logic.waitForRun('wf-http', (await post(url, {})).headers.get('x-ms-workflow-run-id')!);
    expect(allowed.actions.get('Read')).toMatchObject({ status: 'Succeeded', code: 'OK', outputs: { statusCode: 200, body: { name: RG } } });
    expect(arm.calls('ResourceGroups_Get').at(-1)).toMatchObject({ principal, status: 200 });
  });

  it('runs a Recurrence trigger on demand (triggers/run and fireRecurrence) and cancels a running run', async () => {
    const { logic, client } = await start();
    await client.workflows.createOrUpdate(
      RG,
      'wf-sched',
      workflow({ Long: { type: 'Wait', inputs: { interval: { count: 1, unit: 'Hour' } } } }, {}, {
        triggers: { Recurrence: { type: 'Recurrence', recurrence: { frequency: 'Day', interval: 1 } } },
      }),
    );
    const triggers = await all(client.workflowTriggers.list(RG, 'wf-sched'));
    expect(triggers.map((t) => [t.name, t.recurrence?.frequency])).toEqual([['Recurrence', 'Day']]);
    const callback = await failure(client.workflowTriggers.listCallbackUrl(RG, 'wf-sched', 'Recurrence'));
    expect(callback.statusCode).toBe(400);

    await client.workflowTriggers.run(RG, 'wf-sched', 'Recurrence');
    const fired = logic.fireRecurrence('wf-sched');
    const runs = await all(client.workflowRuns.list(RG, 'wf-sched'));
    expect(runs).toHaveLength(2);
    expect(runs.every((r) => r.status === 'Running' && r.trigger?.name === 'Recurrence')).toBe(true);

    await client.workflowRuns.cancel(RG, 'wf-sched', fired);
    const record = await logic.waitForRun('wf-sched', fired);
    expect(record.status).toBe('Cancelled');
    expect((await client.workflowRuns.get(RG, 'wf-sched', fired)).status).toBe('Cancelled');
    const again = await failure(client.workflowRuns.cancel(RG, 'wf-sched', fired));
    expect(again.statusCode).toBe(409);
  });
});

// The Logic Apps double's interpreter with an injected network: runAfter graph semantics
// (statuses, Skipped propagation, parallel branches, scope and run status), If/else, Until and
// its limits, Wait, the HTTP action (managed identity, retries, the 202 polling pattern),
// Response (to the request, twice, or with no request), secured data, cancellation, and the
// definition R Deploy generates for Container Instances run end to end against a scripted ARM.
import { describe, expect, it } from 'vitest';
import type { ActionDefinition, WorkflowDefinition } from '../../doubles/azure/logic/definition';
import type { EngineHost, InboundResponse, OutboundRequest, ResponseReply, RunSpec } from '../../doubles/azure/logic/engine/context';
import { startRun } from '../../doubles/azure/logic/engine/interpreter';
import type { RunRecord } from '../../doubles/azure/logic/engine/records';
import { SCHEMA_2016_06_01 } from '../../doubles/azure/logic/definition';
import { workflowDefinition } from '../../../src/targets/aci/workflow';
import { RESULT_MARK } from '../../../src/targets/aci/containerGroup';

type Handler = (request: OutboundRequest, n: number) => InboundResponse | Promise<InboundResponse>;

interface Setup {
  send?: Handler;
  respond?: RunSpec['respond'];
  trigger?: RunSpec['trigger'];
  parameters?: Record<string, unknown>;
  timeScale?: number;
  noRequest?: boolean;
}

const json = (status: number, body?: unknown, headers: Record<string, string> = {}): InboundResponse => ({
  status,
  headers: { ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...headers },
  body: body === undefined ? '' : JSON.stringify(body),
});

function definition(actions: Record<string, ActionDefinition>, parameters: WorkflowDefinition['parameters'] = {}): WorkflowDefinition {
  return { $schema: SCHEMA_2016_06_01, contentVersion: '1.0.0.0', parameters, triggers: { manual: { type: 'Request', kind: 'Http' } }, actions };
}

function launch(def: WorkflowDefinition, setup: Setup = {}) {
  const sent: OutboundRequest[] = [];
  const tokens: string[] = [];
  const replies: ResponseReply[] = [];
  const host: EngineHost = {
    send: async (request) => {
      sent.push(request);
      if (!setup.send) throw new Error('no network in this test');
      return setup.send(request, sent.length);
    },
    token: async (audience) => {
      tokens.push(audience);
      return `token-for-${audience}`;
    },
  };
  let answered = false;
  const respond: RunSpec['respond'] =
    setup.respond ??
    ((reply) => {
      if (answered) return false;
      answered = true;
      replies.push(reply);
      return true;
    });
  const handle = startRun(
    {
      definition: def,
      parameters: setup.parameters ?? {},
      workflow: { id: '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Logic/workflows/wf', name: 'wf', location: 'westeurope', version: '08584700000000000000', workflowId: 'abc123' },
      runName: '08584737551867954143243946780CU57',
      trigger: setup.trigger ?? { name: 'manual', type: 'Request', outputs: { headers: {}, body: { x: 21 } } },
      timeScale: setup.timeScale ?? 0.001,
      ...(setup.noRequest ? {} : { respond }),
    },
    host,
  );
  return { handle, sent, tokens, replies };
}

async function run(def: WorkflowDefinition, setup: Setup = {}) {
  const launched = launch(def, setup);
  const record = await launched.handle.done;
  return { ...launched, record, action: (name: string) => record.actions.get(name) };
}

const statuses = (record: RunRecord) => Object.fromEntries([...record.actions.values()].map((a) => [a.name, a.status]));

describe('runAfter', () => {
  it('runs actions in order, each reading the ones before it', async () => {
    const { record, action } = await run(
      definition({
        A: { type: 'Compose', inputs: "@mul(triggerBody()['x'], 2)" },
        B: { type: 'Compose', inputs: { doubled: "@outputs('A')", run: '@{workflow().run.name}' }, runAfter: { A: ['Succeeded'] } },
      }),
    );
    expect(record.status).toBe('Succeeded');
    expect(action('B')?.outputs).toEqual({ doubled: 42, run: '08584737551867954143243946780CU57' });
    expect(Date.parse(action('B')!.startTime)).toBeGreaterThanOrEqual(Date.parse(action('A')!.endTime!));
  });

  it('skips what runs after a failure, with the service text, and the run fails when a branch ends in it', async () => {
    const { record, action } = await run(
      definition({
        Call: { type: 'Http', inputs: { method: 'GET', uri: 'https://api.test/x', retryPolicy: { type: 'none' } } },
        Use: { type: 'Compose', inputs: "@body('Call')", runAfter: { Call: ['Succeeded'] } },
        Then: { type: 'Compose', inputs: 1, runAfter: { Use: ['Succeeded'] } },
        Catch: { type: 'Compose', inputs: "@outputs('Call')['statusCode']", runAfter: { Call: ['Failed', 'TimedOut'] } },
      }),
      { send: () => json(404, { error: { code: 'NotFound' } }) },
    );
    expect(statuses(record)).toEqual({ Call: 'Failed', Use: 'Skipped', Then: 'Skipped', Catch: 'Succeeded' });
    expect(action('Call')?.code).toBe('NotFound');
    expect(action('Use')?.code).toBe('ActionSkipped');
    expect(action('Use')?.error).toEqual({
      code: 'ActionConditionFailed',
      message: "The execution of template action 'Use' is skipped: the 'runAfter' condition for action 'Call' is not satisfied. Expected status values 'Succeeded' and actual value 'Failed'.",
    });
    expect(action('Catch')?.outputs).toBe(404);
    // The branch Call → Use → Then ends Skipped after a failure: the run is Failed.
    expect(record.status).toBe('Failed');
    expect(record.error).toEqual({ code: 'ActionFailed', message: 'An action failed. No dependent actions succeeded.' });
  });

  it('succeeds when every failure is handled: a branch that ends in a handler', async () => {
    const { record } = await run(
      definition({
        Call: { type: 'Http', inputs: { method: 'GET', uri: 'https://api.test/x', retryPolicy: { type: 'none' } } },
        Catch: { type: 'Compose', inputs: 'handled', runAfter: { Call: ['Failed'] } },
      }),
      { send: () => json(500) },
    );
    expect(record.status).toBe('Succeeded');
  });

  it('skips a handler whose predecessor succeeded, and the branch counts as its predecessor did', async () => {
    const { record } = await run(
      definition({
        Ok: { type: 'Compose', inputs: 1 },
        OnlyOnFailure: { type: 'Compose', inputs: 2, runAfter: { Ok: ['Failed'] } },
      }),
    );
    expect(statuses(record)).toEqual({ Ok: 'Succeeded', OnlyOnFailure: 'Skipped' });
    expect(record.status).toBe('Succeeded');
  });

  it('runs parallel branches at the same time and joins them', async () => {
    const wait = (ms: number): ActionDefinition => ({ type: 'Wait', inputs: { interval: { count: ms, unit: 'Second' } } });
    const started = Date.now();
    const { record, action } = await run(
      definition({ Left: wait(300), Right: wait(300), Join: { type: 'Compose', inputs: 'x', runAfter: { Left: ['Succeeded'], Right: ['Succeeded'] } } }),
      { timeScale: 0.001 },
    );
    const elapsed = Date.now() - started;
    expect(record.status).toBe('Succeeded');
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(550); // 2 × 300 ms if they had run one after the other
    expect(Date.parse(action('Join')!.startTime)).toBeGreaterThanOrEqual(Math.max(Date.parse(action('Left')!.endTime!), Date.parse(action('Right')!.endTime!)));
  });
});

describe('Scope and If', () => {
  it('fails a scope whose action failed, skips what it holds after the failure, and lets a handler run after it', async () => {
    const { record, action } = await run(
      definition({
        Run: {
          type: 'Scope',
          actions: {
            Bad: { type: 'Compose', inputs: "@triggerBody()['missing']" },
            Next: { type: 'Compose', inputs: 1, runAfter: { Bad: ['Succeeded'] } },
          },
        },
        Cleanup: { type: 'Compose', inputs: "@length(result('Run'))", runAfter: { Run: ['Succeeded', 'Failed', 'Skipped', 'TimedOut'] } },
      }),
    );
    expect(statuses(record)).toEqual({ Run: 'Failed', Bad: 'Failed', Next: 'Skipped', Cleanup: 'Succeeded' });
    expect(action('Bad')?.code).toBe('BadRequest');
    expect(action('Bad')?.error?.code).toBe('InvalidTemplate');
    expect(action('Bad')?.error?.message).toBe(
      "Unable to process template language expressions in action 'Bad' inputs at line '0' and column '0': 'The template language expression 'triggerBody()['missing']' cannot be evaluated because property 'missing' doesn't exist, available properties are 'x'. Please see https://aka.ms/logicexpressions for usage details.'.",
    );
    expect(action('Run')?.error).toEqual({ code: 'ActionFailed', message: 'An action failed. No dependent actions succeeded.' });
    expect(action('Cleanup')?.outputs).toBe(2);
    expect(record.status).toBe('Succeeded');
  });

  it('runs the branch the condition picks and skips the other one', async () => {
    const branches = (expression: unknown): WorkflowDefinition =>
      definition({
        Check: {
          type: 'If',
          expression,
          actions: { Yes: { type: 'Compose', inputs: 'yes' } },
          else: { actions: { No: { type: 'Compose', inputs: 'no' }, NoAfter: { type: 'Compose', inputs: 'no', runAfter: { No: ['Succeeded'] } } } },
        },
      });
    const yes = await run(branches({ and: [{ equals: ['@trigger().name', 'manual'] }, { greater: ["@triggerBody()?['x']", 20] }] }));
    expect(statuses(yes.record)).toEqual({ Check: 'Succeeded', Yes: 'Succeeded', No: 'Skipped', NoAfter: 'Skipped' });
    expect(yes.action('No')?.error).toEqual({
      code: 'ActionBranchingConditionNotSatisfied',
      message: "The execution of template action 'No' skipped: the branching condition for this action is not satisfied.",
    });
    const no = await run(branches("@equals(trigger().name, 'Recurrence')"));
    expect(statuses(no.record)).toEqual({ Check: 'Succeeded', Yes: 'Skipped', No: 'Succeeded', NoAfter: 'Succeeded' });
  });

  it('fails an If whose expression cannot be evaluated or is not a boolean', async () => {
    const bad = await run(definition({ Check: { type: 'If', expression: "@equals(triggerBody()['nope'], 1)", actions: {} } }));
    expect(bad.action('Check')?.status).toBe('Failed');
    expect(bad.action('Check')?.error?.message).toMatch(/^Unable to process template language expressions for action 'Check' at line '0' and column '0': 'The template language expression/);
    const text = await run(definition({ Check: { type: 'If', expression: "@concat('a')", actions: {} } }));
    expect(text.action('Check')?.error?.message).toContain("is of type 'String'. The result must be a valid boolean value.");
  });
});

describe('Until', () => {
  const poll = (limit: { count?: number; timeout?: string }, extra: Partial<ActionDefinition> = {}): WorkflowDefinition =>
    definition({
      Wait_for_it: {
        type: 'Until',
        expression: "@equals(body('Look')?['state'], 'Done')",
        limit,
        actions: {
          Pause: { type: 'Wait', inputs: { interval: { count: 1, unit: 'Second' } } },
          Look: { type: 'Http', inputs: { method: 'GET', uri: 'https://api.test/state', retryPolicy: { type: 'none' } }, runAfter: { Pause: ['Succeeded'] } },
        },
        ...extra,
      },
    });

  it('repeats its actions until the expression holds, evaluating it after each iteration', async () => {
    const states = ['Pending', 'Running', 'Done'];
    const { record, action, sent } = await run(poll({ count: 10 }), { send: (_r, n) => json(200, { state: states[n - 1] }) });
    expect(sent).toHaveLength(3);
    expect(action('Wait_for_it')).toMatchObject({ status: 'Succeeded', iterations: 3 });
    expect(action('Look')?.outputs).toMatchObject({ body: { state: 'Done' } });
    expect(record.status).toBe('Succeeded');
  });

  it('ends without failing when the count is reached (Succeeded, as the docs say), TimedOut with FailWhenLimitsReached', async () => {
    const plain = await run(poll({ count: 3 }), { send: () => json(200, { state: 'Pending' }) });
    expect(plain.sent).toHaveLength(3);
    expect(plain.action('Wait_for_it')).toMatchObject({ status: 'Succeeded', iterations: 3 });
    const strict = await run(poll({ count: 3 }, { operationOptions: 'FailWhenLimitsReached' }), { send: () => json(200, { state: 'Pending' }) });
    expect(strict.action('Wait_for_it')?.status).toBe('TimedOut');
    expect(strict.record.status).toBe('Failed');
  });

  it('stops at its timeout (checked between iterations), scaled like every wait', async () => {
    // PT1H at timeScale 0.0001 is 360 ms; each iteration waits 1 s × 0.0001 and answers at once.
    const started = Date.now();
    const { action, sent } = await run(poll({ count: 5000, timeout: 'PT1H' }), { timeScale: 0.0001, send: () => json(200, { state: 'Pending' }) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(action('Wait_for_it')?.status).toBe('Succeeded');
    expect(sent.length).toBeGreaterThan(5);
  });

  it('takes the status of its last iteration: an earlier failure does not stop the loop', async () => {
    const answers = [json(500), json(200, { state: 'Done' })];
    const healed = await run(poll({ count: 5 }), { send: (_r, n) => answers[n - 1]! });
    expect(healed.action('Wait_for_it')).toMatchObject({ status: 'Succeeded', iterations: 2 });
    const broken = await run(poll({ count: 2 }), { send: () => json(500) });
    expect(broken.action('Wait_for_it')).toMatchObject({ status: 'Failed', iterations: 2 });
  });
});

describe('HTTP', () => {
  it('sends the request with a managed identity token and the service headers; parses a JSON answer', async () => {
    const { action, sent, tokens } = await run(
      definition({
        Put: {
          type: 'Http',
          inputs: {
            method: 'put',
            uri: 'https://arm.test/groups/@{toLower(workflow().run.name)}',
            queries: { 'api-version': '2023-05-01' },
            headers: { 'x-extra': 'yes' },
            body: { location: 'westeurope' },
            authentication: { type: 'ManagedServiceIdentity', audience: 'https://arm.test/' },
          },
        },
      }),
      { send: () => json(201, { name: 'g' }) },
    );
    expect(tokens).toEqual(['https://arm.test/']);
    const request = sent[0]!;
    expect(request.method).toBe('PUT');
    expect(request.url).toBe('https://arm.test/groups/08584737551867954143243946780cu57?api-version=2023-05-01');
    expect(request.headers).toMatchObject({
      Authorization: 'Bearer token-for-https://arm.test/',
      'Content-Type': 'application/json; charset=utf-8',
      'x-extra': 'yes',
      'x-ms-workflow-name': 'wf',
      'x-ms-workflow-run-id': '08584737551867954143243946780CU57',
      'x-ms-workflow-operation-name': 'Put',
    });
    expect(JSON.parse(request.body!)).toEqual({ location: 'westeurope' });
    expect(action('Put')).toMatchObject({ status: 'Succeeded', code: 'Created', outputs: { statusCode: 201, body: { name: 'g' } } });
    expect(action('Put')?.inputs).toMatchObject({ method: 'PUT', authentication: { type: 'ManagedServiceIdentity', audience: 'https://arm.test/' } });
  });

  it('retries 429/5xx and no answer under the default policy (7.5 s, 15 s, 30 s, 45 s, scaled), then fails', async () => {
    const times: number[] = [];
    const { action, sent } = await run(definition({ Call: { type: 'Http', inputs: { method: 'GET', uri: 'https://api.test/' } } }), {
      timeScale: 0.002,
      send: (_r, n) => {
        times.push(Date.now());
        if (n === 1) throw new Error('connect ECONNREFUSED 127.0.0.1:9');
        return json(n === 2 ? 429 : 503);
      },
    });
    expect(sent).toHaveLength(5);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    [15, 30, 60, 90].forEach((expected, i) => expect(gaps[i]!).toBeGreaterThanOrEqual(expected - 2));
    expect(action('Call')).toMatchObject({ status: 'Failed', code: 'ServiceUnavailable' });
    expect(action('Call')?.retryHistory?.map((r) => r.code)).toEqual(['BadRequest', '429', 'ServiceUnavailable', 'ServiceUnavailable']);
    expect(action('Call')?.retryHistory?.[0]?.error?.message).toBe("Http request failed as there is an error: 'connect ECONNREFUSED 127.0.0.1:9'.");
  });

  it('does not retry other 4xx, nor anything with retryPolicy none; honours Retry-After', async () => {
    const notFound = await run(definition({ Call: { type: 'Http', inputs: { method: 'GET', uri: 'https://api.test/' } } }), { send: () => json(404) });
    expect(notFound.sent).toHaveLength(1);
    const none = await run(definition({ Call: { type: 'Http', inputs: { method: 'GET', uri: 'https://api.test/', retryPolicy: { type: 'none' } } } }), { send: () => json(503) });
    expect(none.sent).toHaveLength(1);
    const started = Date.now();
    const after = await run(definition({ Call: { type: 'Http', inputs: { method: 'GET', uri: 'https://api.test/' } } }), {
      timeScale: 0.01,
      send: (_r, n) => (n === 1 ? json(429, undefined, { 'retry-after': '20' }) : json(200, { ok: true })),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
    expect(after.action('Call')?.status).toBe('Succeeded');
  });

  it('polls the Location of a 202 until the answer is final (the asynchronous pattern), unless DisableAsyncPattern', async () => {
    const answers = [json(202, undefined, { location: 'https://api.test/op/1' }), json(202, undefined, { location: 'https://api.test/op/1', 'retry-after': '1' }), json(204)];
    const polled = await run(definition({ Delete: { type: 'Http', inputs: { method: 'DELETE', uri: 'https://api.test/g', authentication: { type: 'ManagedServiceIdentity' } } } }), {
      send: (_r, n) => answers[n - 1]!,
    });
    expect(polled.sent.map((r) => `${r.method} ${r.url}`)).toEqual(['DELETE https://api.test/g', 'GET https://api.test/op/1', 'GET https://api.test/op/1']);
    expect(polled.sent[2]?.headers.Authorization).toBe('Bearer token-for-https://management.azure.com/');
    expect(polled.action('Delete')).toMatchObject({ status: 'Succeeded', code: 'NoContent' });
    const direct = await run(definition({ Delete: { type: 'Http', inputs: { method: 'DELETE', uri: 'https://api.test/g' }, operationOptions: 'DisableAsyncPattern' } }), {
      send: () => answers[0]!,
    });
    expect(direct.sent).toHaveLength(1);
    expect(direct.action('Delete')).toMatchObject({ status: 'Succeeded', code: 'Accepted' });
  });

  it("fails with the service's text when no token can be had", async () => {
    const host: EngineHost = { send: async () => json(200), token: async () => Promise.reject(new Error('the workflow has no system-assigned identity')) };
    const handle = startRun(
      {
        definition: definition({ Call: { type: 'Http', inputs: { method: 'GET', uri: 'https://api.test/', authentication: { type: 'ManagedServiceIdentity' } } } }),
        parameters: {},
        workflow: { id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Logic/workflows/wf', name: 'wf', location: 'westeurope', version: '1', workflowId: 'x' },
        runName: 'R',
        trigger: { name: 'manual', type: 'Request', outputs: {} },
        timeScale: 0.001,
      },
      host,
    );
    const record = await handle.done;
    expect(record.actions.get('Call')).toMatchObject({
      status: 'Failed',
      error: { code: 'BadRequest', message: "Http request failed as there is an error getting AD OAuth token: 'the workflow has no system-assigned identity'." },
    });
  });
});

describe('Response', () => {
  const respond = (name: string, statusCode: unknown, extra: Partial<ActionDefinition> = {}): ActionDefinition => ({
    type: 'Response',
    kind: 'Http',
    inputs: { statusCode, headers: { 'Content-Type': 'application/json' }, body: { answer: "@triggerBody()['x']" } },
    ...extra,
  });

  it('hands its answer to the request that started the run', async () => {
    const { replies, action } = await run(definition({ Answer: respond('Answer', 200, { operationOptions: 'Asynchronous' }) }));
    expect(replies).toEqual([{ statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: { answer: 21 } }]);
    expect(action('Answer')).toMatchObject({ status: 'Succeeded', code: 'OK' });
  });

  it('fails a second Response (the request has its answer) and one in a run no request started', async () => {
    const twice = await run(definition({ First: respond('First', 200), Second: respond('Second', 500, { runAfter: { First: ['Succeeded'] } }) }));
    expect(twice.replies).toHaveLength(1);
    expect(twice.action('Second')?.status).toBe('Failed');
    const scheduled = await run(definition({ Answer: respond('Answer', 200) }), { noRequest: true, trigger: { name: 'Recurrence', type: 'Recurrence', outputs: { body: { x: 1 } } } });
    expect(scheduled.action('Answer')?.status).toBe('Failed');
    expect(scheduled.action('Answer')?.error?.message).toContain('was not started by an HTTP request');
  });

  it('refuses a 3xx status code', async () => {
    const { action, replies } = await run(definition({ Answer: respond('Answer', 302) }));
    expect(replies).toHaveLength(0);
    expect(action('Answer')?.status).toBe('Failed');
  });
});

describe('run history', () => {
  it('marks secured inputs and outputs so the history can hide them', async () => {
    const { action } = await run(
      definition({
        Secret: { type: 'Compose', inputs: "@parameters('password')", runtimeConfiguration: { secureData: { properties: ['inputs'] } } },
        Both: { type: 'Compose', inputs: 1, runtimeConfiguration: { secureData: { properties: ['inputs', 'outputs'] } } },
        Open: { type: 'Compose', inputs: 1 },
      }, { password: { type: 'SecureString' } }),
      { parameters: { password: 'hunter2' } },
    );
    expect(action('Secret')?.secure).toEqual({ inputs: true, outputs: false });
    expect(action('Both')?.secure).toEqual({ inputs: true, outputs: true });
    expect(action('Open')?.secure).toEqual({ inputs: false, outputs: false });
    expect(action('Secret')?.outputs).toBe('hunter2'); // later actions still read it
  });

  it('cancels: a running action ends Cancelled, the run Cancelled, nothing after it starts', async () => {
    const launched = launch(
      definition({ Long: { type: 'Wait', inputs: { interval: { count: 1, unit: 'Hour' } } }, After: { type: 'Compose', inputs: 1, runAfter: { Long: ['Succeeded', 'Cancelled'] } } }),
      { timeScale: 1 },
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(launched.handle.record.status).toBe('Running');
    expect(launched.handle.record.actions.get('Long')?.status).toBe('Running');
    launched.handle.cancel();
    const record = await launched.handle.done;
    expect(record.status).toBe('Cancelled');
    expect(statuses(record)).toEqual({ Long: 'Cancelled' });
  });
});

describe("R Deploy's Container Instances workflow", () => {
  const groupBody = { location: 'westeurope', properties: { containers: [{ name: 'model', properties: { image: 'x', resources: { requests: { cpu: 1, memoryInGB: 1 } } } }], osType: 'Linux', restartPolicy: 'Never' } };
  const parameters = { containerGroups: 'https://arm.test/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/', armAudience: 'https://arm.test/', groupPrefix: 'rd-', schedulePayload: {} };

  /** A scripted ARM: the group is Pending, Running, then Succeeded; its logs carry a framed result. */
  function arm(exitCode: number, logs: string) {
    let gets = 0;
    return (request: OutboundRequest): InboundResponse => {
      const url = new URL(request.url);
      if (request.method === 'PUT') return json(201, { properties: { provisioningState: 'Pending' } });
      if (request.method === 'DELETE') return url.pathname.includes('operationResults') ? json(204) : json(202, undefined, { location: 'https://arm.test/operationResults/1' });
      if (request.method === 'GET' && url.pathname.includes('operationResults')) return json(204);
      if (url.pathname.endsWith('/logs')) return json(200, { content: logs });
      gets++;
      const state = gets < 3 ? 'Running' : 'Succeeded';
      return json(200, { properties: { instanceView: { state }, containers: [{ properties: { instanceView: { currentState: { exitCode } } } }] } });
    };
  }

  it('creates the group, waits for it, reads its logs, deletes it and answers with the result', async () => {
    const def = workflowDefinition({ containerGroup: groupBody as never, timeoutMinutes: 5, withRegistryPassword: false }) as unknown as WorkflowDefinition;
    const framed = `${RESULT_MARK}${Buffer.from(JSON.stringify({ score: 0.9 })).toString('base64')}]`;
    const { record, sent, replies } = await run(def, { parameters, send: arm(0, `loading\n${framed}\n`) });
    expect(statuses(record)).toMatchObject({
      Run: 'Succeeded',
      Create_container_group: 'Succeeded',
      Wait_for_container_group: 'Succeeded',
      Get_logs: 'Succeeded',
      Delete_container_group: 'Succeeded',
      Has_result: 'Succeeded',
      Respond_with_result: 'Succeeded',
      Respond_without_result: 'Skipped',
    });
    const group = 'https://arm.test/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/rd-08584737551867954143243946780cu57';
    expect(sent[0]).toMatchObject({ method: 'PUT' });
    expect(sent[0]!.url.startsWith(`${group}?api-version=`)).toBe(true);
    expect(sent.filter((r) => r.method === 'DELETE').map((r) => r.url.split('?')[0])).toEqual([group]);
    expect(replies).toEqual([{ statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: { score: 0.9 } }]);
    expect(record.actions.get('Create_container_group')?.secure.inputs).toBe(true);
    expect(record.status).toBe('Succeeded');
  });

  it('deletes the group and answers 502 when the group cannot be created', async () => {
    const def = workflowDefinition({ containerGroup: groupBody as never, timeoutMinutes: 5, withRegistryPassword: false }) as unknown as WorkflowDefinition;
    const { record, sent, replies } = await run(def, {
      parameters,
      send: (r) => (r.method === 'PUT' ? json(403, { error: { code: 'AuthorizationFailed', message: 'no' } }) : r.method === 'DELETE' ? json(204) : json(500)),
    });
    expect(statuses(record)).toMatchObject({ Run: 'Failed', Create_container_group: 'Failed', Wait_for_container_group: 'Skipped', Get_logs: 'Skipped', Delete_container_group: 'Succeeded', Respond_without_result: 'Succeeded' });
    expect(sent.map((r) => r.method)).toEqual(['PUT', 'DELETE']);
    expect(replies[0]?.statusCode).toBe(502);
    expect(replies[0]?.body).toMatchObject({ errorType: 'RunFailed' });
  });
});

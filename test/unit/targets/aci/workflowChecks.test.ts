import { describe, expect, it } from 'vitest';
import { ALL_STATUSES, checkWorkflow, expressionsIn } from '../../../support/workflowChecks';
import { clone, definitionFor, schedulerFor, TIMEOUT_MINUTES } from './workflowFixture';

// The checker of test/support/workflowChecks.ts on definitions broken by hand: each check can fail,
// and it names what is wrong (the good definitions pass: workflow.semantics.test.ts).
type J = Record<string, unknown>;
const node = (root: unknown, path: string): J => path.split('.').reduce<unknown>((n, k) => (n as J)[k], root) as J;
const RUN = 'actions.Run.actions';
const WITH_RESULT = 'actions.Has_result.actions.Respond_with_result';
const WITHOUT_RESULT = 'actions.Has_result.else.actions.Respond_without_result';
const good = () => clone(definitionFor({ registryPassword: true }));
/** The scheduler and the main workflow it calls, as bodies.ts makes them. */
const scheduler = () => clone(schedulerFor());
const check = (d: unknown, workflows?: Record<string, unknown>) => checkWorkflow(d, { timeoutMinutes: TIMEOUT_MINUTES, ...(workflows ? { workflows } : {}) });
const fired = (d: unknown) => [...new Set(check(d).map((i) => i.check))].sort();
const messages = (d: unknown) => check(d).map((i) => i.message);

describe('workflow checks', () => {
  it('pass the definitions they are written for: the main workflow, and the scheduler with the workflow it calls', () => {
    expect(check(good())).toEqual([]);
    const s = scheduler();
    expect(check(s.definition, { [s.mainId]: s.main })).toEqual([]);
  });

  it('read expressions as the service does: "@…" whole, "@{…}" inside text, "@@" literal', () => {
    expect(expressionsIn("@concat('a', 'b')")).toEqual(["concat('a', 'b')"]);
    expect(expressionsIn("x @{a()} y @{b('}')} z")).toEqual(['a()', "b('}')"]);
    expect(expressionsIn("@{parameters('p')}/x")).toEqual(["parameters('p')"]);
    expect(expressionsIn("@@{parameters('p')}")).toEqual([]);
    expect(expressionsIn('no expression')).toEqual([]);
  });

  it('run-after-sibling: runAfter names an action beside it, not itself, with known statuses', () => {
    const other = good();
    node(other, `${RUN}.Get_logs`).runAfter = { Delete_container_group: ['Succeeded'] };
    expect(fired(other)).toEqual(['run-after-sibling']);
    expect(messages(other)).toEqual(['Get_logs runs after "Delete_container_group", which is not an action beside it in the same scope']);

    const self = good();
    node(self, `${RUN}.Get_logs`).runAfter = { Get_logs: ['Succeeded'] };
    expect(fired(self)).toEqual(['run-after-sibling']);

    const status = good();
    node(status, `${RUN}.Get_logs`).runAfter = { Wait_for_container_group: ['Done'] };
    expect(fired(status)).toEqual(['run-after-sibling']);
  });

  it('run-after-cycle: no action waits for itself through others', () => {
    const d = good();
    node(d, `${RUN}.Create_container_group`).runAfter = { Get_logs: ['Succeeded'] };
    expect(fired(d)).toEqual(['run-after-cycle']);
    expect(messages(d)).toEqual(['runAfter makes a cycle: Create_container_group → Get_logs → Wait_for_container_group → Create_container_group']);
  });

  it("action-reference: actions('X'), body('X'), outputs('X'), result('X') name an action that exists", () => {
    const d = good();
    const inputs = node(d, `${WITH_RESULT}.inputs`);
    inputs.statusCode = String(inputs.statusCode).replace("body('Get_container_group')", "body('Get_container_grop')");
    expect(fired(d)).toEqual(['action-reference']);
    expect(messages(d)).toEqual(["body('Get_container_grop') names no action of the definition"]);

    const notScoped = good();
    node(notScoped, 'actions.Has_result').expression = "@equals(result('Get_logs'), null)";
    expect(messages(notScoped)).toContain("result('Get_logs') needs a scoped action (Scope, Until, Foreach), not Http");
  });

  it("parameter-reference and parameter-unused: parameters('p') names a declared parameter, and each declared one is used", () => {
    const missing = good();
    const create = node(missing, `${RUN}.Create_container_group.inputs`);
    create.uri = String(create.uri).replace("parameters('containerGroups')", "parameters('containerGroup')");
    expect(fired(missing)).toEqual(['parameter-reference']);

    const unused = good();
    node(unused, 'parameters').extra = { type: 'String' };
    expect(fired(unused)).toEqual(['parameter-unused']);

    // A registry password declared but never handed to the container group.
    const noCredentials = good();
    delete node(noCredentials, `${RUN}.Create_container_group.inputs.body.properties`).imageRegistryCredentials;
    expect(messages(noCredentials)).toEqual(['the parameter registryPassword is declared but no expression uses it']);
  });

  it('trigger-reference: trigger() needs a trigger, triggerBody() a Request trigger', () => {
    const d = good();
    d.triggers = { Webhook: { type: 'HttpWebhook', inputs: { subscribe: { method: 'POST', uri: 'https://example.org/s' }, unsubscribe: {} } } };
    expect(check(d).filter((i) => i.check === 'trigger-reference').map((i) => i.message)).toEqual(['triggerBody() is used but no trigger has a body (no Request trigger)']);
    d.triggers = {};
    node(d, 'actions.Has_result').expression = "@equals(trigger()?['name'], 'manual')";
    expect(check(d).filter((i) => i.check === 'trigger-reference').map((i) => i.message)).toEqual([
      'triggerBody() is used but no trigger has a body (no Request trigger)',
      'trigger() is used but the definition has no trigger',
    ]);

    // The scheduler's Recurrence has no body: its payload is a parameter, not the trigger's.
    const s = scheduler();
    node(s.definition, 'actions.Run_model.inputs').body = '@triggerBody()';
    expect(check(s.definition, { [s.mainId]: s.main }).map((i) => i.check).sort()).toEqual(['parameter-unused', 'trigger-reference']);
  });

  it('cleanup: the delete runs after the scope of the create whatever its end', () => {
    const partial = good();
    node(partial, 'actions.Delete_container_group').runAfter = { Run: ['Succeeded', 'Failed'] };
    expect(fired(partial)).toEqual(['cleanup']);
    expect(messages(partial)).toEqual(['Delete_container_group does not run when Run ends Skipped or TimedOut: the container group would be left running and billed']);
  });

  it('cleanup: nothing else the delete runs after can hold it back', () => {
    const d = good();
    node(d, 'actions').Note = { type: 'Compose', inputs: 'x' };
    node(d, 'actions.Delete_container_group').runAfter = { Run: [...ALL_STATUSES], Note: ['Succeeded'] };
    expect(messages(d)).toEqual(['Delete_container_group does not run when Note ends Failed or Skipped or TimedOut: the container group would be left running and billed']);
  });

  it('cleanup: the delete sits outside the scope, which holds the create', () => {
    const inside = good();
    const top = node(inside, 'actions');
    node(inside, RUN).Delete_container_group = { ...node(inside, 'actions.Delete_container_group'), runAfter: { Get_logs: [...ALL_STATUSES] } };
    delete top.Delete_container_group;
    expect(fired(inside)).toEqual(['cleanup']);
    expect(messages(inside)).toEqual(['Delete_container_group sits inside Run, the scope that holds the create: a failure in the scope skips it']);

    const bare = good();
    const create = node(bare, `${RUN}.Create_container_group`);
    delete node(bare, RUN).Create_container_group;
    delete node(bare, `${RUN}.Wait_for_container_group`).runAfter;
    node(bare, 'actions').Create_container_group = create;
    node(bare, 'actions.Run').runAfter = { Create_container_group: ['Succeeded'] };
    expect(fired(bare)).toEqual(['cleanup']);
    expect(messages(bare)[0]).toMatch(/^Create_container_group must sit inside a Scope/);
  });

  it('cleanup: a definition that creates has a delete; one that creates nothing (the scheduler) needs none', () => {
    const noDelete = good();
    delete node(noDelete, 'actions').Delete_container_group;
    expect(fired(noDelete)).toEqual(['cleanup']);
    expect(messages(noDelete)).toEqual(['the definition needs both Create_container_group and Delete_container_group']);

    const s = scheduler();
    expect(check(s.definition, { [s.mainId]: s.main }).filter((i) => i.check === 'cleanup')).toEqual([]);
    node(s.definition, 'actions').Create_container_group = clone(node(good(), `${RUN}.Create_container_group`));
    expect(check(s.definition, { [s.mainId]: s.main }).filter((i) => i.check === 'cleanup').map((i) => i.message)).toEqual(['the definition needs both Create_container_group and Delete_container_group']);
  });

  it('response-async: every Response answers asynchronously', () => {
    const d = good();
    delete node(d, WITHOUT_RESULT).operationOptions;
    expect(fired(d)).toEqual(['response-async']);
  });

  /** The answer of `d` moved into an If on the trigger's name (the design before the scheduler). */
  const guardAnswer = (d: J, triggerName: string): J => {
    const actions = node(d, 'actions');
    const hasResult = actions.Has_result as J;
    delete hasResult.runAfter;
    actions.Answer_request = { type: 'If', expression: `@equals(trigger()?['name'], '${triggerName}')`, actions: { Has_result: hasResult }, runAfter: { Run: [...ALL_STATUSES] } };
    delete actions.Has_result;
    // The delete waits for the answer, now inside the If.
    (actions.Delete_container_group as J).runAfter = { Answer_request: [...ALL_STATUSES] };
    return d;
  };

  it('response-guarded: a Response answers a Request trigger, and only that trigger can start the runs it is in', () => {
    // Only a Request trigger (the main workflow): every run has a caller waiting.
    expect(check(good()).filter((i) => i.check === 'response-guarded')).toEqual([]);

    const webhook = { type: 'HttpWebhook', inputs: { subscribe: { method: 'POST', uri: 'https://example.org/s' }, unsubscribe: {} } };
    const beside = good();
    node(beside, 'triggers').Webhook = webhook;
    expect(fired(beside)).toEqual(['response-guarded']);
    expect(messages(beside)).toEqual([
      'Respond_with_result can run in a run started by a trigger other than a Request trigger: nobody waits for that answer',
      'Respond_without_result can run in a run started by a trigger other than a Request trigger: nobody waits for that answer',
    ]);

    // An If on the trigger's name guards the answers…
    const guarded = guardAnswer(clone(beside), 'manual');
    expect(check(guarded)).toEqual([]);
    // …when it names a Request trigger, and only in its then-branch.
    expect(fired(guardAnswer(clone(beside), 'Webhook'))).toEqual(['response-guarded']);
    const inElse = clone(guarded);
    const answer = node(inElse, 'actions.Answer_request');
    answer.else = { actions: answer.actions };
    answer.actions = {};
    expect(fired(inElse)).toEqual(['response-guarded']);

    // No Request trigger at all: nobody to answer.
    const none = good();
    none.triggers = { Webhook: webhook };
    expect(check(none).filter((i) => i.check === 'response-guarded').map((i) => i.message)).toEqual([
      'Respond_with_result answers a request, but no trigger of the workflow is a Request trigger: nobody waits for that answer',
      'Respond_without_result answers a request, but no trigger of the workflow is a Request trigger: nobody waits for that answer',
    ]);
  });

  it('response-with-recurrence: no Response beside a trigger with a recurrence, guarded or not (the service refuses the definition)', () => {
    // The design before the scheduler: a Recurrence beside the Request trigger, the answer in an If on the trigger's name.
    const d = guardAnswer(good(), 'manual');
    node(d, 'triggers').Recurrence = { type: 'Recurrence', recurrence: { frequency: 'Day', interval: 1 } };
    expect(fired(d)).toEqual(['response-with-recurrence']);
    expect(messages(d)).toHaveLength(2);
    expect(messages(d)[0]).toContain("The workflow with 'Response' action type should not have triggers with 'recurrence' property defined");
  });

  it('until-limit: count from 1 to 5,000, timeout PT{timeoutMinutes}M', () => {
    const count = good();
    node(count, `${RUN}.Wait_for_container_group.limit`).count = 5_001;
    expect(fired(count)).toEqual(['until-limit']);
    const timeout = good();
    node(timeout, `${RUN}.Wait_for_container_group.limit`).timeout = 'PT31M';
    expect(messages(timeout)).toEqual(["Wait_for_container_group's timeout is PT31M, not PT30M (the run's timeout)"]);
    node(timeout, `${RUN}.Wait_for_container_group.limit`).timeout = '30 minutes';
    expect(fired(timeout)).toEqual(['until-limit']);
  });

  it('until-count-covers-timeout: the count never ends the wait before the timeout does', () => {
    const d = good();
    node(d, `${RUN}.Wait_for_container_group.limit`).count = 100;
    expect(fired(d)).toEqual(['until-count-covers-timeout']);
    expect(messages(d)).toEqual(['Wait_for_container_group stops after 100 polls of 10 s (17 min at most), before its timeout of 30 min']);
  });

  it('secure-inputs: inputs that carry a SecureString parameter are hidden from the run history', () => {
    const create = good();
    delete node(create, `${RUN}.Create_container_group`).runtimeConfiguration;
    expect(fired(create)).toEqual(['secure-inputs']);
    expect(check(create)).toHaveLength(2);

    const elsewhere = good();
    node(elsewhere, `${RUN}.Get_logs.inputs`).headers = { 'x-registry': "@parameters('registryPassword')" };
    expect(messages(elsewhere)).toEqual([expect.stringMatching(/^Get_logs's inputs use a SecureString parameter but are not secured/)]);
  });

  it('literal-secret: no password, key or token written into the definition', () => {
    const literal = good();
    const credentials = node(literal, `${RUN}.Create_container_group.inputs.body.properties`).imageRegistryCredentials as J[];
    credentials[0]!.password = 'S3cr3t-literal';
    expect(fired(literal)).toEqual(['literal-secret', 'parameter-unused']);

    const defaulted = good();
    node(defaulted, 'parameters.registryPassword').defaultValue = 'S3cr3t-literal';
    expect(fired(defaulted)).toEqual(['literal-secret']);

    const plain = good();
    node(plain, 'parameters').registryPassword = { type: 'String' };
    expect(fired(plain)).toEqual(['literal-secret']);

    const token = good();
    node(token, `${RUN}.Get_logs.inputs`).headers = { 'x-ms-client': 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl' };
    expect(fired(token)).toEqual(['literal-secret']);
  });

  it('arm-call: ARM is called with the managed identity, an audience and an api-version', () => {
    const noAuth = good();
    delete node(noAuth, `${RUN}.Get_logs.inputs`).authentication;
    expect(fired(noAuth)).toEqual(['arm-call']);

    const noAudience = good();
    node(noAudience, 'actions.Delete_container_group.inputs.authentication').audience = '';
    expect(messages(noAudience)).toEqual(["Delete_container_group's managed identity has no audience"]);

    const noVersion = good();
    const uri = node(noVersion, `${RUN}.Wait_for_container_group.actions.Get_container_group.inputs`);
    uri.uri = String(uri.uri).replace(/\?api-version=.*$/, '');
    expect(fired(noVersion)).toEqual(['arm-call']);

    // A call to another host is not a call to ARM.
    const webhook = good();
    node(webhook, 'actions').Notify = { type: 'Http', inputs: { method: 'POST', uri: 'https://example.org/hook' }, runAfter: { Has_result: ['Succeeded'] } };
    expect(check(webhook)).toEqual([]);
  });

  it("workflow-call: a Workflow action names a workflow's resource id and one of its Request triggers, and is not retried", () => {
    const calls = (d: J, workflows?: Record<string, unknown>) => check(d, workflows).filter((i) => i.check === 'workflow-call').map((i) => i.message);
    const s = scheduler();
    const known = { [s.mainId]: s.main };
    const host = () => node(s.definition, 'actions.Run_model.inputs.host');

    expect(calls(s.definition, known)).toEqual([]);
    // Without the definition it calls, the check cannot pass it.
    expect(calls(s.definition)).toEqual([`Run_model calls ${s.mainId}, a workflow the check was not given: it cannot say whether the call works`]);

    host().triggerName = 'request';
    expect(calls(s.definition, known)).toEqual(['Run_model calls the trigger "request" of rdeploy-demo, whose triggers are manual']);

    // Calling the scheduler itself: its trigger is a Recurrence.
    node(host(), 'workflow').id = s.id;
    host().triggerName = 'Recurrence';
    expect(calls(s.definition, { ...known, [s.id]: s.definition })).toEqual([
      'Run_model calls the trigger Recurrence of rdeploy-demo-schedule, a Recurrence trigger: a workflow can only be called through a Request trigger',
    ]);

    // The default retry policy would resend a call whose run failed (500 or 502): another run, another container group.
    const retried = scheduler();
    delete node(retried.definition, 'actions.Run_model.inputs').retryPolicy;
    expect(calls(retried.definition, known)).toEqual(['Run_model is retried (default retry policy): each retry of a call whose run failed starts another run']);
    node(retried.definition, 'actions.Run_model.inputs').retryPolicy = { type: 'fixed', count: 2, interval: 'PT30S' };
    expect(calls(retried.definition, known)).toEqual(['Run_model is retried (fixed retry policy): each retry of a call whose run failed starts another run']);
    node(retried.definition, 'actions.Run_model.inputs').retryPolicy = { type: 'None' };
    expect(calls(retried.definition, known)).toEqual([]);

    host().triggerName = 'manual';
    node(host(), 'workflow').id = 'rdeploy-demo';
    expect(calls(s.definition, known)).toEqual([
      'Run_model calls "rdeploy-demo", which is not a workflow\'s resource id (/subscriptions/…/resourceGroups/…/providers/Microsoft.Logic/workflows/NAME)',
    ]);
  });
});

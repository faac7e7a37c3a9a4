import { describe, expect, it } from 'vitest';
import { actionsPerRun, pollSeconds, POLL_SECONDS, RECURRENCE_TRIGGER, REQUEST_TRIGGER } from '../../../../src/targets/aci/workflow';
import { evaluateCondition } from '../../../doubles/azure/logic/expressions/condition';
import type { ExpressionRuntime } from '../../../doubles/azure/logic/expressions/functions';
import { evaluateValue } from '../../../doubles/azure/logic/expressions/template';
import { checkWorkflow, type Issue } from '../../../support/workflowChecks';
import { definitionFor, deployment, schedulerFor, TIMEOUT_MINUTES, VARIANTS } from './workflowFixture';

// The generated definitions against the semantic checks of test/support/workflowChecks.ts: what an
// Azure engineer reads for (runAfter, references, cleanup, answers, limits, secrets, ARM calls,
// the scheduler's call of the main workflow).
type J = Record<string, unknown>;
const node = (root: unknown, p: string): J => p.split('.').reduce<unknown>((n, k) => (n as J)[k], root) as J;
const issues = (v: Parameters<typeof definitionFor>[0]): Issue[] => checkWorkflow(definitionFor(v), { timeoutMinutes: v.timeoutMinutes ?? TIMEOUT_MINUTES });
const WAIT = 'actions.Run.actions.Wait_for_container_group';

describe('the workflow definitions, checked', () => {
  it.each(VARIANTS)('the $name definition passes every check', (v) => {
    expect(issues(v)).toEqual([]);
  });

  it('the scheduler passes every check, its call of the main workflow included', () => {
    const s = schedulerFor();
    expect(checkWorkflow(s.definition, { workflows: { [s.mainId]: s.main } })).toEqual([]);
  });

  it('is what bodies.ts deploys: its main definition is the fixture\'s, with a schedule or without', () => {
    expect(deployment().workflow.properties.definition).toEqual(definitionFor({ registryPassword: true }));
    expect(deployment('0 2 * * *').workflow.properties.definition).toEqual(definitionFor({ registryPassword: true }));
    expect(deployment()).not.toHaveProperty('schedule');
  });

  it('a deployment with a schedule can be saved: no Response beside the Recurrence trigger, in either workflow', () => {
    const s = schedulerFor('0 2 * * *');
    expect(Object.entries(node(s.main, 'triggers')).map(([name, t]) => [name, (t as J).type])).toEqual([[REQUEST_TRIGGER, 'Request']]);
    expect(Object.entries(node(s.definition, 'triggers')).map(([name, t]) => [name, (t as J).type])).toEqual([[RECURRENCE_TRIGGER, 'Recurrence']]);
    for (const d of [s.main, s.definition]) {
      expect(checkWorkflow(d, { timeoutMinutes: TIMEOUT_MINUTES, workflows: { [s.mainId]: s.main } })).toEqual([]);
    }
  });

  it('the scheduler hands the main workflow the schedule\'s payload, as the body of its Request trigger', () => {
    const d = deployment('every monday at 08:30');
    const call = node(d.schedule!.body.properties.definition, 'actions.Run_model.inputs');
    // Not retried: a failed run answers 500 or 502, and each retry would start (and bill) another run.
    expect(call).toEqual({ host: { triggerName: REQUEST_TRIGGER, workflow: { id: d.workflowId } }, body: "@json(parameters('schedulePayload'))", retryPolicy: { type: 'none' } });
    // JSON text: a payload may be any JSON value (rows as an array), and a parameter has one declared type.
    expect(node(d.schedule!.body.properties.definition, 'parameters.schedulePayload')).toEqual({ type: 'String', defaultValue: '{}' });
    expect(JSON.parse(d.schedule!.body.properties.parameters.schedulePayload!.value as string)).toEqual({ vehicles: [{ id: 'V1', km: 120_000 }] });
    expect(d.schedule!.id).toBe('/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-demo/providers/Microsoft.Logic/workflows/rdeploy-demo-schedule');
  });

  it.each([1, 30, 60, 240, 833, 834, 1_000])('with timeoutMinutes %i the Until polls until its timeout, not fewer times', (timeoutMinutes) => {
    expect(issues({ registryPassword: false, timeoutMinutes })).toEqual([]);
  });

  it("with timeoutMinutes 1440 (the setting's maximum) the count does not end the wait before the timeout: the polls are longer", () => {
    expect(pollSeconds(1_440)).toBeGreaterThan(POLL_SECONDS);
    const d = definitionFor({ registryPassword: false, timeoutMinutes: 1_440 });
    expect(node(d, `${WAIT}.actions.Delay.inputs.interval`)).toEqual({ count: pollSeconds(1_440), unit: 'Second' });
    expect(issues({ registryPassword: false, timeoutMinutes: 1_440 })).toEqual([]);
  });

  it('shares no object between two places of a definition (editing one action never edits another)', () => {
    const shared = (root: unknown): string[] => {
      const seen = new Map<object, string>();
      const found: string[] = [];
      const walk = (v: unknown, at: string) => {
        if (typeof v !== 'object' || v === null) return;
        const first = seen.get(v);
        if (first !== undefined) {
          found.push(`${at} is ${first}`);
          return;
        }
        seen.set(v, at);
        for (const [k, x] of Object.entries(v)) walk(x, `${at}.${k}`);
      };
      walk(root, 'definition');
      return found;
    };
    const s = schedulerFor();
    for (const d of [definitionFor({ registryPassword: true }), definitionFor({ registryPassword: false }), s.main, s.definition]) expect(shared(d)).toEqual([]);
  });

  it('actionsPerRun (the cost estimate) counts what the definitions execute: once per run, twice per poll, two more for a scheduled run', () => {
    /** Every action of a map, nested ones included, with the Until it sits in, if any. */
    const all = (actions: unknown, inUntil = false): Array<{ type: string; inUntil: boolean }> =>
      Object.values((actions ?? {}) as Record<string, J>).flatMap((a) => [
        { type: String(a.type), inUntil },
        ...all(a.actions, inUntil || a.type === 'Until'),
        ...all((a.else as J | undefined)?.actions, inUntil),
      ]);
    const s = schedulerFor();
    const main = all(s.main.actions);
    const perPoll = main.filter((a) => a.inUntil).length;
    // One of the two Responses answers (the If's branches exclude each other).
    const once = Object.keys(node(s.main, 'triggers')).length + main.filter((a) => !a.inUntil).length - (main.filter((a) => a.type === 'Response').length - 1);
    const scheduler = Object.keys(node(s.definition, 'triggers')).length + all(s.definition.actions).length;
    for (const polls of [1, 7, 360]) {
      expect(actionsPerRun(polls)).toBe(once + perPoll * polls);
      expect(actionsPerRun(polls, true)).toBe(once + perPoll * polls + scheduler);
    }
  });

  it('every timeout the setting allows (1 to 1,440 minutes) gives an Until within the service limits that the timeout ends', () => {
    const wrong: string[] = [];
    for (let timeoutMinutes = 1; timeoutMinutes <= 1_440; timeoutMinutes++) {
      for (const i of issues({ registryPassword: false, timeoutMinutes })) wrong.push(`${timeoutMinutes} min: ${i.message}`);
    }
    expect(wrong).toEqual([]);
  });
});

/**
 * The wait's end and the answer's status, evaluated by the Logic Apps double's expression
 * language (test/doubles/azure/logic/expressions) on container groups as ARM returns them.
 */
describe('the wait and the answer, evaluated', () => {
  const runtime = (group: unknown): ExpressionRuntime => ({
    parameter: () => {
      throw new Error('no parameter is read here');
    },
    trigger: () => ({}),
    workflow: () => ({ run: { name: '08584000000000000000000000000CU00' } }),
    action: (name) => (name === 'Get_container_group' ? { status: 'Succeeded', outputs: { statusCode: 200, body: group } } : undefined),
    result: () => [],
    now: () => new Date(),
  });
  const group = (properties: J) => ({ name: 'rd-demo-x', properties });
  const withState = (state: string | undefined, exitCode?: number) =>
    group({
      provisioningState: 'Succeeded',
      ...(state ? { instanceView: { state } } : {}),
      containers: [{ name: 'model', properties: { instanceView: exitCode === undefined ? {} : { currentState: { state: 'Terminated', exitCode } } } }],
    });
  const definition = definitionFor({ registryPassword: false });
  const ended = (body: unknown) => evaluateCondition(node(definition, WAIT).expression, runtime(body));
  const status = (body: unknown) => evaluateValue(node(definition, 'actions.Has_result.actions.Respond_with_result.inputs').statusCode, runtime(body));

  it('the wait ends when the group succeeded, failed or was stopped, or could not be provisioned', () => {
    expect(ended(withState('Succeeded', 0))).toBe(true);
    expect(ended(withState('Failed', 1))).toBe(true);
    expect(ended(withState('Stopped'))).toBe(true);
    // An image that cannot be pulled: ARM reports the provisioning failed, with no instance view.
    expect(ended(group({ provisioningState: 'Failed', containers: [] }))).toBe(true);
  });

  it('the wait goes on while the group is created or runs, and when a look returned nothing', () => {
    expect(ended(group({ provisioningState: 'Creating' }))).toBe(false);
    expect(ended(withState('Pending'))).toBe(false);
    expect(ended(withState('Running'))).toBe(false);
    expect(ended(null)).toBe(false);
  });

  it("the answer's status is 200 for exit code 0, else 500, also for a group without containers", () => {
    expect(status(withState('Succeeded', 0))).toBe(200);
    expect(status(withState('Failed', 1))).toBe(500);
    expect(status(group({ provisioningState: 'Failed', containers: [] }))).toBe(500);
    expect(status(group({ provisioningState: 'Failed' }))).toBe(500);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import AjvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { clone, definitionFor, schedulerFor, VARIANTS } from './workflowFixture';

// The generated definition against two schemas: the project's own, exactly the subset we generate
// and strict where the service is; and the published one, as Microsoft wrote it. Both the main
// workflow and, for a schedule, the scheduler that calls it.
type J = Record<string, unknown>;
const node = (root: unknown, p: string): J => p.split('.').reduce<unknown>((n, k) => (n as J)[k], root) as J;
const RUN = 'actions.Run.actions';
/** Each form the schedule setting takes: the words, cron, cron steps (listed on the clock), week days. */
const SCHEDULES = ['every 1 day at 02:00', 'every 6 hours', 'every 15 minutes', 'every 500 days', 'every monday at 08:30', '0 2 * * *', '0 8 * * 1', '0 6 1 * *', '*/15 * * * *', '30 */2 * * *', '5 * * * *', '0 8 * * 0,7'];
const scheduler = () => clone(schedulerFor().definition);

const subset = new Ajv2020({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync(path.join(__dirname, 'workflow.subset.schema.json'), 'utf8')) as object);
const subsetErrors = (d: unknown) => (subset(d) ? [] : subset.errors!.map((e) => `${e.instancePath} ${e.message ?? ''}`));

describe('the subset schema (test/unit/targets/aci/workflow.subset.schema.json)', () => {
  it.each(VARIANTS)('accepts the $name definition', (v) => {
    expect(subsetErrors(definitionFor(v))).toEqual([]);
  });

  it.each(SCHEDULES)('accepts the scheduler of the schedule "%s"', (schedule) => {
    expect(subsetErrors(schedulerFor(schedule).definition)).toEqual([]);
  });

  // Each break is one the service refuses or that R Deploy must never generate.
  const breaks: Array<[string, (d: J) => void, RegExp]> = [
    ['an unknown member of an action', (d) => (node(d, 'actions.Delete_container_group').recurrence = {}), /\/actions\/Delete_container_group must NOT have additional properties/],
    ['an unknown top-level key', (d) => (d.variables = {}), /^ must NOT have additional properties/],
    ['a runAfter status outside Succeeded, Failed, Skipped, TimedOut', (d) => (node(d, 'actions.Delete_container_group').runAfter = { Run: ['Aborted'] }), /runAfter\/Run\/0 must be equal to one of the allowed values/],
    ['an Until count over 5,000', (d) => (node(d, `${RUN}.Wait_for_container_group.limit`).count = 5_001), /limit\/count must be <= 5000/],
    ['an Until timeout that is not ISO 8601', (d) => (node(d, `${RUN}.Wait_for_container_group.limit`).timeout = '30m'), /limit\/timeout must match pattern/],
    ['a Wait unit the service does not know', (d) => (node(d, `${RUN}.Wait_for_container_group.actions.Delay.inputs.interval`).unit = 'Fortnight'), /interval\/unit must be equal to one of the allowed values/],
    ['a synchronous Response', (d) => delete node(d, 'actions.Has_result.actions.Respond_with_result').operationOptions, /must have required property 'operationOptions'/],
    ['an Http call with a password instead of the managed identity', (d) => (node(d, `${RUN}.Get_logs.inputs`).authentication = { type: 'Basic', username: 'u', password: 'p' }), /authentication\/type must be equal to constant/],
    ['an Http call without an audience', (d) => delete node(d, `${RUN}.Get_logs.inputs.authentication`).audience, /must have required property 'audience'/],
    ['a SecureString with a default value', (d) => (node(d, 'parameters.registryPassword').defaultValue = 'x'), /\/parameters\/registryPassword\/defaultValue boolean schema is false/],
    ['a Request trigger of another kind', (d) => (node(d, 'triggers.manual').kind = 'Button'), /\/triggers\/manual\/kind must be equal to constant/],
    ['a second trigger', (d) => (node(d, 'triggers').Recurrence = { type: 'Recurrence', recurrence: { frequency: 'Day', interval: 1 } }), /\/triggers must NOT have more than 1 properties/],
  ];
  it.each(breaks)('refuses %s', (_what, breakIt, expected) => {
    const d = clone(definitionFor({ registryPassword: true }));
    breakIt(d);
    expect(subsetErrors(d).join('\n')).toMatch(expected);
  });

  const RECURRENCE = 'triggers.Recurrence.recurrence';
  const CALL = 'actions.Run_model.inputs';
  const schedulerBreaks: Array<[string, (d: J) => void, RegExp]> = [
    ['an hour of a schedule out of 0-23', (d) => (node(d, RECURRENCE).schedule = { hours: ['24'], minutes: [0] }), /schedule\/hours\/0 must match pattern/],
    ['a Day interval over the service\'s 500', (d) => (node(d, RECURRENCE).interval = 501), /recurrence\/interval must be <= 500/],
    ['hours under an Hour recurrence (they do not pin it to the clock)', (d) => Object.assign(node(d, RECURRENCE), { frequency: 'Hour', interval: 2, schedule: { minutes: [30] } }), /recurrence\/schedule boolean schema is false/],
    ['a repeated week day', (d) => (node(d, RECURRENCE).schedule = { weekDays: ['Sunday', 'Sunday'] }), /weekDays must NOT have duplicate items/],
    ['a call without the trigger to run', (d) => delete node(d, `${CALL}.host`).triggerName, /\/actions\/Run_model\/inputs\/host must have required property 'triggerName'/],
    ['a call of a workflow by name instead of its resource id', (d) => (node(d, `${CALL}.host.workflow`).id = 'rdeploy-demo'), /host\/workflow\/id must match pattern/],
    ['a call with a member the generator never writes', (d) => (node(d, CALL).authentication = { type: 'ManagedServiceIdentity', audience: 'x' }), /\/actions\/Run_model\/inputs must NOT have additional properties/],
    ['a Request trigger beside the Recurrence', (d) => (node(d, 'triggers').manual = { type: 'Request', kind: 'Http', inputs: { schema: {} } }), /\/triggers must NOT have more than 1 properties/],
  ];
  it.each(schedulerBreaks)('refuses, in the scheduler, %s', (_what, breakIt, expected) => {
    const d = scheduler();
    expect(subsetErrors(d)).toEqual([]);
    breakIt(d);
    expect(subsetErrors(d).join('\n')).toMatch(expected);
  });
});

// Read at test time from the shared specifications, never copied into the project.
const SPEC = path.resolve(__dirname, '../../../../../shared/specs/logic-workflowdefinition-2016-06-01.json');
/** Where the published schema keeps the Http action's `authentication` (Http's inputs $ref this "retryable action input"). */
const AUTH_POINTER = ['properties', 'actions', 'additionalProperties', 'allOf', '2', 'oneOf', '0', 'properties', 'inputs', 'allOf', '1', 'properties', 'authentication'];
/** …and the `retryPolicy` of the same input, which the Workflow action's inputs $ref too. */
const RETRY_TYPE_POINTER = [...AUTH_POINTER.slice(0, -1), 'retryPolicy', 'properties', 'type'];

/**
 * The published schema, or (extended) with the two things the service takes that it does not
 * know: managed-identity authentication, and retry policy types spelled in lower case.
 */
function publishedValidator(extended: boolean) {
  const schema = JSON.parse(readFileSync(SPEC, 'utf8')) as J;
  if (extended) {
    // The schema lists the .NET enum's names; the service reads enum values without regard to case
    // and Microsoft's own examples write "type": "none" / "fixed" / "exponential".
    const retryType = node(schema, RETRY_TYPE_POINTER.join('.'));
    expect(retryType.enum, 'the published retry policy types changed: revisit the extension').toEqual(['None', 'Fixed', 'Exponential']);
    retryType.enum = ['None', 'Fixed', 'Exponential', 'none', 'fixed', 'exponential'];

    // The 2016-06-01 schema predates managed identities (../shared/specs/README.md); the service takes
    // {type: ManagedServiceIdentity, audience}. Only this one branch is extended, in memory.
    const auth = node(schema, AUTH_POINTER.join('.'));
    const branches = auth.oneOf as J[];
    const kinds = branches.map((b) => (b.type === 'string' ? 'expression' : (node(b, 'properties.type').enum as string[])[0]));
    expect(kinds, 'the published authentication branch changed: revisit the extension').toEqual(['expression', 'Basic', 'ClientCertificate', 'None', 'ActiveDirectoryOAuth', 'Raw']);
    branches.push({
      type: 'object',
      properties: { type: { type: 'string', enum: ['ManagedServiceIdentity'] }, audience: { type: 'string' }, identity: { type: 'string' } },
      required: ['type'],
      additionalProperties: false,
      description: 'The workflow\'s managed identity (added by the test: the published schema predates it).',
    });
  }
  // Not strict: the published schema carries keywords Ajv does not know ("#ref", "$comment" in
  // draft-04); formats are annotations there, not checked.
  return new AjvDraft04({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
}

/**
 * Validates the definition and, as top-level actions, every nested actions map: the published
 * schema describes Scope's actions under "inputs" and the actions of Until and If as one branch
 * object, so it never reaches the actions nested in them.
 */
function publishedErrors(validate: ReturnType<typeof publishedValidator>, d: J): string[] {
  const errors: string[] = [];
  const run = (doc: J, where: string) => {
    if (!validate(doc)) errors.push(...validate.errors!.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'enum' && e.keyword !== 'required').map((e) => `${where}${e.instancePath} ${e.message ?? ''}`), `${where} is invalid`);
  };
  run(d, '');
  const nested = (actions: unknown, where: string) => {
    for (const [name, a] of Object.entries((actions ?? {}) as Record<string, J>)) {
      for (const [key, inner] of [['actions', a.actions], ['else', (a.else as J | undefined)?.actions]] as const) {
        if (inner === undefined) continue;
        run({ $schema: d.$schema, contentVersion: d.contentVersion, actions: inner }, `${where}/${name}/${key}`);
        nested(inner, `${where}/${name}/${key}`);
      }
    }
  };
  nested(d.actions, '/actions');
  return errors;
}

// A skipped describe is still collected: the validators are made only when the file is there.
const PRESENT = existsSync(SPEC);
describe.skipIf(!PRESENT)(`the published schema (needs ${SPEC}, the shared specifications beside the repository)`, () => {
  const validate = PRESENT ? publishedValidator(true) : (undefined as never);
  const asPublished = PRESENT ? publishedValidator(false) : (undefined as never);

  it.each(VARIANTS)('accepts the $name definition, nested actions included', (v) => {
    expect(publishedErrors(validate, definitionFor(v))).toEqual([]);
  });

  it.each(SCHEDULES)('accepts the scheduler of the schedule "%s" (the Workflow action is published)', (schedule) => {
    expect(publishedErrors(validate, schedulerFor(schedule).definition)).toEqual([]);
  });

  it('as published, refuses only the scheduler\'s lower-case "none" retry type (why the test extends it)', () => {
    const d = scheduler();
    expect(publishedErrors(asPublished, d)).toContain(' is invalid');
    expect(asPublished.errors!.map((e) => `${e.instancePath} ${e.message ?? ''}`)).toContain('/actions/Run_model/inputs/retryPolicy/type must be equal to one of the allowed values');
    // The same definition with the enum's own spelling passes: the case is all it refuses.
    node(d, 'actions.Run_model.inputs.retryPolicy').type = 'None';
    expect(publishedErrors(asPublished, d)).toEqual([]);
  });

  it('knows the Workflow action: it refuses a call without the trigger to run, or without the workflow', () => {
    // Every error, the oneOf branches' included: the Workflow branch is the one that names host.
    const all = (d: J) => (validate(d) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message ?? ''}`));
    const noTrigger = scheduler();
    delete node(noTrigger, 'actions.Run_model.inputs.host').triggerName;
    expect(all(noTrigger)).toContain("/actions/Run_model/inputs/host must have required property 'triggerName'");
    const noWorkflow = scheduler();
    delete node(noWorkflow, 'actions.Run_model.inputs.host.workflow').id;
    expect(all(noWorkflow)).toContain("/actions/Run_model/inputs/host/workflow must have required property 'id'");
  });

  it('as published, refuses our calls to ARM: it does not know managed identities (why the test extends it)', () => {
    const errors = publishedErrors(asPublished, definitionFor({ registryPassword: false }));
    expect(errors).toContain('/actions/Delete_container_group/inputs/authentication must NOT have additional properties');
    expect(errors).toContain('/actions/Run/actions is invalid');
  });

  it('reaches nested actions only through the per-scope pass (a broken nested action fails)', () => {
    const d = clone(definitionFor({ registryPassword: false }));
    node(d, `${RUN}.Get_logs.inputs`).authentication = { type: 'Kerberos' };
    validate(d);
    expect(validate.errors ?? []).toEqual([]); // the schema alone misses it…
    expect(publishedErrors(validate, d)).toContain('/actions/Run/actions is invalid'); // …the per-scope pass finds it
  });

  it('refuses what the service refuses at the top level: an unknown action type, a runAfter status', () => {
    const d = clone(definitionFor({ registryPassword: false }));
    node(d, 'actions.Delete_container_group').type = 'Htttp';
    node(d, 'actions.Has_result').runAfter = { Delete_container_group: ['Done'] };
    expect(validate(d)).toBe(false);
    expect(validate.errors!.map((e) => e.instancePath)).toEqual(expect.arrayContaining(['/actions/Delete_container_group/type', '/actions/Has_result/runAfter/Delete_container_group/0']));
  });
});

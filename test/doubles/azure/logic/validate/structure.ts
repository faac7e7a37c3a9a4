import { allActions, type ActionDefinition, type ActionPlace, type WorkflowDefinition } from '../definition';
import { isoDurationMs } from '../engine/duration';
import { isObject } from '../expressions/values';
import { actionNotValid, notDeserialized, templateFailed, triggerNotValid } from './errors';
import type { JsonPath, JsonPositions } from './offsets';

/**
 * The shape of a definition: members the service knows, triggers and actions of the types the
 * double runs, runAfter naming siblings with real statuses and no cycle, unique names, nesting
 * depth, and where a Response may be. Members compare without case (the service's deserializer
 * is Newtonsoft, which matches them that way).
 */

const SCHEMAS = [
  'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
  'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2015-08-01-preview/workflowdefinition.json#',
];
const DEFINITION_MEMBERS = ['$schema', 'contentVersion', 'parameters', 'triggers', 'actions', 'outputs', 'staticResults', 'description', 'metadata'];
const TRIGGER_MEMBERS = ['type', 'kind', 'inputs', 'recurrence', 'conditions', 'splitOn', 'splitOnConfiguration', 'operationOptions', 'runtimeConfiguration', 'metadata', 'description', 'correlation', 'trackedProperties'];
const ACTION_MEMBERS = ['type', 'kind', 'inputs', 'runAfter', 'actions', 'else', 'expression', 'limit', 'foreach', 'cases', 'default', 'operationOptions', 'runtimeConfiguration', 'trackedProperties', 'description', 'metadata', 'correlation'];
const PARAMETER_MEMBERS = ['type', 'defaultValue', 'allowedValues', 'metadata', 'description'];
/** The statuses of the schema's runAfter enum. */
const STATUSES = ['Aborted', 'Cancelled', 'Failed', 'Faulted', 'Ignored', 'Paused', 'Running', 'Skipped', 'Succeeded', 'Suspended', 'TimedOut', 'Waiting'];
export const PARAMETER_TYPES = ['String', 'SecureString', 'Int', 'Float', 'Bool', 'Array', 'Object', 'SecureObject'];
const TRIGGER_TYPES = ['Request', 'Recurrence', 'Http'];
/** The action types the double runs (engine/interpreter.ts). */
const ACTION_TYPES = ['Http', 'Workflow', 'Until', 'Wait', 'Scope', 'If', 'Response', 'Compose'];
/** A Workflow action's `host.workflow.id` when it is written out (not an expression). */
const WORKFLOW_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Logic\/workflows\/[^/]+$/i;
/** Limits and configuration: action and trigger names up to 80 characters, nesting up to 8 levels. */
const MAX_NAME = 80;
const MAX_NESTING = 8;
const MAX_UNTIL_COUNT = 5_000;
const RECURRENCE_MAX: Record<string, number> = { second: 9_999_999, minute: 72_000, hour: 12_000, day: 500, week: 71, month: 16 };

const has = (list: string[], value: string) => list.some((v) => v.toLowerCase() === value.toLowerCase());

function members(positions: JsonPositions, path: JsonPath, value: Record<string, unknown>, known: string[], type: string): void {
  for (const key of Object.keys(value)) {
    if (!has(known, key)) throw notDeserialized(positions, [...path, key], `Could not find member '${key}' on object of type '${type}'.`);
  }
}

function required(positions: JsonPositions, path: JsonPath, value: Record<string, unknown>, key: string): unknown {
  const found = Object.keys(value).find((k) => k.toLowerCase() === key.toLowerCase());
  if (found === undefined || value[found] === undefined || value[found] === null) throw notDeserialized(positions, path, `Required property '${key}' not found in JSON.`);
  return value[found];
}

function objectAt(positions: JsonPositions, path: JsonPath, value: unknown, type: string): Record<string, unknown> {
  if (!isObject(value)) throw notDeserialized(positions, path, `Unexpected value '${JSON.stringify(value)}' when reading an object of type '${type}'.`);
  return value;
}

/** Checks the definition's shape; `base` is its path in the request body. */
export function checkStructure(definition: unknown, positions: JsonPositions, base: JsonPath): WorkflowDefinition {
  const def = objectAt(positions, base, definition, 'FlowTemplate');
  members(positions, base, def, DEFINITION_MEMBERS, 'FlowTemplate');
  const schema = String(required(positions, base, def, '$schema'));
  required(positions, base, def, 'contentVersion');
  if (!SCHEMAS.includes(schema)) {
    throw templateFailed(`The template schema '${schema}' is not supported. Use '${SCHEMAS[0]}'`);
  }
  const parameters = isObject(def.parameters) ? def.parameters : {};
  for (const [name, p] of Object.entries(parameters)) {
    const at = [...base, 'parameters', name];
    const param = objectAt(positions, at, p, 'FlowTemplateParameter');
    members(positions, at, param, PARAMETER_MEMBERS, 'FlowTemplateParameter');
    const type = String(required(positions, at, param, 'type'));
    if (!has(PARAMETER_TYPES, type)) throw notDeserialized(positions, [...at, 'type'], `Error converting value "${type}" to type 'FlowTemplateParameterType'.`);
  }
  checkTriggers(isObject(def.triggers) ? def.triggers : {}, positions, [...base, 'triggers']);
  const actions = isObject(def.actions) ? def.actions : {};
  checkActionSet(actions, positions, [...base, 'actions'], 0);
  const definitionTyped = def as unknown as WorkflowDefinition;
  checkNamesAndPlacement(definitionTyped);
  return definitionTyped;
}

function checkTriggers(triggers: Record<string, unknown>, positions: JsonPositions, path: JsonPath): void {
  // Limits and configuration: up to 10 triggers per workflow (in code view).
  if (Object.keys(triggers).length > 10) throw templateFailed(`The workflow has '${Object.keys(triggers).length}' triggers, which exceeds the maximum of '10'`);
  for (const [name, t] of Object.entries(triggers)) {
    const at = [...path, name];
    const trigger = objectAt(positions, at, t, 'FlowTemplateTrigger');
    members(positions, at, trigger, TRIGGER_MEMBERS, 'FlowTemplateTrigger');
    const type = String(required(positions, at, trigger, 'type'));
    if (name.length > MAX_NAME) throw triggerNotValid(positions, at, name, `The trigger name exceeds the maximum length of '${MAX_NAME}' characters.`);
    if (!has(TRIGGER_TYPES, type)) throw triggerNotValid(positions, at, name, `The trigger type '${type}' is not supported by this test double (it runs ${TRIGGER_TYPES.join(', ')} triggers).`);
    if (type.toLowerCase() === 'recurrence') {
      const recurrence = trigger.recurrence;
      if (!isObject(recurrence)) throw triggerNotValid(positions, at, name, `The 'recurrence' property of trigger '${name}' of type 'Recurrence' is required.`);
      const frequency = String(recurrence.frequency ?? '');
      const max = RECURRENCE_MAX[frequency.toLowerCase()];
      if (max === undefined) throw triggerNotValid(positions, [...at, 'recurrence'], name, `The recurrence frequency '${frequency}' is not valid: use Second, Minute, Hour, Day, Week or Month.`);
      const interval = recurrence.interval;
      if (typeof interval !== 'number' || !Number.isInteger(interval) || interval < 1 || interval > max) {
        throw triggerNotValid(positions, [...at, 'recurrence'], name, `The recurrence interval '${String(interval)}' is not valid for frequency '${frequency}': it must be an integer from 1 to ${max}.`);
      }
    }
  }
}

function checkActionSet(actions: Record<string, unknown>, positions: JsonPositions, path: JsonPath, level: number): void {
  for (const [name, a] of Object.entries(actions)) {
    const at = [...path, name];
    const action = objectAt(positions, at, a, 'FlowTemplateAction');
    members(positions, at, action, ACTION_MEMBERS, 'FlowTemplateAction');
    const type = String(required(positions, at, action, 'type'));
    if (level > MAX_NESTING) throw templateFailed(`The template actions '${name}' are nested at level '${level}' which exceeds the maximum nesting limit of '${MAX_NESTING}'`);
    if (name.length > MAX_NAME) throw actionNotValid(positions, at, name, `The action name exceeds the maximum length of '${MAX_NAME}' characters.`);
    if (!has(ACTION_TYPES, type)) throw actionNotValid(positions, at, name, `The action type '${type}' is not supported by this test double (it runs ${ACTION_TYPES.join(', ')} actions).`);
    const runAfter = action.runAfter;
    if (runAfter !== undefined) {
      const ra = objectAt(positions, [...at, 'runAfter'], runAfter, 'Dictionary`2');
      for (const [predecessor, statuses] of Object.entries(ra)) {
        if (!Array.isArray(statuses)) throw notDeserialized(positions, [...at, 'runAfter', predecessor], `Unexpected value when reading the statuses of 'runAfter' for '${predecessor}'.`);
        statuses.forEach((s, i) => {
          if (typeof s !== 'string' || !has(STATUSES, s)) throw notDeserialized(positions, [...at, 'runAfter', predecessor, i], `Error converting value ${JSON.stringify(s)} to type 'FlowStatus'.`);
        });
        if (!(predecessor in actions) || predecessor === name) {
          throw templateFailed(`The 'runAfter' property of template action '${name}' at line '1' and column '${positions.column(at)}' contains non-existent action: '${predecessor}'`);
        }
      }
    }
    checkTypedInputs(name, type.toLowerCase(), action as ActionDefinition, positions, at);
    if (isObject(action.actions)) checkActionSet(action.actions, positions, [...at, 'actions'], level + 1);
    if (isObject(action.else) && isObject(action.else.actions)) checkActionSet(action.else.actions, positions, [...at, 'else', 'actions'], level + 1);
  }
  checkCycles(actions as Record<string, ActionDefinition>, positions, path);
}

/** What each action type must have for the service to accept it (double's wording where noted). */
function checkTypedInputs(name: string, type: string, action: ActionDefinition, positions: JsonPositions, at: JsonPath): void {
  const inputs = isObject(action.inputs) ? action.inputs : undefined;
  const missing = (property: string) =>
    actionNotValid(positions, at, name, `The 'inputs' of workflow run action '${name}' of type '${action.type}' are not valid: the '${property}' property is required.`);
  if (type === 'http') {
    if (!inputs || typeof inputs.method !== 'string' || !inputs.method) throw missing('method');
    if (typeof inputs.uri !== 'string' || !inputs.uri) throw missing('uri');
  }
  if (type === 'workflow') {
    const host = inputs && isObject(inputs.host) ? inputs.host : undefined;
    if (!host || typeof host.triggerName !== 'string' || !host.triggerName) throw missing('host.triggerName');
    const id = isObject(host.workflow) ? host.workflow.id : undefined;
    if (typeof id !== 'string' || !id) throw missing('host.workflow.id');
    if (!id.includes('@') && !WORKFLOW_ID.test(id)) {
      throw actionNotValid(positions, at, name, `The workflow id '${id}' of action '${name}' is not valid: give the resource id of a workflow, '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Logic/workflows/{name}'.`);
    }
  }
  if (type === 'wait') {
    if (!inputs || (!isObject(inputs.interval) && !isObject(inputs.until))) throw missing('interval');
  }
  if (type === 'if' || type === 'until') {
    if (action.expression === undefined || action.expression === null || action.expression === '') {
      throw actionNotValid(positions, at, name, `The '${action.type}' action '${name}' must have an 'expression'.`);
    }
  }
  if (type === 'if' || type === 'scope' || type === 'until') {
    if (action.actions !== undefined && !isObject(action.actions)) throw notDeserialized(positions, [...at, 'actions'], `Unexpected value when reading the 'actions' of '${name}'.`);
  }
  if (type === 'until') {
    const limit = isObject(action.limit) ? action.limit : {};
    if (limit.count !== undefined && (typeof limit.count !== 'number' || !Number.isInteger(limit.count) || limit.count < 1 || limit.count > MAX_UNTIL_COUNT)) {
      throw actionNotValid(positions, at, name, `The 'count' limit of the 'Until' action '${name}' must be an integer from 1 to ${MAX_UNTIL_COUNT}.`);
    }
    if (limit.timeout !== undefined && (typeof limit.timeout !== 'string' || isoDurationMs(limit.timeout) === undefined)) {
      throw actionNotValid(positions, at, name, `The 'timeout' limit '${String(limit.timeout)}' of the 'Until' action '${name}' is not a valid ISO 8601 duration.`);
    }
  }
}

/** A runAfter cycle within one sibling set (double's wording). */
function checkCycles(actions: Record<string, ActionDefinition>, positions: JsonPositions, path: JsonPath): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = trail.slice(trail.indexOf(name));
      throw actionNotValid(positions, [...path, name], name, `The 'runAfter' properties of actions '${cycle.join("', '")}' form a cycle.`);
    }
    state.set(name, 'visiting');
    for (const p of Object.keys(actions[name]?.runAfter ?? {})) if (p in actions) visit(p, [...trail, name]);
    state.set(name, 'done');
  };
  for (const name of Object.keys(actions)) visit(name, []);
}

/** Names unique across the definition; Response neither in a loop nor next to a recurrence trigger. */
function checkNamesAndPlacement(def: WorkflowDefinition): void {
  const places = allActions(def.actions);
  const seen = new Map<string, ActionPlace>();
  for (const place of places) {
    const key = place.name.toLowerCase();
    if (seen.has(key)) throw templateFailed(`The template action '${place.name}' is defined more than once in the workflow definition. Action names must be unique across the definition`);
    seen.set(key, place);
  }
  const recurring = Object.values(def.triggers ?? {}).some((t) => t.recurrence !== undefined);
  for (const place of places) {
    if (place.action.type.toLowerCase() !== 'response') continue;
    const loop = [...place.containers].reverse().find((c) => c.type.toLowerCase() === 'until' || c.type.toLowerCase() === 'foreach');
    if (loop) throw templateFailed(`The workflow run action '${place.name}' has type 'Response' that could not be nested under an action of type '${loop.type.toLowerCase()}'`);
    // What the service answers (public quotes); the docs only say a Response needs a Request trigger.
    if (recurring) throw templateFailed("The workflow with 'Response' action type should not have triggers with 'recurrence' property defined");
  }
}

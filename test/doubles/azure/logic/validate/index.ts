import { ArmError, invalidRequestContent } from '../../errors';
import type { WorkflowDefinition } from '../definition';
import { isObject } from '../expressions/values';
import { templateFailed } from './errors';
import { JsonPositions } from './offsets';
import { checkExpressions } from './references';
import { checkStructure } from './structure';

/**
 * A workflow PUT body (Microsoft.Logic 2019-05-01) checked the way the service checks it on
 * save: location, identity, state, the definition (structure.ts, references.ts) and the
 * parameter values against the definition's declarations.
 */

export interface WorkflowParameterValue {
  type?: string;
  value?: unknown;
  [other: string]: unknown;
}

export interface WorkflowInput {
  location: string;
  tags: Record<string, string>;
  identity: 'SystemAssigned' | undefined;
  state: 'Enabled' | 'Disabled';
  definition: WorkflowDefinition;
  /** As given, secure values included (GET leaves those out). */
  parameters: Record<string, WorkflowParameterValue>;
}

const TYPE_CHECKS: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  securestring: (v) => typeof v === 'string',
  int: (v) => typeof v === 'number' && Number.isInteger(v),
  float: (v) => typeof v === 'number',
  bool: (v) => typeof v === 'boolean',
  array: (v) => Array.isArray(v),
  object: (v) => isObject(v),
  secureobject: (v) => isObject(v),
};

export function validateWorkflowBody(body: unknown): WorkflowInput {
  if (!isObject(body)) throw invalidRequestContent('the request body must be a JSON object');
  if (typeof body.location !== 'string' || !body.location) throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
  const tags: Record<string, string> = {};
  if (isObject(body.tags)) for (const [k, v] of Object.entries(body.tags)) tags[k] = String(v);
  let identity: WorkflowInput['identity'];
  if (body.identity !== undefined && body.identity !== null) {
    const type = isObject(body.identity) ? String(body.identity.type ?? '') : '';
    if (type.toLowerCase() === 'systemassigned') identity = 'SystemAssigned';
    else if (type.toLowerCase() !== 'none') {
      throw new ArmError(400, 'InvalidIdentityType', `The identity type '${type}' is not supported by this test double: use 'SystemAssigned' or 'None'.`);
    }
  }
  const properties = isObject(body.properties) ? body.properties : {};
  const rawState = String(properties.state ?? 'Enabled');
  const state = rawState.toLowerCase() === 'disabled' ? 'Disabled' : rawState.toLowerCase() === 'enabled' ? 'Enabled' : undefined;
  if (!state) throw new ArmError(400, 'InvalidWorkflowState', `The workflow state '${rawState}' is not valid: use 'Enabled' or 'Disabled'.`);
  if (properties.definition === undefined) throw templateFailed('The workflow definition is required');

  const positions = new JsonPositions(body);
  const base = ['properties', 'definition'];
  const definition = checkStructure(properties.definition, positions, base);
  checkExpressions(definition, positions, base);

  const parameters: Record<string, WorkflowParameterValue> = {};
  const given = isObject(properties.parameters) ? properties.parameters : {};
  const declared = definition.parameters ?? {};
  for (const [name, entry] of Object.entries(given)) {
    const decl = Object.entries(declared).find(([d]) => d.toLowerCase() === name.toLowerCase());
    if (!decl) throw templateFailed(`The workflow parameter '${name}' is not declared in the definition and can therefore not be given a value`);
    const value = isObject(entry) ? entry : {};
    if (value.value !== undefined && !TYPE_CHECKS[decl[1].type.toLowerCase()]!(value.value)) {
      throw templateFailed(`The provided value for the workflow parameter '${name}' is not valid. Expected a value of type '${decl[1].type}'`);
    }
    parameters[name] = value;
  }
  for (const [name, decl] of Object.entries(declared)) {
    const value = Object.entries(parameters).find(([p]) => p.toLowerCase() === name.toLowerCase())?.[1];
    if (value?.value === undefined && decl.defaultValue === undefined) throw templateFailed(`The value for the workflow parameter '${name}' is not provided`);
  }
  return { location: body.location, tags, identity, state, definition, parameters };
}

/** The value each declared parameter has in a run: the workflow's, else the definition's default. */
export function resolveParameters(definition: WorkflowDefinition, parameters: Record<string, WorkflowParameterValue>): Record<string, unknown> {
  const resolved: Record<string, unknown> = {};
  for (const [name, decl] of Object.entries(definition.parameters ?? {})) {
    const given = Object.entries(parameters).find(([p]) => p.toLowerCase() === name.toLowerCase())?.[1];
    resolved[name] = given?.value !== undefined ? given.value : (decl.defaultValue ?? null);
  }
  return resolved;
}

/** GET shows parameters without the values of secure ones. */
export function visibleParameters(definition: WorkflowDefinition, parameters: Record<string, WorkflowParameterValue>): Record<string, WorkflowParameterValue> {
  const out: Record<string, WorkflowParameterValue> = {};
  for (const [name, entry] of Object.entries(parameters)) {
    const type = (entry.type ?? Object.entries(definition.parameters ?? {}).find(([d]) => d.toLowerCase() === name.toLowerCase())?.[1].type ?? '').toLowerCase();
    if (type.startsWith('secure')) {
      const { value: _hidden, ...rest } = entry;
      out[name] = rest;
    } else out[name] = entry;
  }
  return out;
}

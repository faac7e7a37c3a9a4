/**
 * The workflow definition as the double reads it (schema 2016-06-01), after validate.ts has
 * accepted it: only the members the double acts on are typed, the rest pass through untouched.
 */

export const SCHEMA_2016_06_01 = 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#';

export type RunAfter = Record<string, string[]>;

export interface ActionDefinition {
  type: string;
  kind?: string;
  inputs?: unknown;
  runAfter?: RunAfter;
  /** Scope, If (the true branch) and Until. */
  actions?: Record<string, ActionDefinition>;
  /** If: the false branch. */
  else?: { actions?: Record<string, ActionDefinition> };
  /** If and Until: an expression string or the object form. */
  expression?: unknown;
  /** Until. */
  limit?: { count?: number; timeout?: string };
  operationOptions?: string;
  runtimeConfiguration?: { secureData?: { properties?: string[] } };
  [other: string]: unknown;
}

export interface TriggerDefinition {
  type: string;
  kind?: string;
  inputs?: unknown;
  recurrence?: { frequency: string; interval: number; [other: string]: unknown };
  operationOptions?: string;
  [other: string]: unknown;
}

export interface ParameterDefinition {
  type: string;
  defaultValue?: unknown;
  [other: string]: unknown;
}

export interface WorkflowDefinition {
  $schema: string;
  contentVersion: string;
  parameters?: Record<string, ParameterDefinition>;
  triggers?: Record<string, TriggerDefinition>;
  actions?: Record<string, ActionDefinition>;
  outputs?: Record<string, unknown>;
  [other: string]: unknown;
}

/** The sibling sets an action holds: its `actions` and, for If, `else.actions`. */
export function childSets(action: ActionDefinition): Array<{ branch: 'actions' | 'else'; actions: Record<string, ActionDefinition> }> {
  const sets: Array<{ branch: 'actions' | 'else'; actions: Record<string, ActionDefinition> }> = [];
  if (action.actions) sets.push({ branch: 'actions', actions: action.actions });
  if (action.else?.actions) sets.push({ branch: 'else', actions: action.else.actions });
  return sets;
}

export interface ActionPlace {
  name: string;
  action: ActionDefinition;
  /** The action whose `actions` (or `else.actions`) hold this one; undefined at top level. */
  parent: string | undefined;
  siblings: Record<string, ActionDefinition>;
  /** Number of containers above it (top-level actions are level 0). */
  level: number;
  /** Types of the containers above it, innermost last. */
  containers: Array<{ name: string; type: string }>;
}

/** Every action of a definition, depth first, in the order its JSON lists them. */
export function allActions(actions: Record<string, ActionDefinition> | undefined): ActionPlace[] {
  const found: ActionPlace[] = [];
  const walk = (set: Record<string, ActionDefinition>, parent: string | undefined, containers: ActionPlace['containers']) => {
    for (const [name, action] of Object.entries(set)) {
      found.push({ name, action, parent, siblings: set, level: containers.length, containers });
      for (const child of childSets(action)) walk(child.actions, name, [...containers, { name, type: action.type }]);
    }
  };
  if (actions) walk(actions, undefined, []);
  return found;
}

/** An action's secured parts: `runtimeConfiguration.secureData.properties` ("inputs", "outputs"). */
export function securedParts(action: ActionDefinition): { inputs: boolean; outputs: boolean } {
  const properties = (action.runtimeConfiguration?.secureData?.properties ?? []).map((p) => String(p).toLowerCase());
  return { inputs: properties.includes('inputs'), outputs: properties.includes('outputs') };
}

/** `operationOptions` is a comma-separated list; names compare without case. */
export function hasOperationOption(holder: { operationOptions?: string }, option: string): boolean {
  return (holder.operationOptions ?? '').split(',').some((o) => o.trim().toLowerCase() === option.toLowerCase());
}

import { childSets, type ActionDefinition, type WorkflowDefinition } from '../definition';
import { conditionParts } from '../expressions/condition';
import { unknownFunctionMessage } from '../expressions/evaluate';
import { arityMessage, lookupFunction } from '../expressions/functions';
import { callsIn, ExpressionSyntaxError } from '../expressions/parser';
import { piecesIn, type Piece } from '../expressions/template';
import { actionNotValid, templateFailed } from './errors';
import type { JsonPath, JsonPositions } from './offsets';

/**
 * The expressions of each action, checked the way the service checks them on save: they parse,
 * name functions it has with the right number of arguments, name declared parameters, and read
 * only actions that exist and that have ended before this one can run: "Action 'Y' must either
 * be in 'runAfter' path or within a scope action on the 'runAfter' path of action 'X', or be a
 * Trigger" (the service's text). An Until's expression may read the actions inside it.
 */

interface Place {
  name: string;
  action: ActionDefinition;
  parent: string | undefined;
  siblings: Record<string, ActionDefinition>;
  path: JsonPath;
}

const READS_ACTION = new Set(['body', 'outputs', 'actions', 'result']);

function places(def: WorkflowDefinition, base: JsonPath): Map<string, Place> {
  const found = new Map<string, Place>();
  const walk = (set: Record<string, ActionDefinition>, parent: string | undefined, path: JsonPath) => {
    for (const [name, action] of Object.entries(set)) {
      const at = [...path, name];
      found.set(name.toLowerCase(), { name, action, parent, siblings: set, path: at });
      for (const child of childSets(action)) walk(child.actions, name, child.branch === 'else' ? [...at, 'else', 'actions'] : [...at, 'actions']);
    }
  };
  walk(def.actions ?? {}, undefined, [...base, 'actions']);
  return found;
}

function descendants(action: ActionDefinition): string[] {
  return childSets(action).flatMap((set) => Object.entries(set.actions).flatMap(([n, a]) => [n, ...descendants(a)]));
}

/** The actions an action may read: those on its runAfter path (and inside them), at every level up. */
function visibleFrom(place: Place, all: Map<string, Place>): Set<string> {
  const visible = new Set<string>();
  if (place.action.type.toLowerCase() === 'until') for (const d of descendants(place.action)) visible.add(d.toLowerCase());
  let current: Place | undefined = place;
  while (current) {
    const stack = Object.keys(current.action.runAfter ?? {});
    const seen = new Set<string>();
    while (stack.length) {
      const p = stack.pop()!;
      if (seen.has(p)) continue;
      seen.add(p);
      const predecessor = current.siblings[p];
      if (!predecessor) continue;
      visible.add(p.toLowerCase());
      for (const d of descendants(predecessor)) visible.add(d.toLowerCase());
      stack.push(...Object.keys(predecessor.runAfter ?? {}));
    }
    current = current.parent === undefined ? undefined : all.get(current.parent.toLowerCase());
  }
  return visible;
}

export function checkExpressions(def: WorkflowDefinition, positions: JsonPositions, base: JsonPath): void {
  const all = places(def, base);
  const declared = new Set(Object.keys(def.parameters ?? {}).map((p) => p.toLowerCase()));
  for (const place of all.values()) {
    const sources: Array<{ property: 'inputs' | 'expression'; value: unknown }> = [
      { property: 'inputs', value: place.action.inputs },
      { property: 'expression', value: place.action.expression },
    ];
    for (const { property, value } of sources) {
      if (value === undefined) continue;
      const fail = (reason: string) => actionNotValid(positions, place.path, place.name, reason);
      let pieces: Piece[];
      let conditionFunctions: string[] = [];
      try {
        if (property === 'expression') ({ functions: conditionFunctions, pieces } = conditionParts(value));
        else pieces = piecesIn(value);
      } catch (e) {
        if (e instanceof ExpressionSyntaxError) throw fail(e.message);
        throw e;
      }
      for (const fn of conditionFunctions) if (!lookupFunction(fn)) throw fail(unknownFunctionMessage(fn));
      const visible = visibleFrom(place, all);
      for (const piece of pieces) {
        for (const call of callsIn(piece.expr)) {
          const def = lookupFunction(call.name);
          if (!def) throw fail(unknownFunctionMessage(call.name));
          if (call.args.length < def.min || call.args.length > def.max) throw fail(arityMessage(call.name, def, call.args.length));
          const first = call.args[0];
          if (first?.kind !== 'literal' || typeof first.value !== 'string') continue;
          const fn = call.name.toLowerCase();
          if (fn === 'parameters' && !declared.has(first.value.toLowerCase())) throw fail(`The workflow parameter '${first.value}' is not found.`);
          if (!READS_ACTION.has(fn)) continue;
          const target = all.get(first.value.toLowerCase());
          if (!target) throw templateFailed(`The action(s) '${first.value}' referenced by '${property}' in action '${place.name}' are not defined in the template`);
          if (!visible.has(target.name.toLowerCase())) {
            throw templateFailed(
              `The ${property} of template action '${place.name}' at line '1' and column '${positions.column(place.path)}' cannot reference action '${target.name}'. ` +
                `Action '${target.name}' must either be in 'runAfter' path or within a scope action on the 'runAfter' path of action '${place.name}', or be a Trigger.`,
            );
          }
        }
      }
    }
  }
}

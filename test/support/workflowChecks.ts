/**
 * Semantic checks of a Logic Apps workflow definition (schema 2016-06-01): what no JSON Schema can
 * say and what an Azure engineer reads for before signing a definition off. Each check has a name
 * and returns issues (never throws), so a test can show that exactly one check fires on a
 * definition broken by hand (test/unit/targets/aci/workflowChecks.test.ts).
 *
 * One definition is checked at a time; a Workflow action (one workflow calling another's trigger)
 * is checked against the definitions given in `options.workflows`, by resource id.
 *
 * Expressions are read the way the service reads them: a string that starts with "@" (not "@@")
 * is one expression; otherwise each "@{…}" inside it is one.
 */

export type CheckName =
  | 'run-after-sibling'
  | 'run-after-cycle'
  | 'action-reference'
  | 'parameter-reference'
  | 'parameter-unused'
  | 'trigger-reference'
  | 'cleanup'
  | 'response-async'
  | 'response-guarded'
  | 'response-with-recurrence'
  | 'until-limit'
  | 'until-count-covers-timeout'
  | 'secure-inputs'
  | 'literal-secret'
  | 'arm-call'
  | 'workflow-call';

export interface Issue {
  check: CheckName;
  /** Where, as a dotted path into the definition. */
  at: string;
  message: string;
}

export interface CheckOptions {
  /** The run timeout the definition was made for: each Until's timeout must be PT{n}M. */
  timeoutMinutes?: number;
  /** The action that creates what the run pays for, and the one that deletes it. */
  createAction?: string;
  deleteAction?: string;
  /** The definitions a Workflow action may call, by the workflow's resource id. */
  workflows?: Readonly<Record<string, unknown>>;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every end an action can come to; an action that runs after X with all of them always runs once X has ended. */
export const ALL_STATUSES = ['Succeeded', 'Failed', 'Skipped', 'TimedOut'] as const;
const SCOPED = new Set(['Scope', 'Until', 'Foreach', 'If', 'Switch']);

interface ActionAt {
  name: string;
  action: Json;
  at: string;
  /** The actions map the action sits in (its runAfter may only name these). */
  siblings: Json;
  /** Containers from the outermost in, with the branch the action sits in. */
  ancestors: Array<{ name: string; action: Json; branch: 'actions' | 'else' }>;
}

function collectActions(map: unknown, at: string, ancestors: ActionAt['ancestors'], out: ActionAt[]): void {
  if (!isObject(map)) return;
  for (const [name, action] of Object.entries(map)) {
    if (!isObject(action)) continue;
    const here = `${at}.${name}`;
    out.push({ name, action, at: here, siblings: map, ancestors });
    collectActions(action.actions, `${here}.actions`, [...ancestors, { name, action, branch: 'actions' }], out);
    if (isObject(action.else)) collectActions(action.else.actions, `${here}.else.actions`, [...ancestors, { name, action, branch: 'else' }], out);
  }
}

/** The expressions in one string value, as the service finds them. */
export function expressionsIn(s: string): string[] {
  if (s.startsWith('@@')) return [];
  if (s.startsWith('@') && !s.startsWith('@{')) return [s.slice(1)];
  const found: string[] = [];
  for (let i = s.indexOf('@{'); i >= 0; i = s.indexOf('@{', i + 1)) {
    let depth = 0;
    let quoted = false;
    for (let j = i + 1; j < s.length; j++) {
      const c = s[j];
      if (c === "'") quoted = !quoted; // '' inside a literal toggles twice: still quoted
      else if (!quoted && c === '{') depth++;
      else if (!quoted && c === '}' && --depth === 0) {
        found.push(s.slice(i + 2, j));
        i = j;
        break;
      }
    }
  }
  return found;
}

/** Every string under `value`, with its path. */
function strings(value: unknown, at: string, out: Array<{ at: string; key: string; text: string }> = [], key = ''): typeof out {
  if (typeof value === 'string') out.push({ at, key, text: value });
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${at}[${i}]`, out, key));
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) strings(v, `${at}.${k}`, out, k);
  return out;
}

interface Call {
  fn: string;
  arg?: string;
  at: string;
}

function callsIn(value: unknown, at: string): Call[] {
  const calls: Call[] = [];
  for (const s of strings(value, at)) {
    for (const expr of expressionsIn(s.text)) {
      for (const m of expr.matchAll(/\b(actions|body|outputs|result|parameters)\(\s*'((?:[^']|'')*)'\s*\)/g)) calls.push({ fn: m[1]!, arg: m[2]!.replace(/''/g, "'"), at: s.at });
      for (const m of expr.matchAll(/\b(trigger|triggerBody|triggerOutputs)\(\s*\)/g)) calls.push({ fn: m[1]!, at: s.at });
    }
  }
  return calls;
}

const secureInputs = (action: Json): boolean => {
  const rc = action.runtimeConfiguration;
  const props = isObject(rc) && isObject(rc.secureData) ? rc.secureData.properties : undefined;
  return Array.isArray(props) && props.includes('inputs');
};

const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
function durationSeconds(iso: unknown): number | undefined {
  const m = typeof iso === 'string' ? DURATION.exec(iso) : null;
  if (!m || iso === 'P' || iso === 'PT') return undefined;
  const [d, h, min, s] = m.slice(1).map((v) => Number(v ?? 0));
  return ((d! * 24 + h!) * 60 + min!) * 60 + s!;
}
const UNIT_SECONDS: Record<string, number> = { Second: 1, Minute: 60, Hour: 3_600, Day: 86_400, Week: 604_800 };

/** Keys whose values are secrets: their only acceptable value is a SecureString parameter. */
const SECRET_KEY = /password|secret|token|apikey|api_key|sharedkey|accesskey|connectionstring/i;
/** What a secret looks like wherever it sits: a JWT, a PEM block, an ACR-style 52-character key. */
const SECRET_SHAPES = [/eyJ[\w-]{10,}\.[\w-]{10,}\./, /-----BEGIN [A-Z ]+-----/, /^[A-Za-z0-9+/]{50,}={0,2}$/];

export function checkWorkflow(definition: unknown, options: CheckOptions = {}): Issue[] {
  const issues: Issue[] = [];
  const issue = (check: CheckName, at: string, message: string) => issues.push({ check, at, message });
  const def = isObject(definition) ? definition : {};
  const parameters = isObject(def.parameters) ? def.parameters : {};
  const triggers = isObject(def.triggers) ? def.triggers : {};
  const actions: ActionAt[] = [];
  collectActions(def.actions, 'actions', [], actions);
  const byName = new Map(actions.map((a) => [a.name, a]));
  const secureParams = new Set(Object.entries(parameters).filter(([, p]) => isObject(p) && /^Secure/.test(String(p.type))).map(([n]) => n));
  const requestTriggers = new Set(Object.entries(triggers).filter(([, t]) => isObject(t) && t.type === 'Request').map(([n]) => n));

  // runAfter: siblings only, known statuses, no cycle.
  const maps = new Map<Json, ActionAt[]>();
  for (const a of actions) {
    maps.set(a.siblings, [...(maps.get(a.siblings) ?? []), a]);
    const runAfter = a.action.runAfter;
    if (runAfter === undefined) continue;
    if (!isObject(runAfter)) {
      issue('run-after-sibling', `${a.at}.runAfter`, `${a.name}'s runAfter is not an object`);
      continue;
    }
    for (const [after, statuses] of Object.entries(runAfter)) {
      if (after === a.name) issue('run-after-sibling', `${a.at}.runAfter`, `${a.name} runs after itself`);
      else if (!(after in a.siblings)) issue('run-after-sibling', `${a.at}.runAfter`, `${a.name} runs after "${after}", which is not an action beside it in the same scope`);
      if (!Array.isArray(statuses) || statuses.length === 0 || statuses.some((s) => !(ALL_STATUSES as readonly unknown[]).includes(s))) {
        issue('run-after-sibling', `${a.at}.runAfter.${after}`, `${a.name} runs after ${after} with ${JSON.stringify(statuses)}; statuses are a non-empty list of ${ALL_STATUSES.join(', ')}`);
      }
    }
  }
  for (const group of maps.values()) {
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (a: ActionAt, path: string[]): void => {
      if (state.get(a.name) === 'done') return;
      if (state.get(a.name) === 'visiting') {
        issue('run-after-cycle', a.at, `runAfter makes a cycle: ${[...path.slice(path.indexOf(a.name)), a.name].join(' → ')}`);
        return;
      }
      state.set(a.name, 'visiting');
      for (const after of Object.keys(isObject(a.action.runAfter) ? a.action.runAfter : {})) {
        const next = group.find((g) => g.name === after);
        if (next && next !== a) visit(next, [...path, a.name]);
      }
      state.set(a.name, 'done');
    };
    group.forEach((a) => visit(a, []));
  }

  // References in expressions.
  const calls = [...callsIn(def.actions, 'actions'), ...callsIn(def.triggers, 'triggers'), ...callsIn(def.outputs, 'outputs')];
  const used = new Set<string>();
  for (const c of calls) {
    if (c.fn === 'parameters') {
      used.add(c.arg!);
      if (!(c.arg! in parameters)) issue('parameter-reference', c.at, `parameters('${c.arg}') names no declared parameter`);
    } else if (c.fn === 'trigger' && Object.keys(triggers).length === 0) {
      issue('trigger-reference', c.at, 'trigger() is used but the definition has no trigger');
    } else if ((c.fn === 'triggerBody' || c.fn === 'triggerOutputs') && requestTriggers.size === 0) {
      issue('trigger-reference', c.at, `${c.fn}() is used but no trigger has a body (no Request trigger)`);
    } else if (c.arg !== undefined && ['actions', 'body', 'outputs', 'result'].includes(c.fn)) {
      const target = byName.get(c.arg);
      if (!target) issue('action-reference', c.at, `${c.fn}('${c.arg}') names no action of the definition`);
      else if (c.fn === 'result' && !SCOPED.has(String(target.action.type))) issue('action-reference', c.at, `result('${c.arg}') needs a scoped action (Scope, Until, Foreach), not ${String(target.action.type)}`);
    }
  }
  for (const name of Object.keys(parameters)) if (!used.has(name)) issue('parameter-unused', `parameters.${name}`, `the parameter ${name} is declared but no expression uses it`);

  // The delete: outside the scope that holds the create, after it whatever happened, and nothing else can hold it back.
  const createName = options.createAction ?? 'Create_container_group';
  const deleteName = options.deleteAction ?? 'Delete_container_group';
  const create = byName.get(createName);
  const del = byName.get(deleteName);
  // A definition that creates nothing (the scheduler) has nothing to delete; one of the two alone is a mistake.
  if (create || del) {
    if (!create || !del) issue('cleanup', 'actions', `the definition needs both ${createName} and ${deleteName}`);
    else {
      const scope = create.ancestors[0];
      if (!scope || scope.action.type !== 'Scope') issue('cleanup', create.at, `${createName} must sit inside a Scope, so one runAfter on the scope covers everything that can fail after it`);
      else if (del.ancestors.some((x) => x.action === scope.action)) issue('cleanup', del.at, `${deleteName} sits inside ${scope.name}, the scope that holds the create: a failure in the scope skips it`);
      else if (!(scope.name in del.siblings)) issue('cleanup', del.at, `${deleteName} must sit beside ${scope.name} (the scope that holds the create) so it can run after it`);
      else {
        // The delete runs once the scope has ended however it ended: every action on its way back to the
        // scope (the delete itself, and whatever it waits for, such as the answer) runs after all four ends.
        // Answers whether the chain from `name` reaches the scope.
        const chain = (name: string, action: Json, at: string, seen: Set<string>): boolean => {
          const runAfter = isObject(action.runAfter) ? action.runAfter : {};
          let reaches = false;
          for (const [after, statuses] of Object.entries(runAfter)) {
            const missing = ALL_STATUSES.filter((st) => !(Array.isArray(statuses) && statuses.includes(st)));
            if (missing.length > 0) issue('cleanup', `${at}.runAfter`, `${name} does not run when ${after} ends ${missing.join(' or ')}: the container group would be left running and billed`);
            const before = del.siblings[after];
            if (after === scope.name) reaches = true;
            else if (isObject(before) && !seen.has(after) && chain(after, before, `${at.slice(0, at.lastIndexOf('.'))}.${after}`, new Set([...seen, after]))) reaches = true;
          }
          return reaches;
        };
        if (!chain(deleteName, del.action, del.at, new Set([deleteName]))) issue('cleanup', `${del.at}.runAfter`, `${deleteName} does not wait for ${scope.name}: it would delete the group while the run still needs it`);
      }
    }
  }

  // Responses.
  const responses = actions.filter((a) => a.action.type === 'Response');
  const recurring = Object.entries(triggers).filter(([, t]) => isObject(t) && t.recurrence !== undefined);
  for (const r of responses) {
    const options = String(r.action.operationOptions ?? '').split(',').map((s) => s.trim());
    if (!options.includes('Asynchronous')) issue('response-async', r.at, `${r.name} is not Asynchronous: a run longer than the Request trigger's synchronous limit leaves the caller with a 504`);
    const onlyRequests = Object.keys(triggers).length > 0 && Object.keys(triggers).every((t) => requestTriggers.has(t));
    const guarded = r.ancestors.some((x) => {
      const m = x.branch === 'actions' && x.action.type === 'If' ? /^@equals\(trigger\(\)\??\['name'\],\s*'([^']+)'\)$/.exec(String(x.action.expression)) : null;
      return m !== null && requestTriggers.has(m[1]!);
    });
    // Every trigger a Request trigger (the main workflow): someone waits for each answer. Beside another
    // trigger, only the then-branch of an If on trigger().name naming a Request trigger is.
    if (requestTriggers.size === 0) issue('response-guarded', r.at, `${r.name} answers a request, but no trigger of the workflow is a Request trigger: nobody waits for that answer`);
    else if (!onlyRequests && !guarded) issue('response-guarded', r.at, `${r.name} can run in a run started by a trigger other than a Request trigger: nobody waits for that answer`);
    for (const [name] of recurring) {
      issue('response-with-recurrence', r.at, `the service refuses ${r.name} beside the trigger ${name}: "The workflow with 'Response' action type should not have triggers with 'recurrence' property defined"`);
    }
  }

  // Until limits.
  for (const u of actions.filter((a) => a.action.type === 'Until')) {
    const limit = isObject(u.action.limit) ? u.action.limit : {};
    const count = limit.count;
    const timeout = durationSeconds(limit.timeout);
    if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > 5_000) issue('until-limit', `${u.at}.limit.count`, `${u.name}'s count ${JSON.stringify(count)} is not an integer from 1 to 5,000 (the service's limit)`);
    if (timeout === undefined) issue('until-limit', `${u.at}.limit.timeout`, `${u.name}'s timeout ${JSON.stringify(limit.timeout)} is not an ISO 8601 duration`);
    else if (options.timeoutMinutes !== undefined && limit.timeout !== `PT${options.timeoutMinutes}M`) {
      issue('until-limit', `${u.at}.limit.timeout`, `${u.name}'s timeout is ${String(limit.timeout)}, not PT${options.timeoutMinutes}M (the run's timeout)`);
    }
    const waits = Object.values(isObject(u.action.actions) ? u.action.actions : {}).filter((a): a is Json => isObject(a) && a.type === 'Wait');
    const poll = waits.reduce((sum, w) => {
      const interval = isObject(w.inputs) && isObject(w.inputs.interval) ? w.inputs.interval : {};
      return sum + Number(interval.count ?? 0) * (UNIT_SECONDS[String(interval.unit)] ?? 0);
    }, 0);
    if (poll > 0 && timeout !== undefined && Number.isInteger(count) && (count as number) * poll < timeout) {
      issue('until-count-covers-timeout', `${u.at}.limit`, `${u.name} stops after ${String(count)} polls of ${poll} s (${Math.round(((count as number) * poll) / 60)} min at most), before its timeout of ${timeout / 60} min`);
    }
  }

  // Secrets: hidden in the run history, never literal.
  for (const a of actions) {
    const usesSecure = callsIn(a.action.inputs, `${a.at}.inputs`).some((c) => c.fn === 'parameters' && secureParams.has(c.arg!));
    if (usesSecure && !secureInputs(a.action)) issue('secure-inputs', a.at, `${a.name}'s inputs use a SecureString parameter but are not secured (runtimeConfiguration.secureData.properties lacks "inputs"): the run history would show the secret`);
  }
  if (secureParams.has('registryPassword') && create && !secureInputs(create.action)) {
    issue('secure-inputs', create.at, `${createName} is not secured although the registry password is a parameter: its inputs carry the registry credentials`);
  }
  for (const [name, p] of Object.entries(parameters)) {
    if (!isObject(p)) continue;
    if (SECRET_KEY.test(name) && !secureParams.has(name)) issue('literal-secret', `parameters.${name}`, `the parameter ${name} holds a secret but is ${String(p.type)}, not SecureString`);
    if (secureParams.has(name) && 'defaultValue' in p) issue('literal-secret', `parameters.${name}.defaultValue`, `the SecureString ${name} has a default value: a literal secret in the definition`);
  }
  for (const s of strings(def, 'definition')) {
    const onlySecureParam = /^@\{?parameters\('([^']+)'\)\}?$/.exec(s.text);
    if (SECRET_KEY.test(s.key) && !(onlySecureParam && secureParams.has(onlySecureParam[1]!))) {
      issue('literal-secret', s.at, `${s.key} is ${s.text.startsWith('@') ? 'an expression that is not a SecureString parameter' : 'a literal'}: a secret must come from a SecureString parameter`);
    } else if (SECRET_SHAPES.some((re) => re.test(s.text))) {
      issue('literal-secret', s.at, 'this value looks like a secret (a token, a key or a certificate)');
    }
  }

  // Calls to ARM: the workflow's identity, an audience, an api-version.
  for (const h of actions.filter((a) => a.action.type === 'Http')) {
    const inputs = isObject(h.action.inputs) ? h.action.inputs : {};
    const uri = typeof inputs.uri === 'string' ? inputs.uri : '';
    const literalHost = /^https:\/\/([^/@]+)\//.exec(uri)?.[1];
    if (literalHost !== undefined && !literalHost.startsWith('management.')) continue; // not ARM
    const auth = isObject(inputs.authentication) ? inputs.authentication : {};
    if (auth.type !== 'ManagedServiceIdentity') issue('arm-call', `${h.at}.inputs.authentication`, `${h.name} calls ARM without the workflow's managed identity`);
    else if (typeof auth.audience !== 'string' || auth.audience === '') issue('arm-call', `${h.at}.inputs.authentication`, `${h.name}'s managed identity has no audience`);
    if (!/[?&]api-version=\d{4}-\d{2}-\d{2}(-preview)?(&|$)/.test(uri)) issue('arm-call', `${h.at}.inputs.uri`, `${h.name}'s uri has no api-version=YYYY-MM-DD: ARM refuses the call`);
  }

  // Calls to another workflow: the built-in Workflow action runs the trigger it names, which must be a
  // Request trigger of that workflow, once (each call is a billed run).
  for (const w of actions.filter((a) => a.action.type === 'Workflow')) {
    const inputs = isObject(w.action.inputs) ? w.action.inputs : {};
    const host = isObject(inputs.host) ? inputs.host : {};
    const id = isObject(host.workflow) ? host.workflow.id : undefined;
    const triggerName = host.triggerName;
    const retry = isObject(inputs.retryPolicy) ? String(inputs.retryPolicy.type).toLowerCase() : 'default';
    if (retry !== 'none') {
      // The default policy resends a call answered 408, 429 or 5xx up to four times; a run that failed answers 5xx.
      issue('workflow-call', `${w.at}.inputs.retryPolicy`, `${w.name} is retried (${retry} retry policy): each retry of a call whose run failed starts another run`);
    }
    if (typeof id !== 'string' || !WORKFLOW_ID.test(id)) {
      issue('workflow-call', `${w.at}.inputs.host.workflow.id`, `${w.name} calls ${JSON.stringify(id)}, which is not a workflow's resource id (/subscriptions/…/resourceGroups/…/providers/Microsoft.Logic/workflows/NAME)`);
      continue;
    }
    const target = Object.entries(options.workflows ?? {}).find(([known]) => known.toLowerCase() === id.toLowerCase())?.[1];
    if (target === undefined) {
      issue('workflow-call', `${w.at}.inputs.host.workflow.id`, `${w.name} calls ${id}, a workflow the check was not given: it cannot say whether the call works`);
      continue;
    }
    const targetTriggers = isObject(target) && isObject(target.triggers) ? target.triggers : {};
    const called = typeof triggerName === 'string' ? targetTriggers[triggerName] : undefined;
    if (!isObject(called)) {
      issue('workflow-call', `${w.at}.inputs.host.triggerName`, `${w.name} calls the trigger ${JSON.stringify(triggerName)} of ${id.split('/').pop()!}, whose triggers are ${Object.keys(targetTriggers).join(', ') || 'none'}`);
    } else if (called.type !== 'Request') {
      issue('workflow-call', `${w.at}.inputs.host.triggerName`, `${w.name} calls the trigger ${String(triggerName)} of ${id.split('/').pop()!}, a ${String(called.type)} trigger: a workflow can only be called through a Request trigger`);
    }
  }

  return issues;
}

const WORKFLOW_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Logic\/workflows\/[^/]+$/i;

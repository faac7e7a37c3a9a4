import { callFunction, timestampMember } from './functions';
import { FormulaSyntaxError } from './lexer';
import { MAX_FORMULA_LENGTH, MAX_STATEMENTS, parseFormula, type Expr, type Statement } from './parser';
import { callMetricMethod, METRICS, type MetricName, type SampleSource } from './samples';
import { asDouble, double, formatValue, FormulaEvaluationError, TIME_INTERVALS, typeName, type Value } from './values';

/**
 * Evaluates an autoscale formula the way the Batch service does for evaluateautoscale and for each
 * automatic scaling run: statements in order, service variables read from the pool, metrics from
 * their sample history, and the result as the service's AutoScaleRun.results string:
 * `$TargetDedicatedNodes=…;$TargetLowPriorityNodes=…;$NodeDeallocationOption=…` followed by the
 * formula's `$` variables in ordinal order (variables written without `$` are not listed, as in
 * Microsoft's documented output). A run that fails keeps the results it had reached.
 */
export interface PoolFacts {
  targetDedicatedNodes: number;
  targetLowPriorityNodes: number;
  currentDedicatedNodes: number;
  currentLowPriorityNodes: number;
  taskSlotsPerNode: number;
}

export interface FormulaInputs extends PoolFacts {
  samples: SampleSource;
  /** Milliseconds since the epoch: time() without arguments, and where look-back windows end. */
  now: number;
}

export const DEALLOCATION_OPTIONS = ['requeue', 'terminate', 'taskcompletion', 'retaineddata'] as const;
export type NodeDeallocationOption = (typeof DEALLOCATION_OPTIONS)[number];

export interface FormulaOutcome {
  results: string;
  /** The targets to apply: whole numbers of nodes, never negative. */
  targetDedicatedNodes: number;
  targetLowPriorityNodes: number;
  nodeDeallocationOption: NodeDeallocationOption;
  error?: { code: string; message: string; values: Array<{ name: string; value: string }> };
}

/** Throws FormulaSyntaxError (AutoScalingFormulaSyntaxError) or FormulaTooLongError; otherwise the statements. */
export function checkFormula(formula: string): Statement[] {
  if (formula.length > MAX_FORMULA_LENGTH) throw new FormulaTooLongError();
  const statements = parseFormula(formula);
  if (statements.length > MAX_STATEMENTS) throw new FormulaSyntaxError(`the formula has ${statements.length} statements; at most ${MAX_STATEMENTS} are allowed`, statements[MAX_STATEMENTS]!.line, 1);
  return statements;
}

export class FormulaTooLongError extends Error {
  constructor() {
    super(`An automatic scaling formula is too long. The maximum length is ${MAX_FORMULA_LENGTH} characters.`);
  }
}

const READ_ONLY: Record<string, keyof PoolFacts> = {
  $CurrentDedicatedNodes: 'currentDedicatedNodes',
  $CurrentDedicated: 'currentDedicatedNodes',
  $CurrentLowPriorityNodes: 'currentLowPriorityNodes',
  $TaskSlotsPerNode: 'taskSlotsPerNode',
};
const TARGETS: Record<string, 'dedicated' | 'lowPriority'> = {
  $TargetDedicatedNodes: 'dedicated',
  $TargetDedicated: 'dedicated',
  $TargetLowPriorityNodes: 'lowPriority',
  $TargetLowPriority: 'lowPriority',
};
const FULL_NAMES = new Set(['$TargetDedicatedNodes', '$TargetLowPriorityNodes']);

class Stop {}

export function evaluateFormula(formula: string, inputs: FormulaInputs): FormulaOutcome {
  const statements = checkFormula(formula);
  const state = new Evaluation(inputs);
  try {
    for (const statement of statements) state.run(statement);
  } catch (e) {
    if (e instanceof Stop) return state.outcome();
    if (!(e instanceof FormulaEvaluationError)) throw e;
    const where = e.line !== undefined ? `Line ${e.line}, Col ${e.column ?? 1}: ` : '';
    const error = e.insufficient
      ? { code: 'InsufficientSampleData', message: 'Autoscale evaluation failed due to insufficient sample data' }
      : // Microsoft documents no other evaluation error's code or text: these are the double's.
        { code: 'FormulaEvaluationError', message: 'Autoscale evaluation failed' };
    return { ...state.outcome(), error: { ...error, values: [{ name: 'Message', value: `${where}${e.message}` }] } };
  }
  return state.outcome();
}

class Evaluation {
  private readonly vars = new Map<string, Value>();
  /** Assignments to the targets, by the name used: the full name wins over its alias. */
  private readonly targets = new Map<string, number>();
  private dealloc: NodeDeallocationOption = 'requeue';

  constructor(private readonly inputs: FormulaInputs) {}

  run(statement: Statement): void {
    if (statement.kind === 'expr') {
      this.eval(statement.expr);
      return;
    }
    const value = this.eval(statement.expr);
    const name = statement.name;
    const at = (e: FormulaEvaluationError) => Object.assign(e, { line: statement.line, column: 1 });
    if (name in TARGETS) {
      if (value.t !== 'double') throw at(new FormulaEvaluationError(`${name} must be assigned a double, not a ${typeName(value)}`));
      this.targets.set(name, value.v);
    } else if (name === '$NodeDeallocationOption') {
      if (value.t !== 'string' || !(DEALLOCATION_OPTIONS as readonly string[]).includes(value.v)) {
        throw at(new FormulaEvaluationError(`$NodeDeallocationOption must be one of ${DEALLOCATION_OPTIONS.join(', ')}`));
      }
      this.dealloc = value.v as NodeDeallocationOption;
    } else if (name in READ_ONLY || (METRICS as readonly string[]).includes(name) || name in TIME_INTERVALS) {
      throw at(new FormulaEvaluationError(`${name} is read-only`));
    } else {
      this.vars.set(name, value);
    }
  }

  outcome(): FormulaOutcome {
    const dedicated = this.target('dedicated');
    const lowPriority = this.target('lowPriority');
    const user = [...this.vars.entries()].filter(([name]) => name.startsWith('$')).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const results = [`$TargetDedicatedNodes=${formatValue(double(dedicated))}`, `$TargetLowPriorityNodes=${formatValue(double(lowPriority))}`, `$NodeDeallocationOption=${this.dealloc}`, ...user.map(([name, v]) => `${name}=${formatValue(v)}`)];
    return {
      results: results.join(';'),
      targetDedicatedNodes: nodes(dedicated),
      targetLowPriorityNodes: nodes(lowPriority),
      nodeDeallocationOption: this.dealloc,
    };
  }

  private target(kind: 'dedicated' | 'lowPriority'): number {
    const names = Object.entries(TARGETS).filter(([, k]) => k === kind).map(([n]) => n);
    const full = names.find((n) => FULL_NAMES.has(n) && this.targets.has(n));
    const alias = names.find((n) => !FULL_NAMES.has(n) && this.targets.has(n));
    const chosen = full ?? alias;
    if (chosen !== undefined) return this.targets.get(chosen)!;
    return kind === 'dedicated' ? this.inputs.targetDedicatedNodes : this.inputs.targetLowPriorityNodes;
  }

  private eval(expr: Expr): Value {
    switch (expr.kind) {
      case 'number':
        return double(expr.value);
      case 'string':
        return { t: 'string', v: expr.value };
      case 'vector':
        return { t: 'vec', v: expr.items.map((item) => asDouble(this.eval(item), 'a vector element')) };
      case 'name':
        return this.positioned(expr, () => this.lookup(expr.name));
      case 'call':
        if (expr.name === 'stop') throw new Stop();
        return this.positioned(expr, () => callFunction(expr.name, expr.args.map((a) => this.eval(a)), this.inputs.now));
      case 'method': {
        const target = this.eval(expr.target);
        const args = expr.args.map((a) => this.eval(a));
        return this.positioned(expr, () => {
          if (target.t !== 'metric') throw new FormulaEvaluationError(`a ${typeName(target)} has no method ${expr.name}()`);
          return callMetricMethod(target.name as MetricName, expr.name, args, this.inputs.samples(target.name as MetricName), this.inputs.now);
        });
      }
      case 'member': {
        const target = this.eval(expr.target);
        return this.positioned(expr, () => {
          if (target.t !== 'timestamp') throw new FormulaEvaluationError(`a ${typeName(target)} has no member '${expr.name}'`);
          return timestampMember(target.ms, expr.name);
        });
      }
      case 'unary': {
        const arg = this.eval(expr.arg);
        if (expr.op === '!') return double(asDouble(arg, "'!'") === 0 ? 1 : 0);
        if (arg.t === 'interval') return { t: 'interval', ms: -arg.ms };
        if (arg.t === 'vec') return { t: 'vec', v: arg.v.map((x) => -x) };
        return double(-asDouble(arg, "unary '-'"));
      }
      case 'ternary': {
        const cond = this.eval(expr.cond);
        return asDouble(cond, 'the condition of ?:') !== 0 ? this.eval(expr.then) : this.eval(expr.otherwise);
      }
      case 'binary': {
        if (expr.op === '&&' || expr.op === '||') {
          const left = this.positioned(expr, () => asDouble(this.eval(expr.left), `'${expr.op}'`));
          if (expr.op === '&&' && left === 0) return double(0);
          if (expr.op === '||' && left !== 0) return double(1);
          return double(this.positioned(expr, () => asDouble(this.eval(expr.right), `'${expr.op}'`)) !== 0 ? 1 : 0);
        }
        const left = this.eval(expr.left);
        const right = this.eval(expr.right);
        return this.positioned(expr, () => binary(expr.op, left, right));
      }
    }
  }

  private lookup(name: string): Value {
    if (name in TARGETS) return double(this.target(TARGETS[name]!));
    if (name === '$NodeDeallocationOption') return { t: 'string', v: this.dealloc };
    if (name in READ_ONLY) return double(this.inputs[READ_ONLY[name]!]);
    if ((METRICS as readonly string[]).includes(name)) return { t: 'metric', name };
    if (name in TIME_INTERVALS) return { t: 'interval', ms: TIME_INTERVALS[name]! };
    const user = this.vars.get(name);
    if (user) return user;
    if ((DEALLOCATION_OPTIONS as readonly string[]).includes(name)) return { t: 'string', v: name };
    throw new FormulaEvaluationError(`undefined variable ${name}`);
  }

  /** Runs `f`, giving an error without a position the one of `expr`. */
  private positioned<T>(expr: { line: number; column: number }, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof FormulaEvaluationError && e.line === undefined) Object.assign(e, { line: expr.line, column: expr.column });
      throw e;
    }
  }
}

function binary(op: string, left: Value, right: Value): Value {
  if (['<', '<=', '>', '>=', '==', '!='].includes(op)) return double(compare(op, left, right) ? 1 : 0);
  if (left.t === 'double' && right.t === 'double') return double(arith(op, left.v, right.v));
  if (left.t === 'vec' || right.t === 'vec') {
    if (!['+', '-', '*', '/'].includes(op)) throw mismatch(op, left, right);
    const l = left.t === 'vec' ? left.v : left.t === 'double' ? null : undefined;
    const r = right.t === 'vec' ? right.v : right.t === 'double' ? null : undefined;
    if (l === undefined || r === undefined) throw mismatch(op, left, right);
    if (l && r && l.length !== r.length) throw new FormulaEvaluationError(`'${op}' on doubleVecs of lengths ${l.length} and ${r.length}`);
    const length = (l ?? r)!.length;
    const at = (side: Value, vec: number[] | null, i: number) => (vec ? vec[i]! : (side as { v: number }).v);
    return { t: 'vec', v: Array.from({ length }, (_, i) => arith(op, at(left, l, i), at(right, r, i))) };
  }
  if (op === '*' && left.t === 'double' && right.t === 'interval') return { t: 'interval', ms: left.v * right.ms };
  if ((op === '*' || op === '/') && left.t === 'interval' && right.t === 'double') return { t: 'interval', ms: arith(op, left.ms, right.v) };
  if ((op === '+' || op === '-') && left.t === 'interval' && right.t === 'interval') return { t: 'interval', ms: arith(op, left.ms, right.ms) };
  if (op === '+' && left.t === 'interval' && right.t === 'timestamp') return { t: 'timestamp', ms: left.ms + right.ms };
  if ((op === '+' || op === '-') && left.t === 'timestamp' && right.t === 'interval') return { t: 'timestamp', ms: arith(op, left.ms, right.ms) };
  if (op === '-' && left.t === 'timestamp' && right.t === 'timestamp') return { t: 'interval', ms: left.ms - right.ms };
  throw mismatch(op, left, right);
}

function compare(op: string, left: Value, right: Value): boolean {
  const key = (v: Value): number | string => {
    if (v.t === 'double' || v.t === 'string') return v.v;
    if (v.t === 'timestamp' || v.t === 'interval') return v.ms;
    throw mismatch(op, left, right);
  };
  if (left.t !== right.t) throw mismatch(op, left, right);
  const a = key(left);
  const b = key(right);
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
      return a === b;
    default:
      return a !== b;
  }
}

function arith(op: string, a: number, b: number): number {
  if (op === '+') return a + b;
  if (op === '-') return a - b;
  if (op === '*') return a * b;
  return a / b;
}

function mismatch(op: string, left: Value, right: Value): FormulaEvaluationError {
  return new FormulaEvaluationError(`'${op}' is not defined for ${typeName(left)} and ${typeName(right)}`);
}

/** A target as a node count: whole (fractions dropped) and never negative. */
function nodes(v: number): number {
  return Number.isFinite(v) ? Math.max(0, Math.floor(v)) : 0;
}

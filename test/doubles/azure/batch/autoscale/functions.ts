import { asDouble, double, flatten, FormulaEvaluationError, typeName, type Value } from './values';

/** The predefined functions of batch-automatic-scaling ("Functions"), except stop() (evaluate.ts). */
export function callFunction(name: string, args: Value[], now: number): Value {
  const list = () => flatten(args, name);
  const nonEmpty = () => {
    const v = list();
    if (v.length === 0) throw new FormulaEvaluationError(`${name}() of an empty doubleVec`);
    return v;
  };
  const componentWise = (f: (x: number) => number): Value => {
    const only = args.length === 1 ? args[0] : undefined;
    if (only?.t === 'double') return double(f(only.v));
    return { t: 'vec', v: list().map(f) };
  };
  switch (name) {
    case 'avg': {
      const v = nonEmpty();
      return double(v.reduce((a, b) => a + b, 0) / v.length);
    }
    case 'len':
      return double(list().length);
    case 'max':
      return double(Math.max(...nonEmpty()));
    case 'min':
      return double(Math.min(...nonEmpty()));
    case 'sum':
      return double(list().reduce((a, b) => a + b, 0));
    case 'range': {
      const v = nonEmpty();
      return double(Math.max(...v) - Math.min(...v));
    }
    case 'norm':
      return double(Math.sqrt(list().reduce((a, b) => a + b * b, 0)));
    case 'std': {
      const v = nonEmpty();
      if (v.length < 2) return double(0);
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      return double(Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)));
    }
    case 'lg':
      return componentWise(Math.log2);
    case 'ln':
      return componentWise(Math.log);
    case 'log':
      return componentWise(Math.log10);
    case 'rand':
      return double(Math.random());
    case 'percentile': {
      const [v, p] = args;
      if (!v || v.t !== 'vec' || !p) throw new FormulaEvaluationError('percentile(doubleVec v, double p) needs a doubleVec and a double');
      const sorted = [...v.v].sort((a, b) => a - b);
      if (sorted.length === 0) throw new FormulaEvaluationError('percentile() of an empty doubleVec');
      const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((asDouble(p, 'percentile p') / 100) * sorted.length) - 1));
      return double(sorted[rank]!);
    }
    case 'val': {
      const [v, i] = args;
      if (!v || v.t !== 'vec' || !i) throw new FormulaEvaluationError('val(doubleVec v, double i) needs a doubleVec and a double');
      const index = asDouble(i, 'val i');
      const item = v.v[index];
      if (!Number.isInteger(index) || item === undefined) throw new FormulaEvaluationError(`val(): index ${index} is outside a doubleVec of length ${v.v.length}`);
      return double(item);
    }
    case 'time': {
      if (args.length === 0) return { t: 'timestamp', ms: now };
      const [s] = args;
      if (!s || s.t !== 'string' || args.length > 1) throw new FormulaEvaluationError('time() takes one string (W3C-DTF or RFC 1123)');
      const ms = Date.parse(s.v);
      if (Number.isNaN(ms)) throw new FormulaEvaluationError(`time(): '${s.v}' is not a W3C-DTF or RFC 1123 date`);
      return { t: 'timestamp', ms };
    }
    default:
      throw new FormulaEvaluationError(`unknown function ${name}()${args.length ? ` (called with ${args.map(typeName).join(', ')})` : ''}`);
  }
}

/** timestamp members (batch-automatic-scaling, "Types"); weekday 1 is Monday (UTC, as time() is). */
export function timestampMember(ms: number, name: string): Value {
  const d = new Date(ms);
  const members: Record<string, number> = {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
  const value = members[name];
  if (value === undefined) throw new FormulaEvaluationError(`a timestamp has no member '${name}'`);
  return double(value);
}

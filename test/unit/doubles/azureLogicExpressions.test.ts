// The workflow definition language evaluator of the Logic Apps double: templates (@expr, @{expr},
// @@), the expression grammar, property access and the functions our definitions use, with the
// service's texts for what goes wrong. Corner cases follow what IllogicApps measured against the
// service (a public simulator's test suite) and Microsoft's language reference.
import { describe, expect, it } from 'vitest';
import { evaluateCondition } from '../../doubles/azure/logic/expressions/condition';
import type { ExpressionRuntime } from '../../doubles/azure/logic/expressions/functions';
import { ExpressionSyntaxError, parseExpression } from '../../doubles/azure/logic/expressions/parser';
import { evaluateValue, parseStringTemplate, piecesIn } from '../../doubles/azure/logic/expressions/template';
import { ExpressionError } from '../../doubles/azure/logic/expressions/values';

const NOW = new Date('2026-03-04T05:06:07.891Z');

function runtime(extra: Partial<ExpressionRuntime> = {}): ExpressionRuntime {
  const actions: Record<string, Record<string, unknown>> = {
    Get_group: { name: 'Get_group', outputs: { statusCode: 200, headers: {}, body: { properties: { instanceView: { state: 'Succeeded' } } } }, status: 'Succeeded', code: 'OK' },
    Skipped_one: { name: 'Skipped_one', status: 'Skipped', code: 'ActionSkipped' },
    Inner: { name: 'Inner', outputs: 1, status: 'Succeeded' },
  };
  return {
    parameter: (name) => {
      if (name === 'image') return 'registry/model:1';
      throw new ExpressionError(`The workflow parameter '${name}' is not found.`);
    },
    trigger: () => ({ name: 'manual', outputs: { headers: { 'Content-Type': 'application/json' }, body: { x: 2, name: 'Ada', list: [1, 2, 3] } }, status: 'Succeeded' }),
    workflow: () => ({ id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Logic/workflows/wf', name: 'wf', run: { name: '08584737551867954143243946780CU57' } }),
    action: (name) => actions[name],
    result: (name) => (name === 'Scope' ? [actions.Inner] : []),
    now: () => NOW,
    ...extra,
  };
}

const ev = (value: unknown, rt = runtime()) => evaluateValue(value, rt);
const failure = (value: unknown, rt = runtime()): string => {
  try {
    evaluateValue(value, rt);
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return (e as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(value)} to fail`);
};

describe('templates', () => {
  it('keeps strings without expressions as they are, including a lone @ and @ not followed by {', () => {
    for (const s of ['str', '', '1', ' @@,,}', ' @,,}', '@', 'mail@example.com']) expect(ev(s)).toBe(s);
  });

  it('drops one @ from a string that starts with @@ and does not evaluate the rest', () => {
    expect(ev('@@unparsed!')).toBe('@unparsed!');
    expect(ev("@@{'abc'}@{'def'}")).toBe("@{'abc'}@{'def'}");
  });

  it('escapes @{ as @@{ inside a string', () => {
    expect(ev("testing @@{'blah'} @{'thing'}")).toBe("testing @{'blah'} thing");
  });

  it('gives a whole-value expression its own type and interpolation a string', () => {
    expect(ev('@triggerBody()')).toEqual({ x: 2, name: 'Ada', list: [1, 2, 3] });
    expect(ev('@triggerBody()?[\'x\']')).toBe(2);
    expect(ev('x=@{triggerBody()?[\'x\']}')).toBe('x=2');
    expect(ev('@{1}')).toBe('1');
    expect(ev('@{triggerBody()}')).toBe('{"x":2,"name":"Ada","list":[1,2,3]}');
    expect(ev('@{true}/@{false}/@{null}.')).toBe('True/False/.');
    expect(ev("@{'h'}@{'e'}@{'l'}@{'l'}@{'o'}")).toBe('hello');
  });

  it('evaluates objects and arrays deeply, keys literally', () => {
    expect(ev({ '@key': ['@concat(\'a\', \'b\')', { n: '@add(1, 2)' }], flag: true, none: null })).toEqual({ '@key': ['ab', { n: 3 }], flag: true, none: null });
  });

  it('finds every expression of a value for validation', () => {
    expect(piecesIn({ a: '@body(\'X\')', b: ['x @{outputs(\'Y\')} y', 'plain'] }).map((p) => p.source)).toEqual(["body('X')", "outputs('Y')"]);
    expect(parseStringTemplate('@{1}').kind).toBe('interpolated');
  });
});

describe('the grammar', () => {
  it('reads numbers with signs, fractions and exponents', () => {
    expect(ev('@-51')).toBe(-51);
    expect(ev('@+54')).toBe(54);
    expect(ev('@+.5')).toBe(0.5);
    expect(ev('@3.2e-1')).toBe(0.32);
    expect(ev('@{-01.0}')).toBe('-1');
    expect(ev('@{3e1}')).toBe('30');
  });

  it("reads strings with '' for a quote, and true, false, null", () => {
    expect(ev("@'don''t worry'")).toBe("don't worry");
    expect(ev('@null')).toBeNull();
    expect(ev('@true')).toBe(true);
    expect(ev('@FALSE')).toBe(false);
  });

  it('refuses what the service refuses, quoting the expression and the position', () => {
    for (const bad of ["@'a','b'", '@()', '@{}', '@concat', "@concat('a')('c')", '@+', '@1e', '@1e+', '@1e1.1', '@++1', '@--1', " @{'a'"]) {
      expect(() => ev(bad), bad).toThrow(ExpressionSyntaxError);
    }
    expect(() => parseExpression("concat('a' 'b')")).toThrow(
      "The template language expression 'concat('a' 'b')' is not valid: the string character ''' at position '12' is not expected.",
    );
  });
});

describe('property access', () => {
  it("selects with ['a'], ?['a'], .a and ?.a, ignoring case, and indexes arrays", () => {
    expect(ev("@body('Get_group')['properties']['instanceView']['state']")).toBe('Succeeded');
    expect(ev("@body('Get_group')?.PROPERTIES?.instanceview.State")).toBe('Succeeded');
    expect(ev("@json('{\"abCDef\": 123}').abcdef")).toBe(123);
    expect(ev("@triggerBody()['list'][1]")).toBe(2);
    expect(ev("@triggerBody()?['missing']?['deeper']")).toBeNull();
    expect(ev("@triggerBody()?['list']?[7]")).toBeNull();
  });

  it('fails with the service texts without ?', () => {
    expect(failure("@triggerBody()['missing']")).toBe(
      "The template language expression 'triggerBody()['missing']' cannot be evaluated because property 'missing' doesn't exist, available properties are 'x, name, list'. Please see https://aka.ms/logicexpressions for usage details.",
    );
    expect(failure("@triggerBody()?['missing']['deeper']")).toBe(
      "The template language expression 'triggerBody()?['missing']['deeper']' cannot be evaluated because property 'deeper' cannot be selected. Property selection is not supported on values of type 'Null'. Please see https://aka.ms/logicexpressions for usage details.",
    );
    expect(failure("@triggerBody()['list'][3]")).toBe(
      "The template language expression 'triggerBody()['list'][3]' cannot be evaluated because array index '3' is outside bounds (0, 2) of array. Please see https://aka.ms/logicexpressions for usage details.",
    );
  });
});

describe('functions', () => {
  it('reads the run: parameters, trigger, workflow, body, outputs, actions, result', () => {
    expect(ev("@parameters('image')")).toBe('registry/model:1');
    expect(ev('@trigger().name')).toBe('manual');
    expect(ev("@triggerOutputs()['headers']['content-type']")).toBe('application/json');
    expect(ev('@toLower(workflow().run.name)')).toBe('08584737551867954143243946780cu57');
    expect(ev("@outputs('Get_group')['statusCode']")).toBe(200);
    expect(ev("@actions('Get_group').status")).toBe('Succeeded');
    expect(ev("@length(result('Scope'))")).toBe(1);
    expect(failure("@parameters('nope')")).toBe("The workflow parameter 'nope' is not found.");
    expect(failure("@body('Skipped_one')")).toContain("the action 'Skipped_one' has no outputs: its status is 'Skipped'");
  });

  it('looks functions up without regard to case, and refuses unknown ones', () => {
    expect(ev('@utcnow()')).toBe('2026-03-04T05:06:07.8910000Z');
    expect(ev('@TRIGGERBODY().x')).toBe(2);
    expect(failure('@nope()')).toBe("The template function 'nope' is not defined or not valid.");
    expect(failure("@toLower('a', 'b')")).toContain("The template language function 'toLower' expects 1 parameter(s). The function was invoked with '2' parameter(s).");
  });

  it('compares: equals is deep and case-sensitive; greater and less take numbers or strings', () => {
    expect(ev("@equals('a', 'A')")).toBe(false);
    expect(ev("@equals(json('{\"a\":[1,2]}'), json('{\"a\":[1,2]}'))")).toBe(true);
    expect(ev("@equals(true, 'True')")).toBe(true);
    expect(ev('@equals(1, 1.0)')).toBe(true);
    expect(ev('@greater(2, 1)')).toBe(true);
    expect(ev("@less('a', 'b')")).toBe(true);
    expect(failure("@greater(1, 'a')")).toContain("expects two parameters of matching types");
  });

  it('short-circuits and, or and if: an unused branch may fail', () => {
    expect(ev("@and(false, int('x'))")).toBe(false);
    expect(ev('@or(true, nope())')).toBe(true);
    expect(ev('@if(true, 1, nope())')).toBe(1);
    expect(ev('@not(and(true, true))')).toBe(false);
    expect(failure("@and(1, true)")).toContain("expects all of its parameters to be of type boolean. The provided value is of type 'Integer'");
    expect(failure("@if('yes', 1, 2)")).toContain("expects its first parameter to be of type boolean");
  });

  it('converts: string, json, int, base64', () => {
    expect(ev('@string(true)')).toBe('True');
    expect(ev('@string(triggerBody()?[\'list\'])')).toBe('[1,2,3]');
    expect(ev("@json('{\"a\":1}').a")).toBe(1);
    expect(ev("@int('42')")).toBe(42);
    expect(failure("@int('4x')")).toBe(
      "The template language function 'int' was invoked with a parameter that is not valid. The value cannot be converted to the target type. Please see https://aka.ms/logicexpressions for usage details.",
    );
    expect(ev("@base64ToString(base64('héllo'))")).toBe('héllo');
    expect(ev("@base64('hi')")).toBe('aGk=');
  });

  it('works on strings: concat, toLower, toUpper, substring, split, replace', () => {
    expect(ev("@concat('a', 1, true, null, triggerBody()?['list'])")).toBe('a1True[1,2,3]');
    expect(ev("@toUpper('abc')")).toBe('ABC');
    expect(ev("@substring('hello', 1, 3)")).toBe('ell');
    expect(ev("@substring('hello', 2)")).toBe('llo');
    expect(failure("@substring('hello', 3, 3)")).toBe(
      "The template language function 'substring' parameters are out of range: 'start index' and 'length' must be non-negative integers and their sum must be no larger than the length of the string. Please see https://aka.ms/logicexpressions for usage details.",
    );
    expect(ev("@split('a,b,,c', ',')")).toEqual(['a', 'b', '', 'c']);
    expect(ev("@replace('a-b-c', '-', '+')")).toBe('a+b+c');
    expect(failure('@toLower(null)')).toContain("The template language function 'toLower' expects its parameter to be a string. The provided value is of type 'Null'.");
  });

  it('works on collections: first, last, length, contains, empty, coalesce', () => {
    expect(ev("@first(triggerBody()['list'])")).toBe(1);
    expect(ev("@last('abc')")).toBe('c');
    expect(ev('@first(json(\'[]\'))')).toBeNull();
    expect(ev("@length('abc')")).toBe(3);
    expect(failure('@length(1)')).toBe(
      "The template language function 'length' expects its parameter to be an array or a string. The provided value is of type 'Integer'. Please see https://aka.ms/logicexpressions#length for usage details.",
    );
    expect(ev("@contains('abc', 'b')")).toBe(true);
    expect(ev("@contains('abc', 'B')")).toBe(false);
    expect(ev("@contains(triggerBody()['list'], 2)")).toBe(true);
    expect(ev("@contains(triggerBody(), 'NAME')")).toBe(true);
    expect(ev("@empty('')")).toBe(true);
    expect(ev("@empty(json('{}'))")).toBe(true);
    expect(ev("@empty(triggerBody()?['list'])")).toBe(false);
    expect(ev("@coalesce(null, triggerBody()?['nope'], 'x')")).toBe('x');
  });

  it('formats utcNow like the service (seven fractional digits) or with a .NET format', () => {
    expect(ev("@utcNow('yyyy-MM-dd')")).toBe('2026-03-04');
    expect(ev("@utcNow('o')")).toBe('2026-03-04T05:06:07.8910000Z');
  });
});

describe('If conditions', () => {
  it('evaluates the designer object form and expression strings', () => {
    const rt = runtime();
    expect(evaluateCondition({ and: [{ equals: ['@trigger().name', 'manual'] }] }, rt)).toBe(true);
    expect(evaluateCondition({ or: [{ equals: ['@trigger().name', 'Recurrence'] }, { not: { greater: ["@triggerBody()?['x']", 1] } }] }, rt)).toBe(false);
    expect(evaluateCondition("@equals(trigger().name, 'manual')", rt)).toBe(true);
    expect(() => evaluateCondition({ nope: [1] }, rt)).toThrow("The template function 'nope' is not defined or not valid.");
  });
});

import { AwsError } from './faults';

/**
 * CloudWatch Logs filter patterns for unstructured events, the part FilterLogEvents callers
 * use: terms (all must appear, case-sensitive), "quoted phrases", `?term` (any of these) and
 * `-term` (none of these). JSON (`{ $.x = … }`), space-delimited (`[a, b]`) and `%regex%`
 * patterns are refused loudly rather than matched wrongly, so a test relying on them fails.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */
export function compileFilterPattern(pattern: string | undefined): (message: string) => boolean {
  const text = (pattern ?? '').trim();
  if (text === '') return () => true;
  if (/^[{[%]/.test(text)) {
    throw new AwsError(400, 'InvalidParameterException', `The test double only supports term filter patterns, not: ${text}`);
  }
  const required: string[] = [];
  const anyOf: string[] = [];
  const excluded: string[] = [];
  for (const match of text.matchAll(/([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)) {
    const [, sign, quoted, bare] = match;
    const term = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (bare ?? '');
    if (quoted === undefined && !/^\w+$/.test(term)) {
      // Non-alphanumeric terms must be quoted (filter pattern syntax).
      throw new AwsError(400, 'InvalidParameterException', `Invalid character(s) in term '${term}'`);
    }
    (sign === '?' ? anyOf : sign === '-' ? excluded : required).push(term);
  }
  return (message) =>
    required.every((term) => message.includes(term)) &&
    !excluded.some((term) => message.includes(term)) &&
    (anyOf.length === 0 || anyOf.some((term) => message.includes(term)));
}

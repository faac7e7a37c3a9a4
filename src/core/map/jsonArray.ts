import { AppError } from '../errors';

/**
 * The elements of a JSON array, one at a time, as their exact text: a file of any size streams
 * (only the element being read is held). Each element is checked to be JSON; its text is sent
 * as it is, so a number keeps every digit it was written with.
 */
export async function* jsonArrayElements(chunks: AsyncIterable<string>, file: string): AsyncGenerator<string> {
  let state = 'before' as 'before' | 'value' | 'done';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let current = '';
  let line = 1;
  let sawElement = false;
  const fail = (what: string) =>
    new AppError('payload-invalid', `${file} is not a JSON array (${what} on line ${line}). Give a JSON array (one call per element), a CSV file or JSON Lines.`);
  const element = (): string => {
    const text = current.trim();
    current = '';
    try {
      JSON.parse(text);
    } catch (e) {
      throw new AppError('payload-invalid', `Element ending on line ${line} of ${file} is not valid JSON (${(e as Error).message}).`, { cause: e });
    }
    return text;
  };
  for await (const chunk of chunks) {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (c === '\n') line++;
      if (state === 'value') {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === '\\') escaped = true;
          else if (c === '"') inString = false;
          continue;
        }
        if (c === '"') inString = true;
        else if (c === '[' || c === '{') depth++;
        else if ((c === ']' || c === '}') && depth > 0) depth--;
        else if (depth === 0 && (c === ',' || c === ']')) {
          current += chunk.slice(start, i);
          const text = current.trim();
          if (text === '') {
            // `[]` is an empty array; `[1,,2]` and `[1,]` are not JSON.
            if (c === ']' && !sawElement) {
              state = 'done';
              start = i + 1;
              continue;
            }
            throw fail('a missing element');
          }
          sawElement = true;
          yield element();
          state = c === ',' ? 'value' : 'done';
          start = i + 1;
        }
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\ufeff') continue;
      if (state === 'before' && c === '[') {
        state = 'value';
        start = i + 1;
        continue;
      }
      throw fail(state === 'before' ? `it starts with "${c}"` : `"${c}" after the closing bracket`);
    }
    if (state === 'value') current += chunk.slice(start);
  }
  if (state !== 'done') throw fail(state === 'before' ? 'it is empty' : 'it ends before its closing bracket');
}

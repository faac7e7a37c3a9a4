/**
 * Finds the packages R code uses: library(x), require("x"), requireNamespace("x"), pkg::fn,
 * pkg:::fn. A small tokenizer (not regexes over raw text) so that comments and ordinary
 * strings that merely mention `library(x)` are never counted.
 */

type Token = { kind: 'ident' | 'string' | 'op'; value: string };

const IDENT_START = /[A-Za-z.]/;
const IDENT_PART = /[A-Za-z0-9._]/;

function tokenize(code: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = code.length;
  while (i < n) {
    const c = code[i]!;
    if (c === '#') {
      while (i < n && code[i] !== '\n') i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if ((c === 'r' || c === 'R') && (code[i + 1] === '"' || code[i + 1] === "'")) {
      i = skipRawString(code, i + 1, tokens);
    } else if (c === '"' || c === "'") {
      i = readString(code, i, c, tokens);
    } else if (c === '`') {
      const end = code.indexOf('`', i + 1);
      const stop = end === -1 ? n : end;
      tokens.push({ kind: 'ident', value: code.slice(i + 1, stop) });
      i = stop + 1;
    } else if (IDENT_START.test(c) && !(c === '.' && /\d/.test(code[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < n && IDENT_PART.test(code[j]!)) j++;
      tokens.push({ kind: 'ident', value: code.slice(i, j) });
      i = j;
    } else if (code.startsWith(':::', i)) {
      tokens.push({ kind: 'op', value: ':::' });
      i += 3;
    } else if (code.startsWith('::', i)) {
      tokens.push({ kind: 'op', value: '::' });
      i += 2;
    } else if (/\d/.test(c)) {
      while (i < n && /[0-9A-Za-z.]/.test(code[i]!)) i++;
    } else {
      tokens.push({ kind: 'op', value: c });
      i++;
    }
  }
  return tokens;
}

function readString(code: string, start: number, quote: string, tokens: Token[]): number {
  let i = start + 1;
  let value = '';
  while (i < code.length && code[i] !== quote) {
    if (code[i] === '\\') i++;
    value += code[i] ?? '';
    i++;
  }
  tokens.push({ kind: 'string', value });
  return i + 1;
}

/** R 4.0 raw strings: r"(...)", r"[...]", r"{...}", with optional dashes: r"--(...)--". */
function skipRawString(code: string, quoteAt: number, tokens: Token[]): number {
  const quote = code[quoteAt]!;
  const open = /^(-*)([([{])/.exec(code.slice(quoteAt + 1));
  if (!open) return readString(code, quoteAt, quote, tokens);
  const close = { '(': ')', '[': ']', '{': '}' }[open[2] as '(' | '[' | '{'];
  const terminator = `${close}${open[1]}${quote}`;
  const bodyStart = quoteAt + 1 + open[0].length;
  const end = code.indexOf(terminator, bodyStart);
  const stop = end === -1 ? code.length : end;
  tokens.push({ kind: 'string', value: code.slice(bodyStart, stop) });
  return stop + terminator.length;
}

const ATTACH = new Set(['library', 'require']);
const NAMESPACE = new Set(['requireNamespace', 'loadNamespace']);

/** Package names used by R code, in order of first use (not validated, not filtered). */
export function findPackageUses(code: string): string[] {
  const tokens = tokenize(code);
  const found: string[] = [];
  const add = (name: string) => {
    if (!found.includes(name)) found.push(name);
  };
  tokens.forEach((t, i) => {
    const next = tokens[i + 1];
    if (t.kind === 'ident' && next?.kind === 'op' && (next.value === '::' || next.value === ':::')) {
      add(t.value);
      return;
    }
    const prev = tokens[i - 1];
    if (t.kind !== 'ident' || next?.value !== '(' || prev?.value === '$' || prev?.value === '@') return;
    if (!ATTACH.has(t.value) && !NAMESPACE.has(t.value)) return;
    let k = i + 2;
    if (tokens[k]?.value === 'package' && tokens[k + 1]?.value === '=') k += 2;
    const arg = tokens[k];
    if (!arg) return;
    if (arg.kind === 'string') add(arg.value);
    else if (arg.kind === 'ident' && ATTACH.has(t.value) && !usesCharacterOnly(tokens, i + 1)) add(arg.value);
  });
  return found;
}

/** library(x, character.only = TRUE): x is a variable holding the name, not the name. */
function usesCharacterOnly(tokens: Token[], openAt: number): boolean {
  let depth = 0;
  for (let k = openAt; k < tokens.length; k++) {
    const v = tokens[k]!.value;
    if (v === '(') depth++;
    else if (v === ')' && --depth === 0) return false;
    else if (depth === 1 && v === 'character.only') return tokens[k + 2]?.value === 'TRUE' || tokens[k + 2]?.value === 'T';
  }
  return false;
}

/** The R code of an R Markdown or Quarto document: the ```{r} chunks, joined. */
export function extractRChunks(markdown: string): string {
  const chunks: string[] = [];
  let inChunk = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (!inChunk && /^\s*```+\s*\{\s*[rR](?=[\s,}])[^}]*\}\s*$/.test(line)) {
      inChunk = true;
    } else if (inChunk && /^\s*```+\s*$/.test(line)) {
      inChunk = false;
    } else if (inChunk) {
      chunks.push(line);
    }
  }
  return chunks.join('\n');
}

/**
 * Debian Control File reader, the format of R's DESCRIPTION and packrat.lock: `Field: value`
 * lines, continuation lines that start with whitespace, records separated by blank lines.
 * Errors carry the line number, so callers can say exactly where a file is broken.
 */

export interface DcfField {
  /** Value with continuation lines joined by "\n" (each trimmed), as R's read.dcf keeps them. */
  value: string;
  line: number;
}

export interface DcfBlock {
  /** Line of the block's first field. */
  line: number;
  fields: Map<string, DcfField>;
}

export class DcfError extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

const FIELD = /^([^\s:]+):(.*)$/;

export function parseDcf(text: string): DcfBlock[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const blocks: DcfBlock[] = [];
  let block: DcfBlock | undefined;
  let last: { name: string; field: DcfField } | undefined;

  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    if (raw.trim() === '') {
      block = undefined;
      last = undefined;
      return;
    }
    if (/^[ \t]/.test(raw)) {
      if (!last) throw new DcfError(lineNo, 'a continuation line (starting with a space) comes before any field');
      last.field.value = last.field.value === '' ? raw.trim() : `${last.field.value}\n${raw.trim()}`;
      return;
    }
    const match = FIELD.exec(raw);
    if (!match) throw new DcfError(lineNo, `${JSON.stringify(raw.slice(0, 60))} has no colon; every line must be "Field: value" or continue the previous field with leading spaces`);
    const name = match[1]!;
    if (!block) {
      block = { line: lineNo, fields: new Map() };
      blocks.push(block);
    }
    const previous = block.fields.get(name);
    if (previous) throw new DcfError(lineNo, `field "${name}" appears twice in one record (first on line ${previous.line})`);
    const field: DcfField = { value: match[2]!.trim(), line: lineNo };
    block.fields.set(name, field);
    last = { name, field };
  });
  return blocks;
}

/** Folds a field the way packrat writes it: 4-space continuation lines, at most `width` wide. */
export function formatDcfField(name: string, value: string, width = 72): string {
  const lines: string[] = [];
  let current = `${name}:`;
  let wordsOnLine = 0;
  for (const word of value.split(' ')) {
    if (wordsOnLine > 0 && current.length + 1 + word.length > width) {
      lines.push(current);
      current = `    ${word}`;
      wordsOnLine = 1;
    } else {
      current = `${current} ${word}`;
      wordsOnLine += 1;
    }
  }
  lines.push(current);
  return lines.join('\n');
}

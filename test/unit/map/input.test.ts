import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { csvCell } from '../../../src/core/map/cells';
import { detectFormat, readUnits, type InputFormat } from '../../../src/core/map/input';
import type { MapUnit } from '../../../src/core/map/types';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-map-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(name: string, text: string | Buffer): string {
  const p = path.join(dir, `${n++}-${name}`);
  writeFileSync(p, text);
  return p;
}
async function units(p: string, chunkRows = 2, format?: InputFormat): Promise<MapUnit[]> {
  const out: MapUnit[] = [];
  for await (const u of readUnits(p, { format: format ?? (await detectFormat(p)), chunkRows })) out.push(u);
  return out;
}
const payloads = (us: MapUnit[]) => us.map((u) => JSON.parse(u.payload) as unknown);

describe('CSV fields', () => {
  it('types unquoted fields as read.csv would, and keeps quoted ones as text', () => {
    expect(csvCell('2.62', false)).toBe(2.62);
    expect(csvCell('-1e-3', false)).toBe(-0.001);
    expect(csvCell('.5', false)).toBe(0.5);
    expect(csvCell('110', false)).toBe(110);
    expect(csvCell('', false)).toBeNull();
    expect(csvCell('NA', false)).toBeNull();
    expect(csvCell('TRUE', false)).toBe(true);
    expect(csvCell('false', false)).toBe(false);
    expect(csvCell('Mazda RX4', false)).toBe('Mazda RX4');
    expect(csvCell('1e400', false)).toBe('1e400');
    expect(csvCell('02134', true)).toBe('02134');
    expect(csvCell('', true)).toBe('');
    expect(csvCell('NA', true)).toBe('NA');
  });
});

describe('chunking', () => {
  it('CSV: chunks of N rows as one object of columns, rows counted from 1 without the header', async () => {
    const p = file('cars.csv', 'wt,hp,name\n2.62,110,"Mazda, RX4"\n2.875,,"say ""hi"""\n3.2,150,Zürich 🚗\n');
    const us = await units(p, 2);
    expect(us.map((u) => (u.kind === 'chunk' ? [u.index, u.rows] : undefined))).toEqual([
      [1, [1, 2]],
      [2, [3, 3]],
    ]);
    expect(payloads(us)).toEqual([{ wt: [2.62, 2.875], hp: [110, null], name: ['Mazda, RX4', 'say "hi"'] }, { wt: [3.2], hp: [150], name: ['Zürich 🚗'] }]);
  });

  it('CSV: a quoted line break, CRLF line ends, a BOM and blank lines', async () => {
    const p = file('x.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\r\n1,"two\r\nlines"\r\n\r\n3,"02134"\r\n')]));
    expect(payloads(await units(p, 10))).toEqual([{ a: [1, 3], b: ['two\r\nlines', '02134'] }]);
  });

  it('CSV: a row with too few fields, a duplicate or empty column name is one sentence', async () => {
    await expect(units(file('bad.csv', 'a,b\n1,2\n3\n'))).rejects.toThrow(/Invalid Record Length: expect 2, got 1 on line 3.*as many fields as the header/);
    await expect(units(file('dup.csv', 'a,a\n1,2\n'))).rejects.toThrow(/two columns named "a"/);
    await expect(units(file('empty-name.csv', 'a,,c\n1,2,3\n'))).rejects.toThrow(/Column 2 .* has no name/);
    await expect(units(file('empty.csv', ''))).rejects.toThrow(/is empty/);
  });

  it('JSON Lines: rows as objects; a missing key is null; blank lines are not rows', async () => {
    const p = file('rows.jsonl', '{"wt": 2.62, "hp": 110}\n\n{"hp": 93, "wt": 2.32, "note": "ünï"}\n{"wt": 3.1}\n');
    const us = await units(p, 2);
    expect(us.map((u) => (u.kind === 'chunk' ? u.rows : undefined))).toEqual([
      [1, 2],
      [3, 3],
    ]);
    expect(payloads(us)).toEqual([{ wt: [2.62, 2.32], hp: [110, 93], note: [null, 'ünï'] }, { wt: [3.1] }]);
  });

  it('JSON Lines: a line that is not an object names its line', async () => {
    await expect(units(file('bad.jsonl', '{"a":1}\n[1,2]\n'))).rejects.toThrow(/Line 2 .* not a JSON object/);
    await expect(units(file('bad2.jsonl', '{"a":1}\n{"a":\n'))).rejects.toThrow(/Line 2 .* not valid JSON/);
  });

  it('JSON array: one unit per element, its text verbatim (every digit kept), streamed across reads', async () => {
    const elements = ['{"alpha": 0.1, "s": "a,]\\"}"}', '[1, [2, 3]]', '0.30000000000000004', '"x"', 'null', '{"big": 12345678901234567890}'];
    const p = file('grid.json', `\ufeff [ ${elements.join(' ,\n ')} ] \n`);
    const us = await units(p);
    expect(us.map((u) => u.kind)).toEqual(elements.map(() => 'element'));
    expect(us.map((u) => u.payload)).toEqual(elements);
    expect(us.map((u) => u.index)).toEqual([1, 2, 3, 4, 5, 6]);
    // A long element split over many stream reads (64 KB each).
    const long = JSON.stringify({ s: 'é'.repeat(200_000) });
    expect((await units(file('long.json', `[${long},${long}]`))).map((u) => u.payload)).toEqual([long, long]);
  });

  it('JSON array: empty, unclosed, a hole, trailing text', async () => {
    expect(await units(file('e.json', '[ ]'))).toEqual([]);
    await expect(units(file('open.json', '[1, 2'))).rejects.toThrow(/ends before its closing bracket/);
    await expect(units(file('hole.json', '[1,,2]'))).rejects.toThrow(/missing element/);
    await expect(units(file('trail.json', '[1] x'), 2, 'json-array')).rejects.toThrow(/after the closing bracket/);
    await expect(units(file('bad.json', '[1, {"a":}]'))).rejects.toThrow(/not valid JSON/);
  });

  it('detects the format by extension, else by the first character', async () => {
    expect(await detectFormat(file('a.csv', '[1]'))).toBe('csv');
    expect(await detectFormat(file('a.ndjson', '{}'))).toBe('jsonl');
    expect(await detectFormat(file('a.json', '  [1]'))).toBe('json-array');
    expect(await detectFormat(file('a.json', '{"a":1}\n'))).toBe('jsonl');
    expect(await detectFormat(file('a.txt', 'a,b\n'))).toBe('csv');
    await expect(detectFormat(file('a.json', '42'))).rejects.toThrow(/neither a JSON array nor JSON Lines/);
  });

  it('streams: 200,000 rows in chunks of 1,000 without holding the file', async () => {
    const rows = 200_000;
    let text = 'x,y\n';
    for (let i = 1; i <= rows; i++) text += `${i},${i % 7 === 0 ? '' : i / 4}\n`;
    const p = file('big.csv', text);
    let count = 0;
    let last: MapUnit | undefined;
    for await (const u of readUnits(p, { format: 'csv', chunkRows: 1000 })) {
      count++;
      last = u;
    }
    expect(count).toBe(200);
    expect(last).toMatchObject({ index: 200, rows: [199_001, 200_000] });
    const cols = JSON.parse(last!.payload) as { x: number[]; y: (number | null)[] };
    expect(cols.x[999]).toBe(200_000);
    expect(cols.y[999]).toBe(50_000);
    expect(cols.y[2]).toBeNull(); // 199,003 = 7 × 28,429
  });
});

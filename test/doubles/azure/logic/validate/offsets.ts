/**
 * Where each value of a JSON body starts in its compact serialization. The service's messages
 * name a place in the request ("at line '1' and column '2835'", "Path '…', line 1, position 583");
 * clients send compact JSON on one line, so the double gives the offset in JSON.stringify of the
 * body it received: the same place up to key order and number formatting.
 */
export type JsonPath = ReadonlyArray<string | number>;

export class JsonPositions {
  readonly text: string;
  private readonly starts = new Map<string, number>();
  private readonly ends = new Map<string, number>();

  constructor(value: unknown) {
    let out = '';
    const write = (v: unknown, path: JsonPath) => {
      const key = keyOf(path);
      this.starts.set(key, out.length);
      if (Array.isArray(v)) {
        out += '[';
        v.forEach((item, i) => {
          if (i) out += ',';
          write(item === undefined ? null : item, [...path, i]);
        });
        out += ']';
      } else if (v !== null && typeof v === 'object') {
        out += '{';
        let first = true;
        for (const [k, item] of Object.entries(v)) {
          if (item === undefined) continue;
          if (!first) out += ',';
          first = false;
          out += `${JSON.stringify(k)}:`;
          write(item, [...path, k]);
        }
        out += '}';
      } else {
        out += JSON.stringify(v);
      }
      this.ends.set(key, out.length);
    };
    write(value, []);
    this.text = out;
  }

  /** 1-based column where the value at `path` starts (1 when the path is not in the body). */
  column(path: JsonPath): number {
    return (this.starts.get(keyOf(path)) ?? 0) + 1;
  }

  /** The position Newtonsoft reports after reading the value at `path` (its end). */
  after(path: JsonPath): number {
    return this.ends.get(keyOf(path)) ?? 0;
  }
}

const keyOf = (path: JsonPath) => path.map(String).join('\u0000');

/** A path the way Newtonsoft prints it: properties.definition.actions.Run or ['odd name']. */
export function printPath(path: JsonPath): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `${i ? '.' : ''}${p}` : `['${p}']`))
    .join('');
}

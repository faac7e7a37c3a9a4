import type { MapUnit } from './types';

/**
 * Gathers rows into chunks of `chunkRows`, each one JSON object of columns
 * (`{"wt": [2.6, 3.2], "hp": [110, 150]}`): spread into named vector arguments by the runtime,
 * exactly like a columnar sample payload. Columns keep their first-seen order; a row that lacks
 * a column (JSON Lines) gives null there, R's NA.
 */
export class RowChunker {
  private columns = new Map<string, unknown[]>();
  private count = 0;
  private first = 1;
  private index = 0;

  constructor(private readonly chunkRows: number) {}

  /** Adds one row (its data row number is the running count); returns a chunk when one is full. */
  add(row: Iterable<readonly [string, unknown]>): MapUnit | undefined {
    for (const [name, value] of row) {
      let values = this.columns.get(name);
      if (!values) {
        // A column first seen in this row: earlier rows of the chunk lacked it.
        values = new Array<unknown>(this.count).fill(null);
        this.columns.set(name, values);
      }
      values[this.count] = value;
    }
    this.count++;
    for (const values of this.columns.values()) if (values.length < this.count) values.push(null);
    return this.count >= this.chunkRows ? this.flush() : undefined;
  }

  /** The last, partial chunk (undefined when empty). */
  flush(): MapUnit | undefined {
    if (this.count === 0) return undefined;
    const payload = JSON.stringify(Object.fromEntries(this.columns));
    const unit: MapUnit = { kind: 'chunk', index: ++this.index, rows: [this.first, this.first + this.count - 1], payload };
    this.first += this.count;
    this.count = 0;
    this.columns = new Map();
    return unit;
  }
}

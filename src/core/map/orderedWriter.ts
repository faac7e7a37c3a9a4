import { createReadStream } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';

/** Where the writer starts. */
export type WriterStart =
  /** A new file, or an earlier output whose records are all answers: appended to after `keepBytes`. */
  | { mode: 'append'; file: string; keepBytes: number; next: number }
  /**
   * An earlier output with failed calls among its `count` records: written anew into a temporary
   * file, its answered records copied over in order, and renamed over it at the end.
   */
  | { mode: 'rewrite'; file: string; count: number };

/**
 * Writes records in input order whatever order they finish in: a finished record waits until
 * every earlier one is written. Each record is one write of one complete line, so a crash leaves
 * at most one half-written last line, which a rerun drops. Whatever ends the run, `close` leaves
 * complete records only, all in order.
 */
export class OrderedWriter {
  private next: number;
  private readonly waiting = new Map<number, string | null>();
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;
  private old: AsyncIterator<string> | undefined;
  private oldLeft = 0;
  private readonly tmp: string | undefined;

  private constructor(private readonly handle: FileHandle, private readonly start: WriterStart, private readonly onWritten?: (index: number) => void) {
    this.next = start.mode === 'append' ? start.next : 1;
    if (start.mode === 'rewrite') {
      this.tmp = tmpPath(start.file);
      this.oldLeft = start.count;
      this.old = createInterface({ input: createReadStream(start.file, { encoding: 'utf8' }), crlfDelay: Infinity })[Symbol.asyncIterator]();
    }
  }

  static async open(start: WriterStart, onWritten?: (index: number) => void): Promise<OrderedWriter> {
    if (start.mode === 'append') {
      const handle = await open(start.file, 'a+').then(async (h) => {
        // Drop a half-written last line (appending after it would glue two records together).
        const { size } = await h.stat();
        if (size > start.keepBytes) await h.truncate(start.keepBytes);
        return h;
      });
      return new OrderedWriter(handle, start, onWritten);
    }
    return new OrderedWriter(await open(tmpPath(start.file), 'w'), start, onWritten);
  }

  /** The next index to be written: every record before it is in the file. */
  get written(): number {
    return this.next - 1;
  }

  /** Records waiting for an earlier one. */
  get held(): number {
    return this.waiting.size;
  }

  /** A unit's record; `null` keeps the earlier run's record of it (rewrite mode). */
  put(index: number, line: string | null): void {
    if (this.failure) throw this.failure;
    this.waiting.set(index, line);
    while (this.waiting.has(this.next)) {
      const index = this.next++;
      const text = this.waiting.get(index)!;
      this.waiting.delete(index);
      this.chain = this.chain.then(() => this.write(index, text)).catch((e: unknown) => {
        this.failure ??= e;
      });
    }
  }

  private async write(index: number, line: string | null): Promise<void> {
    if (this.failure) return;
    const before = this.old && this.oldLeft > 0 ? await this.takeOld() : undefined;
    const text = line ?? before;
    if (text === undefined) throw new Error(`no earlier record to keep for ${index}`);
    await this.handle.write(`${text}\n`);
    this.onWritten?.(index);
  }

  private async takeOld(): Promise<string | undefined> {
    this.oldLeft--;
    const r = await this.old!.next();
    return r.done ? undefined : r.value;
  }

  /** Every record put so far, whose turn has come, is in the file. */
  async flush(): Promise<void> {
    await this.chain;
    if (this.failure) throw this.failure;
  }

  /**
   * Ends the file: records still waiting for an earlier one are dropped (a rerun makes them
   * again); in rewrite mode the earlier run's records not reached yet follow, and the new file
   * replaces the old one. Synced to disk.
   */
  async close(): Promise<void> {
    await this.chain;
    try {
      if (this.failure) throw this.failure;
      while (this.old && this.oldLeft > 0) {
        const text = await this.takeOld();
        if (text === undefined) break;
        await this.handle.write(`${text}\n`);
      }
      await this.handle.sync();
    } finally {
      await this.old?.return?.();
      await this.handle.close();
    }
    if (this.tmp) await rename(this.tmp, this.start.file);
  }
}

const tmpPath = (file: string) => `${file}.rewrite.tmp`;

import type { LogEvent } from '../../core/deployment';

/**
 * Splits Docker's multiplexed log stream (8-byte frame headers: stream type, 3 zero bytes,
 * big-endian length) into lines per stream. Containers are created without a TTY, so the
 * stream is always multiplexed. With `timestamps`, each line starts with an RFC 3339 time.
 */
export async function* demuxLogLines(chunks: AsyncIterable<Buffer> | Iterable<Buffer>, opts: { timestamps: boolean }): AsyncGenerator<LogEvent> {
  let buf: Buffer = Buffer.alloc(0);
  const partial: Record<LogEvent['stream'], string> = { stdout: '', stderr: '' };
  const decoders = { stdout: new TextDecoder('utf-8'), stderr: new TextDecoder('utf-8') };
  const toEvent = (stream: LogEvent['stream'], line: string): LogEvent => {
    const clean = line.replace(/\r$/, '');
    if (opts.timestamps) {
      const sp = clean.indexOf(' ');
      if (sp > 0 && /^\d{4}-\d\d-\d\dT/.test(clean)) return { timestamp: clean.slice(0, sp), stream, message: clean.slice(sp + 1) };
    }
    return { timestamp: new Date().toISOString(), stream, message: clean };
  };
  for await (const chunk of chunks) {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 8) {
      const size = buf.readUInt32BE(4);
      if (buf.length < 8 + size) break;
      const stream: LogEvent['stream'] = buf[0] === 2 ? 'stderr' : 'stdout';
      const text = partial[stream] + decoders[stream].decode(buf.subarray(8, 8 + size), { stream: true });
      buf = buf.subarray(8 + size);
      const lines = text.split('\n');
      partial[stream] = lines.pop()!;
      for (const line of lines) yield toEvent(stream, line);
    }
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    const rest = partial[stream] + decoders[stream].decode();
    if (rest) yield toEvent(stream, rest);
  }
}

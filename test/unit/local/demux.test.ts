import { describe, expect, it } from 'vitest';
import { demuxLogLines } from '../../../src/targets/image/demux';

function frame(stream: 1 | 2, text: string | Buffer): Buffer {
  const payload = typeof text === 'string' ? Buffer.from(text) : text;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

async function collect(chunks: Buffer[], timestamps = true) {
  const out = [];
  for await (const ev of demuxLogLines(chunks, { timestamps })) out.push(ev);
  return out;
}

describe('demuxLogLines', () => {
  it('splits frames into lines per stream and reads the timestamps', async () => {
    const all = Buffer.concat([
      frame(1, '2024-05-01T10:00:00.123456789Z loading model\n'),
      frame(2, '2024-05-01T10:00:01.000000000Z Warning: old package\n'),
      frame(1, '2024-05-01T10:00:02.000000000Z listening on 127.0.0.1:8080\n'),
    ]);
    // Chunk boundaries fall inside headers and payloads, as they do on a socket.
    const chunks = [all.subarray(0, 3), all.subarray(3, 30), all.subarray(30, 61), all.subarray(61)];
    expect(await collect(chunks)).toEqual([
      { timestamp: '2024-05-01T10:00:00.123456789Z', stream: 'stdout', message: 'loading model' },
      { timestamp: '2024-05-01T10:00:01.000000000Z', stream: 'stderr', message: 'Warning: old package' },
      { timestamp: '2024-05-01T10:00:02.000000000Z', stream: 'stdout', message: 'listening on 127.0.0.1:8080' },
    ]);
  });

  it('joins a line split across frames, keeps streams apart, and flushes the unterminated last line', async () => {
    const events = await collect([frame(1, 'par'), frame(2, 'err line\r\n'), frame(1, 'tial\nlast'), Buffer.alloc(0)], false);
    expect(events.map((e) => [e.stream, e.message])).toEqual([
      ['stderr', 'err line'],
      ['stdout', 'partial'],
      ['stdout', 'last'],
    ]);
  });

  it('decodes a UTF-8 character split across frames', async () => {
    const bytes = Buffer.from('café ✓\n');
    const events = await collect([frame(1, bytes.subarray(0, 4)), frame(1, bytes.subarray(4))], false);
    expect(events.map((e) => e.message)).toEqual(['café ✓']);
  });
});

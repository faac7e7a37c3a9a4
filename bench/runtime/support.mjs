// What the runtime benchmarks share: their flags, the 10-row payload, a free port, one HTTP
// request, a percentile, and stopping the servers they started (by the processes they spawned).
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '../..');

/** `--name value` flags, as an object. */
export const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);

/** The payload of score.score (bench/runtime/app): a 10-row data.frame in, the same out. */
export const payload = JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ id: i + 1, age: 20 + 4 * i, income: 20000 + 5000 * i })));

/** Child processes to stop (SIGTERM) when the benchmark ends, however it ends. */
export const children = [];
export const stopChildren = () => children.forEach((c) => c.exitCode === null && c.signalCode === null && c.kill('SIGTERM'));
process.on('exit', stopChildren);
process.on('SIGINT', () => process.exit(130));

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** One request on 127.0.0.1; `agent` false for a fresh connection. */
export function send(port, method, urlPath, body, agent, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, body: text, reused: req.reusedSocket }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

export const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

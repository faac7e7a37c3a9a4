import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { standardConnections } from '../../src/targets/connections';
import { LambdaTwin } from '../../src/targets/lambda/twin/twin';
import type { InvokedFunction, InvokeOutcome } from '../doubles/aws/lambda';

/**
 * Runs what the Lambda double was sent, for real: the function's zip and layers, exactly as
 * uploaded, unpacked as Lambda unpacks them into a container of `image` (glibc and a shell, no R)
 * against R Deploy's Runtime API. One environment per distinct code and configuration, kept warm
 * between invocations as Lambda keeps it; close() ends them all.
 */
export function lambdaRunner(image: string) {
  const warm = new Map<string, { twin: Promise<LambdaTwin>; dir: string; seen: number }>();
  const docker = standardConnections().docker();
  const start = async (fn: InvokedFunction) => {
    if (fn.packageType === 'Image') {
      // An image function: the pushed image itself, pulled from the registry by its digest.
      const key = `${fn.imageUri} ${fn.memoryMb}`;
      let env = warm.get(key);
      if (!env) {
        env = { twin: (async () => LambdaTwin.startImage((await docker) as never, { image: fn.imageUri!, name: fn.name, memoryMb: fn.memoryMb, timeoutSeconds: fn.timeoutSeconds }))(), dir: mkdtempSync(path.join(os.tmpdir(), 'rdeploy-fn-')), seen: 0 };
        warm.set(key, env);
      }
      return env;
    }
    const key = createHash('sha256').update(fn.code).update(fn.layers.map((l) => createHash('sha256').update(l).digest('hex')).join()).update(`${fn.handler} ${fn.memoryMb}`).digest('hex');
    let env = warm.get(key);
    if (!env) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-fn-'));
      const artefacts = [
        ...fn.layers.map((bytes, i) => ({ name: `layer-${i + 1}`, kind: 'layer', file: `layer-${i + 1}.zip`, bytes })),
        { name: 'function', kind: 'function', file: 'function.zip', bytes: fn.code },
      ];
      for (const a of artefacts) writeFileSync(path.join(dir, a.file), a.bytes);
      writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ target: 'lambda', handler: fn.handler, builderImage: image, artefacts: artefacts.map(({ bytes: _b, ...a }) => a) }));
      env = { twin: (async () => LambdaTwin.start((await docker) as never, { packageDir: dir, image, name: fn.name, memoryMb: fn.memoryMb, timeoutSeconds: fn.timeoutSeconds }))(), dir, seen: 0 };
      warm.set(key, env);
    }
    return env;
  };
  return {
    async invoke(fn: InvokedFunction, payload: Buffer): Promise<InvokeOutcome> {
      const env = await start(fn);
      const twin = await env.twin;
      const r = await twin.invoke(payload.toString('utf8'));
      const lines = await twin.logLines(10_000);
      const printed = lines.slice(env.seen);
      env.seen = lines.length;
      return { payload: Buffer.from(r.raw, 'utf8'), ...(r.ok ? {} : { functionError: 'Handled' as const }), logLines: printed };
    },
    async close() {
      for (const env of warm.values()) {
        await (await env.twin.catch(() => undefined))?.close();
        rmSync(env.dir, { recursive: true, force: true });
      }
      warm.clear();
    },
  };
}

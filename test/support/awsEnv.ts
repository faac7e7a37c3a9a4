import { readdirSync, readFileSync, type Dirent } from 'node:fs';
import * as path from 'node:path';

/**
 * Points the AWS SDK of this process at test doubles, the way a user's environment would point it
 * at AWS: AWS_ENDPOINT_URL_<SERVICE> per double, and AWS_ENDPOINT_URL at a closed port on
 * 127.0.0.1 for every other service, so that nothing ever reaches AWS (or asks DNS about it).
 * Credentials come from the environment (no profile, no instance metadata). Returns a function that
 * puts the environment back as it was.
 */
export function pointAwsAt(endpoints: Record<string, string>, credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-secret-not-real' }): () => void {
  const set: Record<string, string> = {
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    ...Object.fromEntries(Object.entries(endpoints).map(([service, url]) => [`AWS_ENDPOINT_URL_${service}`, url])),
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const removed = ['AWS_PROFILE', 'AWS_SESSION_TOKEN'];
  const saved = Object.fromEntries([...Object.keys(set), ...removed].map((k) => [k, process.env[k]]));
  Object.assign(process.env, set);
  for (const k of removed) delete process.env[k];
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** Every file under `dir` (a project's .rdeploy: records, locks, build logs) that contains `secret`. */
export function filesHolding(dir: string, secret: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name))
    .filter((f) => readFileSync(f).includes(secret));
}

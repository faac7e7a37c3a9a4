import { execFileSync } from 'node:child_process';

/** vitest globalSetup: bundle the CLI once, so tests drive exactly what users run. (esbuild: < 1 s.) */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}

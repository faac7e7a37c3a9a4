import { defineConfig } from 'vitest/config';
import { testTls } from './test/support/azureTls.js';

// The Azure doubles serve HTTPS with a self-signed certificate; test workers and the CLI processes
// they spawn trust it through NODE_EXTRA_CA_CERTS, which Node reads only at start: set it here,
// before any of them starts.
process.env.NODE_EXTRA_CA_CERTS = testTls().certPath;

// unit: pure, fast, no Docker. e2e: real Docker engine + local R base image (see scripts/setup.sh).
export default defineConfig({
  test: {
    globalSetup: ['test/support/buildOnce.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'src/**/*.test.ts'], testTimeout: 30_000 } },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 900_000,
          // One engine, two cores: e2e files run one at a time, in one worker.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});

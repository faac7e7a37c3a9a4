import { defineConfig } from 'vitest/config';

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

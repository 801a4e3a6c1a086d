import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// Tests import workspace packages from source so a change is visible without a rebuild. Tests that
// spawn processes (CLI, kill -9) run the built dist, which `pnpm test` builds first.
const alias = [
  { find: /^@shardline\/core$/, replacement: here('./packages/core/src/index.ts') },
  { find: /^@shardline\/native$/, replacement: here('./native/lib/index.ts') },
  { find: /^@shardline\/broker$/, replacement: here('./packages/broker/src/index.ts') },
  { find: /^@shardline\/producer$/, replacement: here('./packages/producer/src/index.ts') },
  { find: /^@shardline\/consumer$/, replacement: here('./packages/consumer/src/index.ts') },
  { find: /^@shardline\/cli$/, replacement: here('./packages/cli/src/index.ts') },
];

export default defineConfig({
  resolve: { alias },
  test: {
    // CI asks for a machine-readable summary too (.ci/run prints its closing line).
    reporters: process.env.SHARDLINE_VITEST_JSON
      ? ['default', ['json', { outputFile: process.env.SHARDLINE_VITEST_JSON }]]
      : ['default'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'native/test/**/*.test.ts'],
        },
      },
      {
        // The shared codec suite again, with the C++ addon switched off: both paths must pass it.
        extends: true,
        test: {
          name: 'codec-typescript',
          include: ['native/test/shared/**/*.test.ts'],
          env: { SHARDLINE_NATIVE: '0' },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          // Needs Java and the KCL's and KPL's jars: `pnpm test:java-interop` runs it.
          exclude: ['test/java-interop/**'],
          testTimeout: 180_000,
          fileParallelism: false,
        },
      },
      ...(process.env.SHARDLINE_JAVA_INTEROP === undefined
        ? []
        : [
            {
              extends: true as const,
              test: {
                name: 'java-interop',
                include: ['test/java-interop/**/*.test.ts'],
                testTimeout: 300_000,
                fileParallelism: false,
              },
            },
          ]),
    ],
  },
});

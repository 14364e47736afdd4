// Benchmarks that must run inside workerd itself (its SQLite costs differ from node's): run by
// vitest in the worker pool, one file per benchmark, printing their figures. Not tests.
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: root('wrangler.toml') },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations(root('worker/migrations')),
          LINGER_OPERATOR_KEY: 'bench-operator-key',
          // the benches' sizes, from the shell (workerd's process.env does not see it)
          SHARD_INSERT_BATCHES: process.env.SHARD_INSERT_BATCHES ?? '',
          SHARD_APPLY_BATCHES: process.env.SHARD_APPLY_BATCHES ?? '',
          COLLECT_ROUTE_BATCHES: process.env.COLLECT_ROUTE_BATCHES ?? '',
          COLLECT_ROUTE_IN_FLIGHT: process.env.COLLECT_ROUTE_IN_FLIGHT ?? '',
        },
      },
    }),
  ],
  test: {
    root: root('.'),
    include: ['bench/workerd/*.bench-run.ts'],
    setupFiles: ['tests/worker/setup.ts'],
    testTimeout: 600_000,
  },
});

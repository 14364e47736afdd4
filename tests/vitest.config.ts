// Three projects: the worker inside workerd (real D1 and Durable Objects), the SDK in a
// simulated DOM with a real IndexedDB implementation, and end-to-end in real Chromium.
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: root('wrangler.toml') },
            miniflare: { bindings: { TEST_MIGRATIONS: await readD1Migrations(root('worker/migrations')), LINGER_OPERATOR_KEY: 'test-operator-key' } },
          }),
        ],
        test: {
          name: 'worker',
          root: root('.'),
          include: ['tests/worker/**/*.test.ts'],
          setupFiles: ['tests/worker/setup.ts'],
        },
      },
      {
        test: {
          name: 'sdk',
          root: root('.'),
          include: ['tests/sdk/**/*.test.ts'],
          environment: 'happy-dom',
          environmentOptions: { happyDOM: { url: 'https://shop.example/' } },
          setupFiles: ['fake-indexeddb/auto'],
        },
      },
      {
        test: {
          name: 'ml',
          root: root('.'),
          include: ['tests/ml/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'stats',
          root: root('.'),
          include: ['tests/stats/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'e2e',
          root: root('.'),
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

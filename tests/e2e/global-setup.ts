// Starts the real collector + demo shop with `wrangler dev` on its own port and a throwaway
// state folder, seeded like `npm start` seeds the local one.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { DEMO_SITE, seed } from '../../worker/seed.js';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const PORT = Number(process.env.E2E_PORT ?? 8799);

export default async function setup(project: TestProject) {
  const base = `http://127.0.0.1:${PORT}`;
  const state = mkdtempSync(join(tmpdir(), 'linger-e2e-'));
  await seed({ ...DEMO_SITE, origins: [base] }, { persistTo: state, quiet: true });
  const wrangler: ChildProcess = spawn(
    process.execPath,
    ['node_modules/wrangler/bin/wrangler.js', 'dev', '--ip', '127.0.0.1', '--port', String(PORT), '--persist-to', state, '--show-interactive-dev-session=false'],
    { env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  wrangler.stdout!.on('data', (d) => (log += d));
  wrangler.stderr!.on('data', (d) => (log += d));
  const deadline = Date.now() + 90_000;
  while (!(await fetch(`${base}/v1/health`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline || wrangler.exitCode !== null) throw new Error(`wrangler dev did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  project.provide('baseUrl', base);
  return async () => {
    wrangler.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(state, { recursive: true, force: true });
  };
}

// Starts the real worker with `wrangler dev` on a port of its own and a throwaway state folder,
// seeded with a site: what the end-to-end tests and the serving benchmark run against.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seed, type CatalogRow, type SiteSeed } from '../seed.js';

/** The operator key of workers started here (tests and benchmarks create shops with it). */
export const LOCAL_OPERATOR_KEY = 'local-operator-key';

export interface LocalWorker {
  base: string;
  /** True when an existing state folder was reused. */
  reused: boolean;
  stop(): Promise<void>;
}

/**
 * `state`: a folder to keep (and reuse: an existing one is not seeded again); by default a
 * throwaway one, removed on stop.
 */
export async function startLocalWorker(port: number, site: (base: string) => SiteSeed, options: { catalog?: boolean; items?: CatalogRow[]; state?: string } = {}): Promise<LocalWorker> {
  const base = `http://127.0.0.1:${port}`;
  const keep = !!options.state;
  const reuse = keep && existsSync(join(options.state!, 'v3'));
  const state = options.state ?? mkdtempSync(join(tmpdir(), 'linger-'));
  if (!reuse) await seed(site(base), { persistTo: state, quiet: true, catalog: options.catalog, items: options.items });
  const root = new URL('../..', import.meta.url).pathname;
  const child: ChildProcess = spawn(
    process.execPath,
    [join(root, 'node_modules/wrangler/bin/wrangler.js'), 'dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', state, '--show-interactive-dev-session=false', '--var', `LINGER_OPERATOR_KEY:${LOCAL_OPERATOR_KEY}`],
    // wrangler's local trace store records every request, Durable Object call and storage call
    // into a SQLite file of its own, in the worker's process, charging each one's CPU and latency
    // to what tests and benchmarks measure; deployed, traces are collected outside the worker.
    // Off unless X_LOCAL_OBSERVABILITY says otherwise (as in bench/server.ts).
    { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', X_LOCAL_OBSERVABILITY: process.env.X_LOCAL_OBSERVABILITY ?? 'false' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const deadline = Date.now() + 90_000;
  while (!(await fetch(`${base}/v1/health`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`wrangler dev did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    base,
    reused: reuse,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      if (!keep) rmSync(state, { recursive: true, force: true });
    },
  };
}

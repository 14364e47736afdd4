// The collector for the load benchmarks: `wrangler dev` on a port, with its state kept in a folder
// so it survives being killed and restarted. It runs in a process group of its own, so a fault
// can kill the whole server at once (wrangler and its workerd) with SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { seed, type SiteSeed } from '../worker/seed.js';

export interface BenchServer {
  base: string;
  /** SIGKILL to the server's whole process group: no shutdown, no flush. */
  kill(): Promise<void>;
  /** CPU time (user + system, ms) used so far by the server's processes. */
  cpuMs(): number;
  /** The same per thread ("pid/tid"): the busiest one shows a bound that the processes' total hides. */
  threadCpuMs(): Map<string, number>;
  /** Starts it again on the same state. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The shop bench:load and bench:ingest-pace load: `shards` from their `--shards` argument (16,
 * a site's default, when absent), a whole number from 1 to 256.
 */
export function loadSite(shards = '16'): SiteSeed & { shards: number } {
  const n = Number(shards);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new Error(`--shards: a whole number from 1 to 256; got ${shards}`);
  return { site: 'load', name: 'Load shop', origins: [], adminKey: 'load-admin-key', readKey: 'load-read-key', shards: n };
}

const root = new URL('..', import.meta.url).pathname;

/** The fields of a /proc stat file after the command name: state ppid pgrp … utime (11) stime (12). */
const statFields = (path: string) => {
  const stat = readFileSync(path, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
};
const cpuMsOf = (f: string[]) => ((Number(f[11]) + Number(f[12])) * 1000) / 100; // USER_HZ is 100 on Linux

/** The live processes of a process group, each with its stat fields (Linux). */
function* groupProcesses(pgid: number): Generator<[string, string[]]> {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const f = statFields(`/proc/${pid}/stat`);
      if (Number(f[2]) === pgid) yield [pid, f];
    } catch {
      /* the process ended meanwhile */
    }
  }
}

/** CPU ms of every live process in a process group, from /proc (Linux). */
export function groupCpuMs(pgid: number): number {
  let ms = 0;
  for (const [, f] of groupProcesses(pgid)) ms += cpuMsOf(f);
  return ms;
}

/** CPU ms of every thread of the processes in a process group, by "pid/tid", from /proc (Linux). */
export function groupThreadCpuMs(pgid: number): Map<string, number> {
  const threads = new Map<string, number>();
  for (const [pid] of groupProcesses(pgid)) {
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) threads.set(`${pid}/${tid}`, cpuMsOf(statFields(`/proc/${pid}/task/${tid}/stat`)));
    } catch {
      /* the process or thread ended meanwhile */
    }
  }
  return threads;
}

/**
 * `localTracing`: keep wrangler dev's local trace collector on. It records a span for every
 * request, RPC, alarm and storage call of the worker into a SQLite database of its own, in the
 * same workerd process, so it charges each Durable Object call to the server's CPU; deployed,
 * traces are collected outside the worker. Off by default (X_LOCAL_OBSERVABILITY=false), for
 * the no-op and ingest alike.
 */
export async function startBenchServer(port: number, site: SiteSeed, state: string, opts: { localTracing?: boolean } = {}): Promise<BenchServer> {
  const base = `http://127.0.0.1:${port}`;
  await seed(site, { persistTo: state, quiet: true, catalog: false });
  let child: ChildProcess | null = null;
  let log = '';

  const start = async () => {
    log = '';
    child = spawn(
      process.execPath,
      [join(root, 'node_modules/wrangler/bin/wrangler.js'), 'dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', state, '--show-interactive-dev-session=false', '--log-level', 'warn', '--inspector-port', String(port + 1)],
      { cwd: root, detached: true, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', X_LOCAL_OBSERVABILITY: opts.localTracing ? 'true' : 'false' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (d) => (log = (log + d).slice(-20_000)));
    child.stderr!.on('data', (d) => (log = (log + d).slice(-20_000)));
    const deadline = Date.now() + 90_000;
    while (!(await fetch(`${base}/v1/health`).then((r) => r.ok, () => false))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`wrangler dev did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const killGroup = async (signal: NodeJS.Signals) => {
    const c = child;
    if (!c || c.exitCode !== null || c.pid === undefined) return;
    const exited = new Promise((r) => c.once('exit', r));
    try {
      process.kill(-c.pid, signal);
    } catch {
      return; // already gone
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
  };

  await start();
  return {
    base,
    cpuMs: () => (child?.pid ? groupCpuMs(child.pid) : 0),
    threadCpuMs: () => (child?.pid ? groupThreadCpuMs(child.pid) : new Map()),
    kill: () => killGroup('SIGKILL'),
    restart: start,
    async stop() {
      await killGroup('SIGTERM');
      await killGroup('SIGKILL');
    },
  };
}

// `npm start` (demo-shop/start.js) as a developer meets it: one instance at a time per state
// folder (a second is refused and names the port of the first, whose data it leaves alone), and
// nothing left running when it stops, on a signal or because a later step failed.
//
// Each start runs with a throwaway state folder (LINGER_STATE) on ports next to the shared
// worker's (E2E_PORT + 2…4). The demo history's load (the first start's last step) is replaced
// through a preloaded module: it hangs (the instance stays up) or is refused (the step fails).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const first = Number(process.env.E2E_START_PORT ?? Number(new URL(inject('baseUrl')).port) + 2);
const scratch = mkdtempSync(join(tmpdir(), 'linger-start-'));
const started: ChildProcess[] = [];
afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1_000));
  rmSync(scratch, { recursive: true, force: true });
});

// The demo history's first request (sim/client.ts, GET /v1/visitors/<marker>/events) hangs or is refused.
const preload = join(scratch, 'history.mjs');
writeFileSync(
  preload,
  `const real = globalThis.fetch;
globalThis.fetch = (input, init) => {
  if (!String(input?.url ?? input).includes('/v1/visitors/')) return real(input, init);
  if (process.env.TEST_HISTORY === 'hang') return new Promise(() => {});
  return Promise.resolve(new Response(JSON.stringify({ error: 'refused by the test' }), { status: 400 }));
};
`,
);

interface Run {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

function start(port: number, state: string, history: 'hang' | 'fail'): Run {
  const child = spawn(process.execPath, ['--import', preload, join(root, 'demo-shop/start.js')], {
    cwd: root,
    env: { ...process.env, PORT: String(port), LINGER_STATE: state, TEST_HISTORY: history, WRANGLER_SEND_METRICS: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out: () => log, exited };
}

async function until(what: string, ok: () => boolean, ms = 120_000) {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** `wrangler dev` processes started with this state folder, with their process group. */
function wranglerDev(state: string) {
  const found: { pid: number; pgid: number }[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!args.includes('dev') || !args.includes(state)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      found.push({ pid: Number(pid), pgid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) });
    } catch {}
  }
  return found;
}

/** Whether any process of the group is left (a zombie not yet reaped counts as gone). */
function groupAlive(pgid: number) {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(group) === pgid && state !== 'Z') return true;
    } catch {}
  }
  return false;
}

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = createServer().once('error', () => resolve(false)).once('listening', () => probe.close(() => resolve(true))).listen(port, '127.0.0.1');
  });

describe('npm start', () => {
  it('refuses a second instance on the same state folder, naming the first one\'s port, and stops everything on SIGTERM', async () => {
    const state = join(scratch, 'state-a');
    // A lock left by a crashed instance (its process is gone) must not block.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    rmSync(state, { recursive: true, force: true });
    mkdirSync(state, { recursive: true });
    writeFileSync(join(state, 'linger-start.lock'), JSON.stringify({ pid: dead, port: 1 }));

    const a = start(first, state, 'hang');
    await until('the first instance to be up', () => a.out().includes('Loading the demo campaigns') || a.child.exitCode !== null);
    expect(a.child.exitCode, a.out()).toBe(null);
    expect(JSON.parse(readFileSync(join(state, 'linger-start.lock'), 'utf8'))).toEqual({ pid: a.child.pid, port: first });
    const wrangler = wranglerDev(state)[0];
    expect(wrangler, 'wrangler dev with the state folder').toBeDefined();

    const b = start(first + 1, state, 'hang');
    expect(await b.exited).toBe(1);
    expect(b.out()).toContain(`Linger is already running on port ${first} (pid ${a.child.pid})`);
    expect(b.out()).toContain(`state-${first + 1} PORT=${first + 1} npm start`); // the port it asked for, free, with a state folder of its own
    expect(b.out()).not.toContain('Building'); // it touched nothing
    expect(await fetch(`http://127.0.0.1:${first}/v1/health`).then((r) => r.ok)).toBe(true);

    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(groupAlive(wrangler!.pgid)).toBe(false); // wrangler dev and workerd
    expect(await portIsFree(first)).toBe(true);
    expect(existsSync(join(state, 'linger-start.lock'))).toBe(false);
  });

  it('stops wrangler dev and workerd when a step after starting them fails', async () => {
    const state = join(scratch, 'state-b');
    const c = start(first + 2, state, 'fail');
    let group: number | undefined;
    await until('wrangler dev to start', () => {
      group ??= wranglerDev(state)[0]?.pgid;
      return c.child.exitCode !== null;
    });
    expect(await c.exited).toBe(1);
    expect(c.out()).toMatch(/Loading the demo campaigns.*failed/s);
    expect(group, 'wrangler dev was started').toBeDefined();
    expect(wranglerDev(state)).toEqual([]);
    expect(groupAlive(group!)).toBe(false);
    expect(await portIsFree(first + 2)).toBe(true);
  });

  it('suggests a free port, not a fixed one, when the port is taken by another program', async () => {
    const blocker = createServer().listen(first + 3, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    try {
      const d = start(first + 3, join(scratch, 'state-d'), 'fail');
      expect(await d.exited).toBe(1);
      expect(d.out()).toMatch(new RegExp(`Port ${first + 3} is taken.*PORT=(\\d+) npm start`, 's'));
      const suggested = Number(d.out().match(/PORT=(\d+) npm start/)![1]);
      expect(suggested).not.toBe(first + 3);
      expect(await portIsFree(suggested)).toBe(true);
    } finally {
      blocker.close();
    }
  });
});


// `npm start`: builds the SDK and the demo shop, migrates and seeds the local D1, runs the
// collector, the demo shop and the dashboard with `wrangler dev`, and prints where to find
// them once they answer. State persists in .wrangler/state (LINGER_STATE: another folder).
//
// One instance at a time uses a state folder: two workerd processes writing the same SQLite
// files corrupt each other's data, so a second start on the same folder is refused while the
// first runs (a lock file in the folder names its pid and port; one left by a crash is taken over).
// wrangler dev runs in a process group of its own, stopped with everything it started (workerd)
// when this script stops: on Ctrl+C, on a signal, or when a later step fails.
//
// The steps before the banner keep their output to themselves and show it only when they
// fail. wrangler dev logs warnings and errors only (a worker's console.error included),
// without its one-time notice about cron triggers (the banner says how to retrain instead).
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PORT, DEFAULT_STATE, demoSite, lockState, seed } from '../worker/seed.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT || DEFAULT_PORT);
const state = process.env.LINGER_STATE ? resolve(process.env.LINGER_STATE) : DEFAULT_STATE;
const shownState = relative(root, state).startsWith('..') ? state : relative(root, state) || '.';
const base = `http://127.0.0.1:${port}`;
const site = demoSite(port);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** wrangler dev, once started, and the state folder's lock, once taken. */
let child;
let lock;
let stopping;

/** Whether anything of wrangler dev's process group is still there. */
function groupAlive() {
  if (!child?.pid) return false;
  try {
    process.kill(-child.pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends a signal to wrangler dev and everything it started (workerd), ignoring a group that is gone. */
function signalGroup(signal) {
  if (!child?.pid) return;
  if (process.platform === 'win32') {
    if (signal === 'SIGKILL') spawnSync('taskkill', ['/pid', String(child.pid), '/T', '/F']);
    else child.kill(signal);
    return;
  }
  try {
    process.kill(-child.pid, signal);
  } catch {}
}

/** Stops wrangler dev's process group and waits until it is gone (forcibly after 10 s). */
function stopChild(signal = 'SIGTERM') {
  if (!child) return Promise.resolve();
  stopping ??= (async () => {
    signalGroup(signal);
    const alive = () => (process.platform === 'win32' ? child.exitCode === null && child.signalCode === null : groupAlive());
    for (let i = 0; i < 100 && alive(); i++) await sleep(100);
    if (alive()) signalGroup('SIGKILL');
    for (let i = 0; i < 30 && alive(); i++) await sleep(100);
  })();
  return stopping;
}

/** Stops what this script started, frees the state folder and exits. */
async function exit(code) {
  await stopChild();
  lock?.release?.();
  process.exit(code);
}

async function fail(message, output = '') {
  if (output) process.stderr.write(`${output.trimEnd()}\n`);
  console.error(`\n${message}`);
  await exit(1);
}

// The last resort when this process ends some other way (an uncaught error): nothing is left running.
process.on('exit', () => {
  if (groupAlive()) signalGroup('SIGKILL');
  lock?.release?.();
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    stopChild(signal).then(() => exit(0));
  });
}

/** Runs a step quietly; its output is shown only if it fails. */
async function step(title, run) {
  process.stdout.write(`${title}… `);
  try {
    await run();
  } catch (err) {
    process.stdout.write('failed\n');
    await fail(`${title} failed.`, err.message);
  }
  process.stdout.write('done\n');
}

function build() {
  // npm_execpath is npm itself when this runs as `npm start`.
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
  const r = spawnSync(npm[0], [...npm.slice(1), 'run', 'build'], { cwd: root, encoding: 'utf8', shell: !process.env.npm_execpath && process.platform === 'win32' });
  if (r.status !== 0) throw new Error(`${r.stdout ?? ''}${r.stderr ?? ''}${r.error?.message ?? ''}`);
}

/** The demo's campaigns and a simulated history, once, so that the dashboard has something to show. */
async function loadHistory() {
  const { tsImport } = await import('tsx/esm/api');
  const { loadDemoHistory } = await tsImport('../sim/demo-history.ts', import.meta.url);
  const { DEMO_CAMPAIGNS } = await import('./src/campaigns.js');
  const result = await loadDemoHistory(base, site.site, { admin: site.adminKey, read: site.readKey }, { definitions: DEMO_CAMPAIGNS, visitors: 1500 });
  if (!result.loaded) return;
  // Segments and the intent model from that history, as the 6-hourly cron would train them.
  await fetch(`${base}/v1/admin/retrain?site=${site.site}`, { method: 'POST', headers: { authorization: `Bearer ${site.adminKey}` } });
}

function portIsFree(p) {
  return new Promise((resolve) => {
    const probe = createServer()
      .once('error', () => resolve(false))
      .once('listening', () => probe.close(() => resolve(true)))
      .listen(p, '127.0.0.1');
  });
}

/** A free port after `p`, for the message that suggests one. */
async function freePortAfter(p) {
  for (let q = p + 1; q < Math.min(p + 50, 65536); q++) if (await portIsFree(q)) return q;
  return null;
}

if (!Number.isInteger(port) || port < 1 || port > 65535) await fail(`PORT must be a port number, not "${process.env.PORT}"`);
lock = lockState(state, port);
if (lock.holder) {
  const { pid, port: theirs } = lock.holder;
  // the port asked for, with a folder of its own, when it is free; else the next free one
  const other = port !== theirs && (await portIsFree(port)) ? port : await freePortAfter(Math.max(port, theirs));
  const ownState = other ? `LINGER_STATE=${join(shownState, `../state-${other}`)} PORT=${other} npm start` : 'LINGER_STATE=<another folder> PORT=<another port> npm start';
  await fail(
    theirs === port
      ? `Linger is already running on port ${theirs} (pid ${pid}) with ${shownState}: http://127.0.0.1:${theirs}/`
      : `Linger is already running on port ${theirs} (pid ${pid}) with ${shownState}, and two instances cannot share one state folder.\n` +
          `Stop that one first (Ctrl+C in its terminal), or give this one a folder of its own: ${ownState}`,
  );
}
if (!(await portIsFree(port))) {
  const other = await freePortAfter(port);
  await fail(`Port ${port} is taken. Stop what uses it, or choose a free port${other ? `: PORT=${other} npm start` : ' with PORT=…'}`);
}
await step('Building the SDK and the demo shop', build);
// The demo site gets this port's origins at every start (added to the ones it has), so a
// database seeded for another port still works.
await step('Migrating and seeding the local database', () => seed(site, { quiet: true, persistTo: state }));
console.log('Starting wrangler dev…');

child = spawn(
  process.execPath,
  [join(root, 'node_modules/wrangler/bin/wrangler.js'), 'dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', state, '--log-level', 'warn', '--show-interactive-dev-session=false'],
  {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own, so that stopping it stops workerd too (signalGroup).
    detached: process.platform !== 'win32',
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: 'false',
      // Request.cf is fetched from the internet at startup; the demo does not need it.
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}),
    },
  },
);
child.stdout.on('data', filtered(process.stdout));
child.stderr.on('data', filtered(process.stderr));
// wrangler dev ended by itself: whatever it started goes with it.
child.on('exit', (code) => {
  if (!stopping) exit(code ?? 1);
});

/**
 * Passes wrangler's output through line by line, leaving out the notice that cron triggers do
 * not run by themselves locally (from its first line to the blank lines after its link).
 */
function filtered(out) {
  let partial = '';
  let skipping = false;
  return (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const line of lines) {
      const text = line.replace(/\x1b\[[0-9;]*m/g, '');
      if (text.includes('Scheduled Workers are not automatically triggered')) skipping = true;
      else if (skipping && text.includes('For more details, see')) skipping = 'trailing';
      else if (skipping === 'trailing' && text.trim() !== '') skipping = false;
      if (!skipping) out.write(`${line}\n`);
    }
  };
}

const width = Math.max(site.site.length, site.adminKey.length, site.readKey.length);
let up = false;
for (let i = 0; i < 240 && !up; i++) {
  await new Promise((r) => setTimeout(r, 250));
  up = await fetch(`${base}/v1/health`).then((r) => r.ok, () => false);
  if (up) {
    await step('Loading the demo campaigns and 21 days of simulated visitors (the first start only)', loadHistory);
    console.log(`
  Linger is running.
    Demo shop    ${base}/
    Dashboard    ${base}/dashboard/
    SDK file     ${base}/sdk/linger.js
    Collector    POST ${base}/v1/collect?site=${site.site}
  Demo keys
    site key     ${site.site.padEnd(width)}  public: it is in the shop's snippet
    admin key    ${site.adminKey.padEnd(width)}  secret: the dashboard and /v1/admin
    read key     ${site.readKey.padEnd(width)}  secret: reports
  Retrain the models now (locally the 6-hourly cron does not run by itself):
    curl -X POST -H 'Authorization: Bearer ${site.adminKey}' '${base}/v1/admin/retrain?site=${site.site}'
  Stop with Ctrl+C; the data stays in ${shownState}.
`);
  }
}
if (!up) console.error(`\nwrangler dev has not answered on ${base} within a minute; its messages are above.`);

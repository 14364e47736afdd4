// `npm start`: builds the SDK and the demo shop, migrates and seeds the local D1, runs the
// collector, the demo shop and the dashboard with `wrangler dev`, and prints where to find
// them once they answer. State persists in .wrangler/state.
//
// The steps before the banner keep their output to themselves and show it only when they
// fail. wrangler dev logs warnings and errors only (a worker's console.error included),
// without its one-time notice about cron triggers (the banner says how to retrain instead).
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PORT, demoSite, seed } from '../worker/seed.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT || DEFAULT_PORT);
if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`PORT must be a port number, not "${process.env.PORT}"`);
const base = `http://127.0.0.1:${port}`;
const site = demoSite(port);

function fail(message, output = '') {
  if (output) process.stderr.write(`${output.trimEnd()}\n`);
  console.error(`\n${message}`);
  process.exit(1);
}

/** Runs a step quietly; its output is shown only if it fails. */
async function step(title, run) {
  process.stdout.write(`${title}… `);
  try {
    await run();
  } catch (err) {
    process.stdout.write('failed\n');
    fail(`${title} failed.`, err.message);
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

function portIsFree() {
  return new Promise((resolve) => {
    const probe = createServer()
      .once('error', () => resolve(false))
      .once('listening', () => probe.close(() => resolve(true)))
      .listen(port, '127.0.0.1');
  });
}

if (!(await portIsFree())) fail(`Port ${port} is taken (is Linger already running?). Stop it, or choose another port: PORT=8788 npm start`);
await step('Building the SDK and the demo shop', build);
// The site row follows the port at every start, so a database seeded for another port still works.
await step('Migrating and seeding the local database', () => seed(site, { quiet: true }));
console.log('Starting wrangler dev…');

const child = spawn(
  process.execPath,
  [join(root, 'node_modules/wrangler/bin/wrangler.js'), 'dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn', '--show-interactive-dev-session=false'],
  {
    cwd: root,
    stdio: ['inherit', 'pipe', 'pipe'],
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
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));

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
  Stop with Ctrl+C; the data stays in .wrangler/state.
`);
  }
}
if (!up) console.error(`\nwrangler dev has not answered on ${base} within a minute; its messages are above.`);

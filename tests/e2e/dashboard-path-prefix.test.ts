// The dashboard served under LINGER_PATH_PREFIX (docs/operations.md §5), in Chromium against a
// worker of its own started with the prefix: its pages keep the prefix through the assets'
// redirects, and every request they make goes to the API under the prefix, never to `/v1/…` at
// the root of the shop's domain. (The other dashboard tests run it without a prefix.)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoSite, seed } from '../../worker/seed.js';
import { browserPerFile, eventually } from './browser';

// A port of its own, next to the shared worker's (E2E_PREFIX_PORT to choose another).
const port = Number(process.env.E2E_PREFIX_PORT ?? Number(new URL(inject('baseUrl')).port) + 1);
const origin = `http://127.0.0.1:${port}`;
const prefix = '/linger';
const site = demoSite(port);
const browser = browserPerFile();
const root = new URL('../..', import.meta.url).pathname;

let child: ChildProcess | undefined;
let state = '';

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), 'linger-prefix-'));
  await seed(site, { persistTo: state, quiet: true });
  child = spawn(
    process.execPath,
    [join(root, 'node_modules/wrangler/bin/wrangler.js'), 'dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', state, '--show-interactive-dev-session=false', '--var', `LINGER_PATH_PREFIX:${prefix}`],
    { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', X_LOCAL_OBSERVABILITY: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const deadline = Date.now() + 90_000;
  while (!(await fetch(`${origin}${prefix}/v1/health`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`wrangler dev did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 300));
  }
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
  }
  if (state) rmSync(state, { recursive: true, force: true });
});

/** A page in a new context, with the paths of the API requests it makes. */
async function open(path: string) {
  const context = await browser().newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  const api: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.pathname.includes('/v1/')) api.push(url.pathname);
  });
  await page.goto(`${origin}${path}`);
  return { context, page, errors, api };
}

describe('the dashboard under a path prefix', () => {
  it('stays under the prefix and asks the reports API under it', async () => {
    const { context, page, errors, api } = await open(`${prefix}/dashboard`);
    expect(new URL(page.url()).pathname).toBe(`${prefix}/dashboard/`);
    await page.fill('#site', site.site);
    await page.fill('#key', site.readKey);
    await page.click('#sign-in-form button');
    await page.waitForSelector('#page[data-ready="overview"]');
    expect(api.length).toBeGreaterThan(0);
    expect(api.filter((p) => !p.startsWith(`${prefix}/v1/reports/`))).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('reaches the visitor lookup under the prefix, whose requests go to the API under it', async () => {
    const { context, page, errors, api } = await open(`${prefix}/dashboard/visitor.html`);
    expect(new URL(page.url()).pathname).toBe(`${prefix}/dashboard/visitor`);
    await page.fill('#site', site.site);
    await page.fill('#key', site.adminKey);
    await page.fill('#visitor', 'v-nobody-here');
    await page.click('#query button');
    await eventually(async () => expect(await page.textContent('#status')).toBe('No events stored for this visitor.'), 10_000);
    expect(api).toContain(`${prefix}/v1/visitors/v-nobody-here/events`);
    expect(api.filter((p) => !p.startsWith(`${prefix}/v1/visitors/`))).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});

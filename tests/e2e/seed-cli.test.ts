// worker/seed.js from the command line (README, docs/operations.md): a shop's keys are made and
// shown once when not given; weak or equal keys, a remote shop without origins and a remote seed
// of the demo site (with its public keys) are refused before anything is written; seeding a site
// again adds origins to the ones it has instead of replacing them.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { demoSite, seed, wrangler } from '../../worker/seed.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const states: string[] = [];
const newState = () => {
  const dir = mkdtempSync(join(tmpdir(), 'linger-seed-cli-'));
  states.push(dir);
  return dir;
};
afterAll(() => states.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Runs seed.js: its exit status and output. */
function run(...args: string[]) {
  try {
    const stdout = execFileSync(process.execPath, [join(root, 'worker/seed.js'), ...args], { cwd: root, stdio: 'pipe', encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } });
    return { status: 0, stdout, stderr: '' };
  } catch (err: any) {
    return { status: err.status as number, stdout: String(err.stdout), stderr: String(err.stderr) };
  }
}

/** A site's row in a local state folder's D1. */
function siteRow(state: string, site: string): { allowed_origins: string; read_key_hash: string; admin_key_hash: string } {
  const out = wrangler(['d1', 'execute', 'linger', '--local', '--persist-to', state, '--json', '--command', `SELECT * FROM sites WHERE site_key = '${site}'`], { quiet: true });
  return JSON.parse(String(out))[0].results[0];
}

const long = (c: string) => c.repeat(32);

describe('seed.js refuses what would make a shop unsafe or unusable, before writing anything', () => {
  it('refuses --remote without --site (the demo site and its public keys are local only)', () => {
    const r = run('--remote');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/for local use only: name your shop with --site/);
  });

  it('refuses a read key equal to the admin key, and keys shorter than 24 characters', () => {
    const same = run('--remote', '--site', 'myshop', '--origin', 'https://myshop.example', '--admin-key', long('a'), '--read-key', long('a'));
    expect([same.status, same.stderr]).toEqual([1, expect.stringMatching(/the read key must differ from the admin key/)]);
    const tiny = run('--remote', '--site', 'myshop', '--origin', 'https://myshop.example', '--admin-key', 'a', '--read-key', 'b');
    expect([tiny.status, tiny.stderr]).toEqual([1, expect.stringMatching(/--admin-key must be at least 24 characters/)]);
    const short = run('--remote', '--site', 'myshop', '--origin', 'https://myshop.example', '--read-key', 'x'.repeat(23));
    expect([short.status, short.stderr]).toEqual([1, expect.stringMatching(/--read-key must be at least 24 characters/)]);
  });

  it('refuses a remote shop without origins, and an origin with a path', () => {
    const none = run('--remote', '--site', 'myshop');
    expect([none.status, none.stderr]).toEqual([1, expect.stringMatching(/a remote site needs at least one --origin/)]);
    const path = run('--remote', '--site', 'myshop', '--origin', 'https://myshop.example/shop');
    expect([path.status, path.stderr]).toEqual([1, expect.stringMatching(/--origin must look like https:\/\/shop\.example/)]);
  });
});

describe('seed.js for a shop', () => {
  it('makes the keys when they are not given, prints them once, and stores their hashes', () => {
    const state = newState();
    const r = run('--persist-to', state, '--site', 'myshop', '--name', 'My Shop', '--origin', 'https://myshop.example');
    expect(r.status, r.stderr).toBe(0);
    const admin = r.stdout.match(/admin key\s+([0-9a-f]+)/)?.[1];
    const read = r.stdout.match(/read key\s+([0-9a-f]+)/)?.[1];
    expect(admin).toMatch(/^[0-9a-f]{48}$/);
    expect(read).toMatch(/^[0-9a-f]{48}$/);
    expect(read).not.toBe(admin);
    const row = siteRow(state, 'myshop');
    expect([row.admin_key_hash, row.read_key_hash]).toEqual([sha256(admin!), sha256(read!)]);
    expect(JSON.parse(row.allowed_origins)).toEqual(['https://myshop.example']);

    // Again, with keys given (not printed) and another origin: the first origin stays.
    const again = run('--persist-to', state, '--site', 'myshop', '--origin', 'https://www.myshop.example', '--admin-key', long('A'), '--read-key', long('R'));
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).not.toMatch(/admin key|read key/);
    const after = siteRow(state, 'myshop');
    expect(JSON.parse(after.allowed_origins)).toEqual(['https://myshop.example', 'https://www.myshop.example']);
    expect([after.admin_key_hash, after.read_key_hash]).toEqual([sha256(long('A')), sha256(long('R'))]);
  });
});

describe('seeding the demo site again (every npm start)', () => {
  it('adds this port\'s local origins to the ones the site has, a developer\'s own included', async () => {
    const state = newState();
    await seed(demoSite(9705), { persistTo: state, quiet: true, catalog: false });
    // A developer's own origin, as PATCH /v1/admin/site sets it (it replaces the list).
    wrangler(['d1', 'execute', 'linger', '--local', '--persist-to', state, '--command', `UPDATE sites SET allowed_origins = '["https://dev.shop.example"]' WHERE site_key = 'demo'`], { quiet: true });
    await seed(demoSite(9706), { persistTo: state, quiet: true, catalog: false });
    expect(JSON.parse(siteRow(state, 'demo').allowed_origins)).toEqual(['https://dev.shop.example', 'http://127.0.0.1:9706', 'http://localhost:9706']);
    await seed(demoSite(9706), { persistTo: state, quiet: true, catalog: false });
    expect(JSON.parse(siteRow(state, 'demo').allowed_origins)).toHaveLength(3);
  });
});

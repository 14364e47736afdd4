// Creates or updates a site (shop) in D1, and for the demo shop its catalog. Keys are stored as SHA-256 hashes.
//
//   npm run db:seed                      the demo shop, in the local D1 (.wrangler/state);
//                                        --verbose shows wrangler's output
//   node worker/seed.js --remote --site myshop --name "My Shop" --origin https://myshop.example
//                                        a shop in the deployed D1; its admin and read keys are
//                                        made here and printed once (or give --admin-key and
//                                        --read-key, each at least 24 characters)
//
// An existing site keeps its allowed origins: the ones given are added to them (remove one with
// PATCH /v1/admin/site). Its keys are replaced by the ones given or made.
//
// The demo's keys are fixed development values (README), overridable through
// LINGER_DEMO_ADMIN_KEY and LINGER_DEMO_READ_KEY. The demo accepts events from its own local
// origins (127.0.0.1 and localhost on PORT, 8787 by default) and from LINGER_DEMO_ORIGINS
// (comma separated). The demo site is local only: `--remote` needs `--site`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash, randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const DEFAULT_PORT = 8787;

/** The origins a shop served by `wrangler dev` on this port has. */
export const localOrigins = (port) => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];

/** The demo site, for the demo shop served locally on `port`. */
export function demoSite(port = process.env.PORT || DEFAULT_PORT) {
  const extra = (process.env.LINGER_DEMO_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  return {
    site: 'demo',
    name: 'Linger Demo Shop',
    origins: [...new Set([...localOrigins(port), ...extra])],
    adminKey: process.env.LINGER_DEMO_ADMIN_KEY ?? 'demo-admin-key',
    readKey: process.env.LINGER_DEMO_READ_KEY ?? 'demo-read-key',
  };
}

export const DEMO_SITE = demoSite();

const sha256 = (s) => createHash('sha256').update(s).digest('hex');
const quote = (s) => `'${String(s).replace(/'/g, "''")}'`;

/**
 * The SQL that creates a site, or updates an existing one: its name and keys are replaced, and
 * the origins given are added to the ones it has (those set with PATCH /v1/admin/site stay).
 */
export function siteSql({ site, name, origins, adminKey, readKey, shards = 16 }) {
  return `INSERT INTO sites (site_key, name, allowed_origins, read_key_hash, admin_key_hash, shards, created_at)
VALUES (${quote(site)}, ${quote(name)}, ${quote(JSON.stringify(origins))}, ${quote(sha256(readKey))}, ${quote(sha256(adminKey))}, ${shards}, ${Date.now()})
ON CONFLICT (site_key) DO UPDATE SET name = excluded.name,
  allowed_origins = (SELECT json_group_array(value) FROM (
    SELECT value FROM json_each(sites.allowed_origins)
    UNION ALL SELECT value FROM json_each(excluded.allowed_origins) WHERE value NOT IN (SELECT value FROM json_each(sites.allowed_origins)))),
  read_key_hash = excluded.read_key_hash, admin_key_hash = excluded.admin_key_hash;`;
}

/** The shortest admin or read key accepted for a site other than the local demo. */
export const MIN_KEY_LENGTH = 24;

/** A new secret key: 24 random bytes as 48 hex digits. */
export const newKey = () => randomBytes(24).toString('hex');

/**
 * Why a site must not be seeded, or null. The demo's fixed keys are allowed for the demo only,
 * and only locally; a remote site needs at least one origin, or its shop could send nothing.
 */
export function siteProblem(s, { remote = false, demo = false } = {}) {
  if (remote && demo) return 'the demo site and its public demo keys are for local use only: name your shop with --site';
  // As POST /v1/sites has it (worker/src/routes/sites.ts).
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(s.site ?? '')) return `--site must be 2-63 of a-z, 0-9 and - (the site key in the shop's snippet), not "${s.site}"`;
  if (!s.adminKey || !s.readKey) return 'an admin key and a read key are needed';
  if (s.adminKey === s.readKey) return 'the read key must differ from the admin key (the read key is handed to whoever reads reports)';
  if (!demo) {
    for (const [flag, key] of [['--admin-key', s.adminKey], ['--read-key', s.readKey]]) {
      if (key.length < MIN_KEY_LENGTH) return `${flag} must be at least ${MIN_KEY_LENGTH} characters (leave it out and one is made for you)`;
    }
  }
  for (const o of s.origins) {
    if (o !== '*' && !/^https?:\/\/[^/\s]+$/.test(o)) return `--origin must look like https://shop.example (scheme and host, no path), not "${o}"`;
  }
  if (remote && s.origins.length === 0) return 'a remote site needs at least one --origin (the shop\'s pages, e.g. https://myshop.example), or its pages can send nothing';
  return null;
}

// ---- the local state folder: one running `npm start` at a time --------------------------------

/** Where `wrangler dev` and the local D1 keep their data unless told otherwise. */
export const DEFAULT_STATE = join(root, '.wrangler/state');
const LOCK_FILE = 'linger-start.lock';

/** Whether the process is alive and, where /proc tells, still an `npm start` (a crashed one's pid may be reused). */
function isRunning(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (err.code !== 'EPERM') return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('start.js');
  } catch {
    return true;
  }
}

/** The running instance ({pid, port}) that holds the state folder, or null (none, or one that is gone). */
export function stateHolder(state = DEFAULT_STATE) {
  let lock;
  try {
    lock = JSON.parse(readFileSync(join(state, LOCK_FILE), 'utf8'));
  } catch {
    return null;
  }
  return Number.isInteger(lock?.pid) && lock.pid !== process.pid && isRunning(lock.pid) ? lock : null;
}

/**
 * Takes the state folder for this process, serving on `port`: `{ release }`, or `{ holder }`, the
 * running instance that has it. A lock left by an instance that is gone (a crash) is taken over.
 */
export function lockState(state = DEFAULT_STATE, port) {
  mkdirSync(state, { recursive: true });
  const file = join(state, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, JSON.stringify({ pid: process.pid, port }), { flag: 'wx' });
      break;
    } catch (err) {
      if (err.code !== 'EEXIST' || attempt > 0) throw err;
      const holder = stateHolder(state);
      if (holder) return { holder };
      rmSync(file, { force: true });
    }
  }
  return {
    release() {
      try {
        if (JSON.parse(readFileSync(file, 'utf8')).pid === process.pid) rmSync(file, { force: true });
      } catch {}
    },
  };
}

/** The demo shop's catalog as catalog rows. */
export async function demoCatalog() {
  const { makeCatalog } = await import('../demo-shop/src/catalog.js');
  return makeCatalog().products.map((p) => ({ id: p.id, name: p.name, category: p.categoryName, price: p.price, inStock: p.inStock }));
}

/** SQL that loads catalog items (active, with stock) for the recommender's filters; 500 rows a statement. */
export function catalogSql(site, items) {
  const statements = [];
  for (let i = 0; i < items.length; i += 500) {
    const rows = items.slice(i, i + 500).map((p) => `(${quote(site)}, ${quote(p.id)}, ${quote(p.name)}, ${quote(p.category)}, ${Number(p.price)}, ${p.inStock ? 1 : 0}, 1)`);
    statements.push(`INSERT OR REPLACE INTO items (site_key, item_id, name, category, price, in_stock, active) VALUES\n${rows.join(',\n')};`);
  }
  return statements.join('\n');
}

/**
 * Runs wrangler with the Node that runs this script (wrangler needs Node 22). `quiet` keeps
 * its output to itself unless it fails: then the error carries everything it printed.
 */
export function wrangler(args, options = {}) {
  try {
    return execFileSync(process.execPath, [join(root, 'node_modules/wrangler/bin/wrangler.js'), ...args], {
      cwd: root,
      stdio: options.quiet ? 'pipe' : 'inherit',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', ...options.env },
    });
  } catch (err) {
    if (options.quiet) err.message = `wrangler ${args.join(' ')} failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`;
    throw err;
  }
}

/**
 * Applies the D1 migrations and creates the site, locally (optionally in another state folder)
 * or remotely; with its catalog: `items`, or the demo shop's for the demo site.
 */
export async function seed(s = DEMO_SITE, { remote = false, persistTo, quiet = false, catalog = s.site === DEMO_SITE.site, items } = {}) {
  const where = remote ? ['--remote'] : ['--local', ...(persistTo ? ['--persist-to', persistTo] : [])];
  // Locally there is nothing to confirm; remotely wrangler asks before it migrates.
  wrangler(['d1', 'migrations', 'apply', 'linger', ...where], { quiet, env: remote ? {} : { CI: 'true' } });
  const rows = items ?? (catalog ? await demoCatalog() : []);
  const dir = mkdtempSync(join(tmpdir(), 'linger-seed-'));
  const file = join(dir, 'seed.sql');
  writeFileSync(file, [siteSql(s), catalogSql(s.site, rows)].join('\n'));
  try {
    wrangler(['d1', 'execute', 'linger', ...where, '--file', file], { quiet });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      remote: { type: 'boolean', default: false },
      'persist-to': { type: 'string' },
      site: { type: 'string' },
      name: { type: 'string' },
      origin: { type: 'string', multiple: true },
      'admin-key': { type: 'string' },
      'read-key': { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const demo = !values.site;
  const made = [];
  const key = (flag) => values[flag] ?? (made.push(flag), newKey());
  const s = demo
    ? DEMO_SITE
    : { site: values.site, name: values.name ?? values.site, origins: values.origin ?? [], adminKey: key('admin-key'), readKey: key('read-key') };
  const problem = siteProblem(s, { remote: values.remote, demo });
  if (problem) {
    console.error(`seed.js: ${problem}`);
    process.exit(1);
  }
  // Remotely wrangler asks before it migrates, so it keeps the terminal; locally it only talks.
  try {
    await seed(s, { remote: values.remote, persistTo: values['persist-to'], quiet: !values.remote && !values.verbose });
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
  console.log(`site "${s.site}" is ready (origins given: ${s.origins.join(', ') || 'none'}; any it had before stay)`);
  if (made.length) {
    console.log('Its new keys, shown only now (Linger stores only their SHA-256 hashes): keep them in your password manager.');
    if (made.includes('admin-key')) console.log(`  admin key  ${s.adminKey}  the dashboard's visitor lookup and /v1/admin`);
    if (made.includes('read-key')) console.log(`  read key   ${s.readKey}  reports and the dashboard`);
  }
}

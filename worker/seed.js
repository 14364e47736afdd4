// Creates or updates a site (shop) in D1, and for the demo shop its catalog. Keys are stored as SHA-256 hashes.
//
//   npm run db:seed                      the demo shop, in the local D1 (.wrangler/state);
//                                        --verbose shows wrangler's output
//   node worker/seed.js --remote --site myshop --name "My Shop" --origin https://myshop.example \
//        --admin-key "$(openssl rand -hex 24)" --read-key "$(openssl rand -hex 24)"
//
// The demo's keys are fixed development values (README), overridable through
// LINGER_DEMO_ADMIN_KEY and LINGER_DEMO_READ_KEY. The demo accepts events from its own local
// origins (127.0.0.1 and localhost on PORT, 8787 by default) and from LINGER_DEMO_ORIGINS
// (comma separated).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
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

/** The SQL that creates or replaces a site. */
export function siteSql({ site, name, origins, adminKey, readKey, shards = 16 }) {
  return `INSERT INTO sites (site_key, name, allowed_origins, read_key_hash, admin_key_hash, shards, created_at)
VALUES (${quote(site)}, ${quote(name)}, ${quote(JSON.stringify(origins))}, ${quote(sha256(readKey))}, ${quote(sha256(adminKey))}, ${shards}, ${Date.now()})
ON CONFLICT (site_key) DO UPDATE SET name = excluded.name, allowed_origins = excluded.allowed_origins,
  read_key_hash = excluded.read_key_hash, admin_key_hash = excluded.admin_key_hash;`;
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
  const s = values.site
    ? { site: values.site, name: values.name ?? values.site, origins: values.origin ?? [], adminKey: values['admin-key'], readKey: values['read-key'] }
    : DEMO_SITE;
  if (!s.adminKey || !s.readKey) {
    console.error('--admin-key and --read-key are required for a site other than the demo');
    process.exit(1);
  }
  // Remotely wrangler asks before it migrates, so it keeps the terminal; locally it only talks.
  try {
    await seed(s, { remote: values.remote, persistTo: values['persist-to'], quiet: !values.remote && !values.verbose });
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
  console.log(`site "${s.site}" is ready (origins: ${s.origins.join(', ') || 'none'})`);
}

// `npm run deploy:check`: validates the deployment without deploying. Wrangler bundles the
// worker and checks wrangler.toml (`wrangler deploy --dry-run`); then this script checks what
// wrangler does not: a real D1 id, a migration for every Durable Object class, the archive
// bucket, the cron trigger, and which secrets the deployment expects.
import { unstable_readConfig } from 'wrangler';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wrangler } from './seed.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const config = unstable_readConfig({ config: join(root, 'wrangler.toml') });
const problems = [];
const notes = [];

const d1 = config.d1_databases.find((d) => d.binding === 'DB');
if (!d1) problems.push('no D1 database bound as DB');
else if (/^0{8}-/.test(d1.database_id ?? '')) notes.push('D1: database_id is the local placeholder. Run `npx wrangler d1 create linger` and put its id into wrangler.toml before deploying.');

const migrated = new Set(config.migrations.flatMap((m) => [...(m.new_sqlite_classes ?? []), ...(m.new_classes ?? [])]));
for (const b of config.durable_objects.bindings) {
  if (!migrated.has(b.class_name)) problems.push(`Durable Object class ${b.class_name} (binding ${b.name}) has no [[migrations]] entry`);
}
if (!config.r2_buckets.some((b) => b.binding === 'ARCHIVE')) problems.push('no R2 bucket bound as ARCHIVE (raw event archive)');
if (!config.triggers?.crons?.length) problems.push('no cron trigger: retraining, archiving and retention would never run');
notes.push('Secrets: LINGER_OPERATOR_KEY (lets its holder create shops with POST /v1/sites): `npx wrangler secret put LINGER_OPERATOR_KEY`.');

try {
  wrangler(['deploy', '--dry-run', '--outdir', join(root, '.wrangler/deploy-check')], { quiet: true });
  console.log('wrangler deploy --dry-run: the worker bundles and the configuration is valid.');
} catch (err) {
  problems.push(`wrangler deploy --dry-run failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
}
for (const n of notes) console.log(`note: ${n}`);
for (const p of problems) console.error(`problem: ${p}`);
process.exit(problems.length ? 1 : 0);

// `npm run deploy:check`: validates the deployment without deploying. Wrangler bundles the
// worker and checks wrangler.toml (`wrangler deploy --dry-run`); then this script checks what
// wrangler does not, in wrangler.toml only (it never asks Cloudflare, so it cannot tell whether
// the database, bucket or queue exist in your account):
//
//   - a D1 database bound as DB with a real database_id (the placeholder is a problem: a deploy
//     needs the id that `wrangler d1 create linger` prints);
//   - a [[migrations]] entry for every Durable Object class;
//   - the R2 bucket bound as ARCHIVE;
//   - the Queue the cron and the retraining use (worker/src/training/queue.ts): a producer bound
//     as TRAINING, and a consumer of the same queue (the worker's `queue` handler);
//   - the cron trigger;
//   - LINGER_PATH_PREFIX, if set, is a path such as "/linger".
//
// It exits 1 with a `problem:` line for each of these that fails, or when the dry run fails, and
// prints `note:` lines for what it cannot check (the secrets, that the storage exists).
import { unstable_readConfig } from 'wrangler';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wrangler } from './seed.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What is wrong with a wrangler configuration (as unstable_readConfig reads it), and what to remember. */
export function checkConfig(config) {
  const problems = [];
  const notes = [];

  const d1 = config.d1_databases.find((d) => d.binding === 'DB');
  if (!d1) problems.push('no D1 database bound as DB');
  else if (!d1.database_id || /^0{8}-0{4}-0{4}-0{4}-0{12}$/.test(d1.database_id)) {
    problems.push('D1: database_id is the local placeholder. Run `npx wrangler d1 create linger` and put the id it prints into wrangler.toml (docs/operations.md §1).');
  }

  const migrated = new Set(config.migrations.flatMap((m) => [...(m.new_sqlite_classes ?? []), ...(m.new_classes ?? [])]));
  for (const b of config.durable_objects.bindings) {
    if (!migrated.has(b.class_name)) problems.push(`Durable Object class ${b.class_name} (binding ${b.name}) has no [[migrations]] entry`);
  }
  if (!config.r2_buckets.some((b) => b.binding === 'ARCHIVE')) problems.push('no R2 bucket bound as ARCHIVE (raw event archive)');

  // Retraining: the cron sends messages to TRAINING, and the worker's queue handler consumes them.
  const producer = config.queues?.producers?.find((p) => p.binding === 'TRAINING');
  if (!producer) problems.push('no Queue producer bound as TRAINING ([[queues.producers]]): the cron could not enqueue retraining');
  else if (!config.queues?.consumers?.some((c) => c.queue === producer.queue)) {
    problems.push(`no [[queues.consumers]] entry for queue "${producer.queue}": retraining messages would never be processed`);
  }

  if (!config.triggers?.crons?.length) problems.push('no cron trigger: retraining, archiving and retention would never run');

  const prefix = config.vars?.LINGER_PATH_PREFIX;
  if (prefix !== undefined && (typeof prefix !== 'string' || !/^\/[^\s?#]*[^/\s?#]\/?$/.test(prefix))) {
    problems.push(`LINGER_PATH_PREFIX must be a path such as "/linger" (the path of the Workers route), not ${JSON.stringify(prefix)}`);
  }

  const r2 = config.r2_buckets.find((b) => b.binding === 'ARCHIVE');
  notes.push(
    `Not checked (they live in your account): the D1 database, the R2 bucket ${r2 ? `"${r2.bucket_name}" ` : ''}and the queue ${producer ? `"${producer.queue}" ` : ''}must exist (docs/operations.md §1).`,
  );
  notes.push('Secrets: LINGER_OPERATOR_KEY (lets its holder create shops with POST /v1/sites): `npx wrangler secret put LINGER_OPERATOR_KEY`.');
  notes.push('Upgrading: apply the D1 migrations (`npx wrangler d1 migrations apply linger --remote`) before `npx wrangler deploy`.');
  return { problems, notes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { problems, notes } = checkConfig(unstable_readConfig({ config: join(root, 'wrangler.toml') }));
  try {
    wrangler(['deploy', '--dry-run', '--outdir', join(root, '.wrangler/deploy-check')], { quiet: true });
    console.log('wrangler deploy --dry-run: the worker bundles and the configuration is valid.');
  } catch (err) {
    problems.push(`wrangler deploy --dry-run failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
  for (const n of notes) console.log(`note: ${n}`);
  for (const p of problems) console.error(`problem: ${p}`);
  process.exit(problems.length ? 1 : 0);
}

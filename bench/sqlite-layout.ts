// npm run bench:sqlite-layout -- states|events|engagement|frames|copy   [APPLY_EVERY=N for engagement]
// What a shard's storage layout costs in SQLite itself, away from workerd and its noise: node's
// SQLite, with the tables the shard's own schema steps make (`migrateShard`, and the archive's
// day ranges), then one layout change at a time on top of them.
//   states      reading and rewriting one 1.7–2.4 kB session per visitor: the tables as they are,
//               against the WITHOUT ROWID tables of the step before
//   events      storing 10-event batches: the events table as it is, with the (visitor_id, ts)
//               index it had before, and without the take-over triggers and page-view index
//   engagement  two other ways to keep a page view's engagement report, the apply's work counted
//   frames      pages a batch's commit writes to the WAL (each written, checksummed and synced):
//               the events table as it is, and with the index by time it had before
//   copy        the schema step's copy of the most sessions it copies (STATE_TABLES_COPIED_UP_TO)
// The load is bench:load's (bench/shard-batches.ts): 1,600 visitors, 10-event batches, 41 % of
// them engagement reports, times in arrival order.
// Each figure is the best of 3 runs. Figures compare layouts with each other, not with workerd's.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { migrateArchive, noteEventDays } from '../worker/src/privacy/archive';
import { ENGAGED_MS, EVENT_FIELDS, migrateShard, STATE_TABLES_COPIED_UP_TO } from '../worker/src/shard-schema';
import { seededRandom } from '../worker/src/ml/random';
import { sqlStorage } from './node-sql';
import { randomId, shardBatches } from './shard-batches';
import type { EventRow } from '../worker/src/visitor-shard';

type Value = string | number | null;
const COLUMNS = EVENT_FIELDS.split(', ');
/** Rows per statement, within the 100 bound parameters a query may have (as the shard stores them). */
const ROWS_PER_INSERT = Math.floor(100 / COLUMNS.length);

/** The schema steps there are: a shard migrated through all of them records this many. */
const ALL_STEPS = (() => {
  const db = new DatabaseSync(':memory:');
  migrateShard(sqlStorage(db));
  return Number((db.prepare('SELECT count(*) AS n FROM schema_steps').get() as { n: number }).n);
})();

/** A shard's database as its schema steps leave it (`steps`: only the first ones), with `extra` SQL after. */
function shardDb(extra = '', path = ':memory:', steps = ALL_STEPS): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL');
  const sql = sqlStorage(db);
  migrateShard(sql, steps);
  migrateArchive(sql);
  if (extra) db.exec(extra);
  return db;
}

/** Statements prepared once per database and text, as workerd caches them. */
const cache = new WeakMap<DatabaseSync, Map<string, StatementSync>>();
function prepared(db: DatabaseSync, text: string): StatementSync {
  let statements = cache.get(db);
  if (!statements) cache.set(db, (statements = new Map()));
  let statement = statements.get(text);
  if (!statement) statements.set(text, (statement = db.prepare(text)));
  return statement;
}

/** bench:load-like 10-event batches (bench/shard-batches.ts), each row as the values of EVENT_FIELDS. */
const batches = (count: number): Value[][][] => shardBatches(count).map((rows) => rows.map((row) => COLUMNS.map((c) => row[c as keyof EventRow])));

const cpuSeconds = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

/** The best of `runs` timings of `step` over a fresh database each time, in µs per unit. */
function bestOf(runs: number, make: () => DatabaseSync, step: (db: DatabaseSync) => void, units: number): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const db = make();
    const start = performance.now();
    step(db);
    best = Math.min(best, performance.now() - start);
    db.close();
  }
  return (best / units) * 1_000;
}

/** `INSERT INTO events` of `rows` rows with `tail`, as the shard's statement (made once per shape). */
const insertStatement = (rows: number, tail = 'ON CONFLICT DO NOTHING RETURNING n') =>
  `INSERT INTO events (${EVENT_FIELDS}) VALUES ${Array(rows).fill(`(${COLUMNS.map(() => '?').join(', ')})`).join(', ')} ${tail}`;

/** Stores a batch as the shard does: ROWS_PER_INSERT rows a statement; answers what `RETURNING` gave. */
const storeRows = (tail?: string) => (db: DatabaseSync, rows: Value[][]) => {
  const returned: { n: number; ts: number }[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const part = rows.slice(i, i + ROWS_PER_INSERT);
    returned.push(...(prepared(db, insertStatement(part.length, tail)).all(...part.flat()) as { n: number; ts: number }[]));
  }
  return returned;
};

/** The apply's bookkeeping: the mark moves past what was stored (scoring itself is the same for every layout). */
function moveMark(db: DatabaseSync) {
  const { n } = prepared(db, 'SELECT coalesce(max(n), 0) AS n FROM events').get() as { n: number };
  prepared(db, 'UPDATE scoring_mark SET applied_through = ?').run(n);
}

/** Each batch in its own transaction; an apply every `applyEvery` batches (0: none). */
function storeBatches(load: Value[][][], applyEvery = 0, store: (db: DatabaseSync, rows: Value[][]) => unknown = storeRows(), apply = moveMark) {
  return (db: DatabaseSync) =>
    load.forEach((rows, i) => {
      db.exec('BEGIN');
      store(db, rows);
      db.exec('COMMIT');
      if (applyEvery && i % applyEvery === 0) {
        db.exec('BEGIN');
        apply(db);
        db.exec('COMMIT');
      }
    });
}

const NO_TAKE_OVER = 'DROP TRIGGER events_report_turned_away; DROP TRIGGER events_report_takes_over;';

function events() {
  const load = batches(6_000);
  console.log(`node's SQLite ${sqliteVersion()}: storing 6,000 batches of 10 events, µs per batch`);
  for (const [label, extra] of [
    ['as the shard stores them: by visitor, page-view reports taking over (its day ranges not counted: bench:shard-insert does)', ''],
    ['as before the tenth session: with a (visitor_id, ts) index too', 'CREATE INDEX events_by_visitor_ts ON events (visitor_id, ts);'],
    ['without the take-over triggers', NO_TAKE_OVER],
    ['without the page-view index and triggers', `${NO_TAKE_OVER} DROP INDEX events_page_engagement;`],
  ]) console.log(`  ${bestOf(3, () => shardDb(extra), storeBatches(load), load.length).toFixed(1).padStart(7)}  ${label}`);
}

function states() {
  const r = seededRandom(2);
  const visitors = Array.from({ length: 1_600 }, () => randomId(r));
  const state = () => JSON.stringify({ x: 'y'.repeat(2_000 + Math.floor(r() * 400)) }); // a session's state: 1.7–2.4 kB
  const upsert = `INSERT INTO sessions (visitor_id, session_id, last, purchased, bot, state) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (visitor_id, session_id) DO UPDATE SET last = excluded.last, purchased = excluded.purchased, bot = excluded.bot, state = excluded.state`;
  console.log(`node's SQLite ${sqliteVersion()}, a file in WAL mode: reading and rewriting one 2.0–2.4 kB session per visitor, transactions of 40, µs per visitor`);
  for (const [label, steps] of [['WITHOUT ROWID (the step before)', ALL_STEPS - 1], ['rowid tables (now)', ALL_STEPS]] as const) {
    const folder = mkdtempSync(join(tmpdir(), 'linger-layout-'));
    const db = shardDb('', join(folder, 'shard.sqlite'), steps);
    db.exec('BEGIN');
    for (const v of visitors) for (let s = 0; s < 3; s++) prepared(db, upsert).run(v, `s${s}`, 1, 0, 0, state());
    db.exec('COMMIT');
    let read = 0;
    let write = 0;
    const rounds = 20_000;
    for (let i = 0; i < rounds; i += 40) {
      const picks = Array.from({ length: 40 }, () => visitors[Math.floor(r() * visitors.length)]);
      db.exec('BEGIN');
      const t0 = performance.now();
      for (const v of picks) prepared(db, 'SELECT state FROM sessions WHERE visitor_id = ? AND session_id = ?').all(v, 's2');
      const t1 = performance.now();
      for (const v of picks) prepared(db, upsert).run(v, 's2', Math.floor(r() * 1e9), 0, 0, state());
      const t2 = performance.now();
      db.exec('COMMIT');
      read += t1 - t0;
      write += t2 - t1;
    }
    db.close();
    rmSync(folder, { recursive: true });
    const us = (ms: number) => ((ms / rounds) * 1_000).toFixed(1);
    console.log(`  ${us(read + write).padStart(6)} (read ${us(read)}, write ${us(write)})  ${label}`);
  }
}

function engagement() {
  const load = batches(6_000);
  const every = Number(process.env.APPLY_EVERY ?? 20); // 1: a report nearly always replaces a row applied already, as at load
  console.log(`node's SQLite ${sqliteVersion()}: 6,000 batches, an apply every ${every}, µs per batch`);
  console.log(`  ${bestOf(3, () => shardDb(), storeBatches(load, every), load.length).toFixed(1).padStart(7)}  as the shard keeps them: a later report replaces its page view's row`);

  // 1. The reports in a table of their own, upserted in place; the apply marks each one applied.
  const own = `${NO_TAKE_OVER}
    CREATE TABLE engagement (${COLUMNS.join(', ')}, ms INTEGER, pending INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (visitor_id, page_id)) WITHOUT ROWID;
    CREATE INDEX engagement_pending ON engagement (visitor_id) WHERE pending = 1;`;
  const unpack = Array.from({ length: COLUMNS.length + 1 }, (_, i) => `value ->> ${i}`).join(', ');
  const upsertReports = `INSERT INTO engagement (${EVENT_FIELDS}, ms) SELECT ${unpack} FROM json_each(?) WHERE true
    ON CONFLICT (visitor_id, page_id) DO UPDATE SET event_id = excluded.event_id, seq = excluded.seq, ms = excluded.ms, props = excluded.props,
      ts = excluded.ts, client_ts = excluded.client_ts, received_at = excluded.received_at, pending = 1
    WHERE excluded.ms > ms OR (excluded.ms = ms AND excluded.seq > seq) RETURNING visitor_id`;
  const storeApart = (db: DatabaseSync, rows: Value[][]) => {
    const others = rows.filter((r) => r[5] !== 'user_engagement');
    const reports = rows.filter((r) => r[5] === 'user_engagement').map((r) => [...r, JSON.parse(r[13] as string).engaged_ms]);
    if (others.length) storeRows()(db, others);
    if (reports.length) prepared(db, upsertReports).all(JSON.stringify(reports));
  };
  const applyApart = (db: DatabaseSync) => {
    moveMark(db);
    const pending = prepared(db, 'SELECT visitor_id, page_id FROM engagement WHERE pending = 1').all().map((p: any) => [p.visitor_id, p.page_id]);
    if (pending.length) prepared(db, 'UPDATE engagement SET pending = 0 WHERE (visitor_id, page_id) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))').run(JSON.stringify(pending));
  };
  console.log(`  ${bestOf(3, () => shardDb(own), storeBatches(load, every, storeApart, applyApart), load.length).toFixed(1).padStart(7)}  reports in a table of their own, marked applied by the apply`);

  // 2. The page view's row updated in place; a trigger notes an applied row, to apply again.
  const inPlace = `${NO_TAKE_OVER} DROP INDEX events_page_engagement;
    CREATE UNIQUE INDEX events_page_engagement ON events (visitor_id, page_id) WHERE name = 'user_engagement' AND page_id IS NOT NULL;
    CREATE TABLE apply_again (n INTEGER PRIMARY KEY);
    CREATE TRIGGER events_report_updated AFTER UPDATE OF event_id ON events
      WHEN OLD.n <= (SELECT applied_through FROM scoring_mark) OR EXISTS (SELECT 1 FROM applied_early a WHERE a.n = OLD.n)
    BEGIN INSERT INTO apply_again (n) SELECT NEW.n WHERE NOT EXISTS (SELECT 1 FROM apply_again WHERE n = NEW.n); END;`;
  const updates = COLUMNS.filter((c) => !['visitor_id', 'page_id', 'name'].includes(c)).map((c) => `${c} = excluded.${c}`).join(', ');
  const upsertInPlace = `ON CONFLICT (visitor_id, event_id) DO NOTHING
    ON CONFLICT (visitor_id, page_id) WHERE name = 'user_engagement' AND page_id IS NOT NULL DO UPDATE SET ${updates}
    WHERE ${ENGAGED_MS('excluded')} > ${ENGAGED_MS('events')} OR (${ENGAGED_MS('excluded')} = ${ENGAGED_MS('events')} AND excluded.seq > events.seq) RETURNING n`;
  const applyInPlace = (db: DatabaseSync) => {
    moveMark(db);
    db.exec('DELETE FROM apply_again');
  };
  console.log(`  ${bestOf(3, () => shardDb(inPlace), storeBatches(load, every, storeRows(upsertInPlace), applyInPlace), load.length).toFixed(1).padStart(7)}  the page view's row updated in place, applied rows noted to apply again`);
}

function copy() {
  const count = STATE_TABLES_COPIED_UP_TO;
  const r = seededRandom(3);
  const folder = mkdtempSync(join(tmpdir(), 'linger-layout-'));
  const path = join(folder, 'shard.sqlite');
  const db = shardDb('', path, ALL_STEPS - 1);
  db.exec('BEGIN');
  const insert = db.prepare('INSERT INTO sessions (visitor_id, session_id, last, purchased, bot, state) VALUES (?, ?, ?, 0, 0, ?)');
  for (let i = 0; i < count; i++) insert.run(randomId(r), 's', Math.floor(r() * 1e12), 'x'.repeat(1_700 + Math.floor(r() * 700)));
  db.exec('COMMIT');
  const cpu = cpuSeconds();
  const wall = performance.now();
  migrateShard(sqlStorage(db)); // the last step: this many rows are copied
  const copied = !/WITHOUT ROWID/.test((db.prepare("SELECT sql FROM sqlite_master WHERE name = 'sessions'").get() as { sql: string }).sql);
  console.log(`node's SQLite ${sqliteVersion()}: the schema step over ${count.toLocaleString('en')} sessions of 1.7–2.4 kB (${copied ? 'copied into a rowid table' : 'NOT copied'}): ` +
    `${(cpuSeconds() - cpu).toFixed(1)} s CPU, ${((performance.now() - wall) / 1_000).toFixed(1)} s`);
  db.close();
  rmSync(folder, { recursive: true });
}

/** WAL frames a batch's commit writes, one batch a transaction, after 2,000 batches stored. */
function frames() {
  const load = batches(3_000);
  const header = 24; // each frame: a 24-byte header, then the page
  console.log(`node's SQLite ${sqliteVersion()}, a file in WAL mode: pages each 10-event batch's commit writes to the WAL (batches 2,001–3,000)`);
  for (const [label, extra, withDays] of [
    ['as the shard stores them: its day ranges widened by each batch', '', true],
    ['with the index by time on events it had before, and no day ranges', 'CREATE INDEX events_by_ts_before ON events (ts)', false],
  ] as const) {
    const folder = mkdtempSync(join(tmpdir(), 'linger-layout-'));
    const path = join(folder, 'shard.sqlite');
    const db = shardDb(extra, path);
    db.exec('PRAGMA wal_autocheckpoint = 0');
    const sql = sqlStorage(db);
    let before = 0;
    load.forEach((rows, i) => {
      if (i === 2_000) {
        db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
        before = statSync(`${path}-wal`).size;
      }
      db.exec('BEGIN');
      const stored = storeRows('ON CONFLICT DO NOTHING RETURNING n, ts')(db, rows);
      if (withDays) noteEventDays(sql, stored);
      db.exec('COMMIT');
    });
    const written = statSync(`${path}-wal`).size - Math.max(before, 32);
    console.log(`  ${(written / (4_096 + header) / (load.length - 2_000)).toFixed(2).padStart(6)}  ${label}`);
    db.close();
    rmSync(folder, { recursive: true });
  }
}

const sqliteVersion = () => (new DatabaseSync(':memory:').prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;

const commands: Record<string, () => void> = { events, states, engagement, frames, copy };
const command = commands[process.argv[2]];
if (!command) throw new Error(`usage: npm run bench:sqlite-layout -- ${Object.keys(commands).join('|')}`);
command();

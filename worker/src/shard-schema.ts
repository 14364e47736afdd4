// Tables of a VisitorShard's own SQLite database, applied in order once per object.
// Append new steps; never edit a step that has shipped. A step is SQL, or a function when what it
// does depends on what the shard holds.

/** A stored engagement report's engaged time (SQL over the row `row`). */
export const ENGAGED_MS = (row: string) => `coalesce(${row}.props ->> '$.engaged_ms', 0)`;
/** A stored engagement report `e` of the page view of the report being inserted (`NEW`). */
const SAME_PAGE_VIEW = "e.visitor_id = NEW.visitor_id AND e.page_id = NEW.page_id AND e.name = 'user_engagement'";

/** An event's stored fields, in the order of the events table (scoring's `n` and `fresh` aside). */
export const EVENT_FIELDS = 'event_id, visitor_id, session_id, page_id, seq, name, client_ts, ts, received_at, url, referrer, title, utm, props, device, bot';

/**
 * Sessions and profiles as rowid tables, keyed by unique indexes. Their states (1–3 kB of JSON)
 * are larger than a WITHOUT ROWID table keeps in a 4 kB page (about 1 kB), so each one spilled
 * into an overflow page, freed and taken again on every rewrite; a rowid table keeps a row of up
 * to about 4 kB in its page. Reading and rewriting a state took 11 µs instead of 27 on node's
 * SQLite (`npm run bench:sqlite-layout -- states`). The same statements serve either layout.
 */
const STATES_IN_PAGES = `CREATE TABLE sessions_in_pages (
     visitor_id  TEXT NOT NULL,
     session_id  TEXT NOT NULL,
     last        INTEGER NOT NULL,
     purchased   INTEGER NOT NULL,
     bot         INTEGER NOT NULL,
     state       TEXT NOT NULL
   );
   INSERT INTO sessions_in_pages SELECT visitor_id, session_id, last, purchased, bot, state FROM sessions;
   DROP TABLE sessions;
   ALTER TABLE sessions_in_pages RENAME TO sessions;
   CREATE UNIQUE INDEX sessions_key ON sessions (visitor_id, session_id);
   CREATE INDEX sessions_by_visitor ON sessions (visitor_id, last);
   CREATE INDEX sessions_by_last ON sessions (last);
   CREATE TABLE profiles_in_pages (
     visitor_id    TEXT NOT NULL,
     state         TEXT NOT NULL,
     segment       TEXT,
     memberships   TEXT,
     intent        REAL,
     last_seen     INTEGER,
     visits        INTEGER,
     purchases     INTEGER,
     engaged_ms    INTEGER,
     product_views INTEGER
   );
   INSERT INTO profiles_in_pages SELECT visitor_id, state, segment, memberships, intent, last_seen, visits, purchases, engaged_ms, product_views FROM profiles;
   DROP TABLE profiles;
   ALTER TABLE profiles_in_pages RENAME TO profiles;
   CREATE UNIQUE INDEX profiles_key ON profiles (visitor_id);`;

/**
 * A shard holding more sessions and profiles than this keeps its tables as they were: a first
 * start must not run past an invocation's limits, and copying 200,000 sessions took 10 s of CPU
 * on Python's SQLite (this many: 0.5 s on node's, `npm run bench:sqlite-layout -- copy`). They
 * work the same, only slower to rewrite.
 */
export const STATE_TABLES_COPIED_UP_TO = 50_000;

const STEPS = [
  `CREATE TABLE events (
     event_id    TEXT PRIMARY KEY,
     visitor_id  TEXT NOT NULL,
     session_id  TEXT NOT NULL,
     page_id     TEXT,
     seq         INTEGER NOT NULL,
     name        TEXT NOT NULL,
     client_ts   INTEGER NOT NULL,
     ts          INTEGER NOT NULL,
     received_at INTEGER NOT NULL,
     url         TEXT NOT NULL,
     referrer    TEXT,
     title       TEXT,
     utm         TEXT,
     props       TEXT NOT NULL,
     device      TEXT NOT NULL,
     bot         INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX events_by_visitor ON events (visitor_id, seq);
   CREATE TABLE visitors (
     visitor_id  TEXT PRIMARY KEY,
     first_seen  INTEGER NOT NULL,
     last_seen   INTEGER NOT NULL,
     events      INTEGER NOT NULL,
     dropped     INTEGER NOT NULL DEFAULT 0
   ) WITHOUT ROWID;`,
  // live behaviour state: one row per session and per visitor (JSON of scoring/session-state.ts)
  `CREATE TABLE sessions (
     session_id  TEXT PRIMARY KEY,
     visitor_id  TEXT NOT NULL,
     last        INTEGER NOT NULL,
     purchased   INTEGER NOT NULL,
     bot         INTEGER NOT NULL,
     state       TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX sessions_by_visitor ON sessions (visitor_id, last);
   CREATE INDEX sessions_by_last ON sessions (last);
   CREATE TABLE profiles (
     visitor_id  TEXT PRIMARY KEY,
     state       TEXT NOT NULL,
     segment     TEXT,
     memberships TEXT,
     intent      REAL
   ) WITHOUT ROWID;`,
  // Ingest stores events and answers; scoring applies them a moment later (the shard's alarm).
  // A new event gets a "pending" row from the trigger, in the same statement that stores it, so
  // every stored event is applied exactly once: the apply deletes it in its own transaction.
  `CREATE TABLE pending (
     visitor_id  TEXT NOT NULL,
     seq         INTEGER NOT NULL,
     client_ts   INTEGER NOT NULL,
     event_id    TEXT NOT NULL,
     PRIMARY KEY (visitor_id, seq, client_ts, event_id)
   ) WITHOUT ROWID;
   CREATE TRIGGER events_pending AFTER INSERT ON events BEGIN
     INSERT INTO pending (visitor_id, seq, client_ts, event_id) VALUES (NEW.visitor_id, NEW.seq, NEW.client_ts, NEW.event_id);
   END;
   CREATE TABLE quarantine (
     event_id    TEXT PRIMARY KEY,
     visitor_id  TEXT NOT NULL,
     error       TEXT NOT NULL,
     at          INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE dropped_reports (
     visitor_id  TEXT NOT NULL,
     batch       TEXT NOT NULL,
     count       INTEGER NOT NULL,
     PRIMARY KEY (visitor_id, batch)
   ) WITHOUT ROWID;
   CREATE TABLE brain_outbox (
     id          INTEGER PRIMARY KEY,
     body        TEXT NOT NULL
   );
   CREATE TABLE meta (
     key         TEXT PRIMARY KEY,
     value       TEXT NOT NULL
   ) WITHOUT ROWID;`,
  // A session belongs to its visitor: another visitor sending the same session id gets a session of its own.
  `CREATE TABLE sessions_by_owner (
     visitor_id  TEXT NOT NULL,
     session_id  TEXT NOT NULL,
     last        INTEGER NOT NULL,
     purchased   INTEGER NOT NULL,
     bot         INTEGER NOT NULL,
     state       TEXT NOT NULL,
     PRIMARY KEY (visitor_id, session_id)
   ) WITHOUT ROWID;
   INSERT INTO sessions_by_owner SELECT visitor_id, session_id, last, purchased, bot, state FROM sessions;
   DROP TABLE sessions;
   ALTER TABLE sessions_by_owner RENAME TO sessions;
   CREATE INDEX sessions_by_visitor ON sessions (visitor_id, last);
   CREATE INDEX sessions_by_last ON sessions (last);`,
  // One engagement row per page view, updated in place as its heartbeats arrive (engaged time
  // only grows), instead of one row per 15 s heartbeat. Existing state keeps the largest report
  // of each page view; the visitor's event count drops by the rows already counted that go.
  // A pending row says whether its event is a new row (`fresh`) or a page view's row updated.
  `CREATE TABLE engagement_folded (event_id TEXT PRIMARY KEY, visitor_id TEXT NOT NULL) WITHOUT ROWID;
   INSERT INTO engagement_folded SELECT e.event_id, e.visitor_id FROM events e
     WHERE e.name = 'user_engagement' AND e.page_id IS NOT NULL AND EXISTS (
       SELECT 1 FROM events o WHERE o.visitor_id = e.visitor_id AND o.page_id = e.page_id AND o.name = 'user_engagement' AND o.event_id <> e.event_id
         AND (coalesce(o.props ->> '$.engaged_ms', 0) > coalesce(e.props ->> '$.engaged_ms', 0)
           OR (coalesce(o.props ->> '$.engaged_ms', 0) = coalesce(e.props ->> '$.engaged_ms', 0) AND (o.seq > e.seq OR (o.seq = e.seq AND o.event_id > e.event_id)))));
   UPDATE visitors SET events = events - (SELECT count(*) FROM engagement_folded f WHERE f.visitor_id = visitors.visitor_id
       AND NOT EXISTS (SELECT 1 FROM pending p WHERE p.visitor_id = f.visitor_id AND p.event_id = f.event_id))
     WHERE visitor_id IN (SELECT visitor_id FROM engagement_folded);
   DELETE FROM pending WHERE event_id IN (SELECT event_id FROM engagement_folded);
   DELETE FROM events WHERE event_id IN (SELECT event_id FROM engagement_folded);
   DROP TABLE engagement_folded;
   CREATE UNIQUE INDEX events_page_engagement ON events (visitor_id, page_id) WHERE name = 'user_engagement' AND page_id IS NOT NULL;
   ALTER TABLE pending ADD COLUMN fresh INTEGER NOT NULL DEFAULT 1;
   CREATE TRIGGER events_pending_update AFTER UPDATE OF event_id ON events BEGIN
     INSERT INTO pending (visitor_id, seq, client_ts, event_id, fresh) VALUES (NEW.visitor_id, NEW.seq, NEW.client_ts, NEW.event_id,
       coalesce((SELECT fresh FROM pending WHERE visitor_id = OLD.visitor_id AND event_id = OLD.event_id), 0));
     DELETE FROM pending WHERE visitor_id = OLD.visitor_id AND event_id = OLD.event_id;
   END;`,
  // Events in arrival order, and scoring's mark in that order instead of a pending row per event:
  // storing an event writes one row and two small index entries next to the visitor's others
  // (no trigger, no random-keyed primary key), about a quarter of the cost before. Event ids are
  // unique per visitor. AUTOINCREMENT: a number is never reused, even after the newest rows are
  // erased, so nothing new can fall behind the mark. `fresh` = 0: an engagement report that took
  // over its page view's row after that row was applied (it adds engaged time, not an event).
  // Applied rows go first, then the pending ones in their apply order, with the mark between.
  `CREATE TABLE events_in_order (
     n           INTEGER PRIMARY KEY AUTOINCREMENT,
     event_id    TEXT NOT NULL,
     visitor_id  TEXT NOT NULL,
     session_id  TEXT NOT NULL,
     page_id     TEXT,
     seq         INTEGER NOT NULL,
     name        TEXT NOT NULL,
     client_ts   INTEGER NOT NULL,
     ts          INTEGER NOT NULL,
     received_at INTEGER NOT NULL,
     url         TEXT NOT NULL,
     referrer    TEXT,
     title       TEXT,
     utm         TEXT,
     props       TEXT NOT NULL,
     device      TEXT NOT NULL,
     bot         INTEGER NOT NULL,
     fresh       INTEGER NOT NULL DEFAULT 1
   );
   INSERT INTO events_in_order (${EVENT_FIELDS}, fresh)
     SELECT ${EVENT_FIELDS}, 1 FROM events e
     WHERE NOT EXISTS (SELECT 1 FROM pending p WHERE p.visitor_id = e.visitor_id AND p.event_id = e.event_id) ORDER BY ts, seq;
   CREATE TABLE scoring_mark (id INTEGER PRIMARY KEY CHECK (id = 1), applied_through INTEGER NOT NULL);
   INSERT INTO scoring_mark (id, applied_through) SELECT 1, coalesce(max(n), 0) FROM events_in_order;
   INSERT INTO events_in_order (${EVENT_FIELDS}, fresh)
     SELECT ${EVENT_FIELDS.split(', ').map((f) => `e.${f}`).join(', ')}, p.fresh FROM pending p JOIN events e ON e.event_id = p.event_id
     ORDER BY p.visitor_id, p.seq, p.client_ts, p.event_id;
   CREATE TABLE applied_early (n INTEGER PRIMARY KEY);
   DROP TRIGGER events_pending;
   DROP TRIGGER events_pending_update;
   DROP TABLE pending;
   DROP TABLE events;
   ALTER TABLE events_in_order RENAME TO events;
   CREATE UNIQUE INDEX events_by_visitor ON events (visitor_id, event_id);
   CREATE UNIQUE INDEX events_page_engagement ON events (visitor_id, page_id) WHERE name = 'user_engagement' AND page_id IS NOT NULL;`,
  // A profile's lifecycle inputs as plain columns beside its JSON, written with it: the overview's
  // lifecycle and segment mix read them from one covering index (reports/site-rollups.ts).
  // Expressions over the JSON were evaluated for every profile on every read, about half of what
  // a shard spent on an overview.
  `ALTER TABLE profiles ADD COLUMN last_seen INTEGER;
   ALTER TABLE profiles ADD COLUMN visits INTEGER;
   ALTER TABLE profiles ADD COLUMN purchases INTEGER;
   ALTER TABLE profiles ADD COLUMN engaged_ms INTEGER;
   ALTER TABLE profiles ADD COLUMN product_views INTEGER;
   UPDATE profiles SET last_seen = state ->> '$.lastSeen', visits = state ->> '$.visits', purchases = state ->> '$.purchases',
     engaged_ms = state ->> '$.engagedMs', product_views = state ->> '$.productViews';`,
  // A page view's later engagement report takes over its row inside the insert that stores it,
  // instead of in a statement of its own before it (in workerd a statement's fixed cost is most
  // of what storing a batch costs). Before a report is inserted, one of its page view that is as
  // late or later turns it away (RAISE(IGNORE) skips that row only); after it is inserted, the
  // page view's older row goes, and the new one counts as a new event (`fresh`) only if the old
  // one was not applied yet and was fresh itself. The triggers keep one row per page view, so
  // the page view's index need not be unique (a unique one would turn a later report away).
  `DROP INDEX events_page_engagement;
   CREATE INDEX events_page_engagement ON events (visitor_id, page_id) WHERE name = 'user_engagement' AND page_id IS NOT NULL;
   CREATE TRIGGER events_report_turned_away BEFORE INSERT ON events WHEN NEW.name = 'user_engagement' AND NEW.page_id IS NOT NULL BEGIN
     SELECT RAISE(IGNORE) WHERE EXISTS (SELECT 1 FROM events e WHERE ${SAME_PAGE_VIEW}
       AND (${ENGAGED_MS('e')} > ${ENGAGED_MS('NEW')} OR (${ENGAGED_MS('e')} = ${ENGAGED_MS('NEW')} AND e.seq >= NEW.seq)));
   END;
   CREATE TRIGGER events_report_takes_over AFTER INSERT ON events WHEN NEW.name = 'user_engagement' AND NEW.page_id IS NOT NULL BEGIN
     UPDATE events SET fresh = 0 WHERE n = NEW.n AND EXISTS (SELECT 1 FROM events e WHERE ${SAME_PAGE_VIEW} AND e.n <> NEW.n
       AND (e.fresh = 0 OR e.n <= (SELECT applied_through FROM scoring_mark) OR EXISTS (SELECT 1 FROM applied_early a WHERE a.n = e.n)));
     DELETE FROM events WHERE n IN (SELECT e.n FROM events e WHERE ${SAME_PAGE_VIEW} AND e.n <> NEW.n);
   END;`,
  // Sessions and profiles as rowid tables (STATES_IN_PAGES), in a shard small enough to copy them.
  (sql: SqlStorage) => {
    const rows = sql.exec<{ n: number }>(`SELECT (SELECT count(*) FROM (SELECT 1 FROM sessions LIMIT ?1))
      + (SELECT count(*) FROM (SELECT 1 FROM profiles LIMIT ?1)) AS n`, STATE_TABLES_COPIED_UP_TO + 1).one().n;
    if (rows <= STATE_TABLES_COPIED_UP_TO) sql.exec(STATES_IN_PAGES);
  },
  // When a visitor's browser reported its dropped events, so that retention purges the reports as
  // it purges events (the quarantine has its time already). Reports stored before count from now.
  // (A column already there is left alone: tests run the steps before this one again.)
  (sql: SqlStorage) => {
    if (sql.exec("SELECT 1 FROM pragma_table_info('dropped_reports') WHERE name = 'at'").toArray().length) return;
    sql.exec('ALTER TABLE dropped_reports ADD COLUMN at INTEGER NOT NULL DEFAULT 0');
    sql.exec('UPDATE dropped_reports SET at = ?', Date.now());
  },
];

/** Applies the steps not applied yet (`through`: stop before that step, for tests of a migration). */
export function migrateShard(sql: SqlStorage, through = STEPS.length): void {
  sql.exec('CREATE TABLE IF NOT EXISTS schema_steps (step INTEGER PRIMARY KEY)');
  const done = sql.exec<{ n: number }>('SELECT count(*) AS n FROM schema_steps').one().n;
  for (let step = done; step < through; step++) {
    const apply = STEPS[step];
    if (typeof apply === 'string') sql.exec(apply);
    else apply(sql);
    sql.exec('INSERT INTO schema_steps (step) VALUES (?)', step);
  }
}

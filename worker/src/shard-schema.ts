// Tables of a VisitorShard's own SQLite database, applied in order once per object.
// Append new steps; never edit a step that has shipped.
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
];

export function migrateShard(sql: SqlStorage): void {
  sql.exec('CREATE TABLE IF NOT EXISTS schema_steps (step INTEGER PRIMARY KEY)');
  const done = sql.exec<{ n: number }>('SELECT count(*) AS n FROM schema_steps').one().n;
  for (let step = done; step < STEPS.length; step++) {
    sql.exec(STEPS[step]);
    sql.exec('INSERT INTO schema_steps (step) VALUES (?)', step);
  }
}

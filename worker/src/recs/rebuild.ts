// The recommender's scheduled rebuild, in chunks: old sessions are dropped and every item's
// neighbour lists recomputed a few hundred at a time, each chunk its own short transaction, so
// /v1/recs keeps answering between chunks from lists that are each either the previous or the
// fresh one. The job's progress lives in SiteBrain's SQLite, so a chunk that fails or an object
// that restarts resumes where it stopped; the brain's alarm drives the chunks (or, for the
// admin's "retrain now", the caller does). The model version moves only when the job completes.
import { recordStep } from '../models';
import { KEPT_SESSIONS } from './stores';

/** Items whose neighbour lists one chunk recomputes, and old sessions one chunk deletes. */
export const REBUILD_CHUNK_ITEMS = 250;
export const REBUILD_CHUNK_SESSIONS = 5_000;
/** A chunk that throws is retried this many times (with backoff) before the job is abandoned. */
export const REBUILD_ATTEMPTS = 3;

const SCHEMA = `CREATE TABLE IF NOT EXISTS rebuild_job (id INTEGER PRIMARY KEY CHECK (id = 1), site TEXT NOT NULL,
  phase TEXT, cursor TEXT NOT NULL DEFAULT '', cutoff INTEGER, started INTEGER NOT NULL, items INTEGER NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0, last_result TEXT, last_error TEXT)`;

export interface RebuildResult {
  version: number;
  items: number;
  sessions: number;
}

export interface RebuildJob {
  site: string;
  phase: 'sessions' | 'items' | null;
  cursor: string;
  cutoff: number | null;
  started: number;
  items: number;
  failures: number;
  last_result: string | null;
  last_error: string | null;
}

/** What the rebuild needs from SiteBrain: its storage, and how it recomputes one item's list. */
export interface RebuildHost {
  sql: SqlStorage;
  transaction<T>(run: () => T): T;
  refreshNeighbours(kind: 'view' | 'buy', item: string): void;
}

export function rebuildJob(sql: SqlStorage): RebuildJob | null {
  sql.exec(SCHEMA);
  return sql.exec<RebuildJob & Record<string, SqlStorageValue>>('SELECT * FROM rebuild_job WHERE id = 1').toArray()[0] ?? null;
}

export const isRunning = (job: RebuildJob | null): job is RebuildJob & { phase: 'sessions' | 'items' } => !!job?.phase;

/** Starts a rebuild for `site`, unless one is running (a repeated queue message must not restart it). */
export function startRebuild(sql: SqlStorage, site: string, now: number): RebuildJob {
  const job = rebuildJob(sql);
  if (isRunning(job)) return job;
  // sessions beyond the newest KEPT_SESSIONS go
  const cutoff = sql.exec<{ time: number }>('SELECT time FROM sessions ORDER BY time DESC LIMIT 1 OFFSET ?', KEPT_SESSIONS).toArray()[0]?.time ?? null;
  sql.exec(
    `INSERT INTO rebuild_job (id, site, phase, cursor, cutoff, started, items, failures) VALUES (1, ?1, 'sessions', '', ?2, ?3, 0, 0)
     ON CONFLICT (id) DO UPDATE SET site = ?1, phase = 'sessions', cursor = '', cutoff = ?2, started = ?3, items = 0, failures = 0`,
    site, cutoff, now);
  return rebuildJob(sql)!;
}

/**
 * Runs the next chunk of the running job in one transaction; returns the result when this
 * chunk completed the job, `null` when more chunks remain (or no job runs).
 */
export function rebuildChunk(host: RebuildHost): { done: RebuildResult } | { more: true } | null {
  return host.transaction(() => {
    const { sql } = host;
    const job = rebuildJob(sql);
    if (!isRunning(job)) return null;
    if (job.phase === 'sessions') {
      const deleted = job.cutoff === null ? 0
        : sql.exec('DELETE FROM sessions WHERE session_id IN (SELECT session_id FROM sessions WHERE time <= ? LIMIT ?)', job.cutoff, REBUILD_CHUNK_SESSIONS).rowsWritten;
      if (deleted < REBUILD_CHUNK_SESSIONS) sql.exec("UPDATE rebuild_job SET phase = 'items', cursor = '' WHERE id = 1");
      return { more: true };
    }
    const items = sql
      .exec<{ item: string; v: number; b: number }>('SELECT item, view_sessions AS v, baskets AS b FROM item_stats WHERE item > ? ORDER BY item LIMIT ?', job.cursor, REBUILD_CHUNK_ITEMS)
      .toArray();
    for (const { item, v, b } of items) {
      // fresh now: a later observation marks it stale again
      sql.exec('DELETE FROM stale WHERE item = ?', item);
      if (v) host.refreshNeighbours('view', item);
      if (b) host.refreshNeighbours('buy', item);
    }
    const total = job.items + items.length;
    if (items.length === REBUILD_CHUNK_ITEMS) {
      sql.exec('UPDATE rebuild_job SET cursor = ?, items = ? WHERE id = 1', items[items.length - 1].item, total);
      return { more: true };
    }
    sql.exec("INSERT INTO meta (key, value) VALUES ('version', 1) ON CONFLICT (key) DO UPDATE SET value = value + 1");
    const result: RebuildResult = {
      version: sql.exec<{ value: number }>("SELECT value FROM meta WHERE key = 'version'").one().value,
      items: total,
      sessions: sql.exec<{ n: number }>('SELECT count(*) AS n FROM sessions').one().n,
    };
    sql.exec('UPDATE rebuild_job SET phase = NULL, items = ?, failures = 0, last_result = ?, last_error = NULL WHERE id = 1', total, JSON.stringify(result));
    return { done: result };
  });
}

/**
 * Records a failed chunk; returns the delay before the next attempt, or null when the job is
 * abandoned (the lists already recomputed stay, the rest keep their previous lists).
 */
export function chunkFailed(sql: SqlStorage, error: string): number | null {
  const job = rebuildJob(sql);
  if (!isRunning(job)) return null;
  const failures = job.failures + 1;
  const abandon = failures >= REBUILD_ATTEMPTS;
  sql.exec('UPDATE rebuild_job SET failures = ?, last_error = ?, phase = CASE WHEN ? THEN NULL ELSE phase END WHERE id = 1', failures, error.slice(0, 500), abandon ? 1 : 0);
  return abandon ? null : 2 ** failures * 5_000;
}

/** Tells the admin (GET /v1/admin/models) how the step went; a failure to record is logged, not thrown. */
export async function recordRebuild(db: D1Database, site: string, outcome: { result: RebuildResult } | { error: string }): Promise<void> {
  try {
    await recordStep(db, site, 'recs', outcome);
  } catch (err) {
    console.error(`recording the recs step for ${site} failed`, err);
  }
}

// The two triggers that keep one engagement row per page view inside the insert
// (shard-schema.ts, `events_report_turned_away` and `events_report_takes_over`), driven through
// the shard's own ingest with hand-made rows, so cases the collect route folds away are covered too.
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { migrateShard } from '../../worker/src/shard-schema';
import { shardOf } from '../../worker/src/shards';
import { findSite } from '../../worker/src/sites';
import type { EventRow, VisitorShard } from '../../worker/src/visitor-shard';
import { TEST_SITE } from './helpers';

const shard = async (visitor: string) => shardOf(env, (await findSite(env.DB, TEST_SITE.key))!, visitor);

let id = 0;
/** A stored row as prepareBatch makes it. */
function row(visitor: string, over: Partial<EventRow> & { ms?: number } = {}): EventRow {
  const { ms, ...rest } = over;
  const t = Date.now() - 60_000;
  id++;
  return {
    event_id: `trg-${id}`, visitor_id: visitor, session_id: `${visitor}-s`, page_id: 'page-1', seq: id, name: ms === undefined ? 'page_view' : 'user_engagement',
    client_ts: t + id, ts: t + id, received_at: t + id, url: 'https://shop.example/', referrer: null, title: null, utm: null,
    props: JSON.stringify(ms === undefined ? {} : { engaged_ms: ms }), device: 'desktop', bot: 0, ...rest,
  };
}

/** Stores rows in the visitor's shard (one ingest call); answers `accepted` and the visitor's rows in arrival order. */
async function ingest(visitor: string, rows: EventRow[]) {
  return runInDurableObject(await shard(visitor), (s: VisitorShard, state) => {
    const { accepted } = s.store(TEST_SITE.key, rows);
    const stored = state.storage.sql
      .exec<{ event_id: string; fresh: number }>('SELECT event_id, fresh FROM events WHERE visitor_id = ? ORDER BY n', visitor)
      .toArray().map((r) => `${r.event_id}:${r.fresh}`);
    return { accepted, stored };
  });
}

/** Applies what waits; answers the visitor's counted events. */
async function counted(visitor: string) {
  const stub = await shard(visitor);
  await runDurableObjectAlarm(stub);
  return runInDurableObject(stub, (s: VisitorShard, state) => {
    expect(s.status().pending).toBe(0);
    return state.storage.sql.exec<{ n: number }>('SELECT events AS n FROM visitors WHERE visitor_id = ?', visitor).one().n;
  });
}

describe('engagement take-over triggers', () => {
  it('takes over on a later report, turns away an older one, an equal one with a lower or equal seq, and a resend', async () => {
    const v = 'visitor-trg-order';
    const view = row(v);
    const r10 = row(v, { ms: 10_000 });
    expect(await ingest(v, [view, r10])).toEqual({ accepted: 2, stored: [`${view.event_id}:1`, `${r10.event_id}:1`] });
    const r5 = row(v, { ms: 5_000 });
    const r10low = row(v, { ms: 10_000, seq: r10.seq - 1 });
    const r10same = row(v, { ms: 10_000, seq: r10.seq });
    expect(await ingest(v, [r5, r10low, r10same, r10])).toEqual({ accepted: 0, stored: [`${view.event_id}:1`, `${r10.event_id}:1`] });
    const r10high = row(v, { ms: 10_000, seq: r10.seq + 1 });
    expect(await ingest(v, [r10high])).toEqual({ accepted: 1, stored: [`${view.event_id}:1`, `${r10high.event_id}:1`] }); // not applied yet: still fresh
    expect(await counted(v)).toBe(2); // the view, one report
    const r20 = row(v, { ms: 20_000 });
    expect(await ingest(v, [r20, r10high])).toEqual({ accepted: 1, stored: [`${view.event_id}:1`, `${r20.event_id}:0`] }); // took over an applied row
    const r30 = row(v, { ms: 30_000 });
    expect(await ingest(v, [r30])).toEqual({ accepted: 1, stored: [`${view.event_id}:1`, `${r30.event_id}:0`] }); // over a row not fresh itself
    expect(await counted(v)).toBe(2);
  });

  it('keeps one row and counts it once when two reports of a page view come in one call, in either order, in one statement or two', async () => {
    const v = 'visitor-trg-one-statement';
    const a = row(v, { ms: 1_000 });
    const b = row(v, { ms: 2_000 });
    expect(await ingest(v, [a, b])).toEqual({ accepted: 1, stored: [`${b.event_id}:1`] });
    const c = row(v, { ms: 4_000 });
    const d = row(v, { ms: 3_000 });
    expect(await ingest(v, [c, d])).toEqual({ accepted: 1, stored: [`${c.event_id}:1`] });
    expect(await counted(v)).toBe(1);
    const e = row(v, { ms: 5_000 });
    const f = row(v, { ms: 6_000 });
    expect(await ingest(v, [e, f])).toEqual({ accepted: 1, stored: [`${f.event_id}:0`] }); // over the applied row
    expect(await counted(v)).toBe(1);
    // the two reports in different statements of one call (six rows to a statement)
    const g = row(v, { ms: 7_000 });
    const clicks = Array.from({ length: 5 }, () => row(v, { name: 'click' }));
    const h = row(v, { ms: 8_000 });
    const { accepted, stored } = await ingest(v, [g, ...clicks, h]);
    expect(accepted).toBe(6);
    expect(stored).toEqual([...clicks.map((c) => `${c.event_id}:1`), `${h.event_id}:0`]);
    expect(await counted(v)).toBe(6);
  });

  it('touches no other row: another visitor, another page, another event of the page, a report without a page id', async () => {
    const v = 'visitor-trg-others';
    const w = 'visitor-trg-others-2';
    const click = row(v, { name: 'click' });
    const mine = row(v, { ms: 1_000 });
    const otherPage = row(v, { ms: 1_000, page_id: 'page-2' });
    const noPage = [row(v, { ms: 1_000, page_id: null }), row(v, { ms: 2_000, page_id: null })];
    await ingest(v, [click, mine, otherPage, ...noPage]);
    const theirs = row(w, { ms: 9_000 }); // the same page id, another visitor (maybe another shard)
    await ingest(w, [theirs]);
    const later = row(v, { ms: 5_000 });
    const { stored } = await ingest(v, [later, row(v, { ms: 3_000, page_id: null })]);
    expect(stored.map((s) => s.split(':')[0])).toEqual([click.event_id, otherPage.event_id, noPage[0].event_id, noPage[1].event_id, later.event_id, `trg-${id}`]);
    expect((await ingest(w, [])).stored).toEqual([`${theirs.event_id}:1`]);
  });

  it('changes nothing for a later report whose event id is stored already as another event', async () => {
    const v = 'visitor-trg-id-clash';
    const click = row(v, { name: 'click' });
    const report = row(v, { ms: 1_000 });
    await ingest(v, [click, report]);
    expect(await ingest(v, [row(v, { ms: 9_000, event_id: click.event_id })])).toEqual({ accepted: 0, stored: [`${click.event_id}:1`, `${report.event_id}:1`] });
  });

  it('keeps a shard stored under the unique page-view index as it was, and takes over its rows after the upgrade', async () => {
    const v = 'visitor-trg-upgrade';
    const stub = await shard(v);
    const view = row(v);
    const applied = row(v, { ms: 1_000 });
    const pending = row(v, { ms: 1_000, page_id: 'page-2' });
    await runInDurableObject(stub, (_s: VisitorShard, state) => {
      // the shard three steps back (the triggers, sessions and profiles as rowid tables, the dropped reports' times, which finds its column): the triggers gone, the page view's index unique again
      state.storage.sql.exec(`DROP TRIGGER events_report_turned_away; DROP TRIGGER events_report_takes_over; DROP INDEX events_page_engagement;
        CREATE UNIQUE INDEX events_page_engagement ON events (visitor_id, page_id) WHERE name = 'user_engagement' AND page_id IS NOT NULL;
        DELETE FROM schema_steps WHERE step >= (SELECT max(step) - 2 FROM schema_steps)`);
    });
    // first reports were stored by the plain insert then too
    await ingest(v, [view, applied]);
    expect(await counted(v)).toBe(2);
    await ingest(v, [pending]);
    const before = await runInDurableObject(stub, (_s: VisitorShard, state) => state.storage.sql.exec('SELECT * FROM events ORDER BY n').toArray());
    // the step runs again, as on an upgraded shard
    const after = await runInDurableObject(stub, (_s: VisitorShard, state) => {
      migrateShard(state.storage.sql);
      return state.storage.sql.exec('SELECT * FROM events ORDER BY n').toArray();
    });
    expect(after).toEqual(before);
    const taken = [row(v, { ms: 2_000 }), row(v, { ms: 2_000, page_id: 'page-2' })];
    const { stored } = await ingest(v, taken);
    expect(stored.slice(-3)).toEqual([`${view.event_id}:1`, `${taken[0].event_id}:0`, `${taken[1].event_id}:1`]);
    expect(await counted(v)).toBe(3); // the view, two page views' reports
  });
});

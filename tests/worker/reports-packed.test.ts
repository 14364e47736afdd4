// A shard answers a report's rows packed (reports/packed.ts): one JSON text that SQLite builds.
// Checked here: (a) packed rows equal the rows read one by one, with sums past 10^16, strings
// with quotes and NULs; (b) the headline reads (the campaign list, breakdowns) give the
// headline stats of the full rows; (c) the lifecycle and segment mix counted in SQL equals
// lifecycleStage applied to every profile, and its segment, thresholds and missing fields included.
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIFECYCLE, lifecycleStage, type LifecycleRules } from '../../worker/src/ml/lifecycle';
import { campaignsRollupRows, HEADLINE_FIELDS, packedCampaignRollups, packedRollupRows, rollupRowColumns, setContribution, type Bucket, type RollupRow } from '../../worker/src/reports/campaign-rollups';
import { STAT_FIELDS, zeroStats } from '../../worker/src/reports/outcomes';
import { packRows, unpackGrouped, unpackRows } from '../../worker/src/reports/packed';
import { LIFECYCLE_COLUMNS, PROFILE_MIX_COLUMNS, lifecycleInputs, lifecycleRows, profileMixSelect } from '../../worker/src/reports/site-rollups';
import { shardOf } from '../../worker/src/shards';
import { findSite } from '../../worker/src/sites';
import type { VisitorShard } from '../../worker/src/visitor-shard';
import { TEST_SITE } from './helpers';

async function inAShard<T>(fn: (sql: SqlStorage) => T): Promise<T> {
  const site = (await findSite(env.DB, TEST_SITE.key))!;
  return runInDurableObject(shardOf(env, site, 'packed-visitor'), (_s: VisitorShard, state) => fn(state.storage.sql));
}

const DAYS = ['2026-09-01', '2026-09-02', '2026-09-03'];
const byKeys = (rows: RollupRow[]) => [...rows].sort((x, y) => `${x.variant}|${x.day}|${x.segment}`.localeCompare(`${y.variant}|${y.day}|${y.segment}`));

describe('packed report rows', () => {
  it('equal the rows read one by one, exactly, however large the sums', async () => {
    await inAShard((sql) => {
      let seed = 7;
      const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
      for (let i = 0; i < 120; i++) {
        const stats = zeroStats();
        for (const f of STAT_FIELDS) stats[f] = Math.floor(random() * 1_000);
        stats.n = 1;
        stats.conv = random() < 0.4 ? 1 : 0;
        // squares of large orders: their sums pass 10^16
        stats.rev2 = 2 ** 50 + Math.floor(random() * 1e6);
        const bucket: Bucket = { day: DAYS[i % 3], hour: i % 24, segment: ['a', 'b'][i % 2], device: 'mobile', source: i % 5 ? 'direct' : 'news\u0000"x' };
        setContribution(sql, ['pk-c1', 'pk-c2'][i % 2], i % 3 ? 'itt' : 'triggered', `pv-${i}`, { variant: ['holdout', 'a'][i % 2 ? 0 : 1], entry: 0, bucket, stats });
      }
      const ids = ['pk-c1', 'pk-c2', 'pk-none'];
      for (const group of [undefined, [], ['day'], ['segment'], ['day', 'hour'], ['source']] as const) {
        for (const analysis of ['itt', 'triggered'] as const) {
          const direct = campaignsRollupRows(sql, ids, analysis, DAYS[0], DAYS[2], group);
          const packed = unpackGrouped<RollupRow>(packedRollupRows(sql, ids, analysis, DAYS[0], DAYS[2], group), rollupRowColumns());
          for (const id of ids) expect(packed.get(id) ?? [], `${id} ${analysis} ${group}`).toEqual(direct.get(id));
        }
      }
      const big = campaignsRollupRows(sql, ['pk-c1'], 'itt', DAYS[0], DAYS[2], []).get('pk-c1')!;
      expect(Math.max(...big.map((r) => r.rev2))).toBeGreaterThan(1e16);
      // a plain read, strings and nulls as they are
      expect(unpackRows(packRows(sql, "SELECT 'a\"b' AS s, NULL AS x, 3 AS n UNION ALL SELECT 'é', 1.5, -2", ['s', 'x', 'n']), ['s', 'x', 'n']))
        .toEqual([{ s: 'a"b', x: null, n: 3 }, { s: 'é', x: 1.5, n: -2 }]);
      expect(unpackRows(packRows(sql, 'SELECT 1 AS n WHERE 0', ['n']), ['n'])).toEqual([]);
    });
  });

  it('give the campaign list and breakdowns the headline stats of the full rows', async () => {
    await inAShard((sql) => {
      const ids = ['pk-c1', 'pk-c2'];
      const headline = (rows: RollupRow[]) => rows.map((r) => ({ variant: r.variant, day: r.day, hour: r.hour, segment: r.segment, device: r.device, source: r.source, n: r.n, conv: r.conv, rev: r.rev }));
      const columns = rollupRowColumns(HEADLINE_FIELDS);
      const list = packedCampaignRollups(sql, ids, DAYS[0], DAYS[2], { group: [], analyses: ['itt'], hist: false, headline: true });
      const full = campaignsRollupRows(sql, ids, 'itt', DAYS[0], DAYS[2], []);
      for (const [id, rows] of unpackGrouped<RollupRow>(list.itt, columns)) expect(rows).toEqual(headline(full.get(id)!));
      expect(list.triggered).toBe('[]');
      const page = packedCampaignRollups(sql, ['pk-c1'], DAYS[0], DAYS[2], { group: ['day'], analyses: ['itt'], hist: true, exposed: true, breakdown: { analysis: 'itt', by: 'segment' } });
      expect(unpackGrouped<RollupRow>(page.breakdown, columns).get('pk-c1')).toEqual(headline(campaignsRollupRows(sql, ['pk-c1'], 'itt', DAYS[0], DAYS[2], ['segment']).get('pk-c1')!));
      // the exposed counts: the triggered arm totals, every stat
      expect(unpackGrouped<RollupRow>(page.triggered, rollupRowColumns()).get('pk-c1')).toEqual(campaignsRollupRows(sql, ['pk-c1'], 'triggered', DAYS[0], DAYS[2], []).get('pk-c1'));
      expect(byKeys(unpackGrouped<RollupRow>(page.itt, rollupRowColumns()).get('pk-c1')!)).toEqual(byKeys(campaignsRollupRows(sql, ['pk-c1'], 'itt', DAYS[0], DAYS[2], ['day']).get('pk-c1')!));
      expect(page.hist.triggered).toBe('[]');
    });
  });
});

describe('the lifecycle and segment mix counted in SQL', () => {
  it('equals lifecycleStage and the segment of every profile, at the thresholds and with fields missing', async () => {
    const now = 1_795_000_000_000;
    const DAY = 86_400_000;
    const rules: LifecycleRules[] = [DEFAULT_LIFECYCLE, { churnedAfterDays: 60, lapsingAfterDays: 14, loyalPurchases: 3, loyalVisits: 5, engagedMs: 30_000, engagedProductViews: 2 }];
    await inAShard((sql) => {
      sql.exec('DELETE FROM profiles');
      // as the apply writes a profile: its JSON, and its lifecycle inputs beside it
      const insert = (id: string, state: { lastSeen: number; visits: number; purchases: number; engagedMs: number; productViews: number }, segment: string | null) =>
        sql.exec(`INSERT INTO profiles (visitor_id, state, segment, ${LIFECYCLE_COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, JSON.stringify(state), segment, ...lifecycleInputs(state));
      let i = 0;
      const ago = [0, 1, 13.999, 14, 29.5, 30, 30.0001, 59, 60, 89.999, 90, 200].map((d) => Math.round(d * DAY));
      const segments = ['Browsers', 'Buyers', null, '__proto__'];
      for (const since of ago) {
        for (const visits of [0, 1, 2, 4, 5, 8, 9]) {
          for (const [purchases, engagedMs, productViews] of [[0, 0, 0], [0, 29_999, 1], [0, 30_000, 2], [0, 60_000, 3], [1, 59_999, 2], [2, 0, 0], [3, 0, 0]]) {
            insert(`lm-${i}`, { lastSeen: now - since, visits, purchases, engagedMs, productViews }, segments[i++ % segments.length]);
          }
        }
      }
      // fields missing (NULL), as a profile written before they were columns
      sql.exec('INSERT INTO profiles (visitor_id, state, last_seen) VALUES (?, ?, ?)', 'lm-bare', '{}', now - DAY);
      sql.exec('INSERT INTO profiles (visitor_id, state) VALUES (?, ?)', 'lm-empty', '{}');
      for (const r of rules) {
        const want = new Map<string, number>();
        for (const p of lifecycleRows(sql)) {
          const stage = lifecycleStage({ daysSinceLastVisit: (now - (p.last ?? 0)) / DAY, visits: p.visits ?? 0, purchases: p.purchases ?? 0, engagedMs: p.engaged ?? 0, productViews: p.views ?? 0 }, r);
          want.set(stage, (want.get(stage) ?? 0) + 1);
        }
        const mix = unpackRows<{ stage: string; segment: string; visitors: number }>(packRows(sql, profileMixSelect(r), PROFILE_MIX_COLUMNS, now), [...PROFILE_MIX_COLUMNS]);
        const got = new Map<string, number>();
        for (const m of mix) got.set(m.stage, (got.get(m.stage) ?? 0) + m.visitors);
        expect(got).toEqual(want);
        expect(want.size).toBe(6);
        const bySegment = new Map<string, number>();
        for (const m of mix) bySegment.set(m.segment, (bySegment.get(m.segment) ?? 0) + m.visitors);
        const segmentWant = new Map(sql.exec<{ s: string; n: number }>("SELECT coalesce(segment, 'unsegmented') AS s, count(*) AS n FROM profiles NOT INDEXED GROUP BY 1").toArray().map((x) => [x.s, x.n]));
        expect(bySegment).toEqual(segmentWant);
        expect(bySegment.get('__proto__')).toBe(147);
        // one pass over the index that holds every column read, not over the profiles
        const plan = sql.exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${profileMixSelect(r)}`, now).toArray();
        expect(plan.map((p) => p.detail).join(' ')).toMatch(/COVERING INDEX profiles_mix/);
      }
    });
  });
});

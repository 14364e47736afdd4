// A shard answers a report's rows packed (reports/packed.ts): one JSON text that SQLite builds.
// Checked here: (a) packed rows equal the rows read one by one, with sums past 10^16, strings
// with quotes and NULs; (b) the headline reads (the campaign list, breakdowns) give the
// headline stats of the full rows; (c) the lifecycle mix counted in SQL equals lifecycleStage
// applied to every profile, thresholds and missing fields included.
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIFECYCLE, lifecycleStage, type LifecycleRules } from '../../worker/src/ml/lifecycle';
import { campaignsRollupRows, HEADLINE_FIELDS, packedCampaignRollups, packedRollupRows, rollupRowColumns, setContribution, type Bucket, type RollupRow } from '../../worker/src/reports/campaign-rollups';
import { STAT_FIELDS, zeroStats } from '../../worker/src/reports/outcomes';
import { packRows, unpackGrouped, unpackRows } from '../../worker/src/reports/packed';
import { SEGMENT_MIX, lifecycleMixSelect, lifecycleRows } from '../../worker/src/reports/site-rollups';
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

describe('the lifecycle mix counted in SQL', () => {
  it('equals lifecycleStage of every profile, at the thresholds and with fields missing', async () => {
    const now = 1_795_000_000_000;
    const DAY = 86_400_000;
    const rules: LifecycleRules[] = [DEFAULT_LIFECYCLE, { churnedAfterDays: 60, lapsingAfterDays: 14, loyalPurchases: 3, loyalVisits: 5, engagedMs: 30_000, engagedProductViews: 2 }];
    await inAShard((sql) => {
      sql.exec('DELETE FROM profiles');
      let i = 0;
      const ago = [0, 1, 13.999, 14, 29.5, 30, 30.0001, 59, 60, 89.999, 90, 200].map((d) => Math.round(d * DAY));
      for (const since of ago) {
        for (const visits of [0, 1, 2, 4, 5, 8, 9]) {
          for (const [purchases, engagedMs, productViews] of [[0, 0, 0], [0, 29_999, 1], [0, 30_000, 2], [0, 60_000, 3], [1, 59_999, 2], [2, 0, 0], [3, 0, 0]]) {
            const state = { visitorId: `lm-${i}`, lastSeen: now - since, visits, purchases, engagedMs, productViews };
            sql.exec('INSERT INTO profiles (visitor_id, state) VALUES (?, ?)', `lm-${i++}`, JSON.stringify(state));
          }
        }
      }
      // fields missing, as a profile written before they existed
      sql.exec('INSERT INTO profiles (visitor_id, state) VALUES (?, ?)', 'lm-bare', JSON.stringify({ visitorId: 'lm-bare', lastSeen: now - DAY }));
      sql.exec('INSERT INTO profiles (visitor_id, state) VALUES (?, ?)', 'lm-empty', JSON.stringify({ visitorId: 'lm-empty' }));
      for (const r of rules) {
        const want = new Map<string, number>();
        for (const p of lifecycleRows(sql)) {
          const stage = lifecycleStage({ daysSinceLastVisit: (now - p.last) / DAY, visits: p.visits, purchases: p.purchases, engagedMs: p.engaged, productViews: p.views }, r);
          want.set(stage, (want.get(stage) ?? 0) + 1);
        }
        const got = unpackRows<{ stage: string; visitors: number }>(packRows(sql, lifecycleMixSelect(r), ['stage', 'visitors'], now), ['stage', 'visitors']);
        expect(new Map(got.map((g) => [g.stage, g.visitors]))).toEqual(want);
        expect(want.size).toBe(6);
        // the five fields read from their covering index, not from each profile's JSON
        const plan = sql.exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${lifecycleMixSelect(r)}`, now).toArray();
        expect(plan.map((p) => p.detail).join(' ')).toMatch(/COVERING INDEX profiles_lifecycle/);
      }
      // and the segment mix from the same index
      const segmentPlan = sql.exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${SEGMENT_MIX}`).toArray();
      expect(segmentPlan.map((p) => p.detail).join(' ')).toMatch(/COVERING INDEX profiles_lifecycle_segment/);
    });
  });
});

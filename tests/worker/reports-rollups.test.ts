// The per-day campaign rollups (campaign_days) that the list, funnel and daily reports read keep
// exactly the sums of the full rollups: checked against sums computed here from the
// contributions made, as visitors enter, change arm or bucket, and leave; and a shard made
// before the table existed fills it from its full rollups. And a campaign report read the
// lean way (arms and days from the per-day rows, the breakdown apart by its dimension only)
// equals the report made from the rows grouped by day and dimension, as before.
import { exports } from 'cloudflare:workers';
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { campaignReport, type Breakdown } from '../../worker/src/reports/campaign-report';
import { campaignRows } from '../../worker/src/reports/gather';
import { armsOf, create, decide, DESKTOP_UA, MOBILE_UA, promotion, visitorIn } from './campaigns-helpers';
import { BASE, importEvents, makeEvent, settle } from './helpers';
import { campaignRollupRows, campaignsRollupRows, migrateCampaignRollups, setContribution, type Analysis, type Bucket, type Contribution, type RollupRow } from '../../worker/src/reports/campaign-rollups';
import { STAT_FIELDS, zeroStats, type Stats } from '../../worker/src/reports/outcomes';
import { shardOf } from '../../worker/src/shards';
import { findSite } from '../../worker/src/sites';
import type { VisitorShard } from '../../worker/src/visitor-shard';
import { TEST_SITE } from './helpers';
import { LIFECYCLE_COLUMNS, lifecycleInputs, migrateSiteRollups } from '../../worker/src/reports/site-rollups';
import { migrateShard } from '../../worker/src/shard-schema';

const DAYS = ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04'];

/** A seeded stream of contributions: integer stats, as outcomes.ts makes them. */
function randomContribution(random: () => number): Contribution {
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const stats: Stats = zeroStats();
  for (const f of STAT_FIELDS) stats[f] = Math.floor(random() * 5_000);
  stats.n = 1;
  stats.conv = random() < 0.3 ? 1 : 0;
  const bucket: Bucket = { day: pick(DAYS), hour: Math.floor(random() * 24), segment: pick(['a', 'b', 'c']), device: pick(['mobile', 'desktop']), source: pick(['direct', 'news']) };
  return { variant: pick(['holdout', 'a', 'b']), entry: 0, bucket, stats };
}

/** What the reports should read: the current contributions summed per variant (and day); summed over the days, a row's day is its first. */
function expected(current: Map<string, Contribution>, byDay: boolean, from: string, to: string) {
  const sums = new Map<string, RollupRow>();
  for (const c of current.values()) {
    if (c.bucket.day < from || c.bucket.day > to) continue;
    const key = `${c.variant}|${byDay ? c.bucket.day : ''}`;
    const row = sums.get(key) ?? ({ variant: c.variant, day: c.bucket.day, hour: -1, segment: '', device: '', source: '', ...zeroStats() } as RollupRow);
    if (c.bucket.day < row.day) row.day = c.bucket.day;
    for (const f of STAT_FIELDS) row[f] += c.stats[f];
    sums.set(key, row);
  }
  return [...sums.values()].sort((x, y) => `${x.variant}|${x.day}`.localeCompare(`${y.variant}|${y.day}`));
}

const sorted = (rows: RollupRow[]) => [...rows].sort((x, y) => `${x.variant}|${x.day}`.localeCompare(`${y.variant}|${y.day}`));

async function inAShard<T>(fn: (sql: SqlStorage) => T): Promise<T> {
  const site = (await findSite(env.DB, TEST_SITE.key))!;
  return runInDurableObject(shardOf(env, site, 'rollup-days-visitor'), (_s: VisitorShard, state) => fn(state.storage.sql));
}

describe('per-day campaign rollups', () => {
  it('sum to exactly what the contributions add up to, through changes and removals', async () => {
    await inAShard((sql) => {
      let seed = 11;
      const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
      const campaign = 'rollup-days-c1';
      const analysis: Analysis = 'itt';
      const current = new Map<string, Contribution>();
      for (let step = 0; step < 400; step++) {
        const visitor = `rv-${Math.floor(random() * 60)}`;
        const next = random() < 0.15 ? null : randomContribution(random);
        setContribution(sql, campaign, analysis, visitor, next);
        if (next) current.set(visitor, next);
        else current.delete(visitor);
      }
      expect(current.size).toBeGreaterThan(20);
      for (const [from, to] of [['0000-00-00', '9999-99-99'], [DAYS[1], DAYS[2]]]) {
        expect(sorted(campaignRollupRows(sql, campaign, analysis, from, to, ['day']))).toEqual(expected(current, true, from, to));
        expect(sorted(campaignRollupRows(sql, campaign, analysis, from, to, []))).toEqual(expected(current, false, from, to));
      }
      // several campaigns in one statement: each its own rows
      const both = campaignsRollupRows(sql, [campaign, 'rollup-days-none'], analysis, '0000-00-00', '9999-99-99', []);
      expect(sorted(both.get(campaign)!)).toEqual(expected(current, false, '0000-00-00', '9999-99-99'));
      expect(both.get('rollup-days-none')).toEqual([]);
      // an arm and day left by every visitor leaves no row behind
      const empty = sql.exec('SELECT count(*) AS n FROM campaign_days WHERE campaign_id = ? AND n <= 0', campaign).one().n;
      expect(empty).toBe(0);
      const days = sql.exec('SELECT count(*) AS n FROM campaign_days WHERE campaign_id = ?', campaign).one().n;
      expect(days).toBe(expected(current, true, '0000-00-00', '9999-99-99').length);
    });
  });

  it('are filled from the full rollups in a shard made before them', async () => {
    await inAShard((sql) => {
      let seed = 5;
      const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
      const campaign = 'rollup-days-c2';
      const current = new Map<string, Contribution>();
      for (let i = 0; i < 80; i++) {
        const c = randomContribution(random);
        setContribution(sql, campaign, 'triggered', `fv-${i}`, c);
        current.set(`fv-${i}`, c);
      }
      // as a shard made before the table: only the full rollups
      const before = sql.exec('SELECT count(*) AS n FROM campaign_days').one().n;
      expect(before).toBeGreaterThan(0);
      sql.exec('DROP TABLE campaign_days');
      migrateCampaignRollups(sql);
      expect(sorted(campaignRollupRows(sql, campaign, 'triggered', '0000-00-00', '9999-99-99', ['day']))).toEqual(expected(current, true, '0000-00-00', '9999-99-99'));
      expect(sql.exec('SELECT count(*) AS n FROM campaign_days').one().n).toBe(before);
      // and running the migration again changes nothing
      migrateCampaignRollups(sql);
      expect(sql.exec('SELECT count(*) AS n FROM campaign_days').one().n).toBe(before);
    });
  });
});

describe('a campaign report read from per-day and breakdown rows', () => {
  it('equals the report made from rows grouped by day and the breakdown, for every breakdown', async () => {
    const DAY = 86_400_000;
    const now = Date.now();
    const campaign = await create(promotion(['lean-slot'], { start: now - 20 * DAY, holdout: 0.4, variants: [{ name: 'a', weight: 1, content: { title: 'A', text: 'a' } }, { name: 'b', weight: 1, content: { title: 'B', text: 'b' } }] }));
    const arms = armsOf(campaign);
    const byAgent = new Map<string, unknown[]>([[DESKTOP_UA, []], [MOBILE_UA, []]]);
    for (let i = 0; i < 36; i++) {
      const arm = ['holdout', 'a', 'b'][i % 3];
      const visitor = visitorIn(arms, arm, `lean${i}`);
      const d = (await decide(`visitor=${visitor}&page=home&slots=lean-slot`)).body.decisions[0];
      // entries spread over days and, today, over hours; two devices, two sources
      const t = i % 4 === 0 ? now - (i % 5) * 3_600_000 - 60_000 : now - (1 + (i % 6)) * DAY - i * 600_000;
      const base = { visitor_id: visitor, session_id: `session-${visitor}`, ...(i % 2 ? { utm: { source: 'news' } } : {}) };
      const events = [makeEvent({ ...base, ts: t, name: 'view_promotion', props: { promotion_id: campaign.id, campaign_id: campaign.id, variant: arm, decision_id: d.decision_id, slot: 'lean-slot' } })];
      if (i % 3 !== 2 || i % 5 === 0) events.push(makeEvent({ ...base, ts: t + 60_000, name: 'purchase', props: { transaction_id: `lean-t-${i}`, value: 5 + i * 3.25 } }));
      byAgent.get(i % 3 === 1 ? MOBILE_UA : DESKTOP_UA)!.push(...events);
    }
    for (const [agent, events] of byAgent) {
      const res = await exports.default.fetch(`${BASE}/v1/admin/import?site=${TEST_SITE.key}`, {
        method: 'POST', headers: { authorization: `Bearer ${TEST_SITE.adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ events, user_agent: agent }),
      });
      expect(res.status).toBe(202);
    }
    await settle();
    const site = (await findSite(env.DB, TEST_SITE.key))!;
    const info = { id: campaign.id, name: campaign.name, type: campaign.type, status: campaign.status, holdout: campaign.holdout, variants: campaign.variants, start: Date.parse(campaign.start), end: null, window_days: campaign.window_days };
    const from = new Date(info.start).toISOString().slice(0, 10);
    const to = new Date(Date.now()).toISOString().slice(0, 10);
    let hours = 0;
    for (const analysis of ['itt', 'triggered'] as const) {
      for (const breakdown of ['day', 'hour', 'segment', 'device', 'source', 'variant'] as Breakdown[]) {
        const res = await exports.default.fetch(`${BASE}/v1/reports/campaigns/${campaign.id}?site=${TEST_SITE.key}&analysis=${analysis}&breakdown=${breakdown}`, { headers: { authorization: `Bearer ${TEST_SITE.readKey}` } });
        expect(res.status).toBe(200);
        const lean = await res.json<any>();
        // as before: every analysis grouped by the day and the breakdown's dimension, in one set of rows
        const group = breakdown === 'variant' || breakdown === 'day' ? ['day' as const] : ['day' as const, breakdown];
        const rows = (await campaignRows(env, site, [campaign.id], from, to, { group, analyses: ['itt', 'triggered'], hist: true })).get(campaign.id)!;
        const full = campaignReport(info, rows[analysis], rows.hist[analysis], rows.triggered, { analysis, breakdown, now: Date.now(), hourDay: to });
        for (const field of ['arms', 'uplift', 'srm', 'winsorized_at', 'verdict', 'warnings', 'breakdown', 'daily', 'funnel'] as const) {
          expect(lean[field], `${analysis} ${breakdown} ${field}`).toEqual(JSON.parse(JSON.stringify(full[field])));
        }
        if (breakdown === 'hour') hours += lean.breakdown.rows.length;
        if (breakdown === 'device') expect(lean.breakdown.rows.map((r: any) => r.key)).toEqual(['desktop', 'mobile']);
        if (breakdown === 'source') expect(lean.breakdown.rows.map((r: any) => r.key)).toEqual(['direct', 'news']);
      }
    }
    expect(hours).toBeGreaterThan(1);
  });
});

describe("the overview's lifecycle inputs", () => {
  it('are written beside each profile as the apply stores it, and equal its fields', async () => {
    const visitor = 'lifecycle-columns-visitor';
    await importEvents([
      makeEvent({ visitor_id: visitor, session_id: 'lc-session-1', name: 'view_item', props: { item_id: 'p1', price: 5 }, seq: 0 }),
      makeEvent({ visitor_id: visitor, session_id: 'lc-session-1', name: 'view_item', props: { item_id: 'p2', price: 5 }, seq: 1 }),
      makeEvent({ visitor_id: visitor, session_id: 'lc-session-1', name: 'purchase', props: { transaction_id: 'lc-order-1', value: 10, items: [{ item_id: 'p1', price: 5 }] }, seq: 2 }),
    ]);
    const site = (await findSite(env.DB, TEST_SITE.key))!;
    const row = await runInDurableObject(shardOf(env, site, visitor), (_s: VisitorShard, state) =>
      state.storage.sql.exec<{ state: string } & Record<string, number>>(`SELECT state, ${LIFECYCLE_COLUMNS.join(', ')} FROM profiles WHERE visitor_id = ?`, visitor).one());
    const profile = JSON.parse(row.state);
    expect(profile.productViews).toBe(2);
    expect(profile.purchases).toBe(1);
    expect(LIFECYCLE_COLUMNS.map((c) => row[c])).toEqual(lifecycleInputs(profile));
  });

  it('are filled from the JSON of profiles stored before they were columns', async () => {
    const site = (await findSite(env.DB, TEST_SITE.key))!;
    const got = await runInDurableObject(shardOf(env, site, 'lifecycle-migration-visitor'), (_s: VisitorShard, state) => {
      const sql = state.storage.sql;
      // the profiles table as it was before the step
      sql.exec(`DROP TABLE profiles; CREATE TABLE profiles (visitor_id TEXT PRIMARY KEY, state TEXT NOT NULL, segment TEXT, memberships TEXT, intent REAL) WITHOUT ROWID`);
      const states = [{ lastSeen: 1_790_000_000_000, visits: 3, purchases: 1, engagedMs: 61_500, productViews: 4 }, { lastSeen: 1_790_000_100_000 }];
      states.forEach((p, i) => sql.exec('INSERT INTO profiles (visitor_id, state) VALUES (?, ?)', `old-${i}`, JSON.stringify(p)));
      // the lifecycle step is the fourth to last; the three after it (the report take-over triggers, sessions and profiles as rowid tables, the dropped reports' times) run again
      sql.exec('DROP TRIGGER events_report_turned_away; DROP TRIGGER events_report_takes_over; DROP INDEX events_page_engagement');
      sql.exec(`CREATE UNIQUE INDEX events_page_engagement ON events (visitor_id, page_id) WHERE name = 'user_engagement' AND page_id IS NOT NULL`);
      sql.exec('DELETE FROM schema_steps WHERE step >= (SELECT max(step) - 3 FROM schema_steps)');
      migrateShard(sql);
      migrateSiteRollups(sql);
      return sql.exec<Record<string, number | null>>(`SELECT ${LIFECYCLE_COLUMNS.join(', ')} FROM profiles ORDER BY visitor_id`).toArray().map((r) => LIFECYCLE_COLUMNS.map((c) => r[c]));
    });
    expect(got).toEqual([[1_790_000_000_000, 3, 1, 61_500, 4], [1_790_000_100_000, null, null, null, null]]);
  });
});

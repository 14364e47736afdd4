// Report answers are kept for a few seconds in the worker (reports/answer-cache.ts), but events
// stored through the collector drop them at once: a report read right after an import counts the
// imported events. And the campaign report's daily cumulative uplift, now summed in one pass,
// equals the uplift of every earlier row re-summed for each day.
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { campaignReport, conversionUplift, HOLDOUT, type CampaignInfo } from '../../worker/src/reports/campaign-report';
import type { RollupRow } from '../../worker/src/reports/campaign-rollups';
import { zeroStats, type Stats } from '../../worker/src/reports/outcomes';
import { create, promotion } from './campaigns-helpers';
import { BASE, TEST_SITE, importEvents, makeEvent } from './helpers';

const DAY = 86_400_000;


async function overview(day: string) {
  const res = await exports.default.fetch(`${BASE}/v1/reports/overview?site=${TEST_SITE.key}&from=${day}&to=${day}`, { headers: { authorization: `Bearer ${TEST_SITE.readKey}` } });
  expect(res.status).toBe(200);
  return res.text();
}

describe('kept report answers', () => {
  it('answers the same again, and counts events imported in between at once', async () => {
    const ts = Date.now() - 60_000;
    const day = new Date(ts).toISOString().slice(0, 10);
    const purchase = (i: number) => makeEvent({ visitor_id: `cache-v${i}`, session_id: `cache-s${i}`, ts, name: 'purchase', props: { transaction_id: `cache-t${i}`, value: 10 } });
    await importEvents([purchase(0)]);
    const first = await overview(day);
    expect(await overview(day)).toBe(first);
    const before = JSON.parse(first).totals;
    await importEvents([purchase(1), purchase(2)]);
    const after = JSON.parse(await overview(day)).totals;
    expect(after.orders).toBe(before.orders + 2);
    expect(after.revenue).toBeCloseTo(before.revenue + 20, 6);
  });

  it('lists a campaign created after the list was kept', async () => {
    const list = async () => {
      const res = await exports.default.fetch(`${BASE}/v1/reports/campaigns?site=${TEST_SITE.key}`, { headers: { authorization: `Bearer ${TEST_SITE.readKey}` } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { campaigns: { id: string }[] }).campaigns.map((c) => c.id);
    };
    const first = await create(promotion(['cache-slot-1']));
    expect(await list()).toContain(first.id);
    const second = await create(promotion(['cache-slot-2']));
    expect(await list()).toEqual(expect.arrayContaining([first.id, second.id]));
  });
});

describe('the daily cumulative uplift', () => {
  it('equals re-summing every row up to each day', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const days = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2026, 10, 1) + i * DAY).toISOString().slice(0, 10));
    const rows: RollupRow[] = [];
    for (let k = 0; k < 300; k++) {
      const n = 1 + Math.floor(random() * 40);
      const variant = random() < 0.4 ? HOLDOUT : random() < 0.7 ? 'a' : 'b';
      rows.push({ ...zeroStats(), variant, day: days[Math.floor(random() * days.length)], hour: -1, segment: ['x', 'y'][k % 2], device: '', source: '', n, conv: Math.floor(random() * (n + 1)) });
    }
    const campaign: CampaignInfo = { id: 'c', name: 'c', type: 'promotion', status: 'running', holdout: 0.4, variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }], start: Date.UTC(2026, 10, 1), end: null, window_days: 7 };
    const report = campaignReport(campaign, rows, [], rows, { analysis: 'itt', breakdown: 'segment', now: Date.UTC(2026, 10, 20) });
    const visitorsOf = (v: string) => rows.filter((r) => r.variant === v).reduce((s, r) => s + r.n, 0);
    const main = visitorsOf('a') >= visitorsOf('b') ? 'a' : 'b';
    const sum = (list: RollupRow[]): Stats => list.reduce((s, r) => ({ ...s, n: s.n + r.n, conv: s.conv + r.conv }), zeroStats());
    const present = [...new Set(rows.map((r) => r.day))].sort();
    expect(report.daily.map((d) => d.day)).toEqual(present);
    for (const d of report.daily) {
      const upTo = rows.filter((r) => r.day <= d.day);
      const want = conversionUplift(sum(upTo.filter((r) => r.variant === HOLDOUT)), sum(upTo.filter((r) => r.variant === main)));
      expect(d.cumulative).toEqual({ absolute: want.absolute, ci_low: want.ci_low, ci_high: want.ci_high, seq_ci_low: want.seq_ci_low, seq_ci_high: want.seq_ci_high });
      const today = rows.filter((r) => r.day === d.day);
      expect(d.arms.find((a) => a.variant === 'b')!.visitors).toBe(sum(today.filter((r) => r.variant === 'b')).n);
    }
  });
});

// Campaign effect reports and the shop overview, for the read key (the admin key also reads).
// Thin: the rows come from the shards' rollups (reports/gather.ts), the numbers from
// reports/campaign-report.ts and reports/overview.ts. Every route answers `?format=csv` too.
import { Hono, type Context } from 'hono';
import { requireKey } from '../auth';
// The campaigns as the decide route caches them (CAMPAIGN_CACHE_MS, dropped at once on edits
// through this isolate): within the answers' own bound (reports/answer-cache.ts), one D1 read less.
import { servingCampaigns } from '../campaigns/store';
import { statusAt, type Campaign } from '../campaigns/definition';
import { catalogOf } from '../catalog';
import type { AppEnv } from '../env';
import { isCalendarDay } from '../calendar';
import { fail } from '../http';
import type { Analysis, RollupShape } from '../reports/campaign-rollups';
import { BREAKDOWNS, campaignList, campaignReport, type Breakdown, type CampaignInfo } from '../reports/campaign-report';
import { answerCache } from '../reports/answer-cache';
import { toCsv } from '../reports/csv';
import { attributionRowsOf, campaignHeadlines, campaignRows, overviewRows } from '../reports/gather';
import { ATTRIBUTION_MODELS, type AttributionModel } from '../reports/attribution';
import { attributionReport } from '../reports/attribution-report';
import { hourlyReport, overviewReport } from '../reports/overview';
import { requireSite } from '../site-context';

export const reports = new Hono<AppEnv>();

reports.use(requireSite, requireKey('read'), answerCache);

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isDay = (text: string) => DAY.test(text) && isCalendarDay(text);

/** `from` and `to` (YYYY-MM-DD, UTC, inclusive); the last 28 days by default (or from `defaultFrom`); at most 3 years. */
function range(c: Context<AppEnv>, defaultFrom?: string): { from: string; to: string } | string {
  const now = Date.now();
  const from = c.req.query('from') ?? defaultFrom ?? isoDay(now - 27 * DAY_MS);
  const to = c.req.query('to') ?? isoDay(now);
  if (!isDay(from)) return 'from must be a date YYYY-MM-DD';
  if (!isDay(to)) return 'to must be a date YYYY-MM-DD';
  if (from > to) return 'from must not be after to';
  if (Date.parse(to) - Date.parse(from) > 3 * 366 * DAY_MS) return 'a range spans at most 3 years';
  return { from, to };
}

function analysisOf(c: Context<AppEnv>): Analysis | null {
  const a = c.req.query('analysis') ?? 'itt';
  return a === 'itt' || a === 'triggered' ? a : null;
}

/** A campaign as the reports show it: its status as of now (ended once past its end), as the admin API shows it. */
const info = (x: Campaign, now = Date.now()): CampaignInfo => ({
  id: x.id, name: x.name, type: x.type, status: statusAt(x, now), holdout: x.holdout, variants: x.variants,
  start: x.start, end: x.end, window_days: x.window_days,
});

const wantsCsv = (c: Context<AppEnv>) => c.req.query('format') === 'csv';
function csv(c: Context<AppEnv>, name: string, headers: string[], rows: unknown[][]) {
  c.header('content-disposition', `attachment; filename="${name}.csv"`);
  return c.body(toCsv(headers, rows), 200, { 'content-type': 'text/csv; charset=utf-8' });
}

reports.get('/overview', async (c) => {
  const r = range(c);
  if (typeof r === 'string') return fail(c, 400, r);
  const site = c.get('site');
  const granularity = c.req.query('granularity') ?? 'day';
  if (granularity !== 'day' && granularity !== 'hour') return fail(c, 400, 'granularity must be day or hour');
  const [rows, catalog] = await Promise.all([overviewRows(c.env, site, r.from, r.to, granularity === 'hour'), catalogOf(c.env.DB, site.key)]);
  const report = overviewReport(rows, catalog, r);
  if (granularity === 'hour') {
    // The hours of the range's last day (today by default), from the hourly rollups.
    const hourly = hourlyReport(rows, r.to, Date.now());
    if (wantsCsv(c)) {
      return csv(c, 'overview-hourly', ['hour', 'visitors', 'sessions', 'engaged_ms', 'orders', 'revenue', 'conversion_rate'],
        hourly.map((h) => [h.hour, h.visitors, h.sessions, h.engaged_ms, h.orders, h.revenue, h.conversion_rate]));
    }
    return c.json({ site: site.key, ...report, granularity, hourly });
  }
  if (wantsCsv(c)) {
    return csv(c, 'overview', ['day', 'visitors', 'sessions', 'engaged_ms', 'orders', 'revenue', 'conversion_rate'],
      report.daily.map((d) => [d.day, d.visitors, d.sessions, d.engaged_ms, d.orders, d.revenue, d.conversion_rate]));
  }
  return c.json({ site: site.key, ...report });
});

reports.get('/campaigns', async (c) => {
  const r = range(c);
  if (typeof r === 'string') return fail(c, 400, r);
  const analysis = analysisOf(c);
  if (!analysis) return fail(c, 400, 'analysis must be itt or triggered');
  const site = c.get('site');
  const now = Date.now();
  const campaigns = (await servingCampaigns(c.env.DB, site.key)).filter((x) => x.start <= Date.parse(r.to) + DAY_MS);
  // The list shows each arm's totals: one row per arm and shard.
  const rows = await campaignHeadlines(c.env, site, campaigns.map((x) => x.id), r.from, r.to, analysis);
  const list = campaignList(campaigns.map((x) => ({ campaign: info(x, now), rows: rows.get(x.id)! })), now, r.to);
  if (wantsCsv(c)) {
    return csv(c, 'campaigns', ['id', 'name', 'type', 'status', 'holdout_visitors', 'treated_visitors', 'variant', 'control_rate', 'treatment_rate', 'absolute', 'relative', 'ci_low', 'ci_high', 'p_value', 'q_value', 'verdict', 'warnings'],
      list.map((x) => [x.id, x.name, x.type, x.status, x.arms.find((a) => a.variant === 'holdout')?.visitors ?? 0, x.arms.filter((a) => a.variant !== 'holdout').reduce((n, a) => n + a.visitors, 0),
        x.headline?.variant, x.headline?.control_value, x.headline?.treatment_value, x.headline?.absolute, x.headline?.relative, x.headline?.ci_low, x.headline?.ci_high,
        x.headline?.p_value, x.headline?.q_value, x.headline?.verdict, x.warnings.map((w) => w.code).join(' ')]));
  }
  return c.json({ site: site.key, ...r, analysis, campaigns: list });
});

reports.get('/campaigns/:id', async (c) => {
  const analysis = analysisOf(c);
  if (!analysis) return fail(c, 400, 'analysis must be itt or triggered');
  const breakdown = (c.req.query('breakdown') ?? 'day') as Breakdown;
  if (!BREAKDOWNS.includes(breakdown)) return fail(c, 400, `breakdown must be one of ${BREAKDOWNS.join(', ')}`);
  const site = c.get('site');
  const id = c.req.param('id');
  const campaign = (await servingCampaigns(c.env.DB, site.key)).find((x) => x.id === id);
  if (!campaign) return fail(c, 404, `no campaign ${id.slice(0, 64)} on site "${site.key}"`);
  // The whole campaign by default: an effect report covers every visitor who entered it (a
  // campaign yet to start: today).
  const r = range(c, isoDay(Math.min(campaign.start, Date.now())));
  if (typeof r === 'string') return fail(c, 400, r);
  const now = Date.now();
  const from = r.from;
  // One fan-out: the analysis's rows per arm and day (the arms, the daily uplift), the triggered
  // arm totals (the exposed counts), and apart the rows of the breakdown's dimension.
  const by = breakdown === 'variant' || breakdown === 'day' ? undefined : breakdown;
  const shape: Omit<RollupShape, 'headline'> = { group: ['day'], analyses: [analysis], hist: true, exposed: true, breakdown: by && { analysis, by, day: by === 'hour' ? r.to : undefined } };
  const rows = (await campaignRows(c.env, site, [id], from, r.to, shape)).get(id)!;
  const report = campaignReport(info(campaign, now), rows[analysis], rows.hist[analysis], rows.triggered, { analysis, breakdown, now, hourDay: r.to, toDay: r.to, breakdownRows: by && rows.breakdown });
  if (wantsCsv(c)) {
    return csv(c, `campaign-${id}-${breakdown}`, [breakdown, 'variant', 'visitors', 'conversions', 'conversion_rate', 'revenue', 'uplift_absolute', 'ci_low', 'ci_high', 'p_value'],
      report.breakdown.rows.flatMap((row) => row.arms.map((a) => [row.key, a.variant, a.visitors, a.conversions, a.conversion_rate, a.revenue,
        row.uplift?.absolute, row.uplift?.ci_low, row.uplift?.ci_high, row.uplift?.p_value])));
  }
  return c.json({ ...report, from, to: r.to });
});

reports.get('/funnel', async (c) => {
  const id = c.req.query('campaign');
  if (!id) return fail(c, 400, 'campaign is required');
  const analysis = analysisOf(c);
  if (!analysis) return fail(c, 400, 'analysis must be itt or triggered');
  const site = c.get('site');
  const campaign = (await servingCampaigns(c.env.DB, site.key)).find((x) => x.id === id);
  if (!campaign) return fail(c, 404, `no campaign ${id.slice(0, 64)} on site "${site.key}"`);
  const now = Date.now();
  const rows = (await campaignRows(c.env, site, [id], isoDay(campaign.start), isoDay(now), { group: [], analyses: [analysis], hist: true, exposed: true })).get(id)!;
  const { funnel } = campaignReport(info(campaign), rows[analysis], rows.hist[analysis], rows.triggered, { analysis, breakdown: 'variant', now });
  if (wantsCsv(c)) {
    return csv(c, `funnel-${id}`, ['variant', 'visitors', ...funnel.steps.flatMap((s) => [s, `${s}_rate`])],
      funnel.arms.map((a) => [a.variant, a.visitors, ...a.counts.flatMap((n, i) => [n, a.rates[i]])]));
  }
  return c.json({ campaign: id, analysis, ...funnel });
});

reports.get('/attribution', async (c) => {
  const r = range(c);
  if (typeof r === 'string') return fail(c, 400, r);
  const model = (c.req.query('model') ?? 'last') as AttributionModel;
  if (!ATTRIBUTION_MODELS.includes(model)) return fail(c, 400, `model must be one of ${ATTRIBUTION_MODELS.join(', ')}`);
  const site = c.get('site');
  const [rows, campaigns] = await Promise.all([attributionRowsOf(c.env, site, model, r.from, r.to), servingCampaigns(c.env.DB, site.key)]);
  const report = attributionReport(rows, new Map(campaigns.map((x) => [x.id, x.name])), model, r);
  if (wantsCsv(c)) {
    return csv(c, `attribution-${model}`, ['campaign_id', 'name', 'model', 'purchases', 'revenue'],
      report.campaigns.map((x) => [x.id, x.name, model, x.purchases, x.revenue]));
  }
  return c.json({ site: site.key, ...report });
});

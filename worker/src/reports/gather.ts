// Reports read rollups only: one RPC per shard of the site, each answering its rows packed
// (reports/packed.ts), unpacked and merged here.
import type { Env } from '../env';
import { shardByIndex } from '../shards';
import type { Site } from '../sites';
import type { AttributionModel } from './attribution';
import { ATTRIBUTION_ROW_COLUMNS, type AttributionRow } from './attribution-rollups';
import { HEADLINE_FIELDS, rollupRowColumns, type Analysis, type HeadlineRow, type RollupRow, type RollupShape } from './campaign-rollups';
import { unpackGrouped, unpackRows } from './packed';
import { HISTOGRAM_ROW_COLUMNS, type HistogramRow } from './revenue-histogram';
import { DAY_ROW_COLUMNS, HOUR_ROW_COLUMNS, ITEM_ROW_COLUMNS, PROFILE_MIX_COLUMNS, type DayRow } from './site-rollups';

export interface CampaignRows {
  id: string;
  itt: RollupRow[];
  triggered: RollupRow[];
  hist: { itt: HistogramRow[]; triggered: HistogramRow[] };
  /** The shape's breakdown rows (RollupShape.breakdown). */
  breakdown: HeadlineRow[];
}

const shards = (env: Env, site: Site) => Array.from({ length: site.shards }, (_, i) => shardByIndex(env, site, i));

/** The rollup rows of these campaigns, from every shard, entries from `from` to `to` (days, inclusive). */
export async function campaignRows(env: Env, site: Site, ids: string[], from: string, to: string, shape?: Omit<RollupShape, 'headline'>): Promise<Map<string, CampaignRows>> {
  return gatherCampaigns(env, site, ids, from, to, shape);
}

/** Each campaign's arm totals of one analysis, headline stats only (the campaign list). */
export async function campaignHeadlines(env: Env, site: Site, ids: string[], from: string, to: string, analysis: Analysis): Promise<Map<string, HeadlineRow[]>> {
  const rows = await gatherCampaigns(env, site, ids, from, to, { group: [], analyses: [analysis], hist: false, headline: true });
  return new Map([...rows].map(([id, c]) => [id, c[analysis]]));
}

/** Rows read with `shape.headline` hold the headline stats only: campaignHeadlines types them so. */
async function gatherCampaigns(env: Env, site: Site, ids: string[], from: string, to: string, shape?: RollupShape): Promise<Map<string, CampaignRows>> {
  const parts = await Promise.all(shards(env, site).map((s) => s.campaignRollups(ids, from, to, shape)));
  const rowColumns = rollupRowColumns(shape?.headline ? HEADLINE_FIELDS : undefined);
  const out = new Map<string, CampaignRows>(ids.map((id) => [id, { id, itt: [], triggered: [], hist: { itt: [], triggered: [] }, breakdown: [] }]));
  // each campaign's rows shard after shard, in each shard's order
  const add = (text: string, names: readonly string[], into: (c: CampaignRows) => unknown[]) => {
    for (const [id, rows] of unpackGrouped(text, names)) {
      const c = out.get(id);
      if (c) into(c).push(...rows);
    }
  };
  for (const part of parts) {
    add(part.itt, rowColumns, (c) => c.itt);
    add(part.triggered, shape?.exposed && !shape.analyses.includes('triggered') ? rollupRowColumns() : rowColumns, (c) => c.triggered);
    add(part.hist.itt, HISTOGRAM_ROW_COLUMNS, (c) => c.hist.itt);
    add(part.hist.triggered, HISTOGRAM_ROW_COLUMNS, (c) => c.hist.triggered);
    add(part.breakdown, rollupRowColumns(HEADLINE_FIELDS), (c) => c.breakdown);
  }
  return out;
}

export interface OverviewRows {
  days: DayRow[];
  /** Recent hours (today and yesterday), `day` holding the hour YYYY-MM-DDTHH. */
  hours: DayRow[];
  visitors: number;
  items: { item_id: string; views: number; purchases: number; revenue: number }[];
  segments: { name: string; visitors: number }[];
  lifecycle: { stage: string; visitors: number }[];
}

function addRow(into: Map<string, DayRow>, d: DayRow) {
  const row = into.get(d.day);
  if (!row) into.set(d.day, { ...d });
  else for (const k of Object.keys(d) as (keyof DayRow)[]) if (k !== 'day') (row[k] as number) += d[k] as number;
}

/** The overview's rollups from every shard, summed; the recent hours only `withHours`. */
export async function overviewRows(env: Env, site: Site, from: string, to: string, withHours = true): Promise<OverviewRows> {
  const packed = await Promise.all(shards(env, site).map((s) => s.overviewRollups(from, to, withHours)));
  const parts = packed.map((p) => ({
    visitors: p.visitors,
    days: unpackRows<DayRow>(p.days, DAY_ROW_COLUMNS),
    hours: unpackRows<Omit<DayRow, 'day'> & { hour: string }>(p.hours, HOUR_ROW_COLUMNS),
    items: unpackRows<{ item_id: string; views: number; purchases: number; revenue: number }>(p.items, ITEM_ROW_COLUMNS),
    mix: unpackRows<{ stage: string; segment: string; visitors: number }>(p.mix, PROFILE_MIX_COLUMNS),
  }));
  const days = new Map<string, DayRow>();
  const hours = new Map<string, DayRow>();
  const items = new Map<string, { item_id: string; views: number; purchases: number; revenue: number }>();
  const segments = new Map<string, number>();
  const lifecycle = new Map<string, number>();
  let visitors = 0;
  for (const p of parts) {
    visitors += p.visitors;
    for (const d of p.days) addRow(days, d);
    for (const { hour, ...h } of p.hours) addRow(hours, { ...h, day: hour });
    for (const it of p.items) {
      const into = items.get(it.item_id) ?? { item_id: it.item_id, views: 0, purchases: 0, revenue: 0 };
      into.views += it.views;
      into.purchases += it.purchases;
      into.revenue += it.revenue;
      items.set(it.item_id, into);
    }
    for (const m of p.mix) {
      segments.set(m.segment, (segments.get(m.segment) ?? 0) + m.visitors);
      lifecycle.set(m.stage, (lifecycle.get(m.stage) ?? 0) + m.visitors);
    }
  }
  return {
    days: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)),
    hours: [...hours.values()].sort((a, b) => a.day.localeCompare(b.day)),
    visitors,
    items: [...items.values()].sort((a, b) => b.revenue - a.revenue || b.views - a.views),
    segments: [...segments].map(([name, n]) => ({ name, visitors: n })).sort((a, b) => b.visitors - a.visitors || a.name.localeCompare(b.name)),
    lifecycle: [...lifecycle].map(([stage, n]) => ({ stage, visitors: n })).sort((a, b) => b.visitors - a.visitors || a.stage.localeCompare(b.stage)),
  };
}

/** One attribution model's credits from every shard, summed per day and campaign. */
export async function attributionRowsOf(env: Env, site: Site, model: AttributionModel, from: string, to: string): Promise<AttributionRow[]> {
  const parts = await Promise.all(shards(env, site).map((s) => s.attributionRollups(model, from, to)));
  const sums = new Map<string, AttributionRow>();
  for (const part of parts) {
    for (const r of unpackRows<AttributionRow>(part, ATTRIBUTION_ROW_COLUMNS)) {
      const key = `${r.day}\u0000${r.campaign_id}`;
      const into = sums.get(key);
      if (into) (into.purchases += r.purchases), (into.revenue += r.revenue);
      else sums.set(key, { ...r });
    }
  }
  return [...sums.values()];
}

// The attribution report: per campaign, the purchases and revenue credited under one model, in
// total and by purchase day. Money leaves the rollups' cents only here; purchases leave their
// units (exact for splits among up to 16 campaigns) rounded to 6 decimals.
import { PURCHASE_UNITS, type AttributionModel } from './attribution';
import type { AttributionRow } from './attribution-rollups';

const purchases = (units: number) => Math.round((units / PURCHASE_UNITS) * 1e6) / 1e6;
const money = (cents: number) => Math.round(cents) / 100;

export interface AttributionCampaign {
  id: string;
  name: string | null;
  purchases: number;
  revenue: number;
  daily: { day: string; purchases: number; revenue: number }[];
}

export function attributionReport(rows: readonly AttributionRow[], names: ReadonlyMap<string, string>, model: AttributionModel, range: { from: string; to: string }) {
  const byCampaign = new Map<string, { units: number; cents: number; days: AttributionRow[] }>();
  for (const r of rows) {
    const into = byCampaign.get(r.campaign_id) ?? { units: 0, cents: 0, days: [] };
    into.units += r.purchases;
    into.cents += r.revenue;
    into.days.push(r);
    byCampaign.set(r.campaign_id, into);
  }
  const campaigns: AttributionCampaign[] = [...byCampaign].map(([id, c]) => ({
    id,
    name: names.get(id) ?? null,
    purchases: purchases(c.units),
    revenue: money(c.cents),
    daily: c.days.sort((a, b) => a.day.localeCompare(b.day)).map((d) => ({ day: d.day, purchases: purchases(d.purchases), revenue: money(d.revenue) })),
  }));
  campaigns.sort((a, b) => b.revenue - a.revenue || b.purchases - a.purchases || a.id.localeCompare(b.id));
  const totalUnits = rows.reduce((n, r) => n + r.purchases, 0);
  const totalCents = rows.reduce((n, r) => n + r.revenue, 0);
  return { ...range, model, totals: { purchases: purchases(totalUnits), revenue: money(totalCents) }, campaigns };
}

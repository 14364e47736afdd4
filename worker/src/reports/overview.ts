// The shop overview: visitors, sessions, engaged time, conversion and revenue, in total and by
// day; the segment and lifecycle mix; the top products. People only; bots are counted apart.
import type { CatalogItem } from '../catalog';
import type { OverviewRows } from './gather';

const money = (cents: number) => Math.round(cents) / 100;
const rate = (a: number, b: number) => (b > 0 ? a / b : null);

export function overviewReport(rows: OverviewRows, catalog: ReadonlyMap<string, CatalogItem>, range: { from: string; to: string }) {
  const sum = (k: 'sessions' | 'engaged_ms' | 'orders' | 'revenue' | 'converting_sessions' | 'bot_sessions' | 'bot_events') => rows.days.reduce((n, d) => n + d[k], 0);
  const sessions = sum('sessions');
  return {
    ...range,
    totals: {
      visitors: rows.visitors,
      sessions,
      engaged_ms: sum('engaged_ms'),
      orders: sum('orders'),
      revenue: money(sum('revenue')),
      conversion_rate: rate(sum('converting_sessions'), sessions),
    },
    daily: rows.days.map((d) => ({
      day: d.day, visitors: d.visitors, sessions: d.sessions, engaged_ms: d.engaged_ms, orders: d.orders,
      revenue: money(d.revenue), conversion_rate: rate(d.converting_sessions, d.sessions),
    })),
    segments: rows.segments,
    lifecycle: rows.lifecycle,
    top_products: rows.items.slice(0, 20).map((it) => ({ item_id: it.item_id, name: catalog.get(it.item_id)?.name ?? null, views: it.views, purchases: it.purchases, revenue: money(it.revenue) })),
    bots: { sessions: sum('bot_sessions'), events: sum('bot_events') },
  };
}

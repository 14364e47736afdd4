// The shop overview: visitors, sessions, engaged time, conversion and revenue, in total and by
// day; the segment and lifecycle mix; the top products. People only; bots are counted apart.
import type { CatalogItem } from '../catalog';
import type { OverviewRows } from './gather';
import { HOURLY_KEEP_MS, type DayRow } from './site-rollups';

const money = (cents: number) => Math.round(cents) / 100;
const rate = (a: number, b: number) => (b > 0 ? a / b : null);

const counts = (d: DayRow) => ({
  visitors: d.visitors, sessions: d.sessions, engaged_ms: d.engaged_ms, orders: d.orders,
  revenue: money(d.revenue), conversion_rate: rate(d.converting_sessions, d.sessions),
});

/**
 * The hours of `day` (UTC; today's by default) so far, each hour's counts; an hour without
 * events reads zero. Hourly rollups exist for the last two days only.
 */
export function hourlyReport(rows: OverviewRows, day: string, now: number) {
  if (Date.parse(day) + 86_400_000 <= now - HOURLY_KEEP_MS) return []; // no hours kept that far back
  const byHour = new Map(rows.hours.map((h) => [h.day, h]));
  const today = new Date(now).toISOString().slice(0, 10);
  const last = day < today ? 23 : day === today ? new Date(now).getUTCHours() : -1;
  return Array.from({ length: last + 1 }, (_, h) => {
    const hour = `${day}T${String(h).padStart(2, '0')}`;
    const row = byHour.get(hour);
    return { hour: `${hour}:00`, ...counts(row ?? { day: hour, visitors: 0, sessions: 0, engaged_ms: 0, orders: 0, revenue: 0, converting_sessions: 0, bot_sessions: 0, bot_events: 0 }) };
  });
}

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
    daily: rows.days.map((d) => ({ day: d.day, ...counts(d) })),
    segments: rows.segments,
    lifecycle: rows.lifecycle,
    top_products: rows.items.slice(0, 20).map((it) => ({ item_id: it.item_id, name: catalog.get(it.item_id)?.name ?? null, views: it.views, purchases: it.purchases, revenue: money(it.revenue) })),
    bots: { sessions: sum('bot_sessions'), events: sum('bot_events') },
  };
}

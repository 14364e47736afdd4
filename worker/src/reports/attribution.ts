// Attribution: which campaigns a purchase followed. Descriptive only; it never feeds the uplift
// statistics (those compare arms, outcomes.ts). A touch is a viewable impression or a click of a
// campaign the visitor was shown (a holdout visitor saw the default content: no touch), within
// the campaign's lookback window before the purchase. Credit is exact: a purchase is
// PURCHASE_UNITS units and its revenue whole cents, and a linear split hands out the remainder
// by largest remainder, so the credits of one purchase always sum to the purchase.
import type { OutcomeEvent } from './outcomes';

export type AttributionModel = 'last' | 'first' | 'linear';
export const ATTRIBUTION_MODELS: readonly AttributionModel[] = ['last', 'first', 'linear'];

/** One purchase in units: 720,720 = lcm(1 … 16), so splits among up to 16 campaigns are exact. */
export const PURCHASE_UNITS = 720_720;

const TOUCHES = new Set(['view_promotion', 'view_item_list', 'select_promotion', 'select_item']);

export interface Touch {
  campaignId: string;
  ts: number;
}

/** `total` split into `k` whole parts as evenly as possible; the first `total mod k` get one more. */
export function splitEvenly(total: number, k: number): number[] {
  const base = Math.floor(total / k);
  const rest = total - base * k;
  return Array.from({ length: k }, (_, i) => base + (i < rest ? 1 : 0));
}

/**
 * Each campaign's share of one purchase, as [campaign, units, cents]. `touches`: the purchase's
 * touches inside their lookback windows, sorted by time. Linear splits evenly among the distinct
 * campaigns, in the order they first touched the purchase (that order breaks remainders).
 */
export function creditPurchase(touches: readonly Touch[], cents: number, model: AttributionModel): [string, number, number][] {
  if (!touches.length) return [];
  if (model === 'last') return [[touches[touches.length - 1].campaignId, PURCHASE_UNITS, cents]];
  if (model === 'first') return [[touches[0].campaignId, PURCHASE_UNITS, cents]];
  const campaigns = [...new Set(touches.map((t) => t.campaignId))];
  const units = splitEvenly(PURCHASE_UNITS, campaigns.length);
  const money = splitEvenly(cents, campaigns.length);
  return campaigns.map((c, i) => [c, units[i], money[i]]);
}

const centsOf = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value * 100) : 0);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** One credit row: model, campaign, purchase day, units, cents. */
export type Credit = [AttributionModel, string, string, number, number];

/**
 * Every credit of one visitor's purchases. `events` sorted by time; `arms`: the visitor's arm per
 * campaign (touches count only for assigned, non-holdout arms, so a page cannot invent
 * campaigns); `lookbackMs(campaign)`: how long before a purchase a touch of it counts.
 * A purchase resent under a new event id with the same transaction id counts once.
 */
export function visitorCredits(events: readonly OutcomeEvent[], arms: ReadonlyMap<string, string>, lookbackMs: (campaignId: string) => number): Credit[] {
  const sums = new Map<string, Credit>();
  const touches: Touch[] = [];
  for (const e of events) {
    const id = e.props.campaign_id;
    const arm = TOUCHES.has(e.name) && typeof id === 'string' ? arms.get(id) : undefined;
    if (arm !== undefined && arm !== 'holdout') touches.push({ campaignId: id as string, ts: e.ts });
  }
  touches.sort((a, b) => a.ts - b.ts || (a.campaignId < b.campaignId ? -1 : a.campaignId > b.campaignId ? 1 : 0));
  const transactions = new Set<string>();
  for (const e of events) {
    if (e.name !== 'purchase') continue;
    const transaction = typeof e.props.transaction_id === 'string' ? e.props.transaction_id : '';
    if (transaction && transactions.has(transaction)) continue;
    transactions.add(transaction);
    const inWindow = touches.filter((t) => t.ts <= e.ts && t.ts >= e.ts - lookbackMs(t.campaignId));
    const day = isoDay(e.ts);
    for (const model of ATTRIBUTION_MODELS) {
      for (const [campaign, units, cents] of creditPurchase(inWindow, centsOf(e.props.value), model)) {
        const key = `${model}\u0000${campaign}\u0000${day}`;
        const into = sums.get(key);
        if (into) (into[3] += units), (into[4] += cents);
        else sums.set(key, [model, campaign, day, units, cents]);
      }
    }
  }
  return [...sums.values()].sort((a, b) => (a.join('\u0000') < b.join('\u0000') ? -1 : 1));
}

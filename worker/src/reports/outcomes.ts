// A visitor's outcome in a campaign: what they did from their entry (assignment for
// intent-to-treat, first viewable impression for the triggered analysis) to the end of the
// campaign's window, and the pre-entry covariate for CUPED. Computed afresh from the visitor's
// stored events whenever they change, so late, out-of-order and duplicate events all end in the
// same numbers (duplicates are never stored twice in the first place).

/** The fields of a stored event this needs. */
export interface OutcomeEvent {
  name: string;
  ts: number;
  props: Record<string, unknown>;
}

/**
 * The per-visitor values whose sums (and sums of squares and products) the rollups keep.
 * Money in minor units (cents), so sums are exact.
 */
export const STAT_FIELDS = [
  'n', // 1 per visitor
  'conv', // converted (0/1); conv² = conv
  'rev', 'rev2', // revenue in the window, cents
  'orders', 'orders2', 'rev_orders',
  'impressions', 'impressions2', 'clicks', 'clicks2', 'clicks_impressions',
  'carted', 'checkout', 'viewed', // reached the funnel step (0/1)
  'xrev', 'xrev2', 'xrev_rev', // pre-entry revenue (CUPED covariate of revenue), and its product with revenue
  'xconv', 'xconv_conv', // pre-entry conversion (0/1), and its product with conversion
] as const;
export type StatField = (typeof STAT_FIELDS)[number];
export type Stats = Record<StatField, number>;

export const PRE_PERIOD_MS = 28 * 86_400_000;

const cents = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value * 100) : 0);

/**
 * A visitor's revenue counts at most this many cents in a campaign's sums (2^26: 671,088.64 in
 * the shop's currency), before the entry and after it. Its square, which the rollups sum, is then
 * at most 2^52, an exact double: a row's sums stay exact while it holds one such visitor, and with
 * more they round by a few units in 10^16, whatever comes and goes. Without it one order of the
 * largest amount a page may claim (MAX_AMOUNT) squares to 1e22 cents², and every other
 * visitor's squares sharing its rollup rows are lost to rounding for good. The report winsorizes
 * revenue per visitor far below this (at its 99th percentile).
 */
export const MAX_VISITOR_CENTS = 2 ** 26;

/**
 * The visitor's contribution. `entry` and `windowMs` bound the outcome; events of the
 * `PRE_PERIOD_MS` before entry make the covariate.
 */
export function visitorOutcome(events: readonly OutcomeEvent[], campaignId: string, entry: number, windowMs: number): Stats {
  let conv = 0, rev = 0, orders = 0, impressions = 0, clicks = 0, carted = 0, checkout = 0, viewed = 0, xrev = 0, xconv = 0;
  const transactions = new Set<string>();
  for (const e of events) {
    if (e.ts >= entry - PRE_PERIOD_MS && e.ts < entry) {
      if (e.name === 'purchase') (xconv = 1), (xrev += cents(e.props.value));
      continue;
    }
    if (e.ts < entry || e.ts >= entry + windowMs) continue;
    switch (e.name) {
      case 'purchase': {
        // A resent order (same transaction id under a new event id) counts once.
        const id = typeof e.props.transaction_id === 'string' ? e.props.transaction_id : '';
        if (id && transactions.has(id)) break;
        transactions.add(id);
        conv = 1;
        orders++;
        rev += cents(e.props.value);
        break;
      }
      case 'add_to_cart':
        carted = 1;
        break;
      case 'begin_checkout':
        checkout = 1;
        break;
      case 'view_item':
        viewed = 1;
        break;
      case 'view_promotion':
      case 'view_item_list':
        if (e.props.campaign_id === campaignId) impressions++;
        break;
      case 'select_promotion':
      case 'select_item':
        if (e.props.campaign_id === campaignId) clicks++;
        break;
    }
  }
  rev = Math.min(rev, MAX_VISITOR_CENTS);
  xrev = Math.min(xrev, MAX_VISITOR_CENTS);
  return {
    n: 1, conv, rev, rev2: rev * rev, orders, orders2: orders * orders, rev_orders: rev * orders,
    impressions, impressions2: impressions * impressions, clicks, clicks2: clicks * clicks, clicks_impressions: clicks * impressions,
    carted, checkout, viewed, xrev, xrev2: xrev * xrev, xrev_rev: xrev * rev, xconv, xconv_conv: xconv * conv,
  };
}

export const zeroStats = (): Stats => Object.fromEntries(STAT_FIELDS.map((f) => [f, 0])) as Stats;

/** a + sign·b, field by field. */
export function addStats(a: Stats, b: Stats, sign = 1): Stats {
  const out = zeroStats();
  for (const f of STAT_FIELDS) out[f] = a[f] + sign * b[f];
  return out;
}

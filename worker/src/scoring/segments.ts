// Visitor segments: k-means on standardized lifetime features with k chosen by silhouette,
// fuzzy c-means (m = 2) memberships, each segment described in words from its centre;
// and the RFM quintile cut points of the shop's buyers.
import { fuzzyCMeans, kMeansBySilhouette } from '../ml/clustering';
import { allFinite, clipRow, fitClip, isFiniteRow, type Clip } from '../ml/robust';
import { fitScaler, scale, type Scaler } from '../ml/scaler';
import type { Profile } from './session-state';

export const SEGMENT_FEATURES = [
  'visits', 'purchases', 'log_revenue', 'page_views_per_visit', 'product_views_per_visit', 'engaged_min_per_visit',
  'cart_adds_per_visit', 'searches_per_visit', 'campaign_share', 'days_since_last_seen',
] as const;

export function segmentFeatures(p: Profile, now: number): number[] {
  const visits = Math.max(1, p.visits);
  return [
    p.visits,
    p.purchases,
    Math.log1p(p.revenue),
    p.pageViews / visits,
    p.productViews / visits,
    p.engagedMs / 60_000 / visits,
    p.cartAdds / visits,
    p.searches / visits,
    p.campaignVisits / visits,
    (now - p.lastSeen) / 86_400_000,
  ];
}

export interface SegmentModel {
  /** The feature range of the shop's visitors; features are clipped into it first. */
  clip?: Clip;
  scaler: Scaler;
  /** k-means centres, standardized. */
  centroids: number[][];
  /** Fuzzy c-means centres, standardized, in the order of `centroids`. */
  fuzzyCentroids: number[][];
  names: string[];
  silhouette: number;
  /** RFM quintile cut points among buyers (4 each): days since last purchase, purchases, revenue. */
  rfm: { recencyDays: number[]; frequency: number[]; monetary: number[] } | null;
}

/** Words for a segment from its centre (original units) against the shop's average visitor. */
export function describeSegment(centre: number[], average: number[]): string {
  const f = (name: (typeof SEGMENT_FEATURES)[number]) => centre[SEGMENT_FEATURES.indexOf(name)];
  const above = (name: (typeof SEGMENT_FEATURES)[number], factor = 1.3) => f(name) > average[SEGMENT_FEATURES.indexOf(name)] * factor + 1e-9;
  if (f('purchases') >= 2 || (f('purchases') >= 1 && above('visits'))) return 'loyal buyers';
  if (f('purchases') >= 0.5) return 'recent buyers';
  if (f('days_since_last_seen') > 30) return 'lapsed visitors';
  if (above('cart_adds_per_visit', 1.5) && f('cart_adds_per_visit') >= 0.5) return 'cart abandoners';
  if (above('campaign_share', 1.5) && f('campaign_share') >= 0.5) return 'deal seekers';
  if (f('page_views_per_visit') <= 1.5 && !above('engaged_min_per_visit', 1)) return 'one-page bouncers';
  if (above('searches_per_visit', 1.5) && f('searches_per_visit') >= 0.5) return 'searchers';
  if (above('product_views_per_visit') && above('engaged_min_per_visit')) return 'high-intent researchers';
  return 'casual browsers';
}

const quintileCuts = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return [1, 2, 3, 4].map((q) => s[Math.min(s.length - 1, Math.floor((q * s.length) / 5))]);
};

/**
 * Trains segments on visitors' feature rows; null when there are too few visitors to cluster.
 * Rows with a non-finite feature are left out and every feature is clipped to the range of
 * most visitors, so one extreme visitor cannot move the shop's segments.
 */
export function trainSegments(input: number[][], buyerInput: { days: number; purchases: number; revenue: number }[], { min = 3, max = 8, sample = 1_500 } = {}): SegmentModel | null {
  const finite = input.filter(isFiniteRow);
  if (finite.length < Math.max(20, min + 1)) return null;
  const clip = fitClip(finite);
  const rows = finite.map((r) => clipRow(clip, r));
  const buyers = buyerInput.filter((b) => isFiniteRow([b.days, b.purchases, b.revenue]));
  const scaler = fitScaler(rows);
  const step = Math.max(1, Math.ceil(rows.length / sample)); // silhouette is quadratic: cluster a sample
  const X = rows.filter((_, i) => i % step === 0).map((r) => scale(scaler, r));
  const best = kMeansBySilhouette(X, { min, max });
  if (!best) return null;
  const fuzzy = fuzzyCMeans(X, best.k, { m: 2, tolerance: 1e-6, iterations: 300 });
  // pair each k-means centre with its nearest fuzzy centre
  const d2 = (a: number[], b: number[]) => a.reduce((s, v, j) => s + (v - b[j]) ** 2, 0);
  const fuzzyCentroids = best.centroids.map((c) => fuzzy.centroids.reduce((p, q) => (d2(c, q) < d2(c, p) ? q : p)));
  const unscale = (c: number[]) => c.map((v, j) => v * scaler.scale[j] + scaler.mean[j]);
  const names: string[] = [];
  for (const c of best.centroids) {
    const base = describeSegment(unscale(c), scaler.mean);
    let name = base;
    for (let n = 2; names.includes(name); n++) name = `${base} ${n}`;
    names.push(name);
  }
  const model: SegmentModel = {
    clip,
    scaler,
    centroids: best.centroids,
    fuzzyCentroids,
    names,
    silhouette: best.silhouette,
    rfm: buyers.length >= 5
      ? { recencyDays: quintileCuts(buyers.map((b) => b.days)), frequency: quintileCuts(buyers.map((b) => b.purchases)), monetary: quintileCuts(buyers.map((b) => b.revenue)) }
      : null,
  };
  return allFinite(model) ? model : null;
}

export interface SegmentAssignment {
  segment: string;
  memberships: Record<string, number>;
}

/** The nearest segment, and fuzzy memberships (m = 2) that sum to 1. */
export function assignSegment(m: SegmentModel, features: number[]): SegmentAssignment {
  const x = scale(m.scaler, clipRow(m.clip, features));
  const dist = (c: number[]) => Math.sqrt(c.reduce((s, v, j) => s + (v - x[j]) ** 2, 0));
  const d = m.centroids.map(dist);
  const nearest = d.indexOf(Math.min(...d));
  const fd = m.fuzzyCentroids.map(dist);
  const zero = fd.findIndex((v) => v < 1e-12);
  const u = fd.map((dk, k) => (zero >= 0 ? (k === zero ? 1 : 0) : 1 / fd.reduce((s, dj) => s + (dk / dj) ** 2, 0)));
  return { segment: m.names[nearest], memberships: Object.fromEntries(m.names.map((name, k) => [name, +u[k].toFixed(4)])) };
}

/** RFM scores 1–5 from the shop's quintile cuts (5: most recent, most frequent, highest spend). */
export function rfmScore(m: SegmentModel, p: Profile, now: number): { r: number; f: number; m: number } | null {
  if (!m.rfm || !p.purchases) return null;
  const bucket = (cuts: number[], v: number) => 1 + cuts.filter((c) => v > c).length;
  return {
    r: 6 - bucket(m.rfm.recencyDays, (now - p.lastPurchase) / 86_400_000),
    f: bucket(m.rfm.frequency, p.purchases),
    m: bucket(m.rfm.monetary, p.revenue),
  };
}

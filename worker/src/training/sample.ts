// Bounded, stratified training samples: whatever a shop's size, each shard hands over at most a
// fixed number of rows per class, so one retraining step's memory and CPU stay bounded. The
// shard also counts each class, so the trainer knows each class's sampling rate and can undo the
// rate difference in the model's calibrated score (purchasers are kept at a higher rate than the others).
import { shuffled } from '../ml/random';

/** Site-wide caps of one training sample; each shard returns its share (`perShard`). */
export const SAMPLE_CAPS = {
  /**
   * Finished sessions with a purchase, and without one (the intent step). The others are up to
   * four bagged members' shares of 16,000 (training/intent.ts BAG); a sample with at most one
   * share trains in one invocation on at most INTENT_ROWS rows of it.
   */
  purchases: 6_000,
  others: 64_000,
  /** Visitors whose features are clustered, and buyers whose RFM cuts are taken (the segments step). */
  visitors: 20_000,
  buyers: 20_000,
};
/**
 * The one-invocation intent model trains on at most this many rows of the sample (stratified): the calibrated
 * recipe fits about five tree ensembles, and this keeps them within one invocation's CPU.
 */
export const INTENT_ROWS = 20_000;

export type SampleCaps = typeof SAMPLE_CAPS;

const FINISHED = 'bot = 0 AND (purchased = 1 OR last < ?1)';
const BOUGHT = "coalesce(json_extract(state, '$.purchases'), 0) > 0";
/**
 * The shard's sampling queries (VisitorShard.trainingData; `npm run bench:train-scale` runs the
 * same): the most recent finished human sessions per class, and visitors in id order (ids are
 * random, so that is a fair sample). ?1 is the time before which an open session counts as finished.
 * Both classes are taken from one period (`sharedWindow`), and counted in it.
 */
export const SAMPLE_SQL = {
  sessionCounts: `SELECT purchased, count(*) AS n FROM sessions WHERE ${FINISHED} AND last >= ?2 GROUP BY purchased`,
  sessions: `SELECT state, visitor_id, last FROM sessions WHERE ${FINISHED} AND purchased = ?2 ORDER BY last DESC LIMIT ?3`,
  /** The `last` of a class's cap-th most recent session (none when it has fewer). */
  reach: `SELECT last FROM sessions WHERE ${FINISHED} AND purchased = ?2 ORDER BY last DESC LIMIT 1 OFFSET ?3 - 1`,
  /** A class drawn at random from the period since ?4. */
  spread: `SELECT state, visitor_id, last FROM sessions WHERE ${FINISHED} AND purchased = ?2 AND last >= ?4 ORDER BY random() LIMIT ?3`,
  visitorCounts: `SELECT count(*) AS n, sum(${BOUGHT}) AS b FROM profiles`,
  visitors: 'SELECT state FROM profiles ORDER BY visitor_id LIMIT ?1',
  buyers: `SELECT state FROM profiles WHERE ${BOUGHT} ORDER BY visitor_id LIMIT ?1`,
};

/**
 * The period the sample covers, and how each class is drawn from it. The most recent sessions of
 * each class reach back different lengths of time (purchases are rarer, so a full sample of them
 * reaches further back), and a model trained on such a sample would learn the older period's
 * differences as signs of buying. So the period is the longest any class's most recent `cap`
 * sessions cover (`reach`: the oldest of them, 0 when a class is under its cap, i.e. all time);
 * a class that has more sessions than its cap in that period is drawn at random from all of it
 * (`SAMPLE_SQL.spread`), the others keep their most recent ones, which are all they have in it.
 * Both are counted in the period (`sessionCounts` ?2), so the prior shift stays right.
 */
export function sharedWindow(classes: { reach: number }[]): { since: number; spread: boolean[] } {
  const since = Math.min(...classes.map((c) => c.reach));
  return { since, spread: classes.map((c) => c.reach > since) };
}

/**
 * A shard's finished sessions for the intent step, both classes from one period
 * (`sharedWindow`), with each class's count in that period (VisitorShard.trainingData; `npm run
 * bench:train-scale` runs the same). `row` turns a stored session into its training row.
 */
export function sampleSessions(
  sql: SqlStorage,
  idleBefore: number,
  caps: Pick<SampleCaps, 'purchases' | 'others'>,
  row: (stored: { state: string; visitor_id: string }) => Pick<SessionRow, 'x' | 'start' | 'items'>,
): { sessions: SessionRow[]; counts: Pick<Population, 'purchases' | 'others'> } {
  const counts = { purchases: 0, others: 0 };
  const sessions: SessionRow[] = [];
  const classes = ([[1, caps.purchases], [0, caps.others]] as const).map(([purchased, cap]) => ({
    purchased, cap, reach: cap > 0 ? (sql.exec<{ last: number }>(SAMPLE_SQL.reach, idleBefore, purchased, cap).toArray()[0]?.last ?? 0) : Infinity,
  }));
  const { since, spread } = sharedWindow(classes);
  for (const r of sql.exec<{ purchased: number; n: number }>(SAMPLE_SQL.sessionCounts, idleBefore, since)) counts[r.purchased ? 'purchases' : 'others'] += r.n;
  classes.forEach(({ purchased, cap }, k) => {
    if (cap <= 0) return;
    const rows = spread[k]
      ? sql.exec<{ state: string; visitor_id: string; last: number }>(SAMPLE_SQL.spread, idleBefore, purchased, cap, since)
      : sql.exec<{ state: string; visitor_id: string; last: number }>(SAMPLE_SQL.sessions, idleBefore, purchased, cap);
    for (const r of rows) sessions.push({ ...row(r), y: purchased, last: r.last });
  });
  return { sessions, counts };
}

/** A shard's share of a site-wide cap (rounded up, at least 1). */
export function perShard(caps: SampleCaps, shards: number): SampleCaps {
  const share = (n: number) => Math.max(1, Math.ceil(n / Math.max(1, shards)));
  return { purchases: share(caps.purchases), others: share(caps.others), visitors: share(caps.visitors), buyers: share(caps.buyers) };
}

export interface SessionRow {
  x: number[];
  y: number;
  /** When the session started and ended. */
  start: number;
  last: number;
  /** The keys of the items it viewed before any purchase (scoring/item-rates.ts). */
  items: number[];
}
export interface VisitorRow {
  x: number[];
  purchases: number;
  revenue: number;
  days: number;
}
/** How many of each class the shard holds, beside how many it returned. */
export interface Population {
  purchases: number;
  others: number;
  visitors: number;
  buyers: number;
}

/** What one shard returns: the part asked for, and its counts. */
export interface ShardSample {
  sessions: SessionRow[];
  visitors: VisitorRow[];
  buyers: VisitorRow[];
  population: Population;
}

/** Every shard's sample as one. */
export function mergeSamples(parts: ShardSample[]): ShardSample {
  const population: Population = { purchases: 0, others: 0, visitors: 0, buyers: 0 };
  for (const p of parts) for (const k of Object.keys(population) as (keyof Population)[]) population[k] += p.population[k];
  return { sessions: parts.flatMap((p) => p.sessions), visitors: parts.flatMap((p) => p.visitors), buyers: parts.flatMap((p) => p.buyers), population };
}

/** Finished sessions with a purchase and without one: of a sample, or of the shop it was drawn from. */
export interface ClassCounts {
  purchases: number;
  others: number;
}

/**
 * The log-odds to add to a model trained on the sample so it predicts the shop's real purchase
 * rate: the odds of the whole are the sample's odds times (others' rate) / (purchasers' rate).
 */
export function priorShift(sampled: ClassCounts, population: ClassCounts): number {
  if (!sampled.purchases || !sampled.others || population.purchases < sampled.purchases || population.others < sampled.others) return 0;
  return Math.log(sampled.others / population.others) - Math.log(sampled.purchases / population.purchases);
}

/** At most `n` row indices, drawn per class in proportion (a class keeps at least `minPerClass` rows when it has them). */
export function stratifiedSubset(y: readonly number[], n: number, random: () => number, minPerClass = 50): number[] {
  if (y.length <= n) return y.map((_, i) => i);
  const byClass = [0, 1].map((c) => y.map((v, i) => (v === c ? i : -1)).filter((i) => i >= 0));
  const positives = Math.min(byClass[1].length, Math.max(minPerClass, Math.round((n * byClass[1].length) / y.length)));
  const take = [n - positives, positives];
  return byClass.flatMap((rows, c) => shuffled(rows, random).slice(0, take[c])).sort((a, b) => a - b);
}

// Training the purchase-intent model from the shards' sample, in one invocation or several.
// - A shop whose sample holds at most one member's worth of sessions without a purchase
//   ("others") trains in one invocation: `trainIntent`, the calibrated recipe on at most
//   INTENT_ROWS stratified rows, each weighted by its recency as in the run below, its
//   calibrator fitted on out-of-fold predictions.
// - A larger sample trains as a run of parts, one per invocation (the queue sends the next part;
//   a run store, R2 in the worker, keeps the sample and the members in between): part 0 sets a
//   fifth of each class aside to calibrate on (from its older half when the sessions' times are
//   known: the newest sessions train every member) and deals the others outside it into
//   disjoint shares, twice over (`planIntentRun`, `BAG.deals`); part k trains member k on every
//   purchase outside the calibration set and its share of the others, each session weighted by its recency, boosting
//   until the calibration set's log loss stops improving (`trainIntentMember`); the last part averages the members' logits and fits the
//   calibrator on the set aside (`finishIntentRun`). Bagging over shares lets the model learn
//   from up to BAG.maxMembers × 16,000 others while each invocation trains on one share: on
//   YooChoose's validation period it ranked better than the one-invocation recipe on a fifth of
//   the rows (docs/evaluation.md). A part that fails is retried with the same sample; the served
//   model changes only when the last part saves, so the last good model serves until then.
import { fitIsotonic, fitPlattCalibrator, shiftCalibrator, type Calibrator } from '../ml/calibration';
import { ensembleProbability, fitCalibratedIntent, SERVED_RECIPE, type CalibratedIntentModel, type IntentRecipe } from '../ml/calibrated-intent';
import { stratifiedFolds } from '../ml/folds';
import { logisticObjective, rowWeightsOf, trainGbdt, type GbdtModel, type GbdtOptions } from '../ml/gbdt';
import type { CvScore } from '../ml/intent-model';
import { averagePrecision, rocAuc } from '../ml/metrics';
import { seededRandom, shuffled } from '../ml/random';
import { allFinite, clipRow, fitClip, fitClipFlat, isFiniteRow, type Clip } from '../ml/robust';
import { NO_ITEMS_RATES, prequentialItemRates, RATE_COLUMNS, rateRow, UNKNOWN_ITEMS_RATES, type ItemRates } from '../scoring/item-rates';
import { INTENT_ROWS, priorShift, stratifiedSubset, type ClassCounts, type SessionRow } from './sample';

/** Below these, the documented prior model keeps serving. */
export const MIN_TRAINING_SESSIONS = 100;
export const MIN_TRAINING_PURCHASES = 10;
/** Cross-validation needs at least this many rows of each class (one per fold at least). */
const MIN_FOLDS = 2;
/**
 * Rows × boosting rounds of one tree ensemble at most: what bounds a training's CPU whatever the
 * data. Up to 10,000 rows a shop boosts up to 400 rounds; beyond, fewer rounds at a higher rate.
 */
export const ROW_ROUNDS = 4_000_000;

/**
 * What a shop trains in one invocation: the served recipe (SERVED_RECIPE, what bench:intent measures) with its
 * calibrator fitted on 3 folds' out-of-fold predictions instead of 5, and at most 400 rounds
 * (fewer above 10,000 rows: rows × rounds ≤ ROW_ROUNDS, the rate raised as the rounds are cut,
 * so rate × rounds stays 20, and the calibrator fitted on 2 folds: each half still holds
 * thousands of rows, and it saves one ensemble), so that with INTENT_ROWS rows one invocation stays well within
 * 10 s of CPU whatever the data (npm run bench:train-scale). On YooChoose's validation period
 * (3 sample seeds), 20,000 rows at rate 0.1 reached AUC 0.7431 / AP 0.1790 against 0.7453 /
 * 0.1781 at 0.05, for half the CPU: 0.05 took about 11 s there, over the limit; 2 calibration
 * folds instead of 3 left AUC and AP as they were (ECE 0.0066 against 0.0065) for 30 % less
 * CPU. Leaves of 50 rows suit
 * thousands of sessions; a small shop's trees could not split at all, so below 2,000 rows the
 * fewest rows in a leaf is a 40th of them (at least 5).
 */
export function shopRecipe(rows: number): IntentRecipe {
  const minLeaf = Math.min(SERVED_RECIPE.gbdt.minLeaf ?? 50, Math.max(5, Math.floor(rows / 40)));
  const trees = Math.max(50, Math.min(400, Math.floor(ROW_ROUNDS / Math.max(1, rows))));
  const rate = ((SERVED_RECIPE.gbdt.rate ?? 0.05) * 400) / trees;
  return { ...SERVED_RECIPE, folds: trees < 400 ? 2 : 3, gbdt: { ...SERVED_RECIPE.gbdt, trees, rate, minLeaf } };
}

/**
 * The bagged run's shape. A member trains on at most `othersPerMember` others (and every purchase
 * outside the calibration set): on YooChoose's rows a member took about 2 s of CPU, a third of
 * the one-invocation recipe. Its trees: depth 3, leaves of at least 50 rows, rate 0.1 with early
 * stopping, and 255 histogram bins, which gained over 64 on YooChoose's validation period
 * (bagged: AUC 0.7481 against 0.7454, 3 sample seeds). At most 250 rounds (early stopping chose
 * 40–180 there; the JSON's bound is below, with the deals).
 * A fifth of the sample calibrates. When the sessions' times are known, that fifth is drawn from
 * each class's older half (`calibrationPool`), so that the newer half, the closest to the
 * sessions the model will score, trains every member: on YooChoose's validation period
 * (6 draws) validation AUC 0.7481 against 0.7448 for a fifth drawn from all of it, higher in
 * every draw, AP level (0.1814 against 0.1816) and ECE 0.0032 against 0.0064. The oldest
 * fifth itself scored 0.7475 (AP 0.1787), the newest 0.7270.
 * The members also weight each session by its recency: its weight halves every `halfLife`
 * share of the sample's sessions, counted by end from the newest (0: every session alike), so
 * that a shop's latest behaviour leads the model without the older sessions being dropped.
 * On three periods cut in time from YooChoose's training sessions (`npm run bench:intent-periods`,
 * 3 draws of the members' seeds each) a half-life of 35 % raised the bag's AUC on all 9 runs
 * (means 0.6976 → 0.7044, 0.7201 → 0.7284, 0.7488 → 0.7513) and its AP on 7; shorter half-lives
 * were level within the draws' spread, and 0.35 is the mildest discount among them (docs/evaluation.md,
 * "Recency weights"). The one-invocation recipe of a smaller shop weights its rows alike: on
 * smaller shops cut from the same rows (a quarter to a sixteenth of the sessions) it gained
 * 0.005–0.010 AUC and 0.004–0.007 AP on the means (docs/evaluation.md, "Smaller shops").
 * The discount is never faster than halving every `halfLifeDays` days (`recencyWeights`): over
 * samples of 7–14 days cut from the same rows, the share alone cost up to 0.003 AUC; the milder
 * of the two cost at most 0.001 there, and matched the share where the samples reached back
 * months (docs/evaluation.md, "Samples that span weeks").
 * The others are dealt into shares `deals` times over, each deal shuffled by its own seed, and
 * each share trains a member: with 2 deals, 2 × 4 members, each other in one share of each deal.
 * Averaging more members makes the scores depend less on the draw of the members' row sampling,
 * as a retrain's would (of the top tenth of scores, the share that another draw on the same
 * sessions leaves out: 6.9 % with one deal, 5.0 % with two, on the three periods,
 * `bench:intent-periods -- --agreement`); on the periods' means (6 seeds each) it raised
 * AUC from 0.7275 to 0.7280 and AP from 0.1623 to 0.1636 (8 weekly origins: 0.7434 → 0.7435,
 * 0.1865 → 0.1872); a third deal added 0.0001. A part still trains one member, so an
 * invocation's CPU and memory stay as they were; the run has twice the parts.
 * 8 members of at most 250 trees fit 1 MB: a full depth-3 tree of many-digit thresholds takes
 * about 450 B of JSON (split nodes' values are 0 and leaves keep 8 digits, `trainGbdt`; the test
 * bounds it), and the bodies measured are 213–230 kB (`bench:train-scale`).
 * `seed` is member 0's seed for row sampling (member k's is seed + k).
 * `unknownItems` is the share of a member's sessions that train with their item buy rates read as
 * if the model's table knew none of their items (`withItemsUnknown`): a safeguard against the
 * drift of those rates. On YooChoose they lifted AUC by 0.012–0.015 on every period of the
 * training rows, but at the last weekly origin by 0.0003, and on the test period (read after the
 * choice) a model trained on every row lost AUC with them (0.7818 → 0.7754): new items come in
 * that the table does not know, and what an item sold before says less. A model that always read
 * the rates leaned on them and learned the session's own behaviour less well. With half its
 * sessions' items unknown, each member learns both (3 draws each: periods' AUC 0.7413 → 0.7416
 * and AP 0.1742 → 0.1764, weekly origins 0.7585 / 0.2001 → 0.7591 / 0.2027, the last origin
 * 0.7767 → 0.7829; shares of 0.15, 0.3 and 0.7 and members that never read the rates scored
 * within the draws' spread or below over the weekly origins; docs/evaluation.md, "Item buy rates"). A smaller shop's one
 * invocation does the same (four shops of a quarter of the sessions, three periods each: AUC
 * 0.7247 → 0.7256, AP 0.1601 → 0.1636), its calibrator fitted on out-of-fold predictions of its
 * rows as they are (`fitCalibratedIntent`'s `trainingRows`), as the run's is on its calibration set.
 */
export const BAG = { maxMembers: 4, deals: 2, othersPerMember: 16_000, calibrationFolds: 5, patience: 50, calibrationPool: 0.5, halfLife: 0.35, halfLifeDays: 15, unknownItems: 0.5, seed: 1 };
export const MEMBER_GBDT: GbdtOptions = { trees: 250, depth: 3, rate: 0.1, minLeaf: 50, lambda: 1, subsample: 0.8, colsample: 1, bins: 255 };

export interface Sessions {
  x: number[][];
  y: number[];
  /** When each session ended, if known: the bagged run then calibrates on older sessions (BAG.calibrationPool). */
  last?: number[];
  /**
   * When each session started, and the keys of the items it viewed before any purchase
   * (`recentItemKeys`): with `last`, the item buy rates (scoring/item-rates.ts), which follow the
   * features of `x` in the model's rows.
   */
  start?: number[];
  items?: (number[] | undefined)[];
}

/** A shop's sample (training/sample.ts) as the run takes it: column by column. */
export function sessionsOf(rows: readonly SessionRow[]): Sessions {
  return { x: rows.map((s) => s.x), y: rows.map((s) => s.y), last: rows.map((s) => s.last), start: rows.map((s) => s.start), items: rows.map((s) => s.items) };
}

export interface TrainedIntent {
  model: CalibratedIntentModel;
  kind: CalibratedIntentModel['kind'];
  /** AUC and AP of the held-out predictions the calibrator was fitted on (out of fold, or the calibration set's). */
  cv: { calibrated: CvScore };
  clip: Clip;
  sessions: number;
  purchases: number;
  /** Rows the model was trained on: at most INTENT_ROWS (one invocation), or the run's sample. */
  rows: number;
  /** Log-odds added to the calibrated score to undo the rows' class rates (0 when they are the shop's). */
  priorShift: number;
  /** Tree ensembles averaged: 1 for the one-invocation recipe, the run's members otherwise. */
  members: number;
  /** The shop's counts that the prior shift moved the score to. */
  population: ClassCounts;
  /** The item table the last features read (scoring/item-rates.ts); null when the sessions came without items. */
  items: ItemRates | null;
}

type Skipped = { skipped: string };

/**
 * Each session's item buy rates (from the sessions that ended before it started) and the table the
 * model ships; null when the sessions' items or times are unknown. Kept apart from the rows
 * (`Prepared.row` joins them): a copy of a large sample's rows would not fit beside it in an
 * invocation's memory (`bench:train-scale`).
 */
function itemRatesOf(data: Sessions): { rates: Float64Array; table: ItemRates } | null {
  const { items, start, last } = data;
  if (!items || !start || !last) return null;
  return prequentialItemRates(items, data.y.map((v) => v === 1), start, last);
}

/** The sessions' finite, labelled rows: their indices, labels, clip range and ends (when known). */
interface Prepared {
  keep: number[];
  y: number[];
  clip: Clip;
  purchases: number;
  last?: number[];
  /** Session i's whole row: its features, then its item buy rates (when known). */
  row(i: number): number[];
  /** The item table the rates were read from. */
  items: ItemRates | null;
}

/** The sessions' finite, labelled rows, or why they cannot train a model. */
function prepare(data: Sessions): Skipped | Prepared {
  const rated = itemRatesOf(data);
  // (a session whose items are unknown has NaN rates, and is left out like any row that is not finite)
  const finite = (i: number) => isFiniteRow(data.x[i]) && (!rated || Number.isFinite(rated.rates[i * RATE_COLUMNS]));
  const keep = data.x.map((_, i) => i).filter((i) => finite(i) && (data.y[i] === 0 || data.y[i] === 1));
  const y = keep.map((i) => data.y[i]);
  const purchases = y.filter((v) => v === 1).length;
  const others = y.length - purchases;
  if (y.length < MIN_TRAINING_SESSIONS || purchases < MIN_TRAINING_PURCHASES) {
    return { skipped: `needs ${MIN_TRAINING_SESSIONS} finished sessions and ${MIN_TRAINING_PURCHASES} purchases; has ${y.length} and ${purchases}` };
  }
  if (others < MIN_FOLDS) return { skipped: `needs sessions without a purchase too; has ${others}` };
  const row = rated ? (i: number) => [...data.x[i], ...rateRow(rated.rates, i)] : (i: number) => data.x[i];
  // the clip of the rates joins the rows' (fitted apart, so that no whole row is copied)
  const clips = [fitClip(keep.map((i) => data.x[i])), ...(rated ? [fitClipFlat(rated.rates, RATE_COLUMNS, keep)] : [])];
  const clip = { lo: clips.flatMap((c) => c.lo), hi: clips.flatMap((c) => c.hi) };
  return { keep, y, clip, purchases, last: data.last && keep.map((i) => data.last![i]), row, items: rated?.table ?? null };
}

/** The one-invocation model: the calibrated recipe on at most INTENT_ROWS stratified rows, each weighted by its recency among them when the ends are known. */
function trainOnce({ keep, y, clip, purchases, last, row, items }: Prepared, population?: ClassCounts): Skipped | TrainedIntent {
  const X = keep.map((i) => clipRow(clip, row(i)));
  const subset = stratifiedSubset(y, INTENT_ROWS, seededRandom(11));
  const sy = subset.map((i) => y[i]);
  const sX = subset.map((i) => X[i]);
  // the item rates' safeguard, as in the run's members (BAG.unknownItems); the calibrator reads the rows as they are
  const trainingRows = items ? withItemsUnknown(sX.map((row) => [...row]), clip, items, seededRandom(103)) : sX;
  const rowWeights = last && recencyWeights(subset.length, subset.map((i) => last[i]));
  const { model: fitted, oof } = fitCalibratedIntent(sX, sy, shopRecipe(sy.length), { rowWeights, trainingRows });
  const sPurchases = sy.filter((v) => v === 1).length;
  // the calibrator learned the rows' purchase rate; the shop's is lower when buyers were kept more often
  const shop = population ?? { purchases, others: y.length - purchases };
  const shift = priorShift({ purchases: sPurchases, others: sy.length - sPurchases }, shop);
  const model: CalibratedIntentModel = { ...fitted, calibrator: shiftCalibrator(fitted.calibrator, shift) };
  if (!allFinite(model)) return { skipped: 'the intent model came out non-finite; the last good model keeps serving' };
  const cv = { calibrated: { auc: rocAuc(sy, oof), ap: averagePrecision(sy, oof) } };
  return { model, kind: model.kind, cv, clip, sessions: y.length, purchases, rows: sy.length, priorShift: shift, members: 1, population: shop, items };
}

/**
 * The one-invocation intent model for these sessions, or why there is none: too few, one class,
 * or an unsound result. It trains the calibrated recipe on at most INTENT_ROWS rows
 * (stratified). `population` is how many of each class the shop has, when the rows are a
 * stratified sample of it: the calibrated score is moved back to the shop's rate.
 */
export function trainIntent(data: Sessions, population?: ClassCounts): Skipped | TrainedIntent {
  const prepared = prepare(data);
  if ('skipped' in prepared) return prepared;
  return trainOnce(prepared, population);
}

// ---- the bagged run -------------------------------------------------------------------------

/** Each row's part in the run: the calibration set, every member (a purchase), or a share of the first deal. */
const CALIBRATION = 0;
const EVERY_MEMBER = 255;
const UNUSED = 254;

interface RunHeader {
  run: string;
  n: number;
  d: number;
  members: number;
  /** Members per deal of the others: members = shares × deals. */
  shares: number;
  clip: Clip;
  /** The shop's counts in the sampled period, for the prior shift. */
  population: ClassCounts | null;
  /** The item table the last features read, shipped with the model. */
  items: ItemRates | null;
}

/** A run's sample, as stored between its invocations. */
export interface IntentRun {
  header: RunHeader;
  /** Row-major clipped features, n × d. */
  X: Float64Array;
  /** Each row's weight in the members' loss: its recency (1 for every row when times are unknown). */
  weight: Float64Array;
  y: Uint8Array;
  /** CALIBRATION, EVERY_MEMBER, UNUSED, or 1 + the row's share in the first deal (that share's member). */
  role: Uint8Array;
  /** The stored form, which X, weight, y and role are views of. */
  bytes: Uint8Array;
}

/**
 * Part 0 of a run: the one-invocation model when the others fit one member's share (`{ done }`),
 * or the run's sample with its calibration set and members' shares (`{ run }`).
 */
export function planIntentRun(run: string, data: Sessions, population?: ClassCounts): { done: Skipped | TrainedIntent } | { run: IntentRun } {
  const prepared = prepare(data);
  if ('skipped' in prepared) return { done: prepared };
  const { keep, y, clip, last, row, items } = prepared;
  const calibration = calibrationRows(y, last);
  const role = new Uint8Array(y.length).fill(EVERY_MEMBER);
  for (const i of calibration) role[i] = CALIBRATION;
  const others = y.map((v, i) => (v === 0 && role[i] !== CALIBRATION ? i : -1)).filter((i) => i >= 0);
  const shares = Math.min(BAG.maxMembers, Math.ceil(others.length / BAG.othersPerMember));
  // the calibration set needs both classes in numbers; a sample this small trains in one invocation anyway
  if (shares < 2) return { done: trainOnce(prepared, population) };
  // the first deal, stored as the rows' roles (any others beyond the shares are left out);
  // the later deals deal the same rows again when their members train (`othersOf`)
  const shareSize = Math.min(BAG.othersPerMember, Math.ceil(others.length / shares));
  for (const i of others) role[i] = UNUSED;
  deal(others, 0, shares, shareSize).forEach((rows, share) => rows.forEach((i) => (role[i] = 1 + share)));
  const d = clip.lo.length;
  // clipped straight into the stored form: the sample is the largest thing an invocation holds
  const stored = allocateRun({ run, n: y.length, d, members: shares * BAG.deals, shares, clip, population: population ?? null, items });
  keep.forEach((k, i) => stored.X.set(clipRow(clip, row(k)), i * d));
  stored.weight.set(recencyWeights(y.length, last));
  stored.y.set(y);
  stored.role.set(role);
  return { run: stored };
}

/**
 * The rows set aside to calibrate on and to stop the members' boosting: a fifth of each class,
 * drawn at random from the class's older half when the sessions' times are known (`BAG`), else
 * from all of it.
 */
function calibrationRows(y: number[], last?: number[]): number[] {
  if (!last) return stratifiedFolds(y, BAG.calibrationFolds, 7)[0];
  const random = seededRandom(7);
  const at = (i: number) => (Number.isFinite(last[i]) ? last[i] : 0);
  return [0, 1].flatMap((c) => {
    const oldestFirst = [...y.keys()].filter((i) => y[i] === c).sort((i, j) => at(i) - at(j) || i - j);
    const pool = oldestFirst.slice(0, Math.round(oldestFirst.length * BAG.calibrationPool));
    return shuffled(pool, random).slice(0, Math.round(oldestFirst.length / BAG.calibrationFolds));
  });
}

const DAY_MS = 86_400_000;

/**
 * Each session's weight: the milder of two discounts from the newest session. By rank,
 * 2^(−age / halfLife), its age the share of the sample's sessions that ended after it (sessions
 * that ended together weigh alike; an end that is not a number counts as the oldest), so that
 * the scale follows the sample whatever its span. By time, 2^(−days / halfLifeDays), so that a
 * sample of a few weeks, which has little drift to follow, is barely discounted. No weight falls
 * below its rank weight, so no clock can discount a sample more than its ranks do: an end later
 * than the others (a session's end is the server's time of its last event, never later than its
 * arrival) only turns the days off for them. All 1 when the times are unknown or halfLife is 0;
 * halfLifeDays 0 leaves the ranks alone.
 */
export function recencyWeights(n: number, last?: number[]): number[] {
  if (last && last.length !== n) throw new Error(`${last.length} session ends for ${n} sessions`);
  if (!last || !(BAG.halfLife > 0)) return Array.from({ length: n }, () => 1);
  const at = (i: number) => (Number.isFinite(last[i]) ? last[i] : -Infinity);
  const newestFirst = [...last.keys()].sort((i, j) => at(j) - at(i) || i - j);
  const newest = at(newestFirst[0]);
  const byTime = (t: number) => (BAG.halfLifeDays > 0 && Number.isFinite(t) ? Math.pow(2, -(newest - t) / DAY_MS / BAG.halfLifeDays) : 0);
  const weight = new Array<number>(n);
  let newer = 0; // sessions that ended strictly after the current one
  newestFirst.forEach((i, k) => {
    if (k > 0 && at(i) !== at(newestFirst[k - 1])) newer = k;
    weight[i] = Math.max(Math.pow(2, -newer / n / BAG.halfLife), byTime(at(i)));
  });
  return weight;
}

/** Row i of a run's sample: its clipped features. */
export const rowOf = (r: IntentRun, i: number) => Array.from(r.X.subarray(i * r.header.d, (i + 1) * r.header.d));
const rowsWhere = (r: IntentRun, keep: (role: number) => boolean) => [...r.role.keys()].filter((i) => keep(r.role[i]));

/** Deal `number` of these rows: shuffled by the deal's own seed, then cut into consecutive shares of `size`. */
function deal(rows: number[], number: number, shares: number, size: number): number[][] {
  const order = shuffled(rows, seededRandom(13 + number));
  return Array.from({ length: shares }, (_, share) => order.slice(share * size, (share + 1) * size));
}

/**
 * The others of member k's share: member k holds share k mod shares of deal ⌊k / shares⌋. The
 * first deal is the stored roles; a later one deals the rows of the first deal's shares again,
 * into shares of the same size, so each of them trains one member of every deal (computed again
 * in each invocation: the stored sample keeps one role a row).
 */
export function othersOf(r: IntentRun, k: number): number[] {
  const { shares } = r.header;
  const [number, share] = [Math.floor(k / shares), k % shares];
  if (number === 0) return rowsWhere(r, (role) => role === 1 + share);
  const dealt = rowsWhere(r, (role) => role >= 1 && role <= shares);
  return deal(dealt, number, shares, Math.ceil(dealt.length / shares))[share];
}

/**
 * Part 1 + k: member k, on every purchase outside the calibration set and its share of the
 * others, each row weighted by its recency, stopped by the calibration set's (unweighted) log loss.
 */
export function trainIntentMember(r: IntentRun, k: number): GbdtModel {
  if (!(k >= 0 && k < r.header.members)) throw new Error(`no member ${k} in a run of ${r.header.members}`);
  const mine = [...rowsWhere(r, (role) => role === EVERY_MEMBER), ...othersOf(r, k)].sort((i, j) => i - j);
  const held = rowsWhere(r, (role) => role === CALIBRATION);
  if (!mine.length || !held.length) throw new Error(`run ${r.header.run}: member ${k} has no rows to train or to stop on`);
  const early = { X: held.map((i) => rowOf(r, i)), y: held.map((i) => r.y[i]), patience: BAG.patience };
  const y = mine.map((i) => r.y[i]);
  const X = withItemsUnknown(mine.map((i) => rowOf(r, i)), r.header.clip, r.header.items, seededRandom(BAG.seed + 101 + k));
  return trainGbdt(X, y, { ...MEMBER_GBDT, seed: BAG.seed + k }, early, logisticObjective(y, rowWeightsOf(mine, r.weight)));
}

/**
 * Training rows (clipped to `clip`, changed in place), a BAG.unknownItems share of them reading
 * their item buy rates as a session whose items the model's table does not know reads them; none
 * when the rows have no rates (`items` null). A session without an item view keeps its rates: the
 * table changes nothing for it.
 */
export function withItemsUnknown(rows: number[][], clip: Clip, items: ItemRates | null, random: () => number): number[][] {
  if (!items || !(BAG.unknownItems > 0)) return rows;
  const from = clip.lo.length - RATE_COLUMNS;
  const ratesClip = { lo: clip.lo.slice(from), hi: clip.hi.slice(from) };
  const [none, unknown] = [clipRow(ratesClip, NO_ITEMS_RATES), clipRow(ratesClip, UNKNOWN_ITEMS_RATES)];
  for (const x of rows) {
    if (random() >= BAG.unknownItems || none.every((v, j) => x[from + j] === v)) continue;
    x.splice(from, RATE_COLUMNS, ...unknown);
  }
  return rows;
}

/** The last part: the members' mean logit, calibrated on the calibration set, moved to the shop's purchase rate. */
export function finishIntentRun(r: IntentRun, members: GbdtModel[]): Skipped | TrainedIntent {
  if (members.length !== r.header.members) throw new Error(`the run has ${members.length} of its ${r.header.members} members`);
  const weights = members.map(() => 1 / members.length);
  const held = rowsWhere(r, (role) => role === CALIBRATION);
  const hy = held.map((i) => r.y[i]);
  const p = held.map((i) => ensembleProbability(members, weights, rowOf(r, i)));
  const heldPurchases = hy.filter((v) => v === 1).length;
  // isotonic needs enough rows per step; fewer, and Platt's two parameters
  const calibrator: Calibrator = heldPurchases >= 50 && hy.length - heldPurchases >= 50 ? fitIsotonic(p, hy) : fitPlattCalibrator(p, hy);
  const purchases = r.y.reduce((s, v) => s + v, 0);
  // the calibration set keeps the sample's class rates; the shop's are undone as in one invocation
  const shop = r.header.population ?? { purchases, others: r.header.n - purchases };
  const shift = priorShift({ purchases, others: r.header.n - purchases }, shop);
  const rounds = members.reduce((s, m) => s + m.trees.length, 0);
  const model: CalibratedIntentModel = { kind: 'calibrated', members, weights, calibrator: shiftCalibrator(calibrator, shift), rounds };
  if (!allFinite(model)) return { skipped: 'the intent model came out non-finite; the last good model keeps serving' };
  return {
    model, kind: model.kind, cv: { calibrated: { auc: rocAuc(hy, p), ap: averagePrecision(hy, p) } }, clip: r.header.clip,
    sessions: r.header.n, purchases, rows: r.header.n, priorShift: shift, members: members.length, population: shop, items: r.header.items ?? null,
  };
}

// ---- storing a run between invocations ------------------------------------------------------

/** Where a run's parts are kept between invocations (R2 in the worker; memory or files in the benchmarks). */
export interface RunStore {
  get(key: string): Promise<Uint8Array | null>;
  put(key: string, bytes: Uint8Array): Promise<void>;
  delete(keys: string[]): Promise<void>;
}

/** A run's stored form, zeroed: header length (4 bytes), header JSON, padding to 8, X, weight, y, role. */
function allocateRun(header: RunHeader): IntentRun {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const at = Math.ceil((4 + json.length) / 8) * 8;
  const bytes = new Uint8Array(at + (header.n * header.d + header.n) * 8 + 2 * header.n);
  new DataView(bytes.buffer).setUint32(0, json.length, true);
  bytes.set(json, 4);
  return decodeRun(bytes);
}

/** The run as the bytes to store. */
export const encodeRun = (r: IntentRun): Uint8Array => r.bytes;

export function decodeRun(stored: Uint8Array): IntentRun {
  const bytes = stored.byteOffset % 8 ? stored.slice() : stored; // Float64Array needs 8-byte alignment
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  const header: RunHeader = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length)));
  const at = Math.ceil((4 + length) / 8) * 8;
  if (bytes.length < at + (header.n * header.d + header.n) * 8 + 2 * header.n) throw new Error('the stored intent sample is truncated');
  const X = new Float64Array(bytes.buffer, bytes.byteOffset + at, header.n * header.d);
  const weight = new Float64Array(bytes.buffer, bytes.byteOffset + at + X.byteLength, header.n);
  const end = at + X.byteLength + weight.byteLength;
  const y = bytes.subarray(end, end + header.n);
  const role = bytes.subarray(end + header.n, end + 2 * header.n);
  return { header, X, weight, y, role, bytes };
}

/**
 * Where the sample is kept, named by its layout and its header's meaning (`sample-4`: members in
 * deals, the item table in the header): a version of this code that reads another finds no sample under its own key (and its
 * run ends as stale) instead of misreading this one.
 */
export const SAMPLE_KEY = 'sample-4';
/** The layouts before, deleted with a finished run's parts (`sample-3`: before the item table). */
const FORMER_SAMPLE_KEYS = ['sample', 'sample-2', 'sample-3'];
const memberKey = (k: number) => `member-${k}`;
const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

/** What one part did: the model (or why none) when the run is over, else the next part to run. */
export type PartOutcome = { done: Skipped | TrainedIntent } | { next: number; parts: number } | { stale: string };

/** Part 0 (in the invocation that sampled the shards): plan the run, and store it unless it is already done. */
export async function beginIntentRun(store: RunStore, run: string, data: Sessions, population?: ClassCounts): Promise<PartOutcome> {
  const planned = planIntentRun(run, data, population);
  if ('done' in planned) return planned;
  await store.put(SAMPLE_KEY, encodeRun(planned.run));
  return { next: 1, parts: planned.run.header.members + 2 };
}

async function loadRun(store: RunStore, run: string): Promise<IntentRun | { stale: string }> {
  const bytes = await store.get(SAMPLE_KEY);
  if (!bytes) return { stale: `run ${run}: its sample is gone` };
  let r: IntentRun;
  try {
    r = decodeRun(bytes);
  } catch (e) {
    // a sample cut short or corrupt: retrying would not mend it, the next run samples again
    return { stale: `run ${run}: its stored sample cannot be read (${(e as Error).message})` };
  }
  return r.header.run === run ? r : { stale: `run ${run} was replaced by run ${r.header.run}` };
}

/** Part 1 … members: one member each; part members + 1: the model. A run that a newer one replaced is stale. */
export async function continueIntentRun(store: RunStore, run: string, part: number): Promise<PartOutcome> {
  const r = await loadRun(store, run);
  if ('stale' in r) return r;
  const { members } = r.header;
  if (!Number.isInteger(part) || part < 1 || part > members + 1) throw new Error(`run ${run} has no part ${part}`);
  if (part <= members) {
    await store.put(memberKey(part - 1), json({ run, model: trainIntentMember(r, part - 1) }));
    return { next: part + 1, parts: members + 2 };
  }
  const models: GbdtModel[] = [];
  for (let k = 0; k < members; k++) {
    const bytes = await store.get(memberKey(k));
    const stored = bytes && (JSON.parse(new TextDecoder().decode(bytes)) as { run: string; model: GbdtModel });
    if (!stored || stored.run !== run) throw new Error(`run ${run}: member ${k} is missing`);
    models.push(stored.model);
  }
  return { done: finishIntentRun(r, models) };
}

/** The most members a run trains: its last part is this + 1. */
export const mostMembers = () => BAG.maxMembers * BAG.deals;

/** The stored parts of a finished run, deleted. */
export async function clearIntentRun(store: RunStore): Promise<void> {
  await store.delete([SAMPLE_KEY, ...FORMER_SAMPLE_KEYS, ...Array.from({ length: mostMembers() }, (_, k) => memberKey(k))]);
}

/** Every part of a run in turn (the admin's "retrain now", the benchmarks, the tests). */
export async function trainIntentRun(store: RunStore, run: string, data: Sessions, population?: ClassCounts): Promise<Skipped | TrainedIntent> {
  let outcome = await beginIntentRun(store, run, data, population);
  while ('next' in outcome) outcome = await continueIntentRun(store, run, outcome.next);
  if ('stale' in outcome) return { skipped: outcome.stale };
  return outcome.done;
}

/** A run store in memory. */
export function memoryRunStore(): RunStore & { keys(): string[] } {
  const map = new Map<string, Uint8Array>();
  return {
    get: async (key) => map.get(key)?.slice() ?? null,
    put: async (key, bytes) => void map.set(key, bytes.slice()),
    delete: async (keys) => keys.forEach((k) => map.delete(k)),
    keys: () => [...map.keys()],
  };
}

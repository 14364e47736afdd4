// npm run bench:intent-periods -- --train DIR/yoochoose/train.csv [--ends PATH] [--test DIR/yoochoose/test.csv] [--periods 0.4:0.6,0.6:0.8,0.8:1] [--windows DAYS|all [--step DAYS] [--from DAYS]] [--shape JSON] [--bag-only] [--all-rows] [--every K [--shops N]]
//
// A rolling-origin check of the intent run's shape (docs/evaluation.md, "Periods"): within the
// training rows that `bench:intent -- --dataset yoochoose --tables DIR` exports (sessions in
// order of start), each period a:b fits on the rows before a and scores the rows from a to b. It compares
// the served bagged run (`planIntentRun` and `trainIntentMember`, the members' mean logit) with
// one long-boosted model of the sklearn baseline's settings (7 leaves, rate 0.02, leaves ≥ 50
// rows, L2 0, 255 bins) on the run's rows outside the calibration set and on every row, and with
// each averaged with the bag. Rankings only: AUC and AP of the raw logits. `--test` also fits
// on every training row and scores the test rows; that reads the test period, so it is a
// diagnostic and never a basis for a choice. `--shape '{"bag":{…},"gbdt":{…}}'` tries the run
// with other BAG and MEMBER_GBDT fields (this process only: `{"bag":{"halfLife":0}}` is the run
// without recency weights, `{"bag":{"seed":11}}` another draw of the members' row sampling);
// `--bag-only` skips the long models. `--agreement` adds how far another draw of the members' row
// sampling agrees with a bagged run (`topTenthKept`: the share of its top tenth kept). `--all-rows` adds the calibrated recipe on every fit row,
// weighted by recency as served (`trainCalibratedIntent`, what a run could train over several
// invocations instead of the bag; docs/evaluation.md). `--every K` makes smaller shops of the
// rows: shop j keeps the rows i with i mod K = j (the same span of time, a K-th of the
// sessions), for j below `--shops N` (default K); a shop whose periods train in one invocation
// is scored with that model (`trainIntent`'s recipe, its probability before calibration) as its
// "bag", and `--shape`'s gbdt fields and the long models do not apply to it. `--test` always
// fits on every training row, whatever `--every`. The run weights sessions by when they ended:
// `--ends` (default: train-ends.csv beside train.csv, which `--tables` writes with the tables).
// `--windows DAYS` replaces the periods by samples of DAYS days (`all`: everything before the
// origin), origins every `--step` days (7) from `--from` days (DAYS, or 42 for `all`), each
// scored on the step after it (function `windows`).
// The item buy rates (scoring/item-rates.ts) are computed per period as the run computes them: from
// the fit rows (each from those that ended before it started) and, for the scored rows, from the
// table of the fit rows, as a live score reads its model's table; so `bench:intent --tables`
// also writes each session's start and items (`train-starts.csv`, `train-items.csv`, and the
// test's). `--no-item-rates` leaves them out (the run before them).
// The last line is one JSON object.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { gbdtLogit, trainGbdt, treeValue, type GbdtModel } from '../worker/src/ml/gbdt';
import { averagePrecision, rocAuc } from '../worker/src/ml/metrics';
import { ensembleProbability, SERVED_RECIPE, trainCalibratedIntent } from '../worker/src/ml/calibrated-intent';
import { clipRow } from '../worker/src/ml/robust';
import { BAG, MEMBER_GBDT, planIntentRun, rowOf, trainIntentMember, type IntentRun } from '../worker/src/training/intent';
import { INTENT_FEATURES } from '../worker/src/scoring/intent-features';
import { itemRateFeatures, type ItemRates } from '../worker/src/scoring/item-rates';

const { values: a } = parseArgs({
  options: {
    train: { type: 'string' }, ends: { type: 'string' }, test: { type: 'string' }, periods: { type: 'string', default: '0.4:0.6,0.6:0.8,0.8:1' }, shape: { type: 'string' },
    'bag-only': { type: 'boolean', default: false }, 'all-rows': { type: 'boolean', default: false }, agreement: { type: 'boolean', default: false },
    every: { type: 'string', default: '1' }, shops: { type: 'string' },
    windows: { type: 'string' }, step: { type: 'string', default: '7' }, from: { type: 'string' }, 'no-item-rates': { type: 'boolean', default: false },
  },
});
if (!a.train) throw new Error('--train PATH: the train.csv that `npm run bench:intent -- --dataset yoochoose --tables DIR` writes in DIR/yoochoose');
const shape: { bag?: Partial<typeof BAG>; gbdt?: Partial<typeof MEMBER_GBDT> } = JSON.parse(a.shape ?? '{}');
Object.assign(BAG, shape.bag);
Object.assign(MEMBER_GBDT, shape.gbdt);
const LONG = { trees: 1400, depth: 20, leaves: 7, rate: 0.02, minLeaf: 50, lambda: 0, subsample: 1, bins: 255, seed: 3 };
const CHECKPOINTS = [700, 1000, 1400];

/**
 * A table's session features (its item-rate columns left out: they are computed per period), and,
 * when `bench:intent` wrote them beside it, each session's start and items.
 */
function readTable(path: string): { X: number[][]; y: number[]; start?: number[]; items?: number[][] } {
  const X: number[][] = [];
  const y: number[] = [];
  for (const line of readFileSync(path, 'utf8').trim().split('\n')) {
    const v = line.split(',').map(Number);
    y.push(v.pop()!);
    X.push(v.slice(0, INTENT_FEATURES.length));
  }
  const beside = (name: string) => join(dirname(path), path.endsWith('test.csv') ? `test-${name}.csv` : `train-${name}.csv`);
  if (a['no-item-rates'] || !existsSync(beside('items'))) return { X, y };
  const start = readFileSync(beside('starts'), 'utf8').trim().split('\n').map(Number);
  const items = readFileSync(beside('items'), 'utf8').split('\n').slice(0, y.length).map((l) => (l ? l.split(' ').map(Number) : []));
  if (start.length !== y.length || items.length !== y.length) throw new Error(`${path}: the starts and items beside it are not its rows'`);
  return { X, y, start, items };
}

const score = (y: number[], p: number[]) => ({ auc: +rocAuc(y, p).toFixed(4), ap: +averagePrecision(y, p).toFixed(4) });

/** The bag and the long models fitted on `fit`, scored on `held`. */
function compare(fit: Rows, held: { X: number[][]; y: number[]; items?: number[][] }) {
  const planned = planIntentRun('periods', { x: fit.X, y: fit.y, last: fit.last, start: fit.start, items: fit.items });
  // a scored session's row as a live score builds it: its features, then its items' rates from the model's table
  const heldRows = (table: ItemRates | null) => held.X.map((x, i) => (table && held.items ? [...x, ...itemRateFeatures(held.items[i], table)] : x));
  if ('done' in planned) {
    // a smaller shop: one invocation's model, its probability before calibration
    const trained = planned.done;
    if ('skipped' in trained) return { fit: fit.y.length, held: held.y.length, skipped: trained.skipped };
    const { members, weights } = trained.model;
    const p = heldRows(trained.items).map((x) => ensembleProbability(members, weights, clipRow(trained.clip, x)));
    return { fit: fit.y.length, held: held.y.length, members: 1, rounds: [trained.model.rounds], models: { bag: score(held.y, p) } };
  }
  const r = planned.run;
  const members = trainMembers(r);
  const hx = heldRows(r.header.items).map((x) => clipRow(r.header.clip, x));
  const bag = meanLogits(members, hx);
  const out: Record<string, { auc: number; ap: number }> = { bag: score(held.y, bag) };
  const long = (name: string, rows: number[]) => {
    const m = trainGbdt(rows.map((i) => rowOf(r, i)), rows.map((i) => r.y[i]), LONG);
    const raw = hx.map(() => m.base);
    m.trees.forEach((t, k) => {
      for (let i = 0; i < hx.length; i++) raw[i] += treeValue(t, hx[i]);
      if (!CHECKPOINTS.includes(k + 1)) return;
      out[`${name}@${k + 1}`] = score(held.y, raw);
      out[`bag+${name}@${k + 1}`] = score(held.y, raw.map((v, i) => (v + bag[i]) / 2));
    });
  };
  if (a['all-rows']) {
    const rows = [...r.role.keys()];
    const m = trainCalibratedIntent(rows.map((i) => rowOf(r, i)), [...r.y], SERVED_RECIPE, { rowWeights: [...r.weight] });
    out['all-rows, weighted'] = score(held.y, hx.map((x) => ensembleProbability(m.members, m.weights, x)));
  }
  if (!a['bag-only']) {
    long('long-outside-calibration', [...r.role.keys()].filter((i) => r.role[i] !== 0));
    long('long-every-row', [...r.role.keys()]);
  }
  const fitted = { fit: fit.y.length, held: held.y.length, members: members.length, rounds: members.map((m) => m.trees.length), models: out };
  return a.agreement ? { ...fitted, topTenthKept: topTenthKept(r, hx, bag) } : fitted;
}

const trainMembers = (r: IntentRun): GbdtModel[] => Array.from({ length: r.header.members }, (_, k) => trainIntentMember(r, k));
const meanLogits = (members: GbdtModel[], X: number[][]) => X.map((x) => members.reduce((s, m) => s + gbdtLogit(m, x), 0) / members.length);

/**
 * `--agreement` (bagged runs): the run's members trained again on the same sample with another
 * draw of their row sampling (BAG.seed + 100), standing for a retrain; the share of the held
 * sessions in the top tenth of the bag's scores that stay in the top tenth of the other's.
 */
function topTenthKept(r: IntentRun, hx: number[][], bag: number[]): number {
  const seed = BAG.seed;
  BAG.seed = seed + 100;
  let other: number[];
  try {
    other = meanLogits(trainMembers(r), hx);
  } finally {
    BAG.seed = seed;
  }
  const top = (p: number[]) => new Set([...p.keys()].sort((i, j) => p[j] - p[i]).slice(0, Math.round(p.length / 10)));
  const [first, second] = [top(bag), top(other)];
  return +([...first].filter((i) => second.has(i)).length / first.size).toFixed(4);
}

for (const path of [a.train, a.test]) {
  if (path && !existsSync(path)) {
    console.log(JSON.stringify({ skipped: `${path} is absent: export the tables first (npm run bench:intent -- --dataset yoochoose --tables DIR)` }));
    process.exit(0);
  }
}
// when each training session ended (bench:intent writes train-ends.csv beside train.csv): the run weights sessions by it
const endsPath = a.ends ?? join(dirname(a.train), 'train-ends.csv');
if (!existsSync(endsPath)) {
  console.log(JSON.stringify({ skipped: `${endsPath} is absent: export the tables again (npm run bench:intent -- --dataset yoochoose --tables DIR)` }));
  process.exit(0);
}
const all = { ...readTable(a.train), last: readFileSync(endsPath, 'utf8').trim().split('\n').map(Number) };
if (all.last.length !== all.y.length) throw new Error(`${endsPath} has ${all.last.length} ends for ${all.y.length} rows`);
const every = Number(a.every);
const shops = Number(a.shops ?? every);
if (!(Number.isInteger(every) && every >= 1 && Number.isInteger(shops) && shops >= 1 && shops <= every)) {
  throw new Error(`--every K and --shops N are whole numbers with 1 ≤ N ≤ K, not ${a.every} and ${a.shops}`);
}
const DAY = 86_400_000;
const WINDOWS = a.windows && { span: a.windows === 'all' ? Infinity : Number(a.windows), step: Number(a.step), from: Number(a.from ?? (a.windows === 'all' ? 42 : a.windows)) };
if (WINDOWS && !(WINDOWS.span > 0 && WINDOWS.step > 0 && WINDOWS.from > 0)) throw new Error(`--windows is a number of days or all, --step and --from numbers of days, not ${a.windows}, ${a.step}, ${a.from}`);
if (!WINDOWS && a.from) throw new Error('--from (and --step) go with --windows');
type Rows = { X: number[][]; y: number[]; last: number[]; start?: number[]; items?: number[][] };
const rowsWhere = (t: Rows, keep: (i: number) => boolean): Rows => {
  const rows = [...t.y.keys()].filter(keep);
  const at = <T,>(v?: T[]) => v && rows.map((i) => v[i]);
  return { X: at(t.X)!, y: at(t.y)!, last: at(t.last)!, start: at(t.start), items: at(t.items) };
};

/**
 * `--windows W`: instead of the periods, origins every `--step` days from `--from` days after the
 * first session's end; at each, the run fits on the sessions that ended in the W days before it
 * (every one before it with `all`) and scores those that end in the step after it. Samples that
 * span days rather than months, for the recency weights' time discount (docs/evaluation.md).
 */
function windows(train: Rows, name: string, result: Record<string, unknown>, { span, step, from }: { span: number; step: number; from: number }) {
  let [first, end] = [Infinity, -Infinity];
  for (const t of train.last) if (Number.isFinite(t)) [first, end] = [Math.min(first, t), Math.max(end, t)];
  const scores: { auc: number; ap: number }[] = [];
  for (let o = first + from * DAY; o + step * DAY <= end; o += step * DAY) {
    const fit = rowsWhere(train, (i) => train.last[i] < o && train.last[i] >= o - span * DAY);
    const held = rowsWhere(train, (i) => train.last[i] >= o && train.last[i] < o + step * DAY);
    const out = compare(fit, held);
    const day = +((o - first) / DAY).toFixed(2);
    result[`${name}origin day ${day}`] = out;
    console.error(name, day, JSON.stringify(out));
    if ('models' in out && out.models) scores.push(out.models.bag);
  }
  const mean = (k: 'auc' | 'ap') => +(scores.reduce((t, v) => t + v[k], 0) / scores.length).toFixed(4);
  result[`${name}mean`] = scores.length ? { runs: scores.length, auc: mean('auc'), ap: mean('ap') } : { runs: 0, skipped: 'no origin with a model: a shorter --from or --step, or more rows' };
}

const result: Record<string, unknown> = {};
for (let shop = 0; shop < shops; shop++) {
  const train = rowsWhere(all, (i) => i % every === shop);
  if (WINDOWS) {
    windows(train, every > 1 ? `shop ${shop} of ${every}, ` : '', result, WINDOWS);
    continue;
  }
  for (const period of a.periods!.split(',')) {
    const [from, to] = period.split(':').map(Number);
    if (!(from > 0 && from < to && to <= 1)) throw new Error(`a period is a:b with 0 < a < b ≤ 1, not ${period}`);
    const [na, nb] = [Math.round(train.y.length * from), Math.round(train.y.length * to)];
    const name = every > 1 ? `shop ${shop} of ${every}, ${period}` : period;
    result[name] = compare(rowsWhere(train, (i) => i < na), rowsWhere(train, (i) => i >= na && i < nb));
    console.error(name, JSON.stringify(result[name]));
  }
}
if (a.test) {
  result['test (diagnostic)'] = compare(all, readTable(a.test));
  console.error('test', JSON.stringify(result['test (diagnostic)']));
}
console.log(JSON.stringify({ shape, periods: result }));

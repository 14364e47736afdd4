// npm run bench:intent-periods -- --train DIR/yoochoose/train.csv [--test DIR/yoochoose/test.csv] [--periods 0.4:0.6,0.6:0.8,0.8:1] [--shape JSON] [--bag-only] [--all-rows] [--every K [--shops N]]
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
// `--bag-only` skips the long models. `--all-rows` adds the calibrated recipe on every fit row,
// weighted by recency as served (`trainCalibratedIntent`, what a run could train over several
// invocations instead of the bag; docs/evaluation.md). `--every K` makes smaller shops of the
// rows: shop j keeps the rows i with i mod K = j (the same span of time, a K-th of the
// sessions), for j below `--shops N` (default K); a shop whose periods train in one invocation
// is scored with that model (`trainIntent`'s recipe, its probability before calibration) as its
// "bag", and `--shape`'s gbdt fields and the long models do not apply to it. `--test` always
// fits on every training row, whatever `--every`. The last line is one JSON object.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gbdtLogit, trainGbdt, treeValue } from '../worker/src/ml/gbdt';
import { averagePrecision, rocAuc } from '../worker/src/ml/metrics';
import { ensembleProbability, SERVED_RECIPE, trainCalibratedIntent } from '../worker/src/ml/calibrated-intent';
import { clipRow } from '../worker/src/ml/robust';
import { BAG, MEMBER_GBDT, planIntentRun, trainIntentMember } from '../worker/src/training/intent';

const { values: a } = parseArgs({
  options: {
    train: { type: 'string' }, test: { type: 'string' }, periods: { type: 'string', default: '0.4:0.6,0.6:0.8,0.8:1' }, shape: { type: 'string' },
    'bag-only': { type: 'boolean', default: false }, 'all-rows': { type: 'boolean', default: false },
    every: { type: 'string', default: '1' }, shops: { type: 'string' },
  },
});
if (!a.train) throw new Error('--train PATH: the train.csv that `npm run bench:intent -- --dataset yoochoose --tables DIR` writes in DIR/yoochoose');
const shape: { bag?: Partial<typeof BAG>; gbdt?: Partial<typeof MEMBER_GBDT> } = JSON.parse(a.shape ?? '{}');
Object.assign(BAG, shape.bag);
Object.assign(MEMBER_GBDT, shape.gbdt);
const LONG = { trees: 1400, depth: 20, leaves: 7, rate: 0.02, minLeaf: 50, lambda: 0, subsample: 1, bins: 255, seed: 3 };
const CHECKPOINTS = [700, 1000, 1400];

function readTable(path: string) {
  const X: number[][] = [];
  const y: number[] = [];
  for (const line of readFileSync(path, 'utf8').trim().split('\n')) {
    const v = line.split(',').map(Number);
    y.push(v.pop()!);
    X.push(v);
  }
  return { X, y };
}

const score = (y: number[], p: number[]) => ({ auc: +rocAuc(y, p).toFixed(4), ap: +averagePrecision(y, p).toFixed(4) });

/** The bag and the long models fitted on `fit`, scored on `held`. */
function compare(fit: { X: number[][]; y: number[] }, held: { X: number[][]; y: number[] }) {
  // rows are in order of start: their index stands for the session's end
  const planned = planIntentRun('periods', { x: fit.X, y: fit.y, last: fit.y.map((_, i) => i) });
  if ('done' in planned) {
    // a smaller shop: one invocation's model, its probability before calibration
    const trained = planned.done;
    if ('skipped' in trained) return { fit: fit.y.length, held: held.y.length, skipped: trained.skipped };
    const { members, weights } = trained.model;
    const p = held.X.map((x) => ensembleProbability(members, weights, clipRow(trained.clip, x)));
    return { fit: fit.y.length, held: held.y.length, members: 1, rounds: [trained.model.rounds], models: { bag: score(held.y, p) } };
  }
  const r = planned.run;
  const d = r.header.d;
  const members = Array.from({ length: r.header.members }, (_, k) => trainIntentMember(r, k));
  const hx = held.X.map((x) => clipRow(r.header.clip, x));
  const bag = hx.map((x) => members.reduce((s, m) => s + gbdtLogit(m, x), 0) / members.length);
  const out: Record<string, { auc: number; ap: number }> = { bag: score(held.y, bag) };
  const long = (name: string, rows: number[]) => {
    const m = trainGbdt(rows.map((i) => Array.from(r.X.subarray(i * d, (i + 1) * d))), rows.map((i) => r.y[i]), LONG);
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
    const m = trainCalibratedIntent(rows.map((i) => Array.from(r.X.subarray(i * d, (i + 1) * d))), [...r.y], SERVED_RECIPE, { rowWeights: [...r.weight] });
    out['all-rows, weighted'] = score(held.y, hx.map((x) => ensembleProbability(m.members, m.weights, x)));
  }
  if (!a['bag-only']) {
    long('long-outside-calibration', [...r.role.keys()].filter((i) => r.role[i] !== 0));
    long('long-every-row', [...r.role.keys()]);
  }
  return { fit: fit.y.length, held: held.y.length, members: members.length, rounds: members.map((m) => m.trees.length), models: out };
}

for (const path of [a.train, a.test]) {
  if (path && !existsSync(path)) {
    console.log(JSON.stringify({ skipped: `${path} is absent: export the tables first (npm run bench:intent -- --dataset yoochoose --tables DIR)` }));
    process.exit(0);
  }
}
const all = readTable(a.train);
const every = Number(a.every);
const shops = Number(a.shops ?? every);
if (!(Number.isInteger(every) && every >= 1 && Number.isInteger(shops) && shops >= 1 && shops <= every)) {
  throw new Error(`--every K and --shops N are whole numbers with 1 ≤ N ≤ K, not ${a.every} and ${a.shops}`);
}
const result: Record<string, unknown> = {};
for (let shop = 0; shop < shops; shop++) {
  const keep = (_: unknown, i: number) => i % every === shop;
  const train = { X: all.X.filter(keep), y: all.y.filter(keep) };
  for (const period of a.periods!.split(',')) {
    const [from, to] = period.split(':').map(Number);
    if (!(from > 0 && from < to && to <= 1)) throw new Error(`a period is a:b with 0 < a < b ≤ 1, not ${period}`);
    const [na, nb] = [Math.round(train.y.length * from), Math.round(train.y.length * to)];
    const name = every > 1 ? `shop ${shop} of ${every}, ${period}` : period;
    result[name] = compare({ X: train.X.slice(0, na), y: train.y.slice(0, na) }, { X: train.X.slice(na, nb), y: train.y.slice(na, nb) });
    console.error(name, JSON.stringify(result[name]));
  }
}
if (a.test) {
  result['test (diagnostic)'] = compare(all, readTable(a.test));
  console.error('test', JSON.stringify(result['test (diagnostic)']));
}
console.log(JSON.stringify({ shape, periods: result }));

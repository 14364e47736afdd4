// npm run bench:intent [-- --train PATH --test PATH] [--dataset uci|yoochoose] [--max-rows N] [--no-tune] [--reps N] [--svg PATH | --no-svg] [--no-sklearn] [--python PATH] [--sklearn-passes N] [--tables DIR] [--sklearn-from DIR]
// Purchase intent: ROC AUC, PR AUC (average precision), ECE (10 bins), F1 and accuracy at 0.5,
// with 95 % bootstrap intervals over sessions, by the protocol of docs/evaluation.md.
// PATH is a UCI Online Shoppers CSV, or a folder with clicks.csv + buys.csv (label: the
// session buys; features only from the clicks before its first buy, computed by the shard's
// own code: session-state's applyEvent, then intent-features).
// - "served" (the headline, the JSON's top level) is the model the worker ships, trained as the
//   worker trains it: the shard's bounded sample of the training sessions (SAMPLE_CAPS, most
//   recent first), then worker/src/training/intent.ts `trainIntentRun`, the parts the queue runs
//   one invocation each: a sample with more than 16,000 others outside its calibration fifth
//   trains up to 8 bagged members on shares of them (4 disjoint shares, dealt twice), calibrated on the fifth; a smaller
//   one trains in one invocation, `trainIntent` (at most 20,000 stratified rows,
//   `shopRecipe`: SERVED_RECIPE with 3 calibration folds (2 above 10,000 rows) and ≤ 400 rounds, rows × rounds ≤ ROW_ROUNDS). Scored with its clip
//   by `predictIntent`. "served-all-rows" is the same recipe (worker/src/ml/calibrated-intent.ts
//   SERVED_RECIPE, 5 folds, ≤ 1,000 rounds) on every training row: what more data would give.
//   On click data the features are the shard's own (intent-features.ts) and the buy rates of
//   the session's items (scoring/item-rates.ts): every model but the served one gets them from
//   all training sessions, each session's from those that ended before it started, and the test
//   sessions' from the table of them all; the served run computes its own from its sample, and
//   scores the test sessions with the table it ships.
// - "served-tuned" is the same code with this dataset's tree hyperparameters and ensemble
//   shape, chosen on the validation set.
// - The baseline "sklearn-hgb-tuned" is scikit-learn's HistGradientBoostingClassifier, tuned by
//   bench/baselines/hist_gbdt.py on the same validation rows and scoring the same test rows
//   (skipped, with a message, without python3 + scikit-learn). "gbdt-tuned" is the project's
//   histogram GBDT tuned on the same validation set (learning rate, depth, minimum leaf, L2, row
//   and feature sampling, rounds by early stopping); --no-tune skips it.
// Without --train/--test: UCI with a stratified held-out 20 % (as the sklearn reference), and
// YooChoose 1 % with its first 80 % of sessions by start time → the last 20 %. The validation
// set is cut from the training part only: a stratified 20 % (UCI), the last 20 % by time (YooChoose).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classificationIntervals, type Interval } from '../worker/src/ml/bootstrap';
import { ensembleProbability, predictIntent, SERVED_RECIPE, trainCalibratedIntent, type IntentRecipe } from '../worker/src/ml/calibrated-intent';
import { expectedCalibrationError, reliability } from '../worker/src/ml/calibration';
import { splitFold, stratifiedFolds } from '../worker/src/ml/folds';
import { predictGbdt, trainGbdt, type GbdtOptions } from '../worker/src/ml/gbdt';
import { predict, trainModel } from '../worker/src/ml/intent-model';
import { atThreshold, averagePrecision, rocAuc } from '../worker/src/ml/metrics';
import { clipRow } from '../worker/src/ml/robust';
import { tuneGbdt } from '../worker/src/ml/tuning';
import { INTENT_FEATURES, intentFeatures } from '../worker/src/scoring/intent-features';
import { ITEM_RATE_FEATURES, itemRateFeatures, prequentialItemRates, rateRow } from '../worker/src/scoring/item-rates';
import { applyEvent, itemsBeforePurchase, newProfile, newSession, type SessionState } from '../worker/src/scoring/session-state';
import { memoryRunStore, recencyWeights, trainIntentRun, type TrainedIntent } from '../worker/src/training/intent';
import { SAMPLE_CAPS, sharedWindow } from '../worker/src/training/sample';
import { seededRandom, shuffled } from '../worker/src/ml/random';
import type { EventRow } from '../worker/src/visitor-shard';
import { SHARED_DATA, args, readBuys, readClicks, type Session } from './data';
import { reliabilitySvg, type Series } from './svg';

const a = args();
const REPS = Number(a.reps ?? 1_000);

interface Table {
  names: readonly string[];
  X: number[][];
  y: number[];
  /** When each session ended (clicks data): the shard samples its most recent sessions. */
  last?: number[];
  /** (clicks data) When each session started, and its items' keys: the served run computes its item rates from them. */
  start?: number[];
  items?: number[][];
}

const pick = (t: Table, rows: number[]): Table => {
  const at = <T,>(v?: T[]) => v && rows.map((i) => v[i]);
  return { names: t.names, X: at(t.X)!, y: at(t.y)!, last: at(t.last), start: at(t.start), items: at(t.items) };
};

// ---- UCI Online Shoppers ------------------------------------------------------------------

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'June', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function readUci(path: string): Table {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const cols = header.split(',');
  const at = (name: string) => cols.indexOf(name);
  const numeric = cols.filter((c) => !['Month', 'VisitorType', 'Weekend', 'Revenue'].includes(c));
  const names = [...numeric, 'Month', 'NewVisitor', 'ReturningVisitor', 'Weekend'];
  const X: number[][] = [];
  const y: number[] = [];
  for (const line of lines) {
    const v = line.split(',');
    X.push([
      ...numeric.map((c) => Number(v[at(c)])),
      MONTHS.indexOf(v[at('Month')]),
      v[at('VisitorType')] === 'New_Visitor' ? 1 : 0,
      v[at('VisitorType')] === 'Returning_Visitor' ? 1 : 0,
      v[at('Weekend')] === 'TRUE' ? 1 : 0,
    ]);
    y.push(v[at('Revenue')] === 'TRUE' ? 1 : 0);
  }
  return { names, X, y };
}

// ---- Clicks + buys (YooChoose), through the shard's session state ------------------------

interface Labelled {
  session: Session;
  buys: boolean;
  /** When the session ended: its first buy for a buyer (a shard's session ends with its purchase, not before), else its last click. */
  end: number;
}

/** Sessions cut at their first buy: only what a live score could have seen. */
function readClickBuy(dir: string): Labelled[] {
  const firstBuy = new Map<string, number>();
  for (const b of readBuys(join(dir, 'buys.csv'))) firstBuy.set(b.session, Math.min(firstBuy.get(b.session) ?? Infinity, b.time));
  return readClicks(join(dir, 'clicks.csv'))
    .map((s) => {
      const cut = firstBuy.get(s.id);
      if (cut === undefined) return { session: s, buys: false, end: s.times[s.times.length - 1] };
      const keep = s.times.map((t, i) => (t < cut ? i : -1)).filter((i) => i >= 0);
      return { session: { id: s.id, items: keep.map((i) => s.items[i]), times: keep.map((i) => s.times[i]), categories: keep.map((i) => s.categories[i]) }, buys: true, end: cut };
    })
    .filter((l) => l.session.items.length > 0);
}

function eventRow(s: Session, name: string, ts: number, page: string, seq: number): EventRow {
  return { event_id: `${s.id}-${seq}`, visitor_id: `v${s.id}`, session_id: s.id, page_id: page, seq, name, client_ts: ts, ts, received_at: ts, url: '', referrer: null, title: null, utm: null, props: '{}', device: 'desktop', bot: 0 };
}

/**
 * A click stream as the tracker would report it: each click a page view showing the item;
 * when the next click comes, the page it leaves reports its engaged time (the gap, at most 30 min).
 */
function sessionStateOf(s: Session): SessionState {
  const profile = newProfile(`v${s.id}`, s.times[0]);
  let state: SessionState | null = null;
  const noFeatures = () => [];
  let seq = 0;
  s.items.forEach((item, j) => {
    const page = `p${j}`;
    const ts = s.times[j];
    if (j > 0) applyEvent(state!, profile, eventRow(s, 'user_engagement', ts, `p${j - 1}`, seq++), { engaged_ms: Math.min(ts - s.times[j - 1], 1_800_000) }, noFeatures);
    const view = eventRow(s, 'page_view', ts, page, seq++);
    if (!state) (state = newSession(view, profile)), profile.visits++;
    applyEvent(state, profile, view, {}, noFeatures);
    const category = s.categories[j] && s.categories[j] !== '0' ? s.categories[j] : undefined;
    applyEvent(state, profile, eventRow(s, 'view_item', ts, page, seq++), { item_id: item, item_category: category }, noFeatures);
  });
  return state!;
}

/** The shard's features of a session: what the served model trains on and scores. */
const servedFeatures = (state: SessionState) => intentFeatures(state, newProfile('', state.start));

/**
 * Feature tables of the served features: the session's (intent-features.ts), then its items' buy
 * rates (item-rates.ts), as a model trained at a cut reads them: each earlier session's from the
 * sessions that ended before it started, each later one's from the table of all the earlier ones
 * (what that model ships). Cut at the training rows' end for the test rows, and at the validation
 * rows' start for the fit and validation tables (the baselines' tuning then sees the rates as the
 * test rows will, not fresher).
 */
function clickTables(train: Labelled[], test: Labelled[], valid: number[]): { train: Table; test: Table; fit: Table; val: Table } {
  const y = (rows: Labelled[]) => rows.map((l) => (l.buys ? 1 : 0));
  const times = (rows: Labelled[]) => ({ start: rows.map((l) => l.session.times[0]), last: rows.map((l) => l.end) });
  const names = [...INTENT_FEATURES, ...ITEM_RATE_FEATURES];
  const tables = (earlier: Labelled[], later: Labelled[]): [Table, Table] => {
    const states = earlier.map((l) => sessionStateOf(l.session));
    const laterStates = later.map((l) => sessionStateOf(l.session));
    const items = states.map(itemsBeforePurchase);
    const laterItems = laterStates.map(itemsBeforePurchase);
    const { start, last } = times(earlier);
    const rates = prequentialItemRates(items, earlier.map((l) => l.buys), start, last);
    return [
      { names, X: states.map((st, i) => [...servedFeatures(st), ...rateRow(rates.rates, i)]), y: y(earlier), last, start, items },
      { names, X: laterStates.map((st, i) => [...servedFeatures(st), ...itemRateFeatures(laterItems[i], rates.table)]), y: y(later), ...times(later), items: laterItems },
    ];
  };
  const inValid = new Set(valid);
  const [fit, val] = tables(train.filter((_, i) => !inValid.has(i)), valid.map((i) => train[i]));
  const [trainTable, testTable] = tables(train, test);
  return { train: trainTable, test: testTable, fit, val };
}

/**
 * What the worker ships, trained as the worker trains it: the shard's bounded sample of the
 * training sessions (SAMPLE_CAPS: the most recent sessions of each class, cut to the period both
 * cover: training/sample.ts `sharedWindow`), then `trainIntentRun` (worker/src/training/intent.ts:
 * every part of the run the queue would run, the run kept in memory instead of R2; the
 * calibrated score moved back to the whole's purchase rate).
 */
async function shippedModel(t: Table): Promise<{ trained: TrainedIntent; sampled: number }> {
  let order = [...t.y.keys()];
  if (t.last) order.sort((i, j) => t.last![j] - t.last![i]);
  const caps = [SAMPLE_CAPS.others, SAMPLE_CAPS.purchases];
  const byClass = [0, 1].map((c) => order.filter((i) => t.y[i] === c));
  let rows = byClass.flatMap((rows, c) => rows.slice(0, caps[c]));
  let period = order;
  if (t.last) {
    // as the shard samples: one period for both classes, a class with more than its cap in it drawn at random
    const { since, spread } = sharedWindow(byClass.map((rows, c) => ({ reach: rows.length >= caps[c] ? t.last![rows[caps[c] - 1]] : 0 })));
    const random = seededRandom(7);
    rows = byClass.flatMap((rows, c) => {
      const inPeriod = rows.filter((i) => t.last![i] >= since);
      return spread[c] ? shuffled(inPeriod, random).slice(0, caps[c]) : inPeriod.slice(0, caps[c]);
    });
    period = order.filter((i) => t.last![i] >= since);
  }
  const purchases = period.filter((i) => t.y[i] === 1).length;
  // the session's own features; the run appends its item rates, from its sample
  const sample = pick(t, rows);
  const data = { x: sample.X.map((x) => (t.items ? x.slice(0, INTENT_FEATURES.length) : x)), y: sample.y, last: sample.last, start: sample.start, items: sample.items };
  const trained = await trainIntentRun(memoryRunStore(), 'bench', data, { purchases, others: period.length - purchases });
  if ('skipped' in trained) throw new Error(`trainIntent skipped: ${trained.skipped}`);
  return { trained, sampled: rows.length };
}

// ---- Models, tuned on the validation set --------------------------------------------------

interface Scored {
  p: number[];
  note?: string;
}

/** The ensemble shapes tried on the validation set (trees alone first). */
const ENSEMBLES: Pick<IntentRecipe, 'seeds' | 'logistic'>[] = [
  { seeds: 1, logistic: 0 },
  { seeds: 3, logistic: 0 },
  { seeds: 1, logistic: 0.25 },
  { seeds: 3, logistic: 0.25 },
];

const SKLEARN_SCRIPT = new URL('./baselines/hist_gbdt.py', import.meta.url).pathname;
/** Passes of sklearn's coordinate search: 2, one more than our own GBDT gets, so the baseline is not short-changed. */
const SKLEARN_PASSES = Number(a['sklearn-passes'] ?? 2);

/**
 * The independent baseline: sklearn's HistGradientBoostingClassifier tuned by
 * bench/baselines/hist_gbdt.py on the same fit/validation rows, refitted on the same training
 * rows, scoring the same test rows. Null (with the reason printed) when python3 + sklearn are missing.
 */
function sklearnTuned(name: string, fit: Table, val: Table, train: Table, test: Table): Scored | null {
  const csv = (t: Table) => t.X.map((x, i) => [...x, t.y[i]].join(',')).join('\n') + '\n';
  // --sklearn-from DIR: a finished `hist_gbdt.py DIR > DIR/result.json` on these very tables, so
  // that a long search can run on its own; checked byte for byte before this run writes its own
  // (DIR may be where --tables writes them)
  const from = a['sklearn-from'];
  if (from) {
    // it may still be running (started beside this bench): wait for its JSON line
    const done = () => existsSync(join(from, 'result.json')) && readFileSync(join(from, 'result.json'), 'utf8').trim().endsWith('}');
    if (!done()) console.log(`  waiting for hist_gbdt.py's result in ${from} …`);
    while (!done()) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
    for (const [file, t] of [['fit.csv', fit], ['valid.csv', val], ['train.csv', train], ['test.csv', test]] as const) {
      if (readFileSync(join(from, file), 'utf8') !== csv(t)) throw new Error(`--sklearn-from ${from}: ${file} is not this run's table`);
    }
  }
  // --tables DIR keeps the exported tables (to rerun hist_gbdt.py by hand)
  const dir = a.tables ? join(a.tables, name) : mkdtempSync(join(tmpdir(), 'intent-sklearn-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'fit.csv'), csv(fit));
  writeFileSync(join(dir, 'valid.csv'), csv(val));
  writeFileSync(join(dir, 'train.csv'), csv(train));
  writeFileSync(join(dir, 'test.csv'), csv(test));
  // when each training session ended, row by row (bench:intent-periods weights by it as the run does)
  if (train.last) writeFileSync(join(dir, 'train-ends.csv'), train.last.join('\n') + '\n');
  // and when each session started and the keys of its items: bench:intent-periods computes the item rates per period from them
  for (const [part, t] of [['train', train], ['test', test]] as const) {
    if (t.start) writeFileSync(join(dir, `${part}-starts.csv`), t.start.join('\n') + '\n');
    if (t.items) writeFileSync(join(dir, `${part}-items.csv`), t.items.map((keys) => keys.join(' ')).join('\n') + '\n');
  }
  if (from) {
    if (!a.tables) rmSync(dir, { recursive: true, force: true });
    return sklearnScores(from, test);
  }
  // the first python with sklearn: --python, $PYTHON, python3 on the PATH, then Debian's (apt's python3-sklearn)
  const python = a['no-sklearn'] ? undefined : [a.python ?? process.env.PYTHON, 'python3', '/usr/bin/python3'].find((py) => py && spawnSync(py, ['-c', 'import sklearn'], { encoding: 'utf8' }).status === 0);
  try {
    if (!python) {
      console.log(`  sklearn baseline skipped: ${a['no-sklearn'] ? '--no-sklearn' : 'no python3 with scikit-learn (apt-get install python3-sklearn)'}`);
      return null;
    }
    console.log('  tuning sklearn\'s HistGradientBoostingClassifier on the same validation set (bench/baselines/hist_gbdt.py):');
    // one thread: the machine is shared, and the figures must not depend on it
    const run = spawnSync(python, [SKLEARN_SCRIPT, dir, '--passes', String(SKLEARN_PASSES)], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' }, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
    if (run.status !== 0) throw new Error(`hist_gbdt.py failed (${run.status})`);
    writeFileSync(join(dir, 'result.json'), run.stdout);
    return sklearnScores(dir, test);
  } finally {
    if (!a.tables) rmSync(dir, { recursive: true, force: true });
  }
}

/** hist_gbdt.py's test scores and chosen settings, from its folder. */
function sklearnScores(dir: string, test: Table): Scored {
  const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8').trim().split('\n').pop()!);
  const p = readFileSync(join(dir, 'test-scores.txt'), 'utf8').trim().split('\n').map(Number);
  if (p.length !== test.y.length || p.some((v) => !(v >= 0 && v <= 1))) throw new Error('hist_gbdt.py: bad test scores');
  return { p, note: `sklearn ${JSON.stringify(result.params)}, ${result.rounds} rounds, validation AUC ${result.valid_auc}` };
}

/** `split`: the fit and validation tables, when they are not the training table's rows (clicks data: the item rates are cut at the validation rows). */
async function evaluateAll(name: string, train: Table, test: Table, valid: number[], split?: { fit: Table; val: Table }) {
  const fit = split?.fit ?? pick(train, splitFold(train.y.length, valid)[0]);
  const val = split?.val ?? pick(train, valid);
  const out: Record<string, Scored> = {};
  const t0 = performance.now();
  const log = (line: string) => console.log(`    ${line}`);


  // Our histogram GBDT tuned the same way, and the served code with those trees and the
  // ensemble shape chosen on the same validation set (--no-tune skips both: they take long).
  if (!a['no-tune']) {
    console.log(`  tuning the GBDT on the validation set (${fit.y.length} → ${val.y.length} sessions), by validation AUC:`);
    const tuned = tuneGbdt(fit, val, { onScore: (o, auc, rounds) => log(`${JSON.stringify({ rate: o.rate, depth: o.depth, minLeaf: o.minLeaf, lambda: o.lambda, subsample: o.subsample, colsample: o.colsample })} rounds ${rounds} → AUC ${auc.toFixed(4)}`) }).options;
    const gbdtTuned = trainGbdt(train.X, train.y, tuned);
    out['gbdt-tuned'] = { p: test.X.map((x) => predictGbdt(gbdtTuned, x)), note: `rounds ${tuned.trees}` };
    let shape = ENSEMBLES[0];
    let best = -Infinity;
    for (const e of ENSEMBLES) {
      const recipe: IntentRecipe = { ...SERVED_RECIPE, gbdt: tuned, ...e };
      const members = [...Array(e.seeds).keys()].map((s) => trainModel('gbdt', fit.X, fit.y, { ...tuned, seed: (tuned.seed ?? 1) + s }));
      if (e.logistic) members.push(trainModel('logistic', fit.X, fit.y));
      const weights = [...Array(e.seeds).fill(1 / e.seeds), ...(e.logistic ? [recipe.logistic] : [])];
      const auc = rocAuc(val.y, val.X.map((x) => ensembleProbability(members, weights, x)));
      log(`ensemble ${JSON.stringify(e)} → validation AUC ${auc.toFixed(4)}`);
      if (auc > best + 1e-4) (best = auc), (shape = e);
    }
    const servedTuned = trainCalibratedIntent(train.X, train.y, { ...SERVED_RECIPE, gbdt: tuned, ...shape }, { rounds: tuned.trees });
    out['served-tuned'] = { p: test.X.map((x) => predictIntent(servedTuned, x)), note: `${JSON.stringify(shape)}, calibrated (${servedTuned.calibrator.kind})` };
  }

  // The headline: the model the worker ships, trained and scored exactly as the worker does.
  const { trained: shipped, sampled } = await shippedModel(train);
  // a test session's row as the shard builds it: its own features, then its items' rates from the model's table
  const shippedRow = (x: number[], i: number) => clipRow(shipped.clip, shipped.items && test.items ? [...x.slice(0, INTENT_FEATURES.length), ...itemRateFeatures(test.items[i], shipped.items)] : x);
  out.served = {
    p: test.X.map((x, i) => predictIntent(shipped.model, shippedRow(x, i))),
    note: `trainIntentRun: ${shipped.rows} of ${sampled} sampled sessions (${train.y.length} in training), ${shipped.members > 1 ? `${shipped.members} bagged members (one invocation each)` : 'one invocation (shopRecipe)'}, ${shipped.model.rounds} rounds by early stopping, calibrated (${shipped.model.calibrator.kind}), prior shift ${shipped.priorShift.toFixed(3)}`,
  };
  // the same trees before calibration: what calibration changes
  out['served-uncalibrated'] = { p: test.X.map((x, i) => ensembleProbability(shipped.model.members, shipped.model.weights, shippedRow(x, i))) };

  // The same recipe without the worker's limits: every training row, 5 calibration folds, up to 1,000 rounds.
  // weighted by recency as the served training weights them, where the sessions' times are known
  const allRows = trainCalibratedIntent(train.X, train.y, SERVED_RECIPE, { rowWeights: train.last && recencyWeights(train.y.length, train.last) });
  out['served-all-rows'] = { p: test.X.map((x) => predictIntent(allRows, x)), note: `SERVED_RECIPE on all ${train.y.length} rows${train.last ? ', weighted by recency' : ''}, ${allRows.rounds} rounds` };
  const gbdtDefault = trainGbdt(train.X, train.y);
  out['gbdt-default'] = { p: test.X.map((x) => predictGbdt(gbdtDefault, x)) };
  // (the exact SVM solver is slow beyond some 30,000 rows, and on click data it ranks no better than chance)
  for (const kind of train.y.length <= 30_000 ? (['logistic', 'svm'] as const) : (['logistic'] as const)) {
    const m = trainModel(kind, train.X, train.y);
    out[kind] = { p: test.X.map((x) => predict(m, x)) };
  }
  console.log(`  trained and scored in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  // The independent baseline: sklearn's HistGBDT, tuned on the same validation set (last, so
  // that a search started beside the bench with --sklearn-from has the most time).
  const sk = sklearnTuned(name.startsWith('UCI') ? 'uci' : 'yoochoose', fit, val, train, test);
  if (sk) out['sklearn-hgb-tuned'] = sk;
  return report(name, test.y, out);
}

// ---- Reporting ----------------------------------------------------------------------------

const r4 = (v: number) => +v.toFixed(4);
const ci = (i: Interval) => [r4(i.low), r4(i.high)];

function report(name: string, y: number[], scored: Record<string, Scored>) {
  const names = Object.keys(scored);
  // The baseline to beat: sklearn's tuned HistGBDT when it ran, else our GBDT tuned the same way.
  const baseline = ['sklearn-hgb-tuned', 'gbdt-tuned', 'gbdt-default'].find((n) => n in scored)!;
  // intervals of every model, and of each one's difference from the baseline (paired)
  const order = [baseline, ...names.filter((n) => n !== baseline)];
  const intervals = classificationIntervals(y, order.map((n) => scored[n].p), { reps: REPS });
  const models: Record<string, object> = {};
  const base = scored[baseline].p;
  console.log(`\n${name}: ${y.length} test sessions, ${y.filter(Boolean).length} buy`);
  console.log(`  model                            ROC AUC (95 % CI)          PR AUC (95 % CI)           ECE     F1      accuracy  Δ AUC, Δ AP vs ${baseline} (paired 95 % CI)`);
  order.forEach((n, k) => {
    const p = scored[n].p;
    const c = atThreshold(y, p, 0.5);
    const m = {
      auc: r4(rocAuc(y, p)),
      auc_ci: ci(intervals.each[k].auc),
      ap: r4(averagePrecision(y, p)),
      ap_ci: ci(intervals.each[k].ap),
      ece: r4(expectedCalibrationError(y, p)),
      f1: r4(c.f1),
      accuracy: r4(c.accuracy),
      ...(k ? { vs_baseline: { auc: r4(rocAuc(y, p) - rocAuc(y, base)), auc_ci: ci(intervals.minusFirst[k].auc), ap: r4(averagePrecision(y, p) - averagePrecision(y, base)), ap_ci: ci(intervals.minusFirst[k].ap) } } : {}),
      ...(scored[n].note ? { note: scored[n].note } : {}),
    };
    models[n] = m;
    const v = 'vs_baseline' in m ? m.vs_baseline : undefined;
    const sign = (x: number) => (x >= 0 ? '+' : '') + x.toFixed(4);
    const d = v ? `${sign(v.auc)} [${v.auc_ci.join(', ')}], ${sign(v.ap)} [${v.ap_ci.join(', ')}]` : '';
    console.log(`  ${n.padEnd(31)}  ${m.auc.toFixed(4)} [${m.auc_ci.join(', ')}]  ${m.ap.toFixed(4)} [${m.ap_ci.join(', ')}]  ${m.ece.toFixed(4)}  ${m.f1.toFixed(4)}  ${m.accuracy.toFixed(4)}    ${d}`);
  });
  for (const n of order) if (scored[n].note) console.log(`  ${n}: ${scored[n].note}`);
  const { served, ...others } = models as Record<string, { auc: number; ap: number; ece: number; f1: number; accuracy: number }>;
  return {
    summary: { model: 'calibrated', baseline, ...served, models: others },
    reliability: (n: string) => ({ bins: reliability(y, scored[n].p), ece: expectedCalibrationError(y, scored[n].p) }),
  };
}

// ---- Datasets -----------------------------------------------------------------------------

async function uciRun(t: Table, testRows?: Table) {
  let train = t;
  let test = testRows;
  if (!test) {
    const [held] = stratifiedFolds(t.y, 5, 7);
    test = pick(t, held);
    train = pick(t, splitFold(t.y.length, held)[0]);
  }
  const [valid] = stratifiedFolds(train.y, 5, 11);
  return evaluateAll(`UCI Online Shoppers: ${train.y.length} training sessions (validation: a stratified 20 % of them)`, train, test, valid);
}

async function clickRun(trainL: Labelled[], testL: Labelled[], title: string) {
  const byStart = (l: Labelled[]) => [...l].sort((p, q) => p.session.times[0] - q.session.times[0]);
  const trainS = byStart(trainL);
  // validation: the last 20 % of the training sessions by start time
  const cut = Math.floor(trainS.length * 0.8);
  const valid = [...Array(trainS.length - cut).keys()].map((i) => cut + i);
  const { train, test, fit, val } = clickTables(trainS, byStart(testL), valid);
  return evaluateAll(`${title}: ${train.y.length} training sessions (validation: the last 20 % by start)`, train, test, valid, { fit, val });
}

/** Every `step`-th session, for quick runs on a smaller sample (--max-rows). */
const thin = <T>(rows: T[]): T[] => {
  const max = Number(a['max-rows'] ?? Infinity);
  if (rows.length <= max) return rows;
  const step = rows.length / max;
  return Array.from({ length: max }, (_, i) => rows[Math.floor(i * step)]);
};

const isDir = (p: string) => statSync(p).isDirectory();
const series = (r: Awaited<ReturnType<typeof report>>, n: string, label: string, colour: string): Series => ({ name: label, colour, ...r.reliability(n) });

if (a.train && a.test) {
  let r: Awaited<ReturnType<typeof report>>;
  if (isDir(a.train)) {
    r = await clickRun(thin(readClickBuy(a.train)), thin(readClickBuy(a.test)), `${a.train} → ${a.test}`);
  } else {
    const train = readUci(a.train);
    const test = readUci(a.test);
    r = await uciRun(thinTable(train), test);
  }
  console.log(JSON.stringify(r.summary));
} else {
  const out: Record<string, unknown> = {};
  const panels: { slug: string; title: string; series: Series[] }[] = [];
  const uci = join(SHARED_DATA, 'uci-online-shoppers/train.csv');
  if (existsSync(uci) && (!a.dataset || a.dataset === 'uci')) {
    const r = await uciRun(thinTable(readUci(uci)));
    out['uci-online-shoppers'] = r.summary;
    panels.push({ slug: 'uci', title: 'UCI Online Shoppers (held-out 20 %)', series: [series(r, 'served', 'served (calibrated)', '#1f77b4'), series(r, 'served-uncalibrated', 'the same trees, uncalibrated', '#ff7f0e')] });
  }
  const yc = join(SHARED_DATA, 'yoochoose-1pct/train');
  if (existsSync(join(yc, 'buys.csv')) && (!a.dataset || a.dataset === 'yoochoose')) {
    const all = thin(readClickBuy(yc).sort((p, q) => p.session.times[0] - q.session.times[0]));
    const cut = Math.floor(all.length * 0.8);
    const r = await clickRun(all.slice(0, cut), all.slice(cut), 'YooChoose 1 %, pre-buy clicks, first 80 % of sessions by start → last 20 %');
    out['yoochoose-1pct'] = r.summary;
    panels.push({ slug: 'yoochoose', title: 'YooChoose 1 % pre-buy (later 20 %)', series: [series(r, 'served', 'served (calibrated)', '#1f77b4'), series(r, 'served-uncalibrated', 'the same trees, uncalibrated', '#ff7f0e')] });
  }
  if (!Object.keys(out).length) {
    console.log('No datasets found in ../shared/data: nothing to benchmark.');
    console.log(JSON.stringify({ skipped: 'no data' }));
    process.exit(0);
  }
  // one plot per dataset: docs/reliability-uci.svg, docs/reliability-yoochoose.svg
  if (!a['no-svg']) {
    for (const panel of panels) {
      const path = a.svg && panels.length === 1 ? a.svg : new URL(`../docs/reliability-${panel.slug}.svg`, import.meta.url).pathname;
      writeFileSync(path, reliabilitySvg([panel]));
      console.log(`\nreliability plot: ${path}`);
    }
  }
  console.log(JSON.stringify({ datasets: out }));
}

function thinTable(t: Table): Table {
  const rows = thin([...t.y.keys()]);
  return rows.length === t.y.length ? t : pick(t, rows);
}

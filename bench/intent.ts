// npm run bench:intent [-- --train PATH --test PATH]
// Purchase intent: ROC AUC, PR AUC (average precision), F1 and accuracy. PATH is a UCI Online
// Shoppers CSV, or a folder with clicks.csv + buys.csv (label: the session buys; features only
// from the clicks before its first buy). The models and the selection among them are the
// worker's own (worker/src/ml). Without --train/--test: 5-fold cross-validation on the UCI
// training data, and a later-period holdout on YooChoose (a live score cannot see the future).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_KINDS, predict, selectIntentModel, trainModel, type ModelKind } from '../worker/src/ml/intent-model';
import { splitFold, stratifiedFolds } from '../worker/src/ml/folds';
import { atThreshold, averagePrecision, rocAuc } from '../worker/src/ml/metrics';
import { SHARED_DATA, args, readBuys, readClicks, type Session } from './data';

interface Table {
  names: string[];
  X: number[][];
  y: number[];
}

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

// ---- Clicks + buys (YooChoose) ------------------------------------------------------------

interface Labelled {
  session: Session;
  buys: boolean;
}

/** Sessions cut at their first buy: only what a live score could have seen. */
function readClickBuy(dir: string): Labelled[] {
  const firstBuy = new Map<string, number>();
  for (const b of readBuys(join(dir, 'buys.csv'))) firstBuy.set(b.session, Math.min(firstBuy.get(b.session) ?? Infinity, b.time));
  return readClicks(join(dir, 'clicks.csv'))
    .map((s) => {
      const cut = firstBuy.get(s.id);
      if (cut === undefined) return { session: s, buys: false };
      const keep = s.times.map((t, i) => (t < cut ? i : -1)).filter((i) => i >= 0);
      return { session: { id: s.id, items: keep.map((i) => s.items[i]), times: keep.map((i) => s.times[i]), categories: keep.map((i) => s.categories[i]) }, buys: true };
    })
    .filter((l) => l.session.items.length > 0);
}

/** Per-item buy propensity from training sessions only, smoothed towards the overall rate. */
function itemStats(train: Labelled[]) {
  const clicks = new Map<string, number>();
  const buys = new Map<string, number>();
  let buying = 0;
  for (const l of train) {
    if (l.buys) buying++;
    for (const item of new Set(l.session.items)) {
      clicks.set(item, (clicks.get(item) ?? 0) + 1);
      if (l.buys) buys.set(item, (buys.get(item) ?? 0) + 1);
    }
  }
  const prior = buying / train.length;
  const strength = 20;
  return {
    rate: (item: string) => ((buys.get(item) ?? 0) + prior * strength) / ((clicks.get(item) ?? 0) + strength),
    popularity: (item: string) => Math.log1p(clicks.get(item) ?? 0),
  };
}

const CLICK_FEATURES = ['clicks', 'distinct_items', 'distinct_categories', 'duration_s', 'mean_dwell_s', 'max_dwell_s', 'last_dwell_s', 'clicks_per_item', 'max_item_clicks', 'hour', 'weekday', 'special_offer_share', 'mean_item_buy_rate', 'max_item_buy_rate', 'last_item_buy_rate', 'mean_item_popularity'];

function clickFeatures(s: Session, stats: ReturnType<typeof itemStats>): number[] {
  const n = s.items.length;
  const dwell = s.times.slice(1).map((t, i) => (t - s.times[i]) / 1000);
  const perItem = new Map<string, number>();
  for (const item of s.items) perItem.set(item, (perItem.get(item) ?? 0) + 1);
  const rates = [...perItem.keys()].map(stats.rate);
  const start = new Date(s.times[0]);
  return [
    n,
    perItem.size,
    new Set(s.categories).size,
    (s.times[n - 1] - s.times[0]) / 1000,
    dwell.length ? dwell.reduce((a, b) => a + b, 0) / dwell.length : 0,
    dwell.length ? Math.max(...dwell) : 0,
    dwell.length ? dwell[dwell.length - 1] : 0,
    n / perItem.size,
    Math.max(...perItem.values()),
    start.getUTCHours(),
    start.getUTCDay(),
    s.categories.filter((c) => c === 'S').length / n,
    rates.reduce((a, b) => a + b, 0) / rates.length,
    Math.max(...rates),
    stats.rate(s.items[n - 1]),
    [...perItem.keys()].reduce((a, item) => a + stats.popularity(item), 0) / perItem.size,
  ];
}

/**
 * Feature tables. Item buy rates are target statistics, so each training session gets them from
 * the other folds only (out-of-fold encoding); otherwise its own label leaks into its features.
 */
function clickTables(train: Labelled[], test: Labelled[]): [Table, Table] {
  const y = (rows: Labelled[]) => rows.map((l) => (l.buys ? 1 : 0));
  const trainX = new Array<number[]>(train.length);
  for (const fold of stratifiedFolds(y(train), 5)) {
    const [others] = splitFold(train.length, fold);
    const stats = itemStats(others.map((i) => train[i]));
    for (const i of fold) trainX[i] = clickFeatures(train[i].session, stats);
  }
  const stats = itemStats(train);
  return [
    { names: CLICK_FEATURES, X: trainX, y: y(train) },
    { names: CLICK_FEATURES, X: test.map((l) => clickFeatures(l.session, stats)), y: y(test) },
  ];
}

// ---- Evaluation ---------------------------------------------------------------------------

interface Scores {
  auc: number;
  ap: number;
  f1: number;
  accuracy: number;
}

function scoresOf(y: number[], p: number[]): Scores {
  const c = atThreshold(y, p, 0.5);
  return { auc: rocAuc(y, p), ap: averagePrecision(y, p), f1: c.f1, accuracy: c.accuracy };
}

/** Train on one table, test on another: every kind, and the one the worker's selection picks. */
function holdout(train: Table, test: Table) {
  const perKind = {} as Record<ModelKind, Scores>;
  for (const kind of MODEL_KINDS) {
    const model = trainModel(kind, train.X, train.y);
    perKind[kind] = scoresOf(test.y, test.X.map((x) => predict(model, x)));
  }
  const selection = selectIntentModel(train.X, train.y);
  return { selected: selection.kind, scores: perKind[selection.kind], perKind };
}

/** Stratified 5-fold cross-validation: every kind's out-of-fold scores; selection picks by CV AUC. */
function crossValidated(t: Table) {
  const perKind = {} as Record<ModelKind, Scores>;
  for (const kind of MODEL_KINDS) {
    const p = new Array<number>(t.y.length);
    for (const fold of stratifiedFolds(t.y, 5)) {
      const [train] = splitFold(t.y.length, fold);
      const model = trainModel(kind, train.map((i) => t.X[i]), train.map((i) => t.y[i]));
      for (const i of fold) p[i] = predict(model, t.X[i]);
    }
    perKind[kind] = scoresOf(t.y, p);
  }
  const selected = MODEL_KINDS.reduce((best, k) => (perKind[k].auc > perKind[best].auc ? k : best));
  return { selected, scores: perKind[selected], perKind };
}

function print(title: string, r: ReturnType<typeof holdout>) {
  console.log(`\n${title}`);
  console.log('  model      ROC AUC  PR AUC   F1       accuracy');
  for (const [kind, s] of Object.entries(r.perKind)) {
    console.log(`  ${(kind + (kind === r.selected ? ' *' : '')).padEnd(9)}  ${s.auc.toFixed(4)}   ${s.ap.toFixed(4)}   ${s.f1.toFixed(4)}   ${s.accuracy.toFixed(4)}`);
  }
  console.log('  (* the model the worker would serve: best cross-validated AUC on the training data)');
}

const round = (s: Scores) => ({ auc: +s.auc.toFixed(4), ap: +s.ap.toFixed(4), f1: +s.f1.toFixed(4), accuracy: +s.accuracy.toFixed(4) });
const isDir = (p: string) => statSync(p).isDirectory();

function load(path: string) {
  return isDir(path) ? readClickBuy(path) : readUci(path);
}

const a = args();
if (a.train && a.test) {
  const train = load(a.train);
  const test = load(a.test);
  const [trainT, testT] = Array.isArray(train) ? clickTables(train, test as Labelled[]) : [train, test as Table];
  const r = holdout(trainT, testT);
  print(`${a.train} → ${a.test}: ${trainT.y.length} training and ${testT.y.length} test sessions`, r);
  console.log(JSON.stringify({ model: r.selected, ...round(r.scores), models: Object.fromEntries(Object.entries(r.perKind).map(([k, s]) => [k, round(s)])) }));
} else {
  const out: Record<string, unknown> = {};
  const uci = join(SHARED_DATA, 'uci-online-shoppers/train.csv');
  if (existsSync(uci)) {
    const t = readUci(uci);
    const r = crossValidated(t);
    print(`UCI Online Shoppers: ${t.y.length} sessions, 5-fold stratified cross-validation`, r);
    out['uci-online-shoppers'] = { model: r.selected, ...round(r.scores), models: Object.fromEntries(Object.entries(r.perKind).map(([k, s]) => [k, round(s)])) };
  }
  const yc = join(SHARED_DATA, 'yoochoose-1pct/train');
  if (existsSync(join(yc, 'buys.csv'))) {
    const all = readClickBuy(yc).sort((p, q) => p.session.times[0] - q.session.times[0]);
    const cut = Math.floor(all.length * 0.8);
    const [trainT, testT] = clickTables(all.slice(0, cut), all.slice(cut));
    const r = holdout(trainT, testT);
    print(`YooChoose 1%: pre-buy clicks, first 80 % of sessions (by start) → last 20 % (${trainT.y.length} → ${testT.y.length})`, r);
    const duration = CLICK_FEATURES.indexOf('duration_s');
    out['yoochoose-1pct'] = {
      model: r.selected,
      ...round(r.scores),
      models: Object.fromEntries(Object.entries(r.perKind).map(([k, s]) => [k, round(s)])),
      duration_only_auc: +rocAuc(testT.y, testT.X.map((x) => x[duration])).toFixed(4),
    };
  }
  if (!Object.keys(out).length) {
    console.log('No datasets found in ../shared/data: nothing to benchmark.');
    console.log(JSON.stringify({ skipped: 'no data' }));
    process.exit(0);
  }
  console.log(JSON.stringify({ datasets: out }));
}

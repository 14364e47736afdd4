// npm run bench:recs [-- --train DIR --test DIR] [--dataset NAME] [--max-test N] [--max-valid N] [--no-tune] [--quick] [--reps N] [--knn-cache FILE]
// npm run bench:recs -- --write-ranker [--ranker-datasets yoochoose-100k,yoochoose-1pct] [--ranker-periods K]
//   [--ranker-check-earlier] [--ranker-shape JSON] [--ranker-out FILE]: trains the served ranker on those datasets'
//   validation periods (and the K − 1 tenths of sessions before each, or, with --ranker-check-earlier, measures it
//   there), pooled, and writes worker/src/recs/default-ranker.ts or FILE (the test periods are not read).
// Next-item prediction for every prefix of every test session (HR@20, MRR@20, with 95 %
// bootstrap intervals over test sessions), by the protocol of docs/evaluation.md:
// - "linger" is what /v1/recs serves for a product page: the worker's own sources, blend and
//   ranking (worker/src/recs/blend.ts) on stores fed as SiteBrain feeds its own, with the
//   served weights and ranker. "linger-tuned" is the same code with weights tuned on this dataset's
//   validation period. Both are ranked by their position in the served list.
// - Baselines in the same run: POP, item co-occurrence, V-SKNN (published defaults), V-SKNN
//   tuned, STAN and VSTAN (tuned), each alone.
// - Tuning reads only the validation period: the last 10 % of the training sessions (by start);
//   the test period is scored once, with the settings chosen there. Datasets whose validation
//   period has fewer than 1,000 predictions are not tuned: every model keeps its defaults.
// Without --train/--test: every dataset in ../shared/data, with its own test split if it has
// one, else a time split of its training data (the last 10 % of sessions by start time).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blend, DEFAULT_BLEND, MAX_SESSION_CLICKS, recommendItems, reminderScores, requestSources, servedFilters, type BlendWeights, type Filters, type RecRequest, type Source, type SourceKey } from '../worker/src/recs/blend';
import { RANKER_FEATURES, rankerRows, rankerScores, type Ranker } from '../worker/src/recs/ranker';
import { DEFAULT_RANKER } from '../worker/src/recs/default-ranker';
import { trainGbdt, type GbdtOptions } from '../worker/src/ml/gbdt';
import { seededRandom } from '../worker/src/ml/random';
import { writeFileSync } from 'node:fs';
import { CoOccurrence } from '../worker/src/recs/cooccurrence';
import { SessionIndex } from '../worker/src/recs/session-index';
import { SessionKnn } from '../worker/src/recs/session-knn';
import { SERVED_VSTAN } from '../worker/src/recs/session-models';
import { Stan, STAN_DEFAULTS, VSTAN_DEFAULTS, type StanOptions } from '../worker/src/recs/stan';
import { ratioInterval, bootstrapInterval } from '../worker/src/ml/bootstrap';
import { coordinateSearch } from '../worker/src/ml/tuning';
import type { CatalogItem } from '../worker/src/catalog';
import { args, clickDatasets, filterForProtocol, readBuys, readClicks, splitByTime, type Session } from './data';
import { MemoryRecModels } from './rec-models';

const CUTOFF = 20;
const a = args();
const REPS = Number(a.reps ?? 1_000);
const MIN_VALIDATION_PREDICTIONS = 1_000;

// ---- Evaluation ---------------------------------------------------------------------------

interface Prediction {
  session: number;
  prefix: string[];
  target: string;
  /** Time of the prefix's last click: what the live request would see as now. */
  now: number;
  categories: string[];
}

function predictionsOf(test: Session[]): Prediction[] {
  const out: Prediction[] = [];
  test.forEach((s, session) => {
    for (let t = 1; t < s.items.length; t++) out.push({ session, prefix: s.items.slice(0, t), target: s.items[t], now: s.times[t - 1], categories: s.categories.slice(0, t) });
  });
  return out;
}

/** Per test session: hits and reciprocal ranks summed, and its number of predictions. */
interface Outcome {
  hits: Float64Array;
  rr: Float64Array;
  n: Float64Array;
  ms: number;
}

function outcome(sessions: number, predictions: Prediction[], rankOf: (p: Prediction, i: number) => number): Outcome {
  const o = { hits: new Float64Array(sessions), rr: new Float64Array(sessions), n: new Float64Array(sessions), ms: 0 };
  const start = performance.now();
  for (const [i, p] of predictions.entries()) {
    const r = rankOf(p, i);
    o.n[p.session]++;
    if (r > 0 && r <= CUTOFF) (o.hits[p.session]++, (o.rr[p.session] += 1 / r));
  }
  o.ms = (performance.now() - start) / Math.max(1, predictions.length);
  return o;
}

/**
 * Rank of the target among positively scored items (0: not scored). Ties rank by item id, as
 * the served list orders them; `ties: 'target'` gives them to the target, as session-rec does
 * (reported beside, for comparison with published figures).
 */
function rankInScores(scores: ReadonlyMap<string, number>, target: string, ties: 'id' | 'target' = 'id'): number {
  const t = scores.get(target) ?? 0;
  if (!(t > 0)) return 0;
  let r = 1;
  if (ties === 'target') for (const v of scores.values()) r += v > t ? 1 : 0;
  else for (const [item, v] of scores) r += v > t || (v === t && item < target) ? 1 : 0;
  return r;
}

const sum = (x: Float64Array) => x.reduce((s, v) => s + v, 0);
const mrrOf = (o: Outcome) => sum(o.rr) / sum(o.n);
const hrOf = (o: Outcome) => sum(o.hits) / sum(o.n);

// ---- The served recommender, for a prediction ---------------------------------------------

function requestFor(p: Prediction): RecRequest {
  const recent = [...new Set([...p.prefix].reverse())];
  return { site: 'bench', context: 'product', item: p.prefix[p.prefix.length - 1], limit: CUTOFF, views: p.prefix, recent, cart: [], bought: [], affinity: {} };
}

/** The protocol's filters: re-clicks stay candidates, no category cap (docs/evaluation.md). */
const PROTOCOL_FILTERS: Filters = { excluded: new Set(), perCategory: Infinity };
const NO_CATALOG = new Map<string, CatalogItem>();

function servedRank(models: MemoryRecModels, weights: BlendWeights, p: Prediction, catalog = NO_CATALOG, shop = false): number {
  const req = requestFor(p);
  if (shop) {
    const affinity: Record<string, number> = Object.create(null);
    for (const item of p.prefix) {
      const c = catalog.get(item)?.category;
      if (c) affinity[c] = (affinity[c] ?? 0) + 1;
    }
    req.affinity = affinity;
  }
  const list = recommendItems(req, models, catalog, p.now, { weights, filters: shop ? servedFilters(req) : PROTOCOL_FILTERS });
  return list.findIndex((r) => r.item_id === p.target) + 1;
}

/** A shop's catalog from the training clicks: each item's most frequent real category, all in stock. */
function catalogOf(train: Session[]): Map<string, CatalogItem> {
  const counts = new Map<string, Map<string, number>>();
  for (const s of train) {
    s.items.forEach((item, i) => {
      const c = s.categories[i];
      let m = counts.get(item);
      if (!m) counts.set(item, (m = new Map()));
      if (c && c !== '0' && c !== 'S') m.set(c, (m.get(c) ?? 0) + 1); // YooChoose: 0 unknown, S special offer
    });
  }
  const out = new Map<string, CatalogItem>();
  for (const [item, m] of counts) {
    const best = [...m].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0]?.[0] ?? '';
    out.set(item, { id: item, name: item, category: best, price: 0, inStock: true });
  }
  return out;
}

// ---- Tuning on the validation period ------------------------------------------------------

interface Tuned {
  vsknn: { k: number; sampleSize: number };
  stan: StanOptions;
  vstan: StanOptions;
  blend: BlendWeights;
  ranker?: Ranker;
  tuned: boolean;
  log: string[];
}

function log(t: Tuned, line: string) {
  t.log.push(line);
  console.log(`    ${line}`);
}

const STAN_GRID: { [K in keyof StanOptions]?: StanOptions[K][] } = {
  k: [50, 100, 200, 500],
  sampleSize: [500, 1_000, 2_500],
  spw: [0.5, 1.02, 2, 4, 8],
  snhDays: [1, 5, 20, 80, null],
  inh: [0.5, 1, 2.05, 4, 8, null],
};
const VSTAN_GRID: typeof STAN_GRID = { ...STAN_GRID, ipw: [0.5, 1.02, 2, 4, 8, null], idf: [null, 1, 2, 5, 10] };
const WEIGHT_GRID = [0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3];
const TUNED_SOURCES: SourceKey[] = ['reminder', 'sequential', 'viewed_together', 'bought_together', 'trending'];

function tune(fit: Session[], validation: Session[], baskets: { items: string[]; time: number }[], maxValid: number): Tuned {
  // the searches start from the published defaults, within the served bound on candidates
  const t: Tuned = { vsknn: { k: 100, sampleSize: 500 }, stan: { ...STAN_DEFAULTS, sampleSize: 2_500 }, vstan: { ...SERVED_VSTAN }, blend: DEFAULT_BLEND, tuned: false, log: [] };
  const preds = predictionsOf(validation.slice(0, maxValid));
  if (preds.length < MIN_VALIDATION_PREDICTIONS) {
    log(t, `validation period: ${preds.length} predictions, fewer than ${MIN_VALIDATION_PREDICTIONS}: not tuned, every model keeps its defaults`);
    return t;
  }
  t.tuned = true;
  log(t, `validation period: ${fit.length} sessions → ${validation.length} sessions, ${preds.length} predictions; objective MRR@20`);
  const sessions = validation.length;
  const mrr = (rankOf: (p: Prediction, i: number) => number) => mrrOf(outcome(sessions, preds, rankOf));

  // --knn-cache FILE (development): reuse the kNN searches of an earlier run on the same data
  const cache = a['knn-cache'] && existsSync(a['knn-cache']) ? JSON.parse(readFileSync(a['knn-cache'], 'utf8')) : null;
  if (cache) {
    Object.assign(t, { vsknn: cache.vsknn ?? t.vsknn, stan: cache.stan ?? t.stan, vstan: cache.vstan ?? t.vstan });
    log(t, `kNN settings from ${a['knn-cache']}: ${JSON.stringify(cache)}`);
  }
  // V-SKNN over every training session, as in the literature
  const knnIndex = new SessionIndex();
  for (const s of [...fit].sort((x, y) => x.times[x.times.length - 1] - y.times[y.times.length - 1])) knnIndex.add({ items: s.items, time: s.times[s.times.length - 1] });
  if (!cache) t.vsknn = coordinateSearch(t.vsknn, { k: [50, 100, 200, 500], sampleSize: [500, 1_000, 2_500, 5_000] }, (o) => {
    const knn = new SessionKnn(o, knnIndex);
    return mrr((p) => rankInScores(knn.score(p.prefix), p.target));
  }, { onScore: (o, s) => log(t, `vsknn ${JSON.stringify(o)} → ${s.toFixed(4)}`) }).best;

  // STAN and VSTAN on the index SiteBrain would hold
  const models = new MemoryRecModels(fit, baskets);
  const stanScore = (o: StanOptions) => {
    const stan = new Stan(models.index, o);
    return mrr((p) => rankInScores(stan.score(p.prefix.slice(-MAX_SESSION_CLICKS), p.now), p.target));
  };
  // --quick: STAN and VSTAN keep their starting settings (published STAN, SERVED_VSTAN); V-SKNN is still tuned
  if (a.quick && !cache) log(t, '--quick: STAN and VSTAN not tuned');
  if (!cache && !a.quick) t.stan = coordinateSearch(t.stan, { ...STAN_GRID }, stanScore, { passes: 1, onScore: (o, s) => log(t, `stan ${JSON.stringify(o)} → ${s.toFixed(4)}`) }).best;
  if (!cache && !a.quick) t.vstan = coordinateSearch({ ...t.stan, ipw: VSTAN_DEFAULTS.ipw, idf: VSTAN_DEFAULTS.idf }, { ...VSTAN_GRID }, stanScore, { passes: 1, onScore: (o, s) => log(t, `vstan ${JSON.stringify(o)} → ${s.toFixed(4)}`) }).best;

  if (a['knn-cache'] && !cache) writeFileSync(a['knn-cache'], JSON.stringify({ vsknn: t.vsknn, stan: t.stan, vstan: t.vstan }));

  // Blend weights over cached sources: the session source keeps weight 1 (only ratios matter)
  const served = new MemoryRecModels(fit, baskets, { stan: t.vstan });
  const everything: BlendWeights = { ...DEFAULT_BLEND, contexts: { ...DEFAULT_BLEND.contexts, product: Object.fromEntries([...TUNED_SOURCES, 'session'].map((k) => [k, 1])) } };
  // each source's top 300: the rest cannot reach the top 20 (an approximation for tuning only)
  const top = (m: ReadonlyMap<string, number>) => (m.size <= 300 ? m : new Map([...m].sort((x, y) => y[1] - x[1]).slice(0, 300)));
  const cached = preds.map((p) => requestSources(requestFor(p), served, everything, p.now).filter((s) => s.key !== 'reminder').map((s) => ({ key: s.key, scores: top(s.scores) })));
  type Search = Record<SourceKey, number> & { reminderDecay: number };
  const start: Search = { ...(DEFAULT_BLEND.contexts.product as Record<SourceKey, number>), session: 1, reminderDecay: DEFAULT_BLEND.reminderDecay };
  const blendScore = (o: Search) =>
    mrr((p, i) => {
      const sources: Source[] = [...cached[i], { key: 'reminder', scores: reminderScores(p.prefix.slice(-MAX_SESSION_CLICKS), o.reminderDecay) }];
      // without filters or catalog, the served list's order is the blended score's, ties by id
      const blended = new Map([...blend(sources, o)].map(([item, b]) => [item, b.score]));
      return rankInScores(blended, p.target);
    });
  const grid: { [K in keyof Search]?: number[] } = Object.fromEntries(TUNED_SOURCES.map((k) => [k, WEIGHT_GRID]));
  grid.reminderDecay = [0.1, 0.25, 0.5, 0.75, 0.9];
  const { best } = coordinateSearch(start, grid, blendScore, { onScore: (o, s) => log(t, `blend ${JSON.stringify(o)} → ${s.toFixed(4)}`) });
  const { reminderDecay, ...weights } = best;
  t.blend = { ...DEFAULT_BLEND, reminderDecay, contexts: { ...DEFAULT_BLEND.contexts, product: weights }, ranker: undefined };

  // The learned ranker: trained on the validation period's first 3/4 of sessions, boosting
  // stopped on the last 1/4, where it is compared with the weighted sum.
  const set = rankerSet(preds, preds.map((p, i) => [...cached[i], { key: 'reminder' as const, scores: reminderScores(p.prefix.slice(-MAX_SESSION_CLICKS), reminderDecay) }]), (item) => served.popularity(item), Math.min(sessions, maxValid));
  t.ranker = fitRanker([set]);
  const ranked = heldMrr(set, (sources, views, anchor, popularity) => rankerScores(t.ranker!, sources, views, anchor, popularity));
  const summed = heldMrr(set, (sources) => new Map([...blend(sources, best)].map(([item, b]) => [item, b.score])));
  const keep = ranked > summed;
  log(t, `ranker: ${t.ranker.model.trees.length} trees; last quarter of the validation period: MRR@20 ${ranked.toFixed(4)} ranked, ${summed.toFixed(4)} by the weighted sum → ${keep ? 'ranker' : 'weighted sum'}`);
  if (keep) t.blend = { ...t.blend, ranker: t.ranker };
  return t;
}

// ---- The learned ranker ------------------------------------------------------------------

/**
 * A validation period's ranker examples: the predictions of its first 3/4 of sessions fit
 * (with a quarter of the negatives), those of its last 1/4 stop the boosting and measure it.
 */
interface RankerSet {
  fitX: number[][];
  fitY: number[];
  held: { target: string; items: string[]; X: number[][] }[];
  /** The held-out predictions' sources, views and anchor, to rank them another way. */
  heldInputs: { sources: Source[]; views: string[]; anchor: string }[];
  popularity: (item: string) => number;
}

function rankerSet(preds: Prediction[], sources: Source[][], popularity: (item: string) => number, sessions: number, heldShare = 0.25): RankerSet {
  const split = Math.floor(sessions * (1 - heldShare));
  const random = seededRandom(5);
  const set: RankerSet = { fitX: [], fitY: [], held: [], heldInputs: [], popularity };
  preds.forEach((p, i) => {
    const views = p.prefix.slice(-MAX_SESSION_CLICKS);
    const anchor = p.prefix[p.prefix.length - 1];
    const { items, X } = rankerRows(sources[i], views, anchor, popularity);
    if (p.session >= split) {
      set.held.push({ target: p.target, items, X });
      set.heldInputs.push({ sources: sources[i], views, anchor });
      return;
    }
    items.forEach((item, j) => {
      const y = item === p.target ? 1 : 0;
      if (y || random() < RANKER_SHAPE.negatives) set.fitX.push(X[j]), set.fitY.push(y);
    });
  });
  return set;
}

/**
 * How the served ranker is trained: the share of negatives kept, and its trees.
 * `--ranker-shape JSON` tries others (with `--ranker-out FILE`, leaving the served ranker be).
 */
const triedShape: { negatives?: number; gbdt?: GbdtOptions } = JSON.parse(a['ranker-shape'] ?? '{}');
const RANKER_SHAPE = {
  negatives: triedShape.negatives ?? 0.25,
  gbdt: { trees: 400, depth: 4, rate: 0.1, minLeaf: 100, lambda: 1, ...triedShape.gbdt },
};

/** One ranker from one or more validation periods' examples, pooled. */
function fitRanker(sets: RankerSet[]): Ranker {
  const held = sets.flatMap((s) => s.held);
  const model = trainGbdt(sets.flatMap((s) => s.fitX), sets.flatMap((s) => s.fitY), RANKER_SHAPE.gbdt, {
    X: held.flatMap((h) => h.X),
    y: held.flatMap((h) => h.items.map((item) => (item === h.target ? 1 : 0))),
    patience: 30,
  });
  return { kind: 'ranker', features: RANKER_FEATURES, model };
}

/** MRR@20 on a set's held-out predictions of a scoring (logits shifted above zero, as served). */
function heldMrr(set: RankerSet, scoreOf: (sources: Source[], views: string[], anchor: string, popularity: (item: string) => number) => Map<string, number>): number {
  let rr = 0;
  set.held.forEach((h, i) => {
    const { sources, views, anchor } = set.heldInputs[i];
    const z = scoreOf(sources, views, anchor, set.popularity);
    let min = Infinity;
    for (const v of z.values()) min = Math.min(min, v);
    const r = rankInScores(new Map([...z].map(([item, v]) => [item, v - min + 1])), h.target);
    if (r > 0 && r <= CUTOFF) rr += 1 / r;
  });
  return rr / Math.max(1, set.held.length);
}

/**
 * The ranker as it is written: leaf values to 6 significant digits (the file stays small);
 * thresholds exact, since one rounded past a feature's value would send it down the other
 * branch (rounding them too cost 0.7 % of MRR@20 on yoochoose-100k's held-out quarter).
 */
function asWritten(ranker: Ranker): Ranker {
  const round = (v: number) => +v.toPrecision(6);
  return { ...ranker, model: { ...ranker.model, base: round(ranker.model.base), trees: ranker.model.trees.map((t) => ({ ...t, value: t.value.map(round) })) } };
}

/** Writes the served ranker. */
function writeRanker(ranker: Ranker, sources: string[]) {
  const path = a['ranker-out'] ?? new URL('../worker/src/recs/default-ranker.ts', import.meta.url).pathname;
  writeFileSync(path, `// The served ranker of the product page, written by \`npm run bench:recs -- --write-ranker\`:
// trained on the validation periods of ${sources.join(' and ')}, pooled (docs/evaluation.md). Do not edit by hand.
import type { Ranker } from './ranker';

export const DEFAULT_RANKER: Ranker = ${JSON.stringify(ranker)};
`);
  console.log(`  wrote ${path}`);
}

// ---- One dataset ---------------------------------------------------------------------------

interface Row {
  'hr@20': number;
  'mrr@20': number;
  hr_ci: [number, number];
  mrr_ci: [number, number];
  /** Paired bootstrap ratio to tuned V-SKNN on the same resampled sessions. */
  mrr_vs_vsknn_tuned: { ratio: number; ci: number[] };
  hr_vs_vsknn_tuned: { ratio: number; ci: number[] };
  ms_per_prediction: number;
}

function basketsOf(buysPath: string | undefined, before: number): { items: string[]; time: number }[] {
  if (!buysPath || !existsSync(buysPath)) return [];
  const bySession = new Map<string, { items: string[]; time: number }>();
  for (const b of readBuys(buysPath)) {
    if (b.time >= before) continue;
    const basket = bySession.get(b.session) ?? { items: [], time: b.time };
    basket.items.push(b.item);
    basket.time = Math.max(basket.time, b.time);
    bySession.set(b.session, basket);
  }
  return [...bySession.values()];
}

function run(name: string, trainRaw: Session[], testRaw: Session[], buysPath?: string) {
  const { train, test: testAll } = filterForProtocol(trainRaw, testRaw);
  const test = a['max-test'] ? testAll.slice(0, Number(a['max-test'])) : testAll;
  const trainEnd = Math.max(...train.map((s) => s.times[s.times.length - 1]));
  console.log(`\n${name}: ${train.length} training sessions, ${test.length} test sessions`);

  // Tuning: the validation period is the end of the training data.
  const split = splitByTime(trainRaw, 0.1);
  const valid = filterForProtocol(split.train, split.test);
  const fitEnd = Math.max(...valid.train.map((s) => s.times[s.times.length - 1]));
  const tuneStart = performance.now();
  const tuned = a['no-tune']
    ? { vsknn: { k: 100, sampleSize: 500 }, stan: STAN_DEFAULTS, vstan: SERVED_VSTAN, blend: DEFAULT_BLEND, tuned: false, log: ['--no-tune'] }
    : tune(valid.train, valid.test, basketsOf(buysPath, fitEnd + 1), Number(a['max-valid'] ?? Infinity));

  const tuneSeconds = (performance.now() - tuneStart) / 1_000;

  // Final models on the whole training data.
  const baskets = basketsOf(buysPath, trainEnd + 1);
  const preds = predictionsOf(test);
  const sessions = test.length;
  const cooc = new CoOccurrence(Infinity);
  const knnIndex = new SessionIndex();
  for (const s of [...train].sort((x, y) => x.times[x.times.length - 1] - y.times[y.times.length - 1])) {
    cooc.add(s.items);
    knnIndex.add({ items: s.items, time: s.times[s.times.length - 1] });
  }
  const pop = new Map([...cooc.counts()].sort((x, y) => y[1] - x[1]).slice(0, CUTOFF));
  const vsknn = new SessionKnn({}, knnIndex);
  const vsknnTuned = new SessionKnn(tuned.vsknn, knnIndex);
  const servedModels = new MemoryRecModels(train, baskets);
  const tunedModels = new MemoryRecModels(train, baskets, { stan: tuned.vstan });
  const stan = new Stan(tunedModels.index, tuned.stan);
  const vstan = new Stan(tunedModels.index, tuned.vstan);
  const catalog = catalogOf(train);

  const scoreStart = performance.now();
  const outcomes: Record<string, Outcome> = {
    linger: outcome(sessions, preds, (p) => servedRank(servedModels, DEFAULT_BLEND, p)),
    'linger-tuned': outcome(sessions, preds, (p) => servedRank(tunedModels, tuned.blend, p)),
    'linger-shop-filters': outcome(sessions, preds, (p) => servedRank(servedModels, DEFAULT_BLEND, p, catalog, true)),
    'vsknn-tuned': outcome(sessions, preds, (p) => rankInScores(vsknnTuned.score(p.prefix), p.target)),
    vsknn: outcome(sessions, preds, (p) => rankInScores(vsknn.score(p.prefix), p.target)),
    'vsknn-tuned, ties to target': outcome(sessions, preds, (p) => rankInScores(vsknnTuned.score(p.prefix), p.target, 'target')),
    stan: outcome(sessions, preds, (p) => rankInScores(stan.score(p.prefix.slice(-MAX_SESSION_CLICKS), p.now), p.target)),
    vstan: outcome(sessions, preds, (p) => rankInScores(vstan.score(p.prefix.slice(-MAX_SESSION_CLICKS), p.now), p.target)),
    pop: outcome(sessions, preds, (p) => rankInScores(pop, p.target)),
    cooc: outcome(sessions, preds, (p) => rankInScores(new Map(cooc.neighbours(p.prefix[p.prefix.length - 1], { limit: 1_000 }).map((n) => [n.item, n.score])), p.target)),
  };
  const scoreSeconds = (performance.now() - scoreStart) / 1_000;
  // Paired: the same resampled sessions for both, so the interval is of the ratio itself.
  const paired = (x: Outcome, y: Outcome, field: 'rr' | 'hits') => {
    const ci = bootstrapInterval(sessions, (s) => {
      let nx = 0, ny = 0;
      for (const i of s) (nx += x[field][i]), (ny += y[field][i]);
      return nx / ny;
    }, { reps: REPS });
    return { ratio: +(sum(x[field]) / sum(y[field])).toFixed(4), ci: [+ci.low.toFixed(4), +ci.high.toFixed(4)] };
  };
  const baseline = outcomes['vsknn-tuned'];
  const row = (o: Outcome): Row => {
    const hr = ratioInterval(o.hits, o.n, { reps: REPS });
    const mrr = ratioInterval(o.rr, o.n, { reps: REPS });
    return {
      'hr@20': +hrOf(o).toFixed(4), 'mrr@20': +mrrOf(o).toFixed(4), hr_ci: [+hr.low.toFixed(4), +hr.high.toFixed(4)], mrr_ci: [+mrr.low.toFixed(4), +mrr.high.toFixed(4)],
      mrr_vs_vsknn_tuned: paired(o, baseline, 'rr'), hr_vs_vsknn_tuned: paired(o, baseline, 'hits'), ms_per_prediction: +o.ms.toFixed(3),
    };
  };
  const rows = Object.fromEntries(Object.entries(outcomes).map(([k, o]) => [k, row(o)]));
  const versus = { 'mrr@20': rows.linger.mrr_vs_vsknn_tuned, 'hr@20': rows.linger.hr_vs_vsknn_tuned };
  const tunedVersus = { 'mrr@20': rows['linger-tuned'].mrr_vs_vsknn_tuned, 'hr@20': rows['linger-tuned'].hr_vs_vsknn_tuned };

  console.log(`  ${preds.length} predictions; tuned on the validation period: ${tuned.tuned ? 'yes' : 'no (defaults)'}`);
  console.log(`  tuning ${tuneSeconds.toFixed(0)} s, scoring ${scoreSeconds.toFixed(0)} s`);
  console.log('  algorithm                     HR@20   (95 % CI)          MRR@20  (95 % CI)          MRR ÷ tuned V-SKNN (paired CI)  HR ÷ tuned V-SKNN (paired CI)  ms/prediction');
  const ci = (x: { ratio: number; ci: number[] }) => `${x.ratio.toFixed(4)} [${x.ci[0].toFixed(4)}, ${x.ci[1].toFixed(4)}]`;
  for (const [alg, r] of Object.entries(rows)) {
    console.log(`  ${alg.padEnd(28)}  ${r['hr@20'].toFixed(4)}  [${r.hr_ci[0].toFixed(4)}, ${r.hr_ci[1].toFixed(4)}]  ${r['mrr@20'].toFixed(4)}  [${r.mrr_ci[0].toFixed(4)}, ${r.mrr_ci[1].toFixed(4)}]  ${ci(r.mrr_vs_vsknn_tuned).padEnd(30)}  ${ci(r.hr_vs_vsknn_tuned).padEnd(29)}  ${r.ms_per_prediction.toFixed(3)}`);
  }
  console.log('  linger: what serves (DEFAULT_BLEND and its ranker on SERVED_VSTAN); linger-tuned: the same code tuned on this validation period');
  console.log(`  linger / tuned V-SKNN: MRR@20 ×${versus['mrr@20'].ratio} [${versus['mrr@20'].ci.join(', ')}], HR@20 ×${versus['hr@20'].ratio} [${versus['hr@20'].ci.join(', ')}] (paired bootstrap)`);
  console.log(`  linger-tuned / tuned V-SKNN: MRR@20 ×${tunedVersus['mrr@20'].ratio} [${tunedVersus['mrr@20'].ci.join(', ')}], HR@20 ×${tunedVersus['hr@20'].ratio} [${tunedVersus['hr@20'].ci.join(', ')}]`);
  const { linger, ...others } = rows;
  return {
    algorithm: 'linger',
    'hr@20': linger['hr@20'],
    'mrr@20': linger['mrr@20'],
    hr_ci: linger.hr_ci,
    mrr_ci: linger.mrr_ci,
    predictions: preds.length,
    vs_vsknn_tuned: versus,
    tuned_vs_vsknn_tuned: tunedVersus,
    baselines: others,
    tuned: tuned.tuned ? { vsknn: tuned.vsknn, stan: tuned.stan, vstan: tuned.vstan, blend: { ...tuned.blend.contexts.product, reminderDecay: tuned.blend.reminderDecay }, ranker_trees: tuned.blend.ranker?.model.trees.length ?? 0 } : null,
    seconds: { tuning: +tuneSeconds.toFixed(1), scoring: +scoreSeconds.toFixed(1) },
  };
}

/** The datasets to run: [name, training clicks, test clicks, buys file]. */
function datasets(): [string, Session[], Session[], string][] {
  if (a.train && a.test) return [[`${a.train} → ${a.test}`, readClicks(join(a.train, 'clicks.csv')), readClicks(join(a.test, 'clicks.csv')), join(a.train, 'buys.csv')]];
  const names = a['write-ranker'] ? (a['ranker-datasets'] ?? 'yoochoose-100k,yoochoose-1pct').split(',') : a.dataset ? [a.dataset] : null;
  return clickDatasets()
    .filter(([name]) => !names || names.includes(name))
    .map(([name, dir]) => {
      if (existsSync(join(dir, 'test/clicks.csv'))) return [name, readClicks(join(dir, 'train/clicks.csv')), readClicks(join(dir, 'test/clicks.csv')), join(dir, 'train/buys.csv')];
      const { train, test } = splitByTime(readClicks(join(dir, 'train/clicks.csv')));
      return [`${name} (time split)`, train, test, join(dir, 'train/buys.csv')];
    });
}

/**
 * A period's ranker examples: the training sessions starting in the last `share` of them (and
 * before `end`), filtered by the protocol against the sessions before, on sources fitted on those.
 */
function rankerPeriod(trainRaw: Session[], buysPath: string, share: number, { end = Infinity, maxSessions = Infinity, heldShare = 0.25 } = {}) {
  const split = splitByTime(trainRaw, share);
  const period = filterForProtocol(split.train, split.test.filter((s) => s.times[0] < end));
  const sessions = period.test.slice(0, maxSessions);
  const fitEnd = Math.max(...period.train.map((s) => s.times[s.times.length - 1]));
  const preds = predictionsOf(sessions);
  const models = new MemoryRecModels(period.train, basketsOf(buysPath, fitEnd + 1));
  const set = rankerSet(preds, preds.map((p) => requestSources(requestFor(p), models, DEFAULT_BLEND, p.now)), (item) => models.popularity(item), sessions.length, heldShare);
  return { fit: period.train, sessions, preds, set };
}

/** MRR@20 of a ranker on a set's held-out predictions. */
const rankerMrr = (set: RankerSet, ranker: Ranker) => heldMrr(set, (sources, views, anchor, popularity) => rankerScores(ranker, sources, views, anchor, popularity));

/**
 * --write-ranker: the served ranker, trained on the validation periods of several datasets
 * pooled (each one's first 3/4 of sessions fit, its last 1/4 stops the boosting), on the
 * served sources (SERVED_VSTAN, DEFAULT_BLEND's reminder). The test periods are not read.
 */
function writeServedRanker(all: [string, Session[], Session[], string][]) {
  const sets: { name: string; set: RankerSet; vsknn: number }[] = [];
  const earlier: { name: string; set: RankerSet }[] = [];
  const periods = Math.max(1, Math.floor(Number(a['ranker-periods'] ?? 1)));
  // --ranker-check-earlier: the earlier periods are held out to measure the ranker, not fitted
  const checkEarlier = a['ranker-check-earlier'] === 'true';
  for (const [name, trainRaw, , buysPath] of all) {
    // --ranker-periods K: the K − 1 tenths of sessions before the validation period add fit
    // examples, each from the sources fitted on the sessions before it (none held out)
    for (let k = 2; k <= periods; k++) {
      const end = Math.min(...splitByTime(trainRaw, 0.1 * (k - 1)).test.map((s) => s.times[0]));
      const { sessions, preds, set } = rankerPeriod(trainRaw, buysPath, 0.1 * k, { end, heldShare: checkEarlier ? 1 : 0 });
      earlier.push({ name: `${name}, the tenth ${k} tenths before the end`, set });
      console.log(`${name}: period ${k} tenths before the end, ${sessions.length} sessions, ${preds.length} predictions (${checkEarlier ? 'all held out' : 'all fit'})`);
    }
    const { fit, sessions: validation, preds, set } = rankerPeriod(trainRaw, buysPath, 0.1, { maxSessions: Number(a['max-valid'] ?? Infinity) });
    // V-SKNN (published defaults) on the same held-out predictions, for scale
    const knnIndex = new SessionIndex();
    for (const s of [...fit].sort((x, y) => x.times[x.times.length - 1] - y.times[y.times.length - 1])) knnIndex.add({ items: s.items, time: s.times[s.times.length - 1] });
    const knn = new SessionKnn({}, knnIndex);
    const heldPreds = preds.filter((p) => p.session >= Math.floor(validation.length * 0.75));
    const vsknn = mrrOf(outcome(validation.length, heldPreds, (p) => rankInScores(knn.score(p.prefix), p.target)));
    console.log(`${name}: validation period ${validation.length} sessions, ${preds.length} predictions (${heldPreds.length} held out)`);
    sets.push({ name, set, vsknn });
  }
  // measured as it is written, beside the ranker it would replace
  const ranker = asWritten(fitRanker([...sets.map((s) => s.set), ...(checkEarlier ? [] : earlier.map((e) => e.set))]));
  const result: Record<string, unknown> = { trees: ranker.model.trees.length, periods };
  for (const { name, set } of checkEarlier ? earlier : []) {
    const [ranked, served] = [rankerMrr(set, ranker), rankerMrr(set, DEFAULT_RANKER)];
    console.log(`  ${name}: MRR@20 ranked ${ranked.toFixed(4)} (served ranker ${served.toFixed(4)})`);
    result[name] = { ranked: +ranked.toFixed(4), served_ranker: +served.toFixed(4) };
  }
  for (const { name, set, vsknn } of sets) {
    const [ranked, served] = [rankerMrr(set, ranker), rankerMrr(set, DEFAULT_RANKER)];
    const summed = heldMrr(set, (sources) => new Map([...blend(sources, DEFAULT_BLEND.contexts.product)].map(([item, b]) => [item, b.score])));
    console.log(`  ${name}, held-out quarter: MRR@20 ranked ${ranked.toFixed(4)} (served ranker ${served.toFixed(4)}), weighted sum ${summed.toFixed(4)}, V-SKNN ${vsknn.toFixed(4)} → ranked ÷ V-SKNN ${(ranked / vsknn).toFixed(4)}`);
    result[name] = { ranked: +ranked.toFixed(4), served_ranker: +served.toFixed(4), weighted_sum: +summed.toFixed(4), vsknn: +vsknn.toFixed(4) };
  }
  writeRanker(ranker, sets.map((s) => s.name.split(' ')[0]));
  console.log(JSON.stringify({ ranker: result }));
}

const all = datasets();
if (!all.length) {
  console.log('No datasets found in ../shared/data: nothing to benchmark.');
  console.log(JSON.stringify({ skipped: 'no data' }));
} else if (a['write-ranker']) writeServedRanker(all);
else if (a.train && a.test) {
  const [name, train, test, buys] = all[0];
  console.log(JSON.stringify(run(name, train, test, buys)));
} else {
  const results: Record<string, unknown> = {};
  for (const [name, train, test, buys] of all) results[name.split(' ')[0]] = run(name, train, test, buys);
  console.log(JSON.stringify({ datasets: results }));
}

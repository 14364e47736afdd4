// npm run bench:recs [-- --train DIR --test DIR]
// Next-item prediction for every prefix of every test session (HR@20, MRR@20), for the
// serving algorithm and, in the same run, the POP and item co-occurrence baselines.
// Without --train/--test: every dataset in ../shared/data, with its own test split if it has
// one, else a time-based split of its training data (the last 10 % of sessions by start time).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CoOccurrence } from '../worker/src/recs/cooccurrence';
import { SessionKnn } from '../worker/src/recs/session-knn';
import { args, clickDatasets, filterForProtocol, readClicks, splitByTime, type Session } from './data';

const CUTOFF = 20;

type Recommender = (prefix: readonly string[]) => ReadonlyMap<string, number>;

interface Result {
  'hr@20': number;
  'mrr@20': number;
  predictions: number;
  ms_per_prediction: number;
}

/** Rank of the target among positively scored items (ties go to the target, as in session-rec). */
function evaluate(test: Session[], recommend: Recommender): Result {
  let hits = 0;
  let rr = 0;
  let n = 0;
  const start = performance.now();
  for (const s of test) {
    for (let t = 1; t < s.items.length; t++) {
      const scores = recommend(s.items.slice(0, t));
      const target = scores.get(s.items[t]) ?? 0;
      n++;
      if (target <= 0) continue;
      let rank = 1;
      for (const v of scores.values()) if (v > target) rank++;
      if (rank <= CUTOFF) {
        hits++;
        rr += 1 / rank;
      }
    }
  }
  return { 'hr@20': hits / n, 'mrr@20': rr / n, predictions: n, ms_per_prediction: (performance.now() - start) / n };
}

function run(name: string, trainRaw: Session[], testRaw: Session[]) {
  const { train, test } = filterForProtocol(trainRaw, testRaw);
  const knn = new SessionKnn();
  const cooc = new CoOccurrence(Infinity);
  for (const s of train) {
    knn.add({ items: s.items, time: s.times[s.times.length - 1] });
    cooc.add(s.items);
  }
  const pop = new Map([...cooc.counts()].sort((a, b) => b[1] - a[1]).slice(0, CUTOFF));
  const results = {
    vsknn: evaluate(test, (prefix) => knn.score(prefix)),
    pop: evaluate(test, () => pop),
    cooc: evaluate(test, (prefix) => new Map(cooc.neighbours(prefix[prefix.length - 1], { limit: 1_000 }).map((n) => [n.item, n.score]))),
  };
  console.log(`\n${name}: ${train.length} training sessions, ${test.length} test sessions, ${results.vsknn.predictions} predictions`);
  console.log('  algorithm   HR@20    MRR@20   ms/prediction');
  for (const [alg, r] of Object.entries(results)) {
    console.log(`  ${alg.padEnd(10)}  ${r['hr@20'].toFixed(4)}   ${r['mrr@20'].toFixed(4)}   ${r.ms_per_prediction.toFixed(3)}`);
  }
  const round = (r: Result) => ({ 'hr@20': +r['hr@20'].toFixed(4), 'mrr@20': +r['mrr@20'].toFixed(4) });
  return { algorithm: 'vsknn', ...round(results.vsknn), predictions: results.vsknn.predictions, baselines: { pop: round(results.pop), cooc: round(results.cooc) } };
}

const a = args();
if (a.train && a.test) {
  const result = run(`${a.train} → ${a.test}`, readClicks(join(a.train, 'clicks.csv')), readClicks(join(a.test, 'clicks.csv')));
  console.log(JSON.stringify(result));
} else {
  const datasets = clickDatasets();
  if (!datasets.length) {
    console.log('No datasets found in ../shared/data: nothing to benchmark.');
    console.log(JSON.stringify({ skipped: 'no data' }));
    process.exit(0);
  }
  const all: Record<string, unknown> = {};
  for (const [name, dir] of datasets) {
    if (existsSync(join(dir, 'test/clicks.csv'))) all[name] = run(name, readClicks(join(dir, 'train/clicks.csv')), readClicks(join(dir, 'test/clicks.csv')));
    else {
      const { train, test } = splitByTime(readClicks(join(dir, 'train/clicks.csv')));
      all[name] = run(`${name} (time split)`, train, test);
    }
  }
  console.log(JSON.stringify({ datasets: all }));
}

// Reading the shared datasets (../shared/data, see its README) for the benchmarks.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const SHARED_DATA = new URL('../../shared/data/', import.meta.url).pathname;

export interface Session {
  id: string;
  items: string[];
  times: number[];
  categories: string[];
}

/** clicks.csv (session_id,timestamp,item_id,category) grouped into sessions, clicks in time order. */
export function readClicks(path: string): Session[] {
  const sessions = new Map<string, { t: number; item: string; cat: string }[]>();
  const lines = readFileSync(path, 'utf8').split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const [sid, ts, item, cat = ''] = line.split(',');
    let list = sessions.get(sid);
    if (!list) sessions.set(sid, (list = []));
    list.push({ t: Number(ts), item, cat: cat.trim() });
  }
  return [...sessions].map(([id, clicks]) => {
    clicks.sort((a, b) => a.t - b.t);
    return { id, items: clicks.map((c) => c.item), times: clicks.map((c) => c.t), categories: clicks.map((c) => c.cat) };
  });
}

export interface Buy {
  session: string;
  time: number;
  item: string;
  price: number;
  quantity: number;
}

/** buys.csv (session_id,timestamp,item_id,price,quantity). */
export function readBuys(path: string): Buy[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => {
      const [session, time, item, price, quantity] = line.split(',');
      return { session, time: Number(time), item, price: Number(price), quantity: Number(quantity) };
    });
}

/**
 * The standard session-based protocol's filtering: items seen fewer than `minSupport` times in
 * training are dropped, sessions shorter than 2 are dropped, and test items unseen in training
 * are removed from test sessions.
 */
export function filterForProtocol(train: Session[], test: Session[], minSupport = 5) {
  const support = new Map<string, number>();
  for (const s of train) for (const item of s.items) support.set(item, (support.get(item) ?? 0) + 1);
  const keep = (s: Session, ok: (item: string) => boolean): Session => {
    const idx = s.items.map((item, i) => (ok(item) ? i : -1)).filter((i) => i >= 0);
    return { id: s.id, items: idx.map((i) => s.items[i]), times: idx.map((i) => s.times[i]), categories: idx.map((i) => s.categories[i]) };
  };
  const trainF = train.map((s) => keep(s, (item) => (support.get(item) ?? 0) >= minSupport)).filter((s) => s.items.length >= 2);
  const known = new Set(trainF.flatMap((s) => s.items));
  const testF = test.map((s) => keep(s, (item) => known.has(item))).filter((s) => s.items.length >= 2);
  return { train: trainF, test: testF };
}

/** Time-based split: the sessions that start in the last `share` of the time span are the test set. */
export function splitByTime(sessions: Session[], share = 0.1) {
  const starts = sessions.map((s) => s.times[0]).sort((a, b) => a - b);
  const cut = starts[Math.floor(starts.length * (1 - share))];
  return {
    train: sessions.filter((s) => s.times[s.times.length - 1] < cut),
    test: sessions.filter((s) => s.times[0] >= cut),
  };
}

/** The datasets in ../shared/data that have click data: [name, folder]. */
export function clickDatasets(): [string, string][] {
  if (!existsSync(SHARED_DATA)) return [];
  return readdirSync(SHARED_DATA, { withFileTypes: true })
    .filter((d) => d.isDirectory() && (existsSync(join(SHARED_DATA, d.name, 'train/clicks.csv')) || existsSync(join(SHARED_DATA, d.name, 'clicks.csv'))))
    .map((d) => [d.name, join(SHARED_DATA, d.name)]);
}

/** Reads `--name value` pairs from argv. */
export function args(): Record<string, string> {
  const out: Record<string, string> = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) if (argv[i].startsWith('--')) out[argv[i].slice(2)] = argv[i + 1]?.startsWith('--') ? 'true' : (argv[++i] ?? 'true');
  return out;
}

// npm run bench:pair-writes
// What storing a pair of items once (a < b, read from both sides through an index on (kind, b))
// saves over storing it both ways, on node's SQLite with SiteBrain's pairs table and upserts:
// 20,000 sessions of 10 Zipf-drawn items from 10,000 stored first, then 1,200 more timed, each
// layout twice, alternating, in the same run.
import { DatabaseSync } from 'node:sqlite';

const ITEMS = 10_000;
const id = (i) => `item-${String(i).padStart(5, '0')}`;
let seed = 1;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const zipf = () => Math.min(ITEMS - 1, Math.floor(ITEMS * random() ** 2));

/** Each session's unordered pairs, [a, b] with a < b. */
function sessionPairs(sessions) {
  const out = [];
  for (let s = 0; s < sessions; s++) {
    const items = [...new Set(Array.from({ length: 10 }, zipf))].map(id).sort();
    for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) out.push([items[i], items[j]]);
  }
  return out;
}

function store(once) {
  const db = new DatabaseSync(':memory:');
  db.exec('CREATE TABLE pairs (kind TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (kind, a, b)) WITHOUT ROWID');
  if (once) db.exec('CREATE INDEX pairs_by_b ON pairs (kind, b)');
  return (pairs) => {
    const rows = once ? pairs.map(([a, b]) => ['view', a, b, 1]) : pairs.flatMap(([a, b]) => [['view', a, b, 1], ['view', b, a, 1]]);
    for (let i = 0; i < rows.length; i += 100) {
      const part = rows.slice(i, i + 100);
      db.prepare(`INSERT INTO pairs (kind, a, b, n) VALUES ${part.map(() => '(?, ?, ?, ?)').join(',')} ON CONFLICT (kind, a, b) DO UPDATE SET n = n + excluded.n`).run(...part.flat());
    }
  };
}

const fill = Array.from({ length: 200 }, () => sessionPairs(100));
const timed = Array.from({ length: 60 }, () => sessionPairs(20));
const ms = { once: [], 'both ways': [] };
for (const once of [false, true, false, true]) {
  const upsert = store(once);
  for (const f of fill) upsert(f);
  const start = performance.now();
  for (const t of timed) upsert(t);
  ms[once ? 'once' : 'both ways'].push(+(performance.now() - start).toFixed(1));
}
console.log(JSON.stringify({ sessions_stored: 20_000, sessions_timed: 1_200, ms, ratio_once_to_both: +(Math.min(...ms.once) / Math.min(...ms['both ways'])).toFixed(2) }));

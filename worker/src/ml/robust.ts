// Guards that keep one visitor from poisoning a shop-wide model: rows with a non-finite
// feature are left out, and each feature is clipped to the range most visitors fall in, so a
// single extreme row cannot stretch a scaler or pull a centre away. The clip range is stored
// with the model and applied when it scores, so training and serving see the same features.

/** Per feature, the lowest and highest value the model takes in. */
export interface Clip {
  lo: number[];
  hi: number[];
}

export const isFiniteRow = (row: readonly number[]) => row.every(Number.isFinite);

/**
 * The clip range of each feature: its `q` and `1 − q` quantiles among the rows. Rows may be
 * shorter (stored before a feature was added): the widest row sets the features, and each
 * feature's range comes from the rows that have it.
 */
export function fitClip(rows: readonly number[][], q = 0.01): Clip {
  const d = rows.reduce((w, r) => Math.max(w, r.length), 0);
  return clipOfColumns(d, (j) => rows.filter((r) => j < r.length).map((r) => r[j]), q);
}

/** The same of the given rows of a flat row-major array `width` wide, without a copy of each row. */
export function fitClipFlat(values: Float64Array, width: number, rows: readonly number[], q = 0.01): Clip {
  return clipOfColumns(width, (j) => rows.map((i) => values[i * width + j]), q);
}

function clipOfColumns(d: number, column: (j: number) => number[], q: number): Clip {
  const lo: number[] = [];
  const hi: number[] = [];
  for (let j = 0; j < d; j++) {
    const values = column(j).sort((a, b) => a - b);
    const at = (p: number) => values[Math.min(values.length - 1, Math.max(0, Math.floor(p * (values.length - 1))))] ?? 0;
    lo.push(at(q));
    hi.push(at(1 - q));
  }
  return { lo, hi };
}

/**
 * A row clipped into range, as wide as the clip: a non-finite or missing value becomes the
 * range's low end, and features the clip does not know (added after the model) are dropped.
 */
export function clipRow(c: Clip | undefined, row: readonly number[]): number[] {
  if (!c) return row.map((x) => (Number.isFinite(x) ? x : 0));
  return c.lo.map((lo, j) => (Number.isFinite(row[j]) ? Math.min(c.hi[j], Math.max(lo, row[j])) : lo));
}

/** True when every number in a model (any JSON-like value) is finite. */
export function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (value && typeof value === 'object') return Object.values(value).every(allFinite);
  return true;
}

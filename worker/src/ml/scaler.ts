/** Standardization (zero mean, unit variance per feature), serializable with the model. */
export interface Scaler {
  mean: number[];
  scale: number[];
}

export function fitScaler(rows: readonly number[][]): Scaler {
  const d = rows[0]?.length ?? 0;
  const mean = new Array(d).fill(0);
  const scale = new Array(d).fill(0);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r[j] / rows.length;
  for (const r of rows) for (let j = 0; j < d; j++) scale[j] += (r[j] - mean[j]) ** 2 / rows.length;
  return { mean, scale: scale.map((v) => Math.sqrt(v) || 1) };
}

export function scale(s: Scaler, row: readonly number[]): number[] {
  return row.map((x, j) => (x - s.mean[j]) / s.scale[j]);
}

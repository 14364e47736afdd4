// Many campaigns × metrics on one page: adjust the p-values so that the page, not each number, keeps
// its error rate. Entries that are null (no test possible) are skipped and stay null.

function ranked(pValues: readonly (number | null)[]): { index: number; p: number }[] {
  const entries: { index: number; p: number }[] = [];
  pValues.forEach((p, index) => {
    if (typeof p === 'number' && Number.isFinite(p)) entries.push({ index, p: Math.min(1, Math.max(0, p)) });
  });
  return entries.sort((a, b) => a.p - b.p || a.index - b.index);
}

/**
 * Benjamini–Hochberg (1995) q-values, controlling the false discovery rate: with the m p-values sorted,
 * q₍ᵢ₎ = min over j ≥ i of min(1, m·p₍ⱼ₎/j). Rejecting q ≤ α is the BH step-up procedure at level α.
 */
export function benjaminiHochberg(pValues: readonly (number | null)[]): (number | null)[] {
  const entries = ranked(pValues);
  const m = entries.length;
  const out: (number | null)[] = pValues.map(() => null);
  let running = 1;
  for (let i = m - 1; i >= 0; i--) {
    running = Math.min(running, (m * entries[i].p) / (i + 1));
    out[entries[i].index] = running;
  }
  return out;
}

/**
 * Holm (1979) step-down adjusted p-values, controlling the family-wise error rate:
 * p̃₍ᵢ₎ = max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎).
 */
export function holm(pValues: readonly (number | null)[]): (number | null)[] {
  const entries = ranked(pValues);
  const m = entries.length;
  const out: (number | null)[] = pValues.map(() => null);
  let running = 0;
  for (let i = 0; i < m; i++) {
    running = Math.max(running, Math.min(1, (m - i) * entries[i].p));
    out[entries[i].index] = running;
  }
  return out;
}

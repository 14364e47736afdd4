import { expect } from 'vitest';

/** |actual − expected| ≤ rel·|expected| + abs, with a message naming the case. */
export function expectClose(actual: number | null | undefined, expected: number | null, rel: number, abs = 0, label = ''): void {
  if (expected === null) {
    expect(actual, label).toBeNull();
    return;
  }
  expect(typeof actual, `${label}: got ${actual}, want ${expected}`).toBe('number');
  const tolerance = rel * Math.abs(expected) + abs;
  const error = Math.abs((actual as number) - expected);
  expect(error <= tolerance, `${label}: got ${actual}, want ${expected} (error ${error} > ${tolerance})`).toBe(true);
}

/** Every number in a JSON-ready object is finite (no NaN, no ±Infinity), recursively. */
export function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (value && typeof value === 'object') return Object.values(value).every(allFinite);
  return true;
}

// Seeded randomness for the simulator. Every random choice draws from a stream named by its
// purpose (seed, visitor, session, page …), so a choice never shifts the draws of another:
// the same seed gives the same traffic, and a visitor simulated under two arms sees the same
// random numbers wherever the arms do not matter (common random numbers).
import { seededRandom } from '../worker/src/ml/random';

export type Random = () => number;

/** murmur3's finalizer: a well-mixed 32-bit value. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of a list of numbers and strings (order matters). */
export function hashKeys(...keys: (number | string)[]): number {
  let h = 0x9e3779b9;
  for (const key of keys) {
    if (typeof key === 'number') {
      // Two 32-bit halves, so large integers (timestamps) mix fully.
      h = fmix32(h ^ fmix32((key >>> 0) + 0x7f4a7c15));
      h = fmix32(h ^ fmix32(Math.floor(key / 4294967296) >>> 0));
    } else {
      for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
      h = fmix32(h ^ key.length);
    }
  }
  return h;
}

/** The random stream for one purpose. */
export function stream(...keys: (number | string)[]): Random {
  return seededRandom(hashKeys(...keys));
}

/** One uniform number in [0, 1) for one purpose, without keeping a stream. */
export function uniform(...keys: (number | string)[]): number {
  return hashKeys(...keys, 'u') / 4294967296;
}

/** 32 hex digits (128 bits) for an id, fixed by its keys. */
export function hexId(...keys: (number | string)[]): string {
  let out = '';
  for (let i = 0; i < 4; i++) out += hashKeys(...keys, i).toString(16).padStart(8, '0');
  return out;
}

/** A standard normal draw (Box–Muller). */
export function normal(random: Random): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A log-normal draw with the given median and log-scale spread. */
export function logNormal(random: Random, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(random));
}

/** An exponential draw with the given mean. */
export function exponential(random: Random, mean: number): number {
  return -mean * Math.log(1 - random());
}

/** A gamma draw (shape k > 0, scale 1), by Marsaglia–Tsang. */
export function gamma(random: Random, k: number): number {
  if (k < 1) return gamma(random, k + 1) * random() ** (1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(random);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    if (Math.log(1 - random()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** A Dirichlet draw around `mean` (weights summing to 1) with the given concentration. */
export function dirichlet(random: Random, mean: readonly number[], concentration: number): number[] {
  const g = mean.map((m) => gamma(random, Math.max(1e-3, m * concentration)));
  const sum = g.reduce((a, b) => a + b, 0);
  return g.map((x) => x / sum);
}

/** An index drawn with probability proportional to its weight. */
export function pickWeighted(random: Random, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = random() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i];
    if (r < 0) return i;
  }
  return weights.length - 1;
}

/** An element drawn uniformly. */
export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

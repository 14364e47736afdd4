// Normal, Student t and χ² distributions, written out here so the worker needs no maths package.
// Special functions follow Numerical Recipes (3rd ed., §6.1–6.4: series and modified-Lentz continued
// fractions) and R's nmath for the log-beta of large arguments. Checked against scipy in
// tests/stats/distributions.test.ts: 1e-13 relative for the normal and χ²,
// 1e-9 for Student's t (its continued fraction converges slowly when df is in the millions).

const LN_SQRT_2PI = 0.9189385332046728; // ln √(2π)
const EPSILON = 1e-16;
const TINY = 1e-300; // keeps Lentz's denominators off zero
const MAX_ITERATIONS = 100_000;

/** Remainder of Stirling's series: lnΓ(x) − [(x − ½) ln x − x + ln √(2π)], accurate to 1e-16 for x ≥ 10. */
function stirlingCorrection(x: number): number {
  const r = 1 / (x * x);
  // Bernoulli terms B₂ₖ / (2k(2k − 1) x^(2k−1)), k = 1…7
  return (1 / 12 + r * (-1 / 360 + r * (1 / 1260 + r * (-1 / 1680 + r * (1 / 1188 + r * (-691 / 360360 + r / 156)))))) / x;
}

/** ln Γ(x) for x > 0: Stirling's series, after shifting small x up past 10 by Γ(x + 1) = x Γ(x). */
export function logGamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  if (x === Infinity) return Infinity;
  let shift = 0;
  while (x < 10) {
    shift += Math.log(x);
    x += 1;
  }
  return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + stirlingCorrection(x) - shift;
}

/**
 * ln B(a, b). When one argument is large, the two big lnΓ terms are cancelled analytically (as R's
 * lbeta does) instead of being subtracted, which keeps t tails accurate at millions of degrees of freedom.
 */
export function logBeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  const share = p / (p + q);
  if (p >= 10) {
    const correction = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q);
    return -0.5 * Math.log(q) + LN_SQRT_2PI + correction + (p - 0.5) * Math.log(share) + q * Math.log1p(-share);
  }
  if (q >= 10) {
    const correction = stirlingCorrection(q) - stirlingCorrection(p + q);
    return logGamma(p) + correction + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-share);
  }
  return logGamma(p) + logGamma(q) - logGamma(p + q);
}

/** e^(−x) x^a / Γ(a), the factor both incomplete-gamma expansions share. */
function gammaPrefactor(a: number, x: number): number {
  return Math.exp(a * Math.log(x) - x - logGamma(a));
}

/** P(a, x) by its power series; converges quickly for x < a + 1. */
function gammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let k = 1; k < MAX_ITERATIONS; k++) {
    term *= x / (a + k);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
  }
  return sum * gammaPrefactor(a, x);
}

/** Q(a, x) by its continued fraction (modified Lentz); converges quickly for x ≥ a + 1. */
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return h * gammaPrefactor(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a). */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

/** Regularized lower incomplete gamma P(a, x) = 1 − Q(a, x). */
export function gammaP(a: number, x: number): number {
  if (!(a > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** The continued fraction of I_x(a, b) (Numerical Recipes betacf, modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return h;
}

/**
 * Regularized incomplete beta I_x(a, b). Pass y = 1 − x when it is known more precisely than
 * 1 − x can be computed (t tails near x = 1).
 */
export function betaRegularized(a: number, b: number, x: number, y = 1 - x): number {
  if (!(a > 0 && b > 0) || Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const logX = x > 0.5 ? Math.log1p(-y) : Math.log(x);
  const logY = y > 0.5 ? Math.log1p(-x) : Math.log(y);
  const front = Math.exp(a * logX + b * logY - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, y)) / b;
}

/** P(Z > x), the upper tail of the standard normal: ½ Q(½, x²/2) = ½ erfc(x/√2). */
export function normalSf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const tail = 0.5 * gammaQ(0.5, (x * x) / 2);
  return x >= 0 ? tail : 1 - tail;
}

/** Φ(x) = P(Z ≤ x). */
export function normalCdf(x: number): number {
  return normalSf(-x);
}

/** The standard normal density. */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x - LN_SQRT_2PI);
}

/**
 * Φ⁻¹(p). A starting point from Abramowitz & Stegun 26.2.23 (error < 4.5e-4), then Halley steps on
 * the accurate Φ above, which reach full double precision in two or three steps, deep tails included.
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  const lower = Math.min(p, 1 - p); // 1 − p is exact for p ≥ ½
  const t = Math.sqrt(-2 * Math.log(lower));
  let z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  z = -z; // the lower-tail quantile
  for (let i = 0; i < 8; i++) {
    const error = normalCdf(z) - lower;
    const u = error / normalPdf(z); // Newton step; Halley adds the curvature term
    const next = z - u / (1 + (z * u) / 2);
    const done = Math.abs(next - z) <= 1e-13 * Math.abs(next); // convergence is cubic: nothing is left after this
    z = next;
    if (done) break;
  }
  return p < 0.5 ? z : -z;
}

/** P(T > t) for Student's t with df > 0 degrees of freedom (df = Infinity is the normal). */
export function studentTSf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (df === Infinity) return normalSf(t);
  // Past 1e8 df the continued fraction converges too slowly; the normalizing transformation R's pt uses
  // there is then accurate to about 1e-10 relative, and better as df grows.
  if (df >= 1e8) return normalSf((t * (1 - 1 / (4 * df))) / Math.sqrt(1 + (t * t) / (2 * df)));
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  // P(|T| > |t|) = I_x(df/2, ½) with x = df/(df + t²), y = t²/(df + t²), both formed without cancellation
  const t2 = t * t;
  let x: number;
  let y: number;
  if (t2 > df) {
    const r = df / t2;
    x = r / (1 + r);
    y = 1 / (1 + r);
  } else {
    const r = t2 / df;
    x = 1 / (1 + r);
    y = r / (1 + r);
  }
  const bothTails = betaRegularized(df / 2, 0.5, x, y);
  return t > 0 ? bothTails / 2 : 1 - bothTails / 2;
}

/** P(T ≤ t) for Student's t. */
export function studentTCdf(t: number, df: number): number {
  return studentTSf(-t, df);
}

/** Student's t density. */
export function studentTPdf(t: number, df: number): number {
  if (df === Infinity) return normalPdf(t);
  return Math.exp(-((df + 1) / 2) * Math.log1p((t * t) / df) - 0.5 * Math.log(df) - logBeta(df / 2, 0.5));
}

/** The t quantile: Newton's method on the accurate tail, kept inside a bisection bracket. */
export function studentTQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(df > 0)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (df === Infinity) return normalQuantile(p);
  const tail = Math.min(p, 1 - p); // find t > 0 with P(T > t) = tail
  const z = -normalQuantile(tail);
  // start from the Cornish–Fisher expansion in 1/df; exact enough for large df, merely a start for small
  const guess = z + (z * z * z + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
  let lo = 0;
  let hi = Math.max(1, 1.25 * guess);
  while (studentTSf(hi, df) > tail) {
    lo = hi;
    hi *= 2;
    if (hi === Infinity) return p < 0.5 ? -Infinity : Infinity;
  }
  let t = guess > lo && guess < hi ? guess : (lo + hi) / 2;
  for (let i = 0; i < 200; i++) {
    const excess = studentTSf(t, df) - tail; // > 0 means t is still too small
    if (excess === 0) break;
    if (excess > 0) lo = t;
    else hi = t;
    let next = t + excess / studentTPdf(t, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    // Newton converges quadratically: once a step is below 1e-13, the error left is far below that
    const done = Math.abs(next - t) <= 1e-13 * next || hi - lo <= 4e-16 * hi;
    t = next;
    if (done) break;
  }
  return p < 0.5 ? -t : t;
}

/** P(χ²_k > x), the χ² survival function. */
export function chiSquareSf(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return NaN;
  return gammaQ(df / 2, Math.max(0, x) / 2);
}

/** P(χ²_k ≤ x). */
export function chiSquareCdf(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return NaN;
  return gammaP(df / 2, Math.max(0, x) / 2);
}

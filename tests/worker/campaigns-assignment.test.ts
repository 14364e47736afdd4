// Assignment: a deterministic hash of visitor × campaign. The split matches the holdout and the
// weights (χ² test, p-value computed here from the regularized gamma function), arms are
// independent across campaigns, and a visitor's arm never changes.
import { describe, expect, it } from 'vitest';
import { assignArm, draws, murmur3, type Arms } from '../../worker/src/campaigns/assignment';
import { seededRandom } from '../../worker/src/ml/random';
import { admin, armsOf, assignment, create, decide, inShard, promotion, send, vid } from './campaigns-helpers';
import { makeEvent } from './helpers';

// ---- χ² p-values, independently of the code under test -----------------------------------------

/** ln Γ(x), Lanczos approximation (g = 7, n = 9; Numerical Recipes' coefficients). */
function lnGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Q(a, x) = Γ(a, x) / Γ(a): series below a + 1, Lentz's continued fraction above. */
function upperGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const front = Math.exp(-x + a * Math.log(x) - lnGamma(a));
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 1000 && Math.abs(term) > Math.abs(sum) * 1e-15; n++) sum += (term *= x / (a + n));
    return 1 - sum * front;
  }
  let b = x + 1 - a;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return front * h;
}

const chiSquareP = (stat: number, df: number) => upperGammaQ(df / 2, stat / 2);

/** Pearson's goodness of fit: observed counts against expected shares. */
function goodnessOfFit(observed: number[], shares: number[]) {
  const n = observed.reduce((s, x) => s + x, 0);
  const stat = observed.reduce((s, o, i) => s + (o - n * shares[i]) ** 2 / (n * shares[i]), 0);
  return { stat, p: chiSquareP(stat, observed.length - 1) };
}

/** Pearson's test of independence of a 2 × 2 table. */
function independence(t: [[number, number], [number, number]]) {
  const n = t[0][0] + t[0][1] + t[1][0] + t[1][1];
  let stat = 0;
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) {
      const expected = ((t[i][0] + t[i][1]) * (t[0][j] + t[1][j])) / n;
      stat += (t[i][j] - expected) ** 2 / expected;
    }
  }
  return { stat, p: chiSquareP(stat, 1) };
}

describe('the χ² p-value used below', () => {
  it('matches closed forms and published critical values', () => {
    for (const x of [0.5, 2, 9.21, 13.8155]) expect(chiSquareP(x, 2)).toBeCloseTo(Math.exp(-x / 2), 12); // df 2: e^(−x/2)
    expect(chiSquareP(10.828, 1)).toBeCloseTo(0.001, 5); // tables: χ²(1) at p = 0.001 is 10.828
    expect(chiSquareP(16.266, 3)).toBeCloseTo(0.001, 5); // χ²(3): 16.266
    expect(chiSquareP(3.841, 1)).toBeCloseTo(0.05, 4); // χ²(1): 3.841
    expect(chiSquareP(1.386, 2)).toBeCloseTo(0.5, 3);
  });
});

// ---- the hash ---------------------------------------------------------------------------------

describe('murmur3', () => {
  it('gives MurmurHash3 x86_32 reference values', () => {
    expect(murmur3('', 0)).toBe(0);
    expect(murmur3('', 1)).toBe(0x514e28b7);
    expect(murmur3('hello', 0)).toBe(0x248bfa47);
    expect(murmur3('abc', 0)).toBe(0xb3dd93fa);
    expect(murmur3('aaaa', 0x9747b28c)).toBe(0x5a97808a);
    expect(murmur3('The quick brown fox jumps over the lazy dog', 0)).toBe(0x2e4ff723);
  });
});

/** 10,000 visitor ids shaped like the SDK's: 22 random URL-safe characters. */
function visitorIds(n: number, seed: number): string[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => Array.from({ length: 22 }, () => alphabet[Math.floor(random() * 64)]).join(''));
}

describe('assignArm', () => {
  const campaign: Arms = { id: 'cmp_0123456789abcdef', holdout: 0.1, variants: [{ name: 'a', weight: 2 }, { name: 'b', weight: 1 }] };
  const visitors = visitorIds(10_000, 7);

  it('splits 10,000 visitors as the holdout and weights say (χ² p > 0.001)', () => {
    const counts = new Map<string, number>();
    for (const v of visitors) counts.set(assignArm(campaign, v), (counts.get(assignArm(campaign, v)) ?? 0) + 1);
    const observed = ['holdout', 'a', 'b'].map((arm) => counts.get(arm) ?? 0);
    expect(observed.reduce((s, x) => s + x, 0)).toBe(10_000);
    const fit = goodnessOfFit(observed, [0.1, 0.6, 0.3]);
    expect(fit.p).toBeGreaterThan(0.001);
    // the same test does reject a split that is off by a little
    expect(goodnessOfFit(observed, [0.13, 0.58, 0.29]).p).toBeLessThan(0.001);
  });

  it('holds for other holdouts and for visitor ids that differ in one character', () => {
    const sequential = Array.from({ length: 10_000 }, (_, i) => `visitor-${String(i).padStart(6, '0')}`);
    for (const [holdout, ids] of [[0.5, visitors], [0.05, sequential], [0.2, sequential]] as const) {
      const c = { ...campaign, holdout, variants: [{ name: 'only', weight: 1 }] };
      const inHoldout = ids.filter((v) => assignArm(c, v) === 'holdout').length;
      expect(goodnessOfFit([inHoldout, ids.length - inHoldout], [holdout, 1 - holdout]).p).toBeGreaterThan(0.001);
    }
  });

  it('draws the holdout and the variant independently, and each campaign independently', () => {
    const table: [[number, number], [number, number]] = [[0, 0], [0, 0]];
    for (const v of visitors) {
      const d = draws(campaign.id, v);
      table[d.holdout < 0.5 ? 0 : 1][d.variant < 0.5 ? 0 : 1]++;
    }
    expect(independence(table).p).toBeGreaterThan(0.001);
    // being in one campaign's holdout says nothing about another's
    const other: Arms = { ...campaign, id: 'cmp_fedcba9876543210', holdout: 0.5 };
    const half: Arms = { ...campaign, holdout: 0.5 };
    const across: [[number, number], [number, number]] = [[0, 0], [0, 0]];
    for (const v of visitors) across[assignArm(half, v) === 'holdout' ? 0 : 1][assignArm(other, v) === 'holdout' ? 0 : 1]++;
    expect(independence(across).p).toBeGreaterThan(0.001);
  });

  it('is a pure function of visitor and campaign', () => {
    const first = visitors.slice(0, 500).map((v) => assignArm(campaign, v));
    const again = visitors.slice(0, 500).map((v) => assignArm({ ...campaign, variants: campaign.variants.map((x) => ({ ...x })) }, v));
    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(3);
  });
});

describe('assignment through /v1/decide', () => {
  it('records the hash\'s arm once and keeps it across sessions and decisions', async () => {
    const c = await create(promotion(['asg-hero'], { holdout: 0.3 }));
    const ids = Array.from({ length: 60 }, (_, i) => vid(`visitor-asg-${String(i).padStart(3, '0')}`));
    const first = new Map<string, string>();
    const assigning = new Map<string, string>();
    for (const v of ids) {
      const res = await decide(`visitor=${v}&page=home&slots=asg-hero`);
      expect(res.body.decisions).toHaveLength(1);
      expect(res.body.decisions[0].variant).toBe(assignArm(armsOf(c), v));
      first.set(v, res.body.decisions[0].variant);
      assigning.set(v, res.body.decisions[0].decision_id);
    }
    expect(new Set(first.values())).toEqual(new Set(['holdout', 'a', 'b']));
    // a new session for some visitors, and their content corrected: arms stay
    await send(ids.slice(0, 20).map((v) => makeEvent({ visitor_id: v, session_id: `session-${v}-2` })));
    const put = await admin('PUT', `/${c.id}`, { variants: c.variants.map((x: any) => ({ ...x, content: { ...x.content, title: 'New title' } })) });
    expect(put.status).toBe(200);
    for (const v of ids) {
      const res = await decide(`visitor=${v}&page=home&slots=asg-hero`);
      expect(res.body.decisions[0].variant).toBe(first.get(v));
      if (res.body.decisions[0].variant !== 'holdout') expect(res.body.decisions[0].content.title).toBe('New title');
      expect(res.body.decisions[0].decision_id).not.toBe(assigning.get(v)); // a new decision, the same arm
      const rows = await inShard<any>(v, 'SELECT * FROM campaign_assignments WHERE campaign_id = ? AND visitor_id = ?', c.id, v);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ variant: first.get(v), last_decision_id: assigning.get(v) });
    }
  });

  it('keeps the arm recorded first, whatever the hash says later', async () => {
    const c = await create(promotion(['asg-sticky'], { holdout: 0.2 }));
    const v = vid('visitor-asg-sticky');
    const arm = (await decide(`visitor=${v}&page=home&slots=asg-sticky`)).body.decisions[0].variant;
    const other = arm === 'a' ? 'b' : 'a';
    await inShard(v, 'UPDATE campaign_assignments SET variant = ? WHERE campaign_id = ? AND visitor_id = ?', other, c.id, v);
    expect((await decide(`visitor=${v}&page=home&slots=asg-sticky`)).body.decisions[0].variant).toBe(other);
  });
});

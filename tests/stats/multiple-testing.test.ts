import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, holm } from '../../worker/src/reports/stats/multiple-testing';
import { seededRandom } from '../../worker/src/ml/random';
import fixtures from './fixtures/multiple_testing.json';
import { expectClose } from './helpers';

describe('multiple testing', () => {
  it('Benjamini–Hochberg q-values match scipy.stats.false_discovery_control; Holm matches its definition', () => {
    for (const f of fixtures.cases) {
      const bh = benjaminiHochberg(f.p);
      const hm = holm(f.p);
      f.bh.forEach((q, i) => expectClose(bh[i], q, 1e-12, 1e-16, `BH ${i}`));
      f.holm.forEach((q, i) => expectClose(hm[i], q, 1e-12, 1e-16, `Holm ${i}`));
    }
  });

  it('reproduces the example of Benjamini & Hochberg (1995, §4): 15 p-values, 4 discoveries at q = 0.05', () => {
    const p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1.0];
    expect(benjaminiHochberg(p).filter((q) => q! <= 0.05)).toHaveLength(4);
    // the family-wise (Bonferroni-type) procedures reject only the 3 smallest, as the paper reports
    expect(holm(p).filter((q) => q! <= 0.05)).toHaveLength(3);
  });

  it('q-values are monotone in p, never below p, and at most 1 (random lists)', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 50; trial++) {
      const p = Array.from({ length: 1 + Math.floor(random() * 60) }, () => (random() < 0.3 ? random() * 0.01 : random()));
      const q = benjaminiHochberg(p) as number[];
      const h = holm(p) as number[];
      const order = p.map((_, i) => i).sort((a, b) => p[a] - p[b]);
      for (let k = 0; k < order.length; k++) {
        const i = order[k];
        expect(q[i]).toBeGreaterThanOrEqual(p[i]);
        expect(q[i]).toBeLessThanOrEqual(1);
        expect(h[i]).toBeGreaterThanOrEqual(q[i] - 1e-15); // Holm is the stricter of the two
        if (k > 0) expect(q[i]).toBeGreaterThanOrEqual(q[order[k - 1]]);
        if (k > 0) expect(h[i]).toBeGreaterThanOrEqual(h[order[k - 1]]);
      }
    }
  });

  it('skips null entries and keeps them in place', () => {
    expect(benjaminiHochberg([0.01, null, 0.04])).toEqual([0.02, null, 0.04]);
    expect(holm([null, 0.01, 0.04])).toEqual([null, 0.02, 0.04]);
    expect(benjaminiHochberg([])).toEqual([]);
  });
});

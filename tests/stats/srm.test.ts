import { describe, expect, it } from 'vitest';
import { srmTest } from '../../worker/src/reports/stats/srm';
import fixtures from './fixtures/srm.json';
import { expectClose } from './helpers';

describe('sample-ratio mismatch (χ² goodness of fit)', () => {
  it('matches scipy.stats.chisquare and flags p < 0.001', () => {
    for (const f of fixtures.cases) {
      const r = srmTest(f.observed, f.weights);
      expectClose(r.chi2, f.chi2, 1e-12, 1e-15, `χ² ${f.observed}`);
      expectClose(r.p_value, f.p_value, 1e-10, 0, `p ${f.observed}`);
      expect(r.df).toBe(f.df);
      expect(r.flagged).toBe(f.p_value < 0.001);
    }
  });

  it("reproduces Mendel's dihybrid cross (315/108/101/32 against 9:3:3:1): χ² = 0.470, df 3, P ≈ 0.925", () => {
    // A standard textbook example, e.g. Sokal & Rohlf, Biometry; Griffiths et al., Introduction to Genetic Analysis.
    const r = srmTest([315, 108, 101, 32], [9, 3, 3, 1]);
    expectClose(r.chi2, 0.47, 0, 5e-4, 'χ²');
    expect(r.df).toBe(3);
    expectClose(r.p_value, 0.925, 0, 5e-4, 'p');
    expect(r.flagged).toBe(false);
  });

  it('flags a deliberately broken 50/50 split and not a fair one', () => {
    expect(srmTest([5000, 4600], [1, 1]).flagged).toBe(true);
    expect(srmTest([5000, 4950], [1, 1]).flagged).toBe(false);
    expect(srmTest([9000, 1000], [90, 10]).flagged).toBe(false); // a 90/10 holdout as configured
  });

  it('answers bad input with nulls and a reason', () => {
    expect(srmTest([10], [1]).reason).toMatch(/two or more/);
    expect(srmTest([10, 5], [1, 0]).p_value).toBeNull();
    expect(srmTest([0, 0], [1, 1]).reason).toBe('no visitors');
    expect(srmTest([NaN, 5], [1, 1]).flagged).toBe(false);
  });
});

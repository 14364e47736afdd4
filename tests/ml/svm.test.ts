// The worked example of Zhang, Zhang & Chen (2004), "The Data Mining Model of CRM Oriented to
// Electronic Business": 15 customers, class "high" or "low" car. The exact hard-margin solution
// was checked with three independent solvers and the KKT conditions; the paper's own printed
// w, b and multipliers are inconsistent and are not asserted.
import { describe, expect, it } from 'vitest';
import { dot } from '../../worker/src/ml/linalg';
import { fitPlatt, predictSvm, solveSvm, svmDecision, trainSvm } from '../../worker/src/ml/svm';
import { ZHANG_CUSTOMERS, zhangRow } from './zhang';

describe('linear SVM', () => {
  const { X, y } = ZHANG_CUSTOMERS;

  it('finds the exact hard-margin solution of the Zhang et al. example', () => {
    const s = solveSvm(X, y, { C: Infinity, tolerance: 1e-12 });
    const expected = [7.2109, 3.1269, 5.4694, -5.8594, 7.6018];
    s.weights.forEach((w, j) => expect(w).toBeCloseTo(expected[j], 3));
    expect(s.bias).toBeCloseTo(-13.7195, 3);
    expect(s.support.map((i) => i + 1)).toEqual([11, 12, 13, 15]);
    const norm = Math.sqrt(dot(s.weights, s.weights));
    expect(2 / norm).toBeCloseTo(0.1475, 3);
    // all 15 customers on the right side, the support vectors exactly on the margin
    X.forEach((x, i) => expect(Math.sign(dot(s.weights, x) + s.bias)).toBe(y[i] ? 1 : -1));
    for (const i of s.support) expect(Math.abs(dot(s.weights, X[i]) + s.bias)).toBeCloseTo(1, 6);
  });

  it('classifies the two new customers as the paper does', () => {
    const s = solveSvm(X, y, { C: Infinity, tolerance: 1e-12 });
    const richer = dot(s.weights, zhangRow(11000, 'master', 35, 1, 140)) + s.bias;
    const poorer = dot(s.weights, zhangRow(5000, 'bachelor', 40, 1, 90)) + s.bias;
    expect(richer).toBeCloseTo(0.5425, 3); // high
    expect(poorer).toBeCloseTo(-4.7144, 3); // low
  });

  it('the trainer that ships reaches the same solution with a large C and a nearly free bias', () => {
    // dual coordinate descent, unstandardized, the bias as the weight of a constant feature of 20
    const m = trainSvm(X, y, { C: 1e4, standardize: false, biasScale: 20, epochs: 1_000_000, tolerance: 1e-10 });
    const expected = [7.2109, 3.1269, 5.4694, -5.8594, 7.6018];
    m.weights.forEach((w, j) => expect(w).toBeCloseTo(expected[j], 1));
    expect(m.bias).toBeCloseTo(-13.7195, 1);
    X.forEach((x, i) => expect(Math.sign(svmDecision(m, x))).toBe(y[i] ? 1 : -1));
    // the paper's two new customers: high, then low
    expect(svmDecision(m, zhangRow(11000, 'master', 35, 1, 140))).toBeCloseTo(0.5425, 2);
    expect(svmDecision(m, zhangRow(5000, 'bachelor', 40, 1, 90))).toBeCloseTo(-4.7144, 2);
  });

  it('turns decision values into calibrated probabilities (Platt)', () => {
    // decision values where the positives sit higher: probability rises with the decision value
    const f = [-3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3];
    const labels = [0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 1];
    const { a, b } = fitPlatt(f, labels);
    expect(a).toBeLessThan(0);
    const p = (v: number) => 1 / (1 + Math.exp(a * v + b));
    expect(p(-3)).toBeLessThan(0.2);
    expect(p(3)).toBeGreaterThan(0.8);
  });

  it('trains a usable soft-margin model on overlapping data by coordinate descent', () => {
    const model = trainSvm(X, y, { C: 10 });
    const correct = X.filter((x, i) => (predictSvm(model, x) >= 0.5 ? 1 : 0) === y[i]).length;
    expect(correct).toBeGreaterThanOrEqual(13);
  });
});

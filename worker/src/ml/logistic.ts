// L2-regularized logistic regression, fitted by Newton's method (IRLS): exact and fast for
// the few dozen features of a session, and its probabilities are calibrated by construction.
import { dot, sigmoid, solve } from './linalg';
import { fitScaler, scale, type Scaler } from './scaler';

export interface LogisticModel {
  kind: 'logistic';
  scaler: Scaler;
  weights: number[];
  bias: number;
}

export function trainLogistic(X: number[][], y: number[], { l2 = 1, iterations = 30 } = {}): LogisticModel {
  const scaler = fitScaler(X);
  const Z = X.map((r) => [1, ...scale(scaler, r)]); // column 0: the bias, not regularized
  const d = Z[0].length;
  let beta = new Array(d).fill(0);
  for (let it = 0; it < iterations; it++) {
    const gradient = beta.map((b, j) => (j ? l2 * b : 0));
    const hessian = Array.from({ length: d }, (_, j) => Array.from({ length: d }, (_, k) => (j === k && j ? l2 : 0)));
    for (let i = 0; i < Z.length; i++) {
      const p = sigmoid(dot(beta, Z[i]));
      const w = Math.max(p * (1 - p), 1e-10);
      for (let j = 0; j < d; j++) {
        gradient[j] += (p - y[i]) * Z[i][j];
        for (let k = j; k < d; k++) hessian[j][k] += w * Z[i][j] * Z[i][k];
      }
    }
    for (let j = 0; j < d; j++) for (let k = 0; k < j; k++) hessian[j][k] = hessian[k][j];
    const step = solve(hessian, gradient);
    beta = beta.map((b, j) => b - step[j]);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return { kind: 'logistic', scaler, weights: beta.slice(1), bias: beta[0] };
}

export function predictLogistic(m: LogisticModel, x: readonly number[]): number {
  return sigmoid(m.bias + dot(m.weights, scale(m.scaler, x)));
}

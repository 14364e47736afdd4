// The served purchase-intent model: gradient-boosted trees (tuned hyperparameters, rounds by
// early stopping on a held-out fold), optionally averaged with more trees and a logistic
// regression in logit space, then calibrated on out-of-fold predictions, so that a score of
// 0.7 means about 70 % of such sessions buy. Serializable JSON, scored in microseconds.
// `npm run bench:intent` measures this function; the worker's training calls it.
import { calibrate, fitIsotonic, fitPlattCalibrator, type Calibrator } from './calibration';
import { splitFold, stratifiedFolds } from './folds';
import { gbdtLogit, logisticObjective, rowWeightsOf, trainGbdt, type GbdtOptions } from './gbdt';
import { predict, type IntentModel } from './intent-model';
import { sigmoid } from './linalg';
import { trainLogistic } from './logistic';

export interface IntentRecipe {
  /** Tree hyperparameters; `trees` is the most rounds, early stopping picks fewer. */
  gbdt: GbdtOptions;
  /** Tree ensembles with different seeds, averaged (bagging). */
  seeds: number;
  /** Weight of a logistic regression's logit beside the trees' weight of 1 (0: trees alone). */
  logistic: number;
  /** Folds of the out-of-fold predictions that the calibrator is fitted on. */
  folds: number;
  calibration: 'isotonic' | 'platt';
  /** Rounds without improvement of the held-out log loss before boosting stops. */
  patience: number;
}

/**
 * What serves, from the validation searches of UCI and YooChoose (docs/evaluation.md): depth 3
 * and leaves of at least 50 rows did well on both. Their best rate, 0.02, gained under 0.001
 * validation AUC over 0.05 for three times the rounds, so 0.05 keeps training cheap.
 */
export const SERVED_RECIPE: IntentRecipe = {
  gbdt: { trees: 1_000, depth: 3, rate: 0.05, minLeaf: 50, lambda: 1, subsample: 0.8, colsample: 1 },
  seeds: 1,
  logistic: 0,
  folds: 5,
  calibration: 'isotonic',
  patience: 50,
};

export interface CalibratedIntentModel {
  kind: 'calibrated';
  /** Their logits are averaged with `weights`, then calibrated. */
  members: IntentModel[];
  weights: number[];
  calibrator: Calibrator;
  /** Boosting rounds that early stopping chose. */
  rounds: number;
}

export type ServedIntentModel = IntentModel | CalibratedIntentModel;

const logit = (p: number) => {
  const q = Math.min(1 - 1e-12, Math.max(1e-12, p));
  return Math.log(q / (1 - q));
};

function memberLogit(m: IntentModel, x: readonly number[]): number {
  return m.kind === 'gbdt' ? gbdtLogit(m, x) : logit(predict(m, x));
}

/** The members' weighted mean logit, as a probability (before calibration). */
export function ensembleProbability(members: readonly IntentModel[], weights: readonly number[], x: readonly number[]): number {
  let z = 0;
  let w = 0;
  members.forEach((m, k) => ((z += weights[k] * memberLogit(m, x)), (w += weights[k])));
  return sigmoid(z / w);
}

/** The probability that the session buys, from any served intent model. */
export function predictIntent(model: ServedIntentModel, x: readonly number[]): number {
  if (model.kind !== 'calibrated') return predict(model, x);
  return calibrate(model.calibrator, ensembleProbability(model.members, model.weights, x));
}

function trainMembers(X: number[][], y: number[], recipe: IntentRecipe, rounds: number, rowWeights?: number[]): { members: IntentModel[]; weights: number[] } {
  const members: IntentModel[] = [];
  const weights: number[] = [];
  for (let s = 0; s < recipe.seeds; s++) {
    members.push(trainGbdt(X, y, { ...recipe.gbdt, trees: rounds, seed: (recipe.gbdt.seed ?? 1) + s }, undefined, logisticObjective(y, rowWeights)));
    weights.push(1 / recipe.seeds);
  }
  if (recipe.logistic > 0) {
    members.push(trainLogistic(X, y));
    weights.push(recipe.logistic);
  }
  return { members, weights };
}

/** Rounds for the recipe: boosting on 4/5 of the rows until the last fifth's log loss stops improving. */
export function earlyStoppingRounds(X: number[][], y: number[], recipe: IntentRecipe, seed = 7, rowWeights?: number[], trainingRows = X): number {
  const [held] = stratifiedFolds(y, 5, seed);
  const [fit] = splitFold(y.length, held);
  const fy = fit.map((i) => y[i]);
  const model = trainGbdt(fit.map((i) => trainingRows[i]), fy, recipe.gbdt, { X: held.map((i) => X[i]), y: held.map((i) => y[i]), patience: recipe.patience }, logisticObjective(fy, rowWeightsOf(fit, rowWeights)));
  return model.trees.length;
}

/**
 * Trains the served model: rounds by early stopping, out-of-fold predictions for the
 * calibrator, then the members on every row. `rounds` skips the early stopping when known.
 */
export function trainCalibratedIntent(X: number[][], y: number[], recipe: IntentRecipe = SERVED_RECIPE, options: { seed?: number; rounds?: number; rowWeights?: number[] } = {}): CalibratedIntentModel {
  return fitCalibratedIntent(X, y, recipe, options).model;
}

/**
 * `trainCalibratedIntent`, with the out-of-fold (uncalibrated) probabilities its calibrator was
 * fitted on. `rowWeights` weight each row in the trees' loss (scaled to a mean of 1 over the rows
 * each training sees); the held-out rows that stop the boosting, the calibrator, and a logistic
 * member (`recipe.logistic`, 0 as served) count every row once. `trainingRows`, when given, are
 * the rows the members train on in place of X's, row for row (some of their features read as a
 * live score may read them, training/intent.ts `withItemsUnknown`); the held-out rows and the
 * calibrator read X's.
 */
export function fitCalibratedIntent(X: number[][], y: number[], recipe: IntentRecipe = SERVED_RECIPE, { seed = 7, rounds, rowWeights, trainingRows = X }: { seed?: number; rounds?: number; rowWeights?: number[]; trainingRows?: number[][] } = {}): { model: CalibratedIntentModel; oof: number[] } {
  if (rowWeights && rowWeights.length !== y.length) throw new Error(`${rowWeights.length} row weights for ${y.length} rows`);
  if (trainingRows.length !== y.length) throw new Error(`${trainingRows.length} training rows for ${y.length} rows`);
  const positives = y.reduce((s, v) => s + (v ? 1 : 0), 0);
  const folds = Math.min(recipe.folds, positives, y.length - positives);
  const R = rounds ?? (folds >= 2 ? earlyStoppingRounds(X, y, recipe, seed, rowWeights, trainingRows) : recipe.gbdt.trees ?? 300);
  const oof = new Array<number>(y.length).fill(positives / Math.max(1, y.length));
  if (folds >= 2) {
    for (const test of stratifiedFolds(y, folds, seed)) {
      const [train] = splitFold(y.length, test);
      const { members, weights } = trainMembers(train.map((i) => trainingRows[i]), train.map((i) => y[i]), recipe, R, rowWeightsOf(train, rowWeights));
      for (const i of test) oof[i] = ensembleProbability(members, weights, X[i]);
    }
  }
  // Isotonic needs enough rows per step; small shops get Platt's two parameters.
  const calibrator: Calibrator =
    folds < 2 ? { kind: 'platt', a: -1, b: 0 } : recipe.calibration === 'isotonic' && positives >= 50 && y.length - positives >= 50 ? fitIsotonic(oof, y) : fitPlattCalibrator(oof, y);
  return { model: { kind: 'calibrated', ...trainMembers(trainingRows, y, recipe, R, rowWeightsOf(y.map((_, i) => i), rowWeights)), calibrator, rounds: R }, oof };
}

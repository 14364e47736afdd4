// Purchase-intent model families (logistic, SVM, GBDT): train and score them. What serves is the
// calibrated trees of calibrated-intent.ts, whose members are these models; `predict` also scores
// models stored before calibration served.
import { trainGbdt, predictGbdt, type GbdtModel, type GbdtOptions } from './gbdt';
import { predictLogistic, trainLogistic, type LogisticModel } from './logistic';
import { predictSvm, trainSvm, type SvmModel } from './svm';

export type IntentModel = LogisticModel | SvmModel | GbdtModel;
export type ModelKind = IntentModel['kind'];

export function trainModel(kind: ModelKind, X: number[][], y: number[], gbdt?: GbdtOptions): IntentModel {
  if (!X.length || new Set(y).size < 2) throw new Error(`cannot train a ${kind} model: it needs rows of both classes`);
  if (kind === 'logistic') return trainLogistic(X, y);
  if (kind === 'svm') return trainSvm(X, y);
  return trainGbdt(X, y, gbdt);
}

/** The probability that the session buys. */
export function predict(model: IntentModel, x: readonly number[]): number {
  if (model.kind === 'logistic') return predictLogistic(model, x);
  if (model.kind === 'svm') return predictSvm(model, x);
  return predictGbdt(model, x);
}

export interface CvScore {
  auc: number;
  ap: number;
}

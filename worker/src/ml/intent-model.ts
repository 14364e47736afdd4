// Purchase-intent model families (logistic, SVM, GBDT): train, score, and compare them by
// stratified cross-validation. What serves is the calibrated trees of calibrated-intent.ts, whose
// members are these models; `predict` also scores models stored before calibration served.
// `selectIntentModel` no longer serves: only its test calls it.
import { trainGbdt, predictGbdt, type GbdtModel, type GbdtOptions } from './gbdt';
import { splitFold, stratifiedFolds } from './folds';
import { predictLogistic, trainLogistic, type LogisticModel } from './logistic';
import { averagePrecision, rocAuc } from './metrics';
import { predictSvm, trainSvm, type SvmModel } from './svm';

export type IntentModel = LogisticModel | SvmModel | GbdtModel;
export type ModelKind = IntentModel['kind'];
export const MODEL_KINDS: ModelKind[] = ['logistic', 'svm', 'gbdt'];

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

/** Out-of-fold AUC and average precision of one model kind. */
export function crossValidate(kind: ModelKind, X: number[][], y: number[], folds = 5, gbdt?: GbdtOptions): CvScore {
  const scores = new Array<number>(y.length);
  for (const test of stratifiedFolds(y, folds)) {
    const [train] = splitFold(y.length, test);
    // a fold whose training part has one class only scores its test rows at that class's rate
    if (new Set(train.map((i) => y[i])).size < 2) {
      for (const i of test) scores[i] = train.length ? y[train[0]] : 0.5;
      continue;
    }
    const model = trainModel(kind, train.map((i) => X[i]), train.map((i) => y[i]), gbdt);
    for (const i of test) scores[i] = predict(model, X[i]);
  }
  return { auc: rocAuc(y, scores), ap: averagePrecision(y, scores) };
}

export interface Selection {
  model: IntentModel;
  kind: ModelKind;
  cv: Record<ModelKind, CvScore>;
}

/** Compares the kinds by cross-validated AUC and trains the best one on all rows. */
export function selectIntentModel(X: number[][], y: number[], { folds = 5, kinds = MODEL_KINDS, gbdt }: { folds?: number; kinds?: ModelKind[]; gbdt?: GbdtOptions } = {}): Selection {
  const cv = {} as Record<ModelKind, CvScore>;
  for (const kind of kinds) cv[kind] = crossValidate(kind, X, y, folds, gbdt);
  const kind = kinds.reduce((best, k) => (cv[k].auc > cv[best].auc || !(cv[best].auc >= 0) ? k : best));
  return { model: trainModel(kind, X, y, gbdt), kind, cv };
}

// The intent model a shop gets before it has enough sessions of its own to train one.
// A logistic model with hand-set weights, in the spirit of what published studies find
// (UCI Online Shoppers, Sakar et al. 2019; YooChoose): cart activity and checkout dominate,
// product views and engaged time add, a single quick page view says little. Its probabilities
// are rough; the shop's own model replaces it at the first retraining with enough data.
import type { LogisticModel } from '../ml/logistic';
import { INTENT_FEATURES } from './intent-features';

const WEIGHTS: Partial<Record<(typeof INTENT_FEATURES)[number], number>> = {
  product_views: 0.12,
  distinct_items: 0.05,
  engaged_s: 0.004,
  product_engaged_s_mean: 0.01,
  searches: 0.1,
  cart_adds: 0.9,
  cart_removes: -0.3,
  began_checkout: 2.2,
  from_campaign: 0.2,
  visit_number: 0.08,
  prior_purchases: 0.4,
};

export const PRIOR_INTENT_MODEL: LogisticModel = {
  kind: 'logistic',
  // raw units: the weights apply to the features as they are
  scaler: { mean: INTENT_FEATURES.map(() => 0), scale: INTENT_FEATURES.map(() => 1) },
  weights: INTENT_FEATURES.map((name) => WEIGHTS[name] ?? 0),
  bias: -3.4, // about 3 % for a session that has done nothing yet
};

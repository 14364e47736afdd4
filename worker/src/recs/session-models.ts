// The session-based sources of the blend, read from one session index: VSTAN for the session
// and sequential rules for the last item. SiteBrain and the benchmark both use this class.
import { sequentialRules, SEQUENTIAL_DEFAULTS, type SequentialRuleOptions } from './sequential-rules';
import type { SessionIndex } from './session-index';
import { Stan, type StanOptions } from './stan';

/** VSTAN as served: tuned on yoochoose-1pct's validation period, at most 2,500 candidate sessions (docs/evaluation.md). */
export const SERVED_VSTAN: StanOptions = { k: 500, sampleSize: 2_500, spw: 4, snhDays: 20, inh: 4, ipw: 1.02, idf: 1 };

export class SessionModels {
  readonly stan: Stan;
  readonly rules: SequentialRuleOptions;

  constructor(readonly index: SessionIndex, { stan = SERVED_VSTAN, rules = SEQUENTIAL_DEFAULTS }: { stan?: StanOptions; rules?: SequentialRuleOptions } = {}) {
    this.stan = new Stan(index, stan);
    this.rules = rules;
  }

  session(views: readonly string[], now: number): Map<string, number> {
    return this.stan.score(views, now);
  }

  sequential(item: string): Map<string, number> {
    return sequentialRules(this.index, item, this.rules);
  }

  popularity(item: string): number {
    return this.index.frequency(item);
  }
}

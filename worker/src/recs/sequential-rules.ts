// Sequential rules (SR, Ludewig & Jannach 2018): "after A, visitors went on to B", weighted
// by 1/distance for B up to `steps` clicks after A. Cheap, and strong for the next click.
// Read from the session index at request time, over the newest `sessions` sessions that hold A,
// so nothing extra is stored and the work is bounded by sessions × steps.
import type { SessionIndex } from './session-index';

export interface SequentialRuleOptions {
  /** How many clicks after A still count. */
  steps: number;
  /** The newest sessions holding A that are read. */
  sessions: number;
}

export const SEQUENTIAL_DEFAULTS: SequentialRuleOptions = { steps: 10, sessions: 1_000 };

/** Items that followed `item` in past sessions, with their rule weight. */
export function sequentialRules(index: SessionIndex, item: string, options: Partial<SequentialRuleOptions> = {}): Map<string, number> {
  const { steps, sessions } = { ...SEQUENTIAL_DEFAULTS, ...options };
  const out = new Map<string, number>();
  for (const id of index.newestWith(item, sessions)) {
    const items = index.items(id);
    for (let i = 0; i < items.length; i++) {
      if (items[i] !== item) continue;
      for (let j = i + 1; j < items.length && j - i <= steps; j++) {
        if (items[j] !== item) out.set(items[j], (out.get(items[j]) ?? 0) + 1 / (j - i));
      }
    }
  }
  return out;
}

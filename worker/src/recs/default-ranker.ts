// Placeholder until `npm run bench:recs -- --write-ranker` writes the trained one.
import type { Ranker } from './ranker';

export const DEFAULT_RANKER: Ranker | undefined = undefined;

// The recommendation sources a request can read, shared by the blend and the learned ranker.

export type SourceKey = 'bought_together' | 'viewed_together' | 'session' | 'sequential' | 'reminder' | 'recent' | 'trending';

export interface Source {
  key: SourceKey;
  scores: ReadonlyMap<string, number>;
}

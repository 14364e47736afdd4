// Which slots of a page's decisions ask the recommender (campaigns/content.ts slotAsks), and that
// slots asking alike share one call to it (slotItems), all calls made at once.
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMIT, slotAsks, slotItems } from '../../worker/src/campaigns/content';
import type { CampaignRule, Decided } from '../../worker/src/campaigns/decision';
import type { Env } from '../../worker/src/env';

const rule = (id: string, type: CampaignRule['type'], variants: CampaignRule['variants']): CampaignRule => ({
  id, type, slots: ['x'], priority: 0, caps: {}, targeting: {}, holdout: 0.1, variants,
});
const campaigns = [
  rule('promo', 'promotion', [{ name: 'a', weight: 1 }]),
  rule('recs', 'recommendation', [{ name: 'r', weight: 1, recs: { strategy: 'bought_together', limit: 4 } }]),
  rule('held', 'recommendation', [{ name: 'r', weight: 1, recs: { strategy: 'trending', limit: 3 } }]),
];
const decision = (slot: string, campaign: string, variant: string) => ({ slot, campaign, variant, decision_id: `d-${slot}` });

describe('slotAsks', () => {
  const decided: Decided = {
    decisions: [decision('s1', 'promo', 'a'), decision('s2', 'recs', 'r'), decision('s3', 'held', 'holdout')],
    firsts: [],
    open: ['s4', 's5'],
  };

  it('asks for treated recommendation campaigns and open fallbacks, never for promotions or the holdout', () => {
    expect(slotAsks(campaigns, decided, null)).toEqual([
      { slot: 's2', strategy: 'bought_together', limit: 4 },
      { slot: 's4', strategy: 'personal', limit: DEFAULT_LIMIT },
      { slot: 's5', strategy: 'personal', limit: DEFAULT_LIMIT },
    ]);
  });

  it('fills fallbacks on a product page with what goes with the product', () => {
    expect(slotAsks(campaigns, decided, 'p1').slice(1).map((a) => a.strategy)).toEqual(['similar', 'similar']);
  });
});

describe('slotItems', () => {
  it('makes one call per distinct strategy and limit, all before any answers', async () => {
    const asked: unknown[] = [];
    let answer!: () => void;
    const gate = new Promise<void>((resolve) => (answer = resolve));
    const env = {
      BRAIN: {
        idFromName: (name: string) => name,
        get: () => ({
          recommend: async (req: any) => {
            asked.push({ context: req.context, limit: req.limit });
            await gate;
            return { items: [{ item_id: `${req.context}-${req.limit}`, reason: 'popular' }], model_version: 'test' };
          },
        }),
      },
    } as unknown as Env;
    const visitor = { views: [], recent: [], cart: [], bought: [], affinity: {} };
    const pending = slotItems(env, 'site', [
      { slot: 'a', strategy: 'personal', limit: 8 },
      { slot: 'b', strategy: 'personal', limit: 8 },
      { slot: 'c', strategy: 'trending', limit: 3 },
    ], null, visitor);
    await Promise.resolve();
    expect(asked).toEqual([{ context: 'home', limit: 8 }, { context: 'home', limit: 3 }]); // both out before either answers
    answer();
    const items = await pending;
    expect(items.map((s) => [s.slot, s.strategy, s.items.map((i) => i.item_id)])).toEqual([
      ['a', 'personal', ['home-8']],
      ['b', 'personal', ['home-8']],
      ['c', 'trending', ['home-3']],
    ]);
    expect(items[0].items[0]).toEqual({ item_id: 'home-8', name: null, category: null, price: null, reason: 'popular' });
  });
});

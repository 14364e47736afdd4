// /v1/decide serves campaigns from a per-isolate copy (campaigns/store.ts). A write through the
// admin API takes effect on the next decision; a write made by another isolate, which cannot
// clear this isolate's copy, within CAMPAIGN_CACHE_MS.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { CAMPAIGN_CACHE_MS, servingCampaigns } from '../../worker/src/campaigns/store';
import { TEST_SITE } from './helpers';
import { admin, create, decide, promotion, vid } from './campaigns-helpers';

const served = async (visitor: string, slots: string) => (await decide(`visitor=${visitor}&page=home&slots=${slots}`)).body.decisions;

describe('campaign changes reach /v1/decide', () => {
  it('a PUT through the API takes effect on the very next decision', async () => {
    const c = await create(promotion(['dc-put-a'], { holdout: 0 }));
    const v = vid('visitor-dc-put-0001');
    const shown = async () => (await served(v, 'dc-put-a,dc-put-b')).map((d: any) => [d.slot, d.campaign, d.content.title]);
    const before = await shown();
    expect(before).toEqual([['dc-put-a', c.id, expect.any(String)]]);
    expect(before[0][2]).not.toBe('Moved');

    const variants = c.variants.map((x: any) => ({ ...x, content: { ...x.content, title: 'Moved' } }));
    expect((await admin('PUT', `/${c.id}`, { slots: ['dc-put-b'], variants })).status).toBe(200);
    expect(await shown()).toEqual([['dc-put-b', c.id, 'Moved']]);

    expect((await admin('PUT', `/${c.id}`, { status: 'paused' })).status).toBe(200);
    expect(await served(v, 'dc-put-a,dc-put-b')).toEqual([]);
  });

  it('a DELETE through the API takes effect on the very next decision', async () => {
    const c = await create(promotion(['dc-del'], { holdout: 0 }));
    const v = vid('visitor-dc-del-0001');
    expect(await served(v, 'dc-del')).toHaveLength(1);
    expect((await admin('DELETE', `/${c.id}`)).status).toBe(200);
    expect(await served(v, 'dc-del')).toEqual([]);
  });

  it('a write this isolate did not make is served within CAMPAIGN_CACHE_MS, not before', async () => {
    const c = await create(promotion(['dc-iso'], { holdout: 0 }));
    const t = Date.now();
    const ids = async (now: number) => (await servingCampaigns(env.DB, TEST_SITE.key, now)).map((x) => x.id);
    expect(await ids(t)).toContain(c.id); // cached from here on
    // another isolate deletes it: D1 changes, this isolate's copy is not told
    await env.DB.prepare('UPDATE campaigns SET deleted_at = ? WHERE site_key = ? AND campaign_id = ?').bind(t, TEST_SITE.key, c.id).run();
    expect(await ids(t + CAMPAIGN_CACHE_MS - 1)).toContain(c.id);
    expect(await ids(t + CAMPAIGN_CACHE_MS)).not.toContain(c.id);
  });
});

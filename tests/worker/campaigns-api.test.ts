// The admin API for campaigns: validation that names the field, CRUD, the frozen holdout, keys.
import { describe, expect, it } from 'vitest';
import { TEST_SITE } from './helpers';
import { admin, create, decide, promotion, vid } from './campaigns-helpers';

const DAY = 86_400_000;

describe('POST /v1/admin/campaigns', () => {
  it('stores a campaign and answers 201 with its id and normalized fields', async () => {
    const start = '2026-01-01T00:00:00.000Z';
    const res = await admin('POST', '', promotion(['api-hero'], { start, holdout: undefined, window_days: undefined }));
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^cmp_[0-9a-f]{16}$/);
    expect(res.body).toMatchObject({ type: 'promotion', slots: ['api-hero'], start, end: null, holdout: 0.1, window_days: 7, status: 'active', live: true, priority: 0, caps: {}, targeting: {} });
    const again = await admin('GET', `/${res.body.id}`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);
  });

  it('accepts an id of the caller, once', async () => {
    const first = await admin('POST', '', promotion(['api-own'], { id: 'spring-sale' }));
    expect(first.status).toBe(201);
    expect(first.body.id).toBe('spring-sale');
    const second = await admin('POST', '', promotion(['api-own'], { id: 'spring-sale' }));
    expect(second.status).toBe(409);
    expect(second.body.error).toMatch(/spring-sale/);
  });

  it('accepts a recommendation campaign, relative and allowed-origin images, and an end', async () => {
    const rec = await admin('POST', '', {
      name: 'Bought together', type: 'recommendation', slots: ['pdp-recs'], end: Date.now() + DAY, holdout: 0.5,
      variants: [{ name: 'bt', weight: 1, content: { title: 'Goes well with', strategy: 'bought_together', limit: 4 } }],
    });
    expect(rec.status).toBe(201);
    expect(rec.body.variants[0].content).toEqual({ title: 'Goes well with', strategy: 'bought_together', limit: 4 });
    const image = await admin('POST', '', promotion(['api-img'], { variants: [{ name: 'a', weight: 1, content: { title: 'T', text: '', image: 'https://shop.example/a.png' } }] }));
    expect(image.status).toBe(201);
  });

  // Each invalid definition gets a 400 whose message names the field at fault.
  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ['no name', { name: undefined }, /^name: /],
    ['unknown type', { type: 'banner' }, /^type: |type must be/],
    ['no type', { type: undefined }, /type must be/],
    ['holdout over 0.5', { holdout: 0.6 }, /^holdout: must be ≤ 0.5/],
    ['negative holdout', { holdout: -0.1 }, /^holdout: /],
    ['no slots', { slots: [] }, /^slots: /],
    ['bad slot name', { slots: ['a b'] }, /^slots\.0: /],
    ['repeated slot', { slots: ['x', 'x'] }, /^slots: must not repeat/],
    ['fractional priority', { priority: 1.5 }, /^priority: must be an integer/],
    ['zero cap', { caps: { per_day: 0 } }, /^caps\.per_day: /],
    ['unknown field', { targetting: {} }, /^targetting: is not a known field/],
    ['unknown targeting rule', { targeting: { intent: 0.5 } }, /^targeting\.intent: is not a known field/],
    ['intent out of 0–1', { targeting: { intent_min: 2 } }, /^targeting\.intent_min: must be ≤ 1/],
    ['intent band upside down', { targeting: { intent_min: 0.8, intent_max: 0.2 } }, /^targeting\.intent_max: /],
    ['cart band upside down', { targeting: { cart_value_min: 100, cart_value_max: 10 } }, /^targeting\.cart_value_max: /],
    ['unknown page type', { targeting: { page_types: ['landing'] } }, /^targeting\.page_types\.0: must be one of/],
    ['unknown lifecycle', { targeting: { lifecycle: ['vip'] } }, /^targeting\.lifecycle\.0: /],
    ['unknown device', { targeting: { devices: ['fridge'] } }, /^targeting\.devices\.0: /],
    ['visitor neither new nor returning', { targeting: { visitor: 'old' } }, /^targeting\.visitor: /],
    ['exit intent not boolean', { targeting: { exit_intent: 'yes' } }, /^targeting\.exit_intent: /],
    ['start not a date', { start: 'yesterday' }, /^start: /],
    ['end before start', { start: Date.now(), end: Date.now() - DAY }, /^end: must be after start/],
    ['window too long', { window_days: 365 }, /^window_days: /],
    ['bad status', { status: 'running' }, /^status: /],
    ['no variants', { variants: [] }, /^variants: /],
    ['variant named holdout', { variants: [{ name: 'holdout', weight: 1, content: { title: 'T', text: '' } }] }, /^variants\.0\.name: "holdout" is reserved/],
    ['variant names repeated', { variants: [{ name: 'a', weight: 1, content: { title: 'T', text: '' } }, { name: 'a', weight: 1, content: { title: 'U', text: '' } }] }, /^variants\.1\.name: "a" is used twice/],
    ['zero weight', { variants: [{ name: 'a', weight: 0, content: { title: 'T', text: '' } }] }, /^variants\.0\.weight: /],
    ['html in text', { variants: [{ name: 'a', weight: 1, content: { title: 'T', text: '<script>alert(1)</script>' } }] }, /^variants\.0\.content\.text: must be plain text/],
    ['html in title', { variants: [{ name: 'a', weight: 1, content: { title: '<img src=x onerror=alert(1)>', text: '' } }] }, /^variants\.0\.content\.title: must be plain text/],
    ['unknown placeholder', { variants: [{ name: 'a', weight: 1, content: { title: 'Hi {name}', text: '' } }] }, /^variants\.0\.content\.title: may use only the placeholders/],
    ['javascript: link', { variants: [{ name: 'a', weight: 1, content: { title: 'T', text: '', link: 'javascript:alert(1)' } }] }, /^variants\.0\.content\.link: must be an http\(s\) or relative URL/],
    ['link hiding a scheme behind a tab', { variants: [{ name: 'a', weight: 1, content: { title: 'T', text: '', link: 'java\tscript:alert(1)' } }] }, /^variants\.0\.content\.link: /],
    ['data: image', { variants: [{ name: 'a', weight: 1, content: { title: 'T', text: '', image: 'data:image/svg+xml,<svg onload=alert(1)>' } }] }, /^variants\.0\.content\.image: /],
    ['image from another origin', { variants: [{ name: 'a', weight: 1, content: { title: 'T', text: '', image: 'https://evil.example/x.png' } }] }, /^variants\.0\.content\.image: must be relative or come from one of the site's allowed origins/],
    ['protocol-relative image elsewhere', { variants: [{ name: 'a', weight: 1, content: { title: 'T', text: '', image: '//evil.example/x.png' } }] }, /^variants\.0\.content\.image: /],
    ['code with spaces', { variants: [{ name: 'a', weight: 1, content: { title: 'T', text: '', code: 'SAVE 10' } }] }, /^variants\.0\.content\.code: /],
    ['field of the other type', { variants: [{ name: 'a', weight: 1, content: { title: 'T', text: '', strategy: 'personal' } }] }, /^variants\.0\.content\.strategy: is not a known field/],
    ['unknown strategy', { type: 'recommendation', variants: [{ name: 'a', weight: 1, content: { title: 'T', strategy: 'random' } }] }, /^variants\.0\.content\.strategy: must be one of/],
  ];
  for (const [what, change, message] of invalid) {
    it(`400 for ${what}`, async () => {
      const res = await admin('POST', '', { ...promotion(['api-bad']), ...change });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(message);
    });
  }

  it('400 for a body that is not JSON or not an object', async () => {
    expect((await admin('POST', '', '{nope')).body.error).toBe('body is not valid JSON');
    const array = await admin('POST', '', [1, 2]);
    expect(array.status).toBe(400);
    expect(array.body.error).toMatch(/JSON object/);
  });
});

describe('GET, PUT and DELETE /v1/admin/campaigns/:id', () => {
  it('lists the site\'s campaigns, highest priority first', async () => {
    const low = await create(promotion(['list-a'], { priority: -5 }));
    const high = await create(promotion(['list-a'], { priority: 900 }));
    const res = await admin('GET', '');
    expect(res.status).toBe(200);
    const ids = res.body.campaigns.map((c: any) => c.id);
    expect(ids).toContain(low.id);
    expect(ids.indexOf(high.id)).toBeLessThan(ids.indexOf(low.id));
    expect(ids[0]).toBe(high.id);
  });

  it('404 for unknown and malformed ids', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await admin(method, '/cmp_doesnotexist', method === 'PUT' ? { name: 'x' } : undefined);
      expect(res.status).toBe(404);
      expect(res.body.error).toMatch(/no campaign "cmp_doesnotexist"/);
      expect((await admin(method, '/bad%20id', method === 'PUT' ? { name: 'x' } : undefined)).status).toBe(404);
    }
  });

  it('PUT changes the fields it names and keeps the others', async () => {
    const c = await create(promotion(['put-a'], { targeting: { page_types: ['home'] } }));
    const res = await admin('PUT', `/${c.id}`, { status: 'paused', name: 'Renamed' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: c.id, status: 'paused', live: false, name: 'Renamed', targeting: { page_types: ['home'] }, variants: c.variants });
    expect((await admin('GET', `/${c.id}`)).body.status).toBe('paused');
    // what GET answers can be sent back as it is
    const roundTrip = await admin('PUT', `/${c.id}`, { ...res.body, status: 'active' });
    expect(roundTrip.status).toBe(200);
    expect(roundTrip.body.live).toBe(true);
    expect((await admin('PUT', `/${c.id}`, { id: 'other-id' })).status).toBe(400);
    const bad = await admin('PUT', `/${c.id}`, { caps: { per_week: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^caps\.per_week: /);
  });

  it('keeps the holdout and the arms fixed once the campaign has started', async () => {
    const started = await create(promotion(['put-frozen']));
    for (const change of [{ holdout: 0.2 }, { variants: [{ ...started.variants[0], weight: 3 }, started.variants[1]] }, { type: 'recommendation', variants: [{ name: 'a', weight: 1, content: { title: 'T', strategy: 'trending' } }] }, { start: Date.now() + DAY }]) {
      const res = await admin('PUT', `/${started.id}`, change);
      expect(res.status).toBe(409);
      expect(res.body.error).toMatch(/cannot change|fixed/);
    }
    const holdout = await admin('PUT', `/${started.id}`, { holdout: 0.3 });
    expect(holdout.body.error).toMatch(/^holdout is fixed for the campaign's life/);
    // the content may still be corrected
    const fixed = await admin('PUT', `/${started.id}`, { variants: [{ ...started.variants[0], content: { title: 'Corrected', text: '' } }, started.variants[1]] });
    expect(fixed.status).toBe(200);
    expect(fixed.body.variants[0].content.title).toBe('Corrected');

    const later = await create(promotion(['put-frozen'], { start: Date.now() + DAY }));
    expect(later.live).toBe(false);
    const changed = await admin('PUT', `/${later.id}`, { holdout: 0.25 });
    expect(changed.status).toBe(200);
    expect(changed.body.holdout).toBe(0.25);
  });

  it('shows a campaign past its end as ended', async () => {
    const c = await create(promotion(['put-ended'], { start: Date.now() - 2 * DAY, end: Date.now() - DAY }));
    expect(c).toMatchObject({ status: 'ended', live: false });
  });

  it('DELETE removes it from the API and from serving', async () => {
    const c = await create(promotion(['del-slot'], { holdout: 0 }));
    expect((await decide(`visitor=${vid('visitor-del-0001')}&page=home&slots=del-slot`)).body.decisions).toHaveLength(1);
    const res = await admin('DELETE', `/${c.id}`);
    expect(res).toEqual({ status: 200, body: { id: c.id, deleted: true } });
    expect((await admin('GET', `/${c.id}`)).status).toBe(404);
    expect((await admin('GET', '')).body.campaigns.map((x: any) => x.id)).not.toContain(c.id);
    expect((await admin('DELETE', `/${c.id}`)).status).toBe(404);
    expect((await decide(`visitor=${vid('visitor-del-0001')}&page=home&slots=del-slot`)).body.decisions).toEqual([]);
    // a deleted campaign's id stays taken: its records still refer to it
    expect((await admin('POST', '', promotion(['del-slot'], { id: c.id }))).status).toBe(409);
  });
});

describe('keys', () => {
  it('needs the admin key of the site', async () => {
    const c = await create(promotion(['keys-a']));
    const none = await admin('GET', '', undefined, { key: null });
    expect(none.status).toBe(401);
    expect(none.body.error).toMatch(/Authorization/);
    // the site key alone (it is public: every page carries it) and the read key cannot administer
    for (const key of [TEST_SITE.key, TEST_SITE.readKey, 'other-admin-key', 'wrong']) {
      for (const [method, path, body] of [['GET', ''], ['POST', '', promotion(['keys-a'])], ['GET', `/${c.id}`], ['PUT', `/${c.id}`, { name: 'x' }], ['DELETE', `/${c.id}`]] as const) {
        const res = await admin(method, path, body, { key });
        expect(res.status, `${method} ${path} with ${key}`).toBe(403);
      }
    }
    expect((await admin('GET', `/${c.id}`)).status).toBe(200);
    expect((await admin('GET', '', undefined, { site: undefined as any, key: TEST_SITE.adminKey })).status).toBe(200);
  });

  it('keeps shops apart: another shop\'s admin key sees only its own campaigns', async () => {
    const mine = await create(promotion(['keys-b']));
    const theirs = await admin('GET', '', undefined, { site: 'other-shop', key: 'other-admin-key' });
    expect(theirs.status).toBe(200);
    expect(theirs.body.campaigns.map((x: any) => x.id)).not.toContain(mine.id);
    expect((await admin('GET', `/${mine.id}`, undefined, { site: 'other-shop', key: 'other-admin-key' })).status).toBe(404);
    expect((await admin('DELETE', `/${mine.id}`, undefined, { site: 'other-shop', key: 'other-admin-key' })).status).toBe(404);
    expect((await admin('GET', `/${mine.id}`)).status).toBe(200);
    // and the other shop's visitors are never decided with this shop's campaigns
    const res = await decide(`visitor=${vid('visitor-other-0001')}&page=home&slots=keys-b`, { site: 'other-shop' });
    expect(res.status).toBe(200);
    expect(res.body.decisions).toEqual([]);
  });
});

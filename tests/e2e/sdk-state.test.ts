// The visitor's state (id, session, seq) in real Chromium: it lives in localStorage, read and
// written with every event, so two tabs of one visitor share one sequence.
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { browserPerFile, eventually, stored, visitorOf } from './browser';

const base = inject('baseUrl');
const browser = browserPerFile();

/** The seq this tab's localStorage holds now. */
const seqIn = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem('linger:state') ?? '{}').seq as number);

describe('the visitor state in a real browser', () => {
  it('gives two tabs of one visitor one sequence: events made in turn get increasing seqs of their own', async () => {
    const context = await browser().newContext();
    const a = await context.newPage();
    await a.goto(`${base}/`);
    const visitor = await visitorOf(a);
    const b = await context.newPage();
    await b.goto(`${base}/`);
    expect(await visitorOf(b)).toBe(visitor);
    // Both pages' own events (page view, list view) are made before the tabs take turns.
    await eventually(async () => {
      const events = await stored(base, visitor);
      expect(events.filter((e) => e.name === 'page_view')).toHaveLength(2);
      expect(events.filter((e) => e.name === 'view_item_list')).toHaveLength(2);
    });
    const terms: string[] = [];
    for (let i = 0; i < 6; i++) {
      const [tab, other] = i % 2 ? [b, a] : [a, b];
      const term = `${i % 2 ? 'b' : 'a'}${i}`;
      await tab.evaluate((term) => (window as any).linger('track', 'search', { search_term: term }), term);
      terms.push(term);
      // The visitor turns to the other tab once it has heard of this one's write (or of a later
      // one: a tab's own engagement report may come meanwhile).
      const seq = await seqIn(tab);
      await eventually(async () => expect(await seqIn(other)).toBeGreaterThanOrEqual(seq), 5_000);
    }
    const events = await eventually(async () => {
      const got = await stored(base, visitor);
      expect(got.filter((e) => e.name === 'search')).toHaveLength(terms.length);
      return got;
    });
    const searches = events.filter((e) => e.name === 'search').sort((x, y) => x.seq - y.seq);
    expect(searches.map((e) => e.props.search_term)).toEqual(terms);
    // Every event made in turn has its own seq, and so has every event of one tab. Events the two
    // tabs make at the very same moment may share a seq (the sequence is kept in localStorage,
    // read and written by each tab): while both pages load, or an engagement report, timed by its
    // tab alone (a heartbeat every 15 s), made as the other tab makes an event. The collector keys
    // events by id and orders them by seq, then client time, so nothing is lost or merged.
    const inTurn = searches.map((e) => e.seq);
    expect(new Set(inTurn).size).toBe(inTurn.length);
    for (const page of new Set(events.map((e) => e.page_id))) {
      const own = events.filter((e) => e.page_id === page && e.name !== 'user_engagement').map((e) => e.seq);
      expect(new Set(own).size).toBe(own.length);
    }
    await context.close();
  });
});

import { describe, expect, it } from 'vitest';
import { nextSession, utmOf } from '../../sdk/src/session';

let n = 0;
const newId = () => `session-${++n}`;
const MIN = 60_000;

describe('session cutting', () => {
  it('keeps a session while the visitor is active and ends it after 30 minutes without activity', () => {
    const s1 = nextSession(undefined, 0, undefined, newId);
    const s2 = nextSession(s1, 29 * MIN, undefined, newId);
    expect(s2.id).toBe(s1.id);
    const s3 = nextSession(s2, 29 * MIN + 30 * MIN - 1, undefined, newId);
    expect(s3.id).toBe(s1.id);
    const s4 = nextSession(s3, 29 * MIN + 30 * MIN - 1 + 30 * MIN, undefined, newId);
    expect(s4.id).not.toBe(s1.id);
  });

  it('starts a new session when the visitor arrives through another campaign', () => {
    const summer = { source: 'news', campaign: 'summer' };
    const s1 = nextSession(undefined, 0, summer, newId);
    expect(s1.utm).toEqual(summer);
    expect(nextSession(s1, MIN, summer, newId).id).toBe(s1.id);
    const s2 = nextSession(s1, 2 * MIN, { source: 'news', campaign: 'winter' }, newId);
    expect(s2.id).not.toBe(s1.id);
    expect(s2.utm).toEqual({ source: 'news', campaign: 'winter' });
  });

  it('keeps the session and its campaign on pages without UTM parameters', () => {
    const s1 = nextSession(undefined, 0, { source: 'mail' }, newId);
    const s2 = nextSession(s1, MIN, undefined, newId);
    expect(s2).toMatchObject({ id: s1.id, utm: { source: 'mail' }, last: MIN });
  });

  it('reads UTM parameters from a URL', () => {
    expect(utmOf('https://shop.example/?utm_source=mail&utm_campaign=x&q=1')).toEqual({ source: 'mail', campaign: 'x' });
    expect(utmOf('https://shop.example/?q=1')).toBeUndefined();
  });
});

// What targeting may know about a visitor, read from their VisitorShard's own tables (profiles,
// sessions, events): the latest session's intent score, the segment, the lifecycle stage, the
// cart's value, the session's UTM, new or returning.
import { SESSION_IDLE_MS } from '../../../sdk/schema/limits';
import { DEFAULT_LIFECYCLE, lifecycleStage } from '../ml/lifecycle';
import { itemsOf, type Profile, type SessionState } from '../scoring/session-state';
import type { VisitorFacts } from './targeting';

type Utm = VisitorFacts['utm'];

/**
 * `device` is the class of the browser asking (the same enrichment the collector applies).
 * `needs` says whether to read the cart's value and the session's UTM, which cost an events
 * read each. `utm` from the request, when given, is the landing page's own and wins.
 */
export function visitorFacts(
  sql: SqlStorage,
  visitorId: string,
  now: number,
  device: string,
  needs: { cart: boolean; utm: boolean },
  utm: Utm = null,
): VisitorFacts {
  const row = sql.exec<{ state: string; segment: string | null }>('SELECT state, segment FROM profiles WHERE visitor_id = ?', visitorId).toArray()[0];
  const profile: Profile | null = row ? JSON.parse(row.state) : null;
  const sessionRow = sql.exec<{ state: string }>('SELECT state FROM sessions WHERE visitor_id = ? ORDER BY last DESC LIMIT 1', visitorId).toArray()[0];
  const session: SessionState | null = sessionRow ? JSON.parse(sessionRow.state) : null;
  const active = !!session && now - session.last < SESSION_IDLE_MS;
  const visits = profile?.visits ?? 0;
  return {
    intent: session ? session.intent : null,
    segment: row?.segment ?? null,
    lifecycle: profile
      ? lifecycleStage({ daysSinceLastVisit: (now - profile.lastSeen) / 86_400_000, visits, purchases: profile.purchases, engagedMs: profile.engagedMs, productViews: profile.productViews }, DEFAULT_LIFECYCLE)
      : 'new',
    cartValue: needs.cart && profile?.cart.length ? cartValue(sql, visitorId, profile.cart) : 0,
    utm: utm ?? (needs.utm && active ? sessionUtm(sql, visitorId, session!.id) : null),
    device,
    // this page view starts a second visit when the last one has gone idle
    returning: visits >= 2 || (visits === 1 && !active),
  };
}

/**
 * The cart's value: for each item still in the profile's cart, price × quantity from the latest
 * add_to_cart event that carried it (among the visitor's last 200). Items without a price count 0.
 */
export function cartValue(sql: SqlStorage, visitorId: string, cart: readonly string[]): number {
  const rows = sql
    .exec<{ props: string }>("SELECT props FROM events WHERE visitor_id = ? AND name = 'add_to_cart' ORDER BY seq DESC LIMIT 200", visitorId)
    .toArray();
  const line = new Map<string, number>();
  for (const r of rows) {
    const props = JSON.parse(r.props);
    for (const it of itemsOf(props)) {
      if (line.has(it.item_id)) continue; // a later add already priced it
      const quantity = Number(it.quantity ?? props.quantity ?? 1);
      line.set(it.item_id, (Number(it.price) || 0) * (Number.isFinite(quantity) ? quantity : 1));
    }
  }
  const total = cart.reduce((sum, item) => sum + (line.get(item) ?? 0), 0);
  return Math.round(total * 100) / 100;
}

/** The UTM the session arrived with (its first event that carried one). */
function sessionUtm(sql: SqlStorage, visitorId: string, sessionId: string): Utm {
  const row = sql
    .exec<{ utm: string }>('SELECT utm FROM events WHERE visitor_id = ? AND session_id = ? AND utm IS NOT NULL ORDER BY seq LIMIT 1', visitorId, sessionId)
    .toArray()[0];
  return row ? JSON.parse(row.utm) : null;
}

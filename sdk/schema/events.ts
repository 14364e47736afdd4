// The event schema: the one contract between the SDK and the collector.
// Names follow GA4 so exports map onto tools shops already know.
// The SDK imports only types from here (erased at build), so valibot never reaches the browser bundle.
import * as v from 'valibot';
import { MAX_AMOUNT, MAX_CUSTOM_NUMBER, MAX_ENGAGED_MS, MAX_URL } from './limits';

export const EVENT_NAMES = [
  'page_view',
  'user_engagement',
  'click',
  'view_item',
  'view_item_list',
  'select_item',
  'search',
  'add_to_cart',
  'remove_from_cart',
  'begin_checkout',
  'purchase',
  'view_promotion',
  'select_promotion',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

/** Event, visitor, session and page ids. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
export const idProblem = (what: string) => `${what} must be 8-64 characters of A-Z, a-z, 0-9, _ or -`;
const id = (what: string) => v.pipe(v.string(), v.regex(ID_PATTERN, idProblem(what)));
const text = (max: number) => v.pipe(v.string(), v.maxLength(max, `at most ${max} characters`));
const finite = v.pipe(v.number(), v.finite('must be a finite number'));
/** Money: value and price. */
const amount = v.pipe(finite, v.minValue(0, 'must be ≥ 0'), v.maxValue(MAX_AMOUNT, `must be ≤ ${MAX_AMOUNT}`));
const count = (min: number, max: number) =>
  v.pipe(v.number(), v.integer('must be an integer'), v.minValue(min, `must be ≥ ${min}`), v.maxValue(max, `must be ≤ ${max}`));

export const ItemSchema = v.object({
  item_id: text(100),
  item_name: v.optional(text(200)),
  item_category: v.optional(text(200)),
  price: v.optional(amount),
  quantity: v.optional(count(1, 10_000)),
  position: v.optional(count(0, 10_000)),
  // GA4's promotion fields on items: the campaign (promotion) and slot an item was shown in,
  // carried on later cart and purchase events.
  promotion_id: v.optional(text(100)),
  promotion_name: v.optional(text(200)),
  creative_slot: v.optional(text(100)),
  decision_id: v.optional(text(100)),
});
export type Item = v.InferOutput<typeof ItemSchema>;

/** Extra shop-defined properties: a few short scalar values. */
const customValue = v.union([text(200), v.pipe(finite, v.minValue(-MAX_CUSTOM_NUMBER), v.maxValue(MAX_CUSTOM_NUMBER)), v.boolean()]);

const KNOWN_PROPS = {
  // items and commerce
  item_id: v.optional(text(100)),
  item_name: v.optional(text(200)),
  item_category: v.optional(text(200)),
  item_list_name: v.optional(text(200)),
  price: v.optional(amount),
  quantity: v.optional(count(1, 10_000)),
  value: v.optional(amount),
  currency: v.optional(v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'))),
  transaction_id: v.optional(text(100)),
  items: v.optional(v.pipe(v.array(ItemSchema), v.maxLength(100, 'at most 100 items'))),
  search_term: v.optional(text(200)),
  // promotions and recommendation slots
  promotion_id: v.optional(text(100)),
  promotion_name: v.optional(text(200)),
  creative: v.optional(text(200)),
  slot: v.optional(text(100)),
  position: v.optional(count(0, 10_000)),
  // campaign decisions (GET /v1/decide): which campaign, arm ("holdout" for the control group) and decision
  campaign_id: v.optional(text(100)),
  variant: v.optional(text(100)),
  decision_id: v.optional(text(100)),
  // engagement: cumulative engaged time of the page view, and how far it was scrolled
  engaged_ms: v.optional(count(0, MAX_ENGAGED_MS)),
  scroll_depth: v.optional(count(0, 100)),
  final: v.optional(v.boolean()),
  // clicks
  label: v.optional(text(100)),
  element: v.optional(text(20)),
  link_url: v.optional(text(MAX_URL)),
};

/** Names a JavaScript object treats specially; the schema would silently drop them, so they are refused. */
const RESERVED_NAMES = ['__proto__', 'prototype', 'constructor'];

export const PropsSchema = v.pipe(
  v.custom<Record<string, unknown>>((p) => typeof p === 'object' && p !== null && !Array.isArray(p), 'props must be an object'),
  v.check((p) => !RESERVED_NAMES.some((name) => Object.hasOwn(p, name)), `${RESERVED_NAMES.join(', ')} are not allowed as property names`),
  v.objectWithRest(KNOWN_PROPS, customValue),
  v.check((p) => Object.keys(p).length <= 40, 'at most 40 properties'),
);
/** Event properties: the known ones, typed, plus a few short scalar values of the shop's own. */
export type EventProps = v.InferOutput<v.ObjectSchema<typeof KNOWN_PROPS, undefined>> & {
  [custom: string]: v.InferOutput<typeof customValue> | Item[] | undefined;
};


export const UtmSchema = v.object({
  source: v.optional(text(200)),
  medium: v.optional(text(200)),
  campaign: v.optional(text(200)),
  term: v.optional(text(200)),
  content: v.optional(text(200)),
});
export type Utm = v.InferOutput<typeof UtmSchema>;

/** What each event name needs beyond the common fields (GA4's required parameters, and ours). */
const REQUIRED: Partial<Record<EventName, (p: EventProps) => string | undefined>> = {
  user_engagement: (p) => (p.engaged_ms === undefined ? 'props.engaged_ms is required' : undefined),
  view_item: needsItem,
  select_item: needsItem,
  add_to_cart: needsItem,
  remove_from_cart: needsItem,
  view_item_list: (p) => (p.items?.length ? undefined : 'props.items must list at least one item'),
  search: (p) => (p.search_term ? undefined : 'props.search_term is required'),
  purchase: (p) =>
    !p.transaction_id ? 'props.transaction_id is required' : p.value === undefined ? 'props.value is required' : undefined,
  view_promotion: needsPromotion,
  select_promotion: needsPromotion,
};
function needsItem(p: EventProps) {
  return p.item_id || p.items?.length ? undefined : 'props.item_id (or props.items) is required';
}
function needsPromotion(p: EventProps) {
  return p.promotion_id ? undefined : 'props.promotion_id is required';
}

export const EventSchema = v.pipe(
  v.object({
    event_id: id('event_id'),
    name: v.picklist(EVENT_NAMES, `name must be one of ${EVENT_NAMES.join(', ')}`),
    visitor_id: id('visitor_id'),
    session_id: id('session_id'),
    page_id: v.optional(id('page_id')),
    seq: count(0, 2 ** 31 - 1),
    ts: v.pipe(finite, v.integer('must be an integer'), v.minValue(0, 'must be ≥ 0'), v.maxValue(8.64e15, 'must be a time (Unix ms)')),
    url: v.pipe(text(MAX_URL), v.url('url must be an absolute URL')),
    referrer: v.optional(text(MAX_URL)),
    title: v.optional(text(300)),
    utm: v.optional(UtmSchema),
    props: v.optional(PropsSchema, {}),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const problem = REQUIRED[dataset.value.name]?.(dataset.value.props);
    if (problem) addIssue({ message: `${dataset.value.name}: ${problem}` });
  }),
);
export type TrackedEvent = v.InferOutput<typeof EventSchema>;
/** What the SDK builds before validation: props may be left out. */
export type EventInput = Omit<v.InferInput<typeof EventSchema>, 'props'> & { props?: EventProps };

/** The request body of POST /v1/collect. A bare array of events is accepted too. */
export const BatchSchema = v.object({
  events: v.pipe(v.array(v.unknown(), 'events must be an array'), v.minLength(1, 'events is empty'), v.maxLength(500, 'at most 500 events per batch')),
  /** Client clock when the batch left, to correct clock skew. */
  sent_at: v.optional(v.pipe(finite, v.minValue(0, 'must be ≥ 0'), v.maxValue(8.64e15, 'must be a time (Unix ms)'))),
  /** Events the browser queue had to drop since the last accepted batch. */
  dropped: v.optional(count(0, 1_000_000)),
  /** The visitor's secret token: its hash binds personalized reads to this browser (worker/src/access/visitor-token.ts). */
  token: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/, 'token must be 32 hex digits'))),
  /** navigator.webdriver: the browser says it is automated. */
  webdriver: v.optional(v.boolean()),
});
export type Batch = v.InferOutput<typeof BatchSchema>;

/** The first issue of a failed parse, as "path: message". */
export function describeIssue(issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.');
  return path && !issue.message.startsWith(path) ? `${path}: ${issue.message}` : issue.message;
}

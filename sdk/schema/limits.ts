// Limits shared by the SDK (what it sends) and the collector (what it accepts).
// No imports here: the SDK bundles this file, and it must stay tiny.

/** Most events in one request; the SDK batches at this size. */
export const MAX_BATCH_EVENTS = 50;
/** Target size of one request body; keeps keepalive / beacon in-flight bytes well under the browser's 64 KB. */
export const MAX_BATCH_BYTES = 16_384;
/** Hard limit of a request body at the collector (413 above it). */
export const MAX_BODY_BYTES = 65_536;
/** Events the browser queue keeps at most; the oldest are dropped (and counted) beyond it. */
export const MAX_QUEUED_EVENTS = 1_000;
/** Events older than this are dropped from the browser queue (and counted). */
export const MAX_QUEUED_AGE_MS = 7 * 24 * 3_600_000;
/** A session ends after this long without activity. */
export const SESSION_IDLE_MS = 30 * 60_000;
/** A visitor counts as engaged for this long after their last input. */
export const ENGAGEMENT_IDLE_MS = 30_000;
/** Largest money amount (value, price) an event may carry. */
export const MAX_AMOUNT = 1e9;
/** Largest custom numeric property, in absolute value. */
export const MAX_CUSTOM_NUMBER = 1e15;
/** Longest engaged time one page view can report: a day. */
export const MAX_ENGAGED_MS = 86_400_000;
/** The collector corrects a client clock by at most this much (the batch's sent_at against server time). */
export const MAX_CLOCK_SKEW_MS = 24 * 3_600_000;
/** Events older than this (after clock correction) are rejected; the browser queue keeps events for 7 days. */
export const MAX_EVENT_AGE_MS = 30 * 24 * 3_600_000;
/** Longest URL an event may carry (url, referrer, link_url); the tracker cuts longer ones. */
export const MAX_URL = 2048;

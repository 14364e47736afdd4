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

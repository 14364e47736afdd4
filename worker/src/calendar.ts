// Dates as people and pages write them.

/**
 * Whether "YYYY-MM-DD" (the start of `text`) is a day of the calendar: Date.parse reads
 * 2026-02-31 as 3 March, so the day must come back as it was written.
 */
export function isCalendarDay(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
}

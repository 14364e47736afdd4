// A shard's report answers, kept until its rollups next change: a dashboard asks the same
// questions again and again, and between two applied batches the answer cannot differ. The
// shard bumps `version` whenever it applies events (the only writer of rollups), which drops
// every kept answer; nothing is ever stale.
const MAX_ENTRIES = 200;

export class ReportCache {
  private readonly entries = new Map<string, unknown>();
  private version = -1;

  answer<T>(version: number, key: string, compute: () => T): T {
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    if (this.entries.has(key)) return this.entries.get(key) as T;
    const value = compute();
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, value);
    return value;
  }
}

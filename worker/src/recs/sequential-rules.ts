// Sequential rules (SR, Ludewig & Jannach 2018): "after A, visitors went on to B", weighted
// by 1/distance for B up to `steps` clicks after A. Cheap, and strong for the next click.

export class SequentialRules {
  private readonly rules = new Map<string, Map<string, number>>();

  constructor(readonly steps = 10) {}

  add(items: readonly string[]): void {
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length && j - i <= this.steps; j++) {
        if (items[j] === items[i]) continue;
        let row = this.rules.get(items[i]);
        if (!row) this.rules.set(items[i], (row = new Map()));
        row.set(items[j], (row.get(items[j]) ?? 0) + 1 / (j - i));
      }
    }
  }

  /** Items that followed `item`, with their rule weight. */
  after(item: string): ReadonlyMap<string, number> {
    return this.rules.get(item) ?? new Map();
  }
}

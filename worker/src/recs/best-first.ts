// Items in the order of a comparator, read lazily: a binary heap built in linear time, then one
// pop per item read. A ranking that keeps the first few of thousands of candidates sorts only
// what it reads, in the same order a full sort gives when the comparator is a total order.

/** `items` best first by `compare` (negative: the first argument goes first). Reorders `items`. */
export function* bestFirst<T>(items: T[], compare: (a: T, b: T) => number): Generator<T> {
  const heap = items;
  let size = heap.length;
  const down = (i: number) => {
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) return;
      const right = left + 1;
      const best = right < size && compare(heap[right], heap[left]) < 0 ? right : left;
      if (compare(heap[best], heap[i]) >= 0) return;
      [heap[i], heap[best]] = [heap[best], heap[i]];
      i = best;
    }
  };
  for (let i = (size >> 1) - 1; i >= 0; i--) down(i);
  while (size > 0) {
    const top = heap[0];
    heap[0] = heap[--size];
    down(0);
    yield top;
  }
}

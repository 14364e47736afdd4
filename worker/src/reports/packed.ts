// A shard's report rows cross the RPC as one JSON text that SQLite builds (json_group_array),
// not as row objects. In workerd each row read through a cursor and each object cloned across
// an RPC costs microseconds, and a report reads every shard in turn on one thread: profiled on
// 16 shards × 533 attribution rows, the rows as objects took about twice the CPU of the same
// rows as text, and most of a recomputed report's time went into moving rows.
//
// Numbers stay exact: INTEGER columns print as integers, and the rollups' REAL sums (all
// integer-valued: counts, cents, their squares and products) are cast to integers with
// `integer()`. workerd's SQLite prints a REAL in full, but other builds (node:sqlite's 3.51, for
// one) print 15 significant digits only; whole numbers are exact text on any.

/** A column expression read as an integer (for REAL columns holding whole numbers). */
export const integer = (column: string) => `CAST(${column} AS INTEGER)`;

/**
 * The rows of `select` as JSON text of arrays, one value per entry of `columns` (expressions
 * over the select's columns), in the select's order.
 */
export function packRows(sql: SqlStorage, select: string, columns: readonly string[], ...bindings: SqlStorageValue[]): string {
  return sql.exec<{ rows: string }>(`SELECT json_group_array(json_array(${columns.join(', ')})) AS rows FROM (${select})`, ...bindings).one().rows;
}

/** packRows' text as objects, each value under its name in `names` (our column names, never a page's string). */
export function unpackRows<T>(text: string, names: readonly string[]): T[] {
  return (JSON.parse(text) as SqlStorageValue[][]).map((values) => {
    const row: Record<string, SqlStorageValue> = {};
    for (let i = 0; i < names.length; i++) row[names[i]] = values[i];
    return row as T;
  });
}

/** packRows' text whose first value is a key (a campaign id): the rest of each row as objects, per key. */
export function unpackGrouped<T>(text: string, names: readonly string[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const values of JSON.parse(text) as SqlStorageValue[][]) {
    const row: Record<string, SqlStorageValue> = {};
    for (let i = 0; i < names.length; i++) row[names[i]] = values[i + 1];
    const key = String(values[0]);
    const list = out.get(key);
    if (list) list.push(row as T);
    else out.set(key, [row as T]);
  }
  return out;
}

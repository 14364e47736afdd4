// Many rows in one statement. In a Durable Object every statement has a fixed cost (the call
// into the runtime, binding, stepping) that is most of the cost of writing a small row, so rows
// go as many to a statement as the 100 bound parameters a query may have allow.
const MAX_PARAMETERS = 100;
const statements = new Map<string, string>();

/**
 * Runs `INSERT INTO <into> VALUES (…), (…) <tail>` over `rows` (each of the same length), in as
 * few statements as the parameter limit allows; answers the rows the statements returned
 * (give `tail` a RETURNING clause to learn what was written).
 */
export function insertRows(sql: SqlStorage, into: string, rows: SqlStorageValue[][], tail = ''): Record<string, SqlStorageValue>[] {
  if (!rows.length) return [];
  const width = rows[0].length;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / width));
  const returned: Record<string, SqlStorageValue>[] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const part = rows.slice(i, i + perStatement);
    returned.push(...sql.exec(statement(into, width, part.length, tail), ...part.flat()).toArray());
  }
  return returned;
}

/** The statement text, made once per shape: the runtime caches prepared statements by text. */
function statement(into: string, width: number, count: number, tail: string): string {
  const key = `${into}\n${width}\n${count}\n${tail}`;
  let text = statements.get(key);
  if (!text) {
    const row = `(${Array(width).fill('?').join(', ')})`;
    statements.set(key, (text = `INSERT INTO ${into} VALUES ${Array(count).fill(row).join(', ')} ${tail}`));
  }
  return text;
}

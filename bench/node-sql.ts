// Node's SQLite as a Durable Object's SqlStorage, for benchmarks that run the worker's own schema
// steps and queries outside workerd (the parts of SqlStorage those use).
import type { DatabaseSync } from 'node:sqlite';

export function sqlStorage(db: DatabaseSync): SqlStorage {
  return {
    exec(query: string, ...params: (string | number | null)[]) {
      // several statements (a schema step) run as a script
      if (/;\s*\S/.test(query)) {
        db.exec(query);
        return { toArray: () => [], one: () => undefined, rowsWritten: 0, [Symbol.iterator]: () => [][Symbol.iterator]() };
      }
      const stmt = db.prepare(query);
      const rows = /^\s*(SELECT|WITH)/i.test(query) ? (stmt.all(...params) as Record<string, unknown>[]) : null;
      const written = rows ? 0 : Number(stmt.run(...params).changes);
      const list = rows ?? [];
      return { toArray: () => list, one: () => list[0], rowsWritten: written, [Symbol.iterator]: () => list[Symbol.iterator]() };
    },
  } as unknown as SqlStorage;
}

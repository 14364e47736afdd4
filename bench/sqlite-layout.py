#!/usr/bin/env python3
"""What a shard's storage layout costs in SQLite itself, away from workerd and its noise.

    npm run bench:sqlite-layout -- states       # sessions WITHOUT ROWID against rowid + unique index
    npm run bench:sqlite-layout -- events       # the events table's indexes, one at a time
    APPLY_EVERY=1 npm run bench:sqlite-layout -- engagement   # two other ways to keep a page view's engagement report
    npm run bench:sqlite-layout -- copy         # the schema step's copy of 200,000 sessions into a rowid table
    (the same as python3 bench/sqlite-layout.py …)

Python's sqlite3 module (the SQLite it was built with), so figures compare layouts with each
other, not with workerd's. The statements and indexes are those of worker/src/shard-schema.ts;
the load is bench:load's: 1,600 visitors, 10-event batches, 41 % of them engagement reports.
Each figure is the best of 3 runs, in µs per batch (events) or per visitor (states).
"""
import json
import os
import random
import sqlite3
import sys
import tempfile
import time

FIELDS = 'event_id, visitor_id, session_id, page_id, seq, name, client_ts, ts, received_at, url, referrer, title, utm, props, device, bot'
COLUMNS = [c.strip() for c in FIELDS.split(',')]
ENGAGED = lambda row: f"coalesce({row}.props ->> '$.engaged_ms', 0)"
SAME_PAGE_VIEW = "e.visitor_id = NEW.visitor_id AND e.page_id = NEW.page_id AND e.name = 'user_engagement'"

EVENTS = """CREATE TABLE events (n INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, visitor_id TEXT NOT NULL,
  session_id TEXT NOT NULL, page_id TEXT, seq INTEGER NOT NULL, name TEXT NOT NULL, client_ts INTEGER NOT NULL, ts INTEGER NOT NULL,
  received_at INTEGER NOT NULL, url TEXT NOT NULL, referrer TEXT, title TEXT, utm TEXT, props TEXT NOT NULL, device TEXT NOT NULL,
  bot INTEGER NOT NULL, fresh INTEGER NOT NULL DEFAULT 1);
CREATE TABLE scoring_mark (id INTEGER PRIMARY KEY CHECK (id = 1), applied_through INTEGER NOT NULL);
INSERT INTO scoring_mark VALUES (1, 0);
CREATE TABLE applied_early (n INTEGER PRIMARY KEY);
CREATE UNIQUE INDEX events_by_visitor ON events (visitor_id, event_id);
CREATE INDEX events_by_ts ON events (ts);
"""
PAGE_INDEX = "CREATE INDEX events_page_engagement ON events (visitor_id, page_id) WHERE name = 'user_engagement' AND page_id IS NOT NULL;"
TAKE_OVER = f"""
CREATE TRIGGER events_report_turned_away BEFORE INSERT ON events WHEN NEW.name = 'user_engagement' AND NEW.page_id IS NOT NULL BEGIN
  SELECT RAISE(IGNORE) WHERE EXISTS (SELECT 1 FROM events e WHERE {SAME_PAGE_VIEW}
    AND ({ENGAGED('e')} > {ENGAGED('NEW')} OR ({ENGAGED('e')} = {ENGAGED('NEW')} AND e.seq >= NEW.seq)));
END;
CREATE TRIGGER events_report_takes_over AFTER INSERT ON events WHEN NEW.name = 'user_engagement' AND NEW.page_id IS NOT NULL BEGIN
  UPDATE events SET fresh = 0 WHERE n = NEW.n AND EXISTS (SELECT 1 FROM events e WHERE {SAME_PAGE_VIEW} AND e.n <> NEW.n
    AND (e.fresh = 0 OR e.n <= (SELECT applied_through FROM scoring_mark) OR EXISTS (SELECT 1 FROM applied_early a WHERE a.n = e.n)));
  DELETE FROM events WHERE n IN (SELECT e.n FROM events e WHERE {SAME_PAGE_VIEW} AND e.n <> NEW.n);
END;"""
SHIPPED = EVENTS + PAGE_INDEX + TAKE_OVER


def rid():
    return '%016x%016x' % (random.getrandbits(64), random.getrandbits(64))


def batches(count, seed=1):
    """10-event batches of 1,600 visitors: page views, product views, and engagement reports of recent pages."""
    random.seed(seed)
    visitors = [dict(id=rid(), session=rid(), seq=0, pages=[], engaged={}) for _ in range(1600)]
    out = []
    for _ in range(count):
        v = random.choice(visitors)
        rows = []
        for _ in range(10):
            v['seq'] += 1
            t = 1_700_000_000_000 + v['seq'] * 1000
            r = random.random()
            if v['pages'] and r < 0.41:
                page = random.choice(v['pages'][-3:])
                v['engaged'][page] = v['engaged'].get(page, 0) + random.randint(1000, 15000)
                name, props = 'user_engagement', {'engaged_ms': v['engaged'][page], 'scroll_depth': 50}
            elif r < 0.6:
                page = rid()
                v['pages'].append(page)
                name, props = 'page_view', {}
            else:
                page = v['pages'][-1] if v['pages'] else None
                name, props = 'product_view', {'item_id': 'sku-%d' % random.randint(1, 500), 'price': 19.99, 'category': 'shoes', 'name': 'A product name that is long'}
            url = 'https://shop.example/products/some-product-%d?utm_source=x' % random.randint(1, 500)
            rows.append([rid(), v['id'], v['session'], page, v['seq'], name, t, t, t, url, 'https://shop.example/', 'Some product title — Shop', None, json.dumps(props), 'desktop', 0])
        out.append(rows)
    return out


def best_of(runs, make_db, step, count):
    best = float('inf')
    for _ in range(runs):
        db = make_db()
        start = time.perf_counter()
        step(db)
        best = min(best, time.perf_counter() - start)
    return best / count * 1e6


def insert_sql(rows):
    values = ', '.join(['(' + ', '.join(['?'] * 16) + ')'] * rows)
    return f'INSERT INTO events ({FIELDS}) VALUES {values} ON CONFLICT DO NOTHING RETURNING n'


def store_batches(load, apply_every=0, store=None, apply=None):
    """Stores each batch in its own transaction (by default 5 rows a statement, as the shard does); an apply every few batches if asked."""
    sql = insert_sql(5)

    def shipped_store(db, rows):
        for j in (0, 5):
            db.execute(sql, [x for r in rows[j:j + 5] for x in r]).fetchall()

    def step(db):
        for i, rows in enumerate(load):
            db.execute('BEGIN')
            (store or shipped_store)(db, rows)
            db.execute('COMMIT')
            if apply_every and i % apply_every == 0:
                db.execute('BEGIN')
                (apply or apply_events)(db)
                db.execute('COMMIT')
    return step


def memory_db(ddl):
    def make():
        db = sqlite3.connect(':memory:', isolation_level=None)
        db.executescript(ddl)
        return db
    return make


def apply_events(db):
    mark = db.execute('SELECT applied_through FROM scoring_mark').fetchone()[0]
    rows = db.execute('SELECT n FROM events WHERE n > ? ORDER BY n LIMIT 2000', (mark,)).fetchall()
    if rows:
        db.execute('UPDATE scoring_mark SET applied_through = ?', (rows[-1][0],))


def events():
    load = batches(6000)
    print(f'SQLite {sqlite3.sqlite_version}: storing 6,000 batches of 10 events, µs per batch')
    for label, ddl in [
        ('shipped: by visitor, by time, page-view reports + take-over', SHIPPED),
        ('as before the tenth session: with a (visitor_id, ts) index too', SHIPPED + 'CREATE INDEX events_by_visitor_ts ON events (visitor_id, ts);'),
        ('without the take-over triggers', EVENTS + PAGE_INDEX),
        ('without the page-view index and triggers', EVENTS),
    ]:
        print(f'  {best_of(3, memory_db(ddl), store_batches(load), len(load)):7.1f}  {label}')


def states():
    random.seed(1)
    visitors = ['%032x' % random.getrandbits(128) for _ in range(1600)]
    state = lambda: json.dumps({'x': 'y' * random.randint(2000, 2400)})  # a session's state: 1.7–2.4 kB
    upsert = ('INSERT INTO sessions (visitor_id, session_id, last, purchased, bot, state) VALUES (?, ?, ?, ?, ?, ?) '
              'ON CONFLICT (visitor_id, session_id) DO UPDATE SET last = excluded.last, purchased = excluded.purchased, bot = excluded.bot, state = excluded.state')
    layouts = {
        'WITHOUT ROWID (before)': 'CREATE TABLE sessions (visitor_id TEXT NOT NULL, session_id TEXT NOT NULL, last INTEGER NOT NULL, purchased INTEGER NOT NULL, bot INTEGER NOT NULL, state TEXT NOT NULL, PRIMARY KEY (visitor_id, session_id)) WITHOUT ROWID;',
        'rowid + unique index (now)': 'CREATE TABLE sessions (visitor_id TEXT NOT NULL, session_id TEXT NOT NULL, last INTEGER NOT NULL, purchased INTEGER NOT NULL, bot INTEGER NOT NULL, state TEXT NOT NULL); CREATE UNIQUE INDEX sessions_key ON sessions (visitor_id, session_id);',
    }
    print(f'SQLite {sqlite3.sqlite_version}, a file in WAL mode: reading and rewriting one 2.0–2.4 kB session per visitor, transactions of 40, µs per visitor')
    for label, ddl in layouts.items():
        ddl += ' CREATE INDEX sessions_by_visitor ON sessions (visitor_id, last); CREATE INDEX sessions_by_last ON sessions (last);'
        with tempfile.TemporaryDirectory() as folder:
            db = sqlite3.connect(os.path.join(folder, 'shard.sqlite'), isolation_level=None)
            db.execute('PRAGMA journal_mode = WAL')
            db.executescript(ddl)
            for v in visitors:
                for s in range(3):
                    db.execute(upsert, (v, f's{s}', 1, 0, 0, state()))
            read = write = 0.0
            rounds = 20_000
            for _ in range(0, rounds, 40):
                picks = [random.choice(visitors) for _ in range(40)]
                db.execute('BEGIN')
                t0 = time.perf_counter()
                for v in picks:
                    db.execute('SELECT state FROM sessions WHERE visitor_id = ? AND session_id = ?', (v, 's2')).fetchall()
                t1 = time.perf_counter()
                for v in picks:
                    db.execute(upsert, (v, 's2', random.randint(10, 10**9), 0, 0, state()))
                t2 = time.perf_counter()
                db.execute('COMMIT')
                read, write = read + t1 - t0, write + t2 - t1
            print(f'  {(read + write) / rounds * 1e6:6.1f} (read {read / rounds * 1e6:.1f}, write {write / rounds * 1e6:.1f})  {label}')


def engagement():
    load = batches(6000)
    every = int(os.environ.get('APPLY_EVERY', '20'))  # 1: every report updates a row applied already, as at load
    print(f'SQLite {sqlite3.sqlite_version}: 6,000 batches, an apply every {every}, µs per batch')
    print(f'  {best_of(3, memory_db(SHIPPED), store_batches(load, every), len(load)):7.1f}  shipped: a later report replaces its page view\'s row')

    # 1. The reports in a table of their own, upserted in place; the apply marks each one applied.
    text = [c for c in COLUMNS if c in ('event_id', 'visitor_id', 'session_id', 'page_id', 'name', 'url', 'referrer', 'title', 'utm', 'props', 'device')]
    columns = ', '.join(f"{c} {'TEXT' if c in text else 'INTEGER'}" for c in COLUMNS)
    apart = EVENTS + f"""CREATE TABLE engagement ({columns}, ms INTEGER, pending INTEGER NOT NULL DEFAULT 1,
      PRIMARY KEY (visitor_id, page_id)) WITHOUT ROWID;
      CREATE INDEX engagement_pending ON engagement (visitor_id) WHERE pending = 1;"""
    unpack = ', '.join(f'value ->> {i}' for i in range(17))
    upsert = (f'INSERT INTO engagement ({FIELDS}, ms) SELECT {unpack} FROM json_each(?) WHERE true ON CONFLICT (visitor_id, page_id) DO UPDATE SET '
              'event_id = excluded.event_id, seq = excluded.seq, ms = excluded.ms, props = excluded.props, ts = excluded.ts, '
              'client_ts = excluded.client_ts, received_at = excluded.received_at, pending = 1 '
              'WHERE excluded.ms > ms OR (excluded.ms = ms AND excluded.seq > seq) RETURNING visitor_id')

    def store_apart(db, rows):
        others = [r for r in rows if r[5] != 'user_engagement']
        reports = [r + [json.loads(r[13])['engaged_ms']] for r in rows if r[5] == 'user_engagement']
        if others:
            db.execute(insert_sql(len(others)), [x for r in others for x in r]).fetchall()
        if reports:
            db.execute(upsert, (json.dumps(reports),)).fetchall()

    def apply_apart(db):
        apply_events(db)
        pending = db.execute('SELECT visitor_id, page_id FROM engagement WHERE pending = 1').fetchall()
        if pending:
            db.execute('UPDATE engagement SET pending = 0 WHERE (visitor_id, page_id) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))', (json.dumps(pending),))

    print(f'  {best_of(3, memory_db(apart), store_batches(load, every, store_apart, apply_apart), len(load)):7.1f}  reports in a table of their own, marked applied by the apply')

    # 2. The page view's row updated in place; a trigger notes an applied row to apply again.
    again = EVENTS + """CREATE UNIQUE INDEX events_page_engagement ON events (visitor_id, page_id) WHERE name = 'user_engagement' AND page_id IS NOT NULL;
      CREATE TABLE reapply (n INTEGER PRIMARY KEY);
      CREATE TRIGGER events_report_updated AFTER UPDATE OF event_id ON events
        WHEN OLD.n <= (SELECT applied_through FROM scoring_mark) OR EXISTS (SELECT 1 FROM applied_early a WHERE a.n = OLD.n)
      BEGIN INSERT INTO reapply (n) SELECT NEW.n WHERE NOT EXISTS (SELECT 1 FROM reapply WHERE n = NEW.n); END;"""
    updates = ', '.join(f'{c} = excluded.{c}' for c in COLUMNS if c not in ('visitor_id', 'page_id', 'name'))
    values = ', '.join(['(' + ', '.join(['?'] * 16) + ')'] * 5)
    in_place = (f'INSERT INTO events ({FIELDS}) VALUES {values} ON CONFLICT (visitor_id, event_id) DO NOTHING '
                f"ON CONFLICT (visitor_id, page_id) WHERE name = 'user_engagement' AND page_id IS NOT NULL DO UPDATE SET {updates} "
                f"WHERE {ENGAGED('excluded')} > {ENGAGED('events')} OR ({ENGAGED('excluded')} = {ENGAGED('events')} AND excluded.seq > events.seq) RETURNING n")

    def store_in_place(db, rows):
        for j in (0, 5):
            db.execute(in_place, [x for r in rows[j:j + 5] for x in r]).fetchall()

    def apply_in_place(db):
        apply_events(db)
        db.execute('DELETE FROM reapply')

    print(f'  {best_of(3, memory_db(again), store_batches(load, every, store_in_place, apply_in_place), len(load)):7.1f}  the page view\'s row updated in place, applied rows noted to apply again')


def copy():
    count = 200_000
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, 'shard.sqlite')
        db = sqlite3.connect(path, isolation_level=None)
        db.execute('PRAGMA journal_mode = WAL')
        db.executescript('''CREATE TABLE sessions (visitor_id TEXT NOT NULL, session_id TEXT NOT NULL, last INTEGER NOT NULL, purchased INTEGER NOT NULL,
            bot INTEGER NOT NULL, state TEXT NOT NULL, PRIMARY KEY (visitor_id, session_id)) WITHOUT ROWID;
          CREATE INDEX sessions_by_visitor ON sessions (visitor_id, last); CREATE INDEX sessions_by_last ON sessions (last);''')
        random.seed(1)
        db.execute('BEGIN')
        for _ in range(count):
            db.execute('INSERT INTO sessions VALUES (?, ?, ?, 0, 0, ?)', ('%032x' % random.getrandbits(128), 's', random.randint(0, 10**12), 'x' * random.randint(1700, 2400)))
        db.execute('COMMIT')
        size = os.path.getsize(path) / 1e6
        cpu, wall = time.process_time(), time.perf_counter()
        db.executescript('''BEGIN;
          CREATE TABLE sessions_in_pages (visitor_id TEXT NOT NULL, session_id TEXT NOT NULL, last INTEGER NOT NULL, purchased INTEGER NOT NULL, bot INTEGER NOT NULL, state TEXT NOT NULL);
          INSERT INTO sessions_in_pages SELECT visitor_id, session_id, last, purchased, bot, state FROM sessions;
          DROP TABLE sessions; ALTER TABLE sessions_in_pages RENAME TO sessions;
          CREATE UNIQUE INDEX sessions_key ON sessions (visitor_id, session_id);
          CREATE INDEX sessions_by_visitor ON sessions (visitor_id, last); CREATE INDEX sessions_by_last ON sessions (last);
          COMMIT;''')
        print(f'SQLite {sqlite3.sqlite_version}: {count:,} sessions of 1.7–2.4 kB ({size:.0f} MB) copied into a rowid table: '
              f'{time.process_time() - cpu:.1f} s CPU, {time.perf_counter() - wall:.1f} s')


if __name__ == '__main__':
    commands = {'events': events, 'states': states, 'engagement': engagement, 'copy': copy}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit(f'usage: python3 bench/sqlite-layout.py {"|".join(commands)}')
    commands[sys.argv[1]]()

-- A site's catalog: what may be recommended, and how to show it.
CREATE TABLE items (
  site_key  TEXT NOT NULL,
  item_id   TEXT NOT NULL,
  name      TEXT NOT NULL,
  category  TEXT NOT NULL DEFAULT '',
  price     REAL NOT NULL DEFAULT 0,
  in_stock  INTEGER NOT NULL DEFAULT 1,
  active    INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (site_key, item_id)
);

-- Trained models per site, versioned: purchase intent, segments.
CREATE TABLE models (
  site_key   TEXT NOT NULL,
  kind       TEXT NOT NULL,
  version    INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  body       TEXT NOT NULL,
  metrics    TEXT NOT NULL,
  PRIMARY KEY (site_key, kind, version)
);

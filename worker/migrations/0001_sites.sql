-- Shops using this collector. Keys are stored as SHA-256 hex, never in clear.
CREATE TABLE sites (
  site_key        TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  allowed_origins TEXT NOT NULL DEFAULT '[]', -- JSON array of origins; "*" allows any
  read_key_hash   TEXT NOT NULL,
  admin_key_hash  TEXT NOT NULL,
  shards          INTEGER NOT NULL DEFAULT 16,
  created_at      INTEGER NOT NULL
);

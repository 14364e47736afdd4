-- Key rotation: a rotated key keeps working until its grace period ends.
CREATE TABLE retired_keys (
  site_key   TEXT NOT NULL,
  role       TEXT NOT NULL CHECK (role IN ('read', 'admin')),
  key_hash   TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (site_key, key_hash)
);

-- Per-shop settings (JSON): rate limits, retention, URL parameters to keep. See worker/src/sites.ts.
ALTER TABLE sites ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';

-- The salt for IP-derived values, one random value per UTC day, deleted after two days:
-- a hash made with it cannot be reversed, nor joined with another day's.
CREATE TABLE daily_salts (
  day  TEXT PRIMARY KEY,
  salt TEXT NOT NULL
);

-- schema.sql: the registry store's tables (schema version 1).
--
-- Embedded into the programs at build time (fcgi/store/store_schema.c) and
-- applied by store_open() to a database whose user_version is 0, inside one
-- transaction; PRAGMA user_version records the version applied. A later
-- version adds a migration step in store_schema.c and bumps the number here
-- and in STORE_SCHEMA_VERSION.

-- The current state: one row per live key (kube-apiserver's etcd keys, e.g.
-- /registry/pods/default/nginx). value is the object's JSON, whose
-- metadata.resourceVersion equals mod_rev.
CREATE TABLE kv (
    key        TEXT    PRIMARY KEY,
    create_rev INTEGER NOT NULL,   -- revision of the write that created the key
    mod_rev    INTEGER NOT NULL,   -- revision of the write that last changed it
    value      TEXT    NOT NULL
);

-- The event log that watches read: one row per write, in revision order.
-- type is 'A' (added), 'M' (modified) or 'D' (deleted); value is the object
-- as of that event (for 'D', the last object with its resourceVersion set to
-- the deletion's revision). store_compact() deletes old rows.
CREATE TABLE log (
    rev   INTEGER PRIMARY KEY,
    key   TEXT    NOT NULL,
    type  TEXT    NOT NULL CHECK (type IN ('A', 'M', 'D')),
    value TEXT    NOT NULL
);

-- Store-wide counters: 'revision', the last revision written (one global,
-- strictly increasing sequence, like etcd's); 'compacted', the revision at or
-- below which log rows may be gone.
CREATE TABLE meta (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO meta (name, value) VALUES ('revision', 0), ('compacted', 0);

PRAGMA user_version = 1;

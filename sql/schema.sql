-- schema.sql: the registry store's tables (schema version 2).
--
-- Embedded into the programs at build time (fcgi/store/store_schema.c) and
-- applied by store_open() to a database whose user_version is 0, inside one
-- transaction (store_open sets PRAGMA auto_vacuum = INCREMENTAL before the
-- file's first page); PRAGMA user_version records the version applied. Older
-- versions are migrated by store_schema.c (1 -> 2 adds log.prev_rev).

-- The current state: one row per live key (kube-apiserver's etcd keys, e.g.
-- /registry/pods/default/nginx). value is the object's JSON, whose
-- metadata.resourceVersion equals mod_rev.
CREATE TABLE kv (
    key        TEXT    PRIMARY KEY,
    create_rev INTEGER NOT NULL,   -- revision of the write that created the key
    mod_rev    INTEGER NOT NULL,   -- revision of the write that last changed it
    value      TEXT    NOT NULL
);

-- The history: one row per write, in revision order, read by watches (every
-- event after a revision) and by lists as of a past revision (continue
-- tokens). type is 'A' (added), 'M' (modified) or 'D' (deleted); value is the
-- object as of that write (for 'D', the last object with its resourceVersion
-- set to the deletion's revision); prev_rev is the key's write before this
-- one (0: none, a create). Compaction to revision C (store_compact) deletes
-- the rows at or below C that a later write at or below C supersedes
-- (through prev_rev), deletions, and rows that are their key's current
-- value (kv holds it; the committer copies it back before changing the key).
-- So for any revision X from C on, a key's state at X is: if the key was
-- written after X, the row its first write after X names in prev_rev (none,
-- or a deletion: absent); else its kv row. No index on key is needed.
CREATE TABLE log (
    rev      INTEGER PRIMARY KEY,
    key      TEXT    NOT NULL,
    type     TEXT    NOT NULL CHECK (type IN ('A', 'M', 'D')),
    value    TEXT    NOT NULL,
    prev_rev INTEGER NOT NULL DEFAULT 0
);

-- Store-wide counters: 'revision', the last revision written (one global,
-- strictly increasing sequence, like etcd's); 'compacted', the revision at or
-- below which events may be gone.
CREATE TABLE meta (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO meta (name, value) VALUES ('revision', 0), ('compacted', 0);

PRAGMA user_version = 2;

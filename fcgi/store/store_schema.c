/* store_schema.c: the database schema, embedded from sql/schema.sql at build
 * time (so the programs do not need the sql/ folder at run time), its
 * application to a new database, and the migration of older versions
 * (1 -> 2: log.prev_rev, incremental auto-vacuum, and history restarting at
 * the current revision: version 1's rows do not name their predecessors).
 * The caller holds the writer lock. */
#include "store/store_private.h"

/* sql/schema.sql as a NUL-terminated string. The path is relative to the
 * directory the compiler runs in (the repository root, where make runs); the
 * Makefile lists sql/schema.sql as a prerequisite of this object. */
__asm__(".pushsection .rodata\n"
        ".global kapi_schema_sql\n"
        ".type kapi_schema_sql, @object\n"
        "kapi_schema_sql:\n"
        ".incbin \"sql/schema.sql\"\n"
        ".byte 0\n"
        ".size kapi_schema_sql, . - kapi_schema_sql\n"
        ".popsection\n");
extern const char kapi_schema_sql[];

static int read_user_version(sqlite3 *db, int *version)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* Runs every statement of a script of constant SQL, one prepared statement
 * at a time. */
static int run_script(sqlite3 *db, const char *script)
{
    const char *next = script;
    while (*next) {
        sqlite3_stmt *st = NULL;
        const char *tail = NULL;
        if (sqlite3_prepare_v2(db, next, -1, &st, &tail) != SQLITE_OK) return -1;
        next = tail;
        if (!st) continue;            /* whitespace or a comment */
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {}
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) return -1;
    }
    return 0;
}

/* Version 1's log rows do not name their predecessors, so no past state can
 * be rebuilt from them: history restarts at the current revision (kv holds
 * everything). VACUUM (outside the transaction) switches on incremental
 * auto-vacuum, which needs a rebuilt file; a failure there is not fatal. */
static int migrate_from_1(sqlite3 *db, const char **err)
{
    static const char *const steps[] = {
        "ALTER TABLE log ADD COLUMN prev_rev INTEGER NOT NULL DEFAULT 0",
        "DELETE FROM log",
        "UPDATE meta SET value = (SELECT value FROM meta WHERE name = 'revision')"
        " WHERE name = 'compacted'",
        "PRAGMA user_version = 2",
    };
    if (run_constant_sql(db, "BEGIN IMMEDIATE") < 0) {
        *err = "cannot begin the migration transaction";
        return -1;
    }
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        if (run_constant_sql(db, steps[i]) < 0) {
            run_constant_sql(db, "ROLLBACK");
            *err = "cannot migrate the database from schema version 1";
            return -1;
        }
    }
    if (run_constant_sql(db, "COMMIT") < 0) {
        run_constant_sql(db, "ROLLBACK");
        *err = "cannot commit the migration from schema version 1";
        return -1;
    }
    if (run_constant_sql(db, "PRAGMA auto_vacuum = INCREMENTAL") == 0)
        (void)run_constant_sql(db, "VACUUM");
    return 0;
}

int schema_apply(sqlite3 *db, const char **err)
{
    int version = 0;
    if (read_user_version(db, &version) < 0) {
        *err = "cannot read the database's schema version";
        return -1;
    }
    if (version == STORE_SCHEMA_VERSION) return 0;
    if (version > STORE_SCHEMA_VERSION) {
        *err = "the database's schema is newer than this program";
        return -1;
    }
    if (version == 1) return migrate_from_1(db, err);
    if (version != 0) {
        *err = "no migration from the database's schema version";
        return -1;
    }
    if (run_constant_sql(db, "BEGIN IMMEDIATE") < 0) {
        *err = "cannot begin the schema transaction";
        return -1;
    }
    if (run_script(db, kapi_schema_sql) < 0 || read_user_version(db, &version) < 0 ||
        version != STORE_SCHEMA_VERSION) {
        run_constant_sql(db, "ROLLBACK");
        *err = "cannot apply sql/schema.sql";
        return -1;
    }
    if (run_constant_sql(db, "COMMIT") < 0) {
        run_constant_sql(db, "ROLLBACK");
        *err = "cannot commit the schema";
        return -1;
    }
    return 0;
}

/* kapictl.c: the administrator's tool, what kubeadm and etcdctl do for a
 * real cluster:
 *   init      create the CA, certificates, service-account keys, kubeconfigs
 *             and the database with its bootstrap objects (only what is
 *             missing; run at every start)
 *   get       print registry keys and values exactly as `etcdctl get` does
 *   backup    an online, consistent copy of the database (SQLite backup API)
 *   restore   put a backup in place (server stopped)
 *   user add  a client certificate, key, kubeconfig and PKCS#12 bundle for a
 *             user and its groups
 * Exit status: 0 success, 1 failure, 2 bad usage. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "core/alloc.h"
#include "core/kapi.h"
#include "pki/pki.h"
#include "server/bootstrap.h"
#include "store/store.h"

#define EXIT_USAGE 2

static const char usage_main[] =
    "Usage: kapictl [--state DIR] COMMAND [ARGS]\n"
    "\n"
    "What kubeadm and etcdctl do for a real cluster, for kapi.\n"
    "\n"
    "Commands:\n"
    "  init      create the CA, certificates, kubeconfigs and database (only what is missing)\n"
    "  get       print registry keys and values as etcdctl get does\n"
    "  backup    copy the database while the server runs\n"
    "  restore   replace the database with a backup (server stopped)\n"
    "  user add  issue a client certificate and kubeconfig for a user\n"
    "\n"
    "Options:\n"
    "  --state DIR   the state directory (default: $KAPI_STATE, else ./var);\n"
    "                may also follow the command\n"
    "  -h, --help    this help; `kapictl COMMAND --help` for a command's\n";

static const char usage_init[] =
    "Usage: kapictl [--state DIR] init [--port PORT] [--sans NAME,NAME...]\n"
    "\n"
    "Creates what is missing of the cluster's state directory, as kubeadm init\n"
    "does under /etc/kubernetes, and keeps what exists (run it at every start):\n"
    "  DIR/pki/ca.crt, ca.key                    the cluster CA (CN=kubernetes, 10 years)\n"
    "  DIR/pki/apiserver.crt, .key               server certificate (serverAuth only)\n"
    "  DIR/pki/admin.crt, .key                   CN=kubernetes-admin, O=system:masters\n"
    "  DIR/pki/controller-manager.crt, .key      CN=system:kube-controller-manager\n"
    "  DIR/pki/sa.key, sa.pub                    service-account signing keys (RSA 2048)\n"
    "  DIR/admin.conf, controller-manager.conf   kubeconfigs for https://127.0.0.1:PORT\n"
    "  DIR/kapi.db                               the database, with the bootstrap objects\n"
    "Certificate keys are EC P-256. Prints one line per thing created or changed.\n"
    "\n"
    "Options:\n"
    "  --port PORT        the API server's port in the kubeconfigs (default: $KAPI_PORT,\n"
    "                     else 6443); existing kubeconfigs are rewritten to it\n"
    "  --sans LIST        extra subjectAltNames for the server certificate, comma\n"
    "                     separated DNS names or IP addresses (default: $KAPI_SANS);\n"
    "                     an existing certificate lacking one is reissued with its key\n";

static const char usage_get[] =
    "Usage: kapictl [--state DIR] get [options] KEY\n"
    "\n"
    "Prints registry keys and values the way `etcdctl get` prints them: for each\n"
    "key a line with the key, then a line with the value (the stored JSON).\n"
    "A missing key prints nothing.\n"
    "\n"
    "Options:\n"
    "  --prefix            every key that starts with KEY (`--prefix \"\"` lists everything)\n"
    "  --keys-only         keys only (each followed by an empty line, as etcdctl)\n"
    "  --print-value-only  values only\n"
    "  --limit N           at most N keys\n"
    "\n"
    "Examples:\n"
    "  kapictl get --prefix \"\" --keys-only\n"
    "  kapictl get /registry/namespaces/default\n";

static const char usage_backup[] =
    "Usage: kapictl [--state DIR] backup FILE\n"
    "\n"
    "Writes a consistent copy of DIR/kapi.db to FILE (mode 0600) with SQLite's\n"
    "online backup API; the server may keep running and writing meanwhile.\n";

static const char usage_restore[] =
    "Usage: kapictl [--state DIR] restore FILE\n"
    "\n"
    "Replaces the contents of DIR/kapi.db with the backup FILE (made by\n"
    "kapictl backup). Stop the server (kapi-apiserver and kapi-reconcile) first:\n"
    "running processes would keep serving watches and caches from the old state.\n";

static const char usage_user[] =
    "Usage: kapictl [--state DIR] user add NAME [--group GROUP]...\n"
    "\n"
    "Issues a client certificate signed by the cluster CA for user NAME (CN=NAME,\n"
    "one O= per group; 1 year) and writes:\n"
    "  DIR/users/NAME.crt, NAME.key   the certificate and its key (EC P-256)\n"
    "  DIR/users/NAME.conf            a kubeconfig for it\n"
    "  DIR/users/NAME.p12             a PKCS#12 bundle (empty password) for browsers\n"
    "The user can do nothing until RBAC grants it something (or a group is\n"
    "system:masters). Refuses a NAME that already has a certificate.\n"
    "\n"
    "Options:\n"
    "  --group GROUP   a group the user belongs to (repeatable)\n";

/* ------------------------------------------------------------ arguments */

static int is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* Matches argv[*i] against --name VALUE and --name=VALUE. Returns 1 and sets
 * *value (advancing *i past a separate value), 0 if it is another argument,
 * -1 (after a message) if the value is missing. */
static int option_value(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0)
        return 0;
    if (arg[n] == '=') {
        *value = arg + n + 1;
        return 1;
    }
    if (arg[n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "kapictl: %s needs a value\n", name);
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

static int usage_error(const char *usage, const char *fmt, const char *arg)
{
    fprintf(stderr, "kapictl: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n\n%s", usage);
    return EXIT_USAGE;
}

/* Parses a port number 1-65535; -1 if s is not one. */
static int parse_port(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > 65535)
        return -1;
    return (int)v;
}

/* The state directory must be named; prints why not. */
static int state_is_given(const char *state)
{
    if (state && *state)
        return 1;
    fprintf(stderr, "kapictl: --state needs a directory\n");
    return 0;
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static int join_path(char *out, size_t outlen, const char *dir, const char *name)
{
    int n = snprintf(out, outlen, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= outlen) {
        fprintf(stderr, "kapictl: path too long: %s/%s\n", dir, name);
        return -1;
    }
    return 0;
}

/* ----------------------------------------------------------------- init */

/* Splits a comma separated list in place into at most max trimmed,
 * non-empty items; returns the count. */
static size_t split_list(char *list, char **items, size_t max)
{
    size_t n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(list, ",", &save); tok && n < max; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ' || *tok == '\t')
            tok++;
        char *end = tok + strlen(tok);
        while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
        if (*tok)
            items[n++] = tok;
    }
    return n;
}

static int print_created_key(void *arg, int64_t rev, char type, const char *key, const char *value)
{
    (void)arg; (void)rev; (void)value;
    if (type == 'A')
        printf("created %s\n", key);
    else if (type == 'M')
        printf("updated %s\n", key);
    return 0;
}

/* Opens (creating) DIR/kapi.db and puts the bootstrap objects in place. */
static int init_database(const char *state)
{
    char db_path[PATH_MAX];
    if (join_path(db_path, sizeof db_path, state, "kapi.db") != 0)
        return 1;
    int existed = file_exists(db_path);
    if (!existed) {
        /* Created 0600 before SQLite opens it (its -wal and -shm files
         * inherit the mode): the database holds Secrets. */
        int fd = open(db_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST) {
            fprintf(stderr, "kapictl init: cannot create %s: %s\n", db_path, strerror(errno));
            return 1;
        }
        if (fd >= 0)
            close(fd);
    }
    const char *err = NULL;
    store *s = store_open(db_path, STORE_SYNC_FULL, &err);
    if (!s) {
        fprintf(stderr, "kapictl init: cannot open %s: %s\n", db_path, err ? err : "unknown error");
        return 1;
    }
    if (!existed)
        printf("created %s\n", db_path);
    int64_t before = store_revision(s);
    kapi_ctx ctx = {.store = s, .state_dir = state};
    int rc = 0;
    if (bootstrap_ensure(&ctx) != 0) {
        fprintf(stderr, "kapictl init: cannot create the bootstrap objects in %s\n", db_path);
        rc = 1;
    }
    if (before >= 0 && store_revision(s) > before)
        (void)store_events_since(s, before, 0, print_created_key, NULL);
    store_close(s);
    return rc;
}

static int cmd_init(const char **state, int argc, char **argv)
{
    const char *port_arg = NULL, *sans_arg = NULL;
    for (int i = 0; i < argc; i++) {
        int m;
        if (is_help(argv[i])) {
            fputs(usage_init, stdout);
            return 0;
        }
        if (!(m = option_value(argc, argv, &i, "--state", state)) &&
            !(m = option_value(argc, argv, &i, "--port", &port_arg)) &&
            !(m = option_value(argc, argv, &i, "--sans", &sans_arg)))
            return usage_error(usage_init, "init: unexpected argument \"%s\"", argv[i]);
        if (m < 0)
            return EXIT_USAGE;
    }
    if (!state_is_given(*state))
        return EXIT_USAGE;
    if (!port_arg)
        port_arg = getenv("KAPI_PORT");
    int port = PKI_DEFAULT_PORT;
    if (port_arg && *port_arg && (port = parse_port(port_arg)) < 0)
        return usage_error(usage_init, "init: bad port \"%s\"", port_arg);
    if (!sans_arg)
        sans_arg = getenv("KAPI_SANS");

    char *sans_copy = kapi_xstrdup(sans_arg ? sans_arg : "");
    size_t max_sans = 1;
    for (const char *p = sans_copy; *p; p++)
        max_sans += *p == ',';
    char **sans = kapi_xcalloc(max_sans, sizeof *sans);
    size_t n_sans = split_list(sans_copy, sans, max_sans);

    /* One init at a time per state directory, database part included, so
     * each reports exactly what it created. */
    char err[1024];
    int lock_fd = pki_lock_state_dir(*state, err, sizeof err);
    int rc = 0;
    if (lock_fd < 0) {
        fprintf(stderr, "kapictl init: %s\n", err);
        rc = 1;
    }
    pki_init_options o = {
        .state_dir = *state,
        .port = port,
        .extra_sans = (const char *const *)sans,
        .n_extra_sans = n_sans,
        .report = stdout,
        .state_dir_locked = 1,
    };
    if (rc == 0 && pki_init(&o, err, sizeof err) != 0) {
        fprintf(stderr, "kapictl init: %s\n", err);
        rc = 1;
    }
    free(sans);
    free(sans_copy);
    fflush(stdout);
    if (rc == 0)
        rc = init_database(*state);
    pki_unlock_state_dir(lock_fd);
    return rc;
}

/* ------------------------------------------------------------------ get */

typedef struct get_options {
    int keys_only, value_only;
} get_options;

/* One key as etcdctl's printKV prints it: the key line unless value-only,
 * then the value line (empty with --keys-only, where etcd sends no value). */
static void print_kv(get_options *o, const char *key, const char *value)
{
    if (!o->value_only) {
        fputs(key, stdout);
        putchar('\n');
    }
    if (!o->keys_only && value) {
        if (strchr(value, '\n')) {      /* keep it one line */
            char *copy = kapi_xstrdup(value);
            cJSON_Minify(copy);
            fputs(copy, stdout);
            free(copy);
        } else {
            fputs(value, stdout);
        }
    }
    putchar('\n');
}

static int print_listed_kv(void *arg, const char *key, const char *value, int64_t mod_rev)
{
    (void)mod_rev;
    print_kv(arg, key, value);
    return 0;
}

/* Opens DIR/kapi.db, which must exist; NULL after a message otherwise. */
static store *open_existing_store(const char *state, const char *cmd)
{
    char db_path[PATH_MAX];
    if (join_path(db_path, sizeof db_path, state, "kapi.db") != 0)
        return NULL;
    if (!file_exists(db_path)) {
        fprintf(stderr, "kapictl %s: no database %s (run kapictl --state %s init)\n", cmd, db_path, state);
        return NULL;
    }
    const char *err = NULL;
    store *s = store_open(db_path, STORE_SYNC_FULL, &err);
    if (!s)
        fprintf(stderr, "kapictl %s: cannot open %s: %s\n", cmd, db_path, err ? err : "unknown error");
    return s;
}

static int cmd_get(const char **state, int argc, char **argv)
{
    get_options o = {0};
    int prefix = 0, only_args = 0, m;
    long limit = 0;
    const char *key = NULL, *limit_arg = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (only_args || a[0] != '-' || a[1] == '\0') {
            if (key)
                return usage_error(usage_get, "get: unexpected argument \"%s\" (ranges are not supported)", a);
            key = a;
        } else if (strcmp(a, "--") == 0) {
            only_args = 1;
        } else if (is_help(a)) {
            fputs(usage_get, stdout);
            return 0;
        } else if (strcmp(a, "--prefix") == 0) {
            prefix = 1;
        } else if (strncmp(a, "--prefix=", 9) == 0) {   /* --prefix=P: a shorthand */
            if (key)
                return usage_error(usage_get, "get: unexpected argument \"%s\"", a);
            prefix = 1;
            key = a + 9;
        } else if (strcmp(a, "--keys-only") == 0) {
            o.keys_only = 1;
        } else if (strcmp(a, "--print-value-only") == 0) {
            o.value_only = 1;
        } else if ((m = option_value(argc, argv, &i, "--state", state)) ||
                   (m = option_value(argc, argv, &i, "--limit", &limit_arg))) {
            if (m < 0)
                return EXIT_USAGE;
        } else {
            return usage_error(usage_get, "get: unknown option \"%s\"", a);
        }
    }
    if (!key)
        return usage_error(usage_get, "get needs a key%s", "");
    if (!state_is_given(*state))
        return EXIT_USAGE;
    if (limit_arg) {
        char *end;
        errno = 0;
        limit = strtol(limit_arg, &end, 10);
        if (errno || end == limit_arg || *end || limit < 0)
            return usage_error(usage_get, "get: bad --limit \"%s\"", limit_arg);
    }
    store *s = open_existing_store(*state, "get");
    if (!s)
        return 1;
    int rc = 0;
    if (prefix) {
        int64_t rev;
        if (store_list(s, key, NULL, limit, print_listed_kv, &o, &rev) != STORE_OK) {
            fprintf(stderr, "kapictl get: cannot list keys under \"%s\"\n", key);
            rc = 1;
        }
    } else {
        store_kv kv;
        store_rc r = store_get(s, key, &kv);
        if (r == STORE_OK)
            print_kv(&o, kv.key, kv.value);
        else if (r != STORE_NOT_FOUND) {
            fprintf(stderr, "kapictl get: cannot read \"%s\"\n", key);
            rc = 1;
        }
        if (r == STORE_OK)
            store_kv_free(&kv);
    }
    store_close(s);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "kapictl get: cannot write output: %s\n", strerror(errno));
        rc = 1;
    }
    return rc;
}

/* ------------------------------------------------------ backup, restore */

/* Copies database "main" of src into dest with the online backup API, in
 * one step (one read transaction on src: a consistent snapshot), retrying
 * while a writer holds a lock. Returns 0 or -1 with a message on stderr. */
static int copy_database(sqlite3 *dest, sqlite3 *src, const char *what)
{
    sqlite3_backup *b = sqlite3_backup_init(dest, "main", src, "main");
    if (!b) {
        fprintf(stderr, "kapictl %s: %s\n", what, sqlite3_errmsg(dest));
        return -1;
    }
    int rc;
    for (int tries = 0;; tries++) {
        rc = sqlite3_backup_step(b, -1);
        if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || tries >= 600)
            break;
        sqlite3_sleep(50);    /* up to 30 s behind a writer */
    }
    int finish = sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE || finish != SQLITE_OK) {
        fprintf(stderr, "kapictl %s: copy failed: %s\n", what,
                sqlite3_errstr(rc != SQLITE_DONE ? rc : finish));
        return -1;
    }
    return 0;
}

/* Runs a statement that returns one text row, comparing it to want
 * (NULL: any row is fine). */
static int single_row_is(sqlite3 *db, const char *sql, const char *want)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return 0;
    int ok = sqlite3_step(st) == SQLITE_ROW;
    if (ok && want) {
        const char *text = (const char *)sqlite3_column_text(st, 0);
        ok = text && strcmp(text, want) == 0;
    }
    sqlite3_finalize(st);
    return ok;
}

/* Whether db looks like a healthy kapi database. */
static int is_kapi_database(sqlite3 *db)
{
    return single_row_is(db, "PRAGMA quick_check", "ok") &&
           single_row_is(db, "SELECT value FROM meta WHERE name = 'revision'", NULL) &&
           single_row_is(db, "SELECT count(*) FROM kv", NULL);
}

/* 0 when path exists; otherwise says "<what> <path>" and returns 1. */
static int require_file(const char *path, const char *what)
{
    if (file_exists(path))
        return 0;
    fprintf(stderr, "%s %s\n", what, path);
    return 1;
}

/* Which file backup and restore need before they start: the state
 * directory's database (backup reads it) or FILE (restore reads it). */
typedef enum { NEEDS_THE_DATABASE, NEEDS_THE_FILE } file_command_needs;

/* backup's and restore's arguments: FILE and --state; db_path (PATH_MAX
 * bytes) gets the state directory's database, and the file the command
 * needs must exist ("kapictl backup: no database <path>", "kapictl
 * restore: no such file <path>"). Returns 0 (with *help when the usage was
 * printed) or an exit code. */
static int parse_file_argument(const char *usage, const char *cmd, file_command_needs needs, const char **state,
                               int argc, char **argv, const char **file, int *help, char *db_path)
{
    *file = NULL;
    *help = 0;
    for (int i = 0; i < argc; i++) {
        int m;
        if (is_help(argv[i])) {
            fputs(usage, stdout);
            *help = 1;
            return 0;
        }
        if ((m = option_value(argc, argv, &i, "--state", state)) != 0) {
            if (m < 0)
                return EXIT_USAGE;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "kapictl: %s: unknown option \"%s\"\n\n%s", cmd, argv[i], usage);
            return EXIT_USAGE;
        } else if (*file) {
            fprintf(stderr, "kapictl: %s: unexpected argument \"%s\"\n\n%s", cmd, argv[i], usage);
            return EXIT_USAGE;
        } else {
            *file = argv[i];
        }
    }
    if (!*file) {
        fprintf(stderr, "kapictl: %s needs a FILE\n\n%s", cmd, usage);
        return EXIT_USAGE;
    }
    if (!state_is_given(*state))
        return EXIT_USAGE;
    if (join_path(db_path, PATH_MAX, *state, "kapi.db") != 0)
        return 1;
    char what[64];
    snprintf(what, sizeof what, "kapictl %s: %s", cmd, needs == NEEDS_THE_DATABASE ? "no database" : "no such file");
    return require_file(needs == NEEDS_THE_DATABASE ? db_path : *file, what);
}

static int cmd_backup(const char **state, int argc, char **argv)
{
    const char *file;
    char db_path[PATH_MAX], tmp[PATH_MAX];
    int help, rc = parse_file_argument(usage_backup, "backup", NEEDS_THE_DATABASE, state, argc, argv, &file, &help,
                                       db_path);
    if (rc != 0 || help)
        return rc;
    if (snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", file) >= (int)sizeof tmp) {
        fprintf(stderr, "kapictl backup: path too long: %s\n", file);
        return 1;
    }
    /* The copy is built under a temporary name (created 0600: it holds
     * Secrets) and renamed into place only when complete and checked. */
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "kapictl backup: cannot create %s: %s\n", tmp, strerror(errno));
        return 1;
    }
    close(fd);

    sqlite3 *src = NULL, *dest = NULL;
    rc = 1;
    if (sqlite3_open_v2(db_path, &src, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fprintf(stderr, "kapictl backup: cannot open %s: %s\n", db_path, sqlite3_errmsg(src));
        goto out;
    }
    sqlite3_busy_timeout(src, 30000);
    if (sqlite3_open_v2(tmp, &dest, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fprintf(stderr, "kapictl backup: cannot open %s: %s\n", tmp, sqlite3_errmsg(dest));
        goto out;
    }
    if (copy_database(dest, src, "backup") != 0)
        goto out;
    /* One self-contained file: no -wal beside it. */
    if (sqlite3_exec(dest, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK ||
        !is_kapi_database(dest)) {
        fprintf(stderr, "kapictl backup: the copy in %s failed its check: %s\n", tmp, sqlite3_errmsg(dest));
        goto out;
    }
    if (sqlite3_close(dest) != SQLITE_OK) {
        fprintf(stderr, "kapictl backup: cannot close %s\n", tmp);
        goto out;
    }
    dest = NULL;
    if ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) < 0 || fsync(fd) != 0) {
        fprintf(stderr, "kapictl backup: cannot sync %s: %s\n", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        goto out;
    }
    close(fd);
    if (rename(tmp, file) != 0) {
        fprintf(stderr, "kapictl backup: cannot rename %s to %s: %s\n", tmp, file, strerror(errno));
        goto out;
    }
    printf("backed up %s to %s\n", db_path, file);
    rc = 0;
out:
    sqlite3_close(dest);
    sqlite3_close(src);
    if (rc != 0)
        unlink(tmp);
    return rc;
}

static int cmd_restore(const char **state, int argc, char **argv)
{
    const char *file;
    char db_path[PATH_MAX], lock_path[PATH_MAX];
    int help, rc = parse_file_argument(usage_restore, "restore", NEEDS_THE_FILE, state, argc, argv, &file, &help,
                                       db_path);
    if (rc != 0 || help)
        return rc;
    if (join_path(lock_path, sizeof lock_path, *state, "kapi.db-lock") != 0)
        return 1;
    sqlite3 *src = NULL, *dest = NULL;
    int lock_fd = -1;
    rc = 1;
    if (sqlite3_open_v2(file, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK || !is_kapi_database(src)) {
        fprintf(stderr, "kapictl restore: %s is not a kapi database backup (%s)\n", file, sqlite3_errmsg(src));
        goto out;
    }
    if (mkdir(*state, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "kapictl restore: cannot create %s: %s\n", *state, strerror(errno));
        goto out;
    }
    /* Take the store's cross-process writer lock so that no kapi process
     * commits in the middle of the copy. */
    lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd < 0 || flock(lock_fd, LOCK_EX) != 0) {
        fprintf(stderr, "kapictl restore: cannot lock %s: %s\n", lock_path, strerror(errno));
        goto out;
    }
    if (sqlite3_open_v2(db_path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        fprintf(stderr, "kapictl restore: cannot open %s: %s\n", db_path, sqlite3_errmsg(dest));
        goto out;
    }
    sqlite3_busy_timeout(dest, 30000);
    if (sqlite3_exec(dest, "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK ||
        copy_database(dest, src, "restore") != 0)
        goto out;
    /* Fold the WAL back into the file, so it stands alone again. */
    sqlite3_exec(dest, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    if (!is_kapi_database(dest)) {
        fprintf(stderr, "kapictl restore: %s failed its check after the copy\n", db_path);
        goto out;
    }
    printf("restored %s from %s\n", db_path, file);
    rc = 0;
out:
    sqlite3_close(dest);
    sqlite3_close(src);
    if (lock_fd >= 0)
        close(lock_fd);
    return rc;
}

/* ----------------------------------------------------------------- user */

/* A user name usable as a file name and a kubeconfig entry. */
static int is_valid_user_name(const char *name)
{
    if (!name[0] || name[0] == '.' || name[0] == '-' || strlen(name) > 64)
        return 0;
    for (const char *p = name; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              strchr("._@:+-", c)))
            return 0;
    }
    return 1;
}

static int cmd_user_add(const char *state, const char *name, const char *const *groups, int n_groups)
{
    if (!is_valid_user_name(name)) {
        fprintf(stderr, "kapictl user add: bad user name \"%s\" (letters, digits and . _ @ : + -,"
                        " at most 64, not starting with . or -)\n", name);
        return EXIT_USAGE;
    }
    for (int i = 0; i < n_groups; i++) {
        if (!groups[i][0] || strlen(groups[i]) > 64) {
            fprintf(stderr, "kapictl user add: bad group \"%s\" (1 to 64 characters)\n", groups[i]);
            return EXIT_USAGE;
        }
    }
    char users_dir[PATH_MAX], crt[PATH_MAX], key[PATH_MAX], conf[PATH_MAX], p12[PATH_MAX];
    char admin_conf[PATH_MAX], ca_crt[PATH_MAX];
    if (join_path(users_dir, sizeof users_dir, state, "users") != 0 ||
        join_path(admin_conf, sizeof admin_conf, state, "admin.conf") != 0 ||
        join_path(ca_crt, sizeof ca_crt, state, "pki/ca.crt") != 0 ||
        snprintf(crt, sizeof crt, "%s/%s.crt", users_dir, name) >= (int)sizeof crt ||
        snprintf(key, sizeof key, "%s/%s.key", users_dir, name) >= (int)sizeof key ||
        snprintf(conf, sizeof conf, "%s/%s.conf", users_dir, name) >= (int)sizeof conf ||
        snprintf(p12, sizeof p12, "%s/%s.p12", users_dir, name) >= (int)sizeof p12) {
        fprintf(stderr, "kapictl user add: path too long\n");
        return 1;
    }
    if (!file_exists(ca_crt)) {
        fprintf(stderr, "kapictl user add: no CA %s (run kapictl --state %s init first)\n", ca_crt, state);
        return 1;
    }
    if (file_exists(crt)) {
        fprintf(stderr, "kapictl user add: user %s already exists (%s); remove %s/%s.* to issue a new one\n",
                name, crt, users_dir, name);
        return 1;
    }
    if (mkdir(users_dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "kapictl user add: cannot create %s: %s\n", users_dir, strerror(errno));
        return 1;
    }
    /* The server URL the admin uses, else the default one. */
    char server[1024], err[1024];
    if (!file_exists(admin_conf) || pki_kubeconfig_server(admin_conf, server, sizeof server, err, sizeof err) != 0) {
        const char *port_env = getenv("KAPI_PORT");
        int port = port_env && parse_port(port_env) > 0 ? parse_port(port_env) : PKI_DEFAULT_PORT;
        pki_default_server_url(port, server, sizeof server);
    }
    if (pki_issue_client_cert(state, name, groups, n_groups, crt, key, err, sizeof err) != 0 ||
        pki_write_kubeconfig(state, conf, name, crt, key, server, err, sizeof err) != 0 ||
        pki_write_pkcs12(state, crt, key, p12, name, err, sizeof err) != 0) {
        fprintf(stderr, "kapictl user add: %s\n", err);
        return 1;
    }
    printf("created %s\ncreated %s\ncreated %s\ncreated %s\n", key, crt, conf, p12);
    return 0;
}

static int cmd_user(const char **state, int argc, char **argv)
{
    if (argc == 0)
        return usage_error(usage_user, "user needs a subcommand%s", "");
    if (is_help(argv[0])) {
        fputs(usage_user, stdout);
        return 0;
    }
    if (strcmp(argv[0], "add") != 0)
        return usage_error(usage_user, "user: unknown subcommand \"%s\"", argv[0]);
    const char **groups = kapi_xcalloc((size_t)argc, sizeof *groups);
    const char *name = NULL, *v;
    int n_groups = 0, rc = -1;
    for (int i = 1; i < argc && rc < 0; i++) {
        int m;
        if (is_help(argv[i])) {
            fputs(usage_user, stdout);
            rc = 0;
        } else if ((m = option_value(argc, argv, &i, "--state", state)) != 0) {
            if (m < 0)
                rc = EXIT_USAGE;
        } else if ((m = option_value(argc, argv, &i, "--group", &v)) != 0) {
            if (m < 0)
                rc = EXIT_USAGE;
            else
                groups[n_groups++] = v;
        } else if (argv[i][0] == '-') {
            rc = usage_error(usage_user, "user add: unknown option \"%s\"", argv[i]);
        } else if (name) {
            rc = usage_error(usage_user, "user add: unexpected argument \"%s\"", argv[i]);
        } else {
            name = argv[i];
        }
    }
    if (rc < 0 && !state_is_given(*state))
        rc = EXIT_USAGE;
    if (rc < 0)
        rc = name ? cmd_user_add(*state, name, groups, n_groups)
                  : usage_error(usage_user, "user add needs a NAME%s", "");
    free(groups);
    return rc;
}

/* ----------------------------------------------------------------- main */

static const struct command {
    const char *name;
    int (*run)(const char **state, int argc, char **argv);
    const char *usage;
} commands[] = {
    {"init", cmd_init, usage_init},
    {"get", cmd_get, usage_get},
    {"backup", cmd_backup, usage_backup},
    {"restore", cmd_restore, usage_restore},
    {"user", cmd_user, usage_user},
};

static const struct command *command_named(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    kapi_alloc_init();      /* the out-of-memory policy, cJSON included */
    const char *state = getenv("KAPI_STATE");
    if (!state || !*state)
        state = "var";
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        int m;
        if (is_help(argv[i])) {
            fputs(usage_main, stdout);
            return 0;
        }
        if ((m = option_value(argc, argv, &i, "--state", &state)) < 0)
            return EXIT_USAGE;
        if (m == 0)
            return usage_error(usage_main, "unknown option \"%s\"", argv[i]);
    }
    if (i >= argc)
        return usage_error(usage_main, "no command given%s", "");
    if (strcmp(argv[i], "help") == 0) {
        const struct command *c = i + 1 < argc ? command_named(argv[i + 1]) : NULL;
        fputs(c ? c->usage : usage_main, stdout);
        return 0;
    }
    const struct command *c = command_named(argv[i]);
    if (!c)
        return usage_error(usage_main, "unknown command \"%s\"", argv[i]);
    return c->run(&state, argc - i - 1, argv + i + 1);
}

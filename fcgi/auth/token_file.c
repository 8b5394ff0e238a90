/* token_file.c: the static token file (kube's
 * staging/src/k8s.io/apiserver/pkg/authentication/token/tokenfile). See
 * token_file.h. A file that cannot be read or parsed is reported on stderr
 * once and authenticates nobody (kube-apiserver would not start). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "auth/token_file.h"
#include "core/alloc.h"

typedef struct token_entry {
    char *token;
    kapi_user user;
} token_entry;

static token_entry *entries;
static int n_entries;
static int loaded;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void free_fields(char **fields, int n)
{
    for (int i = 0; i < n; i++) free(fields[i]);
    free(fields);
}

/* A quote error: what the record had is freed. */
static const char *csv_bad(char ***fields, int *n, char *partial, int *bad)
{
    free(partial);
    free_fields(*fields, *n);
    *fields = NULL;
    *n = 0;
    *bad = 1;
    return NULL;
}

/* One record of Go's encoding/csv (comma ',', quotes '"' with "" inside,
 * no comments): fields appended to *fields (malloc'd strings). Returns the
 * position after the record, or NULL at the end of the text. -1 in *bad
 * for a quote error. */
static const char *csv_record(const char *p, char ***fields, int *n, int *bad)
{
    *n = 0;
    *fields = NULL;
    /* blank lines are skipped */
    while (*p == '\n' || (*p == '\r' && p[1] == '\n')) p += *p == '\r' ? 2 : 1;
    if (!*p) return NULL;
    int cap = 0;
    for (;;) {
        char *f = kapi_xmalloc(strlen(p) + 1);
        size_t o = 0;
        if (*p == '"') {
            p++;
            for (;;) {
                if (!*p) return csv_bad(fields, n, f, bad);
                if (*p == '"') {
                    if (p[1] == '"') { f[o++] = '"'; p += 2; continue; }
                    p++;
                    break;
                }
                f[o++] = *p++;
            }
            if (*p && *p != ',' && *p != '\n' && !(*p == '\r' && p[1] == '\n')) return csv_bad(fields, n, f, bad);
        } else {
            while (*p && *p != ',' && *p != '\n' && !(*p == '\r' && p[1] == '\n')) {
                if (*p == '"') return csv_bad(fields, n, f, bad);
                f[o++] = *p++;
            }
        }
        f[o] = '\0';
        if (*n == cap) *fields = kapi_xrealloc(*fields, (size_t)(cap = cap ? cap * 2 : 4) * sizeof **fields);
        (*fields)[(*n)++] = f;
        if (*p == ',') { p++; continue; }
        if (*p == '\r') p++;
        if (*p == '\n') p++;
        return p;
    }
}

static void free_entries(token_entry *list, int n)
{
    for (int i = 0; i < n; i++) {
        free(list[i].token);
        free((char *)list[i].user.name);
        free((char *)list[i].user.uid);
        for (int g = 0; g < list[i].user.n_groups - 1; g++) free((char *)list[i].user.groups[g]);
    }
    free(list);
}

static int load_text(const char *path, const char *text, char *err, size_t errlen)
{
    token_entry *list = NULL;
    int n = 0, cap = 0, bad = 0, nf;
    char **fields;
    const char *p = text;
    while ((p = csv_record(p, &fields, &nf, &bad))) {
        if (nf < 3) {
            snprintf(err, errlen, "token file '%s' must have at least 3 columns (token, user name, user uid), found %d",
                     path, nf);
            free_fields(fields, nf);
            goto fail;
        }
        if (!*fields[0]) { free_fields(fields, nf); continue; }   /* kube: a warning */
        token_entry *e = NULL;
        for (int i = 0; i < n; i++) if (!strcmp(list[i].token, fields[0])) e = &list[i];   /* duplicate: later wins */
        if (!e) {
            if (n == cap) list = kapi_xrealloc(list, (size_t)(cap = cap ? cap * 2 : 8) * sizeof *list);
            e = &list[n++];
            e->token = kapi_xstrdup(fields[0]);
        } else {
            free((char *)e->user.name);
            free((char *)e->user.uid);
            for (int g = 0; g < e->user.n_groups - 1; g++) free((char *)e->user.groups[g]);
        }
        memset(&e->user, 0, sizeof e->user);
        e->user.name = kapi_xstrdup(fields[1]);
        e->user.uid = kapi_xstrdup(fields[2]);
        if (nf >= 4) {
            /* strings.Split(record[3], ","): every piece, empty ones too */
            const char *g = fields[3];
            for (;;) {
                const char *c = strchr(g, ',');
                size_t len = c ? (size_t)(c - g) : strlen(g);
                if (e->user.n_groups < KAPI_MAX_GROUPS - 1) e->user.groups[e->user.n_groups++] = kapi_xstrndup(g, len);
                if (!c) break;
                g = c + 1;
            }
        }
        e->user.groups[e->user.n_groups++] = "system:authenticated";
        free_fields(fields, nf);
    }
    if (bad) {
        snprintf(err, errlen, "token file '%s': malformed CSV (bare or unterminated quote)", path);
        goto fail;
    }
    free_entries(entries, n_entries);
    entries = list;
    n_entries = n;
    return n;
fail:
    free_entries(list, n);
    free_entries(entries, n_entries);
    entries = NULL;
    n_entries = 0;
    return -1;
}

int token_file_load_text(const char *path, const char *text, char *err, size_t errlen)
{
    pthread_mutex_lock(&lock);
    loaded = 1;
    int n = load_text(path, text, err, errlen);
    pthread_mutex_unlock(&lock);
    return n;
}

static void load_once(void)
{
    if (loaded) return;
    loaded = 1;
    const char *path = getenv("KAPI_TOKEN_AUTH_FILE");
    if (!path || !*path) return;
    kapi_buf b;
    kapi_buf_init(&b);
    char err[600];
    if (kapi_buf_read_file(&b, path) != 0) fprintf(stderr, "kapi: cannot read token file '%s'\n", path);
    else if (load_text(path, b.data ? b.data : "", err, sizeof err) < 0) fprintf(stderr, "kapi: %s\n", err);
    kapi_buf_free(&b);
}

int token_file_authenticate(const char *token, kapi_user *user)
{
    pthread_mutex_lock(&lock);
    load_once();
    int found = 0;
    for (int i = 0; i < n_entries && !found; i++)
        if (!strcmp(entries[i].token, token)) {
            *user = entries[i].user;
            found = 1;
        }
    pthread_mutex_unlock(&lock);
    return found;
}

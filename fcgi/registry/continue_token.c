/* continue_token.c: encoding and decoding of continue tokens (see
 * continue_token.h). base64 is Go's RawURLEncoding (core/base64.c); the JSON
 * through codec/json.c, with the start key's NUL byte carried as \u0001 while
 * parsing (a cJSON string cannot hold NUL; registry keys never hold \x01). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/json.h"
#include "core/base64.h"
#include "registry/continue_token.h"

#define TOKEN_MAX 4096      /* longer tokens are not ours */
/* The longest start key a token may carry: a key's tail is a namespace
 * (63) and a name (253) at most. Bounded so that a token we encode (each
 * byte escaped to at most 6, then base64) stays within TOKEN_MAX, and so
 * every token we accept is one we could have written. */
#define START_KEY_MAX 500

/* Go's json.Marshal of a string body (no quotes), HTML-safe, into b. */
static void put_json_string_body(kapi_buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') kapi_buf_printf(b, "\\%c", *p);
        else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&') kapi_buf_printf(b, "\\u%04x", *p);
        else kapi_buf_putc(b, (char)*p);
    }
}

char *continue_token_encode(kapi_pool *p, int64_t rev, const char *start, int after)
{
    kapi_buf json;
    kapi_buf_init(&json);
    kapi_buf_printf(&json, "{\"v\":\"meta.k8s.io/v1\",\"rv\":%lld,\"start\":\"", (long long)rev);
    /* an empty start (the beginning of the range: a token whose start
     * was "/") is written "/", as an empty start key is refused */
    if ((!start || !*start) && !after) kapi_buf_putc(&json, '/');
    else put_json_string_body(&json, start ? start : "");
    if (after) kapi_buf_puts(&json, "\\u0000");
    kapi_buf_puts(&json, "\"}");
    char *enc = base64url_encode(json.data, json.len);
    char *out = kapi_pstrdup(p, enc);
    free(enc);
    kapi_buf_free(&json);
    return out;
}

/* base64.RawURLEncoding.DecodeString; NULL with Go's message in err. */
static unsigned char *decode_base64url(kapi_pool *p, const char *s, size_t *len, char *err,
                                       size_t errlen)
{
    kapi_buf *out = kapi_pool_buf(p);
    size_t bad;
    if (base64url_decode(s, strlen(s), out, &bad)) {
        snprintf(err, errlen, "illegal base64 data at input byte %zu", bad);
        return NULL;
    }
    *len = out->len;
    return (unsigned char *)out->data;
}

/* The JSON text with each \u0000 escape (not itself escaped) made \u0001. */
static char *mark_nul_escapes(kapi_pool *p, const unsigned char *text, size_t len)
{
    char *out = kapi_palloc(p, len + 1);
    memcpy(out, text, len);
    for (size_t i = 0; i + 1 < len; i++) {
        if (out[i] != '\\') continue;
        if (out[i + 1] == 'u' && i + 5 < len && !memcmp(out + i + 2, "0000", 4)) out[i + 5] = '1';
        i++;                                  /* skip the escaped character */
    }
    return out;
}

/* Go's path.Clean(key) == key for a rooted key: no empty, "." or ".."
 * segment and no trailing slash (except "/" itself). */
static int rooted_path_is_clean(const char *key)
{
    if (!strcmp(key, "/")) return 1;
    const char *seg = key + 1;
    for (;;) {
        const char *slash = strchr(seg, '/');
        size_t n = slash ? (size_t)(slash - seg) : strlen(seg);
        if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.')) return 0;
        if (!slash) return 1;
        seg = slash + 1;
    }
}

int continue_token_decode(kapi_pool *p, const char *token, int64_t *rev, char **start,
                          int *after, char *err, size_t errlen)
{
    *rev = 0;
    *start = NULL;
    *after = 0;
    char why[256];
    if (strlen(token) > TOKEN_MAX) {
        snprintf(err, errlen, "continue key is not valid: token too long");
        return -1;
    }
    size_t len = 0;
    unsigned char *raw = decode_base64url(p, token, &len, why, sizeof why);
    if (!raw) {
        snprintf(err, errlen, "continue key is not valid: %s", why);
        return -1;
    }
    char *text = mark_nul_escapes(p, raw, len);
    cJSON *doc = json_parse_strict(text, len, why, sizeof why);
    if (!doc || !cJSON_IsObject(doc)) {
        snprintf(err, errlen, "continue key is not valid: %s",
                 doc ? "json: cannot unmarshal into Go value of type storage.continueToken" : why);
        cJSON_Delete(doc);
        return -1;
    }
    kapi_pool_keep_json(p, doc);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, "v");
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(doc, "rv");
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(doc, "start");
    const char *version = cJSON_IsString(v) ? v->valuestring : "";
    if (strcmp(version, "meta.k8s.io/v1")) {
        snprintf(err, errlen, "continue key is not valid: server does not recognize this encoded version %.100s",
                 version);
        return -1;
    }
    if (r && !(cJSON_IsNumber(r) && r->valuedouble == (double)(long long)r->valuedouble)) {
        snprintf(err, errlen, "continue key is not valid: json: cannot unmarshal into Go struct field "
                 "continueToken.rv of type int64");
        return -1;
    }
    long long rv = r ? (long long)r->valuedouble : 0;
    if (rv == 0) {
        snprintf(err, errlen, "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        return -1;
    }
    const char *key = cJSON_IsString(s) ? s->valuestring : "";
    if (!*key) {
        snprintf(err, errlen, "continue key is not valid: encoded start key empty (version meta.k8s.io/v1)");
        return -1;
    }
    size_t kl = strlen(key);
    int ends_after = key[kl - 1] == '\x01';
    if (kl - (size_t)ends_after > START_KEY_MAX) {
        snprintf(err, errlen, "continue key is not valid: encoded start key too long (version meta.k8s.io/v1)");
        return -1;
    }
    char *rooted = kapi_psprintf(p, "%s%.*s", key[0] == '/' ? "" : "/", (int)(kl - (size_t)ends_after), key);
    if (!rooted_path_is_clean(rooted) || strchr(rooted, '\x01')) {
        snprintf(err, errlen, "continue key is not valid: %.200s", key);
        return -1;
    }
    *rev = rv;
    *start = rooted + 1;
    *after = ends_after;
    return 0;
}

/* goquote.c: Go's strconv.Quote and the time package's quote (see
 * goquote.h). */
#include <string.h>
#include "core/goquote.h"

static const char hex[] = "0123456789abcdef";

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid; *cp
 * receives the code point. */
static int utf8_decode(const unsigned char *s, size_t len, unsigned *cp)
{
    if (s[0] < 0x80) { *cp = s[0]; return 1; }
    int n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 && s[0] <= 0xDF ? 2 : 0;
    if (!n || (size_t)n > len) return 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    if (n == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0))) return 0;
    if (n == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))) return 0;
    unsigned v = s[0] & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    for (int i = 1; i < n; i++) v = v << 6 | (s[i] & 0x3F);
    *cp = v;
    return n;
}

/* unicode.IsPrint's "no" for the assigned runes that matter in practice. */
static int rune_is_unprintable(unsigned r)
{
    return (r >= 0x80 && r <= 0xA0) || r == 0xAD || r == 0x61C || r == 0x1680 || r == 0x180E ||
           (r >= 0x2000 && r <= 0x200F) || (r >= 0x2028 && r <= 0x202F) ||
           (r >= 0x205F && r <= 0x206F) || r == 0x3000 || (r >= 0xE000 && r <= 0xF8FF) ||
           r == 0xFEFF || (r >= 0xFFF9 && r <= 0xFFFB) || r == 0xFFFE || r == 0xFFFF;
}

/* One rune's quoted text into e (at most 11 bytes); its length. */
static size_t quote_rune(const unsigned char *c, size_t len, size_t *used, char *e)
{
    unsigned r;
    int ul = utf8_decode(c, len, &r);
    size_t o = 0;
    *used = ul ? (size_t)ul : 1;
    if (ul == 0) {
        e[o++] = '\\'; e[o++] = 'x'; e[o++] = hex[*c >> 4]; e[o++] = hex[*c & 15];
        return o;
    }
    if (ul > 1) {
        if (!rune_is_unprintable(r)) { memcpy(e, c, (size_t)ul); return (size_t)ul; }
        e[o++] = '\\'; e[o++] = 'u';
        for (int s = 12; s >= 0; s -= 4) e[o++] = hex[(r >> s) & 15];
        return o;
    }
    switch (r) {
    case '\a': e[o++] = '\\'; e[o++] = 'a'; break;
    case '\b': e[o++] = '\\'; e[o++] = 'b'; break;
    case '\f': e[o++] = '\\'; e[o++] = 'f'; break;
    case '\n': e[o++] = '\\'; e[o++] = 'n'; break;
    case '\r': e[o++] = '\\'; e[o++] = 'r'; break;
    case '\t': e[o++] = '\\'; e[o++] = 't'; break;
    case '\v': e[o++] = '\\'; e[o++] = 'v'; break;
    case '"': e[o++] = '\\'; e[o++] = '"'; break;
    case '\\': e[o++] = '\\'; e[o++] = '\\'; break;
    default:
        if (r < ' ' || r == 0x7f) {
            e[o++] = '\\'; e[o++] = 'x'; e[o++] = hex[r >> 4]; e[o++] = hex[r & 15];
        } else {
            e[o++] = (char)r;
        }
    }
    return o;
}

void go_quote_n(kapi_buf *out, const char *s, size_t n)
{
    kapi_buf_putc(out, '"');
    const unsigned char *c = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        /* runs of plain ASCII go in one piece */
        size_t j = i;
        while (j < n && c[j] >= ' ' && c[j] < 0x7f && c[j] != '"' && c[j] != '\\') j++;
        if (j > i) { kapi_buf_put(out, c + i, j - i); i = j; continue; }
        char e[12];
        size_t used, el = quote_rune(c + i, n - i, &used, e);
        kapi_buf_put(out, e, el);
        i += used;
    }
    kapi_buf_putc(out, '"');
}

void go_quote(kapi_buf *out, const char *s)
{
    go_quote_n(out, s ? s : "", s ? strlen(s) : 0);
}

void go_quote_to(char *out, size_t size, const char *s, size_t n)
{
    if (size < 3) { if (size) out[0] = '\0'; return; }
    size_t o = 0;
    out[o++] = '"';
    for (size_t i = 0; i < n;) {
        char e[12];
        size_t used, el = quote_rune((const unsigned char *)s + i, n - i, &used, e);
        if (o + el + 2 > size) break;              /* room for '"' and NUL */
        memcpy(out + o, e, el);
        o += el;
        i += used;
    }
    out[o++] = '"';
    out[o] = '\0';
}

void go_quote_list(kapi_buf *out, const char *const *list)
{
    kapi_buf_putc(out, '[');
    for (int i = 0; list && list[i]; i++) {
        if (i) kapi_buf_putc(out, ' ');
        go_quote(out, list[i]);
    }
    kapi_buf_putc(out, ']');
}

void go_quote_json_strings(kapi_buf *out, const cJSON *array)
{
    if (!cJSON_IsArray(array)) { kapi_buf_puts(out, "[]string(nil)"); return; }
    kapi_buf_puts(out, "[]string{");
    int i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, array) {
        if (i++) kapi_buf_puts(out, ", ");
        go_quote(out, cJSON_IsString(e) ? e->valuestring : "");
    }
    kapi_buf_putc(out, '}');
}

void go_time_quote_to(char *out, size_t size, const char *s, size_t n)
{
    size_t o = 0;
    if (size < 3) { if (size) out[0] = '\0'; return; }
    out[o++] = '"';
    for (size_t i = 0; i < n && o + 6 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || c < ' ') {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        } else {
            if (c == '"' || c == '\\') out[o++] = '\\';
            out[o++] = (char)c;
        }
    }
    out[o++] = '"';
    out[o] = '\0';
}

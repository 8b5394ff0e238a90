/* regex.c: RE2 syntax to POSIX ERE (see regex.h for what differs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/kapi.h"
#include "cel/cel_int.h"
#include "cel/regex.h"

/* The bracket-expression body for a Perl class, and whether it is negated. */
static const char *perl_class(char e, bool *negated)
{
    *negated = e == 'D' || e == 'W' || e == 'S';
    switch (e) {
    case 'd': case 'D': return "0-9";
    case 'w': case 'W': return "0-9A-Za-z_";
    case 's': case 'S': return " \t\n\r\f\v";
    default: return NULL;
    }
}

/* A rough count of the automaton states pattern p expands to: bounded
 * repetition copies what it repeats (a{1,1000} is a thousand a's), and
 * nested repetition multiplies. RE2 refuses repeat counts above 1000 and
 * programs too large; so does kapi, before regcomp could spend seconds
 * and megabytes on (a{1,1000}){1,1000}. */
typedef struct { const char *p, *end; } size_scan;

static double scan_alternation(size_scan *s, int depth);

static double scan_atom(size_scan *s, int depth)
{
    char ch = *s->p++;
    if (ch == '(') {
        double inner = depth > 100 ? 1e12 : scan_alternation(s, depth + 1);
        if (s->p < s->end && *s->p == ')') s->p++;
        return inner;
    }
    if (ch == '[') {
        if (s->p < s->end && *s->p == '^') s->p++;
        if (s->p < s->end && *s->p == ']') s->p++;
        while (s->p < s->end && *s->p != ']') {
            if (*s->p == '\\' && s->p + 1 < s->end) s->p++;
            s->p++;
        }
        if (s->p < s->end) s->p++;
        return 1;
    }
    if (ch == '\\' && s->p < s->end) s->p++;
    return 1;
}

static double scan_sequence(size_scan *s, int depth)
{
    double total = 0;
    while (s->p < s->end && *s->p != '|' && *s->p != ')') {
        double item = scan_atom(s, depth);
        for (;;) {   /* quantifiers */
            if (s->p < s->end && (*s->p == '*' || *s->p == '+' || *s->p == '?')) { s->p++; item *= 2; continue; }
            if (s->p < s->end && *s->p == '{') {
                const char *q = s->p + 1;
                long hi = 0, lo = 0;
                while (q < s->end && *q >= '0' && *q <= '9') lo = lo * 10 + (*q++ - '0'), lo = lo > 100000 ? 100000 : lo;
                hi = lo;
                if (q < s->end && *q == ',') {
                    q++;
                    if (q < s->end && *q >= '0' && *q <= '9') {
                        hi = 0;
                        while (q < s->end && *q >= '0' && *q <= '9') hi = hi * 10 + (*q++ - '0'), hi = hi > 100000 ? 100000 : hi;
                    }
                }
                if (q < s->end && *q == '}') {
                    s->p = q + 1;
                    if (lo > 1000 || hi > 1000) return 1e12;
                    item *= (double)(hi > 0 ? hi : 1) + 1;
                    continue;
                }
            }
            break;
        }
        total += item;
    }
    return total;
}

static double scan_alternation(size_scan *s, int depth)
{
    double total = scan_sequence(s, depth);
    while (s->p < s->end && *s->p == '|') {
        s->p++;
        total += scan_sequence(s, depth);
    }
    return total;
}

double cel_regex_size(const char *pat, size_t len)
{
    size_scan s = {pat, pat + len};
    double total = 0;
    while (s.p < s.end) {
        total += scan_alternation(&s, 0);
        if (s.p < s.end) s.p++;   /* an unbalanced ')' */
    }
    return total;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The length of the repetition operator at pat[i] (*, +, ?, {n}, {n,},
 * {n,m}), 0 when there is none (a '{' that is not a repeat is a literal,
 * as in RE2). */
static size_t repeat_length(const char *pat, size_t i, size_t len)
{
    if (pat[i] == '*' || pat[i] == '+' || pat[i] == '?') return 1;
    if (pat[i] != '{') return 0;
    size_t j = i + 1, digits = 0;
    while (j < len && pat[j] >= '0' && pat[j] <= '9') j++, digits++;
    if (!digits) return 0;
    if (j < len && pat[j] == ',') {
        j++;
        while (j < len && pat[j] >= '0' && pat[j] <= '9') j++;
    }
    return j < len && pat[j] == '}' ? j - i + 1 : 0;
}

int cel_regex_compile(regex_t *re, const char *pat, size_t len, bool nosub, char *err, size_t errlen)
{
    if (cel_regex_size(pat, len) > CEL_REGEX_MAX_SIZE) {
        snprintf(err, errlen, "error parsing regexp: expression too large");
        return -1;
    }
    kapi_buf out;
    kapi_buf_init(&out);
    int flags = REG_EXTENDED | (nosub ? REG_NOSUB : 0);
    size_t i = 0;
    if (len >= 4 && !memcmp(pat, "(?i)", 4)) { flags |= REG_ICASE; i = 4; }
    const char *bad = NULL;
    bool in_bracket = false;
    bool bracket_dash = false;       /* an escaped '-' in this bracket: written last, where POSIX reads it literally */
    /* RE2 (Go's regexp/syntax) refuses stacked repetition (a**, a+{2})
     * and a repetition with nothing before it; glibc would take them, and
     * stacked ones can make its regcomp run for seconds. */
    size_t last_repeat = SIZE_MAX;   /* where the previous item's operator began, if it was one */
    bool after_item = false;         /* something a repetition may apply to precedes */
    for (; i < len && !bad; i++) {
        char ch = pat[i];
        size_t rep = in_bracket ? 0 : repeat_length(pat, i, len);
        if (rep && i + rep < len && pat[i + rep] == '?') {
            bad = "lazy quantifiers";
            break;
        }
        if (rep) {
            if (last_repeat != SIZE_MAX) {
                snprintf(err, errlen, "error parsing regexp: invalid nested repetition operator: `%.*s`",
                         (int)(i + rep - last_repeat), pat + last_repeat);
                kapi_buf_free(&out);
                return -1;
            }
            if (!after_item) {
                snprintf(err, errlen, "error parsing regexp: missing argument to repetition operator: `%.*s`",
                         (int)rep, pat + i);
                kapi_buf_free(&out);
                return -1;
            }
            kapi_buf_put(&out, pat + i, rep);
            last_repeat = i;
            i += rep - 1;
            continue;
        }
        if (!in_bracket) {
            last_repeat = SIZE_MAX;
            after_item = !(ch == '(' || ch == '|');
            if (ch == '{' || ch == '}') {   /* not a repeat: a literal in RE2, an error in POSIX */
                kapi_buf_putc(&out, '\\');
                kapi_buf_putc(&out, ch);
                continue;
            }
        }
        if (in_bracket) {
            if (ch == ']' && !(out.len && (out.data[out.len - 1] == '[' ||
                               (out.len >= 2 && out.data[out.len - 1] == '^' && out.data[out.len - 2] == '[')))) {
                in_bracket = false;
                if (bracket_dash) kapi_buf_putc(&out, '-');
                kapi_buf_putc(&out, ch);
                continue;
            }
            if (ch == '\\' && i + 3 < len && pat[i + 1] == 'x' && hex_value(pat[i + 2]) >= 0 && hex_value(pat[i + 3]) >= 0) {
                char c = (char)(hex_value(pat[i + 2]) * 16 + hex_value(pat[i + 3]));   /* \xHH */
                i += 3;
                if (c == '-') bracket_dash = true;
                else if (c == ']' || c == '[' || c == '\\' || c == '^' || c == 0) { bad = "escaped bracket character"; break; }
                else kapi_buf_putc(&out, c);
                continue;
            }
            if (ch == '[' && i + 1 < len && pat[i + 1] == ':') {   /* [:alpha:] */
                const char *end = memchr(pat + i, ']', len - i);
                if (!end) { bad = "missing ]"; break; }
                kapi_buf_put(&out, pat + i, (size_t)(end - (pat + i)) + 1);
                i = (size_t)(end - pat);
                continue;
            }
            if (ch == '\\' && i + 1 < len) {
                char e = pat[++i];
                bool neg;
                const char *cls = perl_class(e, &neg);
                if (cls && !neg) { kapi_buf_puts(&out, cls); continue; }
                if (cls) { bad = "negated class inside brackets"; break; }
                if (e == 'n') { kapi_buf_putc(&out, '\n'); continue; }
                if (e == 't') { kapi_buf_putc(&out, '\t'); continue; }
                if (e == ']' || e == '[' || e == '\\' || e == '-' || e == '^') {
                    /* POSIX has no escapes in brackets: a ']' goes first, '-' last;
                     * approximate with a class for the common cases */
                    if (e == '\\') kapi_buf_putc(&out, '\\');
                    else if (e == '-') bracket_dash = true;
                    else kapi_buf_putc(&out, e);
                    if (e == ']') { bad = "escaped ] in brackets"; break; }
                    continue;
                }
                if (strchr(".*+?(){}|$/_~!@#%&=:;,<>'\"`", e)) { kapi_buf_putc(&out, e); continue; }
                bad = "unsupported escape";
                break;
            }
            kapi_buf_putc(&out, ch);
            continue;
        }
        if (ch == '[') {
            in_bracket = true;
            bracket_dash = false;
            kapi_buf_putc(&out, ch);
            if (i + 1 < len && pat[i + 1] == '^') { kapi_buf_putc(&out, '^'); i++; }
            if (i + 1 < len && pat[i + 1] == ']') { kapi_buf_putc(&out, ']'); i++; }
            continue;
        }
        if (ch == '(' && i + 2 < len && pat[i + 1] == '?') {
            if (pat[i + 2] == ':') { kapi_buf_putc(&out, '('); i += 2; continue; }
            bad = "unsupported group flags";
            break;
        }
        if ((ch == '*' || ch == '+' || ch == '?' || ch == '}') && i + 1 < len && pat[i + 1] == '?') {
            bad = "lazy quantifiers";
            break;
        }
        if (ch == '\\' && i + 1 < len) {
            char e = pat[++i];
            bool neg;
            const char *cls = perl_class(e, &neg);
            if (cls) { kapi_buf_printf(&out, "[%s%s]", neg ? "^" : "", cls); continue; }
            switch (e) {
            case 'A': kapi_buf_putc(&out, '^'); continue;
            case 'z': kapi_buf_putc(&out, '$'); continue;
            case 'b': case 'B': case '<': case '>': kapi_buf_putc(&out, '\\'); kapi_buf_putc(&out, e); continue;
            case 'n': kapi_buf_putc(&out, '\n'); continue;
            case 't': kapi_buf_putc(&out, '\t'); continue;
            case 'r': kapi_buf_putc(&out, '\r'); continue;
            case 'f': kapi_buf_putc(&out, '\f'); continue;
            case 'v': kapi_buf_putc(&out, '\v'); continue;
            case 'x':
                if (i + 2 < len && hex_value(pat[i + 1]) >= 0 && hex_value(pat[i + 2]) >= 0) {
                    char c = (char)(hex_value(pat[i + 1]) * 16 + hex_value(pat[i + 2]));
                    i += 2;
                    if (c == 0) { bad = "NUL character"; break; }
                    if (strchr(".*+?()[]{}|^$\\", c)) kapi_buf_putc(&out, '\\');
                    kapi_buf_putc(&out, c);
                    continue;
                }
                bad = "unsupported escape";
                break;
            default:
                if (strchr(".*+?()[]{}|^$\\/-", e)) {
                    if (e == '/' || e == '-') kapi_buf_putc(&out, e);
                    else { kapi_buf_putc(&out, '\\'); kapi_buf_putc(&out, e); }
                    continue;
                }
                bad = "unsupported escape";
            }
            break;
        }
        kapi_buf_putc(&out, ch);
    }
    if (!bad && in_bracket) bad = "missing closing ]";
    if (bad) {
        snprintf(err, errlen, "error parsing regexp: %s: `%.*s`", bad, (int)len, pat);
        kapi_buf_free(&out);
        return -1;
    }
    kapi_buf_putc(&out, 0);
    int rc = regcomp(re, out.data, flags);
    kapi_buf_free(&out);
    if (rc) {
        char msg[128];
        regerror(rc, re, msg, sizeof msg);
        snprintf(err, errlen, "error parsing regexp: %s: `%.*s`", msg, (int)len, pat);
        return -1;
    }
    return 0;
}

/* One cached pattern; the cache is a short list per evaluation (rules
 * use few patterns). */
typedef struct regex_entry {
    struct regex_entry *next;
    char *pattern;
    size_t len;
    regex_t re;
} regex_entry;

static void free_entry(void *arg)
{
    regfree(&((regex_entry *)arg)->re);
}

const regex_t *cel_regex_cached(cel_ctx *c, const char *pattern, size_t len, char *err, size_t errlen)
{
    for (const regex_entry *e = c->program_regexes; e; e = e->next)
        if (e->len == len && !memcmp(e->pattern, pattern, len)) return &e->re;
    for (regex_entry *e = c->regexes; e; e = e->next)
        if (e->len == len && !memcmp(e->pattern, pattern, len)) return &e->re;
    regex_entry *e = kapi_palloc(c->pool, sizeof *e);
    if (cel_regex_compile(&e->re, pattern, len, false, err, errlen)) return NULL;
    e->pattern = kapi_pstrndup(c->pool, pattern, len);
    e->len = len;
    e->next = c->regexes;
    c->regexes = e;
    kapi_pool_on_cleanup(c->pool, free_entry, e);
    return &e->re;
}

int cel_regex_precompile(kapi_pool *pool, struct regex_entry **list, const char *pattern, size_t len, char *err,
                         size_t errlen)
{
    for (regex_entry *e = *list; e; e = e->next)
        if (e->len == len && !memcmp(e->pattern, pattern, len)) return 0;
    regex_entry *e = kapi_palloc(pool, sizeof *e);
    if (cel_regex_compile(&e->re, pattern, len, false, err, errlen)) return -1;
    e->pattern = kapi_pstrndup(pool, pattern, len);
    e->len = len;
    e->next = *list;
    *list = e;
    kapi_pool_on_cleanup(pool, free_entry, e);
    return 0;
}

const regex_t *cel_regex_for_text(cel_ctx *c, const cel_val *re, size_t text_len, cel_val *failed)
{
    char err[300];
    const regex_t *rx = cel_regex_cached(c, re->u.s.p, re->u.s.len, err, sizeof err);
    if (!rx) { *failed = cel_error(c, "%s", err); return NULL; }
    if (!cel_charge(c, CEL_REGEX_COST(text_len, cel_regex_size(re->u.s.p, re->u.s.len)))) {
        *failed = cel_error(c, "operation cancelled: actual cost limit exceeded");
        return NULL;
    }
    return rx;
}

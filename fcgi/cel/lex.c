/* lex.c: the CEL lexer: numbers (decimal and hex ints, u-suffixed uints,
 * doubles with fraction or exponent), strings and bytes in every quoting
 * (single, double, triple, raw) with every escape langdef.md lists,
 * identifiers, reserved words, punctuation. Errors come back as a T_ERROR
 * token whose message the parser words as ANTLR-based cel-go does. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "core/kapi.h"
#include "cel/lex.h"

static const char *const reserved[] = {
    "as", "break", "const", "continue", "else", "for", "function", "if", "import",
    "let", "loop", "package", "namespace", "return", "var", "void", "while", NULL,
};

static void fail(lexer *lx, token *t, size_t at, const char *msg)
{
    t->kind = T_ERROR;
    t->pos = (int)at;
    t->end = (int)lx->len;
    t->err = msg;
}

/* Appends code point cp as UTF-8. */
static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) { out[0] = (char)(0xC0 | cp >> 6); out[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12); out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F)); return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18); out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* A quoted literal starting at lx->at (the opening quote); raw and bytes
 * from its prefix. */
static void lex_string(lexer *lx, token *t, size_t start, int raw, int bytes)
{
    const char *s = lx->src;
    size_t i = lx->at;
    char q = s[i];
    int triple = i + 2 < lx->len && s[i + 1] == q && s[i + 2] == q;
    i += triple ? 3 : 1;
    char *out = kapi_palloc(lx->pool, lx->len - i + 1);   /* never longer than the source */
    size_t n = 0;
    for (;;) {
        if (i >= lx->len) { fail(lx, t, start, "token recognition error: unterminated string"); return; }
        char c = s[i];
        if (c == q && (!triple || (i + 2 < lx->len && s[i + 1] == q && s[i + 2] == q))) {
            i += triple ? 3 : 1;
            break;
        }
        if (!triple && (c == '\n' || c == '\r')) { fail(lx, t, start, "token recognition error: newline in string"); return; }
        if (c != '\\' || raw) { out[n++] = c; i++; continue; }
        if (i + 1 >= lx->len) { fail(lx, t, start, "token recognition error: unterminated string"); return; }
        char e = s[i + 1];
        i += 2;
        switch (e) {
        case 'a': out[n++] = '\a'; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'v': out[n++] = '\v'; break;
        case '\\': case '\'': case '"': case '`': case '?': out[n++] = e; break;
        case 'x': case 'X': case 'u': case 'U': {
            int digits = (e == 'x' || e == 'X') ? 2 : e == 'u' ? 4 : 8;
            uint32_t cp = 0;
            for (int k = 0; k < digits; k++) {
                int h = i < lx->len ? hexval((unsigned char)s[i]) : -1;
                if (h < 0) { fail(lx, t, start, "token recognition error: invalid escape sequence"); return; }
                cp = cp << 4 | (uint32_t)h;
                i++;
            }
            if (bytes && digits == 2) { out[n++] = (char)cp; break; }
            if (bytes && digits > 2) { fail(lx, t, start, "token recognition error: unicode escape in bytes literal"); return; }
            if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
                fail(lx, t, start, "token recognition error: invalid unicode code point"); return;
            }
            n += put_utf8(out + n, cp);
            break;
        }
        default:
            if (e >= '0' && e <= '3') {
                uint32_t v = (uint32_t)(e - '0');
                for (int k = 0; k < 2; k++) {
                    if (i >= lx->len || s[i] < '0' || s[i] > '7') {
                        fail(lx, t, start, "token recognition error: invalid octal escape"); return;
                    }
                    v = v * 8 + (uint32_t)(s[i] - '0');
                    i++;
                }
                if (bytes) out[n++] = (char)v;
                else n += put_utf8(out + n, v);
                break;
            }
            fail(lx, t, start, "token recognition error: invalid escape sequence");
            return;
        }
    }
    lx->at = i;
    t->kind = bytes ? T_BYTES : T_STRING;
    t->s = out;
    t->len = n;
    t->end = (int)i;
}

static void lex_number(lexer *lx, token *t, size_t start)
{
    const char *s = lx->src;
    size_t i = start;
    if (s[i] == '0' && i + 1 < lx->len && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
        i += 2;
        size_t d0 = i;
        uint64_t v = 0;
        int over = 0;
        while (i < lx->len && hexval((unsigned char)s[i]) >= 0) {
            if (v >> 60) over = 1;
            v = v << 4 | (uint64_t)hexval((unsigned char)s[i]);
            i++;
        }
        if (i == d0) { fail(lx, t, start, "token recognition error: invalid hex literal"); return; }
        if (i < lx->len && (s[i] == 'u' || s[i] == 'U')) {
            i++;
            if (over) { fail(lx, t, start, "invalid uint literal"); return; }
            t->kind = T_UINT;
        } else {
            t->kind = T_INT;
            if (over) { fail(lx, t, start, "invalid int literal"); return; }
            t->int_overflow = v > (uint64_t)INT64_MAX;
        }
        t->u = v;
        lx->at = i;
        t->end = (int)i;
        return;
    }
    while (i < lx->len && isdigit((unsigned char)s[i])) i++;
    int is_double = 0;
    if (i + 1 < lx->len && s[i] == '.' && isdigit((unsigned char)s[i + 1])) {
        is_double = 1;
        i++;
        while (i < lx->len && isdigit((unsigned char)s[i])) i++;
    }
    if (i < lx->len && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (j < lx->len && (s[j] == '+' || s[j] == '-')) j++;
        if (j < lx->len && isdigit((unsigned char)s[j])) {
            is_double = 1;
            i = j;
            while (i < lx->len && isdigit((unsigned char)s[i])) i++;
        }
    }
    char buf[400];
    size_t n = i - start;
    if (n >= sizeof buf) { fail(lx, t, start, "invalid number literal"); return; }
    memcpy(buf, s + start, n);
    buf[n] = 0;
    if (is_double) {
        t->kind = T_DOUBLE;
        t->d = strtod(buf, NULL);
    } else {
        errno = 0;
        unsigned long long v = strtoull(buf, NULL, 10);
        int over = errno == ERANGE;
        if (i < lx->len && (s[i] == 'u' || s[i] == 'U')) {
            i++;
            if (over) { fail(lx, t, start, "invalid uint literal"); return; }
            t->kind = T_UINT;
        } else {
            if (over || v > (uint64_t)INT64_MAX + 1) { fail(lx, t, start, "invalid int literal"); return; }
            t->kind = T_INT;
            t->int_overflow = v > (uint64_t)INT64_MAX;
        }
        t->u = v;
    }
    lx->at = i;
    t->end = (int)i;
}

void lex_next(lexer *lx, token *t)
{
    memset(t, 0, sizeof *t);
    const char *s = lx->src;
    for (;;) {   /* whitespace and // comments */
        while (lx->at < lx->len && strchr(" \t\n\r\f", s[lx->at])) lx->at++;
        if (lx->at + 1 < lx->len && s[lx->at] == '/' && s[lx->at + 1] == '/') {
            while (lx->at < lx->len && s[lx->at] != '\n') lx->at++;
            continue;
        }
        break;
    }
    size_t start = lx->at;
    t->pos = (int)start;
    if (start >= lx->len) { t->kind = T_EOF; t->end = (int)start; return; }
    char c = s[start];
    char d = start + 1 < lx->len ? s[start + 1] : 0;
    if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)d))) { lex_number(lx, t, start); return; }
    if (c == '"' || c == '\'') { lex_string(lx, t, start, 0, 0); return; }
    if (isalpha((unsigned char)c) || c == '_') {
        /* string prefixes: r, b, rb, br in either case */
        size_t i = start;
        int raw = 0, bytes = 0;
        for (int k = 0; k < 2 && i < lx->len; k++) {
            char p = (char)tolower((unsigned char)s[i]);
            if (p == 'r' && !raw) { raw = 1; i++; } else if (p == 'b' && !bytes) { bytes = 1; i++; } else break;
            if (i < lx->len && (s[i] == '"' || s[i] == '\'')) {
                lx->at = i;
                lex_string(lx, t, start, raw, bytes);
                t->pos = (int)start;
                return;
            }
        }
        i = start;
        while (i < lx->len && (isalnum((unsigned char)s[i]) || s[i] == '_')) i++;
        size_t n = i - start;
        lx->at = i;
        t->end = (int)i;
        t->s = kapi_pstrndup(lx->pool, s + start, n);
        t->len = n;
        if (!strcmp(t->s, "true")) t->kind = T_TRUE;
        else if (!strcmp(t->s, "false")) t->kind = T_FALSE;
        else if (!strcmp(t->s, "null")) t->kind = T_NULL;
        else if (!strcmp(t->s, "in")) t->kind = T_IN;
        else {
            t->kind = T_IDENT;
            for (int k = 0; reserved[k]; k++)
                if (!strcmp(t->s, reserved[k])) t->reserved = 1;   /* fine after '.', not alone */
        }
        return;
    }
    if (c == '`') {   /* a quoted field name: a.`content-type` */
        size_t i = start + 1;
        while (i < lx->len && s[i] != '`' && s[i] != '\n') i++;
        if (i >= lx->len || s[i] != '`' || i == start + 1) {
            fail(lx, t, start, "token recognition error at: '`'");
            lx->at = start + 1;
            return;
        }
        t->kind = T_IDENT;
        t->quoted = 1;
        t->s = kapi_pstrndup(lx->pool, s + start + 1, i - start - 1);
        t->len = i - start - 1;
        lx->at = i + 1;
        t->end = (int)lx->at;
        return;
    }
    static const struct { const char *text; tok_kind kind; } punct[] = {
        {"==", T_EQ}, {"!=", T_NE}, {"<=", T_LE}, {">=", T_GE}, {"&&", T_AND}, {"||", T_OR},
        {"(", T_LPAREN}, {")", T_RPAREN}, {"[", T_LBRACKET}, {"]", T_RBRACKET}, {"{", T_LBRACE},
        {"}", T_RBRACE}, {".", T_DOT}, {",", T_COMMA}, {":", T_COLON}, {"?", T_QUESTION},
        {"!", T_NOT}, {"-", T_MINUS}, {"+", T_PLUS}, {"*", T_STAR}, {"/", T_SLASH},
        {"%", T_PERCENT}, {"<", T_LT}, {">", T_GT},
    };
    for (size_t k = 0; k < sizeof punct / sizeof punct[0]; k++) {
        size_t n = strlen(punct[k].text);
        if (start + n <= lx->len && !memcmp(s + start, punct[k].text, n)) {
            t->kind = punct[k].kind;
            lx->at = start + n;
            t->end = (int)lx->at;
            return;
        }
    }
    fail(lx, t, start, kapi_psprintf(lx->pool, "token recognition error at: '%c'", c));
    lx->at = start + 1;
}

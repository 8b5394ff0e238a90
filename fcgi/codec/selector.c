/* selector.c: parsing and matching of label and field selectors, following
 * k8s.io/apimachinery/pkg/labels/selector.go and pkg/fields/selector.go. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/selector.h"

typedef struct lexer {
    const char *s;
    size_t i;
} lexer;

static void skip_space(lexer *l)
{
    while (l->s[l->i] == ' ' || l->s[l->i] == '\t') l->i++;
}

/* identifiers and values: anything but whitespace and the operator characters */
static char *read_word(kapi_pool *p, lexer *l)
{
    skip_space(l);
    size_t start = l->i;
    while (l->s[l->i] && !strchr(" \t,()=!<>", l->s[l->i])) l->i++;
    return kapi_pstrndup(p, l->s + start, l->i - start);
}

static int add_req(selector *sel, char *err, size_t errlen)
{
    if (sel->n >= SELECTOR_MAX_REQS) {
        snprintf(err, errlen, "too many requirements in selector");
        return -1;
    }
    sel->n++;
    return 0;
}

int label_selector_parse(kapi_pool *p, const char *text, selector *sel, char *err, size_t errlen)
{
    memset(sel, 0, sizeof *sel);
    lexer l = {text ? text : "", 0};
    skip_space(&l);
    if (!l.s[l.i]) return 0;
    for (;;) {
        skip_space(&l);
        if (add_req(sel, err, errlen)) return -1;
        sel_req *r = &sel->reqs[sel->n - 1];
        int negated = 0;
        if (l.s[l.i] == '!') { negated = 1; l.i++; }
        r->key = read_word(p, &l);
        if (!*r->key) {
            snprintf(err, errlen, "unable to parse requirement: found '%c', expected: identifier",
                     l.s[l.i] ? l.s[l.i] : ' ');
            return -1;
        }
        skip_space(&l);
        char c = l.s[l.i];
        if (negated) {
            if (c && c != ',') {
                snprintf(err, errlen, "unable to parse requirement: found '%c', expected: ',' or end of string", c);
                return -1;
            }
            r->op = SEL_NOT_EXISTS;
        } else if (!c || c == ',') {
            r->op = SEL_EXISTS;
        } else if (c == '=' || c == '!' || c == '<' || c == '>') {
            if (c == '=' && l.s[l.i + 1] == '=') { r->op = SEL_EQ; l.i += 2; }
            else if (c == '=') { r->op = SEL_EQ; l.i++; }
            else if (c == '!' && l.s[l.i + 1] == '=') { r->op = SEL_NEQ; l.i += 2; }
            else if (c == '<') { r->op = SEL_LT; l.i++; }
            else if (c == '>') { r->op = SEL_GT; l.i++; }
            else { snprintf(err, errlen, "unable to parse requirement: found '!', expected: '='"); return -1; }
            r->values[0] = read_word(p, &l);
            r->n_values = 1;
            if ((r->op == SEL_GT || r->op == SEL_LT)) {
                char *end;
                strtol(r->values[0], &end, 10);
                if (!*r->values[0] || *end) {
                    snprintf(err, errlen, "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer");
                    return -1;
                }
            }
        } else {
            char *op = read_word(p, &l);
            if (!strcmp(op, "in")) r->op = SEL_IN;
            else if (!strcmp(op, "notin")) r->op = SEL_NOTIN;
            else {
                snprintf(err, errlen, "unable to parse requirement: found '%s', expected: in, notin, =, ==, !=, gt, lt", op);
                return -1;
            }
            skip_space(&l);
            if (l.s[l.i] != '(') {
                snprintf(err, errlen, "unable to parse requirement: found '%c', expected: '('", l.s[l.i] ? l.s[l.i] : ' ');
                return -1;
            }
            l.i++;
            for (;;) {
                char *v = read_word(p, &l);
                if (r->n_values >= SELECTOR_MAX_VALUES) { snprintf(err, errlen, "too many values in set"); return -1; }
                r->values[r->n_values++] = v;
                skip_space(&l);
                if (l.s[l.i] == ',') { l.i++; continue; }
                if (l.s[l.i] == ')') { l.i++; break; }
                snprintf(err, errlen, "unable to parse requirement: found '%c', expected: ',', ')' or identifier",
                         l.s[l.i] ? l.s[l.i] : ' ');
                return -1;
            }
            if (r->op == SEL_IN && r->n_values == 1 && !*r->values[0]) {
                /* "in ()" */
                snprintf(err, errlen, "unable to parse requirement: for 'in', 'notin' operators, values set can't be empty");
                return -1;
            }
        }
        skip_space(&l);
        if (!l.s[l.i]) break;
        if (l.s[l.i] != ',') {
            snprintf(err, errlen, "unable to parse requirement: found '%c', expected: ',' or end of string", l.s[l.i]);
            return -1;
        }
        l.i++;
    }
    return 0;
}

int field_selector_parse(kapi_pool *p, const char *text, selector *sel, char *err, size_t errlen)
{
    memset(sel, 0, sizeof *sel);
    const char *s = text ? text : "";
    while (*s) {
        const char *comma = s;
        /* a backslash escapes , = ! in field selector values */
        while (*comma && *comma != ',') comma += (*comma == '\\' && comma[1]) ? 2 : 1;
        size_t len = (size_t)(comma - s);
        char *term = kapi_pstrndup(p, s, len);
        s = *comma ? comma + 1 : comma;
        if (!*term) continue;
        if (add_req(sel, err, errlen)) return -1;
        sel_req *r = &sel->reqs[sel->n - 1];
        char *op = strstr(term, "!=");
        char *eq = strchr(term, '=');
        if (op && (!eq || op < eq)) { *op = '\0'; r->op = SEL_NEQ; r->values[0] = op + 2; }
        else if (eq) {
            *eq = '\0';
            r->op = SEL_EQ;
            r->values[0] = eq[1] == '=' ? eq + 2 : eq + 1;
        } else {
            snprintf(err, errlen, "invalid selector: '%s'; can't understand '%s'", text, term);
            return -1;
        }
        r->key = term;
        r->n_values = 1;
        /* unescape the value */
        char *v = (char *)r->values[0], *o = v;
        for (; *v; v++) { if (*v == '\\' && v[1]) v++; *o++ = *v; }
        *o = '\0';
    }
    return 0;
}

static int value_in(const sel_req *r, const char *v)
{
    for (int i = 0; i < r->n_values; i++)
        if (!strcmp(r->values[i], v)) return 1;
    return 0;
}

int label_selector_matches(const selector *sel, const cJSON *labels)
{
    for (int i = 0; i < sel->n; i++) {
        const sel_req *r = &sel->reqs[i];
        const cJSON *v = cJSON_IsObject(labels) ? cJSON_GetObjectItemCaseSensitive(labels, r->key) : NULL;
        const char *val = cJSON_IsString(v) ? v->valuestring : NULL;
        switch (r->op) {
        case SEL_EQ: case SEL_IN: if (!val || !value_in(r, val)) return 0; break;
        case SEL_NEQ: case SEL_NOTIN: if (val && value_in(r, val)) return 0; break;
        case SEL_EXISTS: if (!val) return 0; break;
        case SEL_NOT_EXISTS: if (val) return 0; break;
        case SEL_GT: case SEL_LT: {
            if (!val) return 0;
            char *end;
            long a = strtol(val, &end, 10);
            if (*end || !*val) return 0;
            long b = strtol(r->values[0], NULL, 10);
            if (r->op == SEL_GT ? !(a > b) : !(a < b)) return 0;
            break;
        }
        }
    }
    return 1;
}

/* The string value at a dotted path; "" when missing. Booleans and numbers
 * print as Go's fields.Set would ("true", "3"). */
static const char *field_value(const cJSON *obj, const char *path, char *buf, size_t n)
{
    const cJSON *cur = obj;
    const char *s = path;
    while (*s && cur) {
        const char *dot = strchr(s, '.');
        size_t len = dot ? (size_t)(dot - s) : strlen(s);
        char key[128];
        if (len >= sizeof key) return "";
        memcpy(key, s, len);
        key[len] = '\0';
        cur = cJSON_IsObject(cur) ? cJSON_GetObjectItemCaseSensitive(cur, key) : NULL;
        s = dot ? dot + 1 : s + len;
    }
    if (cJSON_IsString(cur)) return cur->valuestring;
    if (cJSON_IsBool(cur)) return cJSON_IsTrue(cur) ? "true" : "false";
    if (cJSON_IsNumber(cur)) { snprintf(buf, n, "%lld", (long long)cur->valuedouble); return buf; }
    return "";
}

int field_selector_matches(const selector *sel, const cJSON *obj)
{
    char buf[64];
    for (int i = 0; i < sel->n; i++) {
        const sel_req *r = &sel->reqs[i];
        const char *v = field_value(obj, r->key, buf, sizeof buf);
        int eq = !strcmp(v, r->values[0]);
        if (r->op == SEL_EQ && !eq) return 0;
        if (r->op == SEL_NEQ && eq) return 0;
    }
    return 1;
}

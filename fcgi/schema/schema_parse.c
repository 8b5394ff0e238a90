/* schema_parse.c: reads the line-based schema format (schema/README.md) into
 * schema_type structs, then resolves type references across all files and
 * checks the set for consistency. Every string and array of a set lives in
 * one arena, freed by schema_set_free(). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "schema/schema_internal.h"
#include "core/alloc.h"

#define MAX_LINE 2048
#define MAX_ALIASES 16
#define MAX_FIELDS 128
#define INTERNAL_UNSET (-2)   /* no internal= given */

/* ---- arena */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    _Alignas(max_align_t) unsigned char data[];
} arena_block;

typedef struct pending_ref {
    schema_value *value;      /* its ->type is filled in when resolved */
    char *name;               /* qualified OpenAPI name */
    const char *file;
    int line;
} pending_ref;

struct schema_set {
    arena_block *blocks;
    schema_type **types;      /* sorted by name once parsed */
    int n_types, cap_types;
    pending_ref *pending;
    int n_pending, cap_pending;
};

static void *arena_alloc(schema_set *s, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!s->blocks || s->blocks->cap - s->blocks->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        arena_block *b = kapi_xmalloc(sizeof *b + cap);
        if (!b) return NULL;
        b->next = s->blocks;
        b->used = 0;
        b->cap = cap;
        s->blocks = b;
    }
    void *p = s->blocks->data + s->blocks->used;
    s->blocks->used += n;
    memset(p, 0, n);
    return p;
}

static char *arena_strndup(schema_set *s, const char *p, size_t n)
{
    char *d = arena_alloc(s, n + 1);
    if (!d) return NULL;
    memcpy(d, p, n);
    d[n] = '\0';
    return d;
}

static char *arena_strdup(schema_set *s, const char *p)
{
    return arena_strndup(s, p, strlen(p));
}

void schema_set_free(schema_set *s)
{
    if (!s) return;
    while (s->blocks) {
        arena_block *next = s->blocks->next;
        free(s->blocks);
        s->blocks = next;
    }
    free(s->types);
    free(s->pending);
    free(s);
}

/* ---- parser state */

typedef struct parser {
    schema_set *set;
    const char *file;
    int line;
    char *err;
    size_t errlen;
    int failed;
    char package[256];
    struct { char alias[32]; char prefix[256]; } aliases[MAX_ALIASES];
    int n_aliases;
    schema_type *cur;            /* type whose fields are being read */
    int pending_start;           /* first pending reference of cur */
    schema_field fields[MAX_FIELDS];
    int n_fields;
} parser;

static int fail(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(parser *p, const char *fmt, ...)
{
    if (p->failed) return -1;
    p->failed = 1;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (p->err && p->errlen) snprintf(p->err, p->errlen, "%s:%d: %s", p->file, p->line, msg);
    return -1;
}

static int out_of_memory(parser *p) { return fail(p, "out of memory"); }

/* Splits s in place into whitespace-separated words; returns their count. */
static int split_words(char *s, char **words, int max)
{
    int n = 0;
    while (*s) {
        while (*s && isspace((unsigned char)*s)) *s++ = '\0';
        if (!*s) break;
        if (n == max) return max + 1;
        words[n++] = s;
        while (*s && !isspace((unsigned char)*s)) s++;
    }
    return n;
}

/* A JSON field name: an identifier, or one of JSON Schema's ("$ref",
 * "x-kubernetes-list-type": apiextensions' JSONSchemaProps). */
static int is_field_name(const char *s)
{
    if (!*s) return 0;
    for (const char *c = s; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && !(*c == '$' && c == s))
            return 0;
    return 1;
}

static int is_identifier(const char *s, int allow_dot)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && !(allow_dot && (*s == '.' || *s == '-')))
            return 0;
    return 1;
}

/* A NULL-terminated list of the sep-separated parts of s, in the arena. */
static const char *const *split_list(parser *p, const char *s, char sep)
{
    int n = 1;
    for (const char *c = s; *c; c++) n += *c == sep;
    const char **list = arena_alloc(p->set, sizeof *list * (size_t)(n + 1));
    if (!list) { out_of_memory(p); return NULL; }
    int i = 0;
    const char *start = s;
    for (const char *c = s;; c++) {
        if (*c == sep || !*c) {
            list[i] = arena_strndup(p->set, start, (size_t)(c - start));
            if (!list[i]) { out_of_memory(p); return NULL; }
            i++;
            if (!*c) break;
            start = c + 1;
        }
    }
    list[i] = NULL;
    return list;
}

/* ---- type expressions: scalar | Name | alias.Name | []T | map[T] */

static const struct { const char *word; schema_value_kind kind; } scalars[] = {
    {"string", SV_STRING}, {"bytes", SV_BYTES}, {"bool", SV_BOOL}, {"int32", SV_INT32},
    {"int64", SV_INT64}, {"double", SV_DOUBLE}, {"time", SV_TIME}, {"microtime", SV_MICROTIME},
    {"duration", SV_DURATION}, {"quantity", SV_QUANTITY}, {"intstr", SV_INT_OR_STRING},
    {"raw", SV_RAW}, {"fieldsv1", SV_FIELDS_V1},
};

static int add_pending(parser *p, schema_value *v, const char *qualified)
{
    schema_set *s = p->set;
    if (s->n_pending == s->cap_pending) {
        int cap = s->cap_pending ? s->cap_pending * 2 : 256;
        pending_ref *np = kapi_xrealloc(s->pending, sizeof *np * (size_t)cap);
        if (!np) return out_of_memory(p);
        s->pending = np;
        s->cap_pending = cap;
    }
    pending_ref *r = &s->pending[s->n_pending++];
    r->value = v;
    r->name = arena_strdup(s, qualified);
    r->file = p->file;
    r->line = p->line;
    return r->name ? 0 : out_of_memory(p);
}

static int parse_type_expr(parser *p, const char *expr, schema_value *v)
{
    size_t len = strlen(expr);
    if (!strncmp(expr, "[]", 2)) {
        schema_value *elem = arena_alloc(p->set, sizeof *elem);
        if (!elem) return out_of_memory(p);
        v->kind = SV_ARRAY;
        v->elem = elem;
        return parse_type_expr(p, expr + 2, elem);
    }
    if (!strncmp(expr, "map[", 4)) {
        if (len < 6 || expr[len - 1] != ']') return fail(p, "bad map type '%s'", expr);
        char inner[256];
        if (len - 5 >= sizeof inner) return fail(p, "type too long");
        memcpy(inner, expr + 4, len - 5);
        inner[len - 5] = '\0';
        schema_value *elem = arena_alloc(p->set, sizeof *elem);
        if (!elem) return out_of_memory(p);
        v->kind = SV_MAP;
        v->elem = elem;
        return parse_type_expr(p, inner, elem);
    }
    for (size_t i = 0; i < sizeof scalars / sizeof scalars[0]; i++)
        if (!strcmp(expr, scalars[i].word)) { v->kind = scalars[i].kind; return 0; }
    /* a named type: Name or alias.Name */
    char qualified[512];
    const char *dot = strchr(expr, '.');
    if (dot) {
        size_t alen = (size_t)(dot - expr);
        int found = 0;
        for (int i = 0; i < p->n_aliases; i++)
            if (strlen(p->aliases[i].alias) == alen && !strncmp(p->aliases[i].alias, expr, alen)) {
                snprintf(qualified, sizeof qualified, "%s.%s", p->aliases[i].prefix, dot + 1);
                found = 1;
            }
        if (!found) return fail(p, "unknown alias in type '%s' (declare it with 'use')", expr);
        if (!is_identifier(dot + 1, 0)) return fail(p, "bad type name '%s'", expr);
    } else {
        if (!is_identifier(expr, 0) || !isupper((unsigned char)expr[0]))
            return fail(p, "unknown type '%s'", expr);
        if (!p->package[0]) return fail(p, "type '%s' used before any 'package' line", expr);
        snprintf(qualified, sizeof qualified, "%s.%s", p->package, expr);
    }
    v->kind = SV_OBJECT;
    return add_pending(p, v, qualified);
}

/* ---- attributes */

static int parse_field_attr(parser *p, schema_field *f, char *word)
{
    char *eq = strchr(word, '=');
    const char *val = eq ? eq + 1 : NULL;
    if (eq) *eq = '\0';
    if (!val) {
        if (!strcmp(word, "ptr")) f->flags |= SF_POINTER;
        else if (!strcmp(word, "omitempty")) f->flags |= SF_OMITEMPTY;
        else if (!strcmp(word, "required")) f->flags |= SF_REQUIRED;
        else if (!strcmp(word, "readonly")) f->flags |= SF_READONLY;
        else if (!strcmp(word, "wrapped")) f->flags |= SF_WRAPPED;
        else if (!strcmp(word, "internalonly")) f->flags |= SF_INTERNAL_ONLY;
        else if (!strcmp(word, "internalvalue")) f->flags |= SF_INTERNAL_VALUE;
        else return fail(p, "unknown attribute '%s'", word);
        return 0;
    }
    if (!strcmp(word, "enum")) {
        f->enum_values = split_list(p, val, '|');
    } else if (!strcmp(word, "list")) {
        if (!strcmp(val, "atomic")) f->list_type = LIST_ATOMIC;
        else if (!strcmp(val, "set")) f->list_type = LIST_SET;
        else if (!strcmp(val, "map")) f->list_type = LIST_MAP;
        else return fail(p, "list= takes atomic, set or map, not '%s'", val);
    } else if (!strcmp(word, "keys")) {
        f->list_map_keys = split_list(p, val, ',');
    } else if (!strcmp(word, "patch")) {
        if (strcmp(val, "merge") && strcmp(val, "replace") && strcmp(val, "retainKeys") &&
            strcmp(val, "merge,retainKeys"))
            return fail(p, "patch= takes merge, replace, retainKeys or merge,retainKeys, not '%s'", val);
        f->patch_strategy = arena_strdup(p->set, val);
    } else if (!strcmp(word, "union")) {
        /* a raw value (or a map's raw values) protobuf carries as a union */
        schema_value *v = f->value.kind == SV_MAP ? (schema_value *)f->value.elem : &f->value;
        if (!v || v->kind != SV_RAW) return fail(p, "union= is for raw values");
        if (!strcmp(val, "orarray")) v->raw_union = RAW_OR_ARRAY;
        else if (!strcmp(val, "orbool")) v->raw_union = RAW_OR_BOOL;
        else if (!strcmp(val, "orstringarray")) v->raw_union = RAW_OR_STRING_ARRAY;
        else return fail(p, "union= takes orarray, orbool or orstringarray, not '%s'", val);
    } else if (!strcmp(word, "mergekey")) {
        f->patch_merge_key = arena_strdup(p->set, val);
    } else if (!strcmp(word, "map")) {
        if (!strcmp(val, "atomic")) f->flags |= SF_MAP_ATOMIC;
        else if (strcmp(val, "granular")) return fail(p, "map= takes atomic or granular, not '%s'", val);
    } else if (!strcmp(word, "default")) {
        cJSON *j = cJSON_Parse(val);
        if (!j) return fail(p, "default= is not valid JSON: %s", val);
        cJSON_Delete(j);
        f->default_json = arena_strdup(p->set, val);
    } else if (!strcmp(word, "go")) {
        if (!*val) return fail(p, "go= needs a type");
        f->go_type = arena_strdup(p->set, val);
    } else if (!strcmp(word, "goname")) {
        if (!is_identifier(val, 0) || !isupper((unsigned char)*val)) return fail(p, "goname= needs a Go field name");
        f->go_name = arena_strdup(p->set, val);
    } else if (!strcmp(word, "internal")) {
        char *end;
        long pos = strtol(val, &end, 10);
        if (!strcmp(val, "none")) f->internal_index = -1;
        else if (*end || end == val || pos < 0 || pos >= MAX_FIELDS) return fail(p, "internal= takes a position or none, not '%s'", val);
        else f->internal_index = (int)pos;
    } else {
        return fail(p, "unknown attribute '%s='", word);
    }
    return p->failed ? -1 : 0;
}

/* Rules that need only the field itself. */
static int check_field(parser *p, const schema_field *f)
{
    schema_value_kind k = f->value.kind;
    if (f->flags & SF_INLINE) {
        if (k != SV_OBJECT) return fail(p, "an inlined field (*) must be a named type");
        if (f->flags & ~(unsigned)SF_INLINE) return fail(p, "an inlined field takes no attributes");
    }
    if ((f->flags & SF_INTERNAL_ONLY) && f->internal_index < 0)
        return fail(p, "an internalonly field needs internal=<position>");
    if ((f->flags & SF_INTERNAL_VALUE) && !(f->flags & SF_POINTER))
        return fail(p, "internalvalue is for ptr fields");
    if ((f->list_type || f->list_map_keys) && k != SV_ARRAY)
        return fail(p, "list= and keys= are for lists");
    if (f->list_type == LIST_MAP && !f->list_map_keys) return fail(p, "list=map needs keys=");
    if (f->list_map_keys && f->list_type != LIST_MAP) return fail(p, "keys= needs list=map");
    if (f->patch_merge_key && (!f->patch_strategy || strncmp(f->patch_strategy, "merge", 5)))
        return fail(p, "mergekey= needs patch=merge");
    if (f->enum_values) {
        const schema_value *v = k == SV_ARRAY ? f->value.elem : &f->value;
        if (v->kind != SV_STRING) return fail(p, "enum= is for strings");
    }
    if ((f->flags & SF_WRAPPED) &&
        !(k == SV_MAP && f->value.elem->kind == SV_ARRAY))
        return fail(p, "wrapped is for maps of lists");
    if ((f->flags & SF_MAP_ATOMIC) && k != SV_MAP) return fail(p, "map= is for maps");
    if ((f->flags & SF_POINTER) && (k == SV_ARRAY || k == SV_MAP || k == SV_BYTES))
        return fail(p, "ptr is not for lists, maps or bytes");
    if ((f->flags & SF_REQUIRED) && (f->flags & SF_OMITEMPTY))
        return fail(p, "a required field cannot be omitempty");
    return 0;
}

/* "name number type attr... : description" */
static int parse_field_line(parser *p, char *line)
{
    if (!p->cur) return fail(p, "field outside of a type");
    if (p->n_fields == MAX_FIELDS) return fail(p, "too many fields in one type");
    char *sep = strstr(line, " : ");
    const char *desc = "";
    if (sep) {
        *sep = '\0';
        desc = sep + 3;
        while (isspace((unsigned char)*desc)) desc++;
    } else {
        size_t l = strlen(line);
        if (l >= 2 && !strcmp(line + l - 2, " :")) line[l - 2] = '\0';
        else return fail(p, "field without ' : description'");
    }
    char *words[32];
    int n = split_words(line, words, 32);
    if (n > 32) return fail(p, "too many attributes");
    if (n < 3) return fail(p, "a field needs a name, a protobuf number and a type");
    schema_field *f = &p->fields[p->n_fields];
    memset(f, 0, sizeof *f);
    f->internal_index = INTERNAL_UNSET;
    if (!strcmp(words[0], "*")) {
        f->name = "";
        f->flags |= SF_INLINE;
    } else {
        if (!is_field_name(words[0])) return fail(p, "bad field name '%s'", words[0]);
        f->name = arena_strdup(p->set, words[0]);
    }
    char *end;
    long num = strtol(words[1], &end, 10);
    if (*end || end == words[1] || num < 0 || num > 536870911)
        return fail(p, "bad protobuf number '%s'", words[1]);
    f->proto_number = (int)num;
    if (parse_type_expr(p, words[2], &f->value)) return -1;
    for (int i = 3; i < n; i++)
        if (parse_field_attr(p, f, words[i])) return -1;
    if (!*desc) return fail(p, "field '%s' has no description", f->name);
    f->description = arena_strdup(p->set, desc);
    if (!f->name || !f->description) return out_of_memory(p);
    if (!f->go_name && f->name[0]) {   /* Go's exported name: the JSON name, capitalised */
        char *g = arena_strdup(p->set, f->name);
        if (!g) return out_of_memory(p);
        g[0] = (char)toupper((unsigned char)g[0]);
        f->go_name = g;
    }
    if (check_field(p, f)) return -1;
    for (int i = 0; i < p->n_fields; i++) {
        if (f->name[0] && !strcmp(p->fields[i].name, f->name))
            return fail(p, "field '%s' given twice", f->name);
        if (f->proto_number && p->fields[i].proto_number == f->proto_number)
            return fail(p, "protobuf number %d given twice", f->proto_number);
    }
    p->n_fields++;
    return 0;
}

/* kube's internal struct: the v1 fields in their order, unless the type
 * gives every field an internal= position (then those positions, 0..n-1,
 * each once, internal-only fields included). */
static int build_internal_order(parser *p, schema_field *fields, int n)
{
    int given = 0, n_internal = 0;
    for (int i = 0; i < n; i++) given += fields[i].internal_index != INTERNAL_UNSET;
    if (given && given != n) return fail(p, "type %s: internal= on some fields but not all", p->cur->short_name);
    int n_v1 = 0;
    for (int i = 0; i < n; i++) {
        if (fields[i].flags & SF_INTERNAL_ONLY) continue;
        if (!given) fields[i].internal_index = n_v1;
        n_v1++;
    }
    for (int i = 0; i < n; i++) n_internal += fields[i].internal_index >= 0;
    const schema_field **order = arena_alloc(p->set, sizeof *order * (size_t)(n_internal + 1));
    if (!order) return out_of_memory(p);
    for (int i = 0; i < n; i++) {
        int at = fields[i].internal_index;
        if (at < 0) continue;
        if (at >= n_internal || order[at])
            return fail(p, "type %s: internal positions must be 0..%d, each once", p->cur->short_name, n_internal - 1);
        order[at] = &fields[i];
    }
    p->cur->internal_fields = order;
    p->cur->n_internal = n_internal;
    return 0;
}

static int finish_type(parser *p)
{
    if (!p->cur) return 0;
    schema_field *fields = arena_alloc(p->set, sizeof *fields * (size_t)(p->n_fields + 1));
    if (!fields) return out_of_memory(p);
    /* v1 fields first (they are .fields), internal-only ones after them */
    int n_v1 = 0, at[MAX_FIELDS];
    for (int j = 0; j < p->n_fields; j++)
        if (!(p->fields[j].flags & SF_INTERNAL_ONLY)) at[j] = n_v1++;
    for (int j = 0, k = n_v1; j < p->n_fields; j++)
        if (p->fields[j].flags & SF_INTERNAL_ONLY) at[j] = k++;
    for (int j = 0; j < p->n_fields; j++) fields[at[j]] = p->fields[j];
    /* the value pointers registered as pending point into p->fields: move them */
    schema_set *s = p->set;
    for (int i = p->pending_start; i < s->n_pending; i++)
        for (int j = 0; j < p->n_fields; j++)
            if (s->pending[i].value == &p->fields[j].value) s->pending[i].value = &fields[at[j]].value;
    p->cur->fields = fields;
    p->cur->n_fields = n_v1;
    if (build_internal_order(p, fields, p->n_fields)) return -1;
    p->cur = NULL;
    p->n_fields = 0;
    return 0;
}

/* "type Name [kind=K apiVersion=g/v] [atomic] : description" */
static int parse_type_line(parser *p, char *line)
{
    if (finish_type(p)) return -1;
    if (!p->package[0]) return fail(p, "type before any 'package' line");
    char *sep = strstr(line, " : ");
    if (!sep) return fail(p, "type without ' : description'");
    *sep = '\0';
    const char *desc = sep + 3;
    while (isspace((unsigned char)*desc)) desc++;
    char *words[8];
    int n = split_words(line, words, 8);
    if (n > 8 || n < 2) return fail(p, "bad type line");
    if (!is_identifier(words[1], 0) || !isupper((unsigned char)words[1][0]))
        return fail(p, "bad type name '%s'", words[1]);
    schema_set *s = p->set;
    schema_type *t = arena_alloc(s, sizeof *t);
    if (!t) return out_of_memory(p);
    char name[512];
    snprintf(name, sizeof name, "%s.%s", p->package, words[1]);
    t->name = arena_strdup(s, name);
    t->short_name = arena_strdup(s, words[1]);
    const char *lastdot = strrchr(p->package, '.');
    t->go_package = arena_strdup(s, lastdot ? lastdot + 1 : p->package);
    t->description = arena_strdup(s, desc);
    if (!t->name || !t->short_name || !t->go_package || !t->description) return out_of_memory(p);
    if (!*desc) return fail(p, "type '%s' has no description", words[1]);
    const char *kind = NULL, *api = NULL;
    for (int i = 2; i < n; i++) {
        if (!strncmp(words[i], "kind=", 5)) kind = words[i] + 5;
        else if (!strncmp(words[i], "apiVersion=", 11)) api = words[i] + 11;
        else if (!strcmp(words[i], "atomic")) t->flags |= ST_ATOMIC;
        else return fail(p, "unknown type attribute '%s'", words[i]);
    }
    if (!!kind != !!api) return fail(p, "kind= and apiVersion= go together");
    if (kind) {
        const char *slash = strchr(api, '/');
        t->kind = arena_strdup(s, kind);
        t->group = slash ? arena_strndup(s, api, (size_t)(slash - api)) : arena_strdup(s, "");
        t->version = arena_strdup(s, slash ? slash + 1 : api);
        if (!t->kind || !t->group || !t->version) return out_of_memory(p);
        if (!*kind || !*t->version) return fail(p, "empty kind or version");
    }
    if (s->n_types == s->cap_types) {
        int cap = s->cap_types ? s->cap_types * 2 : 256;
        schema_type **nt = kapi_xrealloc(s->types, sizeof *nt * (size_t)cap);
        if (!nt) return out_of_memory(p);
        s->types = nt;
        s->cap_types = cap;
    }
    s->types[s->n_types++] = t;
    p->cur = t;
    p->n_fields = 0;
    p->pending_start = s->n_pending;
    return 0;
}

static int parse_directive(parser *p, char *line)
{
    char *words[4];
    int n = split_words(line, words, 4);
    if (!strcmp(words[0], "package")) {
        if (n != 2 || !is_identifier(words[1], 1)) return fail(p, "usage: package io.k8s.api.core.v1");
        if (finish_type(p)) return -1;
        snprintf(p->package, sizeof p->package, "%s", words[1]);
        return 0;
    }
    if (!strcmp(words[0], "use")) {
        if (n != 3 || !is_identifier(words[1], 0) || !is_identifier(words[2], 1))
            return fail(p, "usage: use meta io.k8s.apimachinery.pkg.apis.meta.v1");
        if (p->n_aliases == MAX_ALIASES) return fail(p, "too many aliases");
        snprintf(p->aliases[p->n_aliases].alias, sizeof p->aliases[0].alias, "%s", words[1]);
        snprintf(p->aliases[p->n_aliases].prefix, sizeof p->aliases[0].prefix, "%s", words[2]);
        p->n_aliases++;
        return 0;
    }
    return fail(p, "unknown line '%s'", words[0]);
}

static int parse_source(parser *p, const schema_source *src)
{
    p->file = src->file;
    p->line = 0;
    p->package[0] = '\0';
    p->n_aliases = 0;
    const char *s = src->text;
    while (*s && !p->failed) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        p->line++;
        if (len >= MAX_LINE) return fail(p, "line too long");
        char line[MAX_LINE];
        memcpy(line, s, len);
        line[len] = '\0';
        while (len && isspace((unsigned char)line[len - 1])) line[--len] = '\0';
        s = nl ? nl + 1 : s + strlen(s);
        const char *first = line;
        while (isspace((unsigned char)*first)) first++;
        if (!*first || *first == '#') continue;
        if (strchr(line, '\t')) return fail(p, "tab character (use spaces)");
        if (isspace((unsigned char)line[0])) {
            if (parse_field_line(p, line)) return -1;
        } else if (!strncmp(line, "type ", 5)) {
            if (parse_type_line(p, line)) return -1;
        } else if (parse_directive(p, line)) {
            return -1;
        }
        if (!nl) break;
    }
    return p->failed ? -1 : finish_type(p);
}

/* ---- resolution and whole-set checks */

static int type_cmp(const void *a, const void *b)
{
    return strcmp((*(schema_type *const *)a)->name, (*(schema_type *const *)b)->name);
}

const schema_type *schema_set_type(const schema_set *s, const char *name)
{
    int lo = 0, hi = s->n_types - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int c = strcmp(s->types[mid]->name, name);
        if (!c) return s->types[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid - 1;
    }
    return NULL;
}

const schema_type *schema_set_kind(const schema_set *s, const char *group, const char *version,
                                   const char *kind)
{
    for (int i = 0; i < s->n_types; i++) {
        const schema_type *t = s->types[i];
        if (t->kind && !strcmp(t->kind, kind) && (!group || !strcmp(t->group, group)) &&
            (!version || !strcmp(t->version, version)))
            return t;
    }
    return NULL;
}

const schema_type *const *schema_set_types(const schema_set *s, int *n)
{
    *n = s->n_types;
    return (const schema_type *const *)s->types;
}

/* Field names must stay unique once inlined structs are flattened. */
static int check_flat_names(parser *p, const schema_type *t, const schema_type *in,
                            const char **seen, int *n_seen, int depth)
{
    if (depth > 8) return fail(p, "type %s inlines too deeply (a cycle?)", t->name);
    for (int i = 0; i < in->n_fields; i++) {
        const schema_field *f = &in->fields[i];
        if (f->flags & SF_INLINE) {
            if (check_flat_names(p, t, f->value.type, seen, n_seen, depth + 1)) return -1;
            continue;
        }
        for (int j = 0; j < *n_seen; j++)
            if (!strcmp(seen[j], f->name))
                return fail(p, "type %s has field '%s' twice once inlined", t->name, f->name);
        if (*n_seen == 4 * MAX_FIELDS) return fail(p, "type %s has too many fields", t->name);
        seen[(*n_seen)++] = f->name;
    }
    return 0;
}

static int resolve(parser *p)
{
    schema_set *s = p->set;
    qsort(s->types, (size_t)s->n_types, sizeof *s->types, type_cmp);
    for (int i = 1; i < s->n_types; i++)
        if (!strcmp(s->types[i - 1]->name, s->types[i]->name)) {
            p->file = "schema";
            p->line = 0;
            return fail(p, "type %s defined twice", s->types[i]->name);
        }
    for (int i = 0; i < s->n_pending; i++) {
        pending_ref *r = &s->pending[i];
        const schema_type *t = schema_set_type(s, r->name);
        if (!t) {
            p->file = r->file;
            p->line = r->line;
            return fail(p, "type %s is not defined", r->name);
        }
        r->value->type = t;
    }
    /* an inlined struct's Go name is its type's (ProbeHandler, VolumeSource) */
    for (int i = 0; i < s->n_types; i++)
        for (int j = 0; j < s->types[i]->n_fields; j++) {
            schema_field *f = (schema_field *)&s->types[i]->fields[j];
            if (!f->go_name) f->go_name = f->value.type ? f->value.type->short_name : "";
        }
    p->file = "schema";
    p->line = 0;
    for (int i = 0; i < s->n_types; i++) {
        const char *seen[4 * MAX_FIELDS];
        int n_seen = 0;
        if (check_flat_names(p, s->types[i], s->types[i], seen, &n_seen, 0)) return -1;
        for (int k = i + 1; k < s->n_types && s->types[i]->kind; k++)
            if (s->types[k]->kind && !strcmp(s->types[i]->kind, s->types[k]->kind) &&
                !strcmp(s->types[i]->group, s->types[k]->group) &&
                !strcmp(s->types[i]->version, s->types[k]->version))
                return fail(p, "kind %s declared twice", s->types[i]->kind);
    }
    return 0;
}

schema_set *schema_set_parse(const schema_source *sources, int n, char *err, size_t errlen)
{
    schema_set *s = kapi_xcalloc(1, sizeof *s);
    parser *p = kapi_xcalloc(1, sizeof *p);
    if (!s || !p) {
        if (err && errlen) snprintf(err, errlen, "out of memory");
        free(s);
        free(p);
        return NULL;
    }
    p->set = s;
    p->err = err;
    p->errlen = errlen;
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) rc = parse_source(p, &sources[i]);
    if (!rc) rc = resolve(p);
    free(p);
    if (rc) {
        schema_set_free(s);
        return NULL;
    }
    free(s->pending);
    s->pending = NULL;
    s->n_pending = s->cap_pending = 0;
    return s;
}

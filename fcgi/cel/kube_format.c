/* kube_format.c: Kubernetes' format library (k8s.io/apiserver/pkg/cel/
 * library/format.go): format.named(name) and format.dns1123Label() ...
 * give a format; f.validate(s) is optional.none() when s is valid, else
 * the list of what is wrong, with apimachinery's messages for the name
 * rules (codec/validate_meta.h). Also cel-go's base64 encoders
 * (base64.encode, base64.decode). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/validate_meta.h"
#include "core/base64.h"
#include "core/gotime.h"
#include "core/kapi.h"
#include "cel/cel_int.h"

#define T_FORMAT "kubernetes.NamedFormat"

static const char *const formats[] = {
    "dns1123Label", "dns1123Subdomain", "dns1035Label", "qualifiedName", "dns1123LabelPrefix",
    "dns1123SubdomainPrefix", "dns1035LabelPrefix", "labelValue", "uri", "uuid", "byte", "date", "datetime",
    NULL,
};

static const char *known_format(const char *name, size_t len)
{
    for (int i = 0; formats[i]; i++)
        if (strlen(formats[i]) == len && !memcmp(formats[i], name, len)) return formats[i];
    return NULL;
}

static bool is_uuid(const char *s)
{
    if (strlen(s) != 36) return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i])) return false;
    }
    return true;
}

static bool is_date(const char *s)
{
    int y, m, d;
    char extra;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 || s[4] != '-' || s[7] != '-') return false;
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > days[m - 1]) return false;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return false;
    return true;
}

/* What is wrong with s under the named format (out->n == 0: nothing). */
static void check(const char *format, const char *s, validation_messages *out)
{
    memset(out, 0, sizeof *out);
    size_t n = strlen(format);
    int prefix = n > 6 && !strcmp(format + n - 6, "Prefix");
    if (!strncmp(format, "dns1123Label", 12)) name_is_dns1123_label(s, prefix, out);
    else if (!strncmp(format, "dns1123Subdomain", 16)) name_is_dns1123_subdomain(s, prefix, out);
    else if (!strncmp(format, "dns1035Label", 12)) name_is_dns1035_label(s, prefix, out);
    else if (!strcmp(format, "qualifiedName")) is_qualified_name(s, out);
    else if (!strcmp(format, "labelValue")) is_valid_label_value(s, out);
    else {
        const char *msg = NULL;
        if (!strcmp(format, "uri")) {
            if (!cel_url_valid(s)) msg = "invalid URI";
        } else if (!strcmp(format, "uuid")) {
            if (!is_uuid(s)) msg = "does not match the UUID format";
        } else if (!strcmp(format, "byte")) {
            if (base64_error_offset(s, strlen(s)) >= 0) msg = "invalid base64";
        } else if (!strcmp(format, "date")) {
            if (!is_date(s)) msg = "invalid date";
        } else if (!strcmp(format, "datetime")) {
            if (!rfc3339_parse(s, strlen(s), 0, NULL, NULL, NULL, 0)) msg = "invalid datetime";
        }
        if (msg) {
            out->n = 1;
            snprintf(out->text[0], sizeof out->text[0], "%s", msg);
        }
    }
}

static cel_val format_object(const char *name)
{
    cel_val v = {.kind = CV_OBJECT};
    v.u.obj.type = T_FORMAT;
    v.u.obj.data = name;
    return v;
}

cel_val cel_call_kube_format(cel_ctx *c, const char *fn, const cel_val *t, const cel_val *a, size_t n, bool *found)
{
    *found = true;
    if (!t && n == 1 && !strcmp(fn, "format.named")) {
        if (a[0].kind != CV_STRING) return cel_no_overload(c, fn);
        const char *name = known_format(a[0].u.s.p, a[0].u.s.len);
        if (!name) return cel_optional(c, NULL);
        cel_val f = format_object(name);
        return cel_optional(c, &f);
    }
    if (!t && n == 0 && !strncmp(fn, "format.", 7)) {
        const char *name = known_format(fn + 7, strlen(fn + 7));
        if (name) return format_object(name);
    }
    if (t && t->kind == CV_OBJECT && !strcmp(t->u.obj.type, T_FORMAT) && n == 1 && !strcmp(fn, "validate")) {
        if (a[0].kind != CV_STRING) return cel_no_overload(c, fn);
        validation_messages msgs;
        check(t->u.obj.data, kapi_pstrndup(c->pool, a[0].u.s.p, a[0].u.s.len), &msgs);
        if (msgs.n == 0) return cel_optional(c, NULL);
        cel_val l = cel_list_new(c, (size_t)msgs.n);
        for (int i = 0; i < msgs.n; i++) l.u.list->items[i] = cel_string(c, msgs.text[i], strlen(msgs.text[i]));
        return cel_optional(c, &l);
    }
    if (!t && n == 1 && !strcmp(fn, "base64.encode")) {
        if (a[0].kind != CV_BYTES) return cel_no_overload(c, fn);
        char *s = base64_encode(a[0].u.s.p, a[0].u.s.len);
        cel_val v = cel_string(c, s, strlen(s));
        free(s);
        return v;
    }
    if (!t && n == 1 && !strcmp(fn, "base64.decode")) {
        if (a[0].kind != CV_STRING) return cel_no_overload(c, fn);
        kapi_buf *out = kapi_pool_buf(c->pool);
        size_t bad = 0;
        if (base64_decode(a[0].u.s.p, a[0].u.s.len, out, &bad))
            return cel_error(c, "illegal base64 data at input byte %zu", bad);
        return cel_bytes(c, out->data ? out->data : "", out->len);
    }
    *found = false;
    return cel_null();
}

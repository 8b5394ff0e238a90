/* pod_types.c: what the Pod schema (pod_schema.c) is used for besides the
 * diff: Go's type errors for a body that does not fit the types, kube's JSON
 * field order, the internal view of a spec, and semantic equality. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "codec/json.h"
#include "core/util.h"
#include "registry/kinds/pod_schema.h"
#include "codec/quantity.h"

/* ---- type checking (encoding/json's UnmarshalTypeError) */

typedef struct checker {
    char *err;
    size_t errlen;
} checker;

static const char *json_type_name(const cJSON *v)
{
    if (cJSON_IsString(v)) return "string";
    if (cJSON_IsNumber(v)) return "number";
    if (cJSON_IsBool(v)) return "bool";
    if (cJSON_IsArray(v)) return "array";
    return "object";
}

static int fail_type(checker *c, const char *value_desc, const char *struct_name, const char *path,
                     const char *go_type)
{
    snprintf(c->err, c->errlen, "json: cannot unmarshal %s into Go struct field %s.%s of type %s",
             value_desc, struct_name, path, go_type);
    return -1;
}

/* The Go type a scalar field decodes into ("string", "v1.RestartPolicy"). */
static const char *scalar_type(const pod_field *f, char *buf, size_t n)
{
    switch (f->kind) {
    case PK_STRING: case PK_PSTRING:
        if (f->named) { snprintf(buf, n, "v1.%s", f->named); return buf; }
        return "string";
    case PK_BOOL: case PK_PBOOL: return "bool";
    case PK_INT32: case PK_PINT32: return "int32";
    default: return "int64";
    }
}

/* A number fits an integer field when it is integral and in range; Go
 * names the literal ("number 1.5") when it does not. */
static int check_integer(checker *c, const cJSON *v, int bits, const char *sn, const char *path,
                         const char *go_type)
{
    if (!cJSON_IsNumber(v)) return fail_type(c, json_type_name(v), sn, path, go_type);
    double d = v->valuedouble;
    double lim = bits == 32 ? 2147483648.0 : 9223372036854775808.0;
    if (d != floor(d) || d >= lim || d < -lim) {
        char num[40], desc[48];
        if (json_format_number(num, sizeof num, d) < 0) snprintf(num, sizeof num, "%g", d);
        snprintf(desc, sizeof desc, "number %s", num);
        return fail_type(c, desc, sn, path, go_type);
    }
    return 0;
}

static int check_struct(checker *c, const pod_type *t, const cJSON *obj, const char *path);

static int check_object_of(checker *c, const pod_field *f, const cJSON *v, const char *sn,
                           const char *path, int list)
{
    char go_type[96];
    snprintf(go_type, sizeof go_type, "%sv1.%s", list ? "[]" : "", f->type ? f->type->name : "?");
    if (list) {
        if (!cJSON_IsArray(v)) return fail_type(c, json_type_name(v), sn, path, go_type);
        const cJSON *e;
        cJSON_ArrayForEach(e, v) {
            if (cJSON_IsNull(e)) continue;
            if (!cJSON_IsObject(e)) return fail_type(c, json_type_name(e), sn, path, go_type + 2);
            if (f->type && f->type->fields && check_struct(c, f->type, e, path)) return -1;
        }
        return 0;
    }
    if (!cJSON_IsObject(v)) return fail_type(c, json_type_name(v), sn, path, go_type);
    if (f->type && f->type->fields) return check_struct(c, f->type, v, path);
    return 0;
}

static int check_quantity(checker *c, const cJSON *v)
{
    quantity q;
    const char *err;
    if (quantity_from_json(v, &q, &err)) {
        snprintf(c->err, c->errlen, "%s", err);
        return -1;
    }
    return 0;
}

static int check_time(checker *c, const cJSON *v, const char *sn, const char *path)
{
    if (!cJSON_IsString(v)) return fail_type(c, json_type_name(v), sn, path, "string");
    if (time_parse_rfc3339(v->valuestring) == (time_t)-1) {
        snprintf(c->err, c->errlen,
                 "parsing time \"%.200s\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"%.200s\" as \"2006\"",
                 v->valuestring, v->valuestring);
        return -1;
    }
    return 0;
}

static int check_field(checker *c, const pod_field *f, const cJSON *v, const char *sn,
                       const char *path)
{
    if (!v || cJSON_IsNull(v)) return 0;
    char tbuf[96];
    switch (f->kind) {
    case PK_STRING: case PK_PSTRING:
        return cJSON_IsString(v) ? 0 : fail_type(c, json_type_name(v), sn, path, scalar_type(f, tbuf, sizeof tbuf));
    case PK_BOOL: case PK_PBOOL:
        return cJSON_IsBool(v) ? 0 : fail_type(c, json_type_name(v), sn, path, "bool");
    case PK_INT32: case PK_PINT32:
        return check_integer(c, v, 32, sn, path, "int32");
    case PK_INT64: case PK_PINT64:
        return check_integer(c, v, 64, sn, path, "int64");
    case PK_STRUCT: case PK_PSTRUCT: case PK_ANY: case PK_PANY:
        return check_object_of(c, f, v, sn, path, 0);
    case PK_LIST_STRUCT: case PK_LIST_ANY:
        return check_object_of(c, f, v, sn, path, 1);
    case PK_LIST_STRING: {
        if (!cJSON_IsArray(v)) return fail_type(c, json_type_name(v), sn, path, "[]string");
        const cJSON *e;
        cJSON_ArrayForEach(e, v) if (!cJSON_IsNull(e) && !cJSON_IsString(e))
            return fail_type(c, json_type_name(e), sn, path, "string");
        return 0;
    }
    case PK_LIST_INT64: {
        if (!cJSON_IsArray(v)) return fail_type(c, json_type_name(v), sn, path, "[]int64");
        const cJSON *e;
        cJSON_ArrayForEach(e, v) if (!cJSON_IsNull(e) && check_integer(c, e, 64, sn, path, "int64")) return -1;
        return 0;
    }
    case PK_MAP_STRING: {
        if (!cJSON_IsObject(v)) return fail_type(c, json_type_name(v), sn, path, "map[string]string");
        const cJSON *e;
        cJSON_ArrayForEach(e, v) if (!cJSON_IsNull(e) && !cJSON_IsString(e))
            return fail_type(c, json_type_name(e), sn, path, "string");
        return 0;
    }
    case PK_RESOURCE_LIST: {
        if (!cJSON_IsObject(v)) return fail_type(c, json_type_name(v), sn, path, "v1.ResourceList");
        const cJSON *e;
        cJSON_ArrayForEach(e, v) if (check_quantity(c, e)) return -1;
        return 0;
    }
    case PK_QUANTITY: case PK_PQUANTITY:
        return check_quantity(c, v);
    case PK_INT_OR_STRING:
        if (cJSON_IsString(v)) return 0;
        return check_integer(c, v, 32, sn, path, "int32");
    case PK_TIME: case PK_PTIME:
        return check_time(c, v, sn, path);
    case PK_INLINE:
        return 0;
    }
    return 0;
}

static int check_struct(checker *c, const pod_type *t, const cJSON *obj, const char *path)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, obj) {
        const pod_field *f = pod_schema_field(t, item->string, NULL);
        if (!f || (f->flags & PF_INTERNAL_ONLY)) continue;   /* unknown fields are dropped, as by Go */
        char sub[512];
        if (path && *path) snprintf(sub, sizeof sub, "%s.%s", path, item->string);
        else snprintf(sub, sizeof sub, "%s", item->string);
        if (check_field(c, f, item, t->name, sub)) return -1;
    }
    return 0;
}

int pod_check_types(const cJSON *pod, char *err, size_t errlen)
{
    checker c = {err, errlen};
    if (!cJSON_IsObject(pod)) return 0;
    return check_struct(&c, &pod_type_pod, pod, "");
}

/* ---- field order */

/* v1 orders that differ from the internal struct order */
static const char *const pod_spec_v1_order[] = {
    "volumes", "initContainers", "containers", "ephemeralContainers", "restartPolicy",
    "terminationGracePeriodSeconds", "activeDeadlineSeconds", "dnsPolicy", "nodeSelector",
    "serviceAccountName", "serviceAccount", "automountServiceAccountToken", "nodeName",
    "hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace", "securityContext",
    "imagePullSecrets", "hostname", "subdomain", "affinity", "schedulerName", "tolerations",
    "hostAliases", "priorityClassName", "priority", "dnsConfig", "readinessGates",
    "runtimeClassName", "enableServiceLinks", "preemptionPolicy", "overhead",
    "topologySpreadConstraints", "setHostnameAsFQDN", "os", "hostUsers", "schedulingGates",
    "resourceClaims", "resources", NULL};
static const char *const pod_security_context_v1_order[] = {
    "seLinuxOptions", "windowsOptions", "runAsUser", "runAsGroup", "runAsNonRoot",
    "supplementalGroups", "supplementalGroupsPolicy", "fsGroup", "sysctls", "fsGroupChangePolicy",
    "seccompProfile", "appArmorProfile", "seLinuxChangePolicy", NULL};

static void move_key(cJSON *from, cJSON *to, const char *key)
{
    cJSON *item = cJSON_DetachItemFromObjectCaseSensitive(from, key);
    if (item) cJSON_AddItemToObject(to, item->string, item);
}

static void collect_in_order(const pod_type *t, cJSON *from, cJSON *to)
{
    const char *const *order = t == &pod_type_pod_spec ? pod_spec_v1_order
                               : !strcmp(t->name, "PodSecurityContext") ? pod_security_context_v1_order
                               : NULL;
    if (order) {
        for (int i = 0; order[i]; i++) move_key(from, to, order[i]);
        return;
    }
    for (int i = 0; i < t->n_fields; i++) {
        const pod_field *f = &t->fields[i];
        if (f->kind == PK_INLINE) collect_in_order(f->type, from, to);
        else move_key(from, to, f->json);
    }
}

static void order_struct(const pod_type *t, cJSON *obj);

static void order_value(const pod_field *f, cJSON *v)
{
    if (!f->type || !f->type->fields) return;
    if (f->kind == PK_STRUCT || f->kind == PK_PSTRUCT) {
        if (cJSON_IsObject(v)) order_struct(f->type, v);
    } else if (f->kind == PK_LIST_STRUCT && cJSON_IsArray(v)) {
        cJSON *e;
        cJSON_ArrayForEach(e, v) if (cJSON_IsObject(e)) order_struct(f->type, e);
    }
}

static void order_struct(const pod_type *t, cJSON *obj)
{
    if (!t->fields) return;
    cJSON *tmp = cJSON_CreateObject();
    if (!tmp) return;
    collect_in_order(t, obj, tmp);
    while (obj->child) {   /* unknown keys keep their order, after the known ones */
        cJSON *item = obj->child;
        cJSON_DetachItemViaPointer(obj, item);
        cJSON_AddItemToObject(tmp, item->string, item);
    }
    while (tmp->child) {
        cJSON *item = tmp->child;
        cJSON_DetachItemViaPointer(tmp, item);
        cJSON_AddItemToObject(obj, item->string, item);
        const pod_field *f = pod_schema_field(t, item->string, NULL);
        if (f) order_value(f, item);
    }
    cJSON_Delete(tmp);
}

void pod_order_fields(cJSON *pod)
{
    cJSON *spec = cJSON_GetObjectItemCaseSensitive(pod, "spec");
    if (cJSON_IsObject(spec)) order_struct(&pod_type_pod_spec, spec);
    cJSON *status = cJSON_GetObjectItemCaseSensitive(pod, "status");
    if (cJSON_IsObject(status)) order_struct(&pod_type_pod_status, status);
}

/* ---- the internal view of a spec */

cJSON *pod_spec_internal_view(const cJSON *spec)
{
    cJSON *v = cJSON_IsObject(spec) ? cJSON_Duplicate(spec, 1) : cJSON_CreateObject();
    if (!v) return NULL;
    const cJSON *san = cJSON_GetObjectItemCaseSensitive(v, "serviceAccountName");
    const cJSON *sa = cJSON_GetObjectItemCaseSensitive(v, "serviceAccount");
    if ((!cJSON_IsString(san) || !*san->valuestring) && cJSON_IsString(sa)) {
        cJSON_DeleteItemFromObjectCaseSensitive(v, "serviceAccountName");
        cJSON_AddStringToObject(v, "serviceAccountName", sa->valuestring);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(v, "serviceAccount");
    /* core.PodSpec always has a security context holding the host namespaces */
    cJSON *sc = cJSON_GetObjectItemCaseSensitive(v, "securityContext");
    if (!cJSON_IsObject(sc)) {
        cJSON_DeleteItemFromObjectCaseSensitive(v, "securityContext");
        sc = cJSON_AddObjectToObject(v, "securityContext");
    }
    static const char *const host[] = {"hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace",
                                       "hostUsers", NULL};
    for (int i = 0; sc && host[i]; i++) {
        cJSON_DeleteItemFromObjectCaseSensitive(sc, host[i]);
        cJSON *item = cJSON_DetachItemFromObjectCaseSensitive(v, host[i]);
        if (item) cJSON_AddItemToObject(sc, host[i], item);
    }
    return v;
}

/* ---- semantic equality */

static const cJSON *present(const cJSON *v) { return v && !cJSON_IsNull(v) ? v : NULL; }

static int list_empty(const cJSON *v) { return !present(v) || (cJSON_IsArray(v) && !v->child) || (cJSON_IsObject(v) && !v->child); }

static int quantities_equal(const cJSON *a, const cJSON *b)
{
    quantity qa, qb;
    const char *err;
    if (quantity_from_json(a, &qa, &err) || quantity_from_json(b, &qb, &err)) return cJSON_Compare(a, b, 1);
    return quantity_cmp(&qa, &qb) == 0;
}

static int int_or_string_equal(const cJSON *a, const cJSON *b)
{
    a = present(a);
    b = present(b);
    int sa = a && cJSON_IsString(a), sb = b && cJSON_IsString(b);
    if (sa != sb) return 0;
    if (sa) return !strcmp(a->valuestring, b->valuestring);
    double da = a && cJSON_IsNumber(a) ? a->valuedouble : 0, db = b && cJSON_IsNumber(b) ? b->valuedouble : 0;
    return da == db;
}

static int any_equal(const cJSON *a, const cJSON *b)
{
    a = present(a);
    b = present(b);
    if (!a || !b) return !a && !b;
    return cJSON_Compare(a, b, 1);
}

int pod_values_equal(const pod_field *f, const cJSON *a, const cJSON *b)
{
    const cJSON *pa = present(a), *pb = present(b);
    switch (f->kind) {
    case PK_STRING: case PK_TIME: {
        const char *sa = cJSON_IsString(pa) ? pa->valuestring : "";
        const char *sb = cJSON_IsString(pb) ? pb->valuestring : "";
        return !strcmp(sa, sb);
    }
    case PK_BOOL: return cJSON_IsTrue(pa) == cJSON_IsTrue(pb);
    case PK_INT32: case PK_INT64: {
        double da = cJSON_IsNumber(pa) ? pa->valuedouble : 0, db = cJSON_IsNumber(pb) ? pb->valuedouble : 0;
        return da == db;
    }
    case PK_PSTRING: case PK_PBOOL: case PK_PINT32: case PK_PINT64: case PK_PTIME:
        if (!pa || !pb) return !pa && !pb;
        return cJSON_Compare(pa, pb, 1);
    case PK_STRUCT:
        return pod_structs_equal(f->type, pa, pb);
    case PK_PSTRUCT:
        if (!pa || !pb) return !pa && !pb;
        return pod_structs_equal(f->type, pa, pb);
    case PK_INLINE:
        return pod_structs_equal(f->type, a, b);
    case PK_LIST_STRUCT: case PK_LIST_STRING: case PK_LIST_INT64: case PK_LIST_ANY: {
        if (list_empty(pa) || list_empty(pb)) return list_empty(pa) && list_empty(pb);
        if (!cJSON_IsArray(pa) || !cJSON_IsArray(pb)) return cJSON_Compare(pa, pb, 1);
        if (cJSON_GetArraySize(pa) != cJSON_GetArraySize(pb)) return 0;
        const cJSON *x = pa->child, *y = pb->child;
        for (; x && y; x = x->next, y = y->next) {
            int eq = f->kind == PK_LIST_STRUCT ? pod_structs_equal(f->type, present(x), present(y))
                     : f->kind == PK_LIST_ANY ? any_equal(x, y)
                     : cJSON_Compare(x, y, 1);
            if (!eq) return 0;
        }
        return 1;
    }
    case PK_MAP_STRING: case PK_RESOURCE_LIST: {
        if (list_empty(pa) || list_empty(pb)) return list_empty(pa) && list_empty(pb);
        if (cJSON_GetArraySize(pa) != cJSON_GetArraySize(pb)) return 0;
        const cJSON *x;
        cJSON_ArrayForEach(x, pa) {
            const cJSON *y = cJSON_GetObjectItemCaseSensitive(pb, x->string);
            if (!y) return 0;
            if (f->kind == PK_RESOURCE_LIST ? !quantities_equal(x, y) : !cJSON_Compare(x, y, 1)) return 0;
        }
        return 1;
    }
    case PK_QUANTITY: {
        if (!pa || !pb) {
            quantity q;
            const char *err;
            const cJSON *other = pa ? pa : pb;
            if (!other) return 1;
            return !quantity_from_json(other, &q, &err) && quantity_sign(&q) == 0;
        }
        return quantities_equal(pa, pb);
    }
    case PK_PQUANTITY:
        if (!pa || !pb) return !pa && !pb;
        return quantities_equal(pa, pb);
    case PK_INT_OR_STRING:
        return int_or_string_equal(pa, pb);
    case PK_ANY:
        if (list_empty(pa) || list_empty(pb)) return list_empty(pa) && list_empty(pb);
        return cJSON_Compare(pa, pb, 1);
    case PK_PANY:
        return any_equal(pa, pb);
    }
    return cJSON_Compare(pa, pb, 1);
}

int pod_structs_equal(const pod_type *t, const cJSON *a, const cJSON *b)
{
    if (!t || !t->fields) return any_equal(a, b) || (list_empty(a) && list_empty(b));
    for (int i = 0; i < t->n_fields; i++) {
        const pod_field *f = &t->fields[i];
        if (f->flags & PF_V1_ONLY) continue;
        if (f->kind == PK_INLINE) {
            if (!pod_structs_equal(f->type, a, b)) return 0;
            continue;
        }
        const cJSON *x = cJSON_IsObject(a) ? cJSON_GetObjectItemCaseSensitive(a, f->json) : NULL;
        const cJSON *y = cJSON_IsObject(b) ? cJSON_GetObjectItemCaseSensitive(b, f->json) : NULL;
        if (!pod_values_equal(f, x, y)) return 0;
    }
    return 1;
}

/* ---- the JSON a Go round trip produces */

static void go_values_struct(const pod_type *t, cJSON *obj);

static int is_zero_scalar(const cJSON *v)
{
    if (cJSON_IsString(v)) return !*v->valuestring;
    if (cJSON_IsBool(v)) return !cJSON_IsTrue(v);
    if (cJSON_IsNumber(v)) return v->valuedouble == 0;
    return 0;
}

static void set_zero(cJSON *obj, const char *key, cJSON *zero)
{
    if (!zero) return;
    if (cJSON_GetObjectItemCaseSensitive(obj, key)) cJSON_ReplaceItemInObjectCaseSensitive(obj, key, zero);
    else cJSON_AddItemToObject(obj, key, zero);
}

static void canonical_quantity(cJSON *obj, const char *key, cJSON *v)
{
    char text[64];
    if (quantity_canonical_json(v, text, sizeof text)) return;
    if (!cJSON_IsString(v) || strcmp(v->valuestring, text)) set_zero(obj, key, cJSON_CreateString(text));
}

static void go_values_field(const pod_field *f, cJSON *obj)
{
    if (f->kind == PK_INLINE) {
        if (f->type && f->type->fields) {
            for (int i = 0; i < f->type->n_fields; i++) go_values_field(&f->type->fields[i], obj);
        }
        return;
    }
    cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, f->json);
    int keep = f->flags & PF_KEEP;
    int missing = !v || cJSON_IsNull(v);
    switch (f->kind) {
    case PK_STRING: case PK_BOOL: case PK_INT32: case PK_INT64:
        if (keep) {
            if (missing) set_zero(obj, f->json, f->kind == PK_STRING ? cJSON_CreateString("")
                                                 : f->kind == PK_BOOL ? cJSON_CreateFalse()
                                                 : cJSON_CreateNumber(0));
        } else if (v && (missing || is_zero_scalar(v))) {
            cJSON_DeleteItemFromObjectCaseSensitive(obj, f->json);
        }
        return;
    case PK_PSTRING: case PK_PBOOL: case PK_PINT32: case PK_PINT64: case PK_PTIME: case PK_PANY:
        if (v && missing) {
            if (keep) return;
            cJSON_DeleteItemFromObjectCaseSensitive(obj, f->json);
        }
        return;
    case PK_PQUANTITY:
        if (v && missing) cJSON_DeleteItemFromObjectCaseSensitive(obj, f->json);
        else if (v) canonical_quantity(obj, f->json, v);
        return;
    case PK_QUANTITY:
        if (missing) set_zero(obj, f->json, cJSON_CreateString("0"));
        else canonical_quantity(obj, f->json, v);
        return;
    case PK_INT_OR_STRING:
        if (missing && keep) set_zero(obj, f->json, cJSON_CreateNumber(0));
        else if (v && missing) cJSON_DeleteItemFromObjectCaseSensitive(obj, f->json);
        return;
    case PK_TIME:
        if (!v && keep) cJSON_AddNullToObject(obj, f->json);
        return;
    case PK_STRUCT: case PK_ANY:
        if (missing) {
            v = cJSON_CreateObject();
            set_zero(obj, f->json, v);
        }
        if (cJSON_IsObject(v) && f->type) go_values_struct(f->type, v);
        return;
    case PK_PSTRUCT:
        if (v && missing) { cJSON_DeleteItemFromObjectCaseSensitive(obj, f->json); return; }
        if (cJSON_IsObject(v) && f->type) go_values_struct(f->type, v);
        return;
    case PK_LIST_STRUCT: case PK_LIST_STRING: case PK_LIST_INT64: case PK_LIST_ANY:
        if (!v) return;
        if (missing || (cJSON_IsArray(v) && !v->child)) {
            if (!keep) cJSON_DeleteItemFromObjectCaseSensitive(obj, f->json);
            return;
        }
        if (f->kind == PK_LIST_STRUCT && cJSON_IsArray(v)) {
            for (cJSON *e = v->child; e; e = e->next) {
                if (cJSON_IsNull(e)) {   /* a null element decodes to the zero struct */
                    cJSON *z = cJSON_CreateObject();
                    if (!z) continue;
                    cJSON_ReplaceItemViaPointer(v, e, z);
                    e = z;
                }
                if (cJSON_IsObject(e)) go_values_struct(f->type, e);
            }
        }
        return;
    case PK_MAP_STRING: case PK_RESOURCE_LIST:
        if (!v) return;
        if (missing || (cJSON_IsObject(v) && !v->child)) {
            cJSON_DeleteItemFromObjectCaseSensitive(obj, f->json);
            return;
        }
        for (int idx = 0;; idx++) {   /* by index: a replaced item is freed */
            cJSON *e = cJSON_GetArrayItem(v, idx);
            if (!e) break;
            if (f->kind == PK_RESOURCE_LIST) {
                if (cJSON_IsNull(e)) {
                    cJSON *z = cJSON_CreateString("0");
                    if (z) cJSON_ReplaceItemInObjectCaseSensitive(v, e->string, z);
                } else {
                    canonical_quantity(v, e->string, e);
                }
            } else if (cJSON_IsNull(e)) {
                cJSON *z = cJSON_CreateString("");
                if (z) cJSON_ReplaceItemInObjectCaseSensitive(v, e->string, z);
            }
        }
        return;
    case PK_INLINE:
        return;
    }
}

static void go_values_struct(const pod_type *t, cJSON *obj)
{
    if (!t->fields) return;
    /* unknown fields, and fields of kube's internal types only, are dropped */
    for (cJSON *item = obj->child; item;) {
        cJSON *next = item->next;
        const pod_field *f = pod_schema_field(t, item->string, NULL);
        if (!f || (f->flags & PF_INTERNAL_ONLY)) cJSON_Delete(cJSON_DetachItemViaPointer(obj, item));
        item = next;
    }
    for (int i = 0; i < t->n_fields; i++) {
        if (t->fields[i].flags & PF_INTERNAL_ONLY) continue;
        go_values_field(&t->fields[i], obj);
    }
}

void pod_to_go_values(cJSON *pod)
{
    if (!cJSON_IsObject(pod)) return;
    for (int i = 0; i < pod_type_pod.n_fields; i++) go_values_field(&pod_type_pod.fields[i], pod);
}

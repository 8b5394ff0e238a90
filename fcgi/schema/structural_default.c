/* structural_default.c: structural_default, kube's defaulting
 * (apiserver/schema/defaulting/algorithm.go): an absent property with a
 * `default:` gets a deep copy of it, as does one that is null where the
 * schema is not nullable; items and additionalProperties values that are
 * null and not nullable take their schema's default; then nulls that are
 * not nullable and have no default are dropped (kube's
 * PruneNonNullableNullsWithoutDefaults). Runs after pruning. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "schema/structural_internal.h"

static bool non_nullable_null(const cJSON *v, const snode *n)
{
    return cJSON_IsNull(v) && n && !n->nullable;
}

/* A deep copy of n's default with no key of its own. */
static cJSON *copy_default(const snode *n)
{
    cJSON *copy = cJSON_Duplicate(n->def, 1);
    if (copy->string && !(copy->type & cJSON_StringIsConst)) cJSON_free(copy->string);
    copy->string = NULL;
    return copy;
}

static void replace_with_default(cJSON *parent, const char *name, const snode *n)
{
    if (!n || !n->def) return;
    cJSON_ReplaceItemInObjectCaseSensitive(parent, name, copy_default(n));
}

static void apply_defaults(const snode *n, cJSON *v, int depth)
{
    if (!n || depth > 2 * STRUCTURAL_MAX_DEPTH + 100) return;
    if (cJSON_IsObject(v)) {
        for (int i = 0; i < n->nprops; i++) {
            const snode *p = n->props[i];
            if (!p->def) continue;
            cJSON *cur = cJSON_GetObjectItemCaseSensitive(v, n->prop_names[i]);
            if (!cur) cJSON_AddItemToObject(v, n->prop_names[i], copy_default(p));
            else if (non_nullable_null(cur, p)) replace_with_default(v, n->prop_names[i], p);
        }
        cJSON *next;
        for (cJSON *f = v->child; f; f = next) {
            next = f->next;
            const snode *p = snode_property(n, f->string);
            if (p) {
                apply_defaults(p, f, depth + 1);
            } else if (n->additional) {
                if (non_nullable_null(f, n->additional) && n->additional->def) {
                    cJSON *copy = copy_default(n->additional);
                    char *key = kapi_xstrdup(f->string);
                    cJSON_ReplaceItemInObjectCaseSensitive(v, key, copy);
                    free(key);
                    f = copy;
                }
                apply_defaults(n->additional, f, depth + 1);
            }
        }
    } else if (cJSON_IsArray(v)) {
        cJSON *next;
        for (cJSON *it = v->child; it; it = next) {
            next = it->next;
            if (non_nullable_null(it, n->items) && n->items->def) {
                cJSON *copy = copy_default(n->items);
                cJSON_ReplaceItemViaPointer(v, it, copy);
                it = copy;
            }
            apply_defaults(n->items, it, depth + 1);
        }
    }
}

/* kube's PruneNonNullableNullsWithoutDefaults: object fields only. */
static void drop_nulls(const snode *n, cJSON *v, int depth)
{
    if (!n || depth > 2 * STRUCTURAL_MAX_DEPTH + 100) return;
    if (cJSON_IsObject(v)) {
        cJSON *next;
        for (cJSON *f = v->child; f; f = next) {
            next = f->next;
            const snode *p = snode_property(n, f->string);
            if (!p) p = n->additional;
            if (!p) continue;
            if (cJSON_IsNull(f) && !p->nullable && !p->def) {
                cJSON_Delete(cJSON_DetachItemViaPointer(v, f));
                continue;
            }
            drop_nulls(p, f, depth + 1);
        }
    } else if (cJSON_IsArray(v)) {
        for (cJSON *it = v->child; it; it = it->next) drop_nulls(n->items, it, depth + 1);
    }
}

void structural_default(const structural_schema *s, cJSON *obj)
{
    assert(s);
    apply_defaults(s->root, obj, 0);
    drop_nulls(s->root, obj, 0);
}

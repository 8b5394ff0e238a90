/* structural_default.c: structural_default, kube's defaulting
 * (apiserver/schema/defaulting/algorithm.go): an absent property with a
 * `default:` gets a deep copy of it, as does one that is null where the
 * schema is not nullable; items and additionalProperties values that are
 * null and not nullable take their schema's default; then nulls that are
 * not nullable and have no default are dropped (kube's
 * PruneNonNullableNullsWithoutDefaults). Runs after pruning. */
#include <assert.h>
#include <string.h>
#include "schema/structural_internal.h"

static bool non_nullable_null(const cJSON *v, const snode *n)
{
    return cJSON_IsNull(v) && n && !n->nullable;
}

static void replace_with_default(cJSON *parent, cJSON *item, const snode *n)
{
    if (!n || !n->def) return;
    cJSON_ReplaceItemViaPointer(parent, item, cJSON_Duplicate(n->def, 1));
}

static void apply_defaults(const snode *n, cJSON *v, int depth)
{
    if (!n || depth > 2 * STRUCTURAL_MAX_DEPTH + 100) return;
    if (cJSON_IsObject(v)) {
        for (int i = 0; i < n->nprops; i++) {
            const snode *p = n->props[i];
            if (!p->def) continue;
            cJSON *cur = cJSON_GetObjectItemCaseSensitive(v, n->prop_names[i]);
            if (!cur) cJSON_AddItemToObject(v, n->prop_names[i], cJSON_Duplicate(p->def, 1));
            else if (non_nullable_null(cur, p)) replace_with_default(v, cur, p);
        }
        cJSON *next;
        for (cJSON *f = v->child; f; f = next) {
            next = f->next;
            const snode *p = snode_property(n, f->string);
            if (p) {
                apply_defaults(p, f, depth + 1);
            } else if (n->additional) {
                if (non_nullable_null(f, n->additional) && n->additional->def) {
                    cJSON *copy = cJSON_Duplicate(n->additional->def, 1);
                    cJSON_ReplaceItemViaPointer(v, f, copy);
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
                cJSON *copy = cJSON_Duplicate(n->items->def, 1);
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

/* structural_prune.c: structural_prune, kube's pruning
 * (apiserver/schema/pruning/algorithm.go): every object field the schema
 * does not describe is dropped, except under
 * x-kubernetes-preserve-unknown-fields (whose known fields are still
 * pruned inside) and apiVersion, kind and metadata at the root of the
 * resource and of each embedded resource. Each dropped field's path is
 * reported in kube's form ("spec.foo", "spec.items[0].bar"). */
#include <assert.h>
#include <string.h>
#include "schema/structural_internal.h"

static bool prune(const snode *n, cJSON *v, spath *path, void (*on_unknown)(void *, const char *), void *arg,
                  bool resource_root, int depth);

static bool prune_child(const snode *n, cJSON *child, spath *path, void (*on_unknown)(void *, const char *),
                        void *arg, int depth)
{
    return prune(n, child, path, on_unknown, arg, n && n->embedded, depth + 1);
}

static bool prune(const snode *n, cJSON *v, spath *path, void (*on_unknown)(void *, const char *), void *arg,
                  bool resource_root, int depth)
{
    if (depth > 2 * STRUCTURAL_MAX_DEPTH + 100) return false; /* decoded JSON is bounded; belt and braces */
    bool pruned = false;
    bool preserve = n && n->preserve_unknown;
    if (cJSON_IsObject(v)) {
        cJSON *next;
        for (cJSON *f = v->child; f; f = next) {
            next = f->next;
            const char *k = f->string;
            if (resource_root && (!strcmp(k, "apiVersion") || !strcmp(k, "kind") || !strcmp(k, "metadata"))) continue;
            size_t old = spath_child(path, k);
            const snode *prop = n ? snode_property(n, k) : NULL;
            if (prop) {
                pruned |= prune_child(prop, f, path, on_unknown, arg, depth);
            } else if (n && (n->additional || n->additional_any)) {
                pruned |= prune_child(n->additional, f, path, on_unknown, arg, depth);
            } else if (preserve) {
                /* unknown but kept: nothing below it is pruned either */
            } else {
                if (on_unknown) on_unknown(arg, path->s);
                cJSON_Delete(cJSON_DetachItemViaPointer(v, f));
                pruned = true;
            }
            spath_reset(path, old);
        }
    } else if (cJSON_IsArray(v)) {
        if (preserve && (!n || !n->items)) return pruned;
        int i = 0;
        for (cJSON *it = v->child; it; it = it->next, i++) {
            size_t old = spath_index(path, i);
            pruned |= prune_child(n ? n->items : NULL, it, path, on_unknown, arg, depth);
            spath_reset(path, old);
        }
    }
    return pruned;
}

bool structural_prune_node(const snode *n, cJSON *v, spath *path, void (*on_unknown)(void *, const char *), void *arg,
                           bool root)
{
    return prune(n, v, path, on_unknown, arg, root || (n && n->embedded), 0);
}

void structural_prune(const structural_schema *s, cJSON *obj, void (*on_unknown)(void *arg, const char *path),
                      void *arg)
{
    assert(s);
    spath path = {.n = 0};
    path.s[0] = 0;
    structural_prune_node(s->root, obj, &path, on_unknown, arg, true);
}

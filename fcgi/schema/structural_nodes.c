/* structural_nodes.c: read access to a compiled structural schema's nodes
 * for code outside the structural files (fieldset.c), which cannot include
 * structural_internal.h beside schema.h (both name list types). */
#include <string.h>
#include "schema/structural_internal.h"
#include "schema/structural_nodes.h"

const snode *sn_root(const structural_schema *s) { return s ? s->root : NULL; }
const char *sn_type(const snode *n) { return n->type; }
int sn_nprops(const snode *n) { return n->nprops; }
const snode *sn_property(const snode *n, const char *name) { return snode_property(n, name); }
const snode *sn_additional(const snode *n) { return n->additional; }
const snode *sn_items(const snode *n) { return n->items; }
int sn_int_or_string(const snode *n) { return n->int_or_string; }
int sn_preserve_unknown(const snode *n) { return n->preserve_unknown; }
const cJSON *sn_default(const snode *n) { return n->def; }
const cJSON *sn_list_map_keys(const snode *n) { return n->list_map_keys; }

int sn_list_type(const snode *n)
{
    return n->list_type == LIST_SET ? 1 : n->list_type == LIST_MAP ? 2 : 0;
}

int sn_map_atomic(const snode *n)
{
    const cJSON *mt = cJSON_GetObjectItemCaseSensitive(n->raw, "x-kubernetes-map-type");
    return cJSON_IsString(mt) && !strcmp(mt->valuestring, "atomic");
}

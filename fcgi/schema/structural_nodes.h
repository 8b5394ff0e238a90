/* structural_nodes.h: what fieldset.c reads of a structural schema's nodes
 * (types, properties, items, list and map semantics, defaults). */
#ifndef KAPI_STRUCTURAL_NODES_H
#define KAPI_STRUCTURAL_NODES_H

#include <cjson/cJSON.h>
#include "schema/structural.h"

typedef struct snode snode;

const snode *sn_root(const structural_schema *s);
const char *sn_type(const snode *n);                    /* "" when unset */
int sn_nprops(const snode *n);
const snode *sn_property(const snode *n, const char *name);   /* NULL when not declared */
const snode *sn_additional(const snode *n);             /* additionalProperties' schema, or NULL */
const snode *sn_items(const snode *n);
int sn_int_or_string(const snode *n);
int sn_preserve_unknown(const snode *n);
const cJSON *sn_default(const snode *n);
int sn_list_type(const snode *n);                       /* 0 atomic, 1 set, 2 map */
const cJSON *sn_list_map_keys(const snode *n);
int sn_map_atomic(const snode *n);                      /* x-kubernetes-map-type: atomic */

#endif

/* selection.h: which objects a list, watch or deletecollection selects: its
 * label selector and its field selector, with the fields each kind can be
 * selected by (kube's field label conversion functions, pkg/apis/core/v1/
 * conversion.go) and their values computed as kube's GetAttrs functions do
 * (a pod's spec.hostNetwork is "false" when unset, status.podIP is the first
 * of status.podIPs, ...). */
#ifndef KAPI_SELECTION_H
#define KAPI_SELECTION_H

#include <cjson/cJSON.h>
#include "codec/selector.h"
#include "kinds/resource.h"

typedef struct selection {
    const kapi_resource *r;
    selector labels, fields;
    int empty;              /* no requirement at all (kube's Predicate.Empty) */
    int changeable;         /* a requirement a write can change the answer of
                               (labels, or fields besides name and namespace) */
} selection;

struct rest_call;
struct rest_result;

/* Parses labelSelector and fieldSelector of the request into sel (renaming
 * legacy field labels as kube does: a pod's spec.host is spec.nodeName).
 * Returns 0, or -1 with the 400 in *fail. */
int selection_parse(struct rest_call *c, selection *sel, struct rest_result *fail);

/* 1 if obj satisfies every requirement. */
int selection_matches(const selection *sel, const cJSON *obj);

/* The name an exact metadata.name=x requirement pins, or NULL. */
const char *selection_pinned_name(const selection *sel);

#endif

/* fuzz.h: what the libFuzzer harnesses under fuzz/ share: a NUL-terminated
 * copy of the fuzzer's bytes, splitting one input into two parts at its
 * first NUL byte (a document and a patch, a path and a query), and the kinds
 * a schema-driven harness picks from with one input byte. Header only: each
 * harness is one program (see fuzz/README.md). */
#ifndef KAPI_FUZZ_H
#define KAPI_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "schema/schema.h"

/* data[0..size) as a new NUL-terminated string (NULs inside stay: C string
 * readers see the text up to the first one). Caller frees. */
static inline char *fuzz_cstring(const uint8_t *data, size_t size)
{
    char *s = kapi_xmalloc(size + 1);
    if (size) memcpy(s, data, size);
    s[size] = 0;
    return s;
}

/* Splits data at its first NUL: *a and *b are new NUL-terminated strings
 * (the caller frees both) of the bytes before and after it; with no NUL,
 * *a is everything and *b is NULL. Returns the length of *a. */
static inline size_t fuzz_split(const uint8_t *data, size_t size, char **a, char **b)
{
    const uint8_t *nul = size ? memchr(data, 0, size) : NULL;
    size_t alen = nul ? (size_t)(nul - data) : size;
    *a = fuzz_cstring(data, alen);
    *b = nul ? fuzz_cstring(nul + 1, size - alen - 1) : NULL;
    return alen;
}

/* Kinds whose bodies clients send, for harnesses that take one input byte to
 * choose the schema (schema_kind_named()). */
static const char *const fuzz_kinds[] = {
    "Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Service", "ConfigMap",
    "Secret", "Namespace", "ServiceAccount", "Job", "CronJob", "Role", "ClusterRole",
    "RoleBinding", "ClusterRoleBinding", "PodDisruptionBudget", "Ingress",
    "HorizontalPodAutoscaler", "ResourceQuota", "PriorityClass", "Node", "Event", "Lease",
    "Endpoints", "PersistentVolumeClaim", "DeleteOptions", "Eviction", "TokenRequest", "Scale",
    "LimitRange", "NetworkPolicy",
};
#define FUZZ_N_KINDS (sizeof fuzz_kinds / sizeof fuzz_kinds[0])

/* Loads the field schema once (the harnesses that need it call this first);
 * a schema that does not load is a broken build, not a finding. */
static inline void fuzz_schema_load(void)
{
    static int loaded;
    if (loaded) return;
    if (schema_load() != 0) abort();
    loaded = 1;
}

#endif

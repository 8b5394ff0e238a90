/* discovery.c: builds the discovery documents from the kind registry
 * (the calling thread's current set, kinds/kinds.h), in
 * the shapes kube-apiserver 1.32 answers with (Go field order, the same
 * omitted-when-empty fields):
 *   - legacy: APIVersions, APIGroupList, APIGroup, APIResourceList
 *     (apiserver endpoints/discovery; resources sorted by path, each
 *     followed by its subresources, verbs sorted);
 *   - aggregated: APIGroupDiscoveryList (apidiscovery.k8s.io/v2 and v2beta1),
 *     converted from the legacy list as kube's
 *     ConvertGroupVersionIntoToDiscovery does: responseKind carries the
 *     group and version only when they differ from the resource's own
 *     (deployments/scale: autoscaling/v1 Scale), as in kube;
 *   - the root path list and /version. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "http/discovery.h"
#include "core/alloc.h"

const discovery_subresource *discovery_subresource_find(const kapi_resource *r, const char *name)
{
    return resource_subresource(r, name);
}

/* ---- helpers */

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* kube's verb names in sorted order, with their bits. */
static const struct {
    const char *name;
    unsigned bit;
} sorted_verbs[] = {
    {"create", VERB_CREATE}, {"delete", VERB_DELETE}, {"deletecollection", VERB_DELETECOLLECTION},
    {"get", VERB_GET},       {"list", VERB_LIST},     {"patch", VERB_PATCH},
    {"update", VERB_UPDATE}, {"watch", VERB_WATCH},
};

static cJSON *verbs_array(unsigned verbs)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < sizeof sorted_verbs / sizeof sorted_verbs[0]; i++)
        if (verbs & sorted_verbs[i].bit)
            cJSON_AddItemToArray(a, cJSON_CreateString(sorted_verbs[i].name));
    return a;
}

/* A NULL-terminated list of names as a JSON array, or NULL when empty. */
static cJSON *names_array(const char *const *names)
{
    if (!names || !names[0]) return NULL;
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; names[i]; i++) cJSON_AddItemToArray(a, cJSON_CreateString(names[i]));
    return a;
}

static const kapi_group *find_group(const char *name)
{
    return kinds_find_group(kinds_current(), name);
}

static int compare_resources(const void *a, const void *b)
{
    const kapi_resource *ra = *(const kapi_resource *const *)a, *rb = *(const kapi_resource *const *)b;
    return strcmp(ra->plural, rb->plural);
}

/* The resources of group/version sorted by plural; *n set. Caller frees. */
static const kapi_resource **resources_of(const char *group, const char *version, int *n)
{
    const kinds_set *set = kinds_current();
    const kapi_resource **list = kapi_xcalloc((size_t)set->n + 1, sizeof *list);
    *n = 0;
    if (!list) return NULL;
    for (int i = 0; i < set->n; i++) {
        const kapi_resource *r = &set->kinds[i];
        if (!strcmp(r->group, group) && !strcmp(r->version, version)) list[(*n)++] = r;
    }
    qsort(list, (size_t)*n, sizeof *list, compare_resources);
    return list;
}

static cJSON *group_version_object(const kapi_group *g, const char *version)
{
    char gv[160];
    snprintf(gv, sizeof gv, "%s/%s", g->name, version);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "groupVersion", gv);
    cJSON_AddStringToObject(o, "version", version);
    return o;
}

/* ---- root paths and /version */

cJSON *discovery_root_paths(void)
{
    static const char *const fixed[] = {"/api",    "/api/v1",    "/apis",       "/apis/",
                                        "/healthz", "/livez",    "/openapi/v2", "/openapi/v3",
                                        "/openapi/v3/", "/readyz", "/version"};
    int n_fixed = (int)(sizeof fixed / sizeof fixed[0]), n = 0;
    const kinds_set *set = kinds_current();
    size_t most = (size_t)n_fixed;
    for (int i = 0; i < set->n_groups; i++)
        for (int v = 0; set->groups[i].versions[v]; v++) most += 2;
    char **paths = kapi_xcalloc(most, sizeof *paths);
    if (!paths) return NULL;
    for (int i = 0; i < n_fixed; i++) paths[n++] = kapi_xstrdup(fixed[i]);
    for (int i = 0; i < set->n_groups; i++) {
        const kapi_group *g = &set->groups[i];
        if (!g->name[0]) continue;
        paths[n] = kapi_xmalloc(strlen(g->name) + 8);
        if (paths[n]) sprintf(paths[n++], "/apis/%s", g->name);
        for (int v = 0; g->versions[v]; v++) {
            size_t len = strlen(g->name) + strlen(g->versions[v]) + 8;
            paths[n] = kapi_xmalloc(len);
            if (paths[n]) snprintf(paths[n++], len, "/apis/%s/%s", g->name, g->versions[v]);
        }
    }
    int kept = 0;
    for (int i = 0; i < n; i++)
        if (paths[i]) paths[kept++] = paths[i];
    qsort(paths, (size_t)kept, sizeof *paths, compare_strings);
    cJSON *doc = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(doc, "paths");
    for (int i = 0; i < kept; i++) {
        cJSON_AddItemToArray(arr, cJSON_CreateString(paths[i]));
        free(paths[i]);
    }
    free(paths);
    return doc;
}

#ifndef KAPI_GIT_COMMIT
#define KAPI_GIT_COMMIT ""
#endif
#ifndef KAPI_GIT_TREE_STATE
#define KAPI_GIT_TREE_STATE ""
#endif

/* "Nov 29 2026" "01:21:12" (the compiler's) as RFC 3339 UTC-style text. */
static void build_date(char *out, size_t n)
{
#ifdef KAPI_BUILD_DATE
    snprintf(out, n, "%s", KAPI_BUILD_DATE);
#else
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    const char *date = __DATE__, *time = __TIME__;
    char mon[4] = {date[0], date[1], date[2], 0};
    const char *m = strstr(months, mon);
    int month = m ? (int)(m - months) / 3 + 1 : 1;
    int day = atoi(date + 4), year = atoi(date + 7);
    snprintf(out, n, "%04d-%02d-%02dT%.8sZ", year, month, day, time);
#endif
}

/* The compiler and platform /version reports, fixed at build time. */
#if defined(__clang__)
#define BUILD_COMPILER "clang"
#elif defined(__GNUC__)
#define BUILD_COMPILER "gcc"
#else
#define BUILD_COMPILER "cc"
#endif
#if defined(__x86_64__)
#define BUILD_PLATFORM "linux/amd64"
#elif defined(__aarch64__)
#define BUILD_PLATFORM "linux/arm64"
#elif defined(__arm__)
#define BUILD_PLATFORM "linux/arm"
#elif defined(__i386__)
#define BUILD_PLATFORM "linux/386"
#else
#define BUILD_PLATFORM "linux/unknown"
#endif

cJSON *discovery_version(void)
{
    char date[64];
    build_date(date, sizeof date);
    cJSON *v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, "major", KAPI_KUBE_MAJOR);
    cJSON_AddStringToObject(v, "minor", KAPI_KUBE_MINOR);
    cJSON_AddStringToObject(v, "gitVersion", KAPI_KUBE_GIT_VERSION);
    cJSON_AddStringToObject(v, "gitCommit", KAPI_GIT_COMMIT);
    cJSON_AddStringToObject(v, "gitTreeState", KAPI_GIT_TREE_STATE);
    cJSON_AddStringToObject(v, "buildDate", date);
    cJSON_AddStringToObject(v, "goVersion", "n/a");   /* kapi is C, not Go */
    cJSON_AddStringToObject(v, "compiler", BUILD_COMPILER);
    cJSON_AddStringToObject(v, "platform", BUILD_PLATFORM);
    return v;
}

/* ---- legacy discovery */

static char server_address[256];

void discovery_set_server_address(const char *host_port)
{
    snprintf(server_address, sizeof server_address, "%s", host_port ? host_port : "");
}

cJSON *discovery_api_versions(void)
{
    char addr[256];
    if (server_address[0]) {
        snprintf(addr, sizeof addr, "%s", server_address);
    } else {
        const char *port = getenv("KAPI_PORT");
        snprintf(addr, sizeof addr, "127.0.0.1:%s", port && *port ? port : "6443");
    }
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "kind", "APIVersions");
    cJSON *versions = cJSON_AddArrayToObject(doc, "versions");
    const kinds_set *set = kinds_current();
    for (int i = 0; i < set->n_groups; i++)
        for (int v = 0; !set->groups[i].name[0] && set->groups[i].versions[v]; v++)
            cJSON_AddItemToArray(versions, cJSON_CreateString(set->groups[i].versions[v]));
    cJSON *cidrs = cJSON_AddArrayToObject(doc, "serverAddressByClientCIDRs");
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "clientCIDR", "0.0.0.0/0");
    cJSON_AddStringToObject(c, "serverAddress", addr);
    cJSON_AddItemToArray(cidrs, c);
    return doc;
}

/* One APIGroup: name, versions, preferredVersion (kind/apiVersion only when
 * it stands alone). */
static cJSON *api_group(const kapi_group *g, int standalone)
{
    cJSON *o = cJSON_CreateObject();
    if (standalone) {
        cJSON_AddStringToObject(o, "kind", "APIGroup");
        cJSON_AddStringToObject(o, "apiVersion", "v1");
    }
    cJSON_AddStringToObject(o, "name", g->name);
    cJSON *versions = cJSON_AddArrayToObject(o, "versions");
    for (int v = 0; g->versions[v]; v++)
        cJSON_AddItemToArray(versions, group_version_object(g, g->versions[v]));
    cJSON_AddItemToObject(o, "preferredVersion", group_version_object(g, g->version));
    return o;
}

cJSON *discovery_api_group_list(void)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "kind", "APIGroupList");
    cJSON_AddStringToObject(doc, "apiVersion", "v1");
    cJSON *groups = cJSON_AddArrayToObject(doc, "groups");
    const kinds_set *set = kinds_current();
    for (int i = 0; i < set->n_groups; i++)
        if (set->groups[i].name[0]) cJSON_AddItemToArray(groups, api_group(&set->groups[i], 0));
    return doc;
}

cJSON *discovery_api_group(const char *group)
{
    const kapi_group *g = find_group(group);
    if (!g || !g->name[0]) return NULL;
    return api_group(g, 1);
}

/* One APIResource of the legacy list (metav1.APIResource field order). */
static cJSON *api_resource(const kapi_resource *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", r->plural);
    cJSON_AddStringToObject(o, "singularName", r->singular ? r->singular : "");
    cJSON_AddBoolToObject(o, "namespaced", r->namespaced != 0);
    cJSON_AddStringToObject(o, "kind", r->kind);
    cJSON_AddItemToObject(o, "verbs", verbs_array(r->verbs));
    cJSON *shorts = names_array(r->short_names), *cats = names_array(r->categories);
    if (shorts) cJSON_AddItemToObject(o, "shortNames", shorts);
    if (cats) cJSON_AddItemToObject(o, "categories", cats);
    return o;
}

static cJSON *api_subresource(const kapi_resource *r, const discovery_subresource *s)
{
    char name[128];
    snprintf(name, sizeof name, "%s/%s", r->plural, s->name);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", name);
    cJSON_AddStringToObject(o, "singularName", "");
    cJSON_AddBoolToObject(o, "namespaced", r->namespaced != 0);
    if (s->kind_group) cJSON_AddStringToObject(o, "group", s->kind_group);
    if (s->kind_version) cJSON_AddStringToObject(o, "version", s->kind_version);
    cJSON_AddStringToObject(o, "kind", s->kind ? s->kind : r->kind);
    cJSON_AddItemToObject(o, "verbs", verbs_array(s->verbs));
    return o;
}

cJSON *discovery_resource_list(const char *group, const char *version)
{
    const kapi_group *g = find_group(group);
    if (!g || !kinds_group_serves(g, version)) return NULL;
    int n;
    const kapi_resource **list = resources_of(g->name, version, &n);
    if (!list) return NULL;
    char gv[160];
    if (g->name[0]) snprintf(gv, sizeof gv, "%s/%s", g->name, version);
    else snprintf(gv, sizeof gv, "%s", version);
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "kind", "APIResourceList");
    cJSON_AddStringToObject(doc, "apiVersion", "v1");
    cJSON_AddStringToObject(doc, "groupVersion", gv);
    cJSON *resources = cJSON_AddArrayToObject(doc, "resources");
    for (int i = 0; i < n; i++) {
        cJSON_AddItemToArray(resources, api_resource(list[i]));
        /* in the order the kind lists them (by name, as kube sorts paths) */
        for (const kind_subresource *s = list[i]->subresources; s && s->name; s++)
            cJSON_AddItemToArray(resources, api_subresource(list[i], s));
    }
    free(list);
    return doc;
}

/* ---- aggregated discovery */

static cJSON *group_version_kind(const char *group, const char *version, const char *kind)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "group", group ? group : "");
    cJSON_AddStringToObject(o, "version", version ? version : "");
    cJSON_AddStringToObject(o, "kind", kind ? kind : "");
    return o;
}

static cJSON *resource_discovery(const kapi_resource *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "resource", r->plural);
    /* kube fills responseKind from the legacy APIResource, whose group and
     * version are empty for the resource's own group */
    cJSON_AddItemToObject(o, "responseKind", group_version_kind("", "", r->kind));
    cJSON_AddStringToObject(o, "scope", r->namespaced ? "Namespaced" : "Cluster");
    cJSON_AddStringToObject(o, "singularResource", r->singular ? r->singular : "");
    cJSON_AddItemToObject(o, "verbs", verbs_array(r->verbs));
    cJSON *shorts = names_array(r->short_names), *cats = names_array(r->categories);
    if (shorts) cJSON_AddItemToObject(o, "shortNames", shorts);
    if (cats) cJSON_AddItemToObject(o, "categories", cats);
    cJSON *subs = NULL;
    for (const kind_subresource *s = r->subresources; s && s->name; s++) {
        if (!subs) subs = cJSON_AddArrayToObject(o, "subresources");
        cJSON *sub = cJSON_CreateObject();
        cJSON_AddStringToObject(sub, "subresource", s->name);
        cJSON_AddItemToObject(sub, "responseKind",
                              group_version_kind(s->kind_group, s->kind_version,
                                                 s->kind ? s->kind : r->kind));
        cJSON_AddItemToObject(sub, "verbs", verbs_array(s->verbs));
        cJSON_AddItemToArray(subs, sub);
    }
    return o;
}

static cJSON *group_discovery(const kapi_group *g)
{
    cJSON *item = cJSON_CreateObject();
    cJSON *meta = cJSON_AddObjectToObject(item, "metadata");
    if (g->name[0]) cJSON_AddStringToObject(meta, "name", g->name);
    cJSON_AddNullToObject(meta, "creationTimestamp");   /* Go's zero metav1.Time */
    cJSON *versions = cJSON_AddArrayToObject(item, "versions");
    for (int k = 0; g->versions[k]; k++) {   /* the preferred version first */
        cJSON *v = cJSON_CreateObject();
        cJSON_AddStringToObject(v, "version", g->versions[k]);
        int n;
        const kapi_resource **list = resources_of(g->name, g->versions[k], &n);
        if (list && n > 0) {
            cJSON *resources = cJSON_AddArrayToObject(v, "resources");
            for (int i = 0; i < n; i++) cJSON_AddItemToArray(resources, resource_discovery(list[i]));
        }
        free(list);
        cJSON_AddStringToObject(v, "freshness", "Current");
        cJSON_AddItemToArray(versions, v);
    }
    return item;
}

cJSON *discovery_aggregated(int core, const char *api_version)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "kind", "APIGroupDiscoveryList");
    cJSON_AddStringToObject(doc, "apiVersion",
                            api_version && *api_version ? api_version : "apidiscovery.k8s.io/v2");
    cJSON_AddObjectToObject(doc, "metadata");
    cJSON *items = cJSON_AddArrayToObject(doc, "items");
    const kinds_set *set = kinds_current();
    for (int i = 0; i < set->n_groups; i++) {
        const kapi_group *g = &set->groups[i];
        if ((core != 0) == (g->name[0] == '\0')) cJSON_AddItemToArray(items, group_discovery(g));
    }
    return doc;
}

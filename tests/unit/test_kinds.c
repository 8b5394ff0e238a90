/* test_kinds.c: the kind registry (kinds/kinds.h): the built-in kinds as
 * data (groups in discovery order, keys with kube's special prefixes),
 * sets as immutable snapshots (a holder keeps its set while a new one is
 * published; add, replace, remove), a request's one set (nested requests
 * share it), and run-time kinds from a provider over the store, consistent
 * across two contexts on one database file as two worker processes have
 * them: a kind added through one shows in the other once the store changed,
 * served by discovery and the REST verbs; removal likewise. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "kapi_test.h"
#include "core/kapi.h"
#include "codec/jsonpath.h"
#include "http/discovery.h"
#include "kinds/kinds.h"
#include "kinds/resource.h"
#include "registry/selection.h"
#include "registry/tables.h"
#include "store/store.h"

/* ---- built-in kinds */

static void test_builtin_kinds(void **state)
{
    (void)state;
    const kinds_set *s = kinds_acquire(NULL);
    assert_true(s->n >= 20);
    static const char *const order[] = {"", "apps", "authentication.k8s.io", "authorization.k8s.io",
                                        "rbac.authorization.k8s.io", "coordination.k8s.io",
                                        "scheduling.k8s.io", "batch", "autoscaling", "policy",
                                        "networking.k8s.io", "storage.k8s.io", "node.k8s.io",
                                        "certificates.k8s.io", "admissionregistration.k8s.io",
                                        "discovery.k8s.io", "events.k8s.io", "apiextensions.k8s.io"};
    assert_int_equal(s->n_groups, 18);
    for (int i = 0; i < 18; i++) {
        assert_string_equal(s->groups[i].name, order[i]);
        assert_string_equal(s->groups[i].version, strcmp(order[i], "autoscaling") ? "v1" : "v2");
    }
    /* autoscaling serves v2 (preferred) and v1, one stored object */
    const kinds_set *set = s;
    int k = 0;
    for (; set->groups[k].name && strcmp(set->groups[k].name, "autoscaling"); k++) {}
    assert_string_equal(set->groups[k].versions[0], "v2");
    assert_string_equal(set->groups[k].versions[1], "v1");
    assert_null(set->groups[k].versions[2]);
    const kapi_resource *hpa1 = kinds_find(s, "autoscaling", "v1", "horizontalpodautoscalers");
    const kapi_resource *hpa2 = kinds_find(s, "autoscaling", "v2", "horizontalpodautoscalers");
    assert_non_null(hpa1);
    assert_non_null(hpa1->strategy->to_storage);
    assert_string_equal(hpa1->storage_version, "v2");
    kapi_pool *kp = kapi_pool_new();
    assert_string_equal(resource_key(kp, hpa1, "ns", "web"), resource_key(kp, hpa2, "ns", "web"));
    /* events.k8s.io serves the core events' keys */
    assert_string_equal(resource_key(kp, kinds_find(s, "events.k8s.io", "v1", "events"), "ns", "e"),
                        resource_key(kp, kinds_find(s, "", "v1", "events"), "ns", "e"));
    kapi_pool_free(kp);
    const kapi_resource *deploy = kinds_find(s, "apps", "v1", "deployments");
    assert_non_null(deploy);
    assert_string_equal(resource_api_version(deploy), "apps/v1");
    assert_ptr_equal(kinds_find_kind(s, "apps/v1", "Deployment"), deploy);
    assert_ptr_equal(kinds_find_plural(s, "apps", "deployments"), deploy);
    assert_ptr_equal(&s->kinds[deploy->index], deploy);
    assert_string_equal(resource_subresource(deploy, "scale")->kind, "Scale");
    assert_null(resource_subresource(deploy, "binding"));

    kapi_pool *p = kapi_pool_new();
    assert_string_equal(resource_key(p, kinds_find(s, "", "v1", "services"), "ns", "web"),
                        "/registry/services/specs/ns/web");
    assert_string_equal(resource_key(p, kinds_find(s, "", "v1", "nodes"), "ignored", "n1"),
                        "/registry/minions/n1");
    assert_string_equal(resource_key(p, kinds_find(s, "", "v1", "pods"), "ns", NULL), "/registry/pods/ns/");
    assert_string_equal(resource_key(p, kinds_find(s, "", "v1", "namespaces"), "", NULL),
                        "/registry/namespaces/");
    kapi_pool_free(p);

    const kapi_resource *ns = kinds_find(s, "", "v1", "namespaces");
    assert_true(ns->flags & KIND_IS_NAMESPACE);
    assert_false(deploy->flags & KIND_IS_NAMESPACE);
    assert_true(kinds_find(s, "", "v1", "events")->flags & KIND_IS_EVENT);
    const selectable_field *alias = resource_selectable_field(kinds_find(s, "", "v1", "pods"), "spec.host");
    assert_non_null(alias);
    assert_int_equal(alias->form, FIELD_ALIAS);
    assert_string_equal(alias->path, "spec.nodeName");
    /* the compatibility arrays read the current set */
    assert_int_equal(kapi_n_resources, s->n);
    assert_int_equal(kapi_n_groups, s->n_groups);
    kinds_release(s);
}

/* ---- selectable fields as data: values read as kube's GetAttrs give them */

static int selects(const char *group, const char *plural, const char *field_selector, const char *json)
{
    kapi_pool *p = kapi_pool_new();
    selection sel;
    memset(&sel, 0, sizeof sel);
    sel.r = kinds_find(kinds_current(), group, "v1", plural);
    assert_non_null(sel.r);
    char err[200];
    assert_int_equal(field_selector_parse(p, field_selector, &sel.fields, err, sizeof err), 0);
    cJSON *obj = cJSON_Parse(json);
    assert_non_null(obj);
    int yes = selection_matches(&sel, obj);
    cJSON_Delete(obj);
    kapi_pool_free(p);
    return yes;
}

static void test_selectable_field_values(void **state)
{
    (void)state;
    const char *pod = "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"nodeName\":\"n1\"},"
                      "\"status\":{\"podIP\":\"10.0.0.9\",\"podIPs\":[{\"ip\":\"10.0.0.1\"}]}}";
    assert_true(selects("", "pods", "status.podIP=10.0.0.1", pod));   /* the first of podIPs */
    assert_false(selects("", "pods", "status.podIP=10.0.0.9", pod));
    assert_true(selects("", "pods", "status.podIP=10.0.0.9",
                        "{\"metadata\":{\"name\":\"p\"},\"status\":{\"podIP\":\"10.0.0.9\"}}"));
    assert_true(selects("", "pods", "spec.hostNetwork=false", pod));   /* unset: false */
    assert_true(selects("", "pods", "spec.nodeName=n1,metadata.name=p", pod));
    assert_true(selects("", "events", "source=kubelet",
                        "{\"metadata\":{\"name\":\"e\"},\"source\":{\"component\":\"kubelet\"}}"));
    assert_true(selects("apps", "replicasets", "status.replicas=0", "{\"metadata\":{\"name\":\"r\"}}"));
    assert_true(selects("apps", "replicasets", "status.replicas!=2",
                        "{\"metadata\":{\"name\":\"r\"},\"status\":{\"replicas\":3}}"));
    /* the path reader both use */
    cJSON *o = cJSON_Parse("{\"a\":{\"b\":[{\"c\":1},{\"c\":2}]}}");
    assert_int_equal(json_at_indexed(o, "a.b[1].c")->valueint, 2);
    assert_int_equal(json_at_indexed(o, ".a.b[0].c")->valueint, 1);
    assert_int_equal(json_at_indexed(o, "{.a.b[1].c}")->valueint, 2);
    assert_null(json_at_indexed(o, "a.b[2].c"));
    assert_null(json_at_indexed(o, "a.b[x]"));
    assert_null(json_at_indexed(o, "a.c"));
    cJSON_Delete(o);
    assert_true(selects("", "nodes", "spec.unschedulable=true",
                        "{\"metadata\":{\"name\":\"n\"},\"spec\":{\"unschedulable\":true}}"));
}

/* ---- the base set: register, replace, unregister */

static const kapi_resource gadget = {
    .group = "toys.example.com", .version = "v1", .kind = "Gadget", .plural = "gadgets",
    .singular = "gadget", .namespaced = 1, .verbs = VERBS_ALL,
    .short_names = (const char *const[]){"gd", "gdt", "gad", "gadg", "gadge", NULL},
    .categories = (const char *const[]){"all", "toys", "fun", NULL},
};

static void test_register_and_unregister(void **state)
{
    (void)state;
    const kinds_set *before = kinds_acquire(NULL);
    assert_int_equal(kinds_register(&gadget), 0);
    const kinds_set *with = kinds_acquire(NULL);
    assert_true(with->id != before->id);
    assert_int_equal(with->n, before->n + 1);
    const kapi_resource *g = kinds_find(with, "toys.example.com", "v1", "gadgets");
    assert_non_null(g);
    assert_ptr_not_equal(g->plural, gadget.plural);   /* copied */
    assert_string_equal(g->short_names[4], "gadge");   /* any number of names */
    assert_null(g->short_names[5]);
    assert_string_equal(g->categories[2], "fun");
    assert_string_equal(g->key_prefix, "toys.example.com/gadgets");   /* a run-time kind's prefix */
    assert_string_equal(with->groups[with->n_groups - 1].name, "toys.example.com");
    /* the holder of the old set keeps it */
    assert_null(kinds_find(before, "toys.example.com", "v1", "gadgets"));
    assert_non_null(kinds_find(before, "apps", "v1", "deployments"));

    /* registering again replaces it */
    kapi_resource changed = gadget;
    changed.namespaced = 0;
    assert_int_equal(kinds_register(&changed), 0);
    const kinds_set *replaced = kinds_acquire(NULL);
    assert_int_equal(replaced->n, with->n);
    assert_int_equal(kinds_find(replaced, "toys.example.com", "v1", "gadgets")->namespaced, 0);
    assert_int_equal(kinds_find(with, "toys.example.com", "v1", "gadgets")->namespaced, 1);

    /* incomplete descriptions are refused */
    kapi_resource broken = gadget;
    broken.plural = NULL;
    assert_int_equal(kinds_register(&broken), -1);

    assert_int_equal(kinds_unregister("toys.example.com", "v1", "gadgets"), 0);
    assert_int_equal(kinds_unregister("toys.example.com", "v1", "gadgets"), -1);
    const kinds_set *after = kinds_acquire(NULL);
    assert_null(kinds_find(after, "toys.example.com", "v1", "gadgets"));
    assert_int_equal(after->n, before->n);
    assert_int_equal(after->n_groups, before->n_groups);
    assert_non_null(kinds_find(with, "toys.example.com", "v1", "gadgets"));   /* still held */
    kinds_release(before);
    kinds_release(with);
    kinds_release(replaced);
    kinds_release(after);
}

/* A kind served in two versions (stored in one): the group lists both,
 * the preferred (first registered) first. */
static void test_two_versions(void **state)
{
    (void)state;
    kapi_resource beta = gadget;
    beta.version = "v1beta1";
    beta.storage_version = "v1";
    assert_int_equal(kinds_register(&gadget), 0);
    assert_int_equal(kinds_register(&beta), 0);
    const kinds_set *s = kinds_acquire(NULL);
    const kapi_group *g = kinds_find_group(s, "toys.example.com");
    assert_non_null(g);
    assert_string_equal(g->version, "v1");
    assert_string_equal(g->versions[0], "v1");
    assert_string_equal(g->versions[1], "v1beta1");
    assert_null(g->versions[2]);
    assert_true(kinds_group_serves(g, "v1beta1"));
    assert_false(kinds_group_serves(g, "v2"));
    kapi_pool *p = kapi_pool_new();
    assert_string_equal(resource_key(p, kinds_find(s, "toys.example.com", "v1beta1", "gadgets"), "ns", "a"),
                        resource_key(p, kinds_find(s, "toys.example.com", "v1", "gadgets"), "ns", "a"));
    kapi_pool_free(p);
    const kinds_set *saved = kinds_enter(s);
    cJSON *group = discovery_api_group("toys.example.com");
    char *text = cJSON_PrintUnformatted(group);
    assert_string_equal(text, "{\"kind\":\"APIGroup\",\"apiVersion\":\"v1\",\"name\":\"toys.example.com\","
                              "\"versions\":[{\"groupVersion\":\"toys.example.com/v1\",\"version\":\"v1\"},"
                              "{\"groupVersion\":\"toys.example.com/v1beta1\",\"version\":\"v1beta1\"}],"
                              "\"preferredVersion\":{\"groupVersion\":\"toys.example.com/v1\",\"version\":\"v1\"}}");
    free(text);
    cJSON_Delete(group);
    cJSON *list = discovery_resource_list("toys.example.com", "v1beta1");
    assert_non_null(list);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(list, "groupVersion")), "toys.example.com/v1beta1");
    cJSON_Delete(list);
    cJSON *agg = discovery_aggregated(0, "apidiscovery.k8s.io/v2");
    const cJSON *item, *versions = NULL;
    cJSON_ArrayForEach(item, cJSON_GetObjectItem(agg, "items"))
        if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(item, "metadata"), "name")),
                    "toys.example.com"))
            versions = cJSON_GetObjectItem(item, "versions");
    assert_int_equal(cJSON_GetArraySize(versions), 2);
    cJSON_Delete(agg);
    kinds_leave(saved);
    kinds_release(s);
    assert_int_equal(kinds_unregister("toys.example.com", "v1beta1", "gadgets"), 0);
    assert_int_equal(kinds_unregister("toys.example.com", "v1", "gadgets"), 0);
}

/* ---- a request's set */

static void test_request_set(void **state)
{
    (void)state;
    const kinds_set *outer_saved, *inner_saved;
    const kinds_set *outer = kinds_begin(NULL, &outer_saved);
    assert_ptr_equal(kinds_current(), outer);
    assert_int_equal(kinds_register(&gadget), 0);   /* published meanwhile */
    const kinds_set *inner = kinds_begin(NULL, &inner_saved);
    assert_ptr_equal(inner, outer);   /* a nested request keeps its caller's view */
    assert_null(kinds_find(kinds_current(), "toys.example.com", "v1", "gadgets"));
    kinds_end(inner, inner_saved);
    assert_ptr_equal(kinds_current(), outer);
    kinds_end(outer, outer_saved);
    assert_non_null(kinds_find(kinds_current(), "toys.example.com", "v1", "gadgets"));
    assert_int_equal(kinds_unregister("toys.example.com", "v1", "gadgets"), 0);
}

/* ---- run-time kinds from the store */

#define PROVIDER_PREFIX "/registry/kinds.test/"

typedef struct provided {
    kinds_builder *b;
    int calls;
} provided;

static int add_stored_kind(void *arg, const char *key, const char *value, int64_t mod_rev)
{
    (void)key;
    (void)mod_rev;
    kinds_builder *b = arg;
    cJSON *obj = cJSON_Parse(value);
    const cJSON *spec = cJSON_GetObjectItem(obj, "spec");
    const char *plural = cJSON_GetStringValue(cJSON_GetObjectItem(spec, "plural"));
    char singular[64];
    snprintf(singular, sizeof singular, "%.*s", plural ? (int)strlen(plural) - 1 : 0, plural ? plural : "");
    kapi_resource r = {
        .group = cJSON_GetStringValue(cJSON_GetObjectItem(spec, "group")),
        .version = cJSON_GetStringValue(cJSON_GetObjectItem(spec, "version")),
        .kind = cJSON_GetStringValue(cJSON_GetObjectItem(spec, "kind")),
        .plural = plural,
        .singular = singular,
        .namespaced = cJSON_IsTrue(cJSON_GetObjectItem(spec, "namespaced")),
        .verbs = VERBS_ALL,
        .subresources = (const kind_subresource[]){{"status", VERB_GET | VERB_PATCH | VERB_UPDATE, NULL, NULL, NULL},
                                                   {NULL, 0, NULL, NULL, NULL}},
        .columns = (const printer_column[]){{"Size", "integer", "", "how big", 0, ".spec.size"},
                                            {NULL, NULL, NULL, NULL, 0, NULL}},
    };
    kinds_builder_add(b, &r);   /* copies: obj may go */
    cJSON_Delete(obj);
    return 0;
}

static int stored_kinds(void *arg, kinds_builder *b)
{
    provided *p = arg;
    p->calls++;
    int64_t rev;
    return store_list(kinds_builder_store(b), PROVIDER_PREFIX, NULL, 0, add_stored_kind, b, &rev) == STORE_OK
               ? 0
               : -1;
}

static char dir_a[256];
static kapi_ctx worker_a, worker_b;

/* Two handles on one database file, as two worker processes have. */
static int open_workers(void **state)
{
    (void)state;
    if (test_store_open(&worker_a, dir_a, sizeof dir_a, "kinds")) return -1;
    char path[600];
    snprintf(path, sizeof path, "%s/kapi.db", dir_a);
    const char *err;
    worker_b.store = store_open(path, STORE_SYNC_NORMAL, &err);
    worker_b.state_dir = dir_a;
    return worker_b.store ? 0 : -1;
}

static int close_workers(void **state)
{
    (void)state;
    store_close(worker_b.store);
    return test_store_remove(&worker_a, dir_a);
}

static void store_kind(store *st, const char *name, const char *group, const char *plural, const char *kind)
{
    char key[200], json[600];
    snprintf(key, sizeof key, PROVIDER_PREFIX "%s", name);
    snprintf(json, sizeof json,
             "{\"metadata\":{\"name\":\"%s\"},\"spec\":{\"group\":\"%s\",\"version\":\"v1\","
             "\"kind\":\"%s\",\"plural\":\"%s\",\"namespaced\":true}}",
             name, group, kind, plural);
    cJSON *obj = cJSON_Parse(json);
    assert_int_equal(store_create(st, key, obj, NULL), STORE_OK);
    cJSON_Delete(obj);
}

typedef struct answer {
    int status;
    cJSON *body;
} answer;

static answer call(kapi_ctx *ctx, const char *method, const char *path, const char *body)
{
    test_result r = test_call(ctx, (kapi_call_request){.method = method, .path = path, .body = body});
    if (r.status >= 300) fprintf(stderr, "%s %s: %d %s\n", method, path, r.status, r.text);
    return (answer){r.status, r.body};
}

static void test_provider_across_workers(void **state)
{
    (void)state;
    provided prov = {0};
    assert_int_equal(kinds_add_provider(PROVIDER_PREFIX, stored_kinds, &prov), 0);
    const kinds_set *b0 = kinds_acquire(&worker_b);
    assert_null(kinds_find(b0, "example.com", "v1", "widgets"));
    assert_non_null(kinds_find(b0, "apps", "v1", "deployments"));   /* the base is in it */
    int calls = prov.calls;

    /* nothing changed: the same set, no provider run */
    const kinds_set *again = kinds_acquire(&worker_b);
    assert_int_equal(again->id, b0->id);
    assert_int_equal(prov.calls, calls);
    kinds_release(again);

    /* worker A stores a kind; worker B sees it once the store changed */
    store_kind(worker_a.store, "widgets.example.com", "example.com", "widgets", "Widget");
    const kinds_set *b1 = kinds_acquire(&worker_b);
    const kapi_resource *w = kinds_find(b1, "example.com", "v1", "widgets");
    assert_non_null(w);
    assert_string_equal(w->kind, "Widget");
    assert_string_equal(w->singular, "widget");
    assert_string_equal(resource_api_version(w), "example.com/v1");
    assert_string_equal(w->key_prefix, "example.com/widgets");
    assert_non_null(resource_subresource(w, "status"));
    assert_non_null(kinds_find_group(b1, "example.com"));
    const kinds_set *a1 = kinds_acquire(&worker_a);
    assert_non_null(kinds_find(a1, "example.com", "v1", "widgets"));
    kinds_release(a1);
    /* the request holding the old set keeps it */
    assert_null(kinds_find(b0, "example.com", "v1", "widgets"));
    assert_null(kinds_find_group(b0, "example.com"));

    /* its Table: Name, then the printer columns of its data */
    cJSON *items = cJSON_Parse("[{\"metadata\":{\"name\":\"w1\"},\"spec\":{\"size\":3}},"
                               "{\"metadata\":{\"name\":\"w2\"}}]");
    cJSON *t = table_build(w, items, INCLUDE_NONE, "meta.k8s.io/v1", "7", NULL, 0);
    char *text = cJSON_PrintUnformatted(t);
    assert_string_equal(text,
                        "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{\"resourceVersion\":\"7\"},"
                        "\"columnDefinitions\":[{\"name\":\"Name\",\"type\":\"string\",\"format\":\"name\","
                        "\"description\":\"Name must be unique within a namespace. Is required when creating resources, "
                        "although some resources may allow a client to request the generation of an appropriate name "
                        "automatically. Name is primarily intended for creation idempotence and configuration "
                        "definition. Cannot be updated. More info: "
                        "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names\","
                        "\"priority\":0},{\"name\":\"Size\",\"type\":\"integer\",\"format\":\"\","
                        "\"description\":\"how big\",\"priority\":0}],"
                        "\"rows\":[{\"cells\":[\"w1\",3],\"object\":null},{\"cells\":[\"w2\",null],\"object\":null}]}");
    free(text);
    cJSON_Delete(t);
    cJSON_Delete(items);

    /* a write elsewhere costs a log scan, not a rebuild */
    calls = prov.calls;
    cJSON *cm = cJSON_Parse("{\"metadata\":{\"name\":\"x\",\"namespace\":\"default\"}}");
    assert_int_equal(store_create(worker_a.store, "/registry/configmaps/default/x", cm, NULL), STORE_OK);
    cJSON_Delete(cm);
    const kinds_set *b2 = kinds_acquire(&worker_b);
    assert_int_equal(b2->id, b1->id);
    assert_int_equal(prov.calls, calls);
    kinds_release(b2);

    /* served: discovery, create, get, list, the Table of its columns */
    answer a = call(&worker_b, "GET", "/apis/example.com/v1", NULL);
    assert_int_equal(a.status, 200);
    const cJSON *res = cJSON_GetArrayItem(cJSON_GetObjectItem(a.body, "resources"), 0);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(res, "name")), "widgets");
    cJSON_Delete(a.body);
    a = call(&worker_b, "GET", "/apis", NULL);
    int found = 0;
    const cJSON *g;
    cJSON_ArrayForEach(g, cJSON_GetObjectItem(a.body, "groups"))
        found |= !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(g, "name")), "example.com");
    assert_true(found);
    cJSON_Delete(a.body);
    a = call(&worker_a, "POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"default\"}}");
    assert_int_equal(a.status, 201);
    cJSON_Delete(a.body);
    a = call(&worker_a, "POST", "/apis/example.com/v1/namespaces/default/widgets",
             "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w1\"},"
             "\"spec\":{\"size\":3}}");
    assert_int_equal(a.status, 201);
    cJSON_Delete(a.body);
    store_kv kv;
    assert_int_equal(store_get(worker_b.store, "/registry/example.com/widgets/default/w1", &kv), STORE_OK);
    store_kv_free(&kv);
    a = call(&worker_b, "GET", "/apis/example.com/v1/namespaces/default/widgets/w1", NULL);
    assert_int_equal(a.status, 200);
    cJSON_Delete(a.body);

    /* removal: gone for new requests, kept by holders */
    assert_int_equal(store_delete_if_revision(worker_a.store, PROVIDER_PREFIX "widgets.example.com", 0, NULL,
                                              NULL),
                     STORE_OK);
    const kinds_set *b3 = kinds_acquire(&worker_b);
    assert_null(kinds_find(b3, "example.com", "v1", "widgets"));
    assert_null(kinds_find_group(b3, "example.com"));
    assert_non_null(kinds_find(b1, "example.com", "v1", "widgets"));
    a = call(&worker_b, "GET", "/apis/example.com/v1/namespaces/default/widgets/w1", NULL);
    assert_int_equal(a.status, 404);
    cJSON_Delete(a.body);

    kinds_release(b0);
    kinds_release(b1);
    kinds_release(b3);
    kinds_remove_provider(stored_kinds, &prov);
    const kinds_set *plain = kinds_acquire(&worker_b);   /* without providers: the base */
    assert_int_equal(plain->id, kinds_current()->id);
    kinds_release(plain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_kinds),
        cmocka_unit_test(test_selectable_field_values),
        cmocka_unit_test(test_register_and_unregister),
        cmocka_unit_test(test_two_versions),
        cmocka_unit_test(test_request_set),
        cmocka_unit_test_setup_teardown(test_provider_across_workers, open_workers, close_workers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* rest.c: the generic REST verbs of every kind. Each verb follows
 * kube-apiserver's generic registry: decode, defaults, mutating admission,
 * system fields, the kind's strategy (prepare, validate), validating
 * admission, then one store operation with optimistic concurrency. Each
 * verb returns its answer (registry/rest_result.c encodes it). Dry run stops
 * before the store. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "codec/codec.h"
#include "schema/decode.h"
#include "codec/fielderr.h"
#include "codec/json.h"
#include "codec/selector.h"
#include "core/status.h"
#include "core/util.h"
#include "kinds/resource.h"
#include "registry/kinds/customresources.h"
#include "registry/kinds/workload.h"
#include "registry/rest_internal.h"
#include "registry/managed_fields.h"
#include "schema/field_validation.h"
#include "registry/tables.h"
#include "codec/validate_meta.h"
#include "store/store.h"
#include "admission/admission.h"
#include "codec/jsonpatch.h"
#include "schema/smpatch.h"
#include "schema/schema.h"

#define GENERATE_NAME_ATTEMPTS 8

static rest_result rest_get(rest_call *c, const char *name)
{
    rest_result fail;
    if (rest_check_get_resource_version(c, &fail)) return fail;
    store_kv kv;
    store_rc rc = store_get(c->ctx->store, resource_key(c->req->pool, c->r, c->ns, name), &kv);
    if (rc != STORE_OK) return rest_store_failure(c, rc, name, "reading from storage failed");
    cJSON *obj = rest_parse_stored(c, kv.value);
    const char *rv = kapi_psprintf(c->req->pool, "%lld", (long long)kv.mod_rev);
    store_kv_free(&kv);
    if (!obj) return rest_internal(c, "stored object is corrupt");
    return rest_object(c, 200, obj, rv);
}

/* Runs an admission chain for this call: 0, or -1 with the rejection in *fail. */
static int admit(rest_call *c, int validating, admission_op op, const char *name, cJSON *obj,
                 const cJSON *old, rest_result *fail)
{
    admission_attrs a = {.ctx = c->ctx, .pool = c->req->pool, .user = c->user, .resource = c->r,
                         .subresource = c->info->subresource, .ns = c->ns, .name = name ? name : "",
                         .op = op, .obj = obj, .old = old, .dry_run = c->dry_run,
                         .req = c->req, .resp = c->resp};
    cJSON *st = validating ? admission_validate(&a) : admission_mutate(&a);
    if (!st) return 0;
    *fail = rest_status(c, st, 0);
    return -1;
}

/* The request body as an object of the URL's kind: decoded (JSON, YAML or
 * protobuf), type meta checked, fieldValidation applied. NULL with the
 * failure in *fail. */
static cJSON *decode_request_object(rest_call *c, int fv_op, rest_result *fail)
{
    cJSON *st = NULL;
    cJSON *obj = decode_body(c->req, c->r->kind, &st);
    if (!obj) { *fail = rest_status(c, st, 0); return NULL; }
    if (rest_check_type_meta(c, obj, fail)) return NULL;
    if (field_validation_check_body(c->req, c->resp, c->r->group, c->r->version, c->r->kind, fv_op, obj, &st)) {
        *fail = rest_status(c, st, 0);  /* unknown or duplicate fields, wrong types */
        return NULL;
    }
    if ((c->r->flags & KIND_IS_CUSTOM) &&
        field_validation_check_custom(c->req, c->resp, crd_schema_of(c->r->group, c->r->version, c->r->plural),
                                      c->r->version, c->r->kind, fv_op, obj, &st)) {
        *fail = rest_status(c, st, 0);  /* fields the CRD's schema prunes */
        return NULL;
    }
    if (c->r->strategy && c->r->strategy->to_storage) c->r->strategy->to_storage(obj);
    return obj;
}

/* generateName plus five random characters */
static const char *generated_name(rest_call *c, const char *gen_name)
{
    char suffix[6], base[64];
    random_suffix(suffix, 5);
    snprintf(base, sizeof base, "%.58s", gen_name);
    return kapi_psprintf(c->req->pool, "%s%s", base, suffix);
}

static rest_result create_checked(rest_call *c, cJSON *obj, int *exists, int generated, const char *gen_name);

/* Creates obj (decoded, its namespace checked): defaults, admission,
 * system fields, claims (begin_write), validation, the store. A create a
 * PUT makes (kube's AllowCreateOnUpdate) passes *exists: when another
 * write created the object first, it is set and no answer is returned
 * (the PUT updates). */
static rest_result create_object(rest_call *c, cJSON *obj, int *exists)
{
    rest_result fail;
    cJSON *meta = obj_metadata(obj);
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "resourceVersion");
    const kapi_strategy *s = c->r->strategy;
    if (s && s->set_defaults) s->set_defaults(obj);
    if (!c->managed_done) managed_fields_update(c, NULL, obj);
    if (admit(c, 0, ADMIT_CREATE, obj_string(meta, "name"), obj, NULL, &fail)) return fail;
    meta = obj_metadata(obj);
    /* system fields */
    char uid[37], ts[21];
    uuid_v4(uid);
    time_rfc3339(time(NULL), ts);
    obj_set_string(meta, "uid", uid);
    obj_set_string(meta, "creationTimestamp", ts);
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "deletionTimestamp");
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "deletionGracePeriodSeconds");
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "selfLink");
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "generation");
    const char *gen_name = obj_string(meta, "generateName");
    const char *name = obj_string(meta, "name");
    int generated = (!name || !*name) && gen_name && *gen_name;
    if (generated) obj_set_string(meta, "name", generated_name(c, gen_name));
    if (s && s->has_generation) cJSON_AddNumberToObject(meta, "generation", 1);
    if (s && s->prepare_for_create) s->prepare_for_create(obj);
    if (s && s->set_requester && c->user) s->set_requester(obj, c->user);
    if (s && s->begin_write) {
        if (s->begin_write(c, obj, NULL, &fail)) return fail;
        rest_result res = create_checked(c, obj, exists, generated, gen_name);
        /* the create did not happen: what it claimed goes back */
        if (res.answer != REST_OBJECT && !c->dry_run) s->release_held(c, obj, NULL);
        return res;
    }
    return create_checked(c, obj, exists, generated, gen_name);
}

/* create_object's second half: validation, validating admission, the store. */
static rest_result create_checked(rest_call *c, cJSON *obj, int *exists, int generated, const char *gen_name)
{
    rest_result fail;
    cJSON *meta = obj_metadata(obj);
    const char *name;
    field_errors *errs = kapi_palloc(c->req->pool, sizeof *errs);
    rest_validate(c, obj, 1, errs);
    name = obj_string(meta, "name");
    if (errs->n) return rest_invalid(c, errs, name ? name : "");
    if (admit(c, 1, ADMIT_CREATE, name, obj, NULL, &fail)) return fail;
    obj_canonicalize_order(obj);
    if (c->dry_run) return rest_object(c, 201, obj, NULL);
    for (int attempt = 0;; attempt++) {
        int64_t rev = 0;
        rest_storage_version(c, obj, 1);
        store_rc rc = store_create(c->ctx->store, resource_key(c->req->pool, c->r, c->ns, name), obj, &rev);
        rest_storage_version(c, obj, 0);
        if (rc == STORE_OK) return rest_object(c, 201, obj, kapi_psprintf(c->req->pool, "%lld", (long long)rev));
        if (rc == STORE_EXISTS && generated && attempt + 1 < GENERATE_NAME_ATTEMPTS) {
            name = generated_name(c, gen_name);
            obj_set_string(meta, "name", name);
            continue;
        }
        if (rc == STORE_EXISTS && exists) {
            *exists = 1;
            return (rest_result){.answer = REST_NONE};
        }
        return rest_store_failure(c, rc, name, "writing to storage failed");
    }
}

static rest_result rest_create(rest_call *c)
{
    if (c->r->strategy && c->r->strategy->serve_create)   /* reviews: answered, not stored */
        return c->r->strategy->serve_create(c);
    rest_result fail;
    cJSON *obj = decode_request_object(c, FV_CREATE, &fail);
    if (!obj) return fail;
    cJSON *meta = obj_metadata(obj);
    if (rest_check_namespace(c, meta, &fail)) return fail;
    const char *rvs = obj_string(meta, "resourceVersion");
    if (rvs && *rvs)
        return rest_status(c, status_new_details(KAPI_INTERNAL,
                           "resourceVersion should not be set on objects to be created", NULL, NULL, NULL), 0);
    return create_object(c, obj, NULL);
}

/* The common tail of update and patch (and of subresources that update
 * their parent, such as scale), one try of rest_guaranteed_update's: obj
 * is the new object for the stored old one (at old_rev). expected_rev is
 * the precondition (0: unconditional).
 * subresource "status" keeps everything but status from old. When another
 * write took the object past old_rev first and lost_race is given, sets
 * *lost_race and returns no answer (the caller tries again); otherwise that
 * is the 409 of a failed precondition. */
static rest_result update_checked(rest_call *c, const char *name, const char *subresource, cJSON *obj, cJSON *old, int64_t old_rev,
                                  int64_t expected_rev, int *lost_race);

static rest_result rest_finish_update(rest_call *c, const char *name, cJSON *obj, cJSON *old, int64_t old_rev,
                                      int64_t expected_rev, int status_only, int *lost_race)
{
    rest_result fail;
    const kapi_strategy *s0 = c->r->strategy;
    if (s0 && s0->set_defaults) s0->set_defaults(obj);
    if (!c->managed_done) managed_fields_update(c, old, obj);
    if (admit(c, 0, ADMIT_UPDATE, name, obj, old, &fail)) return fail;

    cJSON *meta = obj_metadata(obj);
    cJSON *old_meta = obj_metadata(old);
    const kapi_strategy *s = c->r->strategy;
    /* a kind with a status strategy says itself what /status may change */
    int status_by_strategy = status_only && s && (s->prepare_for_status_update || s->prepare_for_subresource_update);
    const char *subresource = status_only ? c->info->subresource : "";
    if (status_only && !status_by_strategy) {
        /* only status may change: start from old and take the new status */
        cJSON *ns = cJSON_DetachItemFromObjectCaseSensitive(obj, "status");
        cJSON *copy = kapi_pool_keep_json(c->req->pool, cJSON_Duplicate(old, 1));
        cJSON_DeleteItemFromObjectCaseSensitive(copy, "status");
        if (ns) cJSON_AddItemToObject(copy, "status", ns);
        cJSON *cm = obj_metadata(copy);
        cJSON_DeleteItemFromObjectCaseSensitive(cm, "resourceVersion");
        /* the managers the write recorded */
        cJSON_DeleteItemFromObjectCaseSensitive(cm, "managedFields");
        cJSON *mf = cJSON_DetachItemFromObjectCaseSensitive(meta, "managedFields");
        if (mf) cJSON_AddItemToObject(cm, "managedFields", mf);
        obj = copy;
        meta = cm;
    } else {
        /* system fields come from the stored object */
        const char *uid = obj_string(meta, "uid");
        if (!uid || !*uid) {
            const char *ou = obj_string(old_meta, "uid");
            if (ou) obj_set_string(meta, "uid", ou);
        }
        const char *octs = obj_string(old_meta, "creationTimestamp");
        if (octs) obj_set_string(meta, "creationTimestamp", octs);
        else cJSON_DeleteItemFromObjectCaseSensitive(meta, "creationTimestamp");
        cJSON_DeleteItemFromObjectCaseSensitive(meta, "selfLink");
        const char *const keep[] = {"deletionTimestamp", "deletionGracePeriodSeconds", "generation", NULL};
        for (int i = 0; keep[i]; i++) {
            cJSON_DeleteItemFromObjectCaseSensitive(meta, keep[i]);
            cJSON *ov = cJSON_GetObjectItemCaseSensitive(old_meta, keep[i]);
            if (ov) cJSON_AddItemToObject(meta, keep[i], cJSON_Duplicate(ov, 1));
        }
        if (status_by_strategy && s->prepare_for_subresource_update) {
            s->prepare_for_subresource_update(subresource, obj, old);
        } else if (status_by_strategy) {
            s->prepare_for_status_update(obj, old);
        } else if (s && s->has_status) {
            cJSON_DeleteItemFromObjectCaseSensitive(obj, "status");
            cJSON *os = cJSON_GetObjectItemCaseSensitive(old, "status");
            if (os) cJSON_AddItemToObject(obj, "status", cJSON_Duplicate(os, 1));
        }
        if (s && s->has_generation && !status_by_strategy) {
            const cJSON *nspec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
            const cJSON *ospec = cJSON_GetObjectItemCaseSensitive(old, "spec");
            if (!cJSON_Compare(nspec, ospec, 1)) {
                cJSON *g = cJSON_GetObjectItemCaseSensitive(meta, "generation");
                double gv = cJSON_IsNumber(g) ? g->valuedouble : 0;
                cJSON_DeleteItemFromObjectCaseSensitive(meta, "generation");
                cJSON_AddNumberToObject(meta, "generation", gv + 1);
            }
        }
        if (s && s->prepare_for_update && !status_by_strategy) s->prepare_for_update(obj, old);
        if (s && s->prepare_for_subresource_update && !status_only) s->prepare_for_subresource_update("", obj, old);
    }
    if (s && s->begin_write && !status_only) {
        if (s->begin_write(c, obj, old, &fail)) return fail;
        rest_result res = update_checked(c, name, subresource, obj, old, old_rev, expected_rev, lost_race);
        if (!c->dry_run) {
            if (res.answer == REST_OBJECT) s->release_held(c, old, obj);   /* what the update let go */
            else s->release_held(c, obj, old);                            /* what it claimed in vain */
        }
        return res;
    }
    return update_checked(c, name, subresource, obj, old, old_rev, expected_rev, lost_race);
}

/* rest_finish_update's second half: validation, validating admission, the
 * compare-and-swap. */
static rest_result update_checked(rest_call *c, const char *name, const char *subresource, cJSON *obj, cJSON *old, int64_t old_rev,
                                  int64_t expected_rev, int *lost_race)
{
    rest_result fail;
    cJSON *meta = obj_metadata(obj);
    cJSON *old_meta = obj_metadata(old);
    const kapi_strategy *s = c->r->strategy;
    /* the revision this update is based on (kube fills it in for
     * unconditional updates) */
    char orv[32];
    snprintf(orv, sizeof orv, "%lld", (long long)old_rev);
    obj_set_string(meta, "resourceVersion", orv);
    field_errors *errs = kapi_palloc(c->req->pool, sizeof *errs);
    rest_validate(c, obj, 0, errs);
    validate_object_meta_update(meta, old_meta, errs);
    if (s && s->validate_subresource_update) s->validate_subresource_update(subresource, obj, old, errs);
    else if (s && s->validate_update) s->validate_update(obj, old, errs);
    for (const char *const *f = s ? s->immutable_fields : NULL; f && *f; f++)
        validate_immutable(obj, old, *f, errs);
    if (errs->n) return rest_invalid(c, errs, name);
    if (admit(c, 1, ADMIT_UPDATE, name, obj, old, &fail)) return fail;
    obj_canonicalize_order(obj);
    /* the last finalizer of an object being deleted is gone: it goes */
    if (rest_should_delete_during_update(c, obj, old))
        return rest_delete_during_update(c, name, old, expected_rev ? expected_rev : old_rev);
    const char *old_rv = kapi_pstrdup(c->req->pool, orv);
    /* an update that changes nothing is not written (kube's GuaranteedUpdate) */
    if (cJSON_Compare(obj, old, 1)) return rest_object(c, 200, old, old_rv);
    if (c->dry_run) return rest_object(c, 200, obj, old_rv);
    int64_t rev = 0;
    rest_storage_version(c, obj, 1);
    store_rc rc = store_update_if_revision(c->ctx->store, resource_key(c->req->pool, c->r, c->ns, name),
                                           obj, expected_rev ? expected_rev : old_rev, &rev);
    rest_storage_version(c, obj, 0);
    if (rc == STORE_CONFLICT && lost_race) {
        *lost_race = 1;
        return (rest_result){.answer = REST_NONE};
    }
    if (rc != STORE_OK) return rest_store_failure(c, rc, name, "writing to storage failed");
    return rest_object(c, 200, obj, kapi_psprintf(c->req->pool, "%lld", (long long)rev));
}

/* kube-apiserver's GuaranteedUpdate (apiserver/pkg/storage/etcd3/store.go)
 * retries its compare-and-swap until it wins, bounded only by the request's
 * deadline (requestTimeoutUpperBound, 34 s, for a patch; 60 s for an
 * update): each try re-reads the object, asks the request again for the
 * object it wants (a patch re-applied, a PUT's body taken again), and
 * re-runs defaults, admission and validation (registry/store.go's Update,
 * whose resourceVersion check is the only source of the 409). We bound the
 * tries by count as well as by time. */
#define UPDATE_ATTEMPTS 100
#define UPDATE_RETRY_SECONDS 30

rest_result rest_guaranteed_update(rest_call *c, const char *name, int status_only,
                                   rest_updated_object_fn updated_object, void *arg)
{
    time_t deadline = time(NULL) + UPDATE_RETRY_SECONDS;
    for (int attempt = 0;; attempt++) {
        rest_result fail;
        int64_t rev = 0;
        cJSON *old = rest_load_current(c, name, &rev, &fail);
        if (!old) return fail;
        int64_t expected = 0;
        cJSON *obj = updated_object(c, name, old, rev, arg, &expected, &fail);
        if (!obj) return fail;
        /* the request's own precondition: the revision it names is not the
         * current one (a patch re-applied names the current one unless it
         * sets resourceVersion itself) */
        if (expected && expected != rev) return rest_modified(c, name);
        int lost_race = 0;
        int last = attempt + 1 >= UPDATE_ATTEMPTS || time(NULL) >= deadline;
        rest_result res = rest_finish_update(c, name, obj, old, rev, expected, status_only,
                                             last ? NULL : &lost_race);
        if (!lost_race) return res;
        assert(res.answer == REST_NONE);
    }
}

/* A PUT's object for one try: each try defaults, admits and validates a
 * copy of its own. */
cJSON *rest_body_object(rest_call *c, const char *name, cJSON *current, int64_t rev, void *arg,
                        int64_t *expected, rest_result *fail)
{
    (void)name, (void)current, (void)rev, (void)fail;
    cJSON *obj = kapi_pool_keep_json(c->req->pool, cJSON_Duplicate((cJSON *)arg, 1));
    *expected = rest_parse_rv(obj_string(obj_metadata(obj), "resourceVersion"));
    if (*expected < 0) *expected = 0;
    return obj;
}

static rest_result rest_update(rest_call *c, const char *name, int status_only)
{
    rest_result fail;
    cJSON *obj = decode_request_object(c, FV_UPDATE, &fail);
    if (!obj) return fail;
    cJSON *meta = obj_metadata(obj);
    if (rest_check_name(c, meta, name, &fail) || rest_check_namespace(c, meta, &fail)) return fail;
    int64_t expected = rest_parse_rv(obj_string(meta, "resourceVersion"));
    if (expected < 0) {
        field_errors *errs = kapi_palloc(c->req->pool, sizeof *errs);
        field_error_add_str(errs, FIELD_INVALID, "metadata.resourceVersion",
                            obj_string(meta, "resourceVersion"), "must be specified for an update");
        return rest_invalid(c, errs, name);
    }
    const kapi_strategy *s = c->r->strategy;
    /* kube's Store.Update: where the strategy allows create on update, a PUT
     * of an object that does not exist creates it (201), whatever
     * resourceVersion it names */
    int may_create = s && s->allows_create_on_update && !status_only;
    if (expected == 0 && s && s->requires_resource_version) {
        int exists = 1;
        if (may_create) {
            store_kv kv;
            store_rc rc = store_get(c->ctx->store, resource_key(c->req->pool, c->r, c->ns, name), &kv);
            if (rc == STORE_OK) store_kv_free(&kv);
            else if (rc != STORE_NOT_FOUND) return rest_store_failure(c, rc, name, "reading from storage failed");
            exists = rc == STORE_OK;
        }
        if (exists) {
            /* an Invalid whose "kind" is the resource
             * (leases.coordination.k8s.io) and whose value is the uint64 0
             * as Go's %#v prints it */
            field_errors *errs = kapi_palloc(c->req->pool, sizeof *errs);
            cJSON *zero = kapi_pool_keep_json(c->req->pool, cJSON_CreateRaw("0x0"));
            field_error_add(errs, FIELD_INVALID, "metadata.resourceVersion", zero, "must be specified for an update");
            return rest_status(c, field_errors_status(errs, c->r->group, c->r->plural, name), 0);
        }
    }
    rest_result res = rest_guaranteed_update(c, name, status_only, rest_body_object, obj);
    if (!may_create || res.answer != REST_STATUS || res.http != 404) return res;
    int exists = 0;
    rest_result created = create_object(c, kapi_pool_keep_json(c->req->pool, cJSON_Duplicate(obj, 1)), &exists);
    if (!exists) return created;
    return rest_guaranteed_update(c, name, status_only, rest_body_object, obj);   /* created meanwhile */
}

/* A PATCH's object for one try: the patch applied to the current object.
 * Its resourceVersion is the current one unless the patch sets it, so only
 * a patch naming a resourceVersion has a precondition that can fail. */
static cJSON *patched_object(rest_call *c, const char *name, cJSON *current, int64_t rev, void *arg,
                             int64_t *expected, rest_result *fail)
{
    (void)rev;
    const request_patch *patch = arg;
    /* the patch applies to the object in the request's version */
    cJSON *obj = rest_apply_patch(c, patch, rest_served_form(c, current), c->r->group, c->r->version,
                                  c->r->kind, fail);
    if (!obj || rest_check_type_meta(c, obj, fail)) return NULL;
    cJSON *fv = NULL;
    if (field_validation_check_patch(c->req, c->resp, c->r->group, c->r->version, c->r->kind, obj, &fv) ||
        ((c->r->flags & KIND_IS_CUSTOM) &&
         field_validation_check_custom(c->req, c->resp, crd_schema_of(c->r->group, c->r->version, c->r->plural),
                                       c->r->version, c->r->kind, FV_PATCH, obj, &fv))) {
        *fail = rest_status(c, fv, 0);  /* ?fieldValidation on the patched object */
        return NULL;
    }
    cJSON *meta = obj_metadata(obj);
    if (rest_check_name(c, meta, name, fail)) return NULL;
    *expected = rest_parse_rv(obj_string(meta, "resourceVersion"));
    if (*expected < 0) *expected = 0;
    if (c->r->strategy && c->r->strategy->to_storage) c->r->strategy->to_storage(obj);
    return obj;
}

/* PATCH of the object, or of its status (the same patch of the whole
 * object, of which /status keeps only the status). */
static rest_result rest_patch(rest_call *c, const char *name, int status_only)
{
    rest_result fail;
    request_patch patch;
    if (rest_read_patch(c, &patch, &fail)) return fail;
    rest_result res = rest_guaranteed_update(c, name, status_only, patched_object, &patch);
    if (patch.type != PATCH_APPLY || status_only || res.answer != REST_STATUS || res.http != 404) return res;
    /* server-side apply creates what does not exist (kube's patcher with
     * createOnPatch for apply) */
    cJSON *obj = rest_apply_create(c, &patch, &fail);
    if (!obj || rest_check_type_meta(c, obj, &fail)) return fail;
    cJSON *fv = NULL;
    if (field_validation_check_patch(c->req, c->resp, c->r->group, c->r->version, c->r->kind, obj, &fv))
        return rest_status(c, fv, 0);
    cJSON *meta = obj_metadata(obj);
    if (rest_check_name(c, meta, name, &fail) || rest_check_namespace(c, meta, &fail)) return fail;
    const char *rvs = obj_string(meta, "resourceVersion");
    if (rvs && *rvs) return res;   /* a precondition on an object that does not exist: its 404 */
    int exists = 0;
    rest_result created = create_object(c, obj, &exists);
    if (!exists) return created;
    return rest_guaranteed_update(c, name, status_only, patched_object, &patch);   /* created meanwhile */
}

static int verb_allowed(const kapi_resource *r, const char *verb)
{
    static const struct { const char *name; unsigned bit; } verbs[] = {
        {"get", VERB_GET}, {"list", VERB_LIST}, {"watch", VERB_WATCH}, {"create", VERB_CREATE},
        {"update", VERB_UPDATE}, {"patch", VERB_PATCH}, {"delete", VERB_DELETE},
        {"deletecollection", VERB_DELETECOLLECTION}};
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (!strcmp(verbs[i].name, verb)) return (r->verbs & verbs[i].bit) != 0;
    return 0;
}

/* The answer to one request for a resource. */
static rest_result serve(rest_call *c)
{
    const request_info *info = c->info;
    c->r = resource_find(info->group, info->version, info->resource);
    if (!c->r || (info->n_parts > 0 && strcmp(info->subresource, "proxy"))) return rest_not_found_path(c);
    if (c->r->flags & KIND_IS_CUSTOM) customresource_warnings(c);   /* a deprecated version */
    const kapi_strategy *strategy = c->r->strategy;
    if (strategy && strategy->warning) field_validation_warn(c->req, c->resp, strategy->warning);
    const char *name = info->url_name;
    int is_namespaces = (c->r->flags & KIND_IS_NAMESPACE) != 0;
    if (is_namespaces) {
        /* /api/v1/namespaces/<name>[/status]: the namespace is the object */
        c->ns = "";
        if (!name[0] && info->namespace_[0]) name = info->namespace_;
    } else if (c->r->namespaced) {
        c->ns = info->namespace_;
    } else {
        if (info->namespace_[0]) return rest_not_found_path(c);
        c->ns = "";
    }
    /* A namespaced resource across namespaces: kube installs only the list
     * (and watch) route at /<resource>, so a name under it matches no route
     * (go-restful's 404) and other methods on it are 405. */
    if (c->r->namespaced && !c->ns[0] && !is_namespaces && name[0]) return rest_not_found_path(c);
    const char *dr = query_get(c->req, "dryRun");
    if (dr && *dr) {
        if (strcmp(dr, "All")) {
            char msg[300];
            snprintf(msg, sizeof msg, "Invalid dry run value: %.200s", dr);
            return rest_bad_request(c, msg);
        }
        c->dry_run = 1;
    }
    int status_only = 0;
    char msg[512];
    if (info->subresource[0]) {
        if (!name[0]) return rest_not_found_path(c);
        const kapi_strategy *s = c->r->strategy;
        if ((!strcmp(info->subresource, "status") && s && s->has_status) ||
            (s && s->prepare_for_subresource_update && resource_subresource(c->r, info->subresource))) {
            status_only = 1;   /* /status, or a subresource written as it is */
        } else {
            if (!name_is_valid_path_segment(name, msg, sizeof msg)) return rest_bad_request(c, msg);
            if (!s || !s->serve_subresource) return rest_not_found_path(c);
            return s->serve_subresource(c, info->subresource, name);
        }
    }
    const char *verb = info->verb;
    /* a name that can never be a storage key: kube's 400 */
    if (name[0] && !name_is_valid_path_segment(name, msg, sizeof msg)) return rest_bad_request(c, msg);
    if (status_only && (strcmp(verb, "get") && strcmp(verb, "update") && strcmp(verb, "patch")))
        return rest_method_not_allowed(c);
    if (!status_only && !verb_allowed(c->r, verb)) return rest_method_not_allowed(c);
    if (c->r->namespaced && !c->ns[0] && !is_namespaces &&
        (!strcmp(verb, "create") || !strcmp(verb, "deletecollection")))
        return rest_method_not_allowed(c);   /* the list route, another method */
    if (!strcmp(verb, "get")) return strategy && strategy->serve_get ? strategy->serve_get(c, name) : rest_get(c, name);
    if (!strcmp(verb, "list")) return strategy && strategy->serve_list ? strategy->serve_list(c) : rest_list(c);
    if (!strcmp(verb, "watch")) return rest_watch(c);
    if (!strcmp(verb, "create")) return name[0] ? rest_method_not_allowed(c) : rest_create(c);
    if (!strcmp(verb, "update")) return rest_update(c, name, status_only);
    if (!strcmp(verb, "patch")) return rest_patch(c, name, status_only);
    if (!strcmp(verb, "delete"))
        return c->r->strategy && c->r->strategy->serve_delete ? c->r->strategy->serve_delete(c, name)
                                                              : rest_delete(c, name);
    if (!strcmp(verb, "deletecollection")) return rest_deletecollection(c);
    return rest_method_not_allowed(c);
}

void rest_handle(kapi_ctx *ctx, kapi_request *req, const request_info *info,
                 const kapi_user *user, kapi_response *resp)
{
    rest_call c = {.ctx = ctx, .req = req, .info = info, .user = user, .resp = resp};
    rest_result res = serve(&c);
    rest_write_result(&c, &res);
}

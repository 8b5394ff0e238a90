/* server_side_apply.c: fuzzes the field sets of server-side apply
 * (schema/fieldset.c) driven by a kind's schema: the first byte picks the
 * kind, the rest is "fieldsV1 NUL object" (both JSON; managedFields and an
 * apply configuration come from clients): the FieldsV1 decoded, encoded
 * and iterated; the object's field set, its merge into and comparison with
 * a fixed live object, and the removal of the decoded set from the merge. */
#include "codec/json.h"
#include "fuzz.h"
#include "schema/fieldset.h"
#include "schema/schema.h"

static void ignore_path(void *arg, const char *path)
{
    (void)arg, (void)path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_schema_load();
    if (size < 1) return 0;
    fieldset_schema sc = {.builtin = schema_kind_named(fuzz_kinds[data[0] % FUZZ_N_KINDS])};
    char *a, *b, err[1024];
    fuzz_split(data + 1, size - 1, &a, &b);
    cJSON *fv = json_parse_strict(a, strlen(a), err, sizeof err);
    cJSON *obj = b ? json_parse_strict(b, strlen(b), err, sizeof err) : NULL;
    cJSON *set = fv ? fieldset_decode(fv, err, sizeof err) : NULL;
    if (set) {
        cJSON_Delete(fieldset_encode(set));
        fieldset_each_path(set, ignore_path, NULL);
    }
    if (cJSON_IsObject(obj)) {
        static const char live_text[] =
            "{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"x\",\"labels\":{\"a\":\"1\"},\"finalizers\":[\"f\"]},"
            "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"ports\":[{\"containerPort\":80}]}]},"
            "\"data\":{\"k\":\"v\"}}";
        cJSON *live = cJSON_Parse(live_text);
        cJSON *of = fieldset_of(obj, &sc);
        cJSON *merged = fieldset_merge(live, obj, &sc);
        cJSON *added, *removed, *modified;
        fieldset_compare(live, merged, &sc, &added, &removed, &modified);
        cJSON *x = fieldset_intersection(of, modified), *d = fieldset_difference(added, of);
        fieldset_union(x, removed);
        if (set) fieldset_remove(merged, set, x, &sc);
        cJSON_Delete(of); cJSON_Delete(merged); cJSON_Delete(added); cJSON_Delete(removed);
        cJSON_Delete(modified); cJSON_Delete(x); cJSON_Delete(d); cJSON_Delete(live);
    }
    cJSON_Delete(set);
    cJSON_Delete(fv);
    cJSON_Delete(obj);
    free(a);
    free(b);
    return 0;
}

/* csi.c: storage.k8s.io/v1 CSIDriver, CSINode, VolumeAttachment and
 * CSIStorageCapacity: kube's defaults (SetDefaults_CSIDriver), validation
 * (pkg/apis/storage/validation) with its messages, and the Tables of
 * kube's printers (printCSIDriver, printCSINode, printVolumeAttachment,
 * printCSIStorageCapacity), their cells as data (registry/tables.c). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "codec/jsonpath.h"
#include "codec/validate_meta.h"
#include "registry/kinds/workload.h"
#include "registry/strategies.h"
#include "registry/tables_internal.h"

/* ---- CSIDriver */

static void csidriver_set_defaults(cJSON *d)
{
    cJSON *spec = json_object_member(d, "spec");
    default_bool(spec, "attachRequired", 1);
    default_bool(spec, "podInfoOnMount", 0);
    default_bool(spec, "storageCapacity", 0);
    default_string(spec, "fsGroupPolicy", "ReadWriteOnceWithFSType");
    if (cJSON_GetArraySize(json_get(spec, "volumeLifecycleModes")) == 0) {
        cJSON_DeleteItemFromObjectCaseSensitive(spec, "volumeLifecycleModes");
        cJSON_AddItemToArray(cJSON_AddArrayToObject(spec, "volumeLifecycleModes"), cJSON_CreateString("Persistent"));
    }
    default_bool(spec, "requiresRepublish", 0);
    default_bool(spec, "seLinuxMount", 0);
    workload_normalize(d);
}

/* ValidateCSIDriverName (also a VolumeAttachment's attacher, a CSINode's drivers) */
static void validate_csi_driver_name(const char *name, const char *field, field_errors *errs)
{
    if (!*name) {
        field_error_add(errs, FIELD_REQUIRED, field, NULL, NULL);
        return;
    }
    if (strlen(name) > 63) field_error_add(errs, FIELD_TOO_LONG, field, NULL, "may not be more than 63 bytes");
    char lower[256];   /* kube checks the lower-cased name */
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof lower; i++) lower[i] = (char)tolower((unsigned char)name[i]);
    lower[i] = 0;
    validation_messages m = {0};
    is_dns1123_subdomain(lower, &m);
    add_invalid_value_for_each_message(errs, field, name, &m);
}

static void validate_csidriver(const cJSON *d, field_errors *errs)
{
    const cJSON *spec = json_get(d, "spec");
    if (!json_get(spec, "attachRequired")) field_error_add(errs, FIELD_REQUIRED, "spec.attachRequired", NULL, NULL);
    if (!json_get(spec, "podInfoOnMount")) field_error_add(errs, FIELD_REQUIRED, "spec.podInfoOnMount", NULL, NULL);
    static const char *const policies[] = {"File", "None", "ReadWriteOnceWithFSType", NULL};
    const char *fsg = json_str(spec, "fsGroupPolicy");
    if (*fsg && !value_supported(fsg, policies)) field_error_not_supported(errs, "spec.fsGroupPolicy", fsg, policies);
    static const char *const modes[] = {"Ephemeral", "Persistent", NULL};
    validate_each_supported(json_get(spec, "volumeLifecycleModes"), "spec.volumeLifecycleModes", modes, errs);
    const cJSON *m;
    int i = 0;
    char field[64];
    cJSON_ArrayForEach(m, json_get(spec, "tokenRequests")) {
        const cJSON *exp = json_get(m, "expirationSeconds");
        snprintf(field, sizeof field, "spec.tokenRequests[%d].expirationSeconds", i++);
        if (cJSON_IsNumber(exp) && exp->valuedouble < 600)
            field_error_add(errs, FIELD_INVALID, field, exp, "may not specify a duration less than 10 minutes");
    }
}

static void validate_csidriver_update(const cJSON *d, const cJSON *old, field_errors *errs)
{
    validate_immutable(d, old, "spec.attachRequired", errs);
}

const kapi_strategy strategy_csidrivers = {
    .names = NAME_DNS1123_SUBDOMAIN, .set_defaults = csidriver_set_defaults,
    .validate = validate_csidriver, .validate_update = validate_csidriver_update,
};

static const table_column csidriver_columns[] = {
    {NAME_CELL},
    {BOOL_CELL("AttachRequired", "boolean", "attachRequired indicates this CSI volume driver requires an attach operation (because it implements the CSI ControllerPublishVolume() method), and that the Kubernetes attach detach controller should call the attach volume interface which checks the volumeattachment status and waits until the volume is attached before proceeding to mounting.", "spec.attachRequired")},
    {BOOL_CELL("PodInfoOnMount", "boolean", "podInfoOnMount indicates this CSI volume driver requires additional pod information (like podName, podUID, etc.) during mount operations, if set to true.", "spec.podInfoOnMount")},
    {BOOL_CELL("StorageCapacity", "boolean", "storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity that the driver deployment will report by creating CSIStorageCapacity objects with capacity information, if set to true.", "spec.storageCapacity")},
    {JOINED_CELL("TokenRequests", "tokenRequests indicates the CSI driver needs pods' service account tokens it is mounting volume for to do necessary authentication.", "spec.tokenRequests", "audience", "<unset>")},
    {BOOL_CELL("RequiresRepublish", "boolean", "requiresRepublish indicates the CSI driver wants `NodePublishVolume` being periodically called to reflect any possible change in the mounted volume.", "spec.requiresRepublish")},
    {JOINED_CELL("Modes", "volumeLifecycleModes defines what kind of volumes this CSI volume driver supports.", "spec.volumeLifecycleModes", NULL, "<none>")},
    {AGE_CELL},
};

const table_def table_csidrivers = TABLE_OF(csidriver_columns);

/* ---- CSINode */

static void validate_csinode(const cJSON *n, field_errors *errs)
{
    const cJSON *d;
    int i = 0;
    char field[96];
    cJSON_ArrayForEach(d, json_at(n, "spec.drivers")) {
        snprintf(field, sizeof field, "spec.drivers[%d].name", i);
        validate_csi_driver_name(json_str(d, "name"), field, errs);
        const cJSON *prev;
        for (prev = json_at(n, "spec.drivers")->child; prev != d; prev = prev->next)
            if (!strcmp(json_str(prev, "name"), json_str(d, "name"))) {
                field_error_add_str(errs, FIELD_DUPLICATE, field, json_str(d, "name"), NULL);
                break;
            }
        snprintf(field, sizeof field, "spec.drivers[%d].nodeID", i);
        const char *id = json_str(d, "nodeID");
        if (!*id) field_error_add(errs, FIELD_REQUIRED, field, NULL, NULL);
        else if (strlen(id) > 192)
            field_error_add_str(errs, FIELD_INVALID, field, id, "must be 192 characters or less");
        snprintf(field, sizeof field, "spec.drivers[%d].allocatable.count", i++);
        const cJSON *count = json_at(d, "allocatable.count");
        if (cJSON_IsNumber(count) && count->valuedouble < 0)
            field_error_add(errs, FIELD_INVALID, field, count, "must be greater than or equal to 0");
    }
}

const kapi_strategy strategy_csinodes = {
    .names = NAME_DNS1123_SUBDOMAIN, .validate = validate_csinode,
};

static const table_column csinode_columns[] = {
    {NAME_CELL},
    {COUNT_CELL("Drivers", "integer", "Drivers indicates the number of CSI drivers registered on the node", "spec.drivers")},
    {AGE_CELL},
};

const table_def table_csinodes = TABLE_OF(csinode_columns);

/* ---- VolumeAttachment */

#define ONE_SOURCE "must specify exactly one of inlineVolumeSpec and persistentVolumeName"

static void validate_volumeattachment(const cJSON *va, field_errors *errs)
{
    const cJSON *spec = json_get(va, "spec");
    validate_csi_driver_name(json_str(spec, "attacher"), "spec.attacher", errs);
    const cJSON *pv = json_at(spec, "source.persistentVolumeName");
    const cJSON *inl = json_at(spec, "source.inlineVolumeSpec");
    int has_pv = pv && !cJSON_IsNull(pv), has_inline = inl && !cJSON_IsNull(inl);
    if (!has_pv && !has_inline) field_error_add(errs, FIELD_REQUIRED, "spec.source", NULL, ONE_SOURCE);
    else if (has_pv && has_inline) field_error_add(errs, FIELD_FORBIDDEN, "spec.source", NULL, ONE_SOURCE);
    else if (has_pv && !*json_str(json_get(spec, "source"), "persistentVolumeName"))
        field_error_add(errs, FIELD_REQUIRED, "spec.source.persistentVolumeName", NULL,
                        "must specify non empty persistentVolumeName");
    validate_required_string(spec, "nodeName", "spec.nodeName", NULL, errs);
}

const kapi_strategy strategy_volumeattachments = {
    .names = NAME_DNS1123_SUBDOMAIN, .has_status = 1, .prepare_for_create = workload_clear_status,
    .set_defaults = workload_normalize, .validate = validate_volumeattachment,
    .prepare_for_status_update = workload_keep_spec,
};

static const table_column volumeattachment_columns[] = {
    {NAME_CELL},
    {.name = "Attacher", .type = "string", .format = "name", .description = "Attacher indicates the name of the volume driver that MUST handle this request. This is the name returned by GetPluginName().", .cell = CELL_TEXT, .path = "spec.attacher", .text = ""},
    {.name = "PV", .type = "string", .format = "", .description = "Source represents the volume that should be attached.", .cell = CELL_TEXT, .path = "spec.source.persistentVolumeName", .text = ""},
    {.name = "Node", .type = "string", .format = "", .description = "The node that the volume should be attached to.", .cell = CELL_TEXT, .path = "spec.nodeName", .text = ""},
    {BOOL_CELL("Attached", "boolean", "Indicates the volume is successfully attached. This field must only be set by the entity completing the attach operation, i.e. the external-attacher.", "status.attached")},
    {AGE_CELL},
};

const table_def table_volumeattachments = TABLE_OF(volumeattachment_columns);

/* ---- CSIStorageCapacity */

static void validate_csistoragecapacity(const cJSON *c, field_errors *errs)
{
    const char *sc = json_str(c, "storageClassName");
    if (!*sc) {
        field_error_add(errs, FIELD_REQUIRED, "storageClassName", NULL, NULL);
    } else {
        validation_messages m = {0};
        is_dns1123_subdomain(sc, &m);
        add_invalid_value_for_each_message(errs, "storageClassName", sc, &m);
    }
    if (json_get(c, "nodeTopology")) label_selector_validate(json_get(c, "nodeTopology"), "nodeTopology", errs);
    static const char *const quantities[] = {"capacity", "maximumVolumeSize", NULL};
    for (int i = 0; quantities[i]; i++) {
        const cJSON *q = json_get(c, quantities[i]);
        if (cJSON_IsString(q) && q->valuestring[0] == '-' && strcmp(q->valuestring, "-0"))
            field_error_add(errs, FIELD_INVALID, quantities[i], q, "must be greater than or equal to 0");
    }
}

const kapi_strategy strategy_csistoragecapacities = {
    .names = NAME_DNS1123_SUBDOMAIN, .validate = validate_csistoragecapacity,
};

static const table_column csistoragecapacity_columns[] = {
    {NAME_CELL},
    {.name = "StorageClassName", .type = "string", .format = "", .description = "storageClassName represents the name of the StorageClass that the reported capacity applies to. It must meet the same requirements as the name of a StorageClass object (non-empty, DNS subdomain). If that object no longer exists, the CSIStorageCapacity object is obsolete and should be removed by its creator. This field is immutable.", .cell = CELL_TEXT, .path = "storageClassName", .text = ""},
    {.name = "Capacity", .type = "string", .format = "", .description = "capacity is the value reported by the CSI driver in its GetCapacityResponse for a GetCapacityRequest with topology and parameters that match the previous fields.", .cell = CELL_TEXT, .path = "capacity", .text = "<unset>"},
    {AGE_CELL},
};

const table_def table_csistoragecapacities = TABLE_OF(csistoragecapacity_columns);

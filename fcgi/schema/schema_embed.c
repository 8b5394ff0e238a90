/* schema_embed.c: the .schema files under schema/, embedded at build time with
 * .incbin (so the programs need no schema/ folder at run time) and listed in
 * load order. Paths are relative to the repository root, where make runs;
 * the Makefile lists the schema files as prerequisites of this object. A new
 * file needs one EMBED line and one entry in schema_sources below. */
#include "schema/schema_internal.h"

#define EMBED(sym, path)                                                     \
    __asm__(".pushsection .rodata\n"                                         \
            ".global " #sym "\n"                                             \
            ".type " #sym ", @object\n" #sym ":\n"                           \
            ".incbin \"" path "\"\n"                                         \
            ".byte 0\n"                                                      \
            ".size " #sym ", . - " #sym "\n"                                 \
            ".popsection\n");                                                \
    extern const char sym[]

EMBED(kapi_schema_src_meta, "schema/meta.schema");
EMBED(kapi_schema_src_core, "schema/core_v1.schema");
EMBED(kapi_schema_src_core_pod, "schema/core_v1_pod.schema");
EMBED(kapi_schema_src_core_volume, "schema/core_v1_volume.schema");
EMBED(kapi_schema_src_core_service, "schema/core_v1_service.schema");
EMBED(kapi_schema_src_core_node, "schema/core_v1_node.schema");
EMBED(kapi_schema_src_apps, "schema/apps_v1.schema");
EMBED(kapi_schema_src_rbac, "schema/rbac_v1.schema");
EMBED(kapi_schema_src_coordination, "schema/coordination_v1.schema");
EMBED(kapi_schema_src_autoscaling, "schema/autoscaling_v1.schema");
EMBED(kapi_schema_src_authorization, "schema/authorization_v1.schema");
EMBED(kapi_schema_src_authentication, "schema/authentication_v1.schema");
EMBED(kapi_schema_src_policy, "schema/policy_v1.schema");

const schema_source schema_sources[] = {
    {"schema/meta.schema", kapi_schema_src_meta},
    {"schema/core_v1.schema", kapi_schema_src_core},
    {"schema/core_v1_pod.schema", kapi_schema_src_core_pod},
    {"schema/core_v1_volume.schema", kapi_schema_src_core_volume},
    {"schema/core_v1_service.schema", kapi_schema_src_core_service},
    {"schema/core_v1_node.schema", kapi_schema_src_core_node},
    {"schema/apps_v1.schema", kapi_schema_src_apps},
    {"schema/rbac_v1.schema", kapi_schema_src_rbac},
    {"schema/coordination_v1.schema", kapi_schema_src_coordination},
    {"schema/autoscaling_v1.schema", kapi_schema_src_autoscaling},
    {"schema/authorization_v1.schema", kapi_schema_src_authorization},
    {"schema/authentication_v1.schema", kapi_schema_src_authentication},
    {"schema/policy_v1.schema", kapi_schema_src_policy},
};
const int schema_n_sources = sizeof schema_sources / sizeof schema_sources[0];

/* tables_rbac.c: server-side printing of RoleBindings and ClusterRoleBindings
 * (kube-apiserver's printRoleBinding / printClusterRoleBinding, Kubernetes
 * 1.32): ROLE as "Kind/name", AGE, and wide USERS, GROUPS, SERVICEACCOUNTS
 * (rbac.SubjectsStrings). Roles and ClusterRoles have no printer in kube and
 * get the default Name / Created At table (tables.c). */
#include <stdio.h>
#include <string.h>
#include "registry/tables.h"
#include "registry/tables_internal.h"

/* The two bindings print the same columns; kube's descriptions differ only
 * in the RoleRef text and the word naming the object. */
#define BINDING_COLUMNS(role_ref_doc, object)                                           \
    {"Name", "string", "name", DOC_OBJECTMETA_NAME, 0},                                 \
    {"Role", "string", "", role_ref_doc, 0},                                            \
    {"Age", "string", "", DOC_OBJECTMETA_CREATION_TIMESTAMP, 0},                        \
    {"Users", "string", "", "Users in the " object, 1},                                 \
    {"Groups", "string", "", "Groups in the " object, 1},                               \
    {"ServiceAccounts", "string", "", "ServiceAccounts in the " object, 1}

static const table_column rolebinding_columns[] = {
    BINDING_COLUMNS("RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.", "roleBinding"),
};

static const table_column clusterrolebinding_columns[] = {
    BINDING_COLUMNS("RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.", "clusterRoleBinding"),
};

static void append_subject(kapi_buf *b, const char *text)
{
    if (b->len) kapi_buf_puts(b, ", ");
    kapi_buf_puts(b, text);
}

static void binding_row(const cJSON *binding, cJSON *cells, time_t now)
{
    kapi_buf role;
    kapi_buf_init(&role);
    kapi_buf_printf(&role, "%s/%s", tj_str_or(binding, "roleRef.kind", ""),
                    tj_str_or(binding, "roleRef.name", ""));
    cell_name(cells, binding);
    cell_buf(cells, &role);
    cell_age(cells, binding, now);

    kapi_buf users, groups, sas, sa;
    kapi_buf_init(&users);
    kapi_buf_init(&groups);
    kapi_buf_init(&sas);
    const cJSON *subjects = json_array_at(binding, "subjects"), *s;
    if (subjects) {
        cJSON_ArrayForEach(s, subjects) {
            const char *kind = tj_str_or(s, "kind", ""), *name = tj_str_or(s, "name", "");
            if (!strcmp(kind, "ServiceAccount")) {
                kapi_buf_init(&sa);
                kapi_buf_printf(&sa, "%s/%s", tj_str_or(s, "namespace", ""), name);
                append_subject(&sas, sa.data ? sa.data : "");
                kapi_buf_free(&sa);
            } else if (!strcmp(kind, "User")) {
                append_subject(&users, name);
            } else if (!strcmp(kind, "Group")) {
                append_subject(&groups, name);
            }
        }
    }
    cell_buf(cells, &users);
    cell_buf(cells, &groups);
    cell_buf(cells, &sas);
}

const table_def table_rolebindings = {rolebinding_columns, 6, binding_row, NULL};
const table_def table_clusterrolebindings = {clusterrolebinding_columns, 6, binding_row, NULL};

/* endpointslices.c: discovery.k8s.io/v1 EndpointSlice: kube's defaults
 * (each port's name "" and protocol TCP), validation
 * (pkg/apis/discovery/validation: addressType, addresses by type, at most
 * 1000 endpoints of at most 100 addresses, 100 ports, hostnames and port
 * names DNS labels, protocols; addressType immutable) with its messages,
 * and the Table of kube's printEndpointSlice. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "codec/jsonpath.h"
#include "codec/validate_meta.h"
#include "registry/kinds/workload.h"
#include "registry/strategies.h"
#include "registry/tables_internal.h"

static void endpointslice_set_defaults(cJSON *es)
{
    cJSON *p;
    cJSON_ArrayForEach(p, json_get(es, "ports")) {
        if (!cJSON_IsObject(p)) continue;
        default_string(p, "name", "");
        default_string(p, "protocol", "TCP");
    }
}

static void validate_address(const char *type, const char *addr, const char *field, field_errors *errs)
{
    unsigned char buf[16];
    if (!strcmp(type, "IPv4")) {
        if (inet_pton(AF_INET, addr, buf) != 1)
            field_error_add_str(errs, FIELD_INVALID, field, addr, "must be a valid IPv4 address");
    } else if (!strcmp(type, "IPv6")) {
        if (inet_pton(AF_INET6, addr, buf) != 1 || !strchr(addr, ':'))
            field_error_add_str(errs, FIELD_INVALID, field, addr, "must be a valid IPv6 address");
    } else if (!strcmp(type, "FQDN")) {
        validation_messages m = {0};
        is_dns1123_subdomain(addr, &m);
        add_invalid_value_for_each_message(errs, field, addr, &m);
    }
}

static void validate_endpointslice(const cJSON *es, field_errors *errs)
{
    static const char *const types[] = {"FQDN", "IPv4", "IPv6", NULL};
    const char *type = json_str(es, "addressType");
    int known = value_supported(type, types);
    if (!*type) field_error_add(errs, FIELD_REQUIRED, "addressType", NULL, NULL);
    else if (!known) field_error_not_supported(errs, "addressType", type, types);
    char field[128];
    const cJSON *endpoints = json_get(es, "endpoints"), *e;
    if (cJSON_GetArraySize(endpoints) > 1000)
        field_error_add(errs, FIELD_TOO_MANY, "endpoints", NULL, "must have at most 1000 items");
    int i = 0;
    cJSON_ArrayForEach(e, endpoints) {
        const cJSON *addrs = json_get(e, "addresses"), *a;
        int n = cJSON_GetArraySize(addrs);
        snprintf(field, sizeof field, "endpoints[%d].addresses", i);
        if (n == 0) field_error_add(errs, FIELD_REQUIRED, field, NULL, "must contain at least 1 address");
        else if (n > 100) field_error_add(errs, FIELD_TOO_MANY, field, NULL, "must have at most 100 items");
        int k = 0;
        cJSON_ArrayForEach(a, addrs) {
            snprintf(field, sizeof field, "endpoints[%d].addresses[%d]", i, k++);
            if (known) validate_address(type, cJSON_IsString(a) ? a->valuestring : "", field, errs);
        }
        const cJSON *host = json_get(e, "hostname");
        if (cJSON_IsString(host)) {
            validation_messages m = {0};
            is_dns1123_label(host->valuestring, &m);
            snprintf(field, sizeof field, "endpoints[%d].hostname", i);
            add_invalid_value_for_each_message(errs, field, host->valuestring, &m);
        }
        i++;
    }
    const cJSON *ports = json_get(es, "ports"), *p;
    if (cJSON_GetArraySize(ports) > 100) field_error_add(errs, FIELD_TOO_MANY, "ports", NULL, "must have at most 100 items");
    static const char *const protocols[] = {"SCTP", "TCP", "UDP", NULL};
    i = 0;
    cJSON_ArrayForEach(p, ports) {
        const char *name = json_str(p, "name");
        if (*name) {
            validation_messages m = {0};
            is_dns1123_label(name, &m);
            snprintf(field, sizeof field, "ports[%d].name", i);
            add_invalid_value_for_each_message(errs, field, name, &m);
        }
        const char *proto = json_str(p, "protocol");
        snprintf(field, sizeof field, "ports[%d].protocol", i);
        if (!value_supported(proto, protocols)) field_error_not_supported(errs, field, proto, protocols);
        const cJSON *port = json_get(p, "port");
        snprintf(field, sizeof field, "ports[%d].port", i++);
        if (cJSON_IsNumber(port) && (port->valuedouble < 0 || port->valuedouble > 65535))
            field_error_add(errs, FIELD_INVALID, field, port, "must be between 0 and 65535, inclusive");
    }
}

static void validate_endpointslice_update(const cJSON *es, const cJSON *old, field_errors *errs)
{
    validate_immutable(es, old, "addressType", errs);
}

const kapi_strategy strategy_endpointslices = {
    .names = NAME_DNS1123_SUBDOMAIN, .has_generation = 1, .set_defaults = endpointslice_set_defaults,
    .validate = validate_endpointslice, .validate_update = validate_endpointslice_update,
};

/* ---- the Table: formatDiscoveryPorts, formatDiscoveryEndpoints */

static const table_column endpointslice_columns[] = {
    {NAME_CELL},
    {"AddressType", "string", "", "addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name.", 0},
    {"Ports", "string", "", "ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates \"all ports\". Each slice may include a maximum of 100 ports.", 0},
    {"Endpoints", "string", "", "endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.", 0},
    {AGE_CELL},
};

#define LIST_MAX 3

static void endpointslice_row(const cJSON *es, cJSON *cells, time_t now)
{
    const char *items[LIST_MAX];
    char numbers[LIST_MAX][16];
    int count = 0;
    const cJSON *p, *e, *a;
    cJSON_ArrayForEach(p, json_get(es, "ports")) {
        if (count < LIST_MAX) {
            const cJSON *port = json_get(p, "port"), *name = json_get(p, "name");
            if (cJSON_IsNumber(port)) {
                snprintf(numbers[count], sizeof numbers[count], "%d", port->valueint);
                items[count] = numbers[count];
            } else {
                items[count] = cJSON_IsString(name) ? name->valuestring : "*";
            }
        }
        count++;
    }
    cell_name(cells, es);
    cell_string(cells, tj_str_or(es, "addressType", ""));
    cell_list_with_more(cells, items, count, LIST_MAX);
    count = 0;
    cJSON_ArrayForEach(e, json_get(es, "endpoints")) {
        cJSON_ArrayForEach(a, json_get(e, "addresses")) {
            if (count < LIST_MAX) items[count] = cJSON_IsString(a) ? a->valuestring : "";
            count++;
        }
    }
    cell_list_with_more(cells, items, count, LIST_MAX);
    cell_age(cells, es, now);
}

const table_def table_endpointslices = {endpointslice_columns, 5, endpointslice_row, NULL};

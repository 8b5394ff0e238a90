/* decode.c: request bodies decoded by media type: application/json and
 * application/yaml through codec/, application/vnd.kubernetes.protobuf
 * through the field schema (schema/protobuf.c); errors in kube's words. */
#include <stdio.h>
#include <string.h>
#include "codec/codec.h"
#include "codec/json.h"
#include "codec/yaml.h"
#include "core/status.h"
#include "schema/decode.h"
#include "schema/protobuf.h"

/* kube's summarizeData: the body, cut to 30 bytes with " ...". */
static void summarize(const char *body, size_t len, char *out, size_t n)
{
    if (len == 0) { snprintf(out, n, "<empty>"); return; }
    if (len >= 4 && !memcmp(body, "k8s\0", 4)) { snprintf(out, n, "<protobuf>"); return; }
    if (len > 30) snprintf(out, n, "%.30s ...", body);
    else snprintf(out, n, "%.*s", (int)len, body);
}

static cJSON *bad_request(const char *msg)
{
    return status_new_details(KAPI_BAD_REQUEST, msg, NULL, NULL, NULL);
}

cJSON *decode_body(const kapi_request *req, const char *expected_kind, cJSON **status)
{
    const char *mt = request_media_type(req);
    /* NegotiateInputSerializer: no Content-Type means the first media type
     * the server supports, JSON (client-go's scale client sends its Scale
     * PUT of `kubectl scale --current-replicas` without one) */
    if (!*mt) mt = "application/json";
    char err[512], msg[1400], sum[64];
    cJSON *obj = NULL;
    *status = NULL;
    if (!strcmp(mt, "application/json")) {
        obj = json_parse_strict(req->body ? req->body : "", req->body_len, err, sizeof err);
    } else if (!strcmp(mt, "application/yaml")) {
        obj = yaml_parse(req->body ? req->body : "", req->body_len, err, sizeof err);
    } else if (!strcmp(mt, PROTOBUF_MEDIA_TYPE)) {
        /* kubectl 1.32+ typed clients: decoded through the field schema */
        obj = protobuf_decode_body(req->body, req->body_len, expected_kind, msg, sizeof msg);
        if (!obj) {
            *status = bad_request(msg);
            return NULL;
        }
    } else {
        *status = status_new(KAPI_UNSUPPORTED_MEDIA,
                             "the body of the request was in an unknown format - accepted media "
                             "types include: application/json, application/yaml, "
                             PROTOBUF_MEDIA_TYPE);
        return NULL;
    }
    if (!obj) {
        summarize(req->body ? req->body : "", req->body_len, sum, sizeof sum);
        if (!strcmp(mt, "application/yaml"))
            snprintf(msg, sizeof msg, "the object provided is unrecognized (must be of type %s): %s (%s)",
                     expected_kind, err, sum);
        else
            snprintf(msg, sizeof msg,
                     "the object provided is unrecognized (must be of type %s): couldn't get "
                     "version/kind; json parse error: %s (%s)",
                     expected_kind, err, sum);
        *status = bad_request(msg);
        return NULL;
    }
    kapi_pool_keep_json(req->pool, obj);
    if (!cJSON_IsObject(obj)) {
        summarize(req->body ? req->body : "", req->body_len, sum, sizeof sum);
        snprintf(msg, sizeof msg,
                 "the object provided is unrecognized (must be of type %s): couldn't get "
                 "version/kind; json parse error: json: cannot unmarshal %s into Go value of "
                 "type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind "
                 "string \"json:\\\"kind,omitempty\\\"\" } (%s)",
                 expected_kind,
                 cJSON_IsArray(obj) ? "array" : cJSON_IsString(obj) ? "string"
                 : cJSON_IsNumber(obj) ? "number" : cJSON_IsBool(obj) ? "bool" : "null",
                 sum);
        *status = bad_request(msg);
        return NULL;
    }
    return obj;
}


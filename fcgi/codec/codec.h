/* codec.h: content negotiation and the edges of the pipeline: request bodies
 * decoded into cJSON (JSON or YAML), responses encoded as JSON (compact or
 * pretty), YAML, or a Table, errors as v1 Status. */
#ifndef KAPI_CODEC_H
#define KAPI_CODEC_H

#include <cjson/cJSON.h>
#include "core/kapi.h"

typedef enum output_kind {
    OUTPUT_JSON,
    OUTPUT_YAML,
    OUTPUT_TABLE,          /* meta.k8s.io Table */
    OUTPUT_DISCOVERY       /* aggregated discovery (apidiscovery.k8s.io) */
} output_kind;

typedef struct output_format {
    output_kind kind;
    const char *version;   /* "v1"/"v1beta1" for tables, "v2"/"v2beta1" for discovery */
    int pretty;            /* Go's MarshalIndent: ?pretty=true, or curl, Wget, browsers */
} output_format;

enum { ALLOW_TABLE = 1, ALLOW_DISCOVERY = 2 };

/* Picks the response format from Accept. Returns KAPI_OK or
 * KAPI_NOT_ACCEPTABLE. */
kapi_rc negotiate_output(const kapi_request *req, unsigned allow, output_format *out);
/* The first media range of Accept (in the header's order, q=0 skipped, as
 * negotiate_output reads it) that is one of offered (lower-case,
 * NULL-terminated): that entry; the any-type range gives offered[0]. NULL
 * when Accept is absent or names none of them. */
const char *negotiate_media(const kapi_request *req, const char *const *offered);

/* 1 when Accept names text/html before application/json, or without it, as
 * a browser's navigation sends it ("text/html,application/xhtml+xml,...");
 * a range with q=0 does not count. kubectl, curl and fetch() never do. */
int accept_prefers_html(const kapi_request *req);

/* The media type of the body without parameters, lower-cased, in the pool
 * ("" when there is none). */
const char *request_media_type(const kapi_request *req);

/* Encodes obj in fmt (JSON or YAML) with the HTTP status into resp. obj is
 * not consumed. */
void respond_object(const kapi_request *req, kapi_response *resp, int http_status,
                    const cJSON *obj, const output_format *fmt);
/* Sends a Status object (consumed) with its own code. */
void respond_status(const kapi_request *req, kapi_response *resp, cJSON *status);
/* Sends a Status built from rc and message (no details). */
void respond_error(const kapi_request *req, kapi_response *resp, kapi_rc rc, const char *message);
/* 404 "the server could not find the requested resource", details {}. */
void respond_not_found_path(const kapi_request *req, kapi_response *resp);
/* Plain text body (healthz "ok"). */
void respond_text(kapi_response *resp, int http_status, const char *text);

/* The format errors are written in for this request (JSON or YAML, pretty
 * for curl). */
void error_format(const kapi_request *req, output_format *fmt);

#endif

/* metrics.h: /metrics (kube-apiserver's metric names in the Prometheus text
 * format or OpenMetrics) and what the pipeline records for it, over the
 * pool's shared counters (core/metrics.h). */
#ifndef KAPI_HTTP_METRICS_H
#define KAPI_HTTP_METRICS_H

#include "core/kapi.h"
#include "core/metrics.h"
#include "core/request.h"

/* GET /metrics: every family, the whole pool's. OpenMetrics 1.0.0 when the
 * Accept header's first type kapi offers is application/openmetrics-text
 * (what Prometheus sends), else the text format 0.0.4. Authorization is the
 * caller's (nonResourceURL /metrics). */
void metrics_serve(kapi_ctx *ctx, kapi_request *req, kapi_response *resp);

/* One authorized request done: apiserver_request_total and
 * apiserver_request_duration_seconds with kube's labels (resource requests,
 * and GET /healthz, /livez, /readyz as kube instruments them). */
void metrics_record_request(const kapi_request *req, const request_info *info, int code, double seconds);

/* A request the fairness gate refused with 429 before kapi_handle: counted
 * in apiserver_request_total with code 429, as kube's RecordDroppedRequest
 * does (no duration). */
void metrics_record_dropped(const kapi_request *req, const request_info *info);

/* apiserver_longrunning_requests: +1 when a watch starts, -1 when it ends. */
void metrics_longrunning(const kapi_request *req, const request_info *info, int delta);

/* kube's label values for a request: scope (CleanScope), the reported verb
 * (CanonicalVerb + cleanVerb: GET/LIST/WATCH/POST/PUT/PATCH/APPLY/DELETE,
 * else "other") and dry_run (cleanDryRun: "", "All" or "invalid"). */
const char *metrics_scope(const request_info *info);
const char *metrics_verb(const kapi_request *req, const request_info *info, const char *scope);
const char *metrics_dry_run(const kapi_request *req);

/* Writes a float as Go's strconv.FormatFloat(v, 'g', -1, 64) would, the
 * shortest text that reads back as v ("+Inf", "NaN" as Prometheus spells
 * them). */
void metrics_format_float(char *buf, size_t n, double v);

#endif

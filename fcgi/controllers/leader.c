/* leader.c: leader election with a coordination.k8s.io/v1 Lease, as
 * client-go's leaderelection (tryAcquireOrRenew, release) does it, in
 * kube-system/kapi-reconcile. A runner takes the lease when it is free,
 * its own, or expired (renewTime + leaseDurationSeconds in the past); a
 * second runner while it is held does nothing. The holder renews it while
 * it works (every third of the duration) and gives it back at the end of
 * its pass; a runner killed half way lets it expire. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "controllers/controllers.h"
#include "core/util.h"

#define LEASE_PATH "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kapi-reconcile"
#define LEASES_PATH "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases"

static cJSON *lease_spec(pass *p, const char *acquire, int transitions, const char *holder, int seconds)
{
    char now[32];
    microtime_now(now);
    cJSON *spec = cJSON_CreateObject();
    cJSON_AddStringToObject(spec, "holderIdentity", holder);
    cJSON_AddNumberToObject(spec, "leaseDurationSeconds", seconds);
    cJSON_AddStringToObject(spec, "acquireTime", acquire ? acquire : now);
    cJSON_AddStringToObject(spec, "renewTime", now);
    cJSON_AddNumberToObject(spec, "leaseTransitions", transitions);
    (void)p;
    return spec;
}

/* PUTs lease with a new spec; returns the HTTP status. */
static int put_lease(pass *p, cJSON *lease, cJSON *spec)
{
    cJSON_DeleteItemFromObjectCaseSensitive(lease, "spec");
    cJSON_AddItemToObject(lease, "spec", spec);
    char *text = cJSON_PrintUnformatted(lease);
    if (!text) return 0;
    int status = api_call(p, "PUT", LEASE_PATH, "", text, NULL);
    free(text);
    return status;
}

/* When the lease runs out: renewTime + leaseDurationSeconds. */
static time_t lease_expiry(const cJSON *lease)
{
    const char *renew = obj_str(lease, "spec.renewTime");
    time_t t = renew ? time_parse_rfc3339(renew) : -1;
    if (t < 0) return 0;
    return t + (time_t)obj_num(lease, "spec.leaseDurationSeconds", 0);
}

lease_outcome lease_acquire(pass *p, char *holder, size_t holder_len, char *until, size_t until_len)
{
    holder[0] = until[0] = '\0';
    for (int attempt = 0; attempt < 3; attempt++) {
        cJSON *lease = NULL;
        int status = api_call(p, "GET", LEASE_PATH, "", NULL, &lease);
        if (status == 404) {
            cJSON_Delete(lease);
            if (p->o->dry_run) return LEASE_HELD;     /* free; a plan takes nothing */
            cJSON *l = cJSON_CreateObject();
            cJSON_AddStringToObject(l, "apiVersion", "coordination.k8s.io/v1");
            cJSON_AddStringToObject(l, "kind", "Lease");
            cJSON *m = cJSON_AddObjectToObject(l, "metadata");
            cJSON_AddStringToObject(m, "name", "kapi-reconcile");
            cJSON_AddStringToObject(m, "namespace", "kube-system");
            cJSON_AddItemToObject(l, "spec", lease_spec(p, NULL, 0, p->identity, p->lease_seconds));
            char *text = cJSON_PrintUnformatted(l);
            cJSON_Delete(l);
            status = text ? api_call(p, "POST", LEASES_PATH, "", text, NULL) : 0;
            free(text);
            if (status == 201) {
                p->holding_lease = 1;
                p->lease_renewed = time(NULL);
                return LEASE_HELD;
            }
            if (status == 409) continue;              /* another runner created it first */
            fprintf(stderr, "kapi-reconcile: creating the lease: HTTP %d\n", status);
            return LEASE_ERROR;
        }
        if (status != 200 || !lease) {
            const char *msg = obj_str(lease, "message");
            fprintf(stderr, "kapi-reconcile: reading the lease: HTTP %d%s%s\n", status, msg ? ": " : "", msg ? msg : "");
            cJSON_Delete(lease);
            return LEASE_ERROR;
        }
        const char *current = obj_str(lease, "spec.holderIdentity");
        time_t expiry = lease_expiry(lease);
        time_t now = time(NULL);
        if (current && *current && strcmp(current, p->identity) && expiry > now) {
            snprintf(holder, holder_len, "%s", current);
            time_rfc3339(expiry, until);
            (void)until_len;
            cJSON_Delete(lease);
            return LEASE_TAKEN_BY_OTHER;
        }
        if (p->o->dry_run) { cJSON_Delete(lease); return LEASE_HELD; }
        int mine = current && !strcmp(current, p->identity);
        int transitions = (int)obj_num(lease, "spec.leaseTransitions", 0) + (mine ? 0 : 1);
        cJSON *spec = lease_spec(p, mine ? obj_str(lease, "spec.acquireTime") : NULL, transitions,
                                 p->identity, p->lease_seconds);
        status = put_lease(p, lease, spec);
        cJSON_Delete(lease);
        if (status == 200) {
            p->holding_lease = 1;
            p->lease_renewed = now;
            return LEASE_HELD;
        }
        if (status == 409) continue;                  /* someone else renewed or took it */
        fprintf(stderr, "kapi-reconcile: taking the lease: HTTP %d\n", status);
        return LEASE_ERROR;
    }
    /* lost every race: whoever won holds it */
    cJSON *lease = NULL;
    if (api_call(p, "GET", LEASE_PATH, "", NULL, &lease) == 200) {
        const char *current = obj_str(lease, "spec.holderIdentity");
        snprintf(holder, holder_len, "%s", current ? current : "");
        time_rfc3339(lease_expiry(lease), until);
    }
    cJSON_Delete(lease);
    return LEASE_TAKEN_BY_OTHER;
}

void lease_renew_if_due(pass *p)
{
    if (!p->holding_lease || p->renewing || p->aborted) return;
    time_t now = time(NULL);
    if (now - p->lease_renewed < (p->lease_seconds >= 3 ? p->lease_seconds / 3 : 1)) return;
    p->renewing = 1;
    cJSON *lease = NULL;
    int status = api_call(p, "GET", LEASE_PATH, "", NULL, &lease);
    const char *current = obj_str(lease, "spec.holderIdentity");
    if (status == 200 && current && !strcmp(current, p->identity)) {
        cJSON *spec = lease_spec(p, obj_str(lease, "spec.acquireTime"), (int)obj_num(lease, "spec.leaseTransitions", 0),
                                 p->identity, p->lease_seconds);
        status = put_lease(p, lease, spec);
        if (status == 200) p->lease_renewed = now;
    } else {
        status = 409;
    }
    cJSON_Delete(lease);
    if (status == 409) {
        fprintf(stderr, "kapi-reconcile: the lease kube-system/kapi-reconcile was lost; stopping this pass\n");
        p->holding_lease = 0;
        p->aborted = 1;
    }
    p->renewing = 0;
}

void lease_release(pass *p)
{
    if (!p->holding_lease) return;
    cJSON *lease = NULL;
    int status = api_call(p, "GET", LEASE_PATH, "", NULL, &lease);
    const char *current = obj_str(lease, "spec.holderIdentity");
    if (status == 200 && current && !strcmp(current, p->identity)) {
        /* client-go's release: no holder, a one second lease */
        cJSON *spec = lease_spec(p, NULL, (int)obj_num(lease, "spec.leaseTransitions", 0), "", 1);
        put_lease(p, lease, spec);
    }
    cJSON_Delete(lease);
    p->holding_lease = 0;
}

/* client_dn.c: fuzzes the client-certificate subject nginx passes
 * ($ssl_client_s_dn as KAPI_CLIENT_DN, RFC 2253 with escapes) through
 * auth/authn.c: dn_parse on its own, and authenticate() turning a verified
 * certificate's DN into a user (CN the name, O values the groups). */
#include "auth/authn.h"
#include "fuzz.h"

static void count_attr(void *arg, const char *type, const char *value)
{
    (void)type;
    (void)value;
    (*(int *)arg)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *dn = fuzz_cstring(data, size);
    int n = 0;
    dn_parse(dn, count_attr, &n);
    kapi_pool *p = kapi_pool_new();
    kapi_request req = {.pool = p, .method = "GET", .path = "/api", .query = "",
                        .client_verify = "SUCCESS", .client_dn = dn};
    kapi_user user;
    authenticate(&req, &user);
    kapi_pool_free(p);
    free(dn);
    return 0;
}

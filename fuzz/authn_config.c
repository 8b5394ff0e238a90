/* authn_config.c: fuzzes kube's AuthenticationConfiguration file
 * (auth/oidc.c, KAPI_AUTHENTICATION_CONFIG): the YAML or JSON text is
 * decoded and validated, its CEL expressions compiled; a configuration
 * that loads is then asked about a fixed token of one of its issuers
 * (unsigned by any key it holds: refused before anything is fetched). */
#include "auth/oidc.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[600];
    if (oidc_configure_authentication((const char *)data, size, err, sizeof err) == 0) {
        /* the key set of the issuer is set here, so nothing is fetched */
        oidc_set_issuer_keys("https://idp.example",
                             "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"k\","
                             "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
                             "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}");
        kapi_pool *pool = kapi_pool_new();
        kapi_user u;
        const char *why = NULL;
        /* {"alg":"ES256","kid":"k"}.{"iss":"https://idp.example","aud":"a","sub":"s","exp":9999999999}.sig */
        oidc_authenticate(pool,
                          "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsifQ."
                          "eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlIiwiYXVkIjoiYSIsInN1YiI6InMiLCJleHAiOjk5OTk5OTk5OTl9."
                          "AAAA",
                          1700000000, &u, &why);
        kapi_pool_free(pool);
    }
    return 0;
}

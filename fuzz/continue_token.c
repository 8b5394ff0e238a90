/* continue_token.c: fuzzes the list `continue` query parameter
 * (registry/continue_token.c: base64url JSON {"v","rv","start"}); a token
 * that decodes is encoded again and must decode to the same key. */
#include <assert.h>
#include "fuzz.h"
#include "registry/continue_token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *token = fuzz_cstring(data, size), err[256];
    kapi_pool *p = kapi_pool_new();
    int64_t rev;
    char *start;
    int after;
    if (continue_token_decode(p, token, &rev, &start, &after, err, sizeof err) == 0) {
        char *again = continue_token_encode(p, rev, start, after);
        int64_t rev2;
        char *start2;
        int after2;
        assert(continue_token_decode(p, again, &rev2, &start2, &after2, err, sizeof err) == 0);
        assert(rev2 == rev && after2 == after && !strcmp(start2, start));
    }
    kapi_pool_free(p);
    free(token);
    return 0;
}

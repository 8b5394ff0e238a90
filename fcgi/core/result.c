/* result.c: the one place result codes become HTTP statuses and
 * Status.reason values (metav1.StatusReason). */
#include "core/kapi.h"

static const struct { int status; const char *reason; } rc_map[KAPI_RC_COUNT] = {
    [KAPI_OK]                 = {200, ""},
    [KAPI_CREATED]            = {201, ""},
    [KAPI_BAD_REQUEST]        = {400, "BadRequest"},
    [KAPI_UNAUTHORIZED]       = {401, "Unauthorized"},
    [KAPI_FORBIDDEN]          = {403, "Forbidden"},
    [KAPI_NOT_FOUND]          = {404, "NotFound"},
    [KAPI_METHOD_NOT_ALLOWED] = {405, "MethodNotAllowed"},
    [KAPI_NOT_ACCEPTABLE]     = {406, "NotAcceptable"},
    [KAPI_ALREADY_EXISTS]     = {409, "AlreadyExists"},
    [KAPI_CONFLICT]           = {409, "Conflict"},
    [KAPI_GONE]               = {410, "Expired"},
    [KAPI_TOO_LARGE]          = {413, "RequestEntityTooLarge"},
    [KAPI_UNSUPPORTED_MEDIA]  = {415, "UnsupportedMediaType"},
    [KAPI_INVALID]            = {422, "Invalid"},
    [KAPI_TOO_MANY]           = {429, "TooManyRequests"},
    [KAPI_INTERNAL]           = {500, "InternalError"},
    [KAPI_UNAVAILABLE]        = {503, "ServiceUnavailable"},
};

int kapi_rc_http_status(kapi_rc rc)
{
    return (unsigned)rc < KAPI_RC_COUNT ? rc_map[rc].status : 500;
}

const char *kapi_rc_reason(kapi_rc rc)
{
    return (unsigned)rc < KAPI_RC_COUNT ? rc_map[rc].reason : "InternalError";
}

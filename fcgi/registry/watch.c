/* watch.c: WATCH on every list endpoint. Not implemented yet: a watch is
 * answered 405 so clients fail clearly instead of hanging. */
#include "registry/rest_internal.h"

void rest_watch(rest_call *c)
{
    rest_fail_method_not_allowed(c);
}

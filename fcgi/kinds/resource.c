/* resource.c: what every layer asks of one kind's description: its
 * apiVersion, its registry keys (built here and nowhere else), its
 * subresources and selectable fields by name. */
#include <string.h>
#include "kinds/resource.h"

const char *resource_api_version(const kapi_resource *r)
{
    return r->api_version ? r->api_version : r->version;
}

char *resource_key(kapi_pool *p, const kapi_resource *r, const char *ns, const char *name)
{
    const char *prefix = r->key_prefix ? r->key_prefix : r->plural;
    if (r->namespaced && ns && *ns)
        return name ? kapi_psprintf(p, "/registry/%s/%s/%s", prefix, ns, name)
                    : kapi_psprintf(p, "/registry/%s/%s/", prefix, ns);
    return name ? kapi_psprintf(p, "/registry/%s/%s", prefix, name)
                : kapi_psprintf(p, "/registry/%s/", prefix);
}

const kind_subresource *resource_subresource(const kapi_resource *r, const char *name)
{
    if (!r || !name || !r->subresources) return NULL;
    for (const kind_subresource *s = r->subresources; s->name; s++)
        if (!strcmp(s->name, name)) return s;
    return NULL;
}

const selectable_field *resource_selectable_field(const kapi_resource *r, const char *name)
{
    if (!r || !name || !r->selectable_fields) return NULL;
    for (const selectable_field *f = r->selectable_fields; f->name; f++)
        if (!strcmp(f->name, name)) return f;
    return NULL;
}

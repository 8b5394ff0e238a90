/* bootstrap.h: the objects a new cluster starts with, put in place at init
 * and checked again at every start. */
#ifndef KAPI_BOOTSTRAP_H
#define KAPI_BOOTSTRAP_H

#include "core/kapi.h"

/* Creates what is missing: the namespaces default, kube-system, kube-public
 * and kube-node-lease, and the RBAC bootstrap policy, through the
 * pipeline as system:apiserver. Returns 0, or -1 with a message on stderr. */
int bootstrap_ensure(kapi_ctx *ctx);

#endif

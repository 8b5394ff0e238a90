/* token_file.h: kube-apiserver's static token file (--token-auth-file), for
 * scripts: a CSV file whose records are token,user,uid and optionally a
 * fourth column of groups ("group1,group2", quoted as CSV quotes). Here
 * the file is named by $KAPI_TOKEN_AUTH_FILE and read once per process. */
#ifndef KAPI_TOKEN_FILE_H
#define KAPI_TOKEN_FILE_H

#include <stdio.h>
#include "core/kapi.h"

/* The user of token in the file: 1 with user filled in (strings live as
 * long as the process; system:authenticated added), 0 when the token is
 * not in it (or there is no file). */
int token_file_authenticate(const char *token, kapi_user *user);

/* Parses a token file's text (kube's NewCSV: Go's encoding/csv, at least 3
 * columns per record, empty tokens skipped, a later duplicate wins). Returns
 * the number of tokens, or -1 with kube's message in err (and no tokens).
 * token_file_authenticate loads $KAPI_TOKEN_AUTH_FILE with it; a call
 * (the tests') replaces what was loaded, so no user it handed out may still
 * be in use. */
int token_file_load_text(const char *path, const char *text, char *err, size_t errlen);

#endif

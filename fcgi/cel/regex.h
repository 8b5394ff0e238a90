/* regex.h: RE2 patterns (what CEL's matches() and kube's find/findAll
 * take) run on the C library's POSIX extended regular expressions. The
 * pattern is rewritten first: \d \D \w \W \s \S (also inside brackets),
 * a leading (?i), \A \z, (?:...) groups, and escaped punctuation. What
 * POSIX cannot express (lazy quantifiers *? +? ??, lookaround, \b inside
 * brackets, \p{...} classes, flags other than i) is a compile error, not a
 * silent mismatch. POSIX picks the leftmost-longest match where RE2 picks
 * leftmost-first: find() can differ when alternatives overlap. */
#ifndef KAPI_CEL_REGEX_H
#define KAPI_CEL_REGEX_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

/* Compiles pattern (len bytes). Returns 0, or -1 with a message in err. */
int cel_regex_compile(regex_t *re, const char *pattern, size_t len, bool nosub, char *err, size_t errlen);

/* The compiled pattern from the evaluation's cache (a rule that matches
 * every item of a list compiles its pattern once), or NULL with err. The
 * cache is freed with the evaluation's pool. */
struct cel_ctx;
const regex_t *cel_regex_cached(struct cel_ctx *c, const char *pattern, size_t len, char *err, size_t errlen);

#endif

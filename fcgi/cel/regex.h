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

/* The largest pattern kapi compiles, in cel_regex_size's units. */
#define CEL_REGEX_MAX_SIZE 10000
/* A rough count of the states pattern expands to (repeat counts over
 * 1000 count as too large). */
double cel_regex_size(const char *pattern, size_t len);

/* The cost a match of a text of n bytes against pattern is charged: the
 * C library's matcher is not linear-time as RE2 is (searching an
 * unanchored pattern retries from every position), so kapi charges the
 * square of the text's length as well, and a long text against a hostile
 * pattern is refused before it runs. */
#define CEL_REGEX_COST(n, size) ((int64_t)((double)(n) * (size) / 10 + (double)(n) * (double)(n) / 20) + 1)

/* Compiles pattern (len bytes). Returns 0, or -1 with a message in err. */
int cel_regex_compile(regex_t *re, const char *pattern, size_t len, bool nosub, char *err, size_t errlen);

/* The compiled pattern from the evaluation's cache (a rule that matches
 * every item of a list compiles its pattern once), or NULL with err. The
 * cache is freed with the evaluation's pool. */
struct cel_ctx;
const regex_t *cel_regex_cached(struct cel_ctx *c, const char *pattern, size_t len, char *err, size_t errlen);

/* The cached pattern of the string value re, with the cost of matching it
 * against a text of text_len bytes charged; NULL with *failed set to the
 * error value (a bad pattern, or the cost limit) otherwise. */
struct cel_val;
const regex_t *cel_regex_for_text(struct cel_ctx *c, const struct cel_val *re, size_t text_len, struct cel_val *failed);

/* Compiles a literal pattern into a program's list (freed with pool);
 * -1 and err when it does not compile. Evaluations read the list without
 * locking (regexec does not change a compiled pattern). */
struct regex_entry;
int cel_regex_precompile(kapi_pool *pool, struct regex_entry **list, const char *pattern, size_t len, char *err,
                         size_t errlen);

#endif

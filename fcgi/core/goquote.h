/* goquote.h: Go's strconv.Quote (what %q prints for a string), which kube's
 * messages use for names, values and paths: "a\"b", "tab\there", "\x00".
 * Valid UTF-8 passes through, except runes Go does not print (C0 and C1
 * controls, spaces other than ' ', format characters, private use), which
 * become \a \b \f \n \r \t \v, \xHH, \uHHHH; an invalid byte becomes \xHH.
 * (Go also escapes unassigned code points; these pass through here.) */
#ifndef KAPI_GOQUOTE_H
#define KAPI_GOQUOTE_H

#include <stddef.h>
#include "core/kapi.h"

/* strconv.Quote(s) appended to out; NULL quotes as "". */
void go_quote(kapi_buf *out, const char *s);
/* The same for s[0..n) (NUL bytes are quoted as \x00). */
void go_quote_n(kapi_buf *out, const char *s, size_t n);
/* The same into a fixed buffer of size bytes (at least 3): when the text
 * does not fit, as many whole escapes as fit, then the closing quote. */
void go_quote_to(char *out, size_t size, const char *s, size_t n);

/* Go's %q of a []string: ["a" "b"]. */
void go_quote_list(kapi_buf *out, const char *const *list);
/* Go's %#v of a []string held as a JSON array: []string{"a", "b"} (an
 * element not a string as ""); anything but an array is []string(nil). */
void go_quote_json_strings(kapi_buf *out, const cJSON *array);

/* The quoting of Go's time package (time.Parse's error messages): bytes
 * 0x80 and up and below ' ' become \xHH, '"' and '\\' get a backslash. */
void go_time_quote_to(char *out, size_t size, const char *s, size_t n);

#endif

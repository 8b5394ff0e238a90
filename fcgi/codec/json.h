/* json.h: the JSON codec at the API edge.
 *
 * Request bodies are parsed by one strict parser that accepts exactly what
 * Go's encoding/json accepts (plus: valid UTF-8 only, nesting at most
 * JSON_MAX_DEPTH) and reports errors with the wording kube-apiserver gives
 * ("invalid character 'x' looking for beginning of object key string",
 * "unexpected end of JSON input", ...). Responses are written the way Go's
 * encoding/json writes them (HTML-safe escapes, Go number formatting,
 * json.MarshalIndent layout for the pretty form). Trees are cJSON. */
#ifndef KAPI_JSON_H
#define KAPI_JSON_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "core/kapi.h"

/* Deepest nesting of arrays and objects the parser accepts: 1000 nested
 * containers parse, 1001 are rejected ("invalid character '[' exceeded max
 * depth"). */
#define JSON_MAX_DEPTH 1000

/* Parses exactly one JSON value from text[0..len) (NUL bytes are ordinary,
 * invalid input characters; text needs no terminator). Returns a new tree the
 * caller frees with cJSON_Delete, or NULL with a Go-style message in err
 * (errlen may be 0 when the message is not wanted). A key given twice keeps
 * the LAST value, at the position of the first. Numbers become doubles
 * (integers exact up to 2^53). A string holding \u0000 is rejected, since a
 * cJSON string cannot carry it. */
cJSON *json_parse_strict(const char *text, size_t len, char *err, size_t errlen);

/* The same parse, also noting the first duplicate key: dup_path receives its
 * path ("metadata.name", "spec.containers[0].name") or "" when every key is
 * unique. One pass for callers that validate fields strictly. */
cJSON *json_parse_strict_noting_duplicate(const char *text, size_t len,
                                          char *err, size_t errlen,
                                          char *dup_path, size_t dup_pathlen);

/* Returns 1 and the path of the first duplicate key (in text order) in path,
 * 0 when there is none, -1 when text is not valid JSON. */
int json_find_duplicate_key(const char *text, size_t len, char *path, size_t pathlen);

/* Appends v to out as Go's json.Marshal (pretty = 0) or
 * json.MarshalIndent(v, "", "  ") (pretty = 1) would: no trailing newline,
 * keys in the tree's order. Returns 0, or -1 when memory runs out or the tree
 * holds a value JSON cannot carry (NaN, infinity, an invalid node); out may
 * then hold a partial text the caller discards. */
int json_write(kapi_buf *out, const cJSON *v, int pretty);

/* json_write into a new NUL-terminated string the caller frees; NULL on
 * failure. */
char *json_print(const cJSON *v, int pretty);

/* The name encoding/json gives a JSON value's type in an UnmarshalTypeError
 * ("json: cannot unmarshal <name> into Go ..."): "string", "number",
 * "bool", "array" or "object". */
const char *json_go_type_name(const cJSON *v);

/* Go's number texts, shared with the YAML codec. Each writes a NUL-terminated
 * text into out (32 bytes are always enough) and returns its length.
 *   json_format_number: what encoding/json writes for a float64
 *     (1, 0.5, 1e+21, 1e-7); -1 for NaN and infinities, which JSON lacks.
 *   json_format_float_g: strconv.FormatFloat(v, 'g', -1, bits), bits 32 or 64
 *     (1, 0.5, 1e+21, 1e-07, 1.2345675e+06, NaN, +Inf, -Inf). */
int json_format_number(char *out, size_t outlen, double v);
int json_format_float_g(char *out, size_t outlen, double v, int bits);

#endif

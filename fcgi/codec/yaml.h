/* yaml.h: the YAML codec at the API edge (application/yaml bodies and
 * responses), built on libyaml.
 *
 * Reading follows sigs.k8s.io/yaml's YAMLToJSON (go-yaml v2 underneath): YAML
 * 1.1 scalar resolution (yes/no/on/off/y/n are booleans, 0x/0o/leading-0
 * integers, timestamps stay strings), anchors and aliases expanded with
 * bounds, merge keys (<<), non-string keys turned into strings. Writing
 * follows sigs.k8s.io/yaml's JSONToYAML (go-yaml v2's Marshal): keys sorted
 * the way go-yaml sorts them, strings quoted only when they would read back
 * as something else, block sequences not indented under their key, lines
 * folded at 80 columns as go-yaml v2 folds them. */
#ifndef KAPI_YAML_H
#define KAPI_YAML_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "core/kapi.h"

/* Bounds on what one document may expand to (aliases included). */
#define YAML_MAX_DEPTH 1000          /* nested mappings/sequences */
#define YAML_MAX_NODES 1000000       /* nodes after alias expansion */

/* Parses the FIRST document of text[0..len) into a new cJSON tree the caller
 * frees, as kube-apiserver's YAML decoder does (later documents are not
 * read). Returns NULL with a message in err shaped like kube's:
 *   "error converting YAML to JSON: yaml: line 3: mapping values are not allowed in this context"
 * An input with no document, or whose document is empty, is an error
 * ("... empty YAML document"); an explicit `null` gives a cJSON null. A key
 * given twice keeps the LAST value (go-yaml v2 without strict mode).
 * .inf/.nan are rejected (JSON cannot carry them: "json: unsupported value"),
 * as are NUL characters inside strings (cJSON strings cannot carry them). */
cJSON *yaml_parse(const char *text, size_t len, char *err, size_t errlen);

/* The same parse, also noting the first duplicate key in dup as go-yaml's
 * strict mode words it ("line 4: key \"name\" already set in map"), or ""
 * when every key is unique. */
cJSON *yaml_parse_noting_duplicate(const char *text, size_t len, char *err, size_t errlen,
                                   char *dup, size_t duplen);

/* Appends v to out as sigs.k8s.io/yaml's JSONToYAML prints it (ends with a
 * newline). Returns 0, or -1 when memory runs out or v is not a valid tree;
 * out may then hold a partial text the caller discards. Strings that are not
 * valid UTF-8 are written as !!binary, as go-yaml does. */
int yaml_write(kapi_buf *out, const cJSON *v);

#endif

/* openapi_v2_pb.c: a swagger 2.0 document as gnostic's openapi.v2.Document
 * protobuf message (field numbers from gnostic's openapiv2/OpenAPIv2.proto),
 * with a small protobuf writer of its own: varints, length-delimited
 * strings and sub-messages (each encoded into its own buffer, then written
 * with its length), fixed64 doubles. A message's fields are looked up by
 * their JSON names in field-number order, so the bytes are in the order
 * Go's proto.Marshal writes them; maps (paths, definitions, properties,
 * responses, ...) follow the JSON's key order, as gnostic's parser keeps
 * it. */
#include <stdint.h>
#include <string.h>
#include "codec/json.h"
#include "http/openapi_v2_pb.h"
#include "codec/protowire.h"

/* ---- the writer */

enum { WT_VARINT = 0, WT_FIXED64 = 1, WT_LEN = 2 };

static void put_varint(kapi_buf *b, uint64_t v) { protowire_put_varint(b, v); }
static void put_tag(kapi_buf *b, int num, int wire_type) { protowire_put_tag(b, num, wire_type); }
static void put_len(kapi_buf *b, int num, const void *data, size_t n) { protowire_put_len(b, num, data, n); }

/* A sub-message, written even when empty (a present message field). */
static void put_message(kapi_buf *b, int num, kapi_buf *sub)
{
    put_len(b, num, sub->data, sub->len);
    kapi_buf_free(sub);
    kapi_buf_init(sub);
}

/* proto3 scalars: the zero value is not written. */
static void put_string(kapi_buf *b, int num, const char *s)
{
    if (s && *s) put_len(b, num, s, strlen(s));
}

static void put_bool(kapi_buf *b, int num, int v)
{
    if (!v) return;
    put_tag(b, num, WT_VARINT);
    put_varint(b, 1);
}

static void put_int64(kapi_buf *b, int num, int64_t v)
{
    if (!v) return;
    put_tag(b, num, WT_VARINT);
    put_varint(b, (uint64_t)v);
}

static void put_double(kapi_buf *b, int num, double v)
{
    if (v == 0) return;
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    unsigned char le[8];
    for (int i = 0; i < 8; i++) le[i] = (unsigned char)(bits >> (8 * i));
    put_tag(b, num, WT_FIXED64);
    kapi_buf_put(b, le, sizeof le);
}

/* ---- JSON members as fields */

static const cJSON *member(const cJSON *obj, const char *name)
{
    return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, name) : NULL;
}

/* For cJSON_ArrayForEach over a member that may be missing or mistyped. */
static const cJSON *array_or_null(const cJSON *v) { return cJSON_IsArray(v) ? v : NULL; }
static const cJSON *object_or_null(const cJSON *v) { return cJSON_IsObject(v) ? v : NULL; }

static const char *str_member(const cJSON *obj, const char *name)
{
    const cJSON *v = member(obj, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void put_str_member(kapi_buf *b, int num, const cJSON *obj, const char *name)
{
    put_string(b, num, str_member(obj, name));
}

/* The string members names (a STRING_MEMBERS list) as fields first,
 * first + 1, ... in that order: the leading members of most messages. */
#define STRING_MEMBERS(...) ((const char *const[]){__VA_ARGS__, NULL})
static void put_str_members(kapi_buf *b, int first, const cJSON *obj, const char *const *names)
{
    for (int num = first; *names; names++, num++)
        put_str_member(b, num, obj, *names);
}

static void put_bool_member(kapi_buf *b, int num, const cJSON *obj, const char *name)
{
    put_bool(b, num, cJSON_IsTrue(member(obj, name)));
}

static void put_int_member(kapi_buf *b, int num, const cJSON *obj, const char *name)
{
    const cJSON *v = member(obj, name);
    if (cJSON_IsNumber(v)) put_int64(b, num, (int64_t)v->valuedouble);
}

static void put_double_member(kapi_buf *b, int num, const cJSON *obj, const char *name)
{
    const cJSON *v = member(obj, name);
    if (cJSON_IsNumber(v)) put_double(b, num, v->valuedouble);
}

/* repeated string: a JSON array of strings (or one string) */
static void put_strings_member(kapi_buf *b, int num, const cJSON *obj, const char *name)
{
    const cJSON *v = member(obj, name);
    if (cJSON_IsString(v)) { put_len(b, num, v->valuestring, strlen(v->valuestring)); return; }
    const cJSON *e;
    cJSON_ArrayForEach(e, array_or_null(v))
        if (cJSON_IsString(e)) put_len(b, num, e->valuestring, strlen(e->valuestring));
}

/* Any {1 value (google.protobuf.Any, unused), 2 yaml}: gnostic keeps the
 * value's YAML text; JSON is YAML, which is what its readers parse. */
static void put_any(kapi_buf *b, int num, const cJSON *v)
{
    kapi_buf text, any;
    kapi_buf_init(&text);
    kapi_buf_init(&any);
    json_write(&text, v, 0);
    kapi_buf_putc(&text, '\n');
    put_len(&any, 2, text.data, text.len);
    kapi_buf_free(&text);
    put_message(b, num, &any);
}

static void put_any_member(kapi_buf *b, int num, const cJSON *obj, const char *name)
{
    const cJSON *v = member(obj, name);
    if (v) put_any(b, num, v);
}

static void put_anys_member(kapi_buf *b, int num, const cJSON *obj, const char *name)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, array_or_null(member(obj, name))) put_any(b, num, e);
}

static int is_extension(const cJSON *item) { return item->string && !strncmp(item->string, "x-", 2); }

/* repeated NamedAny {1 name, 2 value Any}: the object's x- members */
static void put_extensions(kapi_buf *b, int num, const cJSON *obj)
{
    kapi_buf named;
    kapi_buf_init(&named);
    const cJSON *e;
    cJSON_ArrayForEach(e, object_or_null(obj)) {
        if (!is_extension(e)) continue;
        put_string(&named, 1, e->string);
        put_any(&named, 2, e);
        put_message(b, num, &named);
    }
}

typedef void (*encode_fn)(kapi_buf *b, const cJSON *v);

/* A message field from a JSON member, when the member is there. */
static void put_message_member(kapi_buf *b, int num, const cJSON *obj, const char *name, encode_fn fn)
{
    const cJSON *v = member(obj, name);
    if (!v) return;
    kapi_buf sub;
    kapi_buf_init(&sub);
    fn(&sub, v);
    put_message(b, num, &sub);
}

/* A repeated message field from a JSON array member. */
static void put_messages_member(kapi_buf *b, int num, const cJSON *obj, const char *name, encode_fn fn)
{
    kapi_buf sub;
    kapi_buf_init(&sub);
    const cJSON *e;
    cJSON_ArrayForEach(e, array_or_null(member(obj, name))) {
        fn(&sub, e);
        put_message(b, num, &sub);
    }
}

/* A map message {repeated Named* num}, each pair {1 name, 2 value}, from a
 * JSON object's members (x- members left out when skip_extensions). */
static void put_named(kapi_buf *b, int num, const cJSON *obj, encode_fn fn, int skip_extensions)
{
    kapi_buf value, named;
    kapi_buf_init(&value);
    kapi_buf_init(&named);
    const cJSON *e;
    cJSON_ArrayForEach(e, object_or_null(obj)) {
        if (skip_extensions && is_extension(e)) continue;
        put_string(&named, 1, e->string);
        fn(&value, e);
        put_message(&named, 2, &value);
        put_message(b, num, &named);
    }
}

/* A map message as a field of its parent: {1 repeated Named*}. */
static void put_map_member(kapi_buf *b, int num, const cJSON *obj, const char *name, encode_fn fn)
{
    const cJSON *v = member(obj, name);
    if (!v) return;
    kapi_buf map;
    kapi_buf_init(&map);
    put_named(&map, 1, v, fn, 0);
    put_message(b, num, &map);
}

/* ---- messages */

static void enc_schema(kapi_buf *b, const cJSON *s);

/* ExternalDocs {1 description, 2 url, 3 x-} */
static void enc_external_docs(kapi_buf *b, const cJSON *v)
{
    put_str_members(b, 1, v, STRING_MEMBERS("description", "url"));
    put_extensions(b, 3, v);
}

/* JsonReference {1 _ref, 2 description} */
static void enc_json_reference(kapi_buf *b, const cJSON *v)
{
    put_str_members(b, 1, v, STRING_MEMBERS("$ref", "description"));
}

/* Schema: the members of a JSON schema by number, 1 $ref ... 31 x-. */
static void enc_schema(kapi_buf *b, const cJSON *s)
{
    put_str_members(b, 1, s, STRING_MEMBERS("$ref", "format", "title", "description"));
    put_any_member(b, 5, s, "default");
    put_double_member(b, 6, s, "multipleOf");
    put_double_member(b, 7, s, "maximum");
    put_bool_member(b, 8, s, "exclusiveMaximum");
    put_double_member(b, 9, s, "minimum");
    put_bool_member(b, 10, s, "exclusiveMinimum");
    put_int_member(b, 11, s, "maxLength");
    put_int_member(b, 12, s, "minLength");
    put_str_member(b, 13, s, "pattern");
    put_int_member(b, 14, s, "maxItems");
    put_int_member(b, 15, s, "minItems");
    put_bool_member(b, 16, s, "uniqueItems");
    put_int_member(b, 17, s, "maxProperties");
    put_int_member(b, 18, s, "minProperties");
    put_strings_member(b, 19, s, "required");
    put_anys_member(b, 20, s, "enum");
    kapi_buf sub;
    kapi_buf_init(&sub);
    const cJSON *ap = member(s, "additionalProperties");
    if (ap) {
        /* AdditionalPropertiesItem: oneof {1 schema, 2 boolean} (a oneof
         * member is written even when false) */
        if (cJSON_IsBool(ap)) {
            put_tag(&sub, 2, WT_VARINT);
            put_varint(&sub, cJSON_IsTrue(ap));
        } else {
            kapi_buf schema;
            kapi_buf_init(&schema);
            enc_schema(&schema, ap);
            put_message(&sub, 1, &schema);
        }
        put_message(b, 21, &sub);
    }
    if (member(s, "type")) {
        put_strings_member(&sub, 1, s, "type");     /* TypeItem {1 repeated value} */
        put_message(b, 22, &sub);
    }
    const cJSON *items = member(s, "items");
    if (items) {
        /* ItemsItem {1 repeated Schema}: one schema or an array of them */
        kapi_buf schema;
        kapi_buf_init(&schema);
        const cJSON *e;
        if (cJSON_IsArray(items)) {
            cJSON_ArrayForEach(e, items) { enc_schema(&schema, e); put_message(&sub, 1, &schema); }
        } else {
            enc_schema(&schema, items);
            put_message(&sub, 1, &schema);
        }
        put_message(b, 23, &sub);
    }
    put_messages_member(b, 24, s, "allOf", enc_schema);
    put_map_member(b, 25, s, "properties", enc_schema);   /* Properties {1 NamedSchema} */
    put_str_member(b, 26, s, "discriminator");
    put_bool_member(b, 27, s, "readOnly");
    put_message_member(b, 29, s, "externalDocs", enc_external_docs);
    put_any_member(b, 30, s, "example");
    put_extensions(b, 31, s);
}

/* The members parameters, items and headers share, from type to multipleOf,
 * at consecutive numbers from first. */
static void enc_primitive_members(kapi_buf *b, const cJSON *v, int first);

/* PrimitivesItems {1 type ... 17 multipleOf, 18 x-} */
static void enc_primitives_items(kapi_buf *b, const cJSON *v)
{
    enc_primitive_members(b, v, 1);
    put_extensions(b, 18, v);
}

static void enc_primitive_members(kapi_buf *b, const cJSON *v, int first)
{
    put_str_member(b, first + 0, v, "type");
    put_str_member(b, first + 1, v, "format");
    put_message_member(b, first + 2, v, "items", enc_primitives_items);
    put_str_member(b, first + 3, v, "collectionFormat");
    put_any_member(b, first + 4, v, "default");
    put_double_member(b, first + 5, v, "maximum");
    put_bool_member(b, first + 6, v, "exclusiveMaximum");
    put_double_member(b, first + 7, v, "minimum");
    put_bool_member(b, first + 8, v, "exclusiveMinimum");
    put_int_member(b, first + 9, v, "maxLength");
    put_int_member(b, first + 10, v, "minLength");
    put_str_member(b, first + 11, v, "pattern");
    put_int_member(b, first + 12, v, "maxItems");
    put_int_member(b, first + 13, v, "minItems");
    put_bool_member(b, first + 14, v, "uniqueItems");
    put_anys_member(b, first + 15, v, "enum");
    put_double_member(b, first + 16, v, "multipleOf");
}

/* Header and Path parameters: {1 required, 2 in, 3 description, 4 name,
 * 5 type ... 21 multipleOf, 22 x-}; Query and FormData parameters add
 * 5 allowEmptyValue and shift the rest by one. */
static void enc_non_body_sub_schema(kapi_buf *b, const cJSON *v, int allows_empty)
{
    put_bool_member(b, 1, v, "required");
    put_str_members(b, 2, v, STRING_MEMBERS("in", "description", "name"));
    if (allows_empty) put_bool_member(b, 5, v, "allowEmptyValue");
    int first = allows_empty ? 6 : 5;
    enc_primitive_members(b, v, first);
    put_extensions(b, first + 17, v);
}

/* Parameter: oneof {1 BodyParameter, 2 NonBodyParameter {oneof 1 header,
 * 2 formData, 3 query, 4 path}}, chosen by "in" as gnostic does. */
static void enc_parameter(kapi_buf *b, const cJSON *v)
{
    const char *in = str_member(v, "in");
    kapi_buf sub, inner;
    kapi_buf_init(&sub);
    kapi_buf_init(&inner);
    if (in && !strcmp(in, "body")) {
        /* BodyParameter {1 description, 2 name, 3 in, 4 required, 5 schema, 6 x-} */
        put_str_members(&sub, 1, v, STRING_MEMBERS("description", "name", "in"));
        put_bool_member(&sub, 4, v, "required");
        put_message_member(&sub, 5, v, "schema", enc_schema);
        put_extensions(&sub, 6, v);
        put_message(b, 1, &sub);
        return;
    }
    int which = !in ? 3 : !strcmp(in, "header") ? 1 : !strcmp(in, "formData") ? 2 : !strcmp(in, "path") ? 4 : 3;
    enc_non_body_sub_schema(&inner, v, which == 2 || which == 3);
    put_message(&sub, which, &inner);
    put_message(b, 2, &sub);
}

/* gnostic's "X or a reference" messages: oneof {1 X, 2 JsonReference} */
static void enc_value_or_reference(kapi_buf *b, const cJSON *v,
                                   void (*enc_value)(kapi_buf *, const cJSON *))
{
    kapi_buf sub;
    kapi_buf_init(&sub);
    if (str_member(v, "$ref")) {
        enc_json_reference(&sub, v);
        put_message(b, 2, &sub);
    } else {
        enc_value(&sub, v);
        put_message(b, 1, &sub);
    }
}

/* ParametersItem: oneof {1 Parameter, 2 JsonReference} */
static void enc_parameters_item(kapi_buf *b, const cJSON *v)
{
    enc_value_or_reference(b, v, enc_parameter);
}

/* Header {1 type ... 17 multipleOf, 18 description, 19 x-} */
static void enc_header(kapi_buf *b, const cJSON *v)
{
    enc_primitive_members(b, v, 1);
    put_str_member(b, 18, v, "description");
    put_extensions(b, 19, v);
}

/* SchemaItem: oneof {1 Schema, 2 FileSchema}; kube's responses are schemas */
static void enc_schema_item(kapi_buf *b, const cJSON *v)
{
    kapi_buf sub;
    kapi_buf_init(&sub);
    enc_schema(&sub, v);
    put_message(b, 1, &sub);
}

/* Response {1 description, 2 schema, 3 headers, 4 examples, 5 x-} */
static void enc_response(kapi_buf *b, const cJSON *v)
{
    put_str_member(b, 1, v, "description");
    put_message_member(b, 2, v, "schema", enc_schema_item);
    put_map_member(b, 3, v, "headers", enc_header);
    const cJSON *ex = member(v, "examples");
    if (ex) {
        kapi_buf map, named;
        kapi_buf_init(&map);
        kapi_buf_init(&named);
        const cJSON *e;
        cJSON_ArrayForEach(e, ex) {
            put_string(&named, 1, e->string);
            put_any(&named, 2, e);
            put_message(&map, 1, &named);
        }
        put_message(b, 4, &map);
    }
    put_extensions(b, 5, v);
}

/* ResponseValue: oneof {1 Response, 2 JsonReference} */
static void enc_response_value(kapi_buf *b, const cJSON *v)
{
    enc_value_or_reference(b, v, enc_response);
}

/* Responses {1 NamedResponseValue (the status codes), 2 x-} */
static void enc_responses(kapi_buf *b, const cJSON *v)
{
    put_named(b, 1, v, enc_response_value, 1);
    put_extensions(b, 2, v);
}

/* StringArray {1 repeated value} */
static void enc_string_array(kapi_buf *b, const cJSON *v)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, array_or_null(v))
        if (cJSON_IsString(e)) put_len(b, 1, e->valuestring, strlen(e->valuestring));
}

/* SecurityRequirement {1 NamedStringArray} */
static void enc_security_requirement(kapi_buf *b, const cJSON *v) { put_named(b, 1, v, enc_string_array, 0); }

/* Operation {1 tags, 2 summary, 3 description, 4 externalDocs,
 * 5 operationId, 6 produces, 7 consumes, 8 parameters, 9 responses,
 * 10 schemes, 11 deprecated, 12 security, 13 x-} */
static void enc_operation(kapi_buf *b, const cJSON *v)
{
    put_strings_member(b, 1, v, "tags");
    put_str_members(b, 2, v, STRING_MEMBERS("summary", "description"));
    put_message_member(b, 4, v, "externalDocs", enc_external_docs);
    put_str_member(b, 5, v, "operationId");
    put_strings_member(b, 6, v, "produces");
    put_strings_member(b, 7, v, "consumes");
    put_messages_member(b, 8, v, "parameters", enc_parameters_item);
    put_message_member(b, 9, v, "responses", enc_responses);
    put_strings_member(b, 10, v, "schemes");
    put_bool_member(b, 11, v, "deprecated");
    put_messages_member(b, 12, v, "security", enc_security_requirement);
    put_extensions(b, 13, v);
}

/* PathItem {1 $ref, 2 get, 3 put, 4 post, 5 delete, 6 options, 7 head,
 * 8 patch, 9 parameters, 10 x-} */
static void enc_path_item(kapi_buf *b, const cJSON *v)
{
    static const char *const methods[] = {"get", "put", "post", "delete", "options", "head", "patch"};
    put_str_member(b, 1, v, "$ref");
    for (int i = 0; i < 7; i++) put_message_member(b, 2 + i, v, methods[i], enc_operation);
    put_messages_member(b, 9, v, "parameters", enc_parameters_item);
    put_extensions(b, 10, v);
}

/* Paths {1 x-, 2 NamedPathItem} */
static void enc_paths(kapi_buf *b, const cJSON *v)
{
    put_extensions(b, 1, v);
    put_named(b, 2, v, enc_path_item, 1);
}

/* Info {1 title, 2 version, 3 description, 4 termsOfService, 5 contact,
 * 6 license, 7 x-}; Contact {1 name, 2 url, 3 email, 4 x-}; License
 * {1 name, 2 url, 3 x-} */
static void enc_contact(kapi_buf *b, const cJSON *v)
{
    put_str_members(b, 1, v, STRING_MEMBERS("name", "url", "email"));
    put_extensions(b, 4, v);
}

static void enc_license(kapi_buf *b, const cJSON *v)
{
    put_str_members(b, 1, v, STRING_MEMBERS("name", "url"));
    put_extensions(b, 3, v);
}

static void enc_info(kapi_buf *b, const cJSON *v)
{
    put_str_members(b, 1, v, STRING_MEMBERS("title", "version", "description", "termsOfService"));
    put_message_member(b, 5, v, "contact", enc_contact);
    put_message_member(b, 6, v, "license", enc_license);
    put_extensions(b, 7, v);
}

/* SecurityDefinitionsItem: oneof {1 basic {1 type, 2 description, 3 x-},
 * 2 apiKey {1 type, 2 name, 3 in, 4 description, 5 x-}, 3-6 oauth2 (not
 * written)} */
static void enc_security_definitions_item(kapi_buf *b, const cJSON *v)
{
    const char *type = str_member(v, "type");
    kapi_buf sub;
    kapi_buf_init(&sub);
    if (type && !strcmp(type, "basic")) {
        put_str_members(&sub, 1, v, STRING_MEMBERS("type", "description"));
        put_extensions(&sub, 3, v);
        put_message(b, 1, &sub);
    } else if (type && !strcmp(type, "apiKey")) {
        put_str_members(&sub, 1, v, STRING_MEMBERS("type", "name", "in", "description"));
        put_extensions(&sub, 5, v);
        put_message(b, 2, &sub);
    }
}

/* Tag {1 name, 2 description, 3 externalDocs, 4 x-} */
static void enc_tag(kapi_buf *b, const cJSON *v)
{
    put_str_members(b, 1, v, STRING_MEMBERS("name", "description"));
    put_message_member(b, 3, v, "externalDocs", enc_external_docs);
    put_extensions(b, 4, v);
}

/* Document {1 swagger, 2 info, 3 host, 4 basePath, 5 schemes, 6 consumes,
 * 7 produces, 8 paths, 9 definitions, 10 parameters, 11 responses,
 * 12 security, 13 securityDefinitions, 14 tags, 15 externalDocs, 16 x-} */
void openapi_v2_to_protobuf(const cJSON *doc, kapi_buf *out)
{
    put_str_member(out, 1, doc, "swagger");
    put_message_member(out, 2, doc, "info", enc_info);
    put_str_members(out, 3, doc, STRING_MEMBERS("host", "basePath"));
    put_strings_member(out, 5, doc, "schemes");
    put_strings_member(out, 6, doc, "consumes");
    put_strings_member(out, 7, doc, "produces");
    put_message_member(out, 8, doc, "paths", enc_paths);
    put_map_member(out, 9, doc, "definitions", enc_schema);
    put_map_member(out, 10, doc, "parameters", enc_parameter);
    put_map_member(out, 11, doc, "responses", enc_response);
    put_messages_member(out, 12, doc, "security", enc_security_requirement);
    put_map_member(out, 13, doc, "securityDefinitions", enc_security_definitions_item);
    put_messages_member(out, 14, doc, "tags", enc_tag);
    put_message_member(out, 15, doc, "externalDocs", enc_external_docs);
    put_extensions(out, 16, doc);
}

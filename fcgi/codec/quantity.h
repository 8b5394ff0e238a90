/* quantity.h: kube's resource.Quantity (k8s.io/apimachinery/pkg/api/resource):
 * parsing with ParseQuantity's grammar and error texts, exact comparison and
 * addition, rounding, and the canonical text Quantity.String() prints ("500m",
 * "1Gi", "1k", "1e3").
 *
 * A value is mant * 10^scale with an int64 mantissa. Values are exact while
 * they have at most 18 significant digits (kube's fast path); longer ones are
 * rounded up to 18 digits (kube keeps them exactly with inf.Dec). Like kube,
 * a value finer than 1n is rounded up to 1n when parsed. */
#ifndef KAPI_QUANTITY_H
#define KAPI_QUANTITY_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

typedef enum quantity_format {
    QUANTITY_DECIMAL_SI,       /* no suffix, or n u m k M G T P E */
    QUANTITY_BINARY_SI,        /* Ki Mi Gi Ti Pi Ei */
    QUANTITY_DECIMAL_EXPONENT  /* e3, E-2 */
} quantity_format;

typedef struct quantity {
    int64_t mant;
    int32_t scale;
    quantity_format format;
} quantity;

/* kube's error texts (ErrFormatWrong, ErrNumeric, ErrSuffix). */
#define QUANTITY_ERR_FORMAT \
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
#define QUANTITY_ERR_NUMERIC "unable to parse numeric part of quantity"
#define QUANTITY_ERR_SUFFIX "unable to parse quantity's suffix"

/* ParseQuantity: 0, or -1 with *err pointing at one of the texts above. */
int quantity_parse(const char *s, quantity *q, const char **err);
/* Quantity.UnmarshalJSON: a string (trimmed) or a number (its shortest
 * text); JSON null is zero. Any other JSON type fails with the format error. */
int quantity_from_json(const cJSON *v, quantity *q, const char **err);

int quantity_sign(const quantity *q);                     /* -1, 0, 1 */
int quantity_cmp(const quantity *a, const quantity *b);   /* -1, 0, 1, exact */
/* acc += b (acc keeps its format). Saturates on overflow. */
void quantity_add(quantity *acc, const quantity *b);
/* RoundUp(scale): away from zero to a multiple of 10^scale (-3 = milli). */
void quantity_round_up(quantity *q, int32_t scale);
/* MilliValue(): the value times 1000, rounded up; saturates. */
int64_t quantity_milli_value(const quantity *q);
/* Quantity.String(): the canonical text. 64 bytes always suffice. */
void quantity_format_canonical(const quantity *q, char *out, size_t n);

/* Parses the JSON value and writes its canonical text into out; returns 0,
 * or -1 (out untouched) when it does not parse. */
int quantity_canonical_json(const cJSON *v, char *out, size_t n);

#endif

/* test_cel.c: fcgi/cel through its public API (cel.h), the way the CRD
 * validation will use it: rules over self/oldSelf as JSON, each family of
 * functions, errors and their wording, compile errors with positions, and
 * the limits that keep a hostile rule from stalling a worker (the cost
 * budget, the parser's nesting depth, the expression size). The core
 * language at large is covered by the cel-spec conformance run
 * (test_cel_conformance.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include "core/alloc.h"
#include "cel/cel.h"

/* Evaluates expr with self (JSON text, or NULL) and oldSelf. */
static cel_result eval_with(const char *expr, const char *self, const char *old_self, int64_t budget)
{
    cel_program *p;
    char *err = NULL;
    if (cel_compile(expr, &p, &err)) fail_msg("%s: compile error: %s", expr, err);
    cJSON *s = self ? cJSON_Parse(self) : NULL, *o = old_self ? cJSON_Parse(old_self) : NULL;
    cel_result r;
    cel_eval(p, s, o, budget, &r);
    cJSON_Delete(s);
    cJSON_Delete(o);
    cel_program_free(p);
    return r;
}

static void is_true_with(const char *expr, const char *self)
{
    cel_result r = eval_with(expr, self, NULL, CEL_PER_CALL_LIMIT);
    if (r.kind != CEL_RESULT_BOOL || !r.value)
        fail_msg("%s: want true, got kind %d value %d text %s", expr, r.kind, r.value, r.text ? r.text : "");
    free(r.text);
}

static void is_true(const char *expr) { is_true_with(expr, "{}"); }

static void is_false(const char *expr)
{
    cel_result r = eval_with(expr, "{}", NULL, CEL_PER_CALL_LIMIT);
    if (r.kind != CEL_RESULT_BOOL || r.value) fail_msg("%s: want false, got kind %d text %s", expr, r.kind, r.text ? r.text : "");
    free(r.text);
}

/* The result in CEL's printed form (strings without quotes). */
static void gives(const char *expr, const char *want)
{
    cel_result r = eval_with(expr, "{}", NULL, CEL_PER_CALL_LIMIT);
    const char *got = r.kind == CEL_RESULT_BOOL ? (r.value ? "true" : "false") : r.text;
    if (r.kind == CEL_RESULT_ERROR || strcmp(got, want)) fail_msg("%s: want %s, got %s (kind %d)", expr, want, got, r.kind);
    free(r.text);
}

static void fails_with_self(const char *expr, const char *self, const char *want)
{
    cel_result r = eval_with(expr, self, NULL, CEL_PER_CALL_LIMIT);
    if (r.kind != CEL_RESULT_ERROR || !strstr(r.text, want))
        fail_msg("%s: want an error with '%s', got kind %d: %s", expr, want, r.kind, r.text ? r.text : "");
    free(r.text);
}

static void fails(const char *expr, const char *want) { fails_with_self(expr, "{}", want); }

static void compile_fails(const char *expr, const char *want)
{
    cel_program *p = NULL;
    char *err = NULL;
    if (!cel_compile(expr, &p, &err)) {
        cel_program_free(p);
        fail_msg("%s: compiled, want an error with '%s'", expr, want);
    }
    if (!strstr(err, want)) fail_msg("%s: error\n%s\nlacks '%s'", expr, err, want);
    free(err);
}

static void test_literals_and_arithmetic(void **state)
{
    (void)state;
    gives("1 + 2 * 3", "7");
    gives("(1 + 2) * 3", "9");
    gives("7 / 2", "3");
    gives("-7 % 3", "-1");
    gives("7u / 2u", "3u");
    gives("1.5 * 2.0", "3");
    gives("0x1F", "31");
    gives("-9223372036854775808", "-9223372036854775808");
    gives("'a' + \"b\" + '''c''' + r'\\n'", "ab" "c\\n");
    gives("'\\u00e9\\x41\\101\\U0001F600'", "\xc3\xa9" "AA" "\xf0\x9f\x98\x80");
    gives("size(b'\\xff\\x00')", "2");
    gives("[1, 2] + [3]", "[1, 2, 3]");
    gives("{'a': 1}['a']", "1");
    gives("true ? 'yes' : 'no'", "yes");
    fails("9223372036854775807 + 1", "integer overflow");
    fails("-9223372036854775808 - 1", "integer overflow");
    fails("0u - 1u", "unsigned integer overflow");
    fails("1 / 0", "division by zero");
    fails("1 % 0", "modulus by zero");
    fails("1 + 1u", "no such overload");
    is_true("1.0 / 0.0 > 1e308");
}

static void test_equality_and_comparison(void **state)
{
    (void)state;
    is_true("1 == 1.0 && 1u == 1 && 2.5 > 2 && 3u > 2.9 && -1 < 1u");
    is_true("[1, 2] == [1, 2] && {'a': [1]} == {'a': [1]}");
    is_false("1 == 'a'");
    is_false("double('NaN') == double('NaN')");
    is_true("'abc' < 'abd' && b'a' < b'b' && false < true");
    is_true("2 in [1, 2, 3] && 'k' in {'k': 1} && !(4 in [1, 2, 3])");
    fails("'a' < 1", "no such overload");
}

static void test_logic_absorbs_errors(void **state)
{
    (void)state;
    /* CEL's && and || are commutative: a decisive side wins over an error
     * on either side */
    is_false("1 / 0 == 1 && false");
    is_false("false && 1 / 0 == 1");
    is_true("1 / 0 == 1 || true");
    is_true("true || 1 / 0 == 1");
    fails("1 / 0 == 1 && true", "division by zero");
    fails("1 / 0 == 1 || false", "division by zero");
    fails("'a' ? 1 : 2", "no such overload");
}

static void test_self_and_old_self(void **state)
{
    (void)state;
    const char *self = "{\"replicas\": 3, \"name\": \"web\", \"tags\": [\"a\", \"b\"], \"spec\": {\"x\": null}}";
    is_true_with("self.replicas > 2 && self.name.startsWith('w')", self);
    is_true_with("has(self.spec) && !has(self.missing) && has(self.spec.x)", self);
    is_true_with("self.tags.all(t, size(t) == 1) && self.tags.exists(t, t == 'b')", self);
    is_true_with("self.tags.exists_one(t, t == 'a') && self.tags.map(t, t + '!') == ['a!', 'b!']", self);
    is_true_with("self.tags.filter(t, t != 'a') == ['b'] && self.tags.map(t, t == 'a', 1) == [1]", self);
    is_true_with("self.spec.x == null", self);
    fails_with_self("self.missing == 1", self, "no such key: missing");
    cel_result r = eval_with("self.replicas >= oldSelf.replicas", "{\"replicas\": 3}", "{\"replicas\": 4}", CEL_PER_CALL_LIMIT);
    assert_int_equal(r.kind, CEL_RESULT_BOOL);
    assert_int_equal(r.value, 0);
    r = eval_with("self == oldSelf", "{\"a\": [1, {\"b\": 2}]}", "{\"a\": [1, {\"b\": 2}]}", CEL_PER_CALL_LIMIT);
    assert_int_equal(r.kind, CEL_RESULT_BOOL);
    assert_int_equal(r.value, 1);
    /* a messageExpression gives a string */
    r = eval_with("'replicas ' + string(self.replicas) + ' too many'", "{\"replicas\": 9}", NULL, CEL_PER_CALL_LIMIT);
    assert_int_equal(r.kind, CEL_RESULT_STRING);
    assert_string_equal(r.text, "replicas 9 too many");
    free(r.text);
    /* optionalOldSelf: oldSelf is an optional, none on create */
    cel_program *p;
    char *err = NULL;
    assert_int_equal(cel_compile("!oldSelf.hasValue() || self.replicas >= oldSelf.value().replicas", &p, &err), 0);
    cJSON *now = cJSON_Parse("{\"replicas\": 3}"), *before = cJSON_Parse("{\"replicas\": 4}");
    cel_eval_optional_old_self(p, now, NULL, CEL_PER_CALL_LIMIT, &r);
    assert_int_equal(r.kind, CEL_RESULT_BOOL);
    assert_int_equal(r.value, 1);
    cel_eval_optional_old_self(p, now, before, CEL_PER_CALL_LIMIT, &r);
    assert_int_equal(r.kind, CEL_RESULT_BOOL);
    assert_int_equal(r.value, 0);
    cJSON_Delete(now);
    cJSON_Delete(before);
    cel_program_free(p);
    /* map keys iterate in a comprehension */
    is_true_with("self.all(k, k in ['replicas', 'name', 'tags', 'spec'])", self);
}

static void test_schema_typing(void **state)
{
    (void)state;
    const char *schema = "{\"type\": \"object\", \"properties\": {"
                         "\"ratio\": {\"type\": \"number\"}, \"count\": {\"type\": \"integer\"},"
                         "\"at\": {\"type\": \"string\", \"format\": \"date-time\"},"
                         "\"ttl\": {\"type\": \"string\", \"format\": \"duration\"},"
                         "\"blob\": {\"type\": \"string\", \"format\": \"byte\"},"
                         "\"port\": {\"x-kubernetes-int-or-string\": true},"
                         "\"items\": {\"type\": \"array\", \"items\": {\"type\": \"number\"}},"
                         "\"labels\": {\"type\": \"object\", \"additionalProperties\": {\"type\": \"string\", \"format\": \"date\"}}}}";
    const char *self = "{\"ratio\": 2, \"count\": 3, \"at\": \"2024-01-02T03:04:05Z\", \"ttl\": \"90s\","
                       "\"blob\": \"aGk=\", \"port\": \"http\", \"items\": [1, 2], \"labels\": {\"d\": \"2024-05-06\"}}";
    cel_program *p;
    char *err = NULL;
    assert_int_equal(cel_compile("type(self.ratio) == double && self.ratio * 1.5 == 3.0 && type(self.count) == int"
                                 " && self.at.getFullYear() == 2024 && self.ttl == duration('1m30s')"
                                 " && self.blob == b'hi' && self.port == 'http' && self.items.sum() == 3.0"
                                 " && type(self.items[0]) == double && self.labels.d.getMonth() == 4", &p, &err), 0);
    cJSON *s = cJSON_Parse(self), *sc = cJSON_Parse(schema);
    cel_result r;
    cel_eval_schema(p, s, NULL, sc, 0, CEL_PER_CALL_LIMIT, &r);
    if (r.kind != CEL_RESULT_BOOL || !r.value) fail_msg("schema typing: kind %d %s", r.kind, r.text ? r.text : "");
    cel_program_free(p);
    /* without the schema the same number is an int: no int * double in CEL */
    assert_int_equal(cel_compile("self.ratio * 1.5 == 3.0", &p, &err), 0);
    cel_eval(p, s, NULL, CEL_PER_CALL_LIMIT, &r);
    assert_int_equal(r.kind, CEL_RESULT_ERROR);
    assert_non_null(strstr(r.text, "no such overload"));
    free(r.text);
    cel_eval_schema(p, s, NULL, sc, 0, CEL_PER_CALL_LIMIT, &r);
    assert_int_equal(r.kind, CEL_RESULT_BOOL);
    assert_int_equal(r.value, 1);
    cJSON_Delete(s);
    cJSON_Delete(sc);
    cel_program_free(p);
}

static void test_conversions(void **state)
{
    (void)state;
    gives("int('42') + int(3.9) + int(2u)", "47");
    gives("uint(42)", "42u");
    gives("double('1.5')", "1.5");
    gives("string(1.5) + string(10) + string(7u) + string(true)", "1.5107true");
    gives("string(b'abc')", "abc");
    gives("bytes('abc') == b'abc'", "true");
    gives("type(1) == int && type('a') == string && type(int) == type", "true");
    gives("dyn(1) + 1", "2");
    gives("bool('true') && !bool('false')", "true");
    fails("int('x')", "type conversion error");
    fails("uint(-1)", "range error");
    fails("int(1e20)", "range error");
    fails("int(18446744073709551615u)", "range error");
}

static void test_strings(void **state)
{
    (void)state;
    is_true("'hello'.contains('ell') && 'hello'.startsWith('he') && 'hello'.endsWith('lo')");
    is_true("'abc123'.matches('^[a-z]+\\\\d+$') && matches('x', 'x')");
    is_false("'abc'.matches('^\\\\d+$')");
    gives("size('h\\u00e9llo')", "5");
    gives("'h\\u00e9llo'.charAt(1)", "\xc3\xa9");
    gives("'hello'.indexOf('l') + 'hello'.lastIndexOf('l')", "5");
    gives("'hello'.indexOf('l', 3)", "3");
    gives("'Hello'.lowerAscii() + 'Hello'.upperAscii()", "helloHELLO");
    gives("'a-b-c'.replace('-', '+')", "a+b+c");
    gives("'a-b-c'.replace('-', '+', 1)", "a+b-c");
    gives("'a,b,c'.split(',')", "[\"a\", \"b\", \"c\"]");
    gives("'a,b,c'.split(',', 2)", "[\"a\", \"b,c\"]");
    gives("'hello'.substring(1, 3) + 'hello'.substring(3)", "ello");
    gives("'  x y \\t'.trim()", "x y");
    gives("['a', 'b'].join('-') + ['c'].join()", "a-bc");
    gives("'abc'.reverse()", "cba");
    gives("'%s is %d, %.2f'.format(['x', 3, 1.5])", "x is 3, 1.50");
    gives("strings.quote('a\"b')", "\"a\\\"b\"");
    fails("'abc'.substring(2, 1)", "invalid substring range");
    fails("'abc'.charAt(4)", "index out of range");
    compile_fails("'abc'.matches('(')", "ERROR: <input>:1:15: error parsing regexp");
    compile_fails("'abc'.matches('a*?')", "error parsing regexp");
    fails("'abc'.matches('(' + '')", "error parsing regexp");
}

static void test_time(void **state)
{
    (void)state;
    gives("timestamp('2009-02-13T23:31:30Z')", "2009-02-13T23:31:30Z");
    gives("timestamp('2009-02-13T23:31:30.5+01:00')", "2009-02-13T22:31:30.5Z");
    gives("duration('1h30m') + duration('15s')", "5415s");
    gives("duration('1.5s')", "1.5s");
    gives("timestamp('2009-02-13T23:31:30Z') + duration('1h')", "2009-02-14T00:31:30Z");
    gives("timestamp('2009-02-13T23:31:30Z') - timestamp('2009-02-13T23:31:00Z')", "30s");
    gives("timestamp('2009-02-13T23:31:30Z').getFullYear()", "2009");
    gives("timestamp('2009-02-13T23:31:30Z').getMonth()", "1");
    gives("timestamp('2009-02-13T23:31:30Z').getDayOfMonth()", "12");
    gives("timestamp('2009-02-13T23:31:30Z').getDayOfWeek()", "5");
    gives("timestamp('2009-02-13T23:31:30Z').getHours('+02:00')", "1");
    gives("duration('3h5m').getMinutes()", "185");
    gives("int(timestamp('1970-01-01T00:00:10Z'))", "10");
    is_true("timestamp('2020-01-01T00:00:00Z') < timestamp('2021-01-01T00:00:00Z')");
    fails("timestamp('2020-13-01T00:00:00Z')", "type conversion error");
    fails("duration('1d')", "type conversion error");
    fails("timestamp('9999-12-31T23:59:59Z') + duration('1s')", "overflow");
}

static void test_kube_lists_and_regex(void **state)
{
    (void)state;
    is_true("[1, 2, 3].isSorted() && ![3, 1].isSorted()");
    gives("[1, 2, 3].sum()", "6");
    gives("[1.5, 2.5].sum()", "4");
    gives("[3, 1, 2].min() + [3, 1, 2].max()", "4");
    gives("[1, 2, 1].indexOf(1) + [1, 2, 1].lastIndexOf(1)", "2");
    fails("[].min()", "empty list");
    gives("'abc 123 def 456'.find('[0-9]+')", "123");
    gives("'abc 123 def 456'.findAll('[0-9]+')", "[\"123\", \"456\"]");
    gives("'abc 123 def 456'.findAll('[0-9]+', 1)", "[\"123\"]");
    is_true("sets.contains([1, 2, 3], [3, 1]) && !sets.contains([1], [2]) && sets.contains([1], [])");
    is_true("sets.equivalent([1, 2, 2], [2, 1]) && sets.intersects([1, 2], [2, 3]) && !sets.intersects([1], [])");
}

static void test_kube_types(void **state)
{
    (void)state;
    /* quantity */
    is_true("quantity('1Gi').isGreaterThan(quantity('1G')) && quantity('500m').isLessThan(quantity('1'))");
    is_true("quantity('1') == quantity('1000m') && quantity('1k').compareTo(quantity('1000')) == 0");
    is_true("isQuantity('1.5Gi') && !isQuantity('1.5Gb')");
    gives("quantity('2k').asInteger()", "2000");
    gives("quantity('1.5').isInteger()", "false");
    gives("quantity('1.5').asApproximateFloat()", "1.5");
    gives("quantity('1Gi').add(quantity('1Gi'))", "2Gi");
    gives("quantity('1').sub(1).sign()", "0");
    fails("quantity('1.5Gb')", "quantities must match");
    fails("quantity('1.5').asInteger()", "cannot convert");
    /* url */
    gives("url('https://user@example.com:8443/a%20b/c?x=1&x=2&y=z').getHost()", "example.com:8443");
    gives("url('https://example.com:8443/p').getHostname() + ' ' + url('https://example.com:8443/p').getPort()",
          "example.com 8443");
    gives("url('https://[::1]:80/p').getHostname()", "::1");
    gives("url('https://example.com/a%20b').getEscapedPath()", "/a%20b");
    gives("url('https://example.com/?x=1&x=2&y=z').getQuery()", "{\"x\": [\"1\", \"2\"], \"y\": [\"z\"]}");
    gives("url('HTTPS://example.com').getScheme()", "https");
    is_true("isURL('/relative/path') && !isURL('example.com') && !isURL('')");
    fails("url('not a url')", "URL parse error");
    /* ip and cidr */
    is_true("isIP('10.0.0.1') && isIP('fe80::1') && !isIP('10.0.0.01') && !isIP('::ffff:1.2.3.4') && !isIP('fe80::1%eth0')");
    gives("ip('10.0.0.1').family() + ip('::1').family()", "10");
    is_true("ip('127.0.0.1').isLoopback() && ip('0.0.0.0').isUnspecified() && ip('169.254.1.1').isLinkLocalUnicast()");
    is_true("ip('224.0.0.5').isLinkLocalMulticast() && ip('8.8.8.8').isGlobalUnicast() && !ip('255.255.255.255').isGlobalUnicast()");
    gives("string(ip('2001:db8:0:0:0:0:0:1'))", "2001:db8::1");
    is_true("ip.isCanonical('2001:db8::1') && !ip.isCanonical('2001:DB8::1')");
    is_true("cidr('10.0.0.0/8').containsIP('10.1.2.3') && !cidr('10.0.0.0/8').containsIP(ip('11.0.0.1'))");
    is_true("cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16') && !cidr('10.1.0.0/16').containsCIDR(cidr('10.0.0.0/8'))");
    gives("string(cidr('10.1.2.3/8').masked()) + ' ' + string(cidr('10.1.2.3/8').ip())", "10.0.0.0/8 10.1.2.3");
    gives("cidr('fd00::/64').prefixLength()", "64");
    is_true("isCIDR('10.0.0.0/8') && !isCIDR('10.0.0.0/33') && !isCIDR('10.0.0.0')");
    /* format */
    is_true("!format.dns1123Label().validate('my-name').hasValue()");
    gives("format.dns1123Label().validate('My_Name').value()",
          "[\"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
          "and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
          "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')\"]");
    is_true("format.named('uuid').value().validate('not-a-uuid').hasValue() && !format.named('nope').hasValue()");
    is_true("!format.uuid().validate('123e4567-e89b-12d3-a456-426614174000').hasValue()");
    is_true("!format.date().validate('2024-02-29').hasValue() && format.date().validate('2023-02-29').hasValue()");
    is_true("!format.datetime().validate('2024-02-29T10:00:00Z').hasValue() && !format.uri().validate('https://x/y').hasValue()");
    is_true("base64.decode(base64.encode(b'hello')) == b'hello' && base64.encode(b'hi') == 'aGk='");
    /* a variable named like a namespace is still a variable */
    is_true_with("self.ips.all(ip, ip.startsWith('10.'))", "{\"ips\": [\"10.0.0.1\"]}");
}

static void test_optionals(void **state)
{
    (void)state;
    const char *self = "{\"a\": {\"b\": 1}}";
    is_true_with("self.?a.?b.orValue(0) == 1 && self.?x.?b.orValue(0) == 0", self);
    is_true_with("!self.?x.hasValue() && self.?a.hasValue() && self.?a.b.value() == 1", self);
    is_true_with("optional.of(1).value() == 1 && !optional.none().hasValue()", self);
    is_true_with("[1, 2][?5].orValue(9) == 9 && {'k': 1}[?'k'].value() == 1", self);
    is_true_with("[?optional.none(), ?optional.of(1)] == [1]", self);
    is_true_with("optional.none().or(optional.of(2)).value() == 2", self);
    is_true_with("optional.of(2).optMap(x, x * 2).value() == 4", self);
    fails_with_self("optional.none().value()", self, "optional.none() dereference");
}

static void test_compile_errors(void **state)
{
    (void)state;
    compile_fails("self.x +", "ERROR: <input>:1:9: Syntax error: mismatched input '<EOF>'");
    compile_fails("self.x +", " | self.x +\n | ........^");
    compile_fails("1 +\n  * 2", "ERROR: <input>:2:3: Syntax error");
    compile_fails("'unterminated", "ERROR: <input>:1:1: Syntax error: token recognition error");
    compile_fails("self.x == 1 1", "extraneous input '1'");
    compile_fails("foo == 1", "undeclared reference to 'foo' (in container '')");
    compile_fails("self.x.bogus()", "undeclared reference to 'bogus'");
    compile_fails("if", "reserved identifier: if");
    compile_fails("has(self)", "invalid argument to has() macro");
    compile_fails("self.all(1, true)", "argument must be a simple name");
    compile_fails("9223372036854775808", "invalid int literal");
    compile_fails("'\\q'", "invalid escape sequence");
    compile_fails("'\\ud800'", "invalid unicode code point");
}

/* ---- limits */

static void test_cost_limit(void **state)
{
    (void)state;
    /* a list of 1000 items, three nested comprehensions: 10^9 steps */
    char self[8000] = "{\"l\": [";
    for (int i = 0; i < 1000; i++) snprintf(self + strlen(self), sizeof self - strlen(self), "%s%d", i ? "," : "", i);
    strcat(self, "]}");
    cel_result r = eval_with("self.l.all(x, self.l.all(y, self.l.all(z, x + y + z >= 0)))", self, NULL, CEL_PER_CALL_LIMIT);
    assert_int_equal(r.kind, CEL_RESULT_ERROR);
    assert_string_equal(r.text, "operation cancelled: actual cost limit exceeded");
    assert_int_equal(r.cost_exceeded, 1);
    free(r.text);
    /* an error absorbed by || does not hide the exceeded budget */
    r = eval_with("self.l.all(x, self.l.all(y, self.l.all(z, z >= 0))) || true", self, NULL, CEL_PER_CALL_LIMIT);
    assert_int_equal(r.kind, CEL_RESULT_ERROR);
    free(r.text);
    /* the same rule within budget on a small list, and its cost */
    r = eval_with("self.l.all(x, x >= 0)", "{\"l\": [1, 2, 3]}", NULL, CEL_PER_CALL_LIMIT);
    assert_int_equal(r.kind, CEL_RESULT_BOOL);
    assert_true(r.cost > 0 && r.cost < 100);
    /* a tiny budget */
    r = eval_with("self.l.all(x, x >= 0)", "{\"l\": [1, 2, 3]}", NULL, 3);
    assert_int_equal(r.kind, CEL_RESULT_ERROR);
    free(r.text);
}

static void test_hostile_growth_stops(void **state)
{
    (void)state;
    /* doubling a list through nested comprehension variables: 2^40 items
     * if nothing stopped it */
    char expr[4000] = "[[1]]";
    for (int i = 0; i < 40; i++) {
        char next[4000];
        snprintf(next, sizeof next, "%s.map(v%d, v%d + v%d)", expr, i, i, i);
        strcpy(expr, next);
    }
    cel_result r = eval_with(expr, "{}", NULL, CEL_PER_CALL_LIMIT);
    assert_int_equal(r.kind, CEL_RESULT_ERROR);
    assert_string_equal(r.text, "operation cancelled: actual cost limit exceeded");
    free(r.text);
    /* string growth through replace */
    r = eval_with("'aaaaaaaaaa'.replace('a', 'aaaaaaaaaa').replace('a', 'aaaaaaaaaa').replace('a', 'aaaaaaaaaa')"
                  ".replace('a', 'aaaaaaaaaa').replace('a', 'aaaaaaaaaa').replace('a', 'aaaaaaaaaa')"
                  ".replace('a', 'aaaaaaaaaa').replace('a', 'aaaaaaaaaa')", "{}", NULL, CEL_PER_CALL_LIMIT);
    assert_int_equal(r.kind, CEL_RESULT_ERROR);
    assert_string_equal(r.text, "operation cancelled: actual cost limit exceeded");
    free(r.text);
}

static void test_hostile_regex(void **state)
{
    (void)state;
    /* regcomp would spend seconds on these: refused as RE2 refuses them */
    compile_fails("'a'.matches('(a{1,1000}){1,1000}')", "expression too large");
    fails("'a'.matches('a{1001}' + '')", "expression too large");
    /* stacked repetition, as Go's regexp/syntax (RE2) refuses it; glibc's
     * regcomp took seconds on the fuzzing find below */
    compile_fails("'a'.matches('a**')", "error parsing regexp: invalid nested repetition operator: `**`");
    compile_fails("'a'.matches('a+{2}')", "invalid nested repetition operator: `+{2}`");
    fails("'a'.matches('`+++5++sum()++++++++++++zE2EEEEE' + '')", "invalid nested repetition operator: `++`");
    compile_fails("'a'.matches('*a')", "error parsing regexp: missing argument to repetition operator: `*`");
    compile_fails("'a'.matches('(+a)')", "missing argument to repetition operator: `+`");
    is_true("'aaa'.matches('^a{2,}$') && 'a{'.matches('a{') && 'ab'.matches('(a|b)+')");
    /* RE2's escapes inside brackets: an escaped '-' is a literal, not a
     * range ([a\-z] is a, '-' or z); \xHH anywhere */
    is_true("'-'.matches(r'^[a\\-z]$') && !'m'.matches(r'^[a\\-z]$') && 'z'.matches(r'^[a\\-z]$')");
    is_true("'`'.matches(r'^\\x60$') && 'a`b'.matches(r'^[a-z\\x60]+$') && '.'.matches(r'^\\x2e$') && !'x'.matches(r'^\\x2e$')");
    is_true("'a.b_c~d'.matches(r'^[\\-._~a-z]+$')");
    /* a long text against a backtracking-prone pattern is refused before
     * it runs, by its cost */
    char self[20100] = "{\"s\": \"";
    memset(self + strlen(self), 'a', 20000);
    strcat(self, "!\"}");
    cel_result r = eval_with("self.s.matches('(a+)+$')", self, NULL, CEL_PER_CALL_LIMIT);
    assert_int_equal(r.kind, CEL_RESULT_ERROR);
    assert_string_equal(r.text, "operation cancelled: actual cost limit exceeded");
    free(r.text);
}

static void test_depth_limit(void **state)
{
    (void)state;
    /* 250 levels parse; deeper is a compile error, not a stack overflow */
    size_t n = 40000;
    char *expr = kapi_xmalloc(2 * n + 2);
    memset(expr, '[', n);
    memset(expr + n, ']', n);
    expr[2 * n] = 0;
    compile_fails(expr, "expression recursion limit exceeded: 250");
    memset(expr, '(', n);
    expr[n] = '1';
    memset(expr + n + 1, ')', n);
    expr[2 * n + 1] = 0;
    compile_fails(expr, "expression recursion limit exceeded: 250");
    strcpy(expr, "1");
    for (int i = 0; i < 300; i++) strcat(expr, " + 1");
    compile_fails(expr, "expression recursion limit exceeded");
    memset(expr, '!', n);
    strcpy(expr + n, "true");
    compile_fails(expr, "expression recursion limit exceeded");
    char ok[400] = "";
    for (int i = 0; i < 100; i++) strcat(ok, "[");
    for (int i = 0; i < 100; i++) strcat(ok, "]");
    cel_program *p;
    char *err = NULL;
    assert_int_equal(cel_compile(ok, &p, &err), 0);
    cel_program_free(p);
    free(expr);
}

static void test_size_limit_and_junk(void **state)
{
    (void)state;
    char *big = kapi_xmalloc(CEL_MAX_EXPRESSION_SIZE + 10);
    memset(big, ' ', CEL_MAX_EXPRESSION_SIZE + 5);
    big[0] = '1';
    big[CEL_MAX_EXPRESSION_SIZE + 5] = 0;
    compile_fails(big, "expression code point size exceeds limit");
    free(big);
    /* junk never crashes the compiler */
    static const char *const junk[] = {"", ")", "[", "{", "1 ?", "a.", ".", "?.", "'", "\"\"\"", "b'\\u0041'",
                                       "{1: }", "[?]", "1..2", "self.?", "self[?", "`x`", "self.`", "\xff\xfe",
                                       "0x", "1e", "1u1", "r", "self..x", "has()", "all(x, y)"};
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        cel_program *p = NULL;
        char *err = NULL;
        if (cel_compile(junk[i], &p, &err) == 0) {
            cel_result r;
            cel_eval(p, NULL, NULL, CEL_PER_CALL_LIMIT, &r);
            free(r.text);
            cel_program_free(p);
        } else {
            assert_non_null(strstr(err, "ERROR: <input>:"));
            free(err);
        }
    }
}

int main(void)
{
    kapi_alloc_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literals_and_arithmetic),
        cmocka_unit_test(test_equality_and_comparison),
        cmocka_unit_test(test_logic_absorbs_errors),
        cmocka_unit_test(test_self_and_old_self),
        cmocka_unit_test(test_schema_typing),
        cmocka_unit_test(test_conversions),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_kube_lists_and_regex),
        cmocka_unit_test(test_kube_types),
        cmocka_unit_test(test_optionals),
        cmocka_unit_test(test_compile_errors),
        cmocka_unit_test(test_cost_limit),
        cmocka_unit_test(test_hostile_growth_stops),
        cmocka_unit_test(test_hostile_regex),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_size_limit_and_junk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

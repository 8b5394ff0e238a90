/* parse.c: the CEL parser: recursive descent over langdef.md's grammar
 * (precedence from lowest: ?:, ||, &&, relations and 'in', + -, * / %,
 * unary ! -, member . [] () ), with the optional syntax (a.?b, a[?b],
 * [?x], {?k: v}), message literals, and the standard macros recognised as
 * cel-go's parser does (has, all, exists, exists_one, map, filter,
 * optMap, optFlatMap). Nesting deeper than CEL_MAX_RECURSION_DEPTH is a
 * compile error, so a hostile rule cannot exhaust the stack; errors are
 * worded as cel-go words them: "ERROR: <input>:L:C: Syntax error: ...". */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cel/cel.h"
#include "cel/cel_int.h"
#include "cel/lex.h"

typedef struct {
    lexer lx;
    token tok;           /* the current token */
    kapi_pool *pool;
    int depth;
    const char *err;
    jmp_buf fail;
} parser;

static const char *tok_text(parser *p, const token *t)
{
    if (t->kind == T_EOF) return "<EOF>";
    return kapi_pstrndup(p->pool, p->lx.src + t->pos, (size_t)(t->end - t->pos));
}

const char *cel_format_error(kapi_pool *pool, const char *s, int pos, const char *msg)
{
    int line = 1, line_start = 0;
    for (int i = 0; i < pos && s[i]; i++)
        if (s[i] == '\n') { line++; line_start = i + 1; }
    int col = 0;
    for (int i = line_start; i < pos; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) col++;
    int line_end = line_start;
    while (s[line_end] && s[line_end] != '\n') line_end++;
    char *dots = kapi_palloc(pool, (size_t)col + 1);
    memset(dots, '.', (size_t)col);
    return kapi_psprintf(pool, "ERROR: <input>:%d:%d: %s\n | %.*s\n | %s^", line, col + 1, msg,
                         line_end - line_start, s + line_start, dots);
}

/* Formats a compile error at byte offset pos as cel-go does, with the
 * source line and a caret under the column, and abandons the parse. */
static _Noreturn void error_at(parser *p, int pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static _Noreturn void error_at(parser *p, int pos, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->err = cel_format_error(p->pool, p->lx.src, pos, msg);
    longjmp(p->fail, 1);
}

static void advance(parser *p)
{
    lex_next(&p->lx, &p->tok);
    if (p->tok.kind == T_ERROR) {
        if (!strncmp(p->tok.err, "invalid", 7) || !strncmp(p->tok.err, "reserved", 8))
            error_at(p, p->tok.pos, "%s", p->tok.err);
        error_at(p, p->tok.pos, "Syntax error: %s", p->tok.err);
    }
}

static _Noreturn void unexpected(parser *p, const char *expecting)
{
    error_at(p, p->tok.pos, "Syntax error: mismatched input '%s' expecting %s", tok_text(p, &p->tok), expecting);
}

static void expect(parser *p, tok_kind k, const char *what)
{
    if (p->tok.kind != k) unexpected(p, what);
    advance(p);
}

static node *new_node(parser *p, node_kind k, int pos)
{
    node *n = kapi_palloc(p->pool, sizeof *n);
    n->kind = k;
    n->pos = pos;
    return n;
}

/* A growable array of nodes (and optional flags) while parsing a list. */
typedef struct { node **items; bool *opt; size_t n, cap; } node_vec;

static void vec_push(parser *p, node_vec *v, node *n, bool opt)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 4;
        node **items = kapi_palloc(p->pool, cap * sizeof *items);
        bool *o = kapi_palloc(p->pool, cap * sizeof *o);
        if (v->n) { memcpy(items, v->items, v->n * sizeof *items); memcpy(o, v->opt, v->n * sizeof *o); }
        v->items = items;
        v->opt = o;
        v->cap = cap;
    }
    v->items[v->n] = n;
    v->opt[v->n++] = opt;
}

static node *parse_expr(parser *p);

static void enter(parser *p, int pos)
{
    if (++p->depth > CEL_MAX_RECURSION_DEPTH)
        error_at(p, pos, "expression recursion limit exceeded: %d", CEL_MAX_RECURSION_DEPTH);
}

static node *binary(parser *p, node_kind k, cel_op op, int pos, node *a, node *b)
{
    node *n = new_node(p, k, pos);
    n->op = op;
    n->args = kapi_palloc(p->pool, 2 * sizeof(node *));
    n->args[0] = a;
    n->args[1] = b;
    n->n_args = 2;
    return n;
}

/* args up to the closing ')' (the '(' consumed). */
static void parse_args(parser *p, node_vec *v)
{
    if (p->tok.kind != T_RPAREN) {
        for (;;) {
            vec_push(p, v, parse_expr(p), false);
            if (p->tok.kind != T_COMMA) break;
            advance(p);
        }
    }
    expect(p, T_RPAREN, "{')', ','}");
}

/* The dotted name of an identifier chain (a.b.c), or NULL. */
static const char *qualified_name(parser *p, const node *n)
{
    if (n->kind == N_IDENT) return n->name;
    if (n->kind != N_SELECT) return NULL;
    const char *left = qualified_name(p, n->target);
    return left ? kapi_psprintf(p->pool, "%s.%s", left, n->name) : NULL;
}

static node *make_macro(parser *p, macro_kind k, int pos, node *target, node_vec *args)
{
    node *n = new_node(p, N_MACRO, pos);
    n->macro = k;
    n->target = target;
    n->args = args->items;
    n->n_args = args->n;
    if (k != M_HAS) {
        if (args->items[0]->kind != N_IDENT) error_at(p, args->items[0]->pos, "argument must be a simple name");
        n->name = args->items[0]->name;
    }
    if (k >= M2_ALL) {
        if (args->items[1]->kind != N_IDENT) error_at(p, args->items[1]->pos, "argument must be a simple name");
        n->name2 = args->items[1]->name;
        if (!strcmp(n->name, n->name2))
            error_at(p, args->items[1]->pos, "duplicate variable name: %s", n->name);
    }
    return n;
}

/* A call: global (target NULL) or a method; recognises the macros. */
static node *make_call(parser *p, int pos, node *target, const char *fn, node_vec *args)
{
    if (!target && !strcmp(fn, "has") && args->n == 1) {
        if (args->items[0]->kind != N_SELECT) error_at(p, pos, "invalid argument to has() macro");
        return make_macro(p, M_HAS, pos, NULL, args);
    }
    if (target) {
        static const struct { const char *name; size_t n; macro_kind k; } macros[] = {
            {"all", 2, M_ALL}, {"exists", 2, M_EXISTS}, {"exists_one", 2, M_EXISTS_ONE},
            {"existsOne", 2, M_EXISTS_ONE}, {"all", 3, M2_ALL}, {"exists", 3, M2_EXISTS},
            {"existsOne", 3, M2_EXISTS_ONE}, {"exists_one", 3, M2_EXISTS_ONE},
            {"transformList", 3, M2_TRANSFORM_LIST}, {"transformList", 4, M2_TRANSFORM_LIST},
            {"transformMap", 3, M2_TRANSFORM_MAP}, {"transformMap", 4, M2_TRANSFORM_MAP},
            {"map", 2, M_MAP}, {"map", 3, M_MAP3}, {"filter", 2, M_FILTER},
            {"optMap", 2, M_OPT_MAP}, {"optFlatMap", 2, M_OPT_FLAT_MAP},
        };
        for (size_t i = 0; i < sizeof macros / sizeof macros[0]; i++)
            if (!strcmp(fn, macros[i].name) && args->n == macros[i].n)
                return make_macro(p, macros[i].k, pos, target, args);
    }
    node *n = new_node(p, N_CALL, pos);
    n->name = fn;
    n->target = target;
    n->args = args->items;
    n->n_args = args->n;
    return n;
}

/* Fields or entries up to the closing '}' (the '{' consumed). */
static node *parse_inits(parser *p, node_kind k, int pos, const char *type)
{
    node_vec v = {0};
    while (p->tok.kind != T_RBRACE) {
        bool opt = false;
        if (p->tok.kind == T_QUESTION) { opt = true; advance(p); }
        node *key;
        if (k == N_STRUCT) {
            if (p->tok.kind != T_IDENT) unexpected(p, "IDENTIFIER");
            key = new_node(p, N_LIT, p->tok.pos);
            key->lit.kind = CV_STRING;
            key->lit.u.s.p = p->tok.s;
            key->lit.u.s.len = p->tok.len;
            advance(p);
        } else {
            key = parse_expr(p);
        }
        expect(p, T_COLON, "':'");
        vec_push(p, &v, key, opt);
        vec_push(p, &v, parse_expr(p), opt);
        if (p->tok.kind != T_COMMA) break;
        advance(p);
    }
    expect(p, T_RBRACE, "{'}', ','}");
    node *n = new_node(p, k, pos);
    n->name = type;
    n->args = v.items;
    n->optional = v.opt;
    n->n_args = v.n;
    return n;
}

static node *literal(parser *p, cel_val v)
{
    node *n = new_node(p, N_LIT, p->tok.pos);
    n->lit = v;
    advance(p);
    return n;
}

static node *parse_primary(parser *p)
{
    token t = p->tok;
    cel_val v = {0};
    switch (t.kind) {
    case T_INT:
        if (t.int_overflow) error_at(p, t.pos, "invalid int literal");
        v.kind = CV_INT; v.u.i = (int64_t)t.u; return literal(p, v);
    case T_UINT: v.kind = CV_UINT; v.u.u = t.u; return literal(p, v);
    case T_DOUBLE: v.kind = CV_DOUBLE; v.u.d = t.d; return literal(p, v);
    case T_STRING: case T_BYTES:
        v.kind = t.kind == T_STRING ? CV_STRING : CV_BYTES;
        v.u.s.p = t.s; v.u.s.len = t.len;
        if (v.kind == CV_STRING && !cel_utf8_valid(t.s, t.len)) error_at(p, t.pos, "Syntax error: invalid UTF-8 in string literal");
        return literal(p, v);
    case T_TRUE: case T_FALSE: v.kind = CV_BOOL; v.u.b = t.kind == T_TRUE; return literal(p, v);
    case T_NULL: v.kind = CV_NULL; return literal(p, v);
    case T_LPAREN: {
        advance(p);
        node *e = parse_expr(p);
        expect(p, T_RPAREN, "')'");
        return e;
    }
    case T_LBRACKET: {
        advance(p);
        node_vec v2 = {0};
        while (p->tok.kind != T_RBRACKET) {
            bool opt = false;
            if (p->tok.kind == T_QUESTION) { opt = true; advance(p); }
            vec_push(p, &v2, parse_expr(p), opt);
            if (p->tok.kind != T_COMMA) break;
            advance(p);
        }
        expect(p, T_RBRACKET, "{']', ','}");
        node *n = new_node(p, N_LIST, t.pos);
        n->args = v2.items;
        n->optional = v2.opt;
        n->n_args = v2.n;
        return n;
    }
    case T_LBRACE:
        advance(p);
        return parse_inits(p, N_MAP, t.pos, NULL);
    case T_DOT: case T_IDENT: {
        int leading_dot = t.kind == T_DOT;
        if (leading_dot) {
            advance(p);
            if (p->tok.kind != T_IDENT) unexpected(p, "IDENTIFIER");
        }
        token id = p->tok;
        if (id.reserved) error_at(p, id.pos, "reserved identifier: %s", id.s);
        if (id.quoted) unexpected(p, "IDENTIFIER");
        advance(p);
        const char *name = leading_dot ? kapi_psprintf(p->pool, ".%s", id.s) : id.s;
        if (p->tok.kind == T_LPAREN) {
            advance(p);
            node_vec args = {0};
            parse_args(p, &args);
            return make_call(p, id.pos, NULL, leading_dot ? id.s : name, &args);
        }
        node *n = new_node(p, N_IDENT, id.pos);
        n->name = name;
        return n;
    }
    default:
        unexpected(p, "{'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}");
    }
}

static node *parse_member(parser *p)
{
    node *n = parse_primary(p);
    int depth0 = p->depth;
    for (;;) {
        token t = p->tok;
        if (t.kind == T_DOT) {
            enter(p, t.pos);
            advance(p);
            bool opt = false;
            if (p->tok.kind == T_QUESTION) { opt = true; advance(p); }
            if (p->tok.kind != T_IDENT) unexpected(p, "IDENTIFIER");
            token id = p->tok;
            advance(p);
            if (!opt && !id.quoted && p->tok.kind == T_LPAREN) {
                advance(p);
                node_vec args = {0};
                parse_args(p, &args);
                n = make_call(p, id.pos, n, id.s, &args);
                continue;
            }
            node *s = new_node(p, opt ? N_OPT_SELECT : N_SELECT, t.pos);
            s->target = n;
            s->name = id.s;
            n = s;
        } else if (t.kind == T_LBRACKET) {
            enter(p, t.pos);
            advance(p);
            bool opt = false;
            if (p->tok.kind == T_QUESTION) { opt = true; advance(p); }
            node *idx = parse_expr(p);
            expect(p, T_RBRACKET, "']'");
            n = binary(p, opt ? N_OPT_INDEX : N_INDEX, 0, t.pos, n, idx);
            n->target = n->args[0];
        } else if (t.kind == T_LBRACE && (n->kind == N_IDENT || n->kind == N_SELECT) && qualified_name(p, n)) {
            advance(p);
            n = parse_inits(p, N_STRUCT, t.pos, qualified_name(p, n));
        } else {
            break;
        }
    }
    p->depth = depth0;
    return n;
}

static node *parse_unary(parser *p)
{
    token t = p->tok;
    if (t.kind == T_NOT || t.kind == T_MINUS) {
        enter(p, t.pos);
        advance(p);
        /* -9223372036854775808 is an int literal, not the negation of one
         * out of range. */
        if (t.kind == T_MINUS && p->tok.kind == T_INT) {
            token lit = p->tok;
            lex_next(&p->lx, &p->tok);   /* peek: a member access binds tighter than '-' */
            lexer save = p->lx;
            token after = p->tok;
            (void)save;
            if (after.kind != T_DOT && after.kind != T_LBRACKET && after.kind != T_ERROR) {
                if (lit.u > (uint64_t)INT64_MAX + 1) error_at(p, lit.pos, "invalid int literal");
                node *n = new_node(p, N_LIT, t.pos);
                n->lit.kind = CV_INT;
                n->lit.u.i = lit.u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)lit.u;
                p->depth--;
                return n;
            }
            /* put the literal back: re-lex from its start */
            p->lx.at = (size_t)lit.pos;
            advance(p);
        }
        if (t.kind == T_MINUS && p->tok.kind == T_DOUBLE) {
            token lit = p->tok;
            advance(p);
            if (p->tok.kind != T_DOT && p->tok.kind != T_LBRACKET) {
                node *n = new_node(p, N_LIT, t.pos);
                n->lit.kind = CV_DOUBLE;
                n->lit.u.d = -lit.d;
                p->depth--;
                return n;
            }
            p->lx.at = (size_t)lit.pos;
            advance(p);
        }
        node *operand = parse_unary(p);
        node *n = new_node(p, N_UNARY, t.pos);
        n->op = t.kind == T_NOT ? OP_NOT : OP_NEG;
        n->args = kapi_palloc(p->pool, sizeof(node *));
        n->args[0] = operand;
        n->n_args = 1;
        p->depth--;
        return n;
    }
    return parse_member(p);
}

/* Binary operators by precedence level, lowest first. */
static int binary_level(tok_kind k, cel_op *op)
{
    static const struct { tok_kind tok; cel_op op; int level; } levels[] = {
        {T_EQ, OP_EQ, 3}, {T_NE, OP_NE, 3}, {T_LT, OP_LT, 3}, {T_LE, OP_LE, 3},
        {T_GT, OP_GT, 3}, {T_GE, OP_GE, 3}, {T_IN, OP_IN, 3},
        {T_PLUS, OP_ADD, 4}, {T_MINUS, OP_SUB, 4},
        {T_STAR, OP_MUL, 5}, {T_SLASH, OP_DIV, 5}, {T_PERCENT, OP_MOD, 5},
    };
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        if (levels[i].tok == k) { *op = levels[i].op; return levels[i].level; }
    return 0;
}

static node *parse_binary(parser *p, int level)
{
    if (level == 6) return parse_unary(p);
    node *left = parse_binary(p, level + 1);
    int depth0 = p->depth;
    for (;;) {
        token t = p->tok;
        cel_op op;
        node_kind k;
        if (level == 1 && t.kind == T_OR) k = N_OR;
        else if (level == 2 && t.kind == T_AND) k = N_AND;
        else if (level >= 3 && binary_level(t.kind, &op) == level) k = N_BINARY;
        else break;
        enter(p, t.pos);
        advance(p);
        node *right = parse_binary(p, level + 1);
        left = binary(p, k, k == N_BINARY ? op : 0, t.pos, left, right);
    }
    p->depth = depth0;
    return left;
}

static node *parse_expr(parser *p)
{
    enter(p, p->tok.pos);
    node *cond = parse_binary(p, 1);
    if (p->tok.kind == T_QUESTION) {
        token q = p->tok;
        advance(p);
        node *a = parse_binary(p, 1);
        expect(p, T_COLON, "':'");
        node *b = parse_expr(p);
        node *n = new_node(p, N_COND, q.pos);
        n->args = kapi_palloc(p->pool, 3 * sizeof(node *));
        n->args[0] = cond;
        n->args[1] = a;
        n->args[2] = b;
        n->n_args = 3;
        cond = n;
    }
    p->depth--;
    return cond;
}

node *cel_parse(kapi_pool *pool, const char *expr, const char **err)
{
    parser p = {.pool = pool};
    p.lx.src = expr;
    p.lx.len = strlen(expr);
    p.lx.pool = pool;
    if (cel_utf8_count(expr, p.lx.len) > CEL_MAX_EXPRESSION_SIZE) {
        *err = kapi_psprintf(pool, "ERROR: <input>:-1:0: expression code point size exceeds limit: size: %zu, limit %d",
                             cel_utf8_count(expr, p.lx.len), CEL_MAX_EXPRESSION_SIZE);
        return NULL;
    }
    if (setjmp(p.fail)) {
        *err = p.err;
        return NULL;
    }
    advance(&p);
    node *root = parse_expr(&p);
    if (p.tok.kind != T_EOF)
        error_at(&p, p.tok.pos, "Syntax error: extraneous input '%s' expecting <EOF>", tok_text(&p, &p.tok));
    return root;
}

/* lex.h: CEL's tokens (cel-spec langdef.md, "Syntax"): the lexer turns an
 * expression into one token at a time for the parser. */
#ifndef KAPI_CEL_LEX_H
#define KAPI_CEL_LEX_H

#include <stddef.h>
#include <stdint.h>
#include "core/kapi.h"

typedef enum {
    T_EOF, T_ERROR, T_INT, T_UINT, T_DOUBLE, T_STRING, T_BYTES, T_IDENT,
    T_TRUE, T_FALSE, T_NULL, T_IN,
    T_LPAREN, T_RPAREN, T_LBRACKET, T_RBRACKET, T_LBRACE, T_RBRACE,
    T_DOT, T_COMMA, T_COLON, T_QUESTION, T_NOT, T_MINUS, T_PLUS, T_STAR,
    T_SLASH, T_PERCENT, T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_AND, T_OR,
} tok_kind;

typedef struct {
    tok_kind kind;
    int pos;                 /* byte offset of the token's start */
    int end;                 /* byte offset after it */
    uint64_t u;              /* T_INT (magnitude), T_UINT */
    int int_overflow;        /* T_INT above 2^63 - 1 (valid only after '-' when == 2^63) */
    double d;                /* T_DOUBLE */
    const char *s;           /* T_STRING/T_BYTES value, T_IDENT name (pool) */
    size_t len;
    int reserved;            /* T_IDENT: a reserved word (only a field or method name) */
    int quoted;              /* T_IDENT: `back-quoted` (only a field name) */
    const char *err;         /* T_ERROR: the message, without position */
} token;

typedef struct {
    const char *src;
    size_t len;
    size_t at;
    kapi_pool *pool;
} lexer;

void lex_next(lexer *lx, token *t);

#endif

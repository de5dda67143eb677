/*
 * sqli.c - SQL injection detection by structure, not by keywords.
 *
 * A value is lexed as SQL (strings with '' and backslash escapes, "..",
 * `..`, $$dollar$$ quotes, N'..' X'..' B'..' E'..', numbers incl. 0x.. and
 * MySQL's 1.e, words and a keyword table, every operator of MySQL,
 * PostgreSQL, MSSQL, Oracle and SQLite, -- # and block comments, MySQL
 * executable comments, @vars). Each token gets a fingerprint letter, as in
 * libinjection:
 *
 *   s string   n number (also NULL TRUE FALSE)   v @variable, @@system var
 *   k keyword  U UNION/INTERSECT/EXCEPT   E statement start (SELECT, DROP..)
 *   f function (a name followed by '(')   & logic (AND OR XOR && ||)
 *   o operator (= < LIKE IN IS NOT + - * ::)   c comment   ; ( ) ,
 *   b bareword (identifier, ordinary word)   t type name after ::   x other
 *
 * The value is then read in the places it can land in a query: bare
 * (`id=1 OR 1=1`), after a quote that the value closes (`x' OR '1'='1`:
 * the first token is the rest of the query's string), likewise after a
 * double quote, and after a backtick when the value has an odd number of
 * them. A backslash before the closing quote is read both ways (MySQL
 * escapes, standard SQL does not). Comments are folded away, a few pairs
 * merged (UNION ALL, ORDER BY, NOT LIKE, -1), and a small grammar looks
 * for the shapes of an injection:
 *
 *   - a closed prefix followed by a logic operator and a condition that is
 *     a comparison of literals, a subquery or a call (tautologies, blind);
 *   - UNION SELECT; a statement after ';' (stacked query); a statement
 *     right after the closing quote; a subquery `(SELECT ..)`;
 *   - delay and file/OS functions (SLEEP(5), BENCHMARK(..), PG_SLEEP,
 *     WAITFOR DELAY, LOAD_FILE, INTO OUTFILE, xp_cmdshell);
 *   - a comment or ';' right after the closing quote (`admin'--`);
 *   - ORDER BY n / HAVING after the prefix, ::casts, 1.e( obfuscation,
 *     executable comments with SQL inside, an unfinished function call.
 *
 * A statement keyword alone proves nothing ("please select the item from
 * the list"): statements are validated by what follows (a select list with
 * literals, calls or '*', FROM plus a WHERE comparison, DROP TABLE name,
 * INSERT INTO t VALUES ...), and prose that keeps going after the
 * statement weakens it. The weak shapes that hang on the prefix alone
 * (admin'--, x'='x, admin';) need a short prefix without blanks: an
 * apostrophe in a sentence is not an attacker's closing quote.
 *
 * The `src` of a point is not used: every source gets the same rules
 * (keys too); JSON numbers and booleans are skipped.
 *
 * Scores: 0 benign; 30..40 suspicious; >= 50 attack (block by default);
 * 80..90 for the unambiguous shapes (UNION SELECT, stacked DROP, delays,
 * INTO OUTFILE).
 *
 * Cost: most values (words, numbers, URLs, dates: no quote and no run of
 * letters that is a keyword) are proven unable to match by one pass over
 * their bytes, without the lexer (sql_inert). Otherwise no allocation;
 * tokens live in fixed arrays on the stack and long values are processed
 * in overlapping chunks of SQL_CHUNK tokens, at most SQL_MAX_TOKENS
 * tokens per context; every step moves forward and a rule
 * looks at most SQL_BUDGET tokens past its anchor, so the time is linear
 * in n (and bounded whatever n).
 */
#include "waf/waf_int.h"

#include <stdio.h>
#include <string.h>

/* Tokens per chunk, overlap between chunks, tokens examined per context. */
#define SQL_CHUNK 192
#define SQL_OVERLAP 24
#define SQL_MAX_TOKENS 8192
/* Tokens one grammar rule may examine from its anchor. */
#define SQL_BUDGET 96
/* Parenthesis nesting the grammar follows (deeper groups are skipped). */
#define SQL_DEPTH 8
/* The longest keyword (UTL_INADDR.GET_HOST_ADDRESS). */
#define SQL_KW_MAX 29

/* Token attributes: keyword properties (from the table) and lexer facts. */
enum {
    A_FN = 1u << 0,       /* a function when followed by '(' */
    A_TIME = 1u << 1,     /* delays: SLEEP, BENCHMARK, PG_SLEEP .. */
    A_DANGER = 1u << 2,   /* files, OS, network: LOAD_FILE, xp_cmdshell .. */
    A_SCHEMA = 1u << 3,   /* system catalogs: INFORMATION_SCHEMA .. */
    A_INJ = 1u << 4,      /* functions typical of injections: CHAR, CONCAT .. */
    A_WORD = 1u << 5,     /* an everyday word or plain arithmetic: needs stronger context */
    A_VALUE = 1u << 6,    /* NULL TRUE FALSE */
    A_TYPE = 1u << 7,     /* a data type (casts) */
    A_NOPAREN = 1u << 8,  /* a function without parentheses: CURRENT_USER */
    A_CMP = 1u << 9,      /* comparison operator */
    A_OBJ = 1u << 10,     /* object kind: TABLE, DATABASE .. */
    A_NOT = 1u << 11,     /* NOT, !, ~ */
    /* lexer facts */
    A_CLOSED = 1u << 12,  /* string: its closing quote is there */
    A_QUOTED = 1u << 13,  /* bareword written as `name` */
    A_ODDEXP = 1u << 14,  /* number like 1.e (MySQL accepts it) */
    A_CAST = 1u << 15,    /* the :: operator */
    A_STAR = 1u << 16,    /* the * operator */
    A_INEXEC = 1u << 17,  /* lexed inside a MySQL executable comment */
    A_SIGN = 1u << 18,    /* + or - (may be unary) */
    A_DOT = 1u << 19,     /* the . operator; for 'v': a @@system variable */
    /* comments */
    A_CDASH = 1u << 20,   /* -- */
    A_CHASH = 1u << 21,   /* # */
    A_CBLOCK = 1u << 22,  /* slash-star .. star-slash */
    A_CEXEC = 1u << 23,   /* MySQL executable comment opener or its end */
    A_CHINT = 1u << 24,   /* optimizer hint comment */
    A_CUNTERM = 1u << 25, /* block comment without its end */
    /* after folding */
    A_CAFTER = 1u << 26,  /* a comment follows this token */
    A_CSHORT = 1u << 27,  /* ... and it is short (nothing much after the marker) */
    A_AFTEREXEC = 1u << 28, /* first token after an executable comment opener */
    A_ASSIGN = 1u << 29,  /* := */
    A_POSTFIX = 1u << 30, /* NOTNULL, ISNULL: a comparison with one operand */
    A_CEMPTY = 1u << 31,  /* after folding: the comment after this token is (nearly) empty */
};

/* One token, with what the grammar needs beyond the fingerprint letter. */
typedef struct sql_tok {
    char type;
    uint8_t id;      /* K_* for keywords that the grammar names */
    uint32_t attr;   /* A_* */
    uint32_t pos, len;
} sql_tok_t;

typedef struct sql_kw {
    const char *name;  /* upper case */
    char type;
    uint8_t id;
    uint32_t attr;
} sql_kw_t;

/* Keywords the grammar refers to by name. */
enum {
    K_NONE,
    K_ALL, K_ALTER, K_ALTERACT, K_ANALYSE, K_AS, K_BETWEEN, K_BY, K_CALL,
    K_CASE, K_COLLATE, K_COPY, K_CREATE, K_DATA, K_DECLARE, K_DELAY, K_DELETE, K_DISTINCT,
    K_DISTINCTROW, K_DROP, K_DUMPFILE, K_ELSE, K_END, K_EXEC, K_EXECUTE,
    K_EXISTS, K_FROM, K_GRANT, K_GROUP, K_HANDLER, K_HAVING, K_IF,
    K_IMMEDIATE, K_INFILE, K_INSERT, K_INTO, K_IS, K_JOIN, K_LIKE, K_LIMIT, K_LOAD,
    K_MERGE, K_NOT, K_OBJ, K_OFFSET, K_ON, K_ORDER, K_OUTFILE, K_PROCEDURE,
    K_RENAME, K_REPLACE, K_RETURNS, K_REVOKE, K_SELECT, K_SET, K_SHUTDOWN,
    K_SOUNDS, K_TABLE, K_THEN, K_TOP, K_TRUNCATE, K_UNION, K_UPDATE,
    K_USER, K_VALUES, K_WAITFOR, K_WHEN, K_WHERE,
};

/*
 * The keyword table: upper-case names in strcmp order (a unit test checks
 * the order), looked up through a hash table. Functions become 'f' only when a
 * '(' follows; otherwise they are barewords that keep their attributes.
 * Dotted names (DBMS_PIPE.RECEIVE_MESSAGE) are listed whole; other dotted
 * words take the attributes of their first and last parts.
 */
static const sql_kw_t sql_keywords[] = {
    {"ABS", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"ADD", 'b', K_ALTERACT, 0},
    {"ALL", 'k', K_ALL, 0},
    {"ALL_TABLES", 'b', K_NONE, A_SCHEMA},
    {"ALL_TAB_COLUMNS", 'b', K_NONE, A_SCHEMA},
    {"ALL_USERS", 'b', K_NONE, A_SCHEMA},
    {"ALTER", 'E', K_ALTER, 0},
    {"ANALYSE", 'k', K_ANALYSE, 0},
    {"AND", '&', K_NONE, 0},
    {"ARRAY_TO_STRING", 'f', K_NONE, A_FN | A_INJ},
    {"AS", 'k', K_AS, 0},
    {"ASCII", 'f', K_NONE, A_FN | A_INJ},
    {"BENCHMARK", 'f', K_NONE, A_FN | A_TIME},
    {"BETWEEN", 'o', K_BETWEEN, A_CMP},
    {"BIGINT", 'b', K_NONE, A_TYPE},
    {"BIN", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"BINARY", 'b', K_NONE, 0},
    {"BIT_LENGTH", 'f', K_NONE, A_FN | A_INJ},
    {"BOOL", 'b', K_NONE, A_TYPE},
    {"BOOLEAN", 'b', K_NONE, A_TYPE},
    {"BY", 'b', K_BY, 0},
    {"BYTEA", 'b', K_NONE, A_TYPE},
    {"CALL", 'E', K_CALL, A_WORD},
    {"CASE", 'k', K_CASE, 0},
    {"CAST", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"CEIL", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"CEILING", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"CHANGE", 'b', K_ALTERACT, 0},
    {"CHAR", 'f', K_NONE, A_FN | A_INJ | A_WORD | A_TYPE},
    {"CHARINDEX", 'f', K_NONE, A_FN | A_INJ},
    {"CHAR_LENGTH", 'f', K_NONE, A_FN | A_INJ},
    {"CHR", 'f', K_NONE, A_FN | A_INJ},
    {"COALESCE", 'f', K_NONE, A_FN | A_INJ},
    {"COLLATE", 'o', K_COLLATE, 0},
    {"COLUMN", 'k', K_OBJ, A_OBJ},
    {"COLUMN_NAME", 'f', K_NONE, A_FN | A_INJ},
    {"COL_NAME", 'f', K_NONE, A_FN | A_INJ},
    {"COMPRESS", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"CONCAT", 'f', K_NONE, A_FN | A_INJ},
    {"CONCAT_WS", 'f', K_NONE, A_FN | A_INJ},
    {"CONNECTION_ID", 'f', K_NONE, A_FN | A_INJ},
    {"CONV", 'f', K_NONE, A_FN | A_INJ},
    {"CONVERT", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"COPY", 'E', K_COPY, A_WORD},
    {"COS", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"COUNT", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"CREATE", 'E', K_CREATE, 0},
    {"CTXSYS.DRITHSX.SN", 'f', K_NONE, A_FN | A_DANGER},
    {"CURDATE", 'f', K_NONE, A_FN | A_INJ},
    {"CURRENT_DATABASE", 'f', K_NONE, A_FN | A_INJ | A_NOPAREN},
    {"CURRENT_SCHEMA", 'f', K_NONE, A_FN | A_INJ},
    {"CURRENT_USER", 'f', K_NONE, A_FN | A_INJ | A_NOPAREN},
    {"DATA", 'k', K_DATA, 0},
    {"DATABASE", 'k', K_OBJ, A_OBJ | A_FN | A_INJ},
    {"DATE", 'b', K_NONE, 0},
    {"DBA_TABLES", 'b', K_NONE, A_SCHEMA},
    {"DBA_USERS", 'b', K_NONE, A_SCHEMA},
    {"DBMS_JAVA.RUNJAVA", 'f', K_NONE, A_FN | A_DANGER},
    {"DBMS_LDAP.INIT", 'f', K_NONE, A_FN | A_DANGER},
    {"DBMS_LOCK.SLEEP", 'f', K_NONE, A_FN | A_TIME},
    {"DBMS_PIPE.RECEIVE_MESSAGE", 'f', K_NONE, A_FN | A_TIME},
    {"DBMS_SCHEDULER.CREATE_JOB", 'f', K_NONE, A_FN | A_DANGER},
    {"DBMS_UTILITY.SQLID_TO_SQLHASH", 'f', K_NONE, A_FN | A_INJ},
    {"DBMS_XMLGEN.GETXML", 'f', K_NONE, A_FN | A_DANGER},
    {"DB_NAME", 'f', K_NONE, A_FN | A_INJ},
    {"DECIMAL", 'b', K_NONE, A_TYPE},
    {"DECLARE", 'E', K_DECLARE, 0},
    {"DECODE", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"DELAY", 'k', K_DELAY, 0},
    {"DELETE", 'E', K_DELETE, 0},
    {"DIFFERENCE", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"DISTINCT", 'k', K_DISTINCT, 0},
    {"DISTINCTROW", 'k', K_DISTINCTROW, 0},
    {"DIV", 'o', K_NONE, A_FN | A_INJ},
    {"DOUBLE", 'b', K_NONE, A_TYPE},
    {"DROP", 'E', K_DROP, 0},
    {"DUAL", 'b', K_NONE, A_SCHEMA | A_WORD},
    {"DUMPFILE", 'k', K_DUMPFILE, 0},
    {"ELSE", 'k', K_ELSE, 0},
    {"ELT", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"ENCODE", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"END", 'k', K_END, 0},
    {"EVENT", 'k', K_OBJ, A_OBJ},
    {"EXCEPT", 'U', K_NONE, 0},
    {"EXEC", 'E', K_EXEC, 0},
    {"EXECUTE", 'E', K_EXECUTE, 0},
    {"EXISTS", 'k', K_EXISTS, A_FN},
    {"EXP", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"EXTRACT", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"EXTRACTVALUE", 'f', K_NONE, A_FN | A_DANGER},
    {"FALSE", 'n', K_NONE, A_VALUE},
    {"FIND_IN_SET", 'f', K_NONE, A_FN | A_INJ},
    {"FLOAT", 'b', K_NONE, A_TYPE},
    {"FLOAT4", 'b', K_NONE, A_TYPE},
    {"FLOAT8", 'b', K_NONE, A_TYPE},
    {"FLOOR", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"FOUND_ROWS", 'f', K_NONE, A_FN | A_INJ},
    {"FROM", 'k', K_FROM, 0},
    {"FUNCTION", 'k', K_OBJ, A_OBJ},
    {"GEOMETRYCOLLECTION", 'f', K_NONE, A_FN | A_INJ},
    {"GETDATE", 'f', K_NONE, A_FN | A_INJ},
    {"GLOB", 'o', K_NONE, A_CMP | A_FN},
    {"GRANT", 'E', K_GRANT, 0},
    {"GROUP", 'b', K_GROUP, 0},
    {"GROUP_CONCAT", 'f', K_NONE, A_FN | A_INJ},
    {"GTID_SUBSET", 'f', K_NONE, A_FN | A_INJ},
    {"GTID_SUBTRACT", 'f', K_NONE, A_FN | A_INJ},
    {"HANDLER", 'E', K_HANDLER, A_WORD},
    {"HAS_DBACCESS", 'f', K_NONE, A_FN | A_INJ},
    {"HAVING", 'k', K_HAVING, 0},
    {"HEX", 'f', K_NONE, A_FN | A_INJ},
    {"HTTPURITYPE", 'f', K_NONE, A_FN | A_DANGER},
    {"IF", 'b', K_IF, A_FN | A_INJ | A_WORD},
    {"IFNULL", 'f', K_NONE, A_FN | A_INJ},
    {"IIF", 'f', K_NONE, A_FN | A_INJ},
    {"ILIKE", 'o', K_NONE, A_CMP},
    {"IMMEDIATE", 'k', K_IMMEDIATE, 0},
    {"IN", 'o', K_NONE, A_CMP},
    {"INDEX", 'k', K_OBJ, A_OBJ},
    {"INET", 'b', K_NONE, 0},
    {"INET_SERVER_ADDR", 'f', K_NONE, A_FN | A_INJ},
    {"INFILE", 'k', K_INFILE, 0},
    {"INFORMATION_SCHEMA", 'b', K_NONE, A_SCHEMA},
    {"INSERT", 'E', K_INSERT, A_FN | A_WORD},
    {"INSTR", 'f', K_NONE, A_FN | A_INJ},
    {"INT", 'b', K_NONE, A_TYPE},
    {"INT2", 'b', K_NONE, A_TYPE},
    {"INT4", 'b', K_NONE, A_TYPE},
    {"INT8", 'b', K_NONE, A_TYPE},
    {"INTEGER", 'b', K_NONE, A_TYPE},
    {"INTERSECT", 'U', K_NONE, 0},
    {"INTO", 'k', K_INTO, 0},
    {"IS", 'o', K_IS, A_CMP},
    {"ISNULL", 'f', K_NONE, A_FN | A_INJ | A_POSTFIX},
    {"IS_SRVROLEMEMBER", 'f', K_NONE, A_FN | A_INJ},
    {"JOIN", 'k', K_JOIN, 0},
    {"JSON", 'f', K_NONE, A_FN | A_INJ | A_WORD | A_TYPE},
    {"JSONB", 'b', K_NONE, A_TYPE},
    {"JSONB_PRETTY", 'f', K_NONE, A_FN | A_INJ},
    {"JSON_BUILD_OBJECT", 'f', K_NONE, A_FN | A_INJ},
    {"JSON_EXTRACT", 'f', K_NONE, A_FN | A_INJ},
    {"JSON_KEYS", 'f', K_NONE, A_FN | A_INJ},
    {"JSON_QUERY", 'f', K_NONE, A_FN | A_INJ},
    {"JSON_VALID", 'f', K_NONE, A_FN | A_INJ},
    {"JSON_VALUE", 'f', K_NONE, A_FN | A_INJ},
    {"LAST_INSERT_ID", 'f', K_NONE, A_FN | A_INJ},
    {"LCASE", 'f', K_NONE, A_FN | A_INJ},
    {"LEFT", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"LEN", 'f', K_NONE, A_FN | A_INJ},
    {"LENGTH", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"LIKE", 'o', K_LIKE, A_CMP},
    {"LIKELIHOOD", 'f', K_NONE, A_FN | A_INJ},
    {"LIKELY", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"LIMIT", 'k', K_LIMIT, 0},
    {"LINESTRING", 'f', K_NONE, A_FN | A_INJ},
    {"LISTAGG", 'f', K_NONE, A_FN | A_INJ},
    {"LOAD", 'E', K_LOAD, A_WORD},
    {"LOAD_EXTENSION", 'f', K_NONE, A_FN | A_DANGER},
    {"LOAD_FILE", 'f', K_NONE, A_FN | A_DANGER},
    {"LOCATE", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"LOWER", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"LO_EXPORT", 'f', K_NONE, A_FN | A_DANGER},
    {"LO_FROM_BYTEA", 'f', K_NONE, A_FN | A_DANGER},
    {"LO_GET", 'f', K_NONE, A_FN | A_DANGER},
    {"LO_IMPORT", 'f', K_NONE, A_FN | A_DANGER},
    {"LPAD", 'f', K_NONE, A_FN | A_INJ},
    {"LTRIM", 'f', K_NONE, A_FN | A_INJ},
    {"MAKE_SET", 'f', K_NONE, A_FN | A_INJ},
    {"MASTER", 'b', K_NONE, A_SCHEMA | A_WORD},
    {"MD5", 'f', K_NONE, A_FN | A_INJ},
    {"MERGE", 'E', K_MERGE, A_WORD},
    {"MID", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"MOD", 'o', K_NONE, A_FN | A_INJ},
    {"MODIFY", 'b', K_ALTERACT, 0},
    {"MONEY", 'b', K_NONE, 0},
    {"MSDB", 'b', K_NONE, A_SCHEMA},
    {"MSYSACCESSOBJECTS", 'b', K_NONE, A_SCHEMA},
    {"MSYSOBJECTS", 'b', K_NONE, A_SCHEMA},
    {"MSYSQUERIES", 'b', K_NONE, A_SCHEMA},
    {"MSYSRELATIONSHIPS", 'b', K_NONE, A_SCHEMA},
    {"MULTIPOINT", 'f', K_NONE, A_FN | A_INJ},
    {"MYSQL.DB", 'b', K_NONE, A_SCHEMA},
    {"MYSQL.USER", 'b', K_NONE, A_SCHEMA},
    {"NAME_CONST", 'f', K_NONE, A_FN | A_DANGER},
    {"NCHAR", 'f', K_NONE, A_FN | A_INJ | A_TYPE},
    {"NORTHWIND", 'b', K_NONE, A_SCHEMA},
    {"NOT", 'o', K_NOT, A_NOT},
    {"NOTNULL", 'o', K_NONE, A_CMP | A_POSTFIX},
    {"NOW", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"NULL", 'n', K_NONE, A_VALUE},
    {"NULLIF", 'f', K_NONE, A_FN | A_INJ},
    {"NUMERIC", 'b', K_NONE, A_TYPE},
    {"NVARCHAR", 'b', K_NONE, A_TYPE},
    {"OBJECT_ID", 'f', K_NONE, A_FN | A_INJ},
    {"OBJECT_NAME", 'f', K_NONE, A_FN | A_INJ},
    {"OFFSET", 'k', K_OFFSET, 0},
    {"OID", 'b', K_NONE, A_TYPE},
    {"ON", 'k', K_ON, 0},
    {"OPENDATASOURCE", 'f', K_NONE, A_FN | A_DANGER},
    {"OPENQUERY", 'f', K_NONE, A_FN | A_DANGER},
    {"OPENROWSET", 'f', K_NONE, A_FN | A_DANGER},
    {"OR", '&', K_NONE, 0},
    {"ORD", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"ORDER", 'b', K_ORDER, 0},
    {"OUTFILE", 'k', K_OUTFILE, 0},
    {"PATINDEX", 'f', K_NONE, A_FN | A_INJ},
    {"PERFORMANCE_SCHEMA", 'b', K_NONE, A_SCHEMA},
    {"PG_ATTRIBUTE", 'b', K_NONE, A_SCHEMA},
    {"PG_CATALOG", 'b', K_NONE, A_SCHEMA},
    {"PG_DATABASE", 'b', K_NONE, A_SCHEMA},
    {"PG_LS_DIR", 'f', K_NONE, A_FN | A_DANGER},
    {"PG_NAMESPACE", 'b', K_NONE, A_SCHEMA},
    {"PG_PROC", 'b', K_NONE, A_SCHEMA},
    {"PG_READ_BINARY_FILE", 'f', K_NONE, A_FN | A_DANGER},
    {"PG_READ_FILE", 'f', K_NONE, A_FN | A_DANGER},
    {"PG_SHADOW", 'b', K_NONE, A_SCHEMA},
    {"PG_SLEEP", 'f', K_NONE, A_FN | A_TIME},
    {"PG_SLEEP_FOR", 'f', K_NONE, A_FN | A_TIME},
    {"PG_SLEEP_UNTIL", 'f', K_NONE, A_FN | A_TIME},
    {"PG_TABLES", 'b', K_NONE, A_SCHEMA},
    {"PG_USER", 'b', K_NONE, A_SCHEMA},
    {"POLYGON", 'f', K_NONE, A_FN | A_INJ},
    {"POSITION", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"POW", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"POWER", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"PRINTF", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"PROCEDURE", 'k', K_PROCEDURE, A_OBJ},
    {"QUOTENAME", 'f', K_NONE, A_FN | A_INJ},
    {"RAND", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"RANDOMBLOB", 'f', K_NONE, A_FN | A_TIME},
    {"REAL", 'b', K_NONE, 0},
    {"REGCLASS", 'b', K_NONE, A_TYPE},
    {"REGEXP", 'o', K_NONE, A_CMP},
    {"REGEXP_LIKE", 'f', K_NONE, A_FN | A_INJ},
    {"REGEXP_SUBSTR", 'f', K_NONE, A_FN | A_INJ},
    {"RENAME", 'E', K_RENAME, A_WORD},
    {"REPEAT", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"REPLACE", 'E', K_REPLACE, A_FN | A_WORD},
    {"RETURNS", 'k', K_RETURNS, 0},
    {"REVERSE", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"REVOKE", 'E', K_REVOKE, 0},
    {"RIGHT", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"RLIKE", 'o', K_NONE, A_CMP},
    {"ROUND", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"ROW_COUNT", 'f', K_NONE, A_FN | A_INJ},
    {"RPAD", 'f', K_NONE, A_FN | A_INJ},
    {"RTRIM", 'f', K_NONE, A_FN | A_INJ},
    {"SCHEMA", 'k', K_OBJ, A_OBJ | A_FN | A_INJ},
    {"SCHEMA_NAME", 'f', K_NONE, A_FN | A_INJ},
    {"SELECT", 'E', K_SELECT, 0},
    {"SEQUENCE", 'k', K_OBJ, A_OBJ},
    {"SESSION_USER", 'f', K_NONE, A_FN | A_INJ | A_NOPAREN},
    {"SET", 'k', K_SET, 0},
    {"SHA1", 'f', K_NONE, A_FN | A_INJ},
    {"SHA2", 'f', K_NONE, A_FN | A_INJ},
    {"SHUTDOWN", 'E', K_SHUTDOWN, 0},
    {"SIGNED", 'b', K_NONE, 0},
    {"SIMILAR", 'o', K_NONE, A_CMP},
    {"SIN", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"SLEEP", 'f', K_NONE, A_FN | A_TIME},
    {"SMALLINT", 'b', K_NONE, A_TYPE},
    {"SOUNDEX", 'f', K_NONE, A_FN | A_INJ},
    {"SOUNDS", 'o', K_SOUNDS, A_CMP},
    {"SPACE", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"SP_ADDLOGIN", 'f', K_NONE, A_FN | A_DANGER},
    {"SP_ADDSRVROLEMEMBER", 'f', K_NONE, A_FN | A_DANGER},
    {"SP_CONFIGURE", 'f', K_NONE, A_FN | A_DANGER},
    {"SP_EXECUTESQL", 'f', K_NONE, A_FN | A_DANGER},
    {"SP_MAKEWEBTASK", 'f', K_NONE, A_FN | A_DANGER},
    {"SP_OACREATE", 'f', K_NONE, A_FN | A_DANGER},
    {"SP_OAMETHOD", 'f', K_NONE, A_FN | A_DANGER},
    {"SQLITE_COMPILEOPTION_GET", 'f', K_NONE, A_FN | A_DANGER},
    {"SQLITE_COMPILEOPTION_USED", 'f', K_NONE, A_FN | A_DANGER},
    {"SQLITE_MASTER", 'b', K_NONE, A_SCHEMA},
    {"SQLITE_SCHEMA", 'b', K_NONE, A_SCHEMA},
    {"SQLITE_TEMP_MASTER", 'b', K_NONE, A_SCHEMA},
    {"SQLITE_VERSION", 'f', K_NONE, A_FN | A_INJ},
    {"SQRT", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"STARTS_WITH", 'f', K_NONE, A_FN | A_INJ},
    {"STRCMP", 'f', K_NONE, A_FN | A_INJ},
    {"STRING_AGG", 'f', K_NONE, A_FN | A_INJ},
    {"STRING_TO_ARRAY", 'f', K_NONE, A_FN | A_INJ},
    {"STUFF", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"ST_LATFROMGEOHASH", 'f', K_NONE, A_FN | A_INJ},
    {"ST_LONGFROMGEOHASH", 'f', K_NONE, A_FN | A_INJ},
    {"ST_POINTFROMGEOHASH", 'f', K_NONE, A_FN | A_INJ},
    {"SUBSTR", 'f', K_NONE, A_FN | A_INJ},
    {"SUBSTRING", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"SUBSTRING_INDEX", 'f', K_NONE, A_FN | A_INJ},
    {"SUSER_NAME", 'f', K_NONE, A_FN | A_INJ},
    {"SUSER_SNAME", 'f', K_NONE, A_FN | A_INJ},
    {"SYS.COLUMNS", 'b', K_NONE, A_SCHEMA},
    {"SYS.DATABASES", 'b', K_NONE, A_SCHEMA},
    {"SYS.OBJECTS", 'b', K_NONE, A_SCHEMA},
    {"SYS.SQL_LOGINS", 'b', K_NONE, A_SCHEMA},
    {"SYS.TABLES", 'b', K_NONE, A_SCHEMA},
    {"SYSCOLUMNS", 'b', K_NONE, A_SCHEMA},
    {"SYSCOMMENTS", 'b', K_NONE, A_SCHEMA},
    {"SYSDATABASES", 'b', K_NONE, A_SCHEMA},
    {"SYSDATE", 'f', K_NONE, A_FN | A_INJ},
    {"SYSLOGINS", 'b', K_NONE, A_SCHEMA},
    {"SYSOBJECTS", 'b', K_NONE, A_SCHEMA},
    {"SYSTEM_USER", 'f', K_NONE, A_FN | A_INJ | A_NOPAREN},
    {"SYSUSERS", 'b', K_NONE, A_SCHEMA},
    {"SYS_CONTEXT", 'f', K_NONE, A_FN | A_INJ},
    {"SYS_EVAL", 'f', K_NONE, A_FN | A_DANGER},
    {"SYS_EXEC", 'f', K_NONE, A_FN | A_DANGER},
    {"TABLE", 'k', K_TABLE, A_OBJ},
    {"TABLE_NAME", 'f', K_NONE, A_FN | A_INJ},
    {"TAN", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"TEMPDB", 'b', K_NONE, A_SCHEMA},
    {"TEXT", 'b', K_NONE, A_TYPE},
    {"THEN", 'k', K_THEN, 0},
    {"TIMESTAMP", 'b', K_NONE, 0},
    {"TINYINT", 'b', K_NONE, A_TYPE},
    {"TOP", 'k', K_TOP, 0},
    {"TO_CHAR", 'f', K_NONE, A_FN | A_INJ},
    {"TO_NUMBER", 'f', K_NONE, A_FN | A_INJ},
    {"TRIGGER", 'k', K_OBJ, A_OBJ},
    {"TRIM", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"TRUE", 'n', K_NONE, A_VALUE},
    {"TRUNCATE", 'E', K_TRUNCATE, 0},
    {"TYPEOF", 'f', K_NONE, A_FN | A_INJ},
    {"UCASE", 'f', K_NONE, A_FN | A_INJ},
    {"UNCOMPRESS", 'f', K_NONE, A_FN | A_INJ},
    {"UNHEX", 'f', K_NONE, A_FN | A_INJ},
    {"UNICODE", 'f', K_NONE, A_FN | A_INJ},
    {"UNION", 'U', K_UNION, 0},
    {"UNISTR", 'f', K_NONE, A_FN | A_INJ},
    {"UNKNOWN", 'n', K_NONE, A_VALUE},
    {"UNLIKELY", 'f', K_NONE, A_FN | A_INJ},
    {"UNSIGNED", 'b', K_NONE, 0},
    {"UPDATE", 'E', K_UPDATE, 0},
    {"UPDATEXML", 'f', K_NONE, A_FN | A_DANGER},
    {"UPPER", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"USER", 'b', K_USER, A_OBJ | A_FN | A_INJ | A_WORD},
    {"USER_NAME", 'f', K_NONE, A_FN | A_INJ},
    {"USER_TABLES", 'b', K_NONE, A_SCHEMA},
    {"USER_TAB_COLUMNS", 'b', K_NONE, A_SCHEMA},
    {"UTL_HTTP.REQUEST", 'f', K_NONE, A_FN | A_DANGER},
    {"UTL_INADDR.GET_HOST_ADDRESS", 'f', K_NONE, A_FN | A_DANGER},
    {"UTL_INADDR.GET_HOST_NAME", 'f', K_NONE, A_FN | A_DANGER},
    {"UTL_RAW.CAST_TO_VARCHAR2", 'f', K_NONE, A_FN | A_INJ},
    {"UUID", 'f', K_NONE, A_FN | A_INJ},
    {"V$INSTANCE", 'b', K_NONE, A_SCHEMA},
    {"V$VERSION", 'b', K_NONE, A_SCHEMA},
    {"VALUE", 'k', K_VALUES, 0},
    {"VALUES", 'k', K_VALUES, 0},
    {"VARBINARY", 'b', K_NONE, 0},
    {"VARCHAR", 'b', K_NONE, A_TYPE},
    {"VERSION", 'f', K_NONE, A_FN | A_INJ | A_WORD},
    {"VIEW", 'k', K_OBJ, A_OBJ},
    {"WAITFOR", 'E', K_WAITFOR, 0},
    {"WHEN", 'k', K_WHEN, 0},
    {"WHERE", 'k', K_WHERE, 0},
    {"XML", 'b', K_NONE, 0},
    {"XMLAGG", 'f', K_NONE, A_FN | A_INJ},
    {"XMLELEMENT", 'f', K_NONE, A_FN | A_INJ},
    {"XMLTYPE", 'f', K_NONE, A_FN | A_DANGER},
    {"XOR", '&', K_NONE, 0},
    {"XP_CMDSHELL", 'f', K_NONE, A_FN | A_DANGER},
    {"XP_DIRTREE", 'f', K_NONE, A_FN | A_DANGER},
    {"XP_FILEEXIST", 'f', K_NONE, A_FN | A_DANGER},
    {"XP_REGREAD", 'f', K_NONE, A_FN | A_DANGER},
    {"XP_REGWRITE", 'f', K_NONE, A_FN | A_DANGER},
    {"ZEROBLOB", 'f', K_NONE, A_FN | A_TIME},
};

/* The keywords' first two bytes: bit (b & 31) of kw_pairs[a & 31] is set
 * for a keyword starting with a, b (collisions only cost a lookup; the
 * unit test checks every keyword is covered). */
static const uint32_t kw_pairs[32] = {
    0x00000000, 0x000c5014, 0x02008220, 0x00348122, 0x00248226, 0x01405000, 0x00249202, 0x00141020,
    0x00100022, 0x00087240, 0x00088000, 0x00000000, 0x0011822a, 0x02288232, 0x0060800a, 0x00254244,
    0x000480a2, 0x00200000, 0x00119222, 0x0233b328, 0x02048322, 0x00394008, 0x00000232, 0x00000102,
    0x0001a000, 0x00000000, 0x00000020, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000,
};

/* a, b: a word's first two bytes in upper case. */
static int kw_pair(unsigned a, unsigned b)
{
    return (kw_pairs[a & 31] >> (b & 31)) & 1u;
}

/* Upper case of an ASCII letter; other bytes unchanged. */
static unsigned up_byte(unsigned char c)
{
    return (unsigned)(c - 'a') < 26u ? c - 32u : c;
}

/* The keywords by hash: open addressing, linear probing, 1 + the index in
 * sql_keywords (0: empty); and kw_lens: bit n of kw_lens[a & 31] is set
 * when a keyword of n bytes starts with a (a cheap reject before the
 * hash). Both generated by bench/gen_sqli_kw_hash.py; the unit test checks
 * that every keyword is found. */
#define KW_SLOTS_LOG2 10
#define KW_SLOTS (1u << KW_SLOTS_LOG2)
static const uint16_t kw_slots[KW_SLOTS] = {
    0, 0, 0, 0, 0, 31, 26, 94, 0, 0, 0, 332, 0, 0, 0, 0,
    39, 270, 0, 0, 220, 83, 0, 0, 42, 163, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 137, 347, 0, 0, 0, 0, 0, 63, 335, 0,
    86, 125, 0, 0, 363, 0, 0, 0, 0, 0, 317, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 361, 0, 0, 0, 198, 0, 0, 254, 149, 0, 0, 3,
    269, 195, 303, 0, 0, 0, 0, 177, 160, 187, 359, 133, 322, 58, 0, 0,
    0, 252, 0, 0, 0, 0, 0, 0, 0, 0, 139, 174, 164, 267, 341, 0,
    0, 71, 263, 116, 225, 5, 214, 344, 0, 0, 186, 366, 0, 0, 0, 297,
    0, 0, 0, 0, 0, 0, 0, 200, 0, 0, 0, 0, 199, 218, 0, 20,
    0, 93, 0, 0, 0, 233, 234, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 185, 0, 0, 0, 334, 57, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 296, 0, 156, 87, 98, 219, 235, 0, 0, 0, 0, 0, 0, 150,
    208, 168, 0, 0, 0, 0, 264, 0, 265, 0, 0, 0, 0, 0, 0, 300,
    0, 0, 257, 0, 0, 0, 0, 0, 0, 0, 321, 0, 364, 25, 285, 295,
    102, 180, 299, 0, 0, 43, 192, 33, 0, 338, 0, 0, 0, 0, 248, 0,
    0, 0, 0, 151, 49, 109, 307, 0, 0, 0, 0, 0, 0, 17, 351, 0,
    0, 0, 213, 14, 107, 282, 74, 182, 315, 0, 0, 0, 13, 155, 337, 0,
    18, 0, 0, 211, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 82, 288, 0, 0, 0, 0, 47, 15, 0, 0, 21, 209, 0, 0,
    0, 0, 0, 0, 0, 0, 81, 157, 0, 0, 0, 0, 0, 0, 44, 8,
    46, 176, 7, 99, 271, 272, 0, 238, 249, 0, 274, 224, 0, 0, 114, 0,
    0, 141, 0, 0, 97, 0, 68, 72, 121, 243, 0, 0, 48, 0, 0, 0,
    0, 38, 0, 105, 161, 0, 319, 0, 0, 0, 172, 290, 221, 239, 0, 0,
    73, 0, 325, 0, 283, 175, 0, 0, 0, 19, 0, 0, 0, 0, 124, 0,
    0, 223, 62, 0, 0, 0, 53, 65, 0, 0, 0, 34, 207, 0, 0, 0,
    0, 0, 37, 0, 0, 0, 0, 0, 101, 0, 32, 0, 0, 0, 0, 0,
    29, 183, 355, 0, 0, 0, 0, 227, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 302, 0, 0, 0, 0, 0, 0, 0, 305, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 202, 112, 59, 210, 228, 0, 0, 0, 0,
    215, 0, 129, 0, 0, 0, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 365, 0, 0, 95, 0, 0, 0, 0, 0, 0, 1,
    0, 0, 0, 0, 0, 111, 0, 0, 162, 165, 358, 0, 0, 61, 0, 0,
    167, 0, 103, 212, 0, 119, 134, 173, 331, 0, 120, 353, 0, 0, 258, 0,
    0, 0, 9, 0, 0, 69, 0, 148, 41, 260, 0, 0, 0, 0, 242, 241,
    0, 0, 66, 251, 0, 0, 309, 0, 0, 277, 0, 91, 311, 0, 0, 0,
    104, 194, 4, 10, 275, 0, 0, 0, 191, 313, 79, 320, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 27, 77, 330, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 188, 280, 342, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 2, 30, 154, 0, 110, 301, 0, 0, 0, 0, 0, 346, 0,
    0, 0, 0, 0, 0, 146, 229, 314, 0, 0, 0, 88, 0, 118, 170, 143,
    152, 253, 0, 0, 354, 117, 60, 100, 0, 89, 237, 0, 0, 52, 0, 0,
    106, 147, 217, 231, 0, 0, 292, 0, 247, 76, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 216, 0, 0, 0, 0, 0, 0, 0, 278, 0, 0, 132, 0,
    356, 0, 0, 0, 0, 0, 0, 0, 22, 0, 0, 259, 171, 0, 0, 0,
    0, 0, 0, 0, 255, 131, 181, 284, 144, 179, 0, 0, 0, 362, 0, 0,
    0, 0, 308, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    28, 78, 92, 0, 0, 0, 0, 0, 0, 0, 54, 50, 0, 0, 0, 0,
    206, 40, 197, 230, 0, 268, 286, 0, 0, 293, 0, 0, 0, 127, 201, 158,
    348, 0, 0, 0, 23, 0, 0, 0, 0, 193, 250, 0, 0, 316, 360, 0,
    0, 0, 0, 0, 0, 0, 279, 0, 245, 0, 0, 0, 0, 0, 166, 0,
    0, 0, 333, 0, 350, 0, 80, 240, 328, 0, 0, 0, 244, 339, 0, 0,
    0, 0, 0, 0, 70, 205, 122, 326, 0, 0, 0, 0, 0, 0, 0, 287,
    0, 281, 0, 0, 0, 0, 0, 0, 75, 0, 0, 0, 11, 115, 123, 0,
    0, 0, 0, 0, 0, 0, 0, 136, 0, 0, 310, 0, 0, 349, 0, 6,
    130, 0, 0, 204, 0, 0, 0, 357, 0, 0, 55, 222, 0, 256, 0, 0,
    0, 153, 0, 45, 0, 324, 0, 0, 190, 329, 56, 0, 0, 0, 0, 0,
    113, 291, 0, 0, 0, 90, 0, 0, 0, 0, 0, 0, 0, 0, 327, 0,
    67, 0, 0, 0, 0, 226, 0, 0, 0, 0, 0, 196, 0, 0, 0, 323,
    169, 0, 35, 142, 0, 51, 0, 145, 0, 0, 0, 0, 0, 0, 0, 159,
    0, 0, 0, 343, 0, 138, 84, 16, 135, 246, 0, 0, 0, 306, 0, 126,
    276, 96, 0, 189, 262, 0, 0, 304, 24, 140, 12, 178, 273, 294, 298, 336,
    0, 312, 0, 0, 0, 0, 0, 184, 0, 36, 232, 236, 203, 0, 0, 345,
    0, 318, 340, 108, 0, 0, 0, 352, 0, 289, 0, 0, 0, 0, 0, 128,
    0, 266, 0, 0, 0, 0, 0, 85, 261, 0, 0, 0, 0, 0, 0, 0,
};

static const uint32_t kw_lens[32] = {
    0x00000000, 0x000086ac, 0x000006fc, 0x00037bf8, 0x2206cff8, 0x000010f8, 0x00000d70, 0x000438b0,
    0x000018c8, 0x000502fc, 0x00021630, 0x00000000, 0x000066f8, 0x00020d78, 0x000007f8, 0x00004eec,
    0x000c5fe8, 0x00000200, 0x00002ff0, 0x030efff8, 0x000007f8, 0x09010ff0, 0x000006f0, 0x000000b0,
    0x00001cc8, 0x00000000, 0x00000100, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000,
};

/* The hash of a word of n bytes (2..SQL_KW_MAX) from its length and its
 * first two and last two bytes in upper case, so that a lookup costs the
 * same whatever the length and needs no upper-case copy of the word.
 * Must match kw_hash() in bench/gen_sqli_kw_hash.py. */
static uint32_t kw_hash(unsigned a, unsigned b, unsigned y, unsigned z, size_t n)
{
    uint32_t key = (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)y << 8 | (uint32_t)z;
    return (key * 0x9E3779B1u + (uint32_t)n * 0x85EBCA77u) >> (32 - KW_SLOTS_LOG2);
}

/* Looks up the word w of n bytes, in any case (any bytes: one that no
 * keyword has, '@' or non-ASCII, makes it no keyword). */
static const sql_kw_t *kw_find(const char *w, size_t n)
{
    const unsigned char *u = (const unsigned char *)w;
    unsigned a, b;
    if (n < 2 || n > SQL_KW_MAX)
        return NULL;
    a = up_byte(u[0]);
    b = up_byte(u[1]);
    if (!kw_pair(a, b) || !((kw_lens[a & 31] >> n) & 1u))
        return NULL;
    for (uint32_t sl = kw_hash(a, b, up_byte(u[n - 2]), up_byte(u[n - 1]), n); kw_slots[sl];
         sl = (sl + 1) & (KW_SLOTS - 1)) {
        const sql_kw_t *kw = &sql_keywords[kw_slots[sl] - 1];
        const unsigned char *k = (const unsigned char *)kw->name;
        size_t j = 0;
        while (j < n && k[j] != '\0' && k[j] == up_byte(u[j]))
            j++;
        if (j == n && k[n] == '\0')
            return kw;
    }
    return NULL;
}

/* The heads of dotted keywords (DBMS_LOCK.SLEEP): such a name is one word
 * for the lexer, and its head alone is no keyword. The unit test checks
 * that every dotted keyword's head is listed. */
static const char *const kw_dotted_heads[] = {
    "CTXSYS", "DBMS_JAVA", "DBMS_LDAP", "DBMS_LOCK", "DBMS_PIPE", "DBMS_SCHEDULER", "DBMS_UTILITY",
    "DBMS_XMLGEN", "MYSQL", "SYS", "UTL_HTTP", "UTL_INADDR", "UTL_RAW",
};

/* s[0..n) in any case is the head of a dotted keyword. */
static int kw_dotted_head(const unsigned char *s, size_t n)
{
    unsigned a = up_byte(s[0]);
    for (size_t j = 0; j < RP_ARRAY_SIZE(kw_dotted_heads); j++) {
        const char *h = kw_dotted_heads[j];
        size_t k = 1;
        if ((unsigned char)h[0] != a)
            continue;
        while (k < n && h[k] != '\0' && (unsigned char)h[k] == up_byte(s[k]))
            k++;
        if (k == n && h[n] == '\0')
            return 1;
    }
    return 0;
}

/* For the unit test: the table must stay sorted, every name must start
 * with a capital letter, kw_slots must hold it (kw_find finds it), no name
 * may be longer than SQL_KW_MAX, and the head of every dotted name must be
 * in kw_dotted_heads (the precheck). */
int rp__sql_keywords_sorted(void);
int rp__sql_keywords_sorted(void)
{
    size_t used = 0;
    for (size_t sl = 0; sl < KW_SLOTS; sl++)
        if (kw_slots[sl] && ++used && kw_slots[sl] > RP_ARRAY_SIZE(sql_keywords))
            return 0;
    if (used != RP_ARRAY_SIZE(sql_keywords))
        return 0;                         /* regenerate kw_slots: bench/gen_sqli_kw_hash.py */
    for (size_t i = 0; i < RP_ARRAY_SIZE(sql_keywords); i++)
        if ((unsigned)((unsigned char)sql_keywords[i].name[0] - 'A') >= 26u ||
            kw_find(sql_keywords[i].name, strlen(sql_keywords[i].name)) != &sql_keywords[i])
            return 0;
    for (size_t i = 0; i < RP_ARRAY_SIZE(sql_keywords); i++)
        if (strlen(sql_keywords[i].name) > SQL_KW_MAX || strlen(sql_keywords[i].name) < 2 ||
            !kw_pair((unsigned char)sql_keywords[i].name[0], (unsigned char)sql_keywords[i].name[1]) ||
            (i > 0 && strcmp(sql_keywords[i - 1].name, sql_keywords[i].name) >= 0))
            return 0;
    for (size_t i = 0; i < RP_ARRAY_SIZE(sql_keywords); i++) {
        const char *dot = strchr(sql_keywords[i].name, '.');
        if (dot && !kw_dotted_head((const unsigned char *)sql_keywords[i].name,
                                   (size_t)(dot - sql_keywords[i].name)))
            return 0;                     /* add its head to kw_dotted_heads */
    }
    return 1;
}

/* ---------------------------------------------------------------------- */
/* Lexer.                                                                   */

typedef struct sql_lex {
    const unsigned char *s;
    size_t n, i;
    int in_exec;   /* inside a MySQL executable comment */
    int bs;        /* the context prefix honours backslash escapes (MySQL) */
} sql_lex_t;

/* Identifier bytes: letters, digits, _ and $, and any non-ASCII byte (so
 * that UTF-8 words stay whole). One lookup per byte: the lexer's inner loop. */
static const unsigned char word_tab[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* 00 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* 10 */
    0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* 20 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,   /* 30 */
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 40 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,   /* 50 */
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 60 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,   /* 70 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 80 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 90 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* a0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* b0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* c0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* d0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* e0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* f0 */
};

static int is_word(unsigned char c)
{
    return word_tab[c];
}

static int is_digit(unsigned char c)
{
    return (unsigned)(c - '0') < 10u;
}

static int is_xdigit(unsigned char c)
{
    return is_digit(c) || (unsigned)((c | 0x20) - 'a') < 6u;
}

/* NUL, controls, space and DEL separate tokens. */
static int is_space(unsigned char c)
{
    return c <= ' ' || c == 0x7f;
}

static int is_upper_alpha(unsigned char c)
{
    return (unsigned)(c - 'A') < 26u;
}

/* Scans a quoted body starting at i (just after the opening quote q).
 * Doubled quotes and backslash escapes do not close it. Returns the index
 * just after the closing quote, or n; *closed says which. */
static size_t scan_quoted(const unsigned char *s, size_t n, size_t i, unsigned char q, int *closed)
{
    for (; i < n; i++) {
        if (s[i] == '\\' && q != '`') {
            i++;                       /* the escaped byte */
        } else if (s[i] == q) {
            if (i + 1 < n && s[i + 1] == q) {
                i++;                   /* '' inside '..' */
                continue;
            }
            *closed = 1;
            return i + 1;
        }
    }
    *closed = 0;
    return n;
}

/* The next non-blank byte at or after i, skipping block comments (so that
 * `f/ * * /(` is still a call); -1 at the end. */
static int peek_code(const sql_lex_t *lx, size_t i)
{
    const unsigned char *s = lx->s;
    size_t n = lx->n;
    while (i < n) {
        if (is_space(s[i])) {
            i++;
        } else if (s[i] == '/' && i + 1 < n && s[i + 1] == '*' && (i + 2 >= n || s[i + 2] != '!')) {
            const unsigned char *e = NULL;
            for (size_t j = i + 2; j + 1 < n; j++)
                if (s[j] == '*' && s[j + 1] == '/') {
                    e = s + j;
                    break;
                }
            if (!e)
                return -1;
            i = (size_t)(e - s) + 2;
        } else {
            return s[i];
        }
    }
    return -1;
}

/* The keyword of a word that may hold other bytes than word_tab's (a '.'
 * or '@' between parts, anything between backticks), n < 48 bytes; NULL
 * if none, after giving t the attributes of a dotted word's first and
 * last parts (schema.table, master..xp_cmdshell). */
static const sql_kw_t *joined_keyword(const sql_lex_t *lx, size_t st, size_t e, sql_tok_t *t)
{
    const unsigned char *s = lx->s;
    char up[48];
    size_t n = e - st, dot1 = 0, dotn = 0;
    const sql_kw_t *kw, *k1 = NULL, *kn = NULL;

    for (size_t j = 0; j < n; j++) {
        unsigned char c = s[st + j];
        if ((!is_word(c) && c != '.') || c >= 0x80)
            return NULL;                     /* not an SQL keyword */
        up[j] = (char)up_byte(c);
        if (c == '.') {
            if (!dot1)
                dot1 = j;
            dotn = j;
        }
    }
    up[n] = '\0';
    kw = kw_find(up, n);
    if (!kw && dot1) {
        /* schema.table, master..xp_cmdshell, DBMS_LDAP.INIT */
        k1 = kw_find(up, dot1);
        if (dotn + 1 < n)
            kn = kw_find(up + dotn + 1, n - dotn - 1);
        if (k1)
            t->attr |= k1->attr & (A_SCHEMA | A_DANGER | A_TIME | A_WORD);
        if (kn) {
            t->attr |= kn->attr & (A_SCHEMA | A_DANGER | A_TIME | A_WORD);
            if ((kn->attr & A_FN) && (kn->attr & (A_DANGER | A_TIME)) && peek_code(lx, e) == '(')
                t->type = 'f';            /* master.dbo.xp_cmdshell(, not x.pow( or package.json ( */
        }
    }
    return kw;
}

/* Fills t from a keyword (or not) for the word s[st..e). `joined`: the
 * word may hold other bytes than word_tab's (see joined_keyword); 0: it
 * is one run of word bytes, which kw_find looks up as it is, in any case
 * (a non-ASCII byte makes it no keyword, as in joined_keyword). */
static void classify_word(const sql_lex_t *lx, size_t st, size_t e, int joined, sql_tok_t *t)
{
    size_t n = e - st;
    const sql_kw_t *kw;

    t->type = 'b';
    if (n == 0 || n >= 48)
        return;                              /* n == 0: `` */
    kw = joined ? joined_keyword(lx, st, e, t) : kw_find((const char *)lx->s + st, n);
    if (!kw)
        return;
    t->type = kw->type;
    t->id = kw->id;
    t->attr |= kw->attr;
    if (kw->attr & A_FN) {
        if (peek_code(lx, e) == '(') {
            t->type = 'f';
        } else if (kw->attr & A_POSTFIX) {
            t->type = 'o';                 /* x ISNULL */
            t->attr |= A_CMP;
        } else if (kw->type == 'f') {
            t->type = (kw->attr & A_NOPAREN) ? 'v' : 'b';
        }
    }
}

/* A word glued to a number: `1union` splits (MySQL reads it so), `5th`
 * and `4AND4` stay one bareword. */
static int split_after_number(const unsigned char *s, size_t st, size_t e)
{
    static const char *const split[] = {"AND", "DIV", "FROM", "GROUP", "HAVING", "INTO", "LIKE",
                                        "LIMIT", "OR", "ORDER", "UNION", "WHERE", "XOR"};
    char up[8];
    size_t n = e - st;
    if (n < 2 || n >= sizeof(up))
        return 0;
    for (size_t j = 0; j < n; j++) {
        unsigned char c = s[st + j];
        if ((unsigned)((c | 0x20) - 'a') >= 26u)
            return 0;
        up[j] = (char)(c & ~0x20);
    }
    up[n] = '\0';
    for (size_t j = 0; j < RP_ARRAY_SIZE(split); j++)
        if (strcmp(up, split[j]) == 0)
            return 1;
    return 0;
}

/* End of the identifier run starting at i: letters, digits, _ $, UTF-8,
 * dots between parts (a.b, master..xp_cmdshell) and an @ inside a word
 * (an e-mail address is one word, not a word and a variable). *joined
 * (when not NULL) is set if the word has such a '.' or '@'. */
static size_t word_end(const unsigned char *s, size_t n, size_t i, int *joined)
{
    for (;;) {
        while (i < n && is_word(s[i]))
            i++;
        if (i + 1 < n && (s[i] == '.' || s[i] == '@') &&
            (is_word(s[i + 1]) || (s[i] == '.' && s[i + 1] == '.'))) {
            i++;                             /* a.b, master..xp_, user@host */
            if (joined)
                *joined = 1;
        } else {
            return i;
        }
    }
}

static void lex_number(sql_lex_t *lx, sql_tok_t *t)
{
    const unsigned char *s = lx->s;
    size_t n = lx->n, st = lx->i, i = st;
    int dot = 0;

    t->type = 'n';
    if (s[i] == '0' && i + 2 < n && (s[i + 1] | 0x20) == 'x' && is_xdigit(s[i + 2])) {
        i += 2;
        while (i < n && is_xdigit(s[i]))
            i++;
    } else if (s[i] == '0' && i + 2 < n && (s[i + 1] | 0x20) == 'b' && (s[i + 2] == '0' || s[i + 2] == '1')) {
        i += 2;
        while (i < n && (s[i] == '0' || s[i] == '1'))
            i++;
    } else {
        while (i < n && is_digit(s[i]))
            i++;
        if (i < n && s[i] == '.') {
            dot = 1;                     /* "1." without decimals so far */
            i++;
            while (i < n && is_digit(s[i])) {
                i++;
                dot = 0;
            }
        }
        if (i < n && (s[i] | 0x20) == 'e') {
            size_t j = i + 1;
            if (j < n && (s[j] == '+' || s[j] == '-'))
                j++;
            if (j < n && is_digit(s[j])) {
                i = j;
                while (i < n && is_digit(s[i]))
                    i++;
            } else if (dot && i > st + 1 && (i + 1 >= n || !is_word(s[i + 1]))) {
                i++;                         /* MySQL: 1.e is 1.0 */
                t->attr |= A_ODDEXP;
            }
        }
    }
    if (i < n && is_word(s[i])) {
        /* letters glued to the number */
        size_t e = word_end(s, n, i, NULL);
        if (!split_after_number(s, i, e)) {
            t->type = 'b';
            t->attr &= A_INEXEC;
            i = e;
        }
    }
    lx->i = i;
}

/* Operators. */
typedef struct sql_op {
    char text[4];
    char type;
    uint32_t attr;
} sql_op_t;

/* Operators grouped by first byte (the longest first within a group);
 * op_first[c] is 1 + the index of c's group (the unit test checks both). */
static const sql_op_t sql_ops[] = {
    {"!=", 'o', A_CMP}, {"!<", 'o', A_CMP}, {"!>", 'o', A_CMP}, {"!~", 'o', A_CMP},
    {"!", 'o', A_NOT}, {"#>>", 'o', A_CMP}, {"#>", 'o', A_CMP}, {"%", 'o', 0},
    {"&&", '&', 0}, {"&", 'o', 0}, {"*", 'o', A_STAR}, {"+", 'o', A_SIGN},
    {"->>", 'o', A_CMP}, {"->", 'o', A_CMP}, {"-", 'o', A_SIGN}, {".", 'o', A_DOT},
    {"/", 'o', 0}, {"::", 'o', A_CAST}, {":=", 'o', A_ASSIGN}, {"<=>", 'o', A_CMP},
    {"<>", 'o', A_CMP}, {"<=", 'o', A_CMP}, {"<@", 'o', A_CMP}, {"<<", 'o', 0},
    {"<", 'o', A_CMP}, {"==", 'o', A_CMP}, {"=", 'o', A_CMP}, {">=", 'o', A_CMP},
    {">>", 'o', 0}, {">", 'o', A_CMP}, {"?|", 'o', A_CMP}, {"?&", 'o', A_CMP},
    {"?", 'o', A_CMP}, {"@>", 'o', A_CMP}, {"@", 'o', 0}, {"^", 'o', 0},
    {"||", '&', 0}, {"|", 'o', 0}, {"~", 'o', A_NOT},
};

static const uint8_t op_first[256] = {
    ['!'] = 1, ['#'] = 6, ['%'] = 8, ['&'] = 9, ['*'] = 11, ['+'] = 12, ['-'] = 13, ['.'] = 16,
    ['/'] = 17, [':'] = 18, ['<'] = 20, ['='] = 26, ['>'] = 28, ['?'] = 31, ['@'] = 34, ['^'] = 36,
    ['|'] = 37, ['~'] = 39,
};

/* For the unit test: each first byte's operators are one group that
 * op_first points at, and a longer operator comes before its prefix. */
int rp__sql_ops_grouped(void);
int rp__sql_ops_grouped(void)
{
    for (unsigned c = 0; c < 256; c++) {
        size_t first = RP_ARRAY_SIZE(sql_ops), last = 0, cnt = 0;
        for (size_t j = 0; j < RP_ARRAY_SIZE(sql_ops); j++)
            if ((unsigned char)sql_ops[j].text[0] == c) {
                if (first == RP_ARRAY_SIZE(sql_ops))
                    first = j;
                last = j;
                cnt++;
                for (size_t k = j + 1; k < RP_ARRAY_SIZE(sql_ops); k++)
                    if (strlen(sql_ops[k].text) > strlen(sql_ops[j].text) &&
                        strncmp(sql_ops[k].text, sql_ops[j].text, strlen(sql_ops[j].text)) == 0)
                        return 0;   /* a prefix before a longer operator */
            }
        if (cnt == 0 ? op_first[c] != 0 : (op_first[c] != first + 1 || last + 1 - first != cnt))
            return 0;
    }
    return 1;
}

static int lex_op(sql_lex_t *lx, sql_tok_t *t)
{
    const unsigned char *s = lx->s + lx->i;
    size_t left = lx->n - lx->i;
    for (size_t j = op_first[s[0]] ? op_first[s[0]] - 1u : RP_ARRAY_SIZE(sql_ops);
         j < RP_ARRAY_SIZE(sql_ops) && (unsigned char)sql_ops[j].text[0] == s[0]; j++) {
        const sql_op_t *op = &sql_ops[j];
        size_t k;
        k = op->text[1] == '\0' ? 1 : op->text[2] == '\0' ? 2 : 3;
        /* the first byte is the group's; then at most two more */
        if (k <= left && (k < 2 || s[1] == (unsigned char)op->text[1]) &&
            (k < 3 || s[2] == (unsigned char)op->text[2])) {
            t->type = op->type;
            t->attr |= op->attr;
            lx->i += k;
            return 1;
        }
    }
    return 0;
}

/* A comment from i to the end of the line. */
static void lex_line_comment(sql_lex_t *lx, sql_tok_t *t, uint32_t kind)
{
    const unsigned char *e = memchr(lx->s + lx->i, '\n', lx->n - lx->i);
    t->type = 'c';
    t->attr |= kind;
    lx->i = e ? (size_t)(e - lx->s) : lx->n;
}

static void lex_block_comment(sql_lex_t *lx, sql_tok_t *t)
{
    const unsigned char *s = lx->s;
    size_t n = lx->n, i = lx->i + 2;
    t->type = 'c';
    if (i < n && s[i] == '!') {
        /* MySQL executable comment: its content is code. The opener (with
         * its version number) is a comment token, the closing star-slash
         * another. */
        i++;
        for (int d = 0; d < 6 && i < n && is_digit(s[i]); d++)
            i++;
        t->attr |= A_CEXEC;
        lx->in_exec = 1;
        lx->i = i;
        return;
    }
    t->attr |= (i < n && s[i] == '+') ? A_CHINT : A_CBLOCK;
    for (; i + 1 < n; i++)
        if (s[i] == '*' && s[i + 1] == '/') {
            lx->i = i + 2;
            return;
        }
    t->attr |= A_CUNTERM;
    lx->i = n;
}

/* Strings, dollar quotes and quoted identifiers from lx->i (the quote). */
static void lex_quoted(sql_lex_t *lx, sql_tok_t *t, unsigned char q)
{
    int closed;
    lx->i = scan_quoted(lx->s, lx->n, lx->i + 1, q, &closed);
    if (closed)
        t->attr |= A_CLOSED;
    if (q == '`') {
        /* `information_schema`: a bareword with the attributes of its name */
        sql_tok_t k = {0};
        size_t a = t->pos + 1, b = closed ? lx->i - 1 : lx->i;
        classify_word(lx, a, b, 1, &k);
        t->type = 'b';
        t->attr |= A_QUOTED | (k.attr & (A_SCHEMA | A_DANGER));
    } else {
        t->type = 's';
    }
}

/* $$..$$ and $tag$..$tag$ (PostgreSQL); returns 0 if s[i] does not open one. */
static int lex_dollar(sql_lex_t *lx, sql_tok_t *t)
{
    const unsigned char *s = lx->s;
    size_t n = lx->n, i = lx->i + 1, tag;
    while (i < n && (is_word(s[i]) && s[i] != '$' && !(i == lx->i + 1 && is_digit(s[i]))))
        i++;
    if (i >= n || s[i] != '$' || i - lx->i > 32)
        return 0;
    tag = i + 1 - lx->i;                 /* "$tag$" */
    t->type = 's';
    for (i = i + 1; i + tag <= n; i++)
        if (s[i] == '$' && memcmp(s + i, s + lx->i, tag) == 0) {
            t->attr |= A_CLOSED;
            lx->i = i + tag;
            return 1;
        }
    lx->i = n;
    return 1;
}

/*
 * Lexes the next token into t; returns 0 at the end of the input. Every
 * call consumes at least one byte.
 */
static int lex_next(sql_lex_t *lx, sql_tok_t *t)
{
    const unsigned char *s = lx->s;
    size_t n = lx->n;
    unsigned char c;

    while (lx->i < n && is_space(s[lx->i]))
        lx->i++;
    if (lx->i >= n)
        return 0;
    memset(t, 0, sizeof(*t));
    t->pos = (uint32_t)lx->i;
    if (lx->in_exec)
        t->attr |= A_INEXEC;
    c = s[lx->i];

    switch (c) {
    case '\'':
    case '"':
    case '`':
        lex_quoted(lx, t, c);
        break;
    case '(':
    case ')':
    case ',':
    case ';':
        t->type = (char)c;
        lx->i++;
        break;
    case '$':
        if (lex_dollar(lx, t))
            break;
        if (lx->i + 1 < n && is_digit(s[lx->i + 1])) {
            t->type = 'v';                 /* $1: a parameter */
            lx->i = word_end(s, n, lx->i + 1, NULL);
        } else {
            size_t e = word_end(s, n, lx->i + 1, NULL);
            t->type = 'b';                 /* $where, $ne: not SQL */
            lx->i = e > lx->i + 1 ? e : lx->i + 1;
        }
        break;
    case '@':
        if (lx->i + 1 < n && (s[lx->i + 1] == '@' || is_word(s[lx->i + 1]) || s[lx->i + 1] == '.' ||
                              s[lx->i + 1] == '\'' || s[lx->i + 1] == '"' || s[lx->i + 1] == '`')) {
            size_t i = lx->i + 1;
            if (s[i] == '@') {
                i++;
                t->attr |= A_DOT;          /* @@version */
            }
            t->type = 'v';
            if (i < n && (s[i] == '\'' || s[i] == '"' || s[i] == '`')) {
                int closed;
                i = scan_quoted(s, n, i + 1, s[i], &closed);
            } else {
                while (i < n && (is_word(s[i]) || s[i] == '.'))
                    i++;
            }
            lx->i = i;
        } else if (!lex_op(lx, t)) {
            t->type = 'x';
            lx->i++;
        }
        break;
    case '-':
        if (lx->i + 1 < n && s[lx->i + 1] == '-')
            lex_line_comment(lx, t, A_CDASH);
        else
            (void)lex_op(lx, t);
        break;
    case '#':
        if (lx->i + 1 < n && (s[lx->i + 1] == '>' ||
                              (s[lx->i + 1] == '-' && lx->i + 2 < n &&
                               (s[lx->i + 2] == ' ' || s[lx->i + 2] == '\'')))) {
            if (!lex_op(lx, t)) {          /* #- (jsonb delete path) */
                t->type = 'o';
                lx->i += 2;
            }
        } else {
            lex_line_comment(lx, t, A_CHASH);
        }
        break;
    case '/':
        if (lx->i + 1 < n && s[lx->i + 1] == '*')
            lex_block_comment(lx, t);
        else
            (void)lex_op(lx, t);
        break;
    case '*':
        if (lx->i + 1 < n && s[lx->i + 1] == '/') {
            /* end of an executable comment, or of a comment the query opened */
            t->type = 'c';
            t->attr |= lx->in_exec ? A_CEXEC : A_CBLOCK;
            lx->in_exec = 0;
            lx->i += 2;
        } else {
            (void)lex_op(lx, t);
        }
        break;
    case '.':
        if (lx->i + 1 < n && is_digit(s[lx->i + 1]))
            lex_number(lx, t);
        else
            (void)lex_op(lx, t);
        break;
    default:
        if (is_digit(c)) {
            lex_number(lx, t);
        } else if (is_word(c)) {
            int joined = 0;
            size_t e = word_end(s, n, lx->i, &joined);
            if (e == lx->i + 1 && e < n && s[e] == '\'' && strchr("NnXxBbEe", c) != NULL) {
                /* N'..' E'..' strings, X'..' B'..' numbers */
                lx->i = e;
                lex_quoted(lx, t, '\'');
                if ((c | 0x20) == 'x' || (c | 0x20) == 'b')
                    t->type = 'n';
            } else if (c == '_' && e < n && s[e] == '\'') {
                lx->i = e;                 /* _utf8'..' */
                lex_quoted(lx, t, '\'');
            } else {
                classify_word(lx, lx->i, e, joined, t);
                lx->i = e;
            }
        } else if (!lex_op(lx, t)) {
            t->type = 'x';               /* { } [ ] \ and the like */
            lx->i++;
        }
        break;
    }
    t->len = (uint32_t)(lx->i - t->pos);
    return 1;
}

/* The rest of the query's string when the value starts inside one quoted
 * by q: everything up to the first q that is not doubled. A backslash
 * escapes the quote only when lx->bs is set: MySQL reads `x\' or 1=1` one
 * way, standard SQL (PostgreSQL, SQLite, MSSQL, Oracle) the other, and the
 * detector tries both when the value has a backslash before a quote. */
static void lex_ctx_prefix(sql_lex_t *lx, unsigned char q, sql_tok_t *t)
{
    const unsigned char *s = lx->s;
    size_t i = 0, n = lx->n;
    memset(t, 0, sizeof(*t));
    t->type = 's';
    for (; i < n; i++) {
        if (s[i] == '\\' && lx->bs) {
            i++;
            continue;
        }
        if (s[i] != q)
            continue;
        if (i + 1 < n && s[i + 1] == q) {
            i++;
            continue;
        }
        t->attr |= A_CLOSED;
        i++;
        break;
    }
    lx->i = i;
    t->len = (uint32_t)i;
}

/* Lexes up to max tokens; the first one is the context prefix when ctx is
 * a quote and lx->i is 0. A type name right after :: becomes 't'. */
static size_t lex_run(sql_lex_t *lx, char ctx, sql_tok_t *out, size_t max)
{
    size_t k = 0;
    if (max == 0)
        return 0;
    if (ctx && lx->i == 0)
        lex_ctx_prefix(lx, (unsigned char)ctx, &out[k++]);
    while (k < max && lex_next(lx, &out[k])) {
        if (k > 0 && out[k].type == 'b' && (out[k].attr & A_TYPE) && (out[k - 1].attr & A_CAST))
            out[k].type = 't';
        k++;
    }
    return k;
}

size_t rp__sql_tokenize(const char *s, size_t n, char context, rp__sql_token_t *out, size_t max)
{
    sql_lex_t lx = {(const unsigned char *)s, n, 0, 0, 0};
    sql_tok_t t, prev;
    size_t k = 0;
    if (!out || max == 0 || (!s && n))
        return 0;
    if (n > UINT32_MAX)
        lx.n = UINT32_MAX;
    memset(&prev, 0, sizeof(prev));
    if (context) {
        lex_ctx_prefix(&lx, (unsigned char)context, &t);
        out[k].type = t.type;
        out[k].pos = t.pos;
        out[k].len = t.len;
        k++;
        prev = t;
    }
    while (k < max && lex_next(&lx, &t)) {
        if (t.type == 'b' && (t.attr & A_TYPE) && (prev.attr & A_CAST))
            t.type = 't';
        out[k].type = t.type;
        out[k].pos = t.pos;
        out[k].len = t.len;
        k++;
        prev = t;
    }
    return k;
}

/* ---------------------------------------------------------------------- */
/* Folding: comments out (remembered on the token before them), UNION ALL,
 * ORDER BY, NOT LIKE, IS NOT and signed numbers merged.                   */

static int type_in(char c, const char *set)
{
    return c != '\0' && strchr(set, c) != NULL;
}

/* A comment with little in it (admin'--, admin'#, '-- -): 1, or 2 when
 * there is (nearly) nothing after the marker; 0 otherwise. */
static int comment_short(const unsigned char *s, const sql_tok_t *c)
{
    size_t a = c->pos, b = (size_t)c->pos + c->len;
    if (c->attr & (A_CDASH | A_CHASH)) {
        /* '-- x, '--+, '#: what MySQL accepts; not --enable-x, ----, #1, #!x */
        a += (c->attr & A_CDASH) ? 2 : 1;
        if (a < b && !is_space(s[a]) && !((c->attr & A_CDASH) && s[a] == '+'))
            return 0;
    } else if ((c->attr & A_CBLOCK) && !(c->attr & A_CUNTERM)) {
        return 1;                         /* a block comment ends, code may follow */
    } else if (c->attr & A_CBLOCK) {
        a += 2;                           /* unterminated: admin' followed by an opener */
        while (a < b && is_space(s[a]))
            a++;
        return b - a == 0 ? 2 : 0;
    } else {
        return 0;
    }
    while (a < b && is_space(s[a]))
        a++;
    while (b > a && is_space(s[b - 1]))
        b--;
    return b - a <= 2 ? 2 : b - a <= 16;
}

/* The token is the word w (upper case), in any case. */
static int tok_is(const unsigned char *s, const sql_tok_t *t, const char *w)
{
    size_t n = strlen(w);
    if (t->len != n)
        return 0;
    for (size_t j = 0; j < n; j++)
        if ((s[t->pos + j] & ~0x20) != (unsigned char)w[j])
            return 0;
    return 1;
}

static void extend(sql_tok_t *p, const sql_tok_t *t)
{
    p->len = t->pos + t->len - p->pos;
}

static size_t fold(const unsigned char *s, const sql_tok_t *raw, size_t nraw, sql_tok_t *out)
{
    size_t m = 0;
    int after_exec = 0;
    for (size_t j = 0; j < nraw; j++) {
        sql_tok_t t = raw[j];
        sql_tok_t *p = m ? &out[m - 1] : NULL;
        if (t.type == 'c') {
            if (p) {
                int k = comment_short(s, &t);
                p->attr |= A_CAFTER;
                if (k)
                    p->attr |= A_CSHORT;
                if (k == 2)
                    p->attr |= A_CEMPTY;
            }
            if ((t.attr & A_CEXEC) && t.len >= 3 && s[t.pos] == '/')
                after_exec = 1;
            continue;
        }
        if (after_exec) {
            t.attr |= A_AFTEREXEC;
            after_exec = 0;
        }
        if (p && p->type == 'U' && t.type == 'k' &&
            (t.id == K_ALL || t.id == K_DISTINCT || t.id == K_DISTINCTROW)) {
            extend(p, &t);
            continue;
        }
        if (p && p->type == 'b' && (p->id == K_ORDER || p->id == K_GROUP) && t.id == K_BY) {
            p->type = 'k';
            extend(p, &t);
            continue;
        }
        if (p && p->type == 'o' && (p->attr & A_CMP) && t.type == 'b' && tok_is(s, &t, "TO") &&
            p->len >= 7 && tok_is(s, &(sql_tok_t){'o', 0, 0, p->pos + p->len - 7, 7}, "SIMILAR")) {
            extend(p, &t);                /* SIMILAR TO */
            continue;
        }
        if (p && p->type == 'o' && t.type == 'o' &&
            ((p->id == K_NOT && (t.attr & A_CMP)) || (p->id == K_IS && t.id == K_NOT) ||
             (p->id == K_SOUNDS && (t.attr & A_CMP)))) {
            p->attr = (p->attr | A_CMP) & ~(uint32_t)A_NOT;
            p->id = t.id == K_BETWEEN ? K_BETWEEN : K_NONE;
            extend(p, &t);
            continue;
        }
        if (t.type == 'n' && p && p->type == 'o' && (p->attr & A_SIGN) && p->len == 1 &&
            (m < 2 || type_in(out[m - 2].type, "o&(,kE;"))) {
            uint32_t keep = p->attr & (A_CAFTER | A_CSHORT | A_INEXEC);
            *p = (sql_tok_t){'n', 0, t.attr | keep, p->pos, 0};
            extend(p, &t);
            continue;
        }
        out[m++] = t;
    }
    return m;
}

/* ---------------------------------------------------------------------- */
/* Grammar: a small recursive-descent reader over folded tokens that counts
 * what it sees instead of building a tree.                                */

/* What an expression (or a list of them) contained. */
typedef struct sql_x {
    unsigned ops;      /* operands */
    unsigned lit;      /* operands that are not plain words: literals, @vars, calls, groups, * */
    unsigned words;    /* plain identifiers / everyday words */
    unsigned cmp;      /* comparison operators (in groups too) */
    unsigned calls;    /* function calls that look like code */
    unsigned wcalls;   /* calls of everyday words with wordy arguments: "Left (WA, RR)" */
    unsigned subs;     /* subqueries */
    unsigned wsubs;    /* (SELECT word): a subquery only where an operand is expected */
    unsigned time, danger, schema;
    unsigned casts;    /* ::type */
    unsigned star;     /* * as an operand */
    unsigned logic;    /* AND/OR inside */
    unsigned dangling; /* the value ends after an operator or inside a call */
    unsigned truth;    /* TRUE / FALSE / NULL operands */
    unsigned broken;   /* a group that did not parse up to its ')' */
} sql_x_t;

typedef struct sql_p {
    const sql_tok_t *t;
    const unsigned char *s;
    size_t m;      /* tokens */
    size_t i;      /* cursor */
    size_t stop;   /* budget: the cursor never passes it */
} sql_p_t;

static const sql_tok_t *cur(const sql_p_t *p)
{
    return p->i < p->stop ? &p->t[p->i] : NULL;
}

static int cur_is(const sql_p_t *p, char type, int id)
{
    const sql_tok_t *t = cur(p);
    return t && t->type == type && (id < 0 || t->id == id);
}

/* The cursor reached the end of what we have: the value ends there. */
static int p_end(const sql_p_t *p)
{
    return p->i >= p->stop;
}

/* The statement or condition ends cleanly here: end of the value, ';',
 * ')', a comment, UNION. Prose usually keeps going instead. */
static int p_clean(const sql_p_t *p)
{
    const sql_tok_t *t = cur(p);
    if (!t)
        return 1;
    if (p->i > 0 && (p->t[p->i - 1].attr & A_CAFTER))
        return 1;
    return type_in(t->type, ";)U");
}

static void merge(sql_x_t *x, const sql_x_t *in, int with_cmp)
{
    x->calls += in->calls;
    x->wcalls += in->wcalls;
    x->subs += in->subs;
    x->wsubs += in->wsubs;
    x->time += in->time;
    x->danger += in->danger;
    x->schema += in->schema;
    x->casts += in->casts;
    x->dangling += in->dangling;
    x->broken += in->broken;
    if (with_cmp) {
        x->cmp += in->cmp;
        x->logic += in->logic;
    }
}

static void p_expr(sql_p_t *p, sql_x_t *x, int depth, int logic);
static int p_select(sql_p_t *p, sql_x_t *x, int depth);

/* Skips to just after the ')' matching the '(' before the cursor. */
static void skip_group(sql_p_t *p)
{
    int d = 1;
    for (const sql_tok_t *t; (t = cur(p)) != NULL; p->i++) {
        if (t->type == '(')
            d++;
        else if (t->type == ')' && --d == 0) {
            p->i++;
            return;
        }
    }
}

/* At '(': a subquery, or expressions separated by commas, up to ')'. */
static void p_group(sql_p_t *p, sql_x_t *x, int depth)
{
    p->i++;
    if (depth >= SQL_DEPTH) {
        skip_group(p);
        return;
    }
    if (cur_is(p, 'E', K_SELECT)) {
        int st = p_select(p, x, depth + 1);
        x->subs += st >= 2;
        x->wsubs += st == 1;
    } else {
        for (;;) {
            const sql_tok_t *t;
            p_expr(p, x, depth + 1, 1);
            t = cur(p);
            if (t && t->type == 'k' && (t->id == K_AS || t->id == K_FROM)) {
                /* CAST(x AS int), CONVERT(x, CHAR(50)), SUBSTRING(x FROM 2), EXTRACT(YEAR FROM d) */
                p->i++;
                if (t->id == K_AS && (t = cur(p)) != NULL && type_in(t->type, "bt")) {
                    p->i++;
                    if (cur_is(p, '(', -1)) {
                        p->i++;
                        skip_group(p);
                    }
                }
                if (cur_is(p, ')', -1))
                    break;
                continue;
            }
            if (t && (tok_is(p->s, t, "FOR") || tok_is(p->s, t, "USING"))) {
                p->i++;
                continue;
            }
            if (!cur_is(p, ',', -1))
                break;
            p->i++;
        }
    }
    if (cur_is(p, ')', -1))
        p->i++;
    else if (p_end(p))
        x->dangling++;
    else
        x->broken++;                      /* (b += "x"): not SQL inside */
}

/* CASE .. END, counted as one operand. */
static void p_case(sql_p_t *p, sql_x_t *x)
{
    int when = 0;
    for (const sql_tok_t *t; (t = cur(p)) != NULL; p->i++) {
        if (t->type == 'k' && t->id == K_WHEN)
            when = 1;
        if (t->attr & A_CMP)
            x->cmp++;
        if (t->type == 'k' && t->id == K_END) {
            p->i++;
            break;
        }
    }
    if (when)
        x->lit++;
}

/* One operand with its ::casts. Returns 0 (cursor unchanged) if there is none. */
static int p_operand(sql_p_t *p, sql_x_t *x, int depth)
{
    const sql_tok_t *t = cur(p);
    if (!t)
        return 0;
    switch (t->type) {
    case 'n':
    case 's':
    case 'v':
        x->lit++;
        x->truth += (t->attr & A_VALUE) != 0;
        p->i++;
        break;
    case 'b':
    case 't':
        if (p->i + 1 < p->stop && p->t[p->i + 1].type == '(' &&
            (tok_is(p->s, t, "ANY") || tok_is(p->s, t, "SOME"))) {
            p->i++;                       /* = ANY (SELECT ..) */
            return p_operand(p, x, depth);
        }
        if (p->i + 1 < p->stop && p->t[p->i + 1].type == 'x' && p->s[p->t[p->i + 1].pos] == '[' &&
            tok_is(p->s, t, "ARRAY")) {
            /* ARRAY['a','b'] (PostgreSQL) */
            p->i += 2;
            for (const sql_tok_t *u; (u = cur(p)) != NULL; p->i++)
                if (u->type == 'x' && p->s[u->pos] == ']') {
                    p->i++;
                    break;
                }
            x->lit++;
            break;
        }
        x->words++;
        x->time += (t->attr & A_TIME) != 0;
        x->danger += (t->attr & A_DANGER) != 0;
        x->schema += (t->attr & A_SCHEMA) && !(t->attr & A_WORD);
        p->i++;
        break;
    case 'f': {
        sql_x_t in = {0};
        uint32_t a = t->attr;
        p->i++;
        if (cur_is(p, '(', -1))
            p_group(p, &in, depth);
        merge(x, &in, 0);
        x->time += (a & A_TIME) != 0;
        x->danger += (a & A_DANGER) != 0;
        if ((a & A_WORD) && in.lit == 0 && in.calls == 0 && in.subs == 0 && in.dangling == 0 &&
            in.ops > 0) {
            x->wcalls++;                  /* "Delete (Trashcan)": words in parentheses */
            x->words++;
        } else {
            x->calls++;
            x->lit++;
        }
        break;
    }
    case '(': {
        sql_x_t in = {0};
        p_group(p, &in, depth);
        merge(x, &in, 1);
        if (in.lit || in.subs || in.calls)
            x->lit++;                     /* (1=1), (SELECT ..), not ($a = $b) */
        else
            x->words++;
        break;
    }
    case 'k':
        if (t->id == K_ALL && p->i + 1 < p->stop && p->t[p->i + 1].type == '(') {
            p->i++;                       /* = ALL (SELECT ..) */
            return p_operand(p, x, depth);
        }
        if (t->id != K_CASE)
            return 0;
        p->i++;
        p_case(p, x);
        break;
    case 'o':
        if (!(t->attr & A_STAR))
            return 0;
        x->star++;
        x->lit++;
        p->i++;
        break;
    default:
        return 0;
    }
    x->ops++;
    while ((t = cur(p)) != NULL && (t->attr & A_CAST)) {
        p->i++;
        x->casts++;
        if ((t = cur(p)) != NULL && (t->type == 't' || t->type == 'b'))
            p->i++;
    }
    return 1;
}

/* operand (binop operand)*, with unary prefixes; AND/OR continue the
 * expression when `logic` is set (and after BETWEEN). */
static void p_expr(sql_p_t *p, sql_x_t *x, int depth, int logic)
{
    int between = 0, postfix = 0;
    for (;;) {
        const sql_tok_t *t;
        while ((t = cur(p)) != NULL && t->type == 'o' && (t->attr & (A_NOT | A_SIGN)))
            p->i++;
        if (!p_operand(p, x, depth)) {
            if (p_end(p) && !postfix)
                x->dangling++;
            return;
        }
        t = cur(p);
        if (!t || x->broken)
            return;
        if (t->type == 'o' && (!(t->attr & (A_NOT | A_CAST)) || (t->len == 1 && p->s[t->pos] == '~'))) {
            /* a binary operator; ~ between operands is PostgreSQL's regex match */
            if (t->attr & (A_CMP | A_NOT))
                x->cmp++;
            between = t->id == K_BETWEEN;
            postfix = (t->attr & A_POSTFIX) != 0;
            p->i++;
        } else if (t->type == '&' && (logic || between)) {
            x->logic += !between;
            between = 0;
            p->i++;
        } else {
            return;
        }
    }
}

/* A table (or subquery) after FROM/INTO/UPDATE/TABLE.. */
static int p_table(sql_p_t *p, sql_x_t *x, int depth)
{
    const sql_tok_t *t = cur(p);
    if (!t)
        return 0;
    if (t->type == '(') {
        sql_x_t in = {0};
        p_group(p, &in, depth);
        merge(x, &in, 0);
        return 1;
    }
    if (t->type == 'b' || t->type == 't' || t->type == 's' || t->type == 'v' ||
        (t->type == 'k' && (t->attr & A_OBJ))) {
        x->schema += (t->attr & A_SCHEMA) && !(t->attr & A_WORD);
        p->i++;
        return 1;
    }
    return 0;
}

/*
 * At SELECT: reads the select list and the clauses that follow. Returns
 * how much it looks like code: 0 not a select, 1 prose-like, 2 plausible
 * (SELECT name FROM users), 3 certainly SQL (literals, calls, '*', a WHERE
 * comparison, GROUP BY/LIMIT ..).
 */
static int p_select(sql_p_t *p, sql_x_t *outer, int depth)
{
    sql_x_t all = {0};
    unsigned items = 0, strong = 0, lits = 0, aliased = 0;
    int from = 0, cond = 0, clause = 0, clean;
    const sql_tok_t *t;

    p->i++;
    while ((t = cur(p)) != NULL && t->type == 'k' &&
           (t->id == K_DISTINCT || t->id == K_ALL || t->id == K_DISTINCTROW || t->id == K_TOP)) {
        p->i++;
        if (t->id == K_TOP && cur_is(p, 'n', -1))
            p->i++;
    }
    for (;;) {
        sql_x_t x = {0};
        size_t st = p->i;
        p_expr(p, &x, depth, 1);
        if (p->i == st)
            break;
        items++;
        if (x.calls || x.star || x.subs || x.time || x.danger || x.schema || x.casts ||
            (x.lit && x.cmp) || (p->t[st].type == 'v' && (p->t[st].attr & A_DOT)))
            strong++;                     /* .. or SELECT @@version */
        else if (x.lit && !x.words && (p->t[p->i - 1].type != 's' || (p->t[p->i - 1].attr & A_CLOSED)))
            lits++;                       /* a number or a closed string */
        merge(&all, &x, 1);
        if (cur_is(p, 'k', K_AS)) {
            p->i++;
            if ((t = cur(p)) != NULL && type_in(t->type, "bst"))
                p->i++;
            aliased++;
        } else if ((t = cur(p)) != NULL && t->type == 'b' && t->id != K_ORDER && t->id != K_GROUP) {
            p->i++;
            aliased++;
        }
        if (!cur_is(p, ',', -1))
            break;
        p->i++;
    }
    if (items == 0) {
        merge(outer, &all, 0);
        return 0;
    }
    if (cur_is(p, 'k', K_FROM)) {
        p->i++;
        from = p_table(p, &all, depth);
        if (from && cur_is(p, 'k', K_AS))
            p->i++;
        if (from && cur_is(p, 'b', -1) && p->t[p->i].id != K_ORDER && p->t[p->i].id != K_GROUP)
            p->i++;                       /* alias */
    }
    /* clauses, in any order, each at most a few times */
    for (int guard = 0; guard < 8 && (t = cur(p)) != NULL && t->type == 'k'; guard++) {
        sql_x_t x = {0};
        if (t->id == K_WHERE || t->id == K_HAVING || t->id == K_ON) {
            p->i++;
            p_expr(p, &x, depth, 1);
            cond += x.cmp > 0 && (x.lit > 0 || x.ops >= 2);
        } else if (t->id == K_GROUP || t->id == K_ORDER) {
            p->i++;
            do {
                if (cur_is(p, ',', -1))
                    p->i++;
                p_expr(p, &x, depth, 0);
                if (cur_is(p, 'b', -1))
                    p->i++;               /* ASC / DESC */
            } while (cur_is(p, ',', -1));
            clause++;
        } else if (t->id == K_LIMIT || t->id == K_OFFSET) {
            p->i++;
            if (!cur_is(p, 'n', -1))
                break;
            p->i++;
            if (cur_is(p, ',', -1) && p->i + 1 < p->stop && p->t[p->i + 1].type == 'n')
                p->i += 2;
            clause++;
        } else if (t->id == K_INTO) {
            p->i++;
            if ((t = cur(p)) != NULL && (t->id == K_OUTFILE || t->id == K_DUMPFILE || t->type == 'v'))
                strong++;
            if (t)
                p->i++;
        } else {
            break;
        }
        merge(&all, &x, 0);
    }
    clean = p_clean(p);
    merge(outer, &all, 0);
    if (!clean)
        return strong && from && cond ? 3 : 1;
    if (strong || (items >= 2 && lits == items) || all.schema)
        return 3;
    if (cond || (from && clause) || clause >= 2)
        return 3;
    if (from || (items == 1 && lits == 1 && !aliased))
        return 2;
    return 1;
}

static int is_ident(const sql_tok_t *t)
{
    return t && (type_in(t->type, "bt") || (t->type == 's' && t->len > 2) ||
                 (t->type == 'k' && (t->attr & A_OBJ)));
}

/* @_ is Perl's argument list, not an SQL variable. */
static int perl_args(const unsigned char *s, const sql_tok_t *t)
{
    return t->len == 2 && s[t->pos] == '@' && s[t->pos + 1] == '_';
}

/* Starts with xp_ or sp_ (MSSQL procedures), any case. */
static int is_proc_name(const unsigned char *s, const sql_tok_t *t)
{
    const unsigned char *w = s + t->pos;
    return t->len > 3 && ((w[0] | 0x20) == 'x' || (w[0] | 0x20) == 's') && (w[1] | 0x20) == 'p' &&
           w[2] == '_';
}

/*
 * At a statement keyword (or SET): how much what follows looks like that
 * statement, 0..3 as for p_select.
 */
static int p_stmt(sql_p_t *p, sql_x_t *x, int depth)
{
    const sql_tok_t *t = cur(p);
    int id = t->id;

    if (id == K_SELECT)
        return p_select(p, x, depth);
    p->i++;
    t = cur(p);
    switch (id) {
    case K_INSERT:
    case K_REPLACE: {
        int into = 0, cols = 0;
        if (t && t->type == 'k' && t->id == K_INTO) {
            p->i++;
            into = 1;
        }
        if (!is_ident(cur(p)))
            return 1;
        p->i++;
        if (cur_is(p, '(', -1)) {
            p->i++;
            skip_group(p);
            cols = 1;
        }
        if (!into && !cols)
            return 1;                     /* "Replace 'unknown' values with .." */
        t = cur(p);
        if (t && t->type == 'k' && t->id == K_VALUES && p->i + 1 < p->stop && p->t[p->i + 1].type == '(')
            return 3;
        if (t && t->type == 'k' && t->id == K_SET && p->i + 2 < p->stop && is_ident(&p->t[p->i + 1]) &&
            (p->t[p->i + 2].attr & A_CMP))
            return 3;
        if (t && t->type == 'E' && t->id == K_SELECT)
            return p_select(p, x, depth) >= 2 ? 3 : 1;
        return into && cols ? 2 : 1;
    }
    case K_UPDATE:
        if (!is_ident(t))
            return 1;
        p->i++;
        if (!cur_is(p, 'k', K_SET))
            return 1;
        p->i++;
        if (!is_ident(cur(p)))
            return 1;
        p->i++;
        return cur_is(p, 'o', -1) && (p->t[p->i].attr & A_CMP) ? 3 : 1;
    case K_DELETE:
        if (!cur_is(p, 'k', K_FROM))
            return 1;
        p->i++;
        if (!is_ident(cur(p)))
            return 1;
        p->i++;
        if (cur_is(p, 'k', K_WHERE)) {
            sql_x_t w = {0};
            p->i++;
            p_expr(p, &w, depth, 1);
            return w.cmp ? 3 : 1;
        }
        return p_clean(p) ? 2 : 1;
    case K_DROP:
    case K_CREATE:
    case K_ALTER:
    case K_TRUNCATE:
    case K_RENAME: {
        int strong = 0;
        if (!t || !(t->attr & A_OBJ))
            return 1;
        p->i++;
        if (cur_is(p, 'b', K_IF)) {
            p->i++;
            if (cur_is(p, 'o', K_NOT))
                p->i++;
            if (cur_is(p, 'k', K_EXISTS) || cur_is(p, 'f', K_EXISTS))
                p->i++;
            strong = 1;
        }
        if (!is_ident(cur(p)))
            return 1;
        p->i++;
        t = cur(p);
        if (strong || (p->t[p->i - 1].attr & A_CAFTER) ||
            (t && (type_in(t->type, ";(") || t->id == K_ALTERACT || t->id == K_RETURNS ||
                   t->id == K_DROP || t->id == K_RENAME || (t->type == 'k' && t->id == K_AS))))
            return 3;
        return t ? 1 : 2;
    }
    case K_EXEC:
    case K_EXECUTE:
        if (!t)
            return 1;
        /* EXEC xp_cmdshell, EXEC master..sp_, EXEC @q, EXEC('sel'+'ect ..'), EXECUTE IMMEDIATE;
         * not exec('my.bat') from JavaScript, PHP or prose */
        if ((t->type == 'v' && !perl_args(p->s, t)) || (t->type == 'k' && t->id == K_IMMEDIATE) ||
            (t->attr & (A_DANGER | A_SCHEMA)) || (t->type == 'b' && is_proc_name(p->s, t)))
            return 3;
        if (t->type == '(' && p->i + 1 < p->stop &&
            (p->t[p->i + 1].type == 'v' || p->s[p->t[p->i + 1].pos] == '@'))
            return 3;                     /* EXEC (@q) */
        return 1;
    case K_DECLARE:
        return t && t->type == 'v' ? 3 : 1;
    case K_WAITFOR:
        if (t && t->type == 'k' && t->id == K_DELAY) {
            p->i++;
            return cur_is(p, 's', -1) || cur_is(p, 'n', -1) ? 3 : 2;
        }
        return 1;
    case K_SHUTDOWN:
        /* SHUTDOWN; SHUTDOWN-- SHUTDOWN WITH NOWAIT; not a lone word ("shutdown=1") */
        return (p->t[p->i - 1].attr & A_CAFTER) || (t && (t->type == ';' || tok_is(p->s, t, "WITH"))) ? 2 : 1;
    case K_SET:
        if (!t || t->type != 'v')
            return 1;
        p->i++;
        return cur_is(p, 'o', -1) && (p->t[p->i].attr & (A_CMP | A_ASSIGN)) ? 3 : 1;
    case K_LOAD:
        if (!t || t->id != K_DATA)
            return 1;
        p->i++;
        if (cur_is(p, 'b', -1))
            p->i++;                       /* LOCAL */
        return cur_is(p, 'k', K_INFILE) ? 3 : 1;
    case K_COPY:
        /* COPY t TO '/tmp/x', COPY (SELECT ..) TO PROGRAM 'id' */
        if (t && t->type == '(') {
            p->i++;
            skip_group(p);
        } else if (is_ident(t)) {
            p->i++;
        } else {
            return 1;
        }
        if ((t = cur(p)) != NULL && (tok_is(p->s, t, "TO") || t->id == K_FROM)) {
            p->i++;
            t = cur(p);
            return t && (t->type == 's' || tok_is(p->s, t, "PROGRAM") || tok_is(p->s, t, "STDOUT")) ? 3 : 1;
        }
        return 1;
    case K_CALL:
        if (!is_ident(t))
            return 1;
        p->i++;
        return cur_is(p, '(', -1) ? 2 : 1;
    default:
        return 1;
    }
}

/* ---------------------------------------------------------------------- */
/* Decision.                                                                */

/* One context's folded tokens (one chunk of them). */
typedef struct sql_seq {
    const unsigned char *s;
    size_t n;
    const sql_tok_t *t;
    size_t m;
    int last;      /* t[m - 1] is the last token of the value */
    char ctx;      /* 0 (bare), '\'', '"' or '`': the quote the value closes */
    size_t pend;   /* first token after the prefix (first chunk), or SIZE_MAX */
} sql_seq_t;

/* The best finding so far. */
typedef struct sql_res {
    int key;       /* the value is a name (RP_WAF_PT_KEY) */
    int score;
    size_t off, len;
    const char *what;
    char ctx;
    char fp[16];
} sql_res_t;

static void hit(sql_res_t *r, const sql_seq_t *q, size_t a, size_t b, int score, const char *what)
{
    size_t k = 0;
    if (score <= r->score)
        return;
    if (b > q->m)
        b = q->m;
    if (b <= a)
        b = a + 1;
    r->score = score;
    r->what = what;
    r->ctx = q->ctx;
    r->off = q->t[a].pos;
    r->len = (size_t)q->t[b - 1].pos + q->t[b - 1].len - r->off;
    for (size_t j = a; j < b && k + 1 < sizeof(r->fp); j++)
        r->fp[k++] = q->t[j].type;
    r->fp[k] = '\0';
}

static sql_p_t parser_at(const sql_seq_t *q, size_t i)
{
    sql_p_t p = {q->t, q->s, q->m, i, RP_MIN(q->m, i + SQL_BUDGET)};
    return p;
}

static int upper_word(const sql_seq_t *q, const sql_tok_t *t)
{
    for (size_t j = 0; j < t->len; j++)
        if ((unsigned)(q->s[t->pos + j] - 'a') < 26u)
            return 0;
    return 1;
}

/* A type name written in lower case (password::int, not Foo::Text). */
static int lower_word(const sql_seq_t *q, const sql_tok_t *t)
{
    for (size_t j = 0; j < t->len; j++)
        if (is_upper_alpha(q->s[t->pos + j]))
            return 0;
    return 1;
}

/* A short prefix without blanks: "admin", "1", "x@y.z", "" - what an
 * attacker puts before the quote, unlike the prose before an apostrophe. */
static int compact(const sql_seq_t *q, const sql_tok_t *t)
{
    size_t n = t->len;
    if (n > 64)
        return 0;
    for (size_t j = 0; j < n; j++) {
        unsigned char c = q->s[t->pos + j];
        if (c == '\\' && j + 1 < n && q->s[t->pos + j + 1] == (unsigned char)q->ctx)
            continue;                     /* x\' (MySQL) */
        if (j == 0 && t->type == 's' && (c == '\'' || c == '"'))
            continue;                     /* the opening quote of a string */
        if (!is_word(c) && !(c && strchr("@.-+:/", c)) && c != (unsigned char)q->ctx)
            return 0;                     /* the quote: closing or doubled */
    }
    return 1;
}

/* = <> != */
static int is_eq(const sql_seq_t *q, const sql_tok_t *t)
{
    const unsigned char *w = q->s + t->pos;
    if (t->type != 'o')
        return 0;
    if (t->len == 1)
        return w[0] == '=';
    return t->len == 2 && ((w[0] == '<' && w[1] == '>') || (w[0] == '!' && w[1] == '='));
}

/* t[i] is a final ';' (perhaps with a comment after it). */
static int end_semi(const sql_seq_t *q, size_t i)
{
    return q->last && i + 1 == q->m && q->t[i].type == ';';
}

/*
 * `prefix AND/OR condition`: t[a] is the logic operator. The prefix is the
 * closed string of a quote context, a leading operand in the bare context
 * (haveP), or nothing (the value starts with OR ...).
 */
static void check_logic(const sql_seq_t *q, size_t a, int haveP, sql_res_t *r)
{
    const sql_tok_t *T = q->t;
    sql_p_t p = parser_at(q, a + 1);
    sql_x_t x = {0};
    int bare = q->ctx == 0, pnum = haveP && T[0].type == 'n' && !(T[0].attr & A_VALUE);
    int tight = !bare && compact(q, &T[0]), tail, ctail, sc = 0;
    const char *why = "tautology";

    p_expr(&p, &x, 0, 0);
    if (p.i == a + 1)
        return;
    ctail = (T[p.i - 1].attr & A_CAFTER) != 0;
    tail = p_end(&p) || ctail ||
           (cur(&p) && (type_in(cur(&p)->type, ";&U)") ||
                        (cur(&p)->type == 'k' &&
                         (cur(&p)->id == K_ORDER || cur(&p)->id == K_GROUP ||
                          cur(&p)->id == K_LIMIT || cur(&p)->id == K_HAVING ||
                          cur(&p)->id == K_INTO))));
    if (x.broken && !x.subs && !x.time && !x.danger)
        return;                           /* code or prose in parentheses */
    if (x.subs || (x.wsubs && x.cmp)) {
        sc = 85;
        why = "subquery after logic operator";
    } else if (x.time) {
        sc = 85;
        why = "delay after logic operator";
    } else if (x.danger) {
        sc = 80;
        why = "dangerous function after logic operator";
    } else if (x.cmp) {
        if (x.lit >= 2)
            sc = bare ? (haveP ? 70 : 65) : 80;
        else if (x.lit == 1 && tail)
            sc = bare ? ((pnum || (!haveP && x.casts)) ? 60 : 0) : tight ? 70 : 0;
        else if (tight && (ctail || end_semi(q, p.i)))
            sc = 55;                      /* ' or name like x-- */
    } else if (x.ops == 1 && x.wcalls && tight && (ctail || end_semi(q, p.i))) {
        sc = 55;                          /* ' or json (id); */
    } else if (x.ops == 1 && tail && haveP) {
        if (x.calls)
            sc = bare ? (pnum ? 55 : 0) : tight ? 65 : 0;
        else if (x.lit == 1 && !x.star && (p_end(&p) || ctail || cur_is(&p, ';', -1)) &&
                 (bare || T[p.i - 1].type != 's' || (T[p.i - 1].attr & A_CLOSED) || compact(q, &T[p.i - 1])))
            sc = !bare ? (tight ? 60 : 0) : (pnum && (ctail || x.truth)) ? 50 : 0;
    } else if (x.ops >= 2 && tail && tight && ctail) {
        sc = 50;
    }
    /* the value starts with OR: only comparisons of literals (OR 1=1, OR '{}'::jsonb @> '{}') */
    if (bare && !haveP && sc < 80 &&
        (!(x.cmp && x.words == 0 && (x.lit >= 2 || x.casts)) || !is_word(q->s[T[a].pos])))
        sc = 0;                           /* and AND/OR, not &&/|| (code) */
    if (sc)
        hit(r, q, 0, p.i, sc, why);
}

/* Rules that need the start of the value: what follows the prefix. */
static void check_prefix(const sql_seq_t *q, sql_res_t *r)
{
    const sql_tok_t *T = q->t;
    size_t m = q->m, a = 0, np = 0;
    int bare = q->ctx == 0, haveP = 0;

    if (!bare || (m && type_in(T[0].type, "nbvs"))) {
        haveP = 1;                        /* the closed string, or a leading operand */
        a = 1;
    }
    while (a < m && T[a].type == ')') {
        a++;
        np++;
    }
    if (bare && !haveP && np && a + 1 < m && T[a].type == 'o' && (T[a].attr & A_CMP) &&
        is_upper_alpha(q->s[T[a].pos] & ~0x20) && T[a + 1].type == '(') {
        /* ) LIKE ( : leaving a parenthesised expression to compare */
        hit(r, q, 0, a + 2, 50, "comparison between parentheses");
        return;
    }
    if (a >= m) {
        /* admin'--  admin')# */
        if (!bare && q->ctx != '`' && q->last && m && (T[m - 1].attr & A_CAFTER) && (T[m - 1].attr & A_CSHORT) &&
            compact(q, &T[0]) && (T[0].len > 1 || (T[m - 1].attr & A_CEMPTY)))
            hit(r, q, 0, m, np ? 65 : 60, "comment");
        return;
    }
    switch (T[a].type) {
    case ';':
        if (!bare && q->last && a + 1 == m && compact(q, &T[0]))
            hit(r, q, 0, m, np ? 55 : 50, "statement end");
        break;
    case '&':
        if (haveP || a == 0)
            check_logic(q, a, haveP, r);
        break;
    case 'E': {
        sql_p_t p = parser_at(q, a);
        sql_x_t x = {0};
        int st;
        if (bare)
            break;
        st = p_stmt(&p, &x, 0);
        if (st == 3 || (st == 2 && compact(q, &T[0])))
            hit(r, q, 0, p.i, st == 3 ? 85 : 65, "statement");
        else if (st == 1 && T[0].len == 1 && T[a].id == K_SELECT && a == 1 && m == 3 && q->last &&
                 T[2].type == 'b')
            hit(r, q, 0, m, 55, "statement");  /* 'select H */
        break;
    }
    case 'k': {
        sql_p_t p = parser_at(q, a);
        sql_x_t x = {0};
        int id = T[a].id, ok = 0;
        if (bare && !(haveP && T[0].type == 'n'))
            break;
        p.i++;
        if (id == K_ORDER || id == K_GROUP) {
            /* ORDER BY 1--: column probing */
            do {
                if (cur_is(&p, ',', -1))
                    p.i++;
                if (!cur_is(&p, 'n', -1) && (bare || !cur_is(&p, 'b', -1)))
                    break;
                p.i++;
                ok = 1;
            } while (cur_is(&p, ',', -1));
            if (cur_is(&p, 'b', -1))
                p.i++;                    /* ASC / DESC */
            if (ok && id == K_GROUP && cur_is(&p, 'k', K_HAVING)) {
                p.i++;                    /* GROUP BY x HAVING 1=1 */
                p_expr(&p, &x, 0, 1);
                ok = x.cmp > 0;
            }
            if (ok && p_clean(&p) && (!bare || p_end(&p) || (T[p.i - 1].attr & A_CAFTER)) &&
                (bare || compact(q, &T[0])))
                hit(r, q, 0, p.i, bare ? 60 : 70, "ORDER/GROUP BY");
        } else if (id == K_HAVING) {
            p_expr(&p, &x, 0, 1);
            if (x.cmp && x.lit)
                hit(r, q, 0, p.i, bare ? 60 : 70, "HAVING");
        } else if (id == K_LIMIT && !bare) {
            if (cur_is(&p, 'n', -1)) {
                p.i++;
                if (cur_is(&p, ',', -1) && p.i + 1 < p.stop && T[p.i + 1].type == 'n')
                    p.i += 2;
                if (p_clean(&p) && (p_end(&p) || (T[p.i - 1].attr & A_CAFTER)))
                    hit(r, q, 0, p.i, 55, "LIMIT");
            }
        }
        break;
    }
    case 'o':
        if (!bare && (T[a].attr & A_SIGN) && T[a].len == 1) {
            /* x' + CHAR(65) + CHAR(66) + ': out of the string and back in */
            sql_p_t p = parser_at(q, a + 1);
            sql_x_t x = {0};
            p_expr(&p, &x, 0, 0);
            if ((x.calls || x.subs || x.time) && p_end(&p) && T[p.i - 1].type == 's')
                hit(r, q, 0, p.i, 60, "concatenation");
            break;
        }
        if (bare && m == 3 && q->last && T[0].type == 's' && (T[0].attr & A_CLOSED) && a == 1 &&
            is_eq(q, &T[1]) && T[2].type == 's' && !(T[2].attr & A_CLOSED) && T[2].len > 1 &&
            q->s[T[2].pos] == q->s[T[0].pos] && compact(q, &T[2]) && T[2].len < 16) {
            hit(r, q, 0, m, 50, "comparison");  /* 'x'!='y */
            break;
        }
        if (bare && haveP && T[0].type == 's' && a == 1 && (T[a].attr & A_CMP)) {
            /* '{"a":2}' < '$.c' = 7: literals compared in a chain */
            sql_p_t p = parser_at(q, 0);
            sql_x_t x = {0};
            p_expr(&p, &x, 0, 0);
            if (x.cmp >= 2 && x.lit >= 3 && p_end(&p) && q->last)
                hit(r, q, 0, p.i, 50, "chained comparison of literals");
            break;
        }
        if (!bare && !compact(q, &T[0]))
            break;
        if (T[a].id == K_COLLATE && a + 1 < m && type_in(T[a + 1].type, "bs") &&
            ((T[a + 1].attr & A_CAFTER) || end_semi(q, a + 2) || (q->last && a + 2 == m))) {
            hit(r, q, 0, a + 2, 55, "COLLATE");  /* user'collate nocase-- */
            break;
        }
        if ((T[a].attr & A_POSTFIX) && ((T[a].attr & A_CAFTER) || end_semi(q, a + 1))) {
            hit(r, q, 0, a + 1, 55, "NOTNULL");  /* ' notnull -- */
            break;
        }
        if (!bare && a + 1 == m && q->last && (T[a].id == K_LIKE || tok_is(q->s, &T[a], "REGEXP") ||
                                                 tok_is(q->s, &T[a], "RLIKE")) &&
            compact(q, &T[0])) {
            hit(r, q, 0, m, 50, "comparison");  /* ` REGEXP : the query supplies the rest */
            break;
        }
        /* x'='x  '=' : comparison right after the closing quote */
        if (!bare && q->ctx != '`' && a + 2 == m && q->last && T[a + 1].type == 's' &&
            (is_eq(q, &T[a]) || T[a].id == K_LIKE) && compact(q, &T[a + 1]) && compact(q, &T[0]) &&
            (T[0].len == 1 || T[a + 1].len > 1))  /* '=' and x'='x, not b'=' */
            hit(r, q, 0, m, 50, "comparison");
        break;
    default:
        break;
    }
}

/* The tokens before k are only punctuation: the value starts with k. */
static int leading(const sql_seq_t *q, size_t k)
{
    if (k > 2)
        return 0;
    for (size_t j = 0; j < k; j++)
        if (!type_in(q->t[j].type, "x),") && !(q->t[j].type == 'o' && !(q->t[j].attr & A_CMP)))
            return 0;
    return 1;
}

/* The statement keyword and the next keyword are in upper case and the
 * value is not all capitals: "CREATE TABLE Persons" is code, "drop table
 * salt" and "DROP TABLE SALT" may be shouting prose. */
static int upper_stmt(const sql_seq_t *q, size_t k)
{
    const sql_tok_t *T = q->t;
    size_t j = k + 1;
    while (j < q->m && T[j].type != 'k')
        j++;
    if (j >= q->m || j > k + 3 || !is_upper_alpha(q->s[T[k].pos]) || !is_upper_alpha(q->s[T[j].pos]) ||
        !upper_word(q, &T[k]) || !upper_word(q, &T[j]))
        return 0;
    for (size_t i = 0; i < q->n; i++)
        if ((unsigned)(q->s[i] - 'a') < 26u)
            return 1;
    return 0;
}

/* A call among words: "Don't sleep(2) if all caches .." */
static int in_prose(const sql_seq_t *q, size_t k)
{
    size_t j = k + 2;
    if (k == 0 || q->t[k - 1].type != 'b')
        return 0;
    while (j < q->m && q->t[j].type != ')')
        j++;
    return j + 1 < q->m && q->t[j + 1].type == 'b';
}

/* A call left open at the end of a short value: "user(", "if(1=",
 * "database (", not "Contact user (admin" or "printf("%s", ". */
static int open_call_at_end(const sql_seq_t *q, size_t k)
{
    int d = 0;
    if (!q->last || k + 1 >= q->m || q->t[k + 1].type != '(' || q->m - k > 8)
        return 0;
    if (k > 0 && type_in(q->t[k - 1].type, "ov"))
        return 0;                         /* $tar->extract( */
    for (size_t j = k + 1; j < q->m; j++)
        if (type_in(q->t[j].type, "bsx") || (q->t[j].attr & A_CAFTER) ||
            ((q->t[k].attr & A_WORD) && j > k + 1 && !type_in(q->t[j].type, "no")))
            return 0;                     /* words: only "if(1=" or "trim(" */
    for (size_t j = k + 1; j < q->m; j++) {
        if (q->t[j].type == '(')
            d++;
        else if (q->t[j].type == ')' && --d == 0)
            return 0;
    }
    return 1;
}

/* Rules anchored on one token, anywhere in the value. */
static void check_anchor(const sql_seq_t *q, size_t k, sql_res_t *r)
{
    const sql_tok_t *T = q->t, *t = &T[k];
    size_t m = q->m;

    if ((t->attr & A_AFTEREXEC) && type_in(t->type, "EUkf&"))
        hit(r, q, k, k + 1, 60, "code in a MySQL executable comment");
    switch (t->type) {
    case 'U': {
        size_t j = k + 1;
        while (j < m && T[j].type == '(')
            j++;
        if (j < m && T[j].type == 'E' && T[j].id == K_SELECT) {
            /* "the union select committee met" keeps going like prose */
            sql_p_t p = parser_at(q, j);
            sql_x_t x = {0};
            int st = p_select(&p, &x, 0), prose = 0;
            const sql_tok_t *e = &T[RP_MAX(p.i, j + 1) - 1];
            if (st <= 1)
                prose = cur_is(&p, 'b', -1) || (k > 0 && T[k - 1].type == 'b') ||
                        (e->type == 's' && !(e->attr & A_CLOSED) && !compact(q, e));
            for (size_t i = j + 1; prose && i < p.i; i++)
                if (type_in(T[i].type, "nvf(") || (T[i].type == 's' && (T[i].attr & A_CLOSED)))
                    prose = 0;                /* UNION SELECT 1,2 junk: literals, not prose */
            hit(r, q, k, RP_MAX(p.i, j + 1), prose ? 40 : 90, "union select");
        }
        break;
    }
    case ';':
        if (k + 1 < m && (T[k + 1].type == 'E' || (T[k + 1].type == 'k' && T[k + 1].id == K_SET))) {
            sql_p_t p = parser_at(q, k + 1);
            sql_x_t x = {0};
            int st = p_stmt(&p, &x, 0), sc = 0, id = T[k + 1].id;
            if (st == 3 || (st == 2 && (id == K_DROP || id == K_TRUNCATE || id == K_DELETE ||
                                        id == K_SHUTDOWN)))
                sc = 90;                  /* ; DROP TABLE users */
            else if (st == 2)
                sc = 75;
            else if ((k == q->pend && (q->ctx || (k > 0 && T[0].type == 'n'))) ||
                     (k == 0 && (T[1].id == K_TRUNCATE || T[1].id == K_SHUTDOWN)))
                sc = 60;                  /* x';select p, 1;select p, ;truncate[xx */
            if (sc)
                hit(r, q, k, p.i, sc, "stacked query");
        }
        break;
    case 'E': {
        sql_p_t p;
        sql_x_t x = {0};
        int st, lead = leading(q, k);
        if (k > 0 && type_in(T[k - 1].type, ";U("))
            break;                       /* their own rules */
        if (q->ctx && k == q->pend)
            break;
        p = parser_at(q, k);
        st = p_stmt(&p, &x, 0);
        if (t->id == K_WAITFOR && st == 3)
            hit(r, q, k, p.i, 85, "waitfor delay");
        else if (st == 3)
            hit(r, q, k, p.i, lead ? 70 : 40, "SQL statement");
        else if (st == 2 && lead && r->key && p.i > k + 2)
            hit(r, q, k, p.i, 60, "SQL statement as a parameter name"); /* ?id=1;drop table users */
        else if (st == 2 && lead)
            hit(r, q, k, p.i, upper_stmt(q, k) ? 50 : 40, "SQL statement");
        if (x.time && st >= 2)
            hit(r, q, k, p.i, 80, "delay in a statement");
        break;
    }
    case 'f':
        if ((t->attr & A_TIME) && k + 1 < m && T[k + 1].type == '(') {
            /* sleep(5), benchmark(1e7,md5(1)), pg_sleep((..)); not "sleep (8 hours)" */
            const sql_tok_t *a = k + 2 < m ? &T[k + 2] : NULL;
            int ok = !a ? q->last : type_in(a->type, "sv(f") || (a->type == 'o' && (a->attr & A_SIGN));
            if (a && a->type == 'n')
                ok = k + 3 >= m || type_in(T[k + 3].type, "),on");

            if (a && a->type == 'b' && is_digit(q->s[a->pos]))
                ok = 1;                   /* sleep(20.to_i) */
            if (a && a->type == 'n' && k + 3 < m && T[k + 3].type == 'n' && !(a->attr & A_CAFTER))
                ok = 0;                   /* benchmark (1.6.0-2): a version */
            if (q->ctx && k == q->pend)
                ok = 1;                   /* x' sleep(5) */
            if (ok)
                hit(r, q, k, k + 3, in_prose(q, k) ? 30 : 80, "delay function");
        } else if ((t->attr & A_DANGER) && k + 2 < m && T[k + 1].type == '(' && T[k + 2].type != ')' &&
                   !(k > 0 && T[k - 1].type == 'o' && T[k - 1].len == 2 && q->s[T[k - 1].pos] == '-')) {
            /* load_file('/etc/passwd'); not $meta->load_file(..), load_extension() */
            hit(r, q, k, k + 2, 75, "file/OS/network function");
        }
        if (k == 0 && !q->ctx && (t->attr & A_INJ) && !(t->attr & A_WORD) && m > 3 &&
            T[1].type == '(') {
            /* the whole value is one call with literal arguments: char(65), div(23,-2) */
            sql_p_t p = parser_at(q, 1);
            sql_x_t x = {0};
            p_group(&p, &x, 0);
            if (p_end(&p) && q->last && T[m - 1].type == ')' && x.words == 0 && x.wcalls == 0 && x.lit)
                hit(r, q, 0, m, 50, "SQL function call");
        }
        if (k == 1 && T[0].type == ',' && !(t->attr & A_WORD) && k + 1 < m && T[k + 1].type == '(') {
            /* , FIND_IN_SET('22', x): a call appended to a list */
            sql_p_t p = parser_at(q, k);
            sql_x_t x = {0};
            p_expr(&p, &x, 0, 0);
            if (x.calls && p_end(&p))
                hit(r, q, 0, p.i, 50, "function call after a leading comma");
        }
        if (open_call_at_end(q, k))
            hit(r, q, k, m, k <= 3 ? 50 : 30, "unfinished SQL function call");
        break;
    case '(':
        if (k + 1 < m && T[k + 1].type == 'E' && T[k + 1].id == K_SELECT) {
            sql_p_t p = parser_at(q, k + 1);
            sql_x_t x = {0};
            int st = p_select(&p, &x, 1), sc = 0;
            if (st == 3)
                sc = 75;
            else if (st == 2)
                sc = 55;
            else if (st == 1 && k > 0 && (type_in(T[k - 1].type, "&,") || (T[k - 1].attr & A_CMP)))
                sc = 50;
            if (sc)
                hit(r, q, k, p.i, sc, "subquery");
        }
        break;
    case 'k':
        if (t->id == K_INTO && k + 1 < m && (T[k + 1].id == K_OUTFILE || T[k + 1].id == K_DUMPFILE))
            hit(r, q, k, k + 2, 90, "into outfile");
        else if (t->id == K_PROCEDURE && k + 1 < m && tok_is(q->s, &T[k + 1], "ANALYSE"))
            hit(r, q, k, k + 2, 60, "procedure analyse");
        else if (t->id == K_CASE && leading(q, k)) {
            size_t j = k + 1, e = RP_MIN(m, k + 16);
            int when = 0;
            for (; j < e; j++) {
                if (T[j].id == K_WHEN && j == k + 1)
                    when = 1;
                if (T[j].id == K_THEN && when) {
                    hit(r, q, k, j + 1, 50, "CASE WHEN");
                    break;
                }
            }
        } else if (t->id == K_VALUES && leading(q, k) && k + 1 < m && T[k + 1].type == '(') {
            /* VALUES ('192.168.0.1', 'test') */
            sql_p_t p = parser_at(q, k + 1);
            sql_x_t x = {0};
            p_operand(&p, &x, 0);
            if (p.i > k + 3 && p.t[p.i - 1].type == ')' && x.words == 0 && x.wcalls == 0 && p_end(&p))
                hit(r, q, k, p.i, 55, "VALUES list");
        } else if (t->id == K_AS && k > 0 && k + 2 < m && T[k + 2].type == 'k' && T[k + 2].id == K_FROM &&
                   (T[k + 1].type == 's' || (T[k + 1].attr & A_QUOTED)) &&
                   (type_in(T[k - 1].type, "n)") || (T[k - 1].attr & A_QUOTED) ||
                    (k == 1 && q->ctx == '`'))) {
            /* 1234 AS "foobar" FROM, `x` AS `y` from; not: known as "X" from */
            hit(r, q, k, k + 3, 60, "quoted alias then FROM");
        } else if (t->id == K_AS && k == 1 && T[0].type == ')' && k + 2 < m && T[k + 1].type == 'b' &&
                   T[k + 2].type == 'k' && T[k + 2].id == K_FROM) {
            /* ) AS alias FROM: out of a call in the select list */
            hit(r, q, 0, k + 3, 55, "alias then FROM");
        }
        break;
    case 'n':
        if ((t->attr & A_ODDEXP) && k + 1 < m && T[k + 1].type == '(')
            hit(r, q, k, k + 2, 60, "MySQL 1.e( obfuscation");
        else if ((t->attr & A_ODDEXP) && k + 2 < m && (T[k + 1].attr & A_DOT) && T[k + 2].type == 'b' &&
                 T[k + 2].len >= 3)
            hit(r, q, k, k + 3, 50, "MySQL 1.e. obfuscation");
        break;
    case 'o':
        if ((t->attr & A_CAST) && k > 0 && k + 1 < m && T[k + 1].type == 't' &&
            T[k + 1].pos == t->pos + t->len) {
            /* '..'::jsonb, (..)::int, password::int; not "code-block:: text", Foo::Text */
            char pv = T[k - 1].type;
            if (type_in(pv, "sn)"))
                hit(r, q, k - 1, k + 2, 60, "::cast");
            else if (pv == 'b' && k == 1 && T[k - 1].pos + T[k - 1].len == t->pos && lower_word(q, &T[k + 1]) &&
                     !tok_is(q->s, &T[k + 1], "JSON") && !tok_is(q->s, &T[k + 1], "CHAR") &&
                     (k + 2 == m || type_in(T[k + 2].type, "&;") || (T[k + 2].attr & A_CMP) ||
                      (T[k + 1].attr & A_CAFTER)))
                hit(r, q, k - 1, k + 2, 50, "::cast"); /* password::int, not std::char - Rust */
        }
        break;
    case 'b':
        if ((t->attr & A_SCHEMA) && !(t->attr & A_WORD)) {
            int sc = m == 1 && q->last ? 50 : 40;
            if (k > 0 && T[k - 1].type == 'k' && T[k - 1].id == K_FROM)
                sc = 70;
            hit(r, q, k, k + 1, sc, "system catalog");
        } else if ((t->attr & A_DANGER) && m <= 2) {
            hit(r, q, k, k + 1, 50, "dangerous procedure");
        }
        break;
    default:
        break;
    }
}

/* Runs the rules over one context, chunk by chunk. */
static void run_ctx(const unsigned char *s, size_t n, char ctx, int bs, sql_res_t *r)
{
    sql_tok_t raw[SQL_CHUNK], sig[SQL_CHUNK];
    sql_lex_t lx = {s, n, 0, 0, bs};
    size_t total = 0;
    int first = 1;

    for (;;) {
        size_t nraw = lex_run(&lx, first ? ctx : 0, raw, SQL_CHUNK), limit;
        sql_seq_t q = {s, n, sig, 0, 0, ctx, SIZE_MAX};
        if (nraw == 0)
            break;
        if (first && ctx && !(raw[0].attr & A_CLOSED))
            return;                       /* the value never leaves the string */
        q.m = fold(s, raw, nraw, sig);
        q.last = nraw < SQL_CHUNK || lx.i >= n;
        limit = q.last ? q.m : (q.m > SQL_OVERLAP ? q.m - SQL_OVERLAP : 0);
        if (first) {
            size_t a = ctx || (q.m && type_in(sig[0].type, "nbvs")) ? 1 : 0;
            while (a < q.m && sig[a].type == ')')
                a++;
            q.pend = a;
            if (q.m)
                check_prefix(&q, r);
        }
        for (size_t k = 0; k < limit; k++)
            check_anchor(&q, k, r);
        total += limit ? limit : nraw;
        if (q.last || total >= SQL_MAX_TOKENS || r->score >= 90)
            break;
        if (limit > 0) {
            lx.i = sig[limit].pos;
            lx.in_exec = (sig[limit].attr & A_INEXEC) != 0;
        }
        first = 0;
    }
}

/* ---------------------------------------------------------------------- */
/* Precheck: values that cannot give a finding, told without lexing.       */

/*
 * Every finding comes from check_prefix, check_logic or check_anchor, and
 * each of their rules needs, among the bare context's tokens, at least one
 * of:
 *   - a keyword token (E U k f & from AND/OR/XOR, an 'o' with a keyword id,
 *     a first byte that is a letter or A_POSTFIX, a 'b' with A_SCHEMA or
 *     A_DANGER or a keyword id, a 't' after ::, a 'v' from CURRENT_USER);
 *   - a string 's' (needs ' or " or $; N'..' X'..' _'..' need ') or a
 *     `quoted` name with a schema's attributes (needs `);
 *   - '&' from && or ||;
 *   - a number with A_ODDEXP (1.e: a word "e" alone).
 * The other tokens (plain words and numbers, ( ) , ; @vars, operators
 * without a keyword, comments, 'x') anchor no rule: with only those, the
 * bare context finds nothing, and the quote contexts do not run (the
 * value has no quote). Comments hide bytes but never make a keyword.
 *
 * The precheck reads the value as runs of [A-Za-z0-9_] and asks whether
 * any run could become such a token, conservatively: a run equal to a
 * keyword (or to the head of a dotted one: SYS.TABLES) in any case, a
 * number run ending in a word that lex_number splits off (1union), the
 * word "e"; or a byte ' " ` $, a doubled & or |, or the opener of a MySQL
 * executable comment (its version digits are taken from the run that
 * follows: the rest of it is lexed on its own, 50000select). Splitting at
 * '.', '@' and non-ASCII bytes only makes more runs than the lexer's
 * words: a lexer word is a keyword only when its runs are (classify_word:
 * the whole name, its first part, its last part; '@' and non-ASCII bytes
 * make it a plain bareword). Every other token starts and ends at a run's
 * edges or inside punctuation, or swallows bytes (comments) without
 * making a keyword of them.
 */

/* The precheck's byte classes (1 = PC_RUN: [A-Za-z0-9_]). */
enum { PC_RUN = 1, PC_STOP = 2, PC_TWICE = 4, PC_SLASH = 8 };
static const unsigned char pre_class[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1,
    ['9'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
    ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1,
    ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
    ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1, ['_'] = 1,
    ['\''] = PC_STOP, ['"'] = PC_STOP, ['`'] = PC_STOP, ['$'] = PC_STOP,
    ['&'] = PC_TWICE, ['|'] = PC_TWICE, ['/'] = PC_SLASH,
};

/* The run s[st..e) (of [A-Za-z0-9_]) may become a token that a rule needs. */
static int run_may_matter(const unsigned char *s, size_t n, size_t st, size_t e)
{
    size_t len = e - st;

    if (len == 1)
        return (s[st] | 0x20) == 'e';     /* 1.e */
    if (is_digit(s[st])) {
        /* 1union: lex_number splits off a word at its end (letters only) */
        size_t l = 0;
        while (l < 7 && l + 1 < len && (unsigned)((s[e - 1 - l] | 0x20) - 'a') < 26u)
            l++;                          /* the letters at its end, up to 7 */
        for (; l >= 2; l--)
            if (split_after_number(s, e - l, e))
                return 1;
        return 0;
    }
    return kw_find((const char *)s + st, len) != NULL ||
           (e < n && s[e] == '.' && kw_dotted_head(s + st, len));
}

/* 1 when no context of the value can give a finding (see above). */
static int sql_inert(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned k = pre_class[s[i]];
        size_t st = i;
        if (k == 0) {
            i++;
        } else if (k == PC_RUN) {
            while (++i < n && pre_class[s[i]] == PC_RUN)
                ;
            if (run_may_matter(s, n, st, i))
                return 0;
        } else if (k == PC_TWICE) {
            if (i + 1 < n && s[i + 1] == s[i])
                return 0;                 /* && || */
            i++;
        } else if (k == PC_SLASH) {
            if (i + 2 < n && s[i + 1] == '*' && s[i + 2] == '!')
                return 0;                 /* slash-star-!: eats a run's digits */
            i++;
        } else {
            return 0;                     /* ' " ` $ */
        }
    }
    return 1;
}

/* An odd number of backticks: one of them closes a MySQL identifier the
 * query opened (pairs are more likely markdown code spans). */
static int odd_backticks(const unsigned char *s, size_t n)
{
    size_t c = 0;
    for (const unsigned char *p = s, *e = s + n; (p = memchr(p, '`', (size_t)(e - p))) != NULL; p++)
        c++;
    return c & 1;
}

/* A backslash right before quote q somewhere in s. */
static int escaped_quote(const unsigned char *s, size_t n, unsigned char q)
{
    for (const unsigned char *p = s, *e = s + n; (p = memchr(p, '\\', (size_t)(e - p))) != NULL; p++)
        if (p + 1 < e && p[1] == q)
            return 1;
    return 0;
}

int rp__waf_sqli(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m)
{
    sql_res_t r;
    const unsigned char *u = (const unsigned char *)s;

    m->score = 0;
    m->off = m->len = 0;
    m->evidence[0] = '\0';
    /* JSON numbers and booleans cannot carry SQL; one byte cannot either. */
    if (!s || n < 2 || (pt_flags & RP_WAF_PT_NUMBER))
        return 0;
    if (n > UINT32_MAX)
        n = UINT32_MAX;
    if (sql_inert(u, n))
        return 0;                         /* most values: words and numbers, no SQL */
    memset(&r, 0, sizeof(r));
    r.key = (pt_flags & RP_WAF_PT_KEY) != 0;
    run_ctx(u, n, 0, 0, &r);
    if (r.score < 90 && memchr(s, '\'', n)) {
        run_ctx(u, n, '\'', 0, &r);
        if (r.score < 90 && escaped_quote(u, n, '\''))
            run_ctx(u, n, '\'', 1, &r);
    }
    if (r.score < 90 && memchr(s, '"', n)) {
        run_ctx(u, n, '"', 0, &r);
        if (r.score < 90 && escaped_quote(u, n, '"'))
            run_ctx(u, n, '"', 1, &r);
    }
    if (r.score < 90 && odd_backticks(u, n))
        run_ctx(u, n, '`', 0, &r);
    if (r.score == 0)
        return 0;
    m->score = r.score > 100 ? 100 : r.score;
    m->off = r.off;
    m->len = r.off + r.len <= n ? r.len : n - r.off;
    if (r.ctx)
        snprintf(m->evidence, sizeof(m->evidence), "sqli: %s after closing %c (fingerprint %s)",
                 r.what, r.ctx, r.fp);
    else
        snprintf(m->evidence, sizeof(m->evidence), "sqli: %s (fingerprint %s)", r.what, r.fp);
    return m->score;
}

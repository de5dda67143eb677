/*
 * Mail detector: SMTP, IMAP and POP3 commands and mail headers after a
 * CR/LF; multi-line prose passes.
 */
#include "test.h"

#include "waf/waf_int.h"

#define DETECT rp__waf_mail
#define PREFIX "mail"
#include "waf/detector_test.h"

static const tcase_t attacks[] = {
    /* SMTP */
    { "\r\nMAIL FROM:<a@b.com>", 90, "SMTP" },
    { "x\r\nRCPT TO:<Postmaster>", 90, NULL },
    { "\nrcpt to:<victim@example.com>", 90, NULL },
    { "\r\nEHLO test.com", 85, NULL },
    { "\r\nVRFY root", 75, NULL },
    { "\r\nEXPN staff", 75, NULL },
    { "a@b.c\r\nDATA\r\nSubject: hi\r\n\r\nspam\r\n.\r\nQUIT", 90, "DATA" },
    { "\r\nDATA", 55, NULL },
    { "\r\nQUIT", 55, NULL },
    /* IMAP */
    { "INBOX\r\na001 LOGIN admin secret", 85, "IMAP" },
    { "\r\nA1 SELECT INBOX", 85, NULL },
    { "\r\nx CAPABILITY", 70, NULL },
    { "\r\na001 EXAMINE INBOX", 85, NULL },
    { "\r\na002 copy 2:4 MEETING\n", 85, NULL },
    { "\r\nA1 list \"INBOX/\" \"*\"\n", 85, NULL },
    { "\r\nd store 2 +FLAGS (\\Deleted)\n", 75, NULL },
    { "\r\na001 uid store 231:233\r\n", 85, NULL },
    { "\r\na001 STATUS INBOX (MESSAGES)\n", 85, NULL },
    { "\r\nA003 APPEND saved-messages (\\Seen) {310}", 85, NULL },
    { "\r\na001 authenticate PLAIN", 85, NULL },
    { "\r\nA282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"", 85, NULL },
    { "\r\na1 FETCH 1:* (FLAGS)", 85, NULL },
    { "\r\nA1 LOGOUT", 85, NULL },
    /* POP3 */
    { "\r\nRETR 123", 80, "POP3" },
    { "\r\nDELE 1", 80, NULL },
    { "\r\nlist 3", 60, NULL },
    { "\r\nTOP 1 2", 75, NULL },
    { "\r\nAPOP corerulest 7d0a3bd8e5b2abcfb3e256633c23b891", 90, NULL },
    { "\r\nUSER admin", 70, NULL },
    { "\r\nAUTH corerulest dGhpc2lzIWF0ZXN0cGFzc3dvcmQ=", 70, NULL },
    /* mail headers */
    { "victim@x.com\r\nBcc: a@b.c", 90, "header" },
    { "victim@x.com\nCc: attacker@evil.example", 90, NULL },
    { "victim@x.com\r\nSubject: free money", 75, NULL },
    { "\r\nTo: a@b.c", 90, NULL },
    { "Joe <joe@x.com>\r\nBcc: spam@list.example", 90, NULL },
};

static const char *const benign[] = {
    "We received this mail from Mars",
    "Hello! We finally received this mail from:<test@coreruleset.org>, which means that we can do this finally.\n",
    "Hello! This text introduces a typo when saying \"hello\" so we say ehlo: coreruleset.org to all!\n",
    "S: 220 foo.com Simple Mail Transfer Service Ready\nC: EHLO bar.com\nS: 250-foo.com greets bar.com\nC: MAIL FROM:<Smith@bar.com>\n",
    "Hello! World.\ndata not found.\n",
    "Hey please do not quit\n",
    "Hello! This text needs help now\n",
    "I wanted to append something (annoying) {closed}",
    "Just to remind you that I need to copy those documents\n",
    "We need the list \"ASAP\"\n",
    "\nLet's go to the store (sale time!)\n",
    "In all search keys that use strings, a message matches the key.\n",
    "This text is a way of list 3 things\n",
    "Hey, sent me those auth codes please!\n",
    "Look, apop star!\n",
    "Don't quit",
    "\nSeriously, noop",
    "Results:\r\nData shows a 5% increase\r\nQuit smoking now",
    "Dear team,\r\nTo: all staff\r\nSubject: picnic on Friday\r\nThanks",
    "Shopping list:\r\n- milk\r\n- a list of things\r\nI list them all",
    "Line one\r\nData\r\nLine three",
    "Notes\r\nUser manual is attached\r\nPass the salt",
    "Hi\r\nHelp me please\r\nThanks",
    "Steps:\r\n1 select the file\r\n2 copy it\r\n3 store it safely",
    "Address:\r\n10 Downing Street\r\nLondon",
    "Top 10 list\r\ntop picks for you",
    "ok\r\n.\r\n",
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

TEST(first_line_is_not_a_command)
{
    CHECK(score("MAIL FROM:<a@b.com>") == 0);
    CHECK(score("a001 LOGIN admin secret") == 0);
    CHECK(score("RETR 1") == 0);
}

TEST(span_and_flags)
{
    rp__waf_match_t m;
    const char *s = "x\r\nRCPT TO:<a@b.c>\r\n";
    CHECK(det(s, strlen(s), RP_WAF_SRC_QUERY, 0, &m) >= 90);
    CHECK(m.off == 3 && m.len == 15);
    CHECK(det(s, strlen(s), RP_WAF_SRC_BODY, RP_WAF_PT_NUMBER, &m) == 0);
    CHECK(det(NULL, 0, RP_WAF_SRC_BODY, 0, &m) == 0);
}

TEST(pathological)
{
    run_pathological("\r\n");
    run_pathological("\na001 LIST ");
    run_pathological("\r\n.");
    run_pathological("x@y.z\nBcc: ");
    run_pathological("\nMAIL FROM:");
}

int main(void)
{
    RUN(attacks);
    RUN(benign);
    RUN(first_line_is_not_a_command);
    RUN(span_and_flags);
    RUN(pathological);
    TEST_MAIN_END();
}

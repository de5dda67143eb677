/*
 * disc_store.c - the discovery inventory in SQLite.
 *
 * One database file in WAL mode (readers do not block the writer), a
 * busy timeout so a second process waits instead of failing, prepared
 * statements, one transaction per save.
 *
 * Tables (schema version in meta):
 *   applications(app, domain, stage, requests, state)
 *   endpoints(app, method, path, requests, first_ms, last_ms, sensitive)
 *   parameters(app, method, path, params)      params: JSON text
 *   schemas(app, method, path, schemas)        schemas: JSON text
 *   counters(app, method, path, state)         state: the endpoint's blob
 *                                              (histograms, sketch, types,
 *                                              schemas: rp_disc_record_t)
 * parameters and schemas are readable copies for people and SQL; loading
 * reads applications and counters (the blobs are authoritative).
 *
 * Save replaces, for each application d holds, all of that application's
 * rows with d's (d loaded them at start, so it holds the union; folding
 * /users/alice into /users/{userId} must not leave the literal row
 * behind), and keeps other applications' rows. Load merges every row
 * into d: counts add up, first/last seen widen, types and schemas merge.
 *
 * A file that is not a database, a schema of another version, a full or
 * read-only disk: errors (message in err / RP_EIO), never a crash. A row
 * whose blob does not decode is skipped and makes load return RP_EINVAL
 * after the good rows are in.
 */
#include "rampart/discovery.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#define STORE_SCHEMA_VERSION "1"

struct rp_disc_store {
    sqlite3 *db;
    sqlite3_stmt *ins_app, *ins_ep, *ins_par, *ins_sch, *ins_cnt;
    sqlite3_stmt *del[5];
};

static const char *const schema_sql =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS applications(app TEXT PRIMARY KEY, domain TEXT NOT NULL,"
    " stage TEXT NOT NULL, requests INTEGER NOT NULL, state BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS endpoints(app TEXT NOT NULL, method TEXT NOT NULL,"
    " path TEXT NOT NULL, requests INTEGER NOT NULL, first_ms INTEGER NOT NULL,"
    " last_ms INTEGER NOT NULL, sensitive INTEGER NOT NULL, PRIMARY KEY(app, method, path));"
    "CREATE TABLE IF NOT EXISTS parameters(app TEXT NOT NULL, method TEXT NOT NULL,"
    " path TEXT NOT NULL, params TEXT NOT NULL, PRIMARY KEY(app, method, path));"
    "CREATE TABLE IF NOT EXISTS schemas(app TEXT NOT NULL, method TEXT NOT NULL,"
    " path TEXT NOT NULL, schemas TEXT NOT NULL, PRIMARY KEY(app, method, path));"
    "CREATE TABLE IF NOT EXISTS counters(app TEXT NOT NULL, method TEXT NOT NULL,"
    " path TEXT NOT NULL, state BLOB NOT NULL, PRIMARY KEY(app, method, path));"
    "INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', '" STORE_SCHEMA_VERSION "');";

static void set_err(char *err, size_t errlen, const char *what, sqlite3 *db)
{
    if (err && errlen)
        snprintf(err, errlen, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
}

static int prep(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
    return sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK ? 0 : -1;
}

void rp_disc_store_close(rp_disc_store_t *s)
{
    if (!s)
        return;
    sqlite3_finalize(s->ins_app);
    sqlite3_finalize(s->ins_ep);
    sqlite3_finalize(s->ins_par);
    sqlite3_finalize(s->ins_sch);
    sqlite3_finalize(s->ins_cnt);
    for (size_t i = 0; i < RP_ARRAY_SIZE(s->del); i++)
        sqlite3_finalize(s->del[i]);
    sqlite3_close(s->db);
    free(s);
}

rp_disc_store_t *rp_disc_store_open(const char *path, char *err, size_t errlen)
{
    rp_disc_store_t *s = calloc(1, sizeof(*s));
    if (!s) {
        set_err(err, errlen, "open", NULL);
        return NULL;
    }
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        set_err(err, errlen, "open", s->db);
        rp_disc_store_close(s);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, 5000);
    char *msg = NULL;
    /* journal_mode returns a row: exec ignores it; the check below reads it */
    if (sqlite3_exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", NULL, NULL,
                     &msg) != SQLITE_OK ||
        sqlite3_exec(s->db, schema_sql, NULL, NULL, &msg) != SQLITE_OK) {
        if (err && errlen)
            snprintf(err, errlen, "open %s: %s", path, msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        rp_disc_store_close(s);
        return NULL;
    }
    sqlite3_stmt *v = NULL;
    int ok = 0;
    if (prep(s->db, "SELECT value FROM meta WHERE key='schema_version'", &v) == 0 &&
        sqlite3_step(v) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(v, 0);
        ok = t && strcmp((const char *)t, STORE_SCHEMA_VERSION) == 0;
    }
    sqlite3_finalize(v);
    if (!ok) {
        if (err && errlen)
            snprintf(err, errlen, "open %s: not a Rampart discovery store of schema version %s",
                     path, STORE_SCHEMA_VERSION);
        rp_disc_store_close(s);
        return NULL;
    }
    static const char *const dels[5] = {
        "DELETE FROM applications WHERE app=?1", "DELETE FROM endpoints WHERE app=?1",
        "DELETE FROM parameters WHERE app=?1",   "DELETE FROM schemas WHERE app=?1",
        "DELETE FROM counters WHERE app=?1",
    };
    int bad = prep(s->db,
                   "INSERT INTO applications(app,domain,stage,requests,state) VALUES(?1,?2,?3,?4,?5)",
                   &s->ins_app) ||
              prep(s->db,
                   "INSERT INTO endpoints(app,method,path,requests,first_ms,last_ms,sensitive)"
                   " VALUES(?1,?2,?3,?4,?5,?6,?7)",
                   &s->ins_ep) ||
              prep(s->db, "INSERT INTO parameters(app,method,path,params) VALUES(?1,?2,?3,?4)",
                   &s->ins_par) ||
              prep(s->db, "INSERT INTO schemas(app,method,path,schemas) VALUES(?1,?2,?3,?4)",
                   &s->ins_sch) ||
              prep(s->db, "INSERT INTO counters(app,method,path,state) VALUES(?1,?2,?3,?4)",
                   &s->ins_cnt);
    for (size_t i = 0; i < 5 && !bad; i++)
        bad = prep(s->db, dels[i], &s->del[i]);
    if (bad) {
        set_err(err, errlen, "prepare", s->db);
        rp_disc_store_close(s);
        return NULL;
    }
    return s;
}

static int step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : RP_EIO;
}

static void bind_s(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_STATIC);
}

static void bind_slice(sqlite3_stmt *st, int i, rp_str_t s)
{
    sqlite3_bind_text(st, i, s.p ? s.p : "", (int)s.n, SQLITE_STATIC);
}

static int save_cb(void *ud, const rp_disc_record_t *r)
{
    rp_disc_store_t *s = ud;
    if (r->state.n > INT32_MAX || r->params_json.n > INT32_MAX || r->schemas_json.n > INT32_MAX)
        return RP_ETOOBIG;
    if (!r->method) {
        for (size_t i = 0; i < 5; i++) {
            bind_s(s->del[i], 1, r->app);
            if (step_done(s->del[i]))
                return RP_EIO;
        }
        bind_s(s->ins_app, 1, r->app);
        bind_s(s->ins_app, 2, r->domain);
        bind_s(s->ins_app, 3, r->stage);
        sqlite3_bind_int64(s->ins_app, 4, (sqlite3_int64)r->requests);
        sqlite3_bind_blob(s->ins_app, 5, r->state.p, (int)r->state.n, SQLITE_STATIC);
        return step_done(s->ins_app);
    }
    bind_s(s->ins_ep, 1, r->app);
    bind_s(s->ins_ep, 2, r->method);
    bind_s(s->ins_ep, 3, r->path);
    sqlite3_bind_int64(s->ins_ep, 4, (sqlite3_int64)r->requests);
    sqlite3_bind_int64(s->ins_ep, 5, r->first_ms);
    sqlite3_bind_int64(s->ins_ep, 6, r->last_ms);
    sqlite3_bind_int64(s->ins_ep, 7, r->sensitive);
    if (step_done(s->ins_ep))
        return RP_EIO;
    sqlite3_stmt *tx[2] = { s->ins_par, s->ins_sch };
    rp_str_t js[2] = { r->params_json, r->schemas_json };
    for (int k = 0; k < 2; k++) {
        bind_s(tx[k], 1, r->app);
        bind_s(tx[k], 2, r->method);
        bind_s(tx[k], 3, r->path);
        bind_slice(tx[k], 4, js[k]);
        if (step_done(tx[k]))
            return RP_EIO;
    }
    bind_s(s->ins_cnt, 1, r->app);
    bind_s(s->ins_cnt, 2, r->method);
    bind_s(s->ins_cnt, 3, r->path);
    sqlite3_bind_blob(s->ins_cnt, 4, r->state.p, (int)r->state.n, SQLITE_STATIC);
    return step_done(s->ins_cnt);
}

int rp_disc_store_save(rp_disc_store_t *s, const rp_disc_t *d)
{
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return RP_EIO;
    int rc = rp_disc_each_record(d, save_cb, s);
    if (rc == 0 && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc ? rc : RP_EIO;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

int rp_disc_store_load(rp_disc_store_t *s, rp_disc_t *d)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, bad = 0;
    if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return RP_EIO;
    /* applications first (domain, stage, auth names), then endpoints */
    if (prep(s->db, "SELECT app, domain, stage, state FROM applications ORDER BY app", &st)) {
        rc = RP_EIO;
        goto out;
    }
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        rp_disc_record_t r;
        memset(&r, 0, sizeof(r));
        r.app = col_text(st, 0);
        r.domain = col_text(st, 1);
        r.stage = col_text(st, 2);
        const void *b = sqlite3_column_blob(st, 3);
        r.state = rp_str(b, (size_t)sqlite3_column_bytes(st, 3));
        int x = rp_disc_add_record(d, &r);
        if (x == RP_ENOMEM) {
            rc = x;
            goto out;
        }
        bad |= x != 0;
    }
    if (step != SQLITE_DONE) {
        rc = RP_EIO;
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (prep(s->db,
             "SELECT c.app, c.method, c.path, c.state, a.domain, a.stage FROM counters c"
             " LEFT JOIN applications a ON a.app = c.app ORDER BY c.app, c.path, c.method",
             &st)) {
        rc = RP_EIO;
        goto out;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        rp_disc_record_t r;
        memset(&r, 0, sizeof(r));
        r.app = col_text(st, 0);
        r.method = col_text(st, 1);
        r.path = col_text(st, 2);
        const void *b = sqlite3_column_blob(st, 3);
        r.state = rp_str(b, (size_t)sqlite3_column_bytes(st, 3));
        r.domain = col_text(st, 4);
        r.stage = col_text(st, 5);
        int x = rp_disc_add_record(d, &r);
        if (x == RP_ENOMEM) {
            rc = x;
            goto out;
        }
        bad |= x != 0;
    }
    if (step != SQLITE_DONE)
        rc = RP_EIO;
out:
    sqlite3_finalize(st);
    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    if (!rc && bad)
        rc = RP_EINVAL;
    return rc;
}

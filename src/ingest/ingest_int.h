/*
 * ingest_int.h - internals shared by the files of src/ingest/.
 */
#ifndef RAMPART_INGEST_INT_H
#define RAMPART_INGEST_INT_H

#include "rampart/ingest.h"
#include "rampart/json.h"

/* Counts a skipped record and remembers the first few reasons. Returns
 * reason + 1 (the convention of the rp_ingest_* functions). */
int rp__ingest_fail(rp_ingest_t *in, rp_ingest_reason_t r, size_t pos);

/* Maps an rp_json_parse error to a reason (a syntax error at the very end
 * of the input is a truncation). */
rp_ingest_reason_t rp__ingest_json_reason(int rc, size_t err_pos, size_t n);

/* The first key of a JSON object in p (empty when p is no object or the
 * key has escapes). */
rp_str_t rp__ingest_first_key(const char *p, size_t n);

/* Dispatches decoded bytes (a Firehose record, a whole file) by sniffing:
 * gzip magic -> gunzip and sniff again (layers bounded), a CloudWatch event
 * or envelope -> rp__ingest_envelope, else access-log records. */
int rp__ingest_sniff(rp_ingest_t *in, const char *p, size_t n);

/* A plain CloudWatch envelope (JSON). */
int rp__ingest_envelope(rp_ingest_t *in, const char *p, size_t n);

/* An access-log record with a time to use when it carries none (CloudWatch
 * logEvents[].timestamp), < 0 for none. */
int rp__ingest_record(rp_ingest_t *in, const char *p, size_t n, int64_t fallback_ms);

#define RP_INGEST_MAX_LAYERS 3

#endif /* RAMPART_INGEST_INT_H */

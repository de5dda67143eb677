/* Locally generated responses: errors as small JSON documents. */
#include "proxy_int.h"

const char *rp__status_reason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 417: return "Expectation Failed";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return status < 200 ? "Informational" : status < 300 ? "OK" : status < 400 ? "Redirect"
                    : status < 500 ? "Client Error" : "Server Error";
    }
}

static const char *status_slug(int status)
{
    switch (status) {
    case 400: return "bad request";
    case 404: return "not found";
    case 408: return "request timeout";
    case 413: return "request body too large";
    case 414: return "request line too long";
    case 431: return "request headers too large";
    case 501: return "not implemented";
    case 502: return "bad gateway";
    case 503: return "service unavailable";
    case 504: return "gateway timeout";
    case 505: return "http version not supported";
    default: return rp__status_reason(status);
    }
}

int rp__respond_error(rp_buf_t *out, int status, const char *detail, const char *reqid, int close)
{
    rp_buf_t body;
    rp_buf_init(&body);
    int rc = rp_buf_printf(&body, "{\"error\":\"%s\"", status_slug(status));
    if (detail && *detail) {
        rc |= rp_buf_append_cstr(&body, ",\"detail\":\"");
        rc |= rp_buf_append_json_str(&body, detail, strlen(detail));
        rc |= rp_buf_append_cstr(&body, "\"");
    }
    if (reqid && *reqid)
        rc |= rp_buf_printf(&body, ",\"request_id\":\"%s\"", reqid);
    rc |= rp_buf_append_cstr(&body, "}\n");
    rc |= rp_buf_printf(out,
                        "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
                        "Content-Length: %zu\r\nCache-Control: no-store\r\n",
                        status, rp__status_reason(status), body.len);
    if (reqid && *reqid)
        rc |= rp_buf_printf(out, "X-Request-Id: %s\r\n", reqid);
    if (close)
        rc |= rp_buf_append_cstr(out, "Connection: close\r\n");
    rc |= rp_buf_append_cstr(out, "\r\n");
    rc |= rp_buf_append(out, body.p, body.len);
    rp_buf_dispose(&body);
    return rc ? RP_ENOMEM : 0;
}

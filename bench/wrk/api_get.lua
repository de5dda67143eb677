-- wrk script: a realistic API GET, as a browser-based single-page app sends it.
--   wrk -s bench/wrk/api_get.lua URL
-- Path with three query parameters, browser-like headers, a bearer token
-- (JWT) and cookies (waf_lib.lua's set): 842 bytes of request head. The URL's
-- path is ignored; Host is api.bench.test (see waf_lib.lua). No request()
-- function is defined, so wrk keeps its fast static-request path.

local lib = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "waf_lib.lua")

wrk.method = "GET"
wrk.path = "/api/v1/products?category=books&sort=price_asc&page=3"
wrk.headers = lib.headers()

-- wrk script: POST a realistic JSON order of an exact size, WAF-benign.
--   wrk -s bench/wrk/waf_post_json.lua URL -- BYTES      (default 1024)
-- Like post_json.lua (an order with customer, line items, metadata), built by
-- waf_lib.lua so that OWASP CRS PL1 scores it 0 and a 64 KiB order stays under
-- ModSecurity's 1,000-argument limit (~700 JSON values). Browser-like headers
-- as the other waf_*.lua scripts. Fixed seed: identical bytes on every run.
-- No request() function is defined, so wrk keeps its fast static path.

local lib = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "waf_lib.lua")

function init(args)
  math.randomseed(42)
  wrk.method = "POST"
  wrk.body = lib.order_json(tonumber(args[1]) or 1024)
  wrk.headers = lib.headers("application/json")
end

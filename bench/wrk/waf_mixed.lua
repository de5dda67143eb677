-- wrk script: mixed API traffic for a WAF, 95% benign and 5% attacks.
--   wrk -s bench/wrk/waf_mixed.lua URL
-- A fixed cycle of 100 requests, built once per thread (identical bytes on
-- every run), with waf_lib.lua's browser headers, bearer token and cookies:
--   95 benign: GETs with query strings (70), 1 KiB JSON order POSTs (19),
--     small JSON POSTs (profile update, analytics events) and form logins (6);
--   5 attacks, one every 20 requests: SQLi in the query, XSS in the query,
--     SQLi in a JSON body, XSS in a JSON body, SQLi in a form body.
-- Only GET and POST: CRS's default tx.allowed_methods blocks PUT/PATCH/DELETE.
-- A blocking WAF should answer exactly the attacks with 403, i.e. 5% non-2xx.
-- Each wrk thread walks the cycle in order; the URL's path is ignored; Host
-- is api.bench.test (see waf_lib.lua). waf_mixed_check.lua sends the
-- cycle once and records each request's status (waf.sh's preflight).

local lib = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "waf_lib.lua")
local M = {}

local CATEGORIES = { "books", "music", "garden", "toys", "kitchen", "sports", "office" }
local SORTS = { "price_asc", "price_desc", "newest", "rating", "relevance" }
local SEARCHES = { "wireless+headphones", "garden+hose+25m", "espresso+machine",
                   "running+shoes+size+42", "usb-c+charger", "kids+bike+helmet" }

-- benign request number i (1..95): method, path, content type, body
local function benign(i)
  local kind, w = i % 10, lib.word
  if kind == 0 or kind == 3 or kind == 6 then
    return "GET", string.format("/api/v1/products?category=%s&sort=%s&page=%d&limit=%d",
      CATEGORIES[i % #CATEGORIES + 1], SORTS[i % #SORTS + 1], i % 9 + 1, 20 + i % 3 * 15)
  elseif kind == 1 then
    return "GET", string.format("/api/v1/products/%d?fields=name,price,stock&currency=EUR", 10000 + i * 37)
  elseif kind == 2 or kind == 8 then
    return "GET", string.format("/api/v1/users/%d/orders?status=shipped&page=%d&limit=20", 48000 + i, i % 4 + 1)
  elseif kind == 4 then
    return "GET", string.format("/api/v1/search?q=%s&page=%d&lang=en", SEARCHES[i % #SEARCHES + 1], i % 5 + 1)
  elseif kind == 5 or kind == 9 then
    return "POST", "/api/v1/orders", "application/json", lib.order_json(1024)
  else -- kind == 7
    local v = math.floor(i / 10) % 3
    if v == 0 then
      return "POST", string.format("/api/v1/users/%d/profile", 48000 + i), "application/json",
        string.format('{"display_name":"%s %s","email":"%s.%s@example.com","newsletter":true,' ..
          '"address":{"street":"%d %s street","city":"Lyon","zip":"69002","country":"FR"},"phone":"+33 4 78 %02d %02d %02d"}',
          w(), w(), w(), w(), i, w(), i % 100, (i * 7) % 100, (i * 13) % 100)
    elseif v == 1 then
      return "POST", "/api/v1/events", "application/json",
        string.format('{"events":[{"type":"page_view","path":"/catalog/%s","ts":1716000%03d},' ..
          '{"type":"add_to_cart","sku":"SKU-%05d","qty":%d,"ts":1716000%03d}],"session":"8f14e45fceea167a"}',
          CATEGORIES[i % #CATEGORIES + 1], i, i * 91, i % 3 + 1, i + 5)
    else
      return "POST", "/api/v1/login", "application/x-www-form-urlencoded",
        string.format("username=%s.%s%%40example.com&password=Tr0ub4dor-%d-horse&remember=1", w(), w(), i)
    end
  end
end

-- the 5 attacks, at cycle positions 10, 30, 50, 70, 90
local ATTACKS = {
  { "GET", "/api/v1/products?category=books&id=1%27%20OR%20%271%27%3D%271&page=2" },
  { "GET", "/api/v1/search?q=%3Cscript%3Ealert(document.cookie)%3C%2Fscript%3E&page=1" },
  { "POST", "/api/v1/login", "application/json",
    '{"username":"admin\' OR 1=1 -- ","password":"x","remember":true}' },
  { "POST", "/api/v1/comments", "application/json",
    '{"post_id":4821,"author":"jo","text":"nice <img src=x onerror=alert(document.domain)> post"}' },
  { "POST", "/api/v1/search", "application/x-www-form-urlencoded",
    "q=1%20UNION%20SELECT%20username%2C%20password%20FROM%20users--&page=1" },
}

-- M.build() : the cycle, a list of { raw = <request bytes>, attack = bool, what = text }
function M.build()
  math.randomseed(42)
  local list, b, a = {}, 0, 0
  for pos = 1, 100 do
    local method, path, ctype, body, attack
    if pos % 20 == 10 then
      a = a + 1
      method, path, ctype, body = unpack(ATTACKS[a])
      attack = true
    else
      b = b + 1
      method, path, ctype, body = benign(b)
      attack = false
    end
    list[#list + 1] = { raw = wrk.format(method, path, lib.headers(ctype), body), attack = attack,
                        what = method .. " " .. path .. (body and (" [" .. #body .. " B body]") or "") }
  end
  return list
end

local cycle, n, idx

function init(args)
  cycle = M.build()
  n, idx = #cycle, 0
end

function request()
  idx = idx % n + 1
  return cycle[idx].raw
end

return M

-- Shared by the waf_*.lua wrk scripts (bench/waf.sh): browser-like headers
-- and JSON bodies that a WAF with the OWASP CRS at paranoia level 1 passes
-- with an anomaly score of 0. Load it with
--   local lib = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "waf_lib.lua")
-- (post_json.lua's bodies are not used by waf.sh: CRS 932150 scores item
-- titles starting with the NATO word "echo", and its 64 KiB order has more
-- than 1,000 JSON values, which ModSecurity's recommended config rejects
-- with SecArgumentsLimit 1000; see bench/README.md.)

local lib = {}

-- product vocabulary, checked against CRS 3.3 PL1 (no shell commands, SQL or
-- script keywords, quotes or operators)
lib.WORDS = { "oak", "linen", "cotton", "ceramic", "bamboo", "wool", "copper",
              "walnut", "glass", "canvas", "maple", "velvet" }
local PHRASES = { "solid frame with a hand rubbed oil finish", "made in small batches in Lyon",
                  "packed in recycled card", "machine washable at 30 degrees",
                  "two year warranty", "fits most standard shelves", "soft touch coating",
                  "colour may vary slightly between batches", "assembly takes ten minutes",
                  "ships within two working days" }

function lib.word() return lib.WORDS[math.random(#lib.WORDS)] end

local function description(len)
  local parts, n = {}, 0
  while n < len do
    local p = PHRASES[math.random(#PHRASES)]
    parts[#parts + 1] = p
    n = n + #p + 2
  end
  local s = table.concat(parts, ", "):sub(1, len)
  return (s:gsub("[, ]+%a*$", ""))   -- end on a whole word
end

-- lib.order_json(BYTES) : a JSON order (customer, address, metadata, line
-- items with a description) of exactly BYTES bytes (>= ~600). Descriptions
-- grow with the size so that a 64 KiB order has ~700 JSON values, under
-- ModSecurity's SecArgumentsLimit of 1,000. Deterministic per seed state.
function lib.order_json(target)
  local w = lib.word
  local head = string.format(
    '{"order_id":"ord_%08x","created_at":"2024-05-17T10:%02d:%02dZ","currency":"EUR",' ..
    '"customer":{"id":%d,"email":"%s.%s@example.com","name":"%s %s","tier":"gold",' ..
    '"address":{"street":"%d %s street","city":"Lyon","zip":"69002","country":"FR"}},' ..
    '"metadata":{"channel":"web","campaign":"spring-%s","ab_bucket":%d,"consent":true},"items":[',
    math.random(0, 0x7fffffff), math.random(59), math.random(59), math.random(1e6),
    w(), w(), w(), w(), math.random(200), w(), w(), math.random(8))
  local dlen = math.max(24, math.min(480, math.floor(target / 140)))
  local tail_fmt = '],"note":"%s"}'
  local min_tail = #string.format(tail_fmt, "")
  local parts, len, n = { head }, #head, 0
  while true do
    local item = string.format(
      '%s{"sku":"SKU-%05d","title":"%s %s %s","description":"%s","qty":%d,"unit_price":%d.%02d,"gift":%s}',
      n > 0 and "," or "", math.random(99999), w(), w(), w(), description(dlen), math.random(9),
      math.random(500), math.random(99), math.random(2) == 1 and "true" or "false")
    if len + #item + min_tail > target then break end
    parts[#parts + 1] = item
    len, n = len + #item, n + 1
  end
  local pad = math.max(target - len - min_tail, 0)
  local filler = string.rep("please leave the parcel at the door ", math.ceil(pad / 36) + 1)
  parts[#parts + 1] = string.format(tail_fmt, filler:sub(1, pad))
  return table.concat(parts)
end

lib.BROWSER = {
  ["Accept"] = "application/json, text/plain, */*",
  ["Accept-Language"] = "en-US,en;q=0.9,fr;q=0.8",
  ["Accept-Encoding"] = "gzip, deflate, br",
  ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  ["Authorization"] = "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQ4MjEzIiwic2NvcGUiOiJyZWFkIHdyaXRlIiwiZXhwIjoxNzE2MDAwMDAwfQ.3q2-8Kx1vJtZ0cYp9w4nR7mLhA5eQ0sVbU1dF6gTiXo",
  ["Cookie"] = "session_id=8f14e45fceea167a5a36dedd4bea2543; theme=dark; _ga=GA1.2.1234567890.1716000000; locale=en_US",
  ["Referer"] = "https://shop.example.com/catalog/books?page=2",
  ["Origin"] = "https://shop.example.com",
  ["Sec-Fetch-Site"] = "same-site",
  ["Sec-Fetch-Mode"] = "cors",
  ["Sec-Fetch-Dest"] = "empty",
  ["Cache-Control"] = "no-cache",
  ["X-Request-Source"] = "web-frontend",
}

-- lib.headers([CONTENT_TYPE]) : a new table: -H headers from wrk's command
-- line, then the browser set. Host is api.bench.test unless a name was given
-- with -H: wrk's default, 127.0.0.1:PORT, scores in OWASP CRS (920350, "Host
-- header is a numeric IP address") and no real API client sends it.
function lib.headers(ctype)
  local h = {}
  for k, v in pairs(wrk.headers) do h[k] = v end
  for k, v in pairs(lib.BROWSER) do if h[k] == nil then h[k] = v end end
  if h["Host"] == nil or h["Host"]:match("^[%d%.:%[%]]+$") then h["Host"] = "api.bench.test" end
  if ctype then h["Content-Type"] = ctype end
  return h
end

return lib

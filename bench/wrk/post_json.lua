-- wrk script: POST a realistic JSON document of an exact size.
--   wrk -s bench/wrk/post_json.lua URL -- BYTES      (default 1024)
-- The body (an order with customer, line items and metadata) is built once
-- per wrk thread with a fixed seed, so every run sends identical bytes.
-- No request() function is defined, so wrk keeps its fast static-request path.

local function make_json(target)
  math.randomseed(42)
  local words = { "alpha", "bravo", "charlie", "delta", "echo", "foxtrot",
                  "golf", "hotel", "india", "juliet", "kilo", "lima" }
  local function word() return words[math.random(#words)] end
  local function sku() return string.format("SKU-%05d-%s", math.random(99999), word()) end

  local head = string.format(
    '{"order_id":"ord_%08x","created_at":"2024-05-17T10:%02d:%02dZ","currency":"EUR",' ..
    '"customer":{"id":%d,"email":"%s.%s@example.com","name":"%s %s","tier":"gold",' ..
    '"address":{"street":"%d %s street","city":"Lyon","zip":"69002","country":"FR"}},' ..
    '"metadata":{"channel":"web","campaign":"%s-%s","ab_bucket":%d,"consent":true},"items":[',
    math.random(0, 0x7fffffff), math.random(59), math.random(59), math.random(1e6),
    word(), word(), word(), word(), math.random(200), word(), word(), word(), math.random(8))
  local tail_fmt = '],"note":"%s"}'
  local min_tail = #string.format(tail_fmt, "")
  local parts, len, n = { head }, #head, 0
  while true do
    local item = string.format(
      '%s{"sku":"%s","title":"%s %s %s","qty":%d,"unit_price":%d.%02d,"gift":%s}',
      n > 0 and "," or "", sku(), word(), word(), word(), math.random(9),
      math.random(500), math.random(99), math.random(2) == 1 and "true" or "false")
    if len + #item + min_tail > target then break end
    parts[#parts + 1] = item
    len, n = len + #item, n + 1
  end
  -- pad the note field so the body is exactly `target` bytes
  local pad = target - len - min_tail
  local filler = string.rep("lorem ipsum dolor sit amet ", math.ceil(math.max(pad, 0) / 27) + 1)
  parts[#parts + 1] = string.format(tail_fmt, filler:sub(1, math.max(pad, 0)))
  return table.concat(parts)
end

function init(args)
  local size = tonumber(args[1]) or 1024
  wrk.method = "POST"
  wrk.body = make_json(size)
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
end

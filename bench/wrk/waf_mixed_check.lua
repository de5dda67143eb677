-- wrk script: sends waf_mixed.lua's cycle of 100 requests and records the
-- status of each, for waf.sh's preflight.
--   wrk -t1 -c1 -d3s -s bench/wrk/waf_mixed_check.lua URL -- OUTFILE
-- Must run with ONE thread and ONE connection: the response being read then
-- always belongs to the last request() (wrk also calls request() once before
-- the run to validate it, so "the k-th response" would be off by one). Once
-- every request of the cycle has an answer, OUTFILE gets one line per
-- request: "<pos> <attack|benign> <status> <method path [body size]>".

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local mixed = dofile(dir .. "waf_mixed.lua")

local cycle, out, last, status, got, written

function init(args)
  cycle = mixed.build()
  out = args[1] or "waf_mixed_check.txt"
  last, status, got, written = 0, {}, 0, false
end

function request()
  last = last % #cycle + 1
  return cycle[last].raw
end

function response(st, headers, body)
  if written or last == 0 then return end
  if status[last] == nil then got = got + 1 end
  status[last] = st
  if got == #cycle then
    local lines = {}
    for i, r in ipairs(cycle) do
      lines[i] = string.format("%d %s %d %s", i, r.attack and "attack" or "benign", status[i], r.what)
    end
    local f = assert(io.open(out, "w"))
    f:write(table.concat(lines, "\n"), "\n")
    f:close()
    written = true
  end
end

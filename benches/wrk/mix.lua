-- wrk script: GET /api/v1/search?<api> with the `api` column of the shared query mix
-- (`cargo bench --bench engine -- mix`), picked at random.
--
--   ZAITAKU_MIX=mix.csv [ZAITAKU_MIX_TYPE=knn_caps] [ZAITAKU_GZIP=1] \
--       wrk -t2 -c16 -d20s -s benches/wrk/mix.lua http://127.0.0.1:PORT
--
-- ZAITAKU_MIX       path of the mix CSV (header id,type,...,api; required)
-- ZAITAKU_MIX_TYPE  only queries of this type (default: all types, mixed as in the file)
-- ZAITAKU_GZIP      send Accept-Encoding: gzip (default: no compression)
--
-- done() prints latency percentiles and error counts, and one machine-readable line:
--   wrk_result requests=N seconds=S rps=R p50_ms=A p90_ms=B p99_ms=C max_ms=D non2xx=E socket_errors=F bytes_per_response=G
-- non2xx is wrk's count of responses with status >= 400 (3xx are not expected here);
-- socket_errors is connect + read + write + timeout.

local queries = {}

-- One CSV record (RFC 4180 quoting; the mix has no embedded newlines) → fields.
local function parse_csv_line(line)
  local fields, i, n = {}, 1, #line
  while i <= n + 1 do
    if line:sub(i, i) == '"' then
      local buf, j = {}, i + 1
      while true do
        local c = line:sub(j, j)
        if c == '"' then
          if line:sub(j + 1, j + 1) == '"' then
            buf[#buf + 1] = '"'
            j = j + 2
          else
            j = j + 1
            break
          end
        elseif c == "" then
          break
        else
          buf[#buf + 1] = c
          j = j + 1
        end
      end
      fields[#fields + 1] = table.concat(buf)
      i = j + 1 -- past the comma
    else
      local j = line:find(",", i, true) or (n + 1)
      fields[#fields + 1] = line:sub(i, j - 1)
      i = j + 1
    end
  end
  return fields
end

local function load()
  local path = os.getenv("ZAITAKU_MIX")
  if not path or path == "" then
    error("set ZAITAKU_MIX to the mix CSV")
  end
  local only = os.getenv("ZAITAKU_MIX_TYPE")
  if only == "" then only = nil end
  local f = assert(io.open(path, "r"))
  local header = parse_csv_line((f:read("*l") or ""):gsub("^\239\187\191", ""):gsub("\r$", ""))
  local col = {}
  for k, name in ipairs(header) do col[name] = k end
  assert(col.type and col.api, "mix CSV needs the columns type and api")
  for line in f:lines() do
    line = line:gsub("\r$", "")
    if line ~= "" then
      local r = parse_csv_line(line)
      if not only or r[col.type] == only then
        queries[#queries + 1] = "/api/v1/search?" .. r[col.api]
      end
    end
  end
  f:close()
  if #queries == 0 then
    error("no queries" .. (only and (" of type " .. only) or "") .. " in " .. path)
  end
end

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("thread_no", counter)
end

local headers = {}
local requests, nrequests = {}, 0
function init(args)
  load()
  math.randomseed(1000 + (thread_no or 0))
  if os.getenv("ZAITAKU_GZIP") == "1" then
    headers["Accept-Encoding"] = "gzip"
  end
  -- Each request is formatted once here, so a request costs wrk one table lookup.
  for i, q in ipairs(queries) do
    requests[i] = wrk.format("GET", q, headers)
  end
  nrequests = #requests
end

function request()
  return requests[math.random(nrequests)]
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  local sock = e.connect + e.read + e.write + e.timeout
  local function ms(p) return latency:percentile(p) / 1000 end
  io.write(string.format("requests %d in %.1f s: %.1f req/s; latency p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms\n",
    summary.requests, seconds, summary.requests / seconds, ms(50), ms(90), ms(99), latency.max / 1000))
  io.write(string.format("errors: status>=400 %d, connect %d, read %d, write %d, timeout %d\n",
    e.status, e.connect, e.read, e.write, e.timeout))
  io.write(string.format("wrk_result requests=%d seconds=%.2f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f non2xx=%d socket_errors=%d bytes_per_response=%.0f\n",
    summary.requests, seconds, summary.requests / seconds, ms(50), ms(90), ms(99), latency.max / 1000, e.status, sock,
    summary.requests > 0 and summary.bytes / summary.requests or 0))
end

-- wrk's script for the closed-loop figures (bench/run): each connection sends the next request
-- as soon as the last one is answered. Environment:
--   WRK_TOKENS  a file of bearer tokens, one per line (taken in turn)
--   WRK_PATHS   a file of paths to GET, one per line (taken in turn), or
--   WRK_VILLAGES a file of village codes: POST /api/v1/cases, one filing per request
-- At the end one line `WRK {json}` with the requests, errors and the latency percentiles.
local tokens, paths, villages = {}, {}, {}
local i = 0

local function read(name, into)
  local file = os.getenv(name)
  if file then
    for line in io.lines(file) do
      if line ~= "" then into[#into + 1] = line end
    end
  end
end

function init(args)
  read("WRK_TOKENS", tokens)
  read("WRK_PATHS", paths)
  read("WRK_VILLAGES", villages)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  i = math.random(1000)
end

function request()
  i = i + 1
  local auth = { ["Authorization"] = "Bearer " .. tokens[i % #tokens + 1] }
  if #villages > 0 then
    auth["Content-Type"] = "application/json"
    local body = string.format(
      '{"category":"neighbour","narrative":"邻居在两家之间的通道上堆放杂物，影响通行（闭环压测 %d）。",' ..
      '"request":"请求调解委员会主持调解，清除杂物，恢复通行。","village_code":"%s",' ..
      '"respondents":[{"name":"李建国"}]}', i, villages[i % #villages + 1])
    return wrk.format("POST", "/api/v1/cases", auth, body)
  end
  return wrk.format("GET", paths[i % #paths + 1], auth)
end

function done(summary, latency, requests)
  -- errors.status: answers that were not 2xx or 3xx.
  io.write(string.format(
    'WRK {"requests":%d,"seconds":%.3f,"errors":%d,"non2xx":%d,"p50_ms":%.2f,"p99_ms":%.2f}\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end

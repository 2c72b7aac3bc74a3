-- wrk script for taxii_bench --serve: GET .../objects/?limit=100, following `next` (the
-- envelope starts {"more":true,"next":"..." when there is a further page; at the end of the
-- collection it starts over). Usage:
--   TAXII_PATH=/taxii2/cti/collections/<id>/objects/?limit=100 TAXII_TOKEN=<token> \
--     wrk -t2 -c4 -d10s --latency -s bench/taxii_next.lua http://127.0.0.1:<port>
-- Cursors go through a queue per wrk thread: wrk calls response() when a page arrives and then
-- request() for that connection's next request, so each connection mostly continues its own
-- chain; a connection that finds the queue empty starts at the first page again.
local path = os.getenv("TAXII_PATH")
local token = os.getenv("TAXII_TOKEN")
local headers = {
  ["Accept"] = "application/taxii+json;version=2.1",
  ["Authorization"] = "Bearer " .. (token or ""),
}
local pending = {}  -- cursors of answered pages, waiting for their connection's next request
local errors = 0

function request()
  local next = table.remove(pending, 1)
  local target = path
  if next then target = path .. "&next=" .. next end
  return wrk.format("GET", target, headers)
end

function response(status, hdrs, body)
  if status ~= 200 then
    errors = errors + 1
    return
  end
  local next = string.match(body, '^{"more":true,"next":"([^"]+)"', 1)
  if next then table.insert(pending, next) end
end

function done(summary, latency, requests)
  io.write(string.format("pages/s %.0f; p50 %.2f ms, p99 %.2f ms, max %.2f ms; non-2xx %d\n",
                         summary.requests / (summary.duration / 1e6),
                         latency:percentile(50) / 1000, latency:percentile(99) / 1000,
                         latency.max / 1000, summary.errors.status))
end

-- POST /v1/wholesale/subscribers as post_subscriber.lua does, each request carrying its own
-- Idempotency-Key (a fresh key per request: the cost of storing a key, never a replay).
-- Arguments after `--`: the customer ID and the run tag, as post_subscriber.lua.
require "report"

local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local customer, tag
local counter = 0

function init(args)
  customer, tag = args[1], args[2]
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local n = string.format("%s%d%07d", tag, id, counter)
  local body = string.format(
    '{"customerId": "%s", "email": "w%s@bench.test", "packages": ["webex_calling"], '
      .. '"provisioningParameters": {"firstName": "Bench", "lastName": "W%s", '
      .. '"extension": "%s"}}',
    customer, n, n, n
  )
  -- wrk.format sends the table it is given instead of wrk.headers (the token, Content-Type).
  local headers = {}
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  headers["Idempotency-Key"] = "bench-" .. n
  return wrk.format("POST", "/v1/wholesale/subscribers", headers, body)
end

-- POST /v1/wholesale/subscribers, each request a new subscriber: the e-mail and the extension
-- are made unique by the run tag, the wrk thread's number and a counter of the thread.
-- Arguments after `--`: the customer ID, the run tag (one digit, unique per run on the same
-- customer, so that runs never collide) and, optionally, `keyed`: each request then carries an
-- Idempotency-Key of its own (the cost of storing a key, never a replay).
require "report"

local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local customer, tag, keyed
local counter = 0

function init(args)
  customer, tag, keyed = args[1], args[2], args[3] == "keyed"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  -- tag (1 digit) .. thread (1 digit) .. counter (7 digits): at most 9 digits, as allowed.
  local n = string.format("%s%d%07d", tag, id, counter)
  local body = string.format(
    '{"customerId": "%s", "email": "w%s@bench.test", "packages": ["webex_calling"], '
      .. '"provisioningParameters": {"firstName": "Bench", "lastName": "W%s", '
      .. '"extension": "%s"}}',
    customer, n, n, n
  )
  local headers = nil
  if keyed then
    -- wrk.format sends the table it is given instead of wrk.headers (the token, Content-Type).
    headers = {}
    for name, value in pairs(wrk.headers) do
      headers[name] = value
    end
    headers["Idempotency-Key"] = "bench-" .. n
  end
  return wrk.format("POST", "/v1/wholesale/subscribers", headers, body)
end

-- POST /v1/wholesale/subscribers, each request a new subscriber: the e-mail and the extension
-- are made unique by the run tag, the wrk thread's number and a counter of the thread.
-- Arguments after `--`: the customer ID and the run tag (one digit, unique per run on the same
-- customer, so that runs never collide).
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
  -- tag (1 digit) .. thread (1 digit) .. counter (7 digits): at most 9 digits, as allowed.
  local n = string.format("%s%d%07d", tag, id, counter)
  local body = string.format(
    '{"customerId": "%s", "email": "w%s@bench.test", "packages": ["webex_calling"], '
      .. '"provisioningParameters": {"firstName": "Bench", "lastName": "W%s", '
      .. '"extension": "%s"}}',
    customer, n, n, n
  )
  return wrk.format("POST", "/v1/wholesale/subscribers", nil, body)
end

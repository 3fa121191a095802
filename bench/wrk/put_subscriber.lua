-- PUT /v1/wholesale/subscribers/{id} on existing subscribers, each moved back and forth between
-- webex_calling (with its own extension again) and webex_meetings (which releases it): a real
-- package change every time, with its billing switch. Each wrk thread takes its own share of
-- the subscribers and cycles through it.
-- Arguments after `--`: a file of "<subscriber id> <extension>" lines. bench/loadgen.py gives
-- wrk's thread count in WRK_THREADS.
require "report"

local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local subscribers = {}
local index = 0

function init(args)
  local count = tonumber(os.getenv("WRK_THREADS"))
  local n = 0
  for line in io.lines(args[1]) do
    if n % count == id then
      local subscriber, extension = line:match("^(%S+) (%S+)$")
      table.insert(subscribers, { id = subscriber, extension = extension, calling = true })
    end
    n = n + 1
  end
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  index = index % #subscribers + 1
  local s = subscribers[index]
  s.calling = not s.calling
  local body = '{"package": "webex_meetings"}'
  if s.calling then
    body = string.format(
      '{"package": "webex_calling", "provisioningParameters": {"extension": "%s"}}', s.extension
    )
  end
  return wrk.format("PUT", "/v1/wholesale/subscribers/" .. s.id, nil, body)
end

-- Required by the scripts of a fixed amount of work (bench/loadgen.py wrk_counted): exactly
-- WRK_TOTAL requests are sent, one wrk thread, whatever the number of connections. delay(),
-- which wrk calls before each request, holds every connection back once the total is reached
-- (it runs at once for every connection, before any request is made). request() of the script
-- that requires this module numbers its requests with counted.number(): 1, 2, 3 and so on,
-- unique in the run; wrk calls request() once more than it sends, to check it before the run,
-- so the numbers sent are 2 to WRK_TOTAL + 1. Once the last answer is in, the thread stops and
-- WRK_DONE is printed with the count of answers that were not 2xx; the first goes to stderr.
require "report"

local counted = { sent = 0, made = 0 }

function counted.number()
  counted.made = counted.made + 1
  return counted.made
end
local total = tonumber(os.getenv("WRK_TOTAL"))
local answered, failed = 0, 0
local NEVER = 1e9 -- milliseconds: eleven days, far beyond wrk's duration

function delay()
  if counted.sent >= total then
    return NEVER
  end
  counted.sent = counted.sent + 1
  return 0
end

function response(status, headers, body)
  answered = answered + 1
  if status < 200 or status > 299 then
    failed = failed + 1
    if failed == 1 then
      io.stderr:write(string.format("first answer not 2xx: %d %s\n", status, body:sub(1, 500)))
    end
  end
  if answered == total then
    io.write(string.format('WRK_DONE {"answered": %d, "not_2xx": %d}\n', answered, failed))
    io.flush()
    wrk.thread:stop()
  end
end

return counted

-- The same JSON body POSTed again and again (the prechecks, which change nothing).
-- Arguments after `--`: the body.
require "report"

function init(args)
  wrk.method = "POST"
  wrk.body = args[1]
  wrk.headers["Content-Type"] = "application/json"
end

-- POST /v1/workspaces?orgId=..., WRK_TOTAL new workspaces with Webex Calling at one location,
-- request n (counted.number()) named "Bench room <n>" with extension <first> + n.
-- Arguments after `--`: the path with its orgId, the location ID, the first extension.
local counted = require "counted"

local path, location, first

function init(args)
  path, location, first = args[1], args[2], tonumber(args[3])
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local n = counted.number()
  local body = string.format(
    '{"displayName": "Bench room %d", "locationId": "%s", "calling": {"type": "webexCalling", '
      .. '"webexCalling": {"locationId": "%s", "extension": "%d"}}}',
    n, location, location, first + n
  )
  return wrk.format("POST", path, nil, body)
end

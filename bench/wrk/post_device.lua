-- POST /v1/devices?orgId=..., WRK_TOTAL new devices by MAC: request n (counted.number()) adds a
-- device of `model` with MAC 02:<tag>:<n as 4 bytes> (locally administered, unicast, unique per
-- run tag) to owner n of the file, cycling through its lines, so that consecutive requests go
-- to different owners and no owner exceeds its device limit if the file has enough of them.
-- Arguments after `--`: the path with its orgId, the model, a file of "<personId|workspaceId>
-- <id>" lines, the run tag (0 to 255).
local counted = require "counted"

local path, model, tag
local owners = {}

function init(args)
  path, model, tag = args[1], args[2], tonumber(args[4])
  for line in io.lines(args[3]) do
    local field, id = line:match("^(%S+) (%S+)$")
    table.insert(owners, { field = field, id = id })
  end
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local n = counted.number()
  local owner = owners[n % #owners + 1]
  local body = string.format(
    '{"mac": "02%02X%08X", "model": "%s", "%s": "%s"}', tag, n, model, owner.field, owner.id
  )
  return wrk.format("POST", path, nil, body)
end

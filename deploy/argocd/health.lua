-- Argo CD health check for kubemigrate.dev/Migration (kstatus conditions written by the operator).
-- Healthy: Ready=True for the current spec (status.observedGeneration == metadata.generation).
-- Degraded: Stalled=True: the migration failed and is not retried until its spec changes.
-- Progressing: anything else, e.g. Pending or Running, or the operator has not seen this spec yet.
local hs = {}
local status = obj.status
local generation = obj.metadata and obj.metadata.generation

if status == nil or status.observedGeneration == nil
    or (generation ~= nil and status.observedGeneration ~= generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator"
  return hs
end

local ready, stalled
if status.conditions ~= nil then
  for _, c in ipairs(status.conditions) do
    if c.type == "Ready" then
      ready = c
    elseif c.type == "Stalled" then
      stalled = c
    end
  end
end

local function describe(c, fallback)
  local reason = (c and c.reason) or status.reason
  local message = (c and c.message) or status.message
  if reason ~= nil and reason ~= "" and message ~= nil and message ~= "" then
    return reason .. ": " .. message
  end
  if message ~= nil and message ~= "" then return message end
  if reason ~= nil and reason ~= "" then return reason end
  return fallback
end

if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = describe(stalled, "Migration failed")
elseif ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = describe(ready, "Migration succeeded")
else
  hs.status = "Progressing"
  hs.message = describe(ready, "Migration " .. (status.phase or "pending"))
end
return hs

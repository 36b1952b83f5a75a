-- Tests health.lua as Argo CD runs it: the script is a chunk with a global `obj` that returns hs.
-- Plain Lua 5.1 (Argo CD uses gopher-lua, Lua 5.1 semantics):  lua5.1 health_test.lua [health.lua]
local dir = string.match(arg[0], "^(.*)/[^/]*$") or "."
local script = arg[1] or (dir .. "/health.lua")
local chunk = assert(loadfile(script))

local function run(o)
  -- A fresh environment per case: `obj` plus the standard library, as Argo CD provides.
  setfenv(chunk, setmetatable({ obj = o }, { __index = _G }))
  return chunk()
end

local function cond(type_, status, reason, message)
  return { type = type_, status = status, reason = reason, message = message,
           observedGeneration = 3, lastTransitionTime = "2025-01-01T00:00:00Z" }
end

local function migration(generation, status)
  return {
    apiVersion = "kubemigrate.dev/v1alpha1", kind = "Migration",
    metadata = { name = "shop", namespace = "shop", generation = generation },
    spec = { app = "shop", version = "1.4.0", image = "registry.example.com/shop-migrations:1.4.0" },
    status = status,
  }
end

local cases = {
  { name = "no status yet",
    obj = migration(1, nil),
    status = "Progressing", message = "Waiting for the operator" },
  { name = "Pending",
    obj = migration(3, { phase = "Pending", observedGeneration = 3, conditions = {
      cond("Ready", "False", "Pending", "Waiting for the lock of app shop"),
      cond("Reconciling", "True", "Pending", "Waiting for the lock of app shop"),
      cond("Stalled", "False", "Pending", "") } }),
    status = "Progressing", message = "Pending: Waiting for the lock of app shop" },
  { name = "Running",
    obj = migration(3, { phase = "Running", observedGeneration = 3, attempt = 1, jobName = "kubemigrate-shop-pre-1-4-0",
      conditions = {
        cond("Ready", "False", "Running", "Job kubemigrate-shop-pre-1-4-0 is running"),
        cond("Reconciling", "True", "Running", "Job kubemigrate-shop-pre-1-4-0 is running"),
        cond("Stalled", "False", "Running", "") } }),
    status = "Progressing", message = "Running: Job kubemigrate-shop-pre-1-4-0 is running" },
  { name = "Succeeded, current generation",
    obj = migration(3, { phase = "Succeeded", observedGeneration = 3, exitCode = 0, conditions = {
      cond("Ready", "True", "Succeeded", "Migrated shop 1.4.0"),
      cond("Reconciling", "False", "Succeeded", ""),
      cond("Stalled", "False", "Succeeded", "") } }),
    status = "Healthy", message = "Succeeded: Migrated shop 1.4.0" },
  { name = "Succeeded, but for an older generation (spec just changed)",
    obj = migration(4, { phase = "Succeeded", observedGeneration = 3, conditions = {
      cond("Ready", "True", "Succeeded", "Migrated shop 1.3.0"),
      cond("Reconciling", "False", "Succeeded", ""),
      cond("Stalled", "False", "Succeeded", "") } }),
    status = "Progressing", message = "Waiting for the operator" },
  { name = "Failed: Stalled with BackoffLimitExceeded",
    obj = migration(3, { phase = "Failed", observedGeneration = 3, exitCode = 1, reason = "BackoffLimitExceeded",
      conditions = {
        cond("Ready", "False", "BackoffLimitExceeded", "The migration exited with code 1"),
        cond("Reconciling", "False", "BackoffLimitExceeded", ""),
        cond("Stalled", "True", "BackoffLimitExceeded", "The migration exited with code 1") } }),
    status = "Degraded", message = "BackoffLimitExceeded: The migration exited with code 1" },
  { name = "Failed: InvalidSpec",
    obj = migration(3, { phase = "Failed", observedGeneration = 3, conditions = {
      cond("Ready", "False", "InvalidSpec", "spec.timeout: invalid duration '10 minutes'"),
      cond("Reconciling", "False", "InvalidSpec", ""),
      cond("Stalled", "True", "InvalidSpec", "spec.timeout: invalid duration '10 minutes'") } }),
    status = "Degraded", message = "InvalidSpec: spec.timeout: invalid duration '10 minutes'" },
  { name = "Stalled without a message: the reason alone",
    obj = migration(3, { phase = "Failed", observedGeneration = 3, conditions = {
      { type = "Stalled", status = "True", reason = "ImagePullBackOff" } } }),
    status = "Degraded", message = "ImagePullBackOff" },
  { name = "Stalled for an older generation: the new spec will run",
    obj = migration(5, { phase = "Failed", observedGeneration = 4, conditions = {
      cond("Stalled", "True", "SpecConflict", "Version 1.4.0 already ran with another image") } }),
    status = "Progressing", message = "Waiting for the operator" },
  { name = "Ready False without Stalled",
    obj = migration(3, { phase = "Running", observedGeneration = 3, conditions = {
      cond("Ready", "False", "Running", "Attempt 2 is running") } }),
    status = "Progressing", message = "Running: Attempt 2 is running" },
  { name = "status without conditions",
    obj = migration(3, { phase = "Pending", observedGeneration = 3 }),
    status = "Progressing", message = "Migration Pending" },
  { name = "status without observedGeneration",
    obj = migration(3, { phase = "Succeeded", conditions = { cond("Ready", "True", "Succeeded", "done") } }),
    status = "Progressing", message = "Waiting for the operator" },
}

local failed = 0
for i, case in ipairs(cases) do
  local ok, hs = pcall(run, case.obj)
  local good = ok and type(hs) == "table" and hs.status == case.status and hs.message == case.message
  if good then
    print(string.format("ok    %2d %s -> %s: %s", i, case.name, hs.status, hs.message))
  else
    failed = failed + 1
    local got = ok and (type(hs) == "table" and (tostring(hs.status) .. ": " .. tostring(hs.message)) or tostring(hs))
      or ("error: " .. tostring(hs))
    print(string.format("FAIL  %2d %s\n        want %s: %s\n        got  %s", i, case.name, case.status, case.message, got))
  end
end
print(string.format("%d passed, %d failed", #cases - failed, failed))
if failed > 0 then os.exit(1) end

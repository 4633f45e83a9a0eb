-- wrk script: POST signed ZEGO callbacks, one per request, cycling through
-- the bodies file given after "--" (one compact JSON body per line, made
-- by bench/listen/gen with the secret the receiver checks).
--   wrk -t2 -c64 -d10s -s post.lua http://127.0.0.1:PORT/ -- bodies.txt

local bodies = {}
local i = 0

function init(args)
  local path = args[1] or "bodies.txt"
  for line in io.lines(path) do
    if #line > 0 then bodies[#bodies + 1] = line end
  end
  if #bodies == 0 then error("no bodies in " .. path) end
  -- threads start at different places so they do not send in lockstep
  i = math.random(#bodies) - 1
end

function request()
  i = i % #bodies + 1
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, bodies[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end

-- wrk script for bench/send/run.sh: POST one fixed body, the file named
-- after "--" (the same signed sample hey sends), as application/json.
--   wrk -t2 -c32 -d3s -s post.lua URL -- body.json

function init(args)
  local f = assert(io.open(args[1] or "body.json", "rb"))
  local body = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout))
end

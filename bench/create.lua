-- wrk script: POST a pod with a unique name on every request.
-- wrk ... -s bench/create.lua URL -- PATH NAME_PREFIX BODY_TEMPLATE
-- BODY_TEMPLATE is the JSON pod with @@NAME@@ where the name goes.
-- Each wrk thread has its own Lua state: the prefix gets the thread's id.

local threads = {}
local thread_seq = 0

function setup(thread)
  thread_seq = thread_seq + 1
  thread:set("tid", thread_seq)
  table.insert(threads, thread)
end

local path, head, tail, prefix
local counter = 0

function init(args)
  path = args[1]
  prefix = args[2] .. "-t" .. tostring(tid) .. "-"
  head, tail = args[3]:match("^(.-)@@NAME@@(.*)$")
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  return wrk.format(nil, path, nil, head .. prefix .. tostring(counter) .. tail)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "status_errors": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end

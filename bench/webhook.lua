-- wrk script: every request is a distinct, correctly signed Zalo `user_send_text` event.
--
-- Configured from the environment (bench/webhook.py sets it), because every wrk thread has its
-- own Lua state and the environment is the one input they all see:
--   BENCH_APP_ID, BENCH_OA_ID, BENCH_SECRET  the app id, OA id and OA secret key to sign with
--   BENCH_RUN     a tag unique to this wrk run, so msg_ids never repeat across runs on one database
--   BENCH_USERS   how many distinct sender ids to cycle through (default 1000)
--   BENCH_RATE    total requests/s to pace at; 0 or unset = as fast as the server answers
--   BENCH_THREADS wrk's -t, to split BENCH_RATE between threads
--   BENCH_PATH    the request path (default /webhook/zalo)
-- done() prints one `BENCH_RESULT {json}` line that bench/webhook.py parses.

local ffi = require("ffi")
ffi.cdef [[
unsigned char *SHA256(const unsigned char *d, size_t n, unsigned char *md);
typedef struct { long tv_sec; long tv_usec; } bench_timeval;
int gettimeofday(bench_timeval *tv, void *tz);
]]
local crypto = ffi.load("libcrypto.so.3")

local APP_ID = os.getenv("BENCH_APP_ID") or "bench-app"
local OA_ID = os.getenv("BENCH_OA_ID") or "bench-oa"
local SECRET = os.getenv("BENCH_SECRET") or "bench-secret"
local RUN = os.getenv("BENCH_RUN") or "run"
local USERS = tonumber(os.getenv("BENCH_USERS") or "1000")
local RATE = tonumber(os.getenv("BENCH_RATE") or "0")
local PATH = os.getenv("BENCH_PATH") or "/webhook/zalo"
local THREADS = tonumber(os.getenv("BENCH_THREADS") or "1")

local HEX = {}
for i = 0, 255 do HEX[i] = string.format("%02x", i) end
local digest = ffi.new("unsigned char[32]")
local hex_parts = {}
local tv = ffi.new("bench_timeval")

local function now_ms()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
end

local function sha256_hex(text)
  crypto.SHA256(text, #text, digest)
  for i = 0, 31 do hex_parts[i + 1] = HEX[digest[i]] end
  return table.concat(hex_parts)
end

-- setup() runs in the main Lua state once per wrk thread: number the threads so each one
-- owns a disjoint range of msg_ids.
local thread_count = 0
function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_id", thread_count)
end

local sent = 0
function request()
  sent = sent + 1
  local seq = string.format("%d-%d", thread_id, sent)
  -- Spread senders across threads too, so each user gets a mix of both threads' traffic.
  local user = 9000000000000 + (sent * 7 + thread_id) % USERS
  local timestamp = string.format("%d", math.floor(now_ms()))
  local body = string.format(
    '{"app_id":"%s","sender":{"id":"%d"},"recipient":{"id":"%s"},"user_id_by_app":"%d",' ..
    '"event_name":"user_send_text","message":{"msg_id":"bench-%s-%s","text":"bench %s"},' ..
    '"timestamp":"%s"}',
    APP_ID, user, OA_ID, user + 1, RUN, seq, seq, timestamp)
  local mac = sha256_hex(APP_ID .. body .. timestamp .. SECRET)
  return wrk.format("POST", PATH, {
    ["Content-Type"] = "application/json",
    ["X-ZEvent-Signature"] = "mac=" .. mac,
  }, body)
end

-- Pacing (only when BENCH_RATE is set; wrk skips the delay machinery when there is no delay()):
-- each thread hands out send slots `interval` ms apart to whichever of its connections is free,
-- so the rate holds however long responses take, as long as some connection is idle.
if RATE > 0 then
  local interval = THREADS * 1000 / RATE
  local next_slot
  function delay()
    local now = now_ms()
    -- A server that falls behind gets no catch-up burst: the schedule restarts from now.
    if next_slot == nil or next_slot < now then next_slot = now end
    local wait = next_slot - now
    next_slot = next_slot + interval
    return wait
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"non2xx":%d,' ..
    '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.status,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean))
end

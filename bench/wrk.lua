-- wrk.lua: the request generator and reporter for bench/run, driven by
-- environment variables (wrk passes only a script, so one file serves every
-- scenario):
--   BENCH_MODE    get (default) | create | update | apply-same | apply-change |
--                 smp-change
--   BENCH_PATH    the request path (get/update: the object or list;
--                 create: the collection to POST to)
--   BENCH_ACCEPT  the Accept header (default application/json)
--   BENCH_NS      create: the namespace the new objects go to
--   BENCH_RUN     create: a prefix that makes names unique across runs
--   BENCH_BODY    create/update: the JSON body, with @NAME@ and @NS@ for the
--                 object's name and namespace (default: a ConfigMap)
-- create POSTs objects named <BENCH_RUN>-<thread>-<n>; update PUTs the
-- same object without a resourceVersion (an unconditional update).
-- apply-same PATCHes the same Deployment as a server-side apply
-- (application/apply-patch+yaml, fieldManager=bench) every time: nothing
-- changes; apply-change applies it with spec.replicas changed on each
-- request; smp-change sends that change as a strategic merge patch.
-- done() prints one line for bench/run to parse:
--   BENCH requests=N seconds=S rps=R p50_ms=X p99_ms=Y non2xx=N errors=N
local mode   = os.getenv("BENCH_MODE") or "get"
local path   = os.getenv("BENCH_PATH") or "/"
local accept = os.getenv("BENCH_ACCEPT") or "application/json"
local ns     = os.getenv("BENCH_NS") or "default"
local run    = os.getenv("BENCH_RUN") or tostring(os.time())
local body   = os.getenv("BENCH_BODY")

local threads = {}
local thread_no = 0
function setup(thread)
    thread_no = thread_no + 1
    thread:set("tid", thread_no)
    table.insert(threads, thread)
end

wrk.path = path
wrk.headers["Accept"] = accept

if not body or body == "" then
    body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"@NAME@","namespace":"@NS@"},' ..
        '"data":{"key":"value","mode":"production",' ..
        '"settings.properties":"color.good=purple\\ncolor.bad=yellow\\nallow.textmode=true\\n"}}'
end
local function body_for(name)
    return (body:gsub("@NAME@", name):gsub("@NS@", ns))
end

if mode == "update" then
    local name = path:match("([^/?]+)$") or "bench-update"
    wrk.method = "PUT"
    wrk.headers["Content-Type"] = "application/json"
    wrk.body = body_for(name)
elseif mode == "create" then
    local n = 0
    local headers = { ["Accept"] = accept, ["Content-Type"] = "application/json" }
    request = function()
        n = n + 1
        return wrk.format("POST", path, headers, body_for(run .. '-' .. tostring(tid) .. '-' .. n))
    end
end

local function deployment(replicas)
    return '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"' ..
        (path:match("([^/?]+)%?") or path:match("([^/?]+)$")) .. '","namespace":"' .. ns .. '"},' ..
        '"spec":{"replicas":' .. replicas .. ',"selector":{"matchLabels":{"app":"bench"}},' ..
        '"template":{"metadata":{"labels":{"app":"bench"}},"spec":{"containers":[' ..
        '{"name":"web","image":"nginx:1.25","ports":[{"containerPort":80},{"containerPort":443}],' ..
        '"env":[{"name":"MODE","value":"production"}]},{"name":"sidecar","image":"busybox"}]}}}}'
end

if mode == "apply-same" then
    wrk.method = "PATCH"
    wrk.headers["Content-Type"] = "application/apply-patch+yaml"
    wrk.body = deployment(1)
elseif mode == "apply-change" or mode == "smp-change" then
    local n = 0
    local ct = mode == "smp-change" and "application/strategic-merge-patch+json" or "application/apply-patch+yaml"
    local headers = { ["Accept"] = accept, ["Content-Type"] = ct }
    request = function()
        n = n + 1
        -- each thread its own range of values: every request changes the object
        local replicas = tostring((tid or 1) * 100000 + n)
        local body = mode == "smp-change" and ('{"spec":{"replicas":' .. replicas .. '}}') or deployment(replicas)
        return wrk.format("PATCH", path, headers, body)
    end
end

function done(summary, latency, requests)
    local e = summary.errors
    local secs = summary.duration / 1e6
    io.write(string.format(
        "BENCH requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f non2xx=%d errors=%d\n",
        summary.requests, secs, summary.requests / secs,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        e.status, e.connect + e.read + e.write + e.timeout))
end

-- One wrk script for every scenario; BENCH_SCENARIO picks the request.
-- Neither server verifies signatures, so a static SigV4-shaped header is enough.
local scenario = os.getenv("BENCH_SCENARIO") or "static"
local set_name = os.getenv("BENCH_SET") or "bench-set"
local prefix = os.getenv("BENCH_PREFIX") or "bench"
local scale_count = tonumber(os.getenv("BENCH_COUNT") or "1")
local scale_prefix = os.getenv("BENCH_SCALE_PREFIX") or "bench-scale-"
local from_address = os.getenv("BENCH_FROM") or "bench@example.com"
local to_address = os.getenv("BENCH_TO") or "reader@example.com"

local auth = "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/ses/aws4_request, "
  .. "SignedHeaders=content-type;host;x-amz-date, Signature=" .. string.rep("0", 64)
local base = { ["Authorization"] = auth, ["X-Amz-Date"] = "20250101T000000Z" }
local json_headers = {
  ["Authorization"] = auth, ["X-Amz-Date"] = "20250101T000000Z",
  ["Content-Type"] = "application/json",
}
local form_headers = {
  ["Authorization"] = auth, ["X-Amz-Date"] = "20250101T000000Z",
  ["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8",
}

local describe_body = "Action=DescribeConfigurationSet&Version=2010-12-01"
  .. "&ConfigurationSetName=" .. set_name
  .. "&ConfigurationSetAttributeNames.member.1=eventDestinations"
  .. "&ConfigurationSetAttributeNames.member.2=trackingOptions"
  .. "&ConfigurationSetAttributeNames.member.3=deliveryOptions"
  .. "&ConfigurationSetAttributeNames.member.4=reputationOptions"

local send_body = '{"FromEmailAddress":"' .. from_address .. '",'
  .. '"Destination":{"ToAddresses":["' .. to_address .. '"]},'
  .. '"Content":{"Simple":{"Subject":{"Data":"Benchmark"},'
  .. '"Body":{"Text":{"Data":"Hello from the benchmark."}}}},'
  .. '"ConfigurationSetName":"' .. set_name .. '"}'

local counter = 0
thread_id = 0  -- set per thread by setup() below
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(thread_id * 7919 + 17)
end

local created = nil
local last_sent = nil

-- One connection per thread, so each request waits for the response before it. wrk also calls
-- request() once to check it, without sending: a name is only deleted once its Create answered.
local function pair()
  if created then
    local name = created
    created = nil
    last_sent = nil
    return wrk.format("DELETE", "/v2/email/configuration-sets/" .. name, base, nil)
  end
  counter = counter + 1
  last_sent = prefix .. "-" .. thread_id .. "-" .. counter
  return wrk.format("POST", "/v2/email/configuration-sets", json_headers,
    '{"ConfigurationSetName":"' .. last_sent .. '"}')
end

local function pair_response(status, headers, body)
  if last_sent and status == 200 then
    created = last_sent
  end
end

local builders = {
  static = function() return wrk.format("GET", "/", base, nil) end,
  get = function()
    return wrk.format("GET", "/v2/email/configuration-sets/" .. set_name, base, nil)
  end,
  get_random = function()
    local name = string.format("%s%06d", scale_prefix, math.random(0, scale_count - 1))
    return wrk.format("GET", "/v2/email/configuration-sets/" .. name, base, nil)
  end,
  -- botocore's current model lists with POST (older models used GET .../configuration-sets)
  list = function()
    return wrk.format("POST", "/v2/email/list-configuration-sets", json_headers, "{}")
  end,
  pair = pair,
  messages = function() return wrk.format("GET", "/_openses/messages", base, nil) end,
  describe = function() return wrk.format("POST", "/", form_headers, describe_body) end,
  send = function()
    return wrk.format("POST", "/v2/email/outbound-emails", json_headers, send_body)
  end,
}

request = builders[scenario]
if scenario == "pair" then
  response = pair_response
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
      .. '"status_errors": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end

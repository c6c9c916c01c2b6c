-- wrk script: POSTs bookings of random 30-minute slots of the load-test consultant (CONSULTANT, all
-- week, 00:00-23:30 UTC) within DAYS days from START (unix seconds), each by a visitor with an
-- address of their own (one address would meet the outbox's daily cap of mails per address). The
-- visitor's double-submit token is a fixed value sent both as cookie and field.
local consultant = os.getenv("CONSULTANT") or "3"
local days = tonumber(os.getenv("DAYS") or "700")
local start = tonumber(os.getenv("START"))
local token = string.rep("ab", 32)
local counter = 0
local run = 0
init = function(args)
  math.randomseed(os.time())
  run = math.random(1, 1000000000)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "mq_csrf=" .. token
request = function()
  counter = counter + 1
  local slot = start + 1800 * math.random(0, days * 47)
  local iso = os.date("!%Y-%m-%dT%H:%M:%SZ", slot)
  local body = "csrf_token=" .. token .. "&consultant=" .. consultant .. "&duration=30&tz=UTC&slot=" .. iso ..
    "&meeting_type=video&name=Load+Test&email=load" .. run .. "-" .. counter .. "%40example.com&consent=yes"
  return wrk.format(nil, "/en/book", nil, body)
end

-- wrk script: POSTs webinar registrations for the demo webinar `rag-in-production`, each with an
-- address of its own (so each one is a new registration, not a repeat). The visitor's double-submit
-- token is a fixed value sent both as cookie and field.
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
  local body = "csrf_token=" .. token .. "&first_name=Load&last_name=Test&email=load" .. run .. "-" .. counter ..
    "%40example.com&company=Example&consent=yes&tz=Europe%2FBerlin&source=%2Fen%2Fwebinars%2Frag-in-production"
  return wrk.format(nil, "/en/webinars/rag-in-production/register", nil, body)
end

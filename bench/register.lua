-- wrk script: POSTs webinar registrations for the demo webinar `rag-in-production`, each with an
-- address of its own (so each one is a new registration, not a repeat), from a client address of its
-- own as nginx names it in X-Forwarded-For (registrations.sh trusts 127.0.0.1 as the proxy), as
-- visitors of a real site come from many. The visitor's double-submit token is a fixed value sent
-- both as cookie and field.
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
  wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.floor(counter / 65536) % 256,
    math.floor(counter / 256) % 256, counter % 256)
  return wrk.format(nil, "/en/webinars/rag-in-production/register", nil, body)
end

-- wrk script: a random generated page (/en/page-N or /de/page-N, N in 1..PAGES) per request.
local n = tonumber(os.getenv("PAGES") or "10000")
local langs = {"en", "de"}
math.randomseed(os.time())
request = function()
  return wrk.format("GET", string.format("/%s/page-%d", langs[math.random(1, 2)], math.random(1, n)))
end

-- wrk script for bench/search.sh: site searches as visitors type them, in both languages, spread
-- over words every generated page has (many results to rank), words few pages have (a page number),
-- German compounds by their first word, and words nothing has.
local queries = {
  "/en/search?q=guide",
  "/en/search?q=checklists+examples",
  "/en/search?q=practical+guide+4711",
  "/en/search?q=teams",
  "/en/search?q=nothingmatches",
  "/de/search?q=leitfaden",
  "/de/search?q=praxis",
  "/de/search?q=praxisleitfaden+815",
  "/de/search?q=schritt",
  "/de/search?q=gibtesnicht",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", queries[(i % #queries) + 1])
end

# The frame of every public page: header, navigation, footer.
language-name = English
# Each language's name in this one, where a language is the subject ("Translate into German").
language-en = English
language-de = German
nav-skip-to-content = Skip to content
nav-main-label = Main navigation
nav-language-label = Language
nav-book-consultation = Book a consultation
nav-home = Home
breadcrumbs-label = Breadcrumb
footer-company = Company
footer-resources = Resources
footer-legal = Legal
footer-tagline = AI engineering and software development for growing companies.
footer-copyright = © { $year } { $site }
preview-banner = Preview: this is how the page will look. Visitors do not see these changes yet.
footer-webinars = Upcoming webinars
pricing-recommended = Recommended
consultant-book = Book a consultation

## Site search
search-label = Search the site
search-placeholder = Search
search-submit = Search
search-title = Search
search-results-title = Search results for “{ $query }”
search-count = { $count ->
    [one] One result
   *[other] { $count } results
}
search-none = Nothing found for “{ $query }”. Try fewer or other words.
search-empty = Type a word or two to search the pages, webinars and whitepapers.
search-kind-page = Page
search-kind-webinar = Webinar
search-kind-whitepaper = Whitepaper
search-previous = Previous results
search-next = More results
search-page-of = Page { $page } of { $pages }
search-results-pages = Result pages
search-count-many = More than { $count } results
nav-menu = Menu
page-untranslated = This page is not translated into English yet: you are reading it in the language it was written in.

## Time zones: the regions, and places whose name differs from the zone database's
zone-region-africa = Africa
zone-region-america = Americas
zone-region-antarctica = Antarctica
zone-region-arctic = Arctic
zone-region-asia = Asia
zone-region-atlantic = Atlantic
zone-region-australia = Australia
zone-region-europe = Europe
zone-region-indian = Indian Ocean
zone-region-pacific = Pacific
zone-region-other = Other
zone-europe-zurich = Zurich
zone-america-sao-paulo = São Paulo
zone-europe-vienna = Vienna
zone-europe-rome = Rome
zone-europe-warsaw = Warsaw
zone-asia-singapore = Singapore
zone-asia-tokyo = Tokyo
zone-europe-moscow = Moscow
zone-europe-prague = Prague
zone-europe-brussels = Brussels
zone-europe-copenhagen = Copenhagen
zone-europe-lisbon = Lisbon
zone-europe-athens = Athens
zone-europe-bucharest = Bucharest
zone-europe-kiev = Kyiv
zone-europe-kyiv = Kyiv
zone-europe-belgrade = Belgrade
zone-europe-luxembourg = Luxembourg
zone-asia-shanghai = Shanghai

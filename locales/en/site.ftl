# The frame of every public page: header, navigation, footer.
language-name = English
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
footer-webinars = Knowledge Program
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

# Der Rahmen jeder öffentlichen Seite: Kopf, Navigation, Fußbereich.
language-name = Deutsch
nav-skip-to-content = Zum Inhalt springen
nav-main-label = Hauptnavigation
nav-language-label = Sprache
nav-book-consultation = Beratung buchen
nav-home = Startseite
breadcrumbs-label = Brotkrümelnavigation
footer-company = Unternehmen
footer-resources = Ressourcen
footer-legal = Rechtliches
footer-tagline = KI-Entwicklung und Softwareentwicklung für wachsende Unternehmen.
footer-copyright = © { $year } { $site }
preview-banner = Vorschau: So wird die Seite aussehen. Besucher sehen diese Änderungen noch nicht.
footer-webinars = Wissensprogramm
pricing-recommended = Empfohlen
consultant-book = Beratung buchen

## Site search
search-label = Website durchsuchen
search-placeholder = Suchen
search-submit = Suchen
search-title = Suche
search-results-title = Suchergebnisse für „{ $query }“
search-count = { $count ->
    [one] Ein Ergebnis
   *[other] { $count } Ergebnisse
}
search-none = Nichts gefunden für „{ $query }“. Versuchen Sie weniger oder andere Wörter.
search-empty = Geben Sie ein oder zwei Wörter ein, um Seiten, Webinare und Whitepaper zu durchsuchen.
search-kind-page = Seite
search-kind-webinar = Webinar
search-kind-whitepaper = Whitepaper
search-previous = Vorherige Ergebnisse
search-next = Weitere Ergebnisse
search-page-of = Seite { $page } von { $pages }
search-results-pages = Ergebnisseiten
search-count-many = Mehr als { $count } Ergebnisse
nav-menu = Menü
page-untranslated = Diese Seite ist noch nicht ins Deutsche übersetzt: Sie lesen sie in der Sprache, in der sie geschrieben wurde.

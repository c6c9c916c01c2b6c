# Der Rahmen jeder öffentlichen Seite: Kopf, Navigation, Fußbereich.
language-name = Deutsch
# Each language's name in this one, where a language is the subject ("Translate into German").
language-en = Englisch
language-de = Deutsch
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
footer-webinars = Kommende Webinare
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

## Zeitzonen: die Regionen und Orte, deren Name von der Zeitzonendatenbank abweicht
zone-region-africa = Afrika
zone-region-america = Amerika
zone-region-antarctica = Antarktis
zone-region-arctic = Arktis
zone-region-asia = Asien
zone-region-atlantic = Atlantik
zone-region-australia = Australien
zone-region-europe = Europa
zone-region-indian = Indischer Ozean
zone-region-pacific = Pazifik
zone-region-other = Weitere
zone-europe-vienna = Wien
zone-europe-zurich = Zürich
zone-europe-rome = Rom
zone-europe-warsaw = Warschau
zone-america-sao-paulo = São Paulo
zone-asia-singapore = Singapur
zone-asia-tokyo = Tokio
zone-europe-moscow = Moskau
zone-europe-prague = Prag
zone-europe-brussels = Brüssel
zone-europe-copenhagen = Kopenhagen
zone-europe-lisbon = Lissabon
zone-europe-athens = Athen
zone-europe-bucharest = Bukarest
zone-europe-kiev = Kiew
zone-europe-kyiv = Kyjiw
zone-europe-belgrade = Belgrad
zone-europe-luxembourg = Luxemburg
zone-asia-shanghai = Schanghai

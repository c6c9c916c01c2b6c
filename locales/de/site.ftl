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

# Der Newsletter: Anmeldung, Double-Opt-in, Abmeldung und die Liste der Abonnenten.
newsletter_signup = Newsletter-Anmeldung
newsletter-title = Newsletter
newsletter-intro = Eine kurze E-Mail etwa einmal im Monat: neue Webinare, Whitepaper und was wir in Projekten lernen.
newsletter-consent = Ja, schicken Sie mir den Newsletter. Ich kann ihn jederzeit abbestellen; mehr dazu in den
    .version = 2026-11
newsletter-subscribe = Abonnieren
newsletter-check-inbox = Bitte sehen Sie in Ihr Postfach.
newsletter-check-inbox-text = Wir haben Ihnen einen Link zur Bestätigung Ihrer Adresse geschickt. Erst nach der Bestätigung erhalten Sie den Newsletter.
newsletter-mail-subject = Bitte bestätigen Sie Ihr Newsletter-Abonnement
newsletter-mail-heading = Ein Klick zur Bestätigung
newsletter-mail-intro = Jemand (hoffentlich Sie) hat sich mit dieser Adresse für unseren Newsletter angemeldet. Bestätigen Sie mit dem Knopf unten; wenn Sie es nicht waren, ignorieren Sie diese Mail, dann geschieht nichts.
newsletter-confirm-button = Abonnement bestätigen
newsletter-confirm-text = Bestätigen Sie, dass Sie unseren Newsletter an diese Adresse erhalten möchten.
newsletter-confirmed = Vielen Dank, Ihr Abonnement ist bestätigt.
newsletter-link-invalid = Dieser Link ist nicht (mehr) gültig: Er wurde schon benutzt oder ist älter als eine Woche. Melden Sie sich erneut an, um einen neuen zu erhalten.
newsletter-unsubscribe-label = Abmelden
newsletter-unsubscribe-text = Den Newsletter abbestellen für
newsletter-unsubscribe-button = Abbestellen
newsletter-unsubscribed = Sie sind abgemeldet und erhalten den Newsletter nicht mehr.
admin-nav-subscribers = Abonnenten
subscribers-found = { $count ->
    [one] 1 Abonnement
   *[other] { $count } Abonnements
}
subscriber-status-pending = wartet auf Bestätigung
subscriber-status-confirmed = bestätigt
subscriber-status-unsubscribed = abgemeldet
subscribers-export = Bestätigte exportieren (CSV)
subscribers-search = Adresse enthält
subscriber-signed-up = Angemeldet
subscriber-confirmed-at = Bestätigt
privacy-notice-link = Datenschutzhinweisen

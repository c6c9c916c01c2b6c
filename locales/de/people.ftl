# Alle, die ihre Angaben hinterlassen haben, und ihre Datenschutz-Anfragen.
admin-nav-people = Personen
people-search = Name, Adresse oder Unternehmen
people-found = { $count ->
    [one] 1 Person
   *[other] { $count } Personen
}
people-person = Person
people-last-activity = Zuletzt aktiv
person-export = Alles exportieren (JSON)
person-consents = Einwilligungen
person-consent-form = Formular
person-consent-about = Betreff
person-consent-version = Textversion
person-consent-at = Zugestimmt
person-consent-withdrawn = Widerrufen
person-erase = Diese Person löschen
person-erase-text = Löscht alle Buchungen, Webinar-Anmeldungen, Whitepaper-Anfragen, Nachrichten, Formular-Einsendungen, Leads und das Newsletter-Abonnement dieser Adresse, gibt ihre Termine und Plätze frei und zieht alle Mails an sie zurück; Webhooks erfahren von der Löschung, damit das CRM sie auch löschen kann. Das Protokoll vermerkt, dass gelöscht wurde, nicht wer.
person-erase-confirm = Ja, alles zu dieser Adresse endgültig löschen.
person-erased = Alles zu dieser Person ist gelöscht.

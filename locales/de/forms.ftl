# Was jedes Lead-Formular zu den Feldern sagt, die Menschen ausfüllen.
form-errors = Bitte prüfen Sie die markierten Felder; alles, was Sie eingegeben haben, steht noch da.
field-error-name = Geben Sie Ihren Namen ein (höchstens 100 Zeichen).
field-error-email = Geben Sie eine E-Mail-Adresse wie name@example.com ein.
field-error-phone = Nur Ziffern, Leerzeichen und + ( ) - / (höchstens 40).
field-error-too-long = Das ist zu lang.
field-error-consent = Bitte stimmen Sie den Bedingungen und dem Datenschutzhinweis zu.
lead-first-name = Vorname
lead-last-name = Nachname
lead-email = E-Mail
lead-company = Unternehmen
lead-job-title = Position (optional)
lead-phone = Telefon (optional)
lead-consent = Ich stimme den Bedingungen und der Verarbeitung meiner Angaben zu, wie im
lead-privacy-link = Datenschutzhinweis beschrieben
lead-marketing = Ja, schicken Sie mir gelegentlich Neuigkeiten zu Veranstaltungen und Artikeln (jederzeit abbestellbar).
field-error-company = Bitte geben Sie Ihr Unternehmen an (höchstens 100 Zeichen).

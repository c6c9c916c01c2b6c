# Der Kontaktformular-Block, seine Mails und der Posteingang des Teams.
contact_form = Kontaktformular
field-topics = Themen zur Auswahl (eines pro Zeile; leer: kein Themenfeld)
contact-title-default = Schreiben Sie uns
contact-name = Ihr Name
contact-company = Unternehmen (optional)
contact-phone = Telefon (optional)
contact-topic = Thema
contact-topic-choose = Bitte wählen
contact-message = Ihre Nachricht
contact-send = Nachricht senden
contact-consent = Ich bin einverstanden, dass meine Angaben zur Beantwortung meiner Nachricht verwendet werden; mehr dazu in den
    .version = 2026-11
contact-thanks-heading = Vielen Dank, Ihre Nachricht ist unterwegs.
contact-thanks-text = Wir haben Ihnen eine Kopie per E-Mail geschickt und melden uns bald, meist innerhalb eines Werktags.
contact-error-topic = Bitte wählen Sie eines der Themen.
contact-error-message = Bitte schreiben Sie Ihre Nachricht (höchstens 2.000 Zeichen).
contact-notify-subject = Neue Nachricht von { $name }
contact-notify-heading = Eine neue Nachricht über die Website
contact-notify-intro = { $name } hat über das Kontaktformular geschrieben. Antworten Sie an die Adresse unten.
contact-notify-open = Im Admin-Bereich öffnen
contact-receipt-subject = Wir haben Ihre Nachricht erhalten
contact-receipt-heading = Vielen Dank für Ihre Nachricht
contact-receipt-intro = Vielen Dank für Ihre Nachricht an { $site }. Wir haben sie erhalten und antworten bald. Falls Sie uns nicht geschrieben haben, können Sie diese E-Mail ignorieren.
contact-receipt-received = Eingegangen am
admin-nav-messages = Nachrichten
messages-inbox = Posteingang
messages-tabs = Nachrichten nach Status
messages-found = { $count ->
    [one] 1 Nachricht
   *[other] { $count } Nachrichten
}
messages-received = Eingegangen
messages-status = Status
message-status-unread = ungelesen
message-status-read = gelesen
message-status-answered = beantwortet
message-status-archived = archiviert
message-status-saved = Der Status der Nachricht ist gespeichert.
message-title = Nachricht
message-reply = Per E-Mail antworten
person-open = Alles zu dieser Person
person-consent = Einwilligung
dashboard-unread-messages = Ungelesene Nachrichten

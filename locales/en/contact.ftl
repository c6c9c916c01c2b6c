# The contact form block, its mails, and the team's inbox.
contact_form = Contact form
field-topics = Topics to choose from (one per line; empty: no topic field)
contact-title-default = Write to us
contact-name = Your name
contact-company = Company (optional)
contact-phone = Phone (optional)
contact-topic = Topic
contact-topic-choose = Please choose
contact-message = Your message
contact-send = Send message
contact-consent = I agree that my details are used to answer my message, as described in the
    .version = 2026-11
contact-thanks-heading = Thank you, your message is on its way.
contact-thanks-text = We have sent you a copy by e-mail and will get back to you soon, usually within one working day.
contact-error-topic = Please choose one of the topics.
contact-error-message = Please write your message (at most 2,000 characters).
contact-notify-subject = New message from { $name }
contact-notify-heading = A new message from the website
contact-notify-intro = { $name } wrote through the contact form. Reply to their address below.
contact-notify-open = Open it in the admin
contact-receipt-subject = We have received your message
contact-receipt-heading = Thank you for your message
contact-receipt-intro = Thank you for writing to { $site }. We have received your message and will answer soon. If you did not write to us, you can ignore this mail.
contact-receipt-received = Received on
admin-nav-messages = Messages
messages-inbox = Inbox
messages-tabs = Messages by status
messages-found = { $count ->
    [one] 1 message
   *[other] { $count } messages
}
messages-received = Received
messages-status = Status
message-status-unread = unread
message-status-read = read
message-status-answered = answered
message-status-archived = archived
message-status-saved = The message's status is saved.
message-title = Message
message-reply = Reply by e-mail
person-open = Everything about this person
person-consent = Consent
dashboard-unread-messages = Unread messages

# Everyone who left their details, and their privacy requests.
admin-nav-people = People
people-search = Name, address or company
people-found = { $count ->
    [one] 1 person
   *[other] { $count } people
}
people-person = Person
people-last-activity = Last activity
person-export = Export everything (JSON)
person-consents = Consent history
person-consent-form = Form
person-consent-about = About
person-consent-version = Text version
person-consent-at = Agreed
person-consent-withdrawn = Withdrawn
person-erase = Erase this person
person-erase-text = Deletes every booking, webinar registration, whitepaper request, message, form submission, lead and newsletter subscription of this address, frees their slots and seats, and withdraws every mail to them; webhooks are told of the erasure so a CRM can erase them too. The audit log keeps that an erasure happened, not whose.
person-erase-confirm = Yes, erase everything about this address for good.
person-erased = Everything about that person is erased.

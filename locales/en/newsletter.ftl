# The newsletter: sign-up, double opt-in, unsubscribe, and the subscriber list.
newsletter_signup = Newsletter sign-up
newsletter-title = Newsletter
newsletter-intro = A short e-mail about once a month: new webinars, whitepapers and what we learn in projects.
newsletter-consent = Yes, send me the newsletter. I can unsubscribe at any time; more in the
    .version = 2026-11
newsletter-subscribe = Subscribe
newsletter-check-inbox = Please check your inbox.
newsletter-check-inbox-text = We have sent you a link to confirm your address. Only after you confirm will you get the newsletter.
newsletter-mail-subject = Please confirm your newsletter subscription
newsletter-mail-heading = One click to confirm
newsletter-mail-intro = Someone (we hope you) signed up for our newsletter with this address. Confirm with the button below; if it was not you, ignore this mail and nothing happens.
newsletter-confirm-button = Confirm my subscription
newsletter-confirm-text = Confirm that you want to receive our newsletter at this address.
newsletter-confirmed = Thank you, your subscription is confirmed.
newsletter-link-invalid = This link is not valid (any more): it was used already or is older than a week. Sign up again to get a new one.
newsletter-unsubscribe-label = Unsubscribe
newsletter-unsubscribe-text = Stop the newsletter for
newsletter-unsubscribe-button = Unsubscribe
newsletter-unsubscribed = You are unsubscribed. You will not get the newsletter any more.
admin-nav-subscribers = Subscribers
subscribers-found = { $count ->
    [one] 1 subscription
   *[other] { $count } subscriptions
}
subscriber-status-pending = waiting for confirmation
subscriber-status-confirmed = confirmed
subscriber-status-unsubscribed = unsubscribed
subscribers-export = Export confirmed (CSV)
subscribers-search = Address contains
subscriber-signed-up = Signed up
subscriber-confirmed-at = Confirmed
privacy-notice-link = privacy notice

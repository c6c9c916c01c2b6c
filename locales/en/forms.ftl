# What every lead form says about the fields people fill in.
form-errors = Please check the marked fields; everything you typed is still here.
field-error-name = Enter your name (at most 100 characters).
field-error-email = Enter an email address like name@example.com.
field-error-phone = Use digits, spaces and + ( ) - / only (at most 40).
field-error-too-long = This is too long.
field-error-consent = Please agree to the terms and the privacy notice.
lead-first-name = First name
lead-last-name = Last name
lead-email = Email
lead-company = Company
lead-job-title = Job title (optional)
lead-phone = Phone (optional)
lead-consent = I agree to the terms and to my details being processed as described in the
lead-privacy-link = privacy notice
lead-marketing = Yes, send me occasional news about events and articles (you can unsubscribe at any time).
field-error-company = Enter your company (at most 100 characters).

# Error pages.
error-400-title = That request did not work
error-400-text = The request could not be understood. Please check the address or the form and try again.
error-403-title = Access denied
error-403-text = You are not allowed to do this. If you think you should be, sign in again and retry.
error-404-title = Page not found
error-404-text = The page you are looking for does not exist or has moved. The navigation above leads to everything on this site.
error-413-title = That was too much at once
error-413-text = The request was larger than this site accepts. Please send less data, or a smaller file.
error-429-title = Too many requests
error-429-text = Please wait a moment and try again.
error-500-title = Something went wrong on our side
error-500-text = We have been notified and are looking into it. Please try again in a few minutes.
error-503-title = Temporarily unavailable
error-503-text = The site is busy right now. Please try again in a few seconds.
error-reference = Error reference:
error-back-home = Back to the home page

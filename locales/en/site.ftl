# The frame of every public page: header, navigation, footer.
language-name = English
nav-skip-to-content = Skip to content
nav-main-label = Main navigation
nav-language-label = Language
nav-book-consultation = Book a consultation
nav-home = Home
breadcrumbs-label = Breadcrumb
footer-company = Company
footer-resources = Resources
footer-legal = Legal
footer-tagline = AI engineering and software development for growing companies.
footer-copyright = © { $year } { $site }
preview-banner = Preview: this is how the page will look. Visitors do not see these changes yet.
footer-webinars = Knowledge Program
pricing-recommended = Recommended
consultant-book = Book a consultation

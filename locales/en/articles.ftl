articles-title = Insights
articles-intro = News, case studies and how-tos from our team.
articles-category-intro = Articles in this category, newest first.
articles-tag-title = Articles tagged “{ $tag }”
articles-page-title = { $title }, page { $page }
articles-minutes = { $minutes ->
    [one] 1 min read
   *[other] { $minutes } min read
}
articles-none = No articles here yet.
articles-all = All articles
articles-categories = Categories
articles-pages = Pages of the list
articles-newer = Newer
articles-older = Older
articles-feed = Subscribe to the feed (Atom)
articles-by = By
articles-updated = updated
articles-tags = Tags
articles-share = Share:
articles-more = More articles
articles-previous = Previous:
articles-next = Next:
articles-related = Related articles
footer-articles = Insights
footer-all-articles = All articles

# Admin
admin-nav-articles = Articles
article-new = New article
article-edit = Edit article
article-settings = Address and publishing
article-details = Cover, authors and topics
article-cover = Cover image
article-cover-none = None
article-cover-alt = Cover description
article-authors = Authors
article-categories = Categories
article-categories-none = No categories yet.
article-settings-link = Categories and settings
article-tags = Tags
article-tags-help = Separated by commas, for example: pricing, onboarding
article-updated-on = Updated on
article-updated-on-help = Set it when a change matters to readers; the article then shows this date beside its publishing date.
article-error-cover = Choose an image from the media library.
article-error-date = Enter a date such as 2026-12-06.
article-error-authors = Name at least one author.
article-error-section-taken = A page or a feature of the site already answers at this address.
article-error-author-slug = Another author already has this address.
articles-search = Search articles
articles-found = { $count ->
    [one] 1 article
   *[other] { $count } articles
}
article-settings-title = Articles: categories and settings
article-section-title = Where the section answers
article-section-address = Address
article-in-footer = List the latest three articles in every page's footer
article-category-name = Name
article-category-delete = Delete category
article-category-delete-confirm = Articles in this category keep their other categories; this one disappears from their pages and its address answers 404.
article-category-delete-yes = Yes, delete the category
article-category-new = New category
article-category-slug-help = Left empty, the address is made from the name.
article-category-add = Add category
article-tags-none = No article has tags yet.
author-profile-title = Author profile
author-profile-help = What readers see beside your articles and on your author page. Nothing is public until you turn it on.
author-profile-view = Open your author page
author-profile-public = Show my profile and author page to visitors
author-profile-name = Name as shown
author-profile-slug-help = The end of your author page's address, for example ada-lovelace.
author-profile-photo = Photo
author-profile-role = Role
author-profile-bio = Short bio
audit-action-article-category-added = Article category added
audit-action-article-category-changed = Article category changed
audit-action-article-category-deleted = Article category deleted
audit-action-articles-settings-changed = Articles settings changed
audit-action-author-profile-saved = Author profile saved
article_teaser = Latest articles
field-article-category = Only this category (its address in the default language, e.g. case-studies; empty: all)
dashboard-scheduled-articles = Scheduled
dashboard-article-drafts = Newest drafts

articles-title = Insights
articles-intro = Neuigkeiten, Fallstudien und Anleitungen aus unserem Team.
articles-category-intro = Artikel dieser Kategorie, die neuesten zuerst.
articles-tag-title = Artikel mit dem Schlagwort „{ $tag }“
articles-page-title = { $title }, Seite { $page }
articles-minutes = { $minutes ->
    [one] 1 Min. Lesezeit
   *[other] { $minutes } Min. Lesezeit
}
articles-none = Hier gibt es noch keine Artikel.
articles-all = Alle Artikel
articles-categories = Kategorien
articles-pages = Seiten der Liste
articles-newer = Neuere
articles-older = Ältere
articles-feed = Feed abonnieren (Atom)
articles-by = Von
articles-updated = aktualisiert
articles-tags = Schlagwörter
articles-share = Teilen:
articles-more = Weitere Artikel
articles-previous = Vorheriger:
articles-next = Nächster:
articles-related = Ähnliche Artikel
footer-articles = Insights
footer-all-articles = Alle Artikel

# Admin
admin-nav-articles = Artikel
article-new = Neuer Artikel
article-edit = Artikel bearbeiten
article-settings = Adresse und Veröffentlichung
article-details = Titelbild, Autoren und Themen
article-cover = Titelbild
article-cover-none = Keines
article-cover-alt = Beschreibung des Titelbilds
article-authors = Autoren
article-categories = Kategorien
article-categories-none = Noch keine Kategorien.
article-settings-link = Kategorien und Einstellungen
article-tags = Schlagwörter
article-tags-help = Durch Kommas getrennt, zum Beispiel: Preise, Einführung
article-updated-on = Aktualisiert am
article-updated-on-help = Setzen Sie es, wenn eine Änderung für Leser zählt; der Artikel zeigt dieses Datum dann neben dem Veröffentlichungsdatum.
article-error-cover = Wählen Sie ein Bild aus der Mediathek.
article-error-date = Geben Sie ein Datum wie 2026-12-06 ein.
article-error-authors = Nennen Sie mindestens einen Autor.
article-error-section-taken = Unter dieser Adresse antwortet bereits eine Seite oder eine Funktion der Website.
article-error-author-slug = Ein anderer Autor hat diese Adresse bereits.
articles-search = Artikel suchen
articles-found = { $count ->
    [one] 1 Artikel
   *[other] { $count } Artikel
}
article-settings-title = Artikel: Kategorien und Einstellungen
article-section-title = Wo der Bereich antwortet
article-section-address = Adresse
article-in-footer = Die drei neuesten Artikel in der Fußzeile jeder Seite zeigen
article-category-name = Name
article-category-delete = Kategorie löschen
article-category-delete-confirm = Artikel dieser Kategorie behalten ihre anderen Kategorien; diese verschwindet von ihren Seiten, und ihre Adresse antwortet mit 404.
article-category-delete-yes = Ja, Kategorie löschen
article-category-new = Neue Kategorie
article-category-slug-help = Leer gelassen, wird die Adresse aus dem Namen gebildet.
article-category-add = Kategorie hinzufügen
article-tags-none = Noch kein Artikel hat Schlagwörter.
author-profile-title = Autorenprofil
author-profile-help = Was Leser neben Ihren Artikeln und auf Ihrer Autorenseite sehen. Nichts ist öffentlich, bevor Sie es einschalten.
author-profile-view = Ihre Autorenseite öffnen
author-profile-public = Mein Profil und meine Autorenseite für Besucher zeigen
author-profile-name = Angezeigter Name
author-profile-slug-help = Das Ende der Adresse Ihrer Autorenseite, zum Beispiel ada-lovelace.
author-profile-photo = Foto
author-profile-role = Funktion
author-profile-bio = Kurzbiografie
audit-action-article-category-added = Artikelkategorie hinzugefügt
audit-action-article-category-changed = Artikelkategorie geändert
audit-action-article-category-deleted = Artikelkategorie gelöscht
audit-action-articles-settings-changed = Artikeleinstellungen geändert
audit-action-author-profile-saved = Autorenprofil gespeichert
article_teaser = Neueste Artikel
field-article-category = Nur diese Kategorie (ihre Adresse in der Standardsprache, z. B. case-studies; leer: alle)
dashboard-scheduled-articles = Geplant
dashboard-article-drafts = Neueste Entwürfe

# Fehlerseiten.
error-400-title = Diese Anfrage hat nicht funktioniert
error-400-text = Die Anfrage konnte nicht verstanden werden. Bitte prüfen Sie die Adresse oder das Formular und versuchen Sie es erneut.
error-403-title = Zugriff verweigert
error-403-text = Dazu fehlt Ihnen die Berechtigung. Falls Sie sie haben sollten, melden Sie sich erneut an und versuchen Sie es noch einmal.
error-404-title = Seite nicht gefunden
error-404-text = Die gesuchte Seite gibt es nicht oder sie ist umgezogen. Über die Navigation oben erreichen Sie alle Inhalte dieser Website.
error-413-title = Das war zu viel auf einmal
error-413-text = Die Anfrage war größer, als diese Website annimmt. Bitte senden Sie weniger Daten oder eine kleinere Datei.
error-429-title = Zu viele Anfragen
error-429-text = Bitte warten Sie einen Moment und versuchen Sie es dann erneut.
error-500-title = Bei uns ist etwas schiefgelaufen
error-500-text = Wir wurden benachrichtigt und kümmern uns darum. Bitte versuchen Sie es in ein paar Minuten erneut.
error-503-title = Vorübergehend nicht erreichbar
error-503-text = Die Website ist gerade ausgelastet. Bitte versuchen Sie es in ein paar Sekunden erneut.
error-reference = Fehlerreferenz:
error-back-home = Zur Startseite

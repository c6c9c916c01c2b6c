//! Users of the admin panel: their e-mail addresses and roles.

pub use crate::forms::{BadEmail, Email};

/// What a user may do: editors run the content, admins also users and settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Writes drafts and submits them for review; never publishes or deletes.
    Author,
    Editor,
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "author" => Some(Role::Author),
            "editor" => Some(Role::Editor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Author => "author",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }
}

#[derive(Clone, Debug)]
pub struct User {
    pub id: i64,
    pub email: Email,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    /// The time zone the admin shows and reads times in (IANA name); `None`: the site's.
    pub time_zone: Option<String>,
    /// The language of the admin and of mails to this person; `None`: the site's default.
    pub language: Option<String>,
}

impl User {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Editors and admins review what others submit; authors only submit.
    pub fn is_reviewer(&self) -> bool {
        self.role != Role::Author
    }

    /// Whether this person may put pages live (or take them down) without a review: admins always,
    /// editors unless the site has publishing need review, authors never.
    pub fn may_publish(&self, review_required: bool) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Editor => !review_required,
            Role::Author => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(
            Email::parse("  Anna@Example.COM ").unwrap().as_str(),
            "anna@example.com"
        );
        for bad in [
            "",
            "anna",
            "@example.com",
            "anna@",
            "anna@example",
            "an na@example.com",
            "a@b..com",
            "a@.b.com",
            "a\r\n@b.com",
            "<a>@b.com",
        ] {
            assert_eq!(Email::parse(bad), Err(BadEmail), "{bad:?} accepted");
        }
    }
}

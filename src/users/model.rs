//! Users of the admin panel: their e-mail addresses and roles.

pub use crate::forms::{BadEmail, Email};

/// What a user may do: editors run the content, admins also users and settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Editor,
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "editor" => Some(Role::Editor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
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
}

impl User {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
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

//! "Is it really you?": the check a signed-in person passes before changing how they sign in (their
//! password, two-factor, recovery codes). A stolen session alone changes nothing. The check runs
//! through the same throttle as signing in and every failure is audited, so a session thief cannot
//! guess the password from inside the account pages either.
use actix_web::HttpRequest;

use super::{devices, throttle, two_factor};
use crate::audit::store::record_action;
use crate::db;
use crate::error::AppError;
use crate::users::password;
use crate::users::store as users;
use crate::web::auth::{CurrentUser, client_ip};
use crate::web::state::AppState;

/// What a person may prove themselves with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proof {
    /// The current password only.
    Password,
    /// The current password, or a current code from their authenticator when two-factor is on.
    PasswordOrCode,
}

/// Whether `typed` is the person's current password (or, where `proof` allows, a code their
/// authenticator shows now, used once). 429 while the account or the client is paused.
pub async fn it_is_them(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    typed: &str,
    proof: Proof,
) -> Result<bool, AppError> {
    let ip = client_ip(req);
    let device = devices::known_device(req, state, user.user.id);
    let attempt = throttle::Attempt {
        account: user.user.email.as_str(),
        ip: &ip,
        device: device.as_deref(),
    };
    if let Err(wait) = throttle::admit(&state.db, &attempt, db::now()).await? {
        record_action(
            &state.db,
            user,
            req,
            "password-check-throttled",
            &format!("user {}", user.user.id),
        )
        .await?;
        return Err(AppError::TooMany {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let secret = match proof {
        Proof::PasswordOrCode if looks_like_code(typed) => {
            two_factor::secret(&state.db, user.user.id).await?
        }
        _ => None,
    };
    let right = match secret {
        Some(secret) => {
            let now = u64::try_from(db::now().unix_timestamp()).unwrap_or(0);
            match two_factor::matching_step(&secret, typed, now)? {
                Some(step) => two_factor::use_step(&state.db, user.user.id, step).await?,
                None => false,
            }
        }
        None => {
            let stored = users::password_hash(&state.db, user.user.id).await?;
            password::verify(typed.to_owned(), stored).await?
        }
    };
    if right {
        throttle::record_success(&state.db, &attempt).await?;
    } else {
        throttle::record_failure(&state.db, db::now()).await?;
        record_action(
            &state.db,
            user,
            req,
            "password-check-failed",
            &format!("user {}", user.user.id),
        )
        .await?;
    }
    Ok(right)
}

/// Six digits (spaces allowed, as apps group them): an authenticator's code, never a password
/// (those have at least twelve characters).
fn looks_like_code(typed: &str) -> bool {
    let digits: Vec<char> = typed.chars().filter(|c| !c.is_whitespace()).collect();
    digits.len() == two_factor::DIGITS && digits.iter().all(char::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_digits_are_a_code_and_anything_else_a_password() {
        assert!(looks_like_code("123 456"));
        assert!(looks_like_code("123456"));
        assert!(!looks_like_code("1234567"));
        assert!(!looks_like_code("a long enough passphrase"));
    }
}

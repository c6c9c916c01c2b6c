//! Passwords: Argon2id hashes with OWASP's parameters (19 MiB, 2 passes, 1 lane), and the one rule
//! every new password meets, wherever it is set: at least 12 characters and not guessable, as
//! zxcvbn (Dropbox's estimator, with its lists of common passwords, names and words) judges it.
//! Hashing is slow on purpose: call these off the async executor (`web::block`).
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 1024;

fn hasher() -> Argon2<'static> {
    // 19 MiB memory, 2 iterations, 1 degree of parallelism: OWASP's recommendation for Argon2id.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WeakPassword {
    #[error("a password needs at least {MIN_LENGTH} characters")]
    TooShort,
    #[error("a password has at most {MAX_LENGTH} characters")]
    TooLong,
    #[error("that password is among the common ones or easy to guess; add a few uncommon words")]
    TooCommon,
}

impl WeakPassword {
    /// The Fluent id of the message that tells the person what to do.
    pub fn message_id(&self) -> &'static str {
        match self {
            WeakPassword::TooShort | WeakPassword::TooLong => "error-password-weak",
            WeakPassword::TooCommon => "error-password-common",
        }
    }
}

/// Refuses passwords shorter than 12 characters (or absurdly long ones), and those zxcvbn scores
/// below 3 of 4 ("safely unguessable") — common passwords, keyboard walks, a name and a year, or
/// the person's own address and name (`about_them`) dressed up.
pub fn check_strength(password: &str, about_them: &[&str]) -> Result<(), WeakPassword> {
    let len = password.chars().count();
    if len < MIN_LENGTH {
        return Err(WeakPassword::TooShort);
    }
    if len > MAX_LENGTH {
        return Err(WeakPassword::TooLong);
    }
    // zxcvbn's cost grows with length; past 100 characters a passphrase is long enough as it is.
    if len <= 100 && zxcvbn::zxcvbn(password, about_them).score() < zxcvbn::Score::Three {
        return Err(WeakPassword::TooCommon);
    }
    Ok(())
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`) for a new password.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let hash = hasher()
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))?;
    Ok(hash.to_string())
}

/// [`hash_password`] on a blocking thread, for request handlers.
pub async fn hash_in_background(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_password(&password)).await?
}

/// Whether `password` matches the stored hash; a malformed hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(hash) => hasher().verify_password(password.as_bytes(), &hash).is_ok(),
        Err(_) => false,
    }
}

/// Spends the time of one verification, for a login whose e-mail matches no user: the response time
/// does not tell whether an account exists.
pub fn verify_nothing(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = DUMMY.get_or_init(|| hash_password("magnetiq-timing-equaliser").unwrap_or_default());
    let _ = verify_password(password, hash);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("anything", "not a hash"));
        assert_ne!(
            hash,
            hash_password("correct horse battery").unwrap(),
            "salted"
        );
    }

    #[test]
    fn short_and_common_passwords_are_refused() {
        assert_eq!(
            check_strength("elevenchars", &[]),
            Err(WeakPassword::TooShort)
        );
        for common in [
            "password1234",
            "123456789012",
            "qwertyuiopasdf",
            "iloveyou2024",
            "Password123!",
        ] {
            assert_eq!(
                check_strength(common, &[]),
                Err(WeakPassword::TooCommon),
                "{common}"
            );
        }
        assert_eq!(
            check_strength("anna.berg@example.com", &["anna.berg@example.com"]),
            Err(WeakPassword::TooCommon)
        );
        for fine in [
            "a long enough passphrase",
            "Kaffeemaschine entkalken 7",
            "ümläüteäöüß!ß",
            "tulip quartz lantern",
        ] {
            assert_eq!(check_strength(fine, &[]), Ok(()), "{fine}");
        }
    }
}

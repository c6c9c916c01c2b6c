//! Two-factor sign-in: a TOTP authenticator (RFC 6238 as every authenticator app expects it: SHA-1,
//! 30-second steps, 6 digits, one step of drift either way) and ten recovery codes. The computing is
//! totp-rs's, the QR code qrcode's; what is stored, and the rule that a time step or a recovery code
//! is used once, are here.
//!
//! The authenticator's secret is kept as the app holds it (base32), since checking a code needs it;
//! recovery codes only as hashes.
use qrcode::QrCode;
use qrcode::render::svg;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::db::{Db, now, sql};
use crate::tokens::token_hash;

pub const STEP_SECONDS: u64 = 30;
pub const DIGITS: usize = 6;
pub const RECOVERY_CODES: usize = 10;
const SECRET_BYTES: usize = 20;

/// A new authenticator secret: 160 random bits, base32 as authenticator apps take it.
pub fn new_secret() -> anyhow::Result<String> {
    let mut bytes = vec![0u8; SECRET_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    match Secret::Raw(bytes).to_encoded() {
        Secret::Encoded(text) => Ok(text),
        Secret::Raw(_) => anyhow::bail!("the secret could not be encoded"),
    }
}

fn totp(secret: &str) -> anyhow::Result<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned())
        .to_bytes()
        .map_err(|e| anyhow::anyhow!("bad authenticator secret: {e:?}"))?;
    TOTP::new(Algorithm::SHA1, DIGITS, 1, STEP_SECONDS, bytes)
        .map_err(|e| anyhow::anyhow!("bad authenticator secret: {e:?}"))
}

/// The code an authenticator shows for `secret` at `unix_time`.
pub fn code_at(secret: &str, unix_time: u64) -> anyhow::Result<String> {
    Ok(totp(secret)?.generate(unix_time))
}

/// The time step `code` belongs to, if it is the code of the step at `unix_time` or of the one
/// before or after (clocks drift); `None` otherwise.
pub fn matching_step(secret: &str, code: &str, unix_time: u64) -> anyhow::Result<Option<u64>> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let totp = totp(secret)?;
    let step = unix_time / STEP_SECONDS;
    for candidate in [step.saturating_sub(1), step, step + 1] {
        let expected = totp.generate(candidate * STEP_SECONDS);
        if crate::tokens::constant_time_eq(expected.as_bytes(), code.as_bytes()) {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}

/// The `otpauth://` address a QR code carries to the authenticator app.
pub fn otpauth_uri(secret: &str, issuer: &str, account: &str) -> String {
    let issuer_part = crate::web::percent_encode(issuer, b"");
    let account_part = crate::web::percent_encode(account, b"@");
    format!(
        "otpauth://totp/{issuer_part}:{account_part}?secret={secret}&issuer={issuer_part}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}"
    )
}

/// The QR code of `uri` as an SVG document.
pub fn qr_svg(uri: &str) -> anyhow::Result<String> {
    let code = QrCode::new(uri.as_bytes())?;
    Ok(code
        .render::<svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

/// Ten new recovery codes, `xxxx-xxxx-xxxx` (60 random bits each, in letters and digits that are
/// hard to mistake for one another).
pub fn new_recovery_codes() -> anyhow::Result<Vec<String>> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 12];
            getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
            let chars: Vec<char> = bytes
                .iter()
                .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
                .collect();
            Ok(format!(
                "{}-{}-{}",
                chars[..4].iter().collect::<String>(),
                chars[4..8].iter().collect::<String>(),
                chars[8..].iter().collect::<String>()
            ))
        })
        .collect()
}

/// What is stored of a recovery code, however it was typed (case, spaces, dashes).
pub fn recovery_code_hash(code: &str) -> String {
    let plain: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    token_hash(&format!("recovery:{plain}"))
}

/// Whether `code` looks like a recovery code rather than an authenticator's six digits.
pub fn looks_like_recovery_code(code: &str) -> bool {
    code.chars().filter(char::is_ascii_alphanumeric).count() == 12
}

/// The user's authenticator secret, when two-factor sign-in is on for them.
pub async fn secret(db: &Db, user_id: i64) -> anyhow::Result<Option<String>> {
    Ok(sql("SELECT secret FROM user_totp WHERE user_id = $1")
        .bind(user_id)
        .scalar_optional(db)
        .await?)
}

/// Turns two-factor sign-in on with `secret`, replacing any earlier authenticator and codes, and
/// lets every session of the user that was only allowed to enrol go on.
pub async fn enable(
    db: &Db,
    user_id: i64,
    secret: &str,
    step: u64,
    codes: &[String],
) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    sql("DELETE FROM user_totp WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut tx)
        .await?;
    sql("INSERT INTO user_totp (user_id, secret, enabled_at, last_step) VALUES ($1, $2, $3, $4)")
        .bind(user_id)
        .bind(secret)
        .bind(now())
        .bind(i64::try_from(step)?)
        .execute(&mut tx)
        .await?;
    store_codes(&mut tx, user_id, codes).await?;
    sql("UPDATE admin_sessions SET must_enrol = $1 WHERE user_id = $2")
        .bind(false)
        .bind(user_id)
        .execute(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

async fn store_codes(tx: &mut crate::db::Tx, user_id: i64, codes: &[String]) -> anyhow::Result<()> {
    sql("DELETE FROM user_recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    for code in codes {
        sql("INSERT INTO user_recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(recovery_code_hash(code))
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// New recovery codes in place of the old ones.
pub async fn replace_recovery_codes(db: &Db, user_id: i64, codes: &[String]) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    store_codes(&mut tx, user_id, codes).await?;
    tx.commit().await?;
    Ok(())
}

/// Turns two-factor sign-in off for the user (by themselves, or reset by an admin).
pub async fn disable(db: &Db, user_id: i64) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    let removed = sql("DELETE FROM user_totp WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut tx)
        .await?;
    sql("DELETE FROM user_recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(removed > 0)
}

/// Uses time step `step` for the user: `false` when it (or a later one) was used already, so a
/// code seen over someone's shoulder cannot be replayed.
pub async fn use_step(db: &Db, user_id: i64, step: u64) -> anyhow::Result<bool> {
    let changed = sql("UPDATE user_totp SET last_step = $1 WHERE user_id = $2 AND last_step < $1")
        .bind(i64::try_from(step)?)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(changed == 1)
}

/// Uses a recovery code: `true` once per code.
pub async fn use_recovery_code(db: &Db, user_id: i64, code: &str) -> anyhow::Result<bool> {
    let changed = sql("UPDATE user_recovery_codes SET used_at = $1
         WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL")
    .bind(now())
    .bind(user_id)
    .bind(recovery_code_hash(code))
    .execute(db)
    .await?;
    Ok(changed == 1)
}

pub async fn recovery_codes_left(db: &Db, user_id: i64) -> anyhow::Result<i64> {
    Ok(
        sql("SELECT count(*) FROM user_recovery_codes WHERE user_id = $1 AND used_at IS NULL")
            .bind(user_id)
            .scalar(db)
            .await?,
    )
}

const REQUIRED_SETTING: &str = "two_factor_required";

/// Whether the site requires two-factor sign-in of every admin and editor.
pub async fn required(db: &Db) -> anyhow::Result<bool> {
    crate::db::settings::flag(db, REQUIRED_SETTING).await
}

pub async fn set_required(db: &Db, on: bool) -> anyhow::Result<()> {
    crate::db::settings::set_flag(db, REQUIRED_SETTING, on).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_rfc_6238_and_one_step_of_drift() {
        // RFC 6238's SHA-1 test key "12345678901234567890", base32; its test vector at 59 s is
        // 94287082, whose last six digits an authenticator shows.
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assert_eq!(code_at(secret, 59).unwrap(), "287082");
        assert_eq!(code_at(secret, 1_111_111_109).unwrap(), "081804");
        let now = 1_111_111_109;
        let code = code_at(secret, now).unwrap();
        assert_eq!(matching_step(secret, &code, now).unwrap(), Some(now / 30));
        assert_eq!(
            matching_step(secret, &code, now + 30).unwrap(),
            Some(now / 30)
        );
        assert_eq!(matching_step(secret, &code, now + 90).unwrap(), None);
        assert_eq!(matching_step(secret, "12345", now).unwrap(), None);
        assert_eq!(matching_step(secret, "abcdef", now).unwrap(), None);
    }

    #[test]
    fn secrets_recovery_codes_and_the_qr_code_have_their_shapes() {
        let secret = new_secret().unwrap();
        assert_eq!(secret.len(), 32, "{secret}");
        assert!(code_at(&secret, 0).is_ok());
        let codes = new_recovery_codes().unwrap();
        assert_eq!(codes.len(), 10);
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 14 && looks_like_recovery_code(c))
        );
        assert_eq!(
            recovery_code_hash(&codes[0]),
            recovery_code_hash(&codes[0].to_uppercase().replace('-', " "))
        );
        let uri = otpauth_uri(&secret, "Magnetiq", "anna@example.com");
        assert!(uri.starts_with("otpauth://totp/Magnetiq:anna@example.com?secret="));
        let svg = qr_svg(&uri).unwrap();
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
    }
}

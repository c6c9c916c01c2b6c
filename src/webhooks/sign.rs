//! The signature every delivery carries, in the scheme Stripe uses (GitHub's is the same MAC):
//! `Magnetiq-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the secret>`.
//! The receiver recomputes it, compares in constant time and refuses timestamps older than a few
//! minutes, so a captured delivery cannot be replayed later.
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

pub const HEADER: &str = "Magnetiq-Signature";

/// The header's value for `body` sent at `unix_seconds`.
pub fn signature(secret: &str, unix_seconds: i64, body: &str) -> String {
    format!(
        "t={unix_seconds},v1={}",
        mac_hex(secret, unix_seconds, body)
    )
}

fn mac(secret: &str, unix_seconds: i64, body: &str) -> Hmac<Sha256> {
    // HMAC takes keys of any length: `new_from_slice` cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| Hmac::<Sha256>::new(&Default::default()));
    mac.update(unix_seconds.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    mac
}

fn mac_hex(secret: &str, unix_seconds: i64, body: &str) -> String {
    mac(secret, unix_seconds, body)
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `header` signs `body` under `secret` within `tolerance_secs` of `now_unix` (what a
/// receiver does; the tests' receiver and the README's snippet do the same).
pub fn verify(secret: &str, header: &str, body: &str, now_unix: i64, tolerance_secs: i64) -> bool {
    let mut t = None;
    let mut given = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => t = value.parse::<i64>().ok(),
            Some(("v1", value)) => given.push(value),
            _ => {}
        }
    }
    let Some(t) = t else { return false };
    if (now_unix - t).abs() > tolerance_secs {
        return false;
    }
    given.iter().any(|given| {
        hex_bytes(given).is_ok_and(|given| mac(secret, t, body).verify_slice(&given).is_ok())
    })
}

fn hex_bytes(s: &str) -> Result<Vec<u8>, ()> {
    if !s.len().is_multiple_of(2) {
        return Err(());
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2).ok_or(())?, 16).map_err(|_| ()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_and_a_changed_body_secret_or_old_time_does_not() {
        let header = signature("whsec_test", 1_765_000_000, r#"{"id":"evt_1"}"#);
        assert!(header.starts_with("t=1765000000,v1="));
        assert_eq!(header.len(), "t=1765000000,v1=".len() + 64);
        assert!(verify(
            "whsec_test",
            &header,
            r#"{"id":"evt_1"}"#,
            1_765_000_100,
            300
        ));
        assert!(!verify(
            "whsec_test",
            &header,
            r#"{"id":"evt_2"}"#,
            1_765_000_100,
            300
        ));
        assert!(!verify(
            "whsec_other",
            &header,
            r#"{"id":"evt_1"}"#,
            1_765_000_100,
            300
        ));
        assert!(!verify(
            "whsec_test",
            &header,
            r#"{"id":"evt_1"}"#,
            1_765_001_000,
            300
        ));
        assert!(!verify("whsec_test", "v1=00", "", 0, 300));
    }

    #[test]
    fn the_mac_is_hmac_sha256_as_rfc_4231_gives_it() {
        // RFC 4231, test case 2.
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}

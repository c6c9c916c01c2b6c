//! Unguessable links: 32 random bytes in hex, and the hash that is stored instead of the token, so a
//! copy of the database does not open anyone's confirmation page.
use blake2::{Blake2s256, Digest};

/// 32 random bytes as 64 hex digits.
pub fn random_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(hex(&bytes))
}

/// What the database keeps of `token`.
pub fn token_hash(token: &str) -> String {
    hex(&Blake2s256::digest(token.as_bytes()))
}

/// Whether `s` has a token's shape (64 hex digits): anything else is not looked up at all.
pub fn looks_like_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_as_hashes() {
        let a = random_token().unwrap();
        let b = random_token().unwrap();
        assert!(a != b && looks_like_token(&a));
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a).len(), 64);
        assert!(!looks_like_token("../../etc/passwd"));
    }
}

//! Passwords: Argon2id hashes with one of OWASP's parameter sets (7 MiB, 5 passes, 1 lane), and the
//! one rule every new password meets, wherever it is set: at least 12 characters and not guessable,
//! as zxcvbn (Dropbox's estimator, with its lists of common passwords, names and words) judges it.
//! Hashing is slow on purpose and takes 7 MiB while it runs: request handlers go through
//! [`verify`] and [`hash_in_background`], which run it on a few threads of its own (as many as there
//! are cores, at most four) with a short queue in front. A burst of sign-ins waits its turn or is
//! turned away as [`Busy`]; it never runs fifty hashes, and their memory, at once. A hash made with
//! other parameters (19 MiB and 2 passes, before) still verifies, and is made again at the next
//! sign-in ([`outdated`]).
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, OnceLock};

use std::cell::RefCell;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 1024;

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

/// 7 MiB of memory, 5 passes, 1 lane: of the Argon2id settings OWASP's password storage cheat sheet
/// lists as equally strong (46 MiB and 1 pass, 19 MiB and 2, 12 MiB and 3, 9 MiB and 4, 7 MiB and
/// 5), the one that takes least memory for about the same time (35 MiB passes; 19 MiB and 2 passes
/// are 38). Memory is what a small instance runs short of: with 19 MiB, one sign-in was a third of
/// the site's peak RSS.
fn params() -> Params {
    Params::new(7 * 1024, 5, 1, None).unwrap_or_default()
}

/// Whether `stored` was made with other parameters, or another Argon2 variant, than a new hash
/// would be: worth making again while the password is at hand (a right one at sign-in).
pub fn outdated(stored: &str) -> bool {
    let Ok(hash) = PasswordHash::new(stored) else {
        return true;
    };
    let current = params();
    let same_params = Params::try_from(&hash).is_ok_and(|p| {
        (p.m_cost(), p.t_cost(), p.p_cost())
            == (current.m_cost(), current.t_cost(), current.p_cost())
    });
    !(same_params
        && hash.algorithm == Algorithm::Argon2id.ident()
        && hash.version == Some(Version::V0x13.into()))
}

thread_local! {
    /// The memory an Argon2 run works in, kept per thread where malloc was not told to give large
    /// blocks back ([`crate::heap`]): there a hash allocated and freed per run would teach malloc
    /// that blocks this large come and go, leaving its memory in one arena after another (hundreds
    /// of MiB after a burst of sign-ins), while this stays the same few blocks however many runs.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Runs Argon2 with `params` over `password` and `salt` into `out`.
fn argon2_into(
    argon: &Argon2<'_>,
    blocks: usize,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    if crate::heap::large_blocks_go_back() {
        // The server's own settings: the 7 MiB come from the system and go back after the run,
        // so a sign-in leaves nothing resident behind.
        let mut memory = vec![Block::new(); blocks];
        return argon.hash_password_into_with_memory(password, salt, out, &mut memory[..]);
    }
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < blocks {
            memory.resize(blocks, Block::new());
        }
        argon.hash_password_into_with_memory(password, salt, out, &mut memory[..blocks])
    })
}

/// The PHC string (`$argon2id$v=19$m=7168,t=5,p=1$...`) for a new password.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let params = params();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let mut out = [0u8; 32];
    argon2_into(
        &argon,
        params.block_count(),
        password.as_bytes(),
        &salt,
        &mut out,
    )
    .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| anyhow::anyhow!("{e}"))?,
        salt: Some(Salt::new(&salt).map_err(|e| anyhow::anyhow!("{e}"))?),
        hash: Some(Output::new(&out).map_err(|e| anyhow::anyhow!("{e}"))?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the stored hash (any Argon2 variant and parameters the PHC string
/// names, as stored by this or an earlier version); a malformed hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    let Ok(hash) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(hash.algorithm.as_str()) else {
        return false;
    };
    let version = match hash.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(&hash) else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    argon2_into(
        &argon,
        params.block_count(),
        password.as_bytes(),
        salt.as_ref(),
        &mut out,
    )
    .is_ok()
        && crate::tokens::constant_time_eq(&out, expected.as_bytes())
}

/// [`hash_password`] on the hashing threads, for request handlers.
pub async fn hash_in_background(password: String) -> anyhow::Result<String> {
    on_hashing_thread(move || hash_password(&password)).await?
}

/// [`verify_password`] on the hashing threads, for request handlers; `verify(.., None)` spends the
/// time of a verification for an address that has no account ([`verify_nothing`]).
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, Busy> {
    on_hashing_thread(move || match stored {
        Some(stored) => verify_password(&password, &stored),
        None => {
            verify_nothing(&password);
            false
        }
    })
    .await
}

/// The hashing threads are all busy and the queue in front of them is full: answer 429.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("every password-hashing thread is busy")]
pub struct Busy;

impl From<Busy> for crate::error::AppError {
    fn from(_: Busy) -> Self {
        crate::error::AppError::TooMany {
            retry_after_secs: 1,
        }
    }
}

type Job = Box<dyn FnOnce() + Send>;

/// How many hashes may wait for a thread: about a quarter of a second of work per thread.
const QUEUE_PER_THREAD: usize = 6;

fn hashing_threads() -> &'static SyncSender<Job> {
    static JOBS: OnceLock<SyncSender<Job>> = OnceLock::new();
    JOBS.get_or_init(|| {
        let threads = std::thread::available_parallelism()
            .map_or(2, usize::from)
            .clamp(1, 4);
        let (jobs, queue) = sync_channel::<Job>(threads * QUEUE_PER_THREAD);
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads {
            let queue = Arc::clone(&queue);
            let started = std::thread::Builder::new()
                .name(format!("password-{n}"))
                .spawn(move || run_jobs(&queue));
            if let Err(e) = started {
                tracing::error!("cannot start a password-hashing thread: {e}");
            }
        }
        jobs
    })
}

fn run_jobs(queue: &Mutex<Receiver<Job>>) {
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        match job {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

async fn on_hashing_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Busy> {
    let (answer, answered) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = answer.send(work());
    });
    match hashing_threads().try_send(job) {
        Ok(()) => answered.await.map_err(|_| Busy),
        Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => Err(Busy),
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
        assert!(hash.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{hash}");
        assert!(!outdated(&hash));
        assert!(verify_password("correct horse battery", &hash));
        // The library's own verifier agrees, both ways.
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let library = Argon2::new(Algorithm::Argon2id, Version::V0x13, params());
        let parsed = PasswordHash::new(&hash).unwrap();
        assert!(
            library
                .verify_password(b"correct horse battery", &parsed)
                .is_ok()
        );
        let theirs = library
            .hash_password(b"a long enough passphrase")
            .unwrap()
            .to_string();
        assert!(verify_password("a long enough passphrase", &theirs));
        assert!(!verify_password("a long enough passphrasE", &theirs));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("anything", "not a hash"));
        assert_ne!(
            hash,
            hash_password("correct horse battery").unwrap(),
            "salted"
        );
    }

    #[test]
    fn hashes_made_with_other_parameters_verify_and_are_outdated() {
        use argon2::password_hash::PasswordHasher;
        let before = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(19 * 1024, 2, 1, None).unwrap(),
        )
        .hash_password(b"correct horse battery")
        .unwrap()
        .to_string();
        assert!(before.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("correct horse battery", &before));
        assert!(!verify_password("correct horse batterY", &before));
        assert!(outdated(&before));
        let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x13, params())
            .hash_password(b"correct horse battery")
            .unwrap()
            .to_string();
        assert!(verify_password("correct horse battery", &argon2i));
        assert!(outdated(&argon2i));
        assert!(outdated("not a hash"));
        assert!(!outdated(&hash_password("correct horse battery").unwrap()));
    }

    #[tokio::test]
    async fn a_burst_of_verifications_is_queued_or_turned_away_never_run_at_once() {
        let hash = hash_password("correct horse battery").unwrap();
        let tries: Vec<_> = (0..60)
            .map(|i| {
                let typed = if i == 0 {
                    "correct horse battery"
                } else {
                    "wrong"
                };
                tokio::spawn(verify(typed.to_owned(), Some(hash.clone())))
            })
            .collect();
        let mut answers = Vec::new();
        for attempt in tries {
            answers.push(attempt.await.unwrap());
        }
        assert_eq!(answers[0], Ok(true), "the first is queued and verified");
        let busy = answers.iter().filter(|a| **a == Err(Busy)).count();
        assert!(busy > 0, "sixty at once cannot all be queued: {answers:?}");
        assert!(answers[1..].iter().all(|a| *a != Ok(true)));
        assert_eq!(verify("x".into(), None).await, Ok(false), "free again");
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

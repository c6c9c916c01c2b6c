//! The C allocator's settings for a long-running server, made once at start (`main`). glibc's
//! defaults suit short programs: up to eight heaps per core, each keeping what a burst of requests
//! freed, and a threshold for handing memory back that rises with every large block freed. On a
//! 10,000-page site under load, a sign-in and an edit, that was 10 MB of resident memory kept for
//! nothing. Magnetiq asks for one heap per core, keeps blocks under 2 MiB in the heaps (compressing
//! a page allocates about that much and frees it; had each page's buffers come from the system
//! afresh, rendering every page ahead would take twice the CPU), and gives back what lies free
//! at a heap's top beyond 2 MiB. An operator's own `GLIBC_TUNABLES` for malloc wins.

use std::sync::atomic::{AtomicBool, Ordering};

/// Blocks of this size and larger come from the system and go back when freed; a heap keeps at
/// most this much free at its top.
const SYSTEM_BLOCK_BYTES: usize = 2 * 1024 * 1024;

#[derive(Debug, PartialEq, Eq)]
pub struct Settings {
    /// Heaps threads share (glibc's arenas).
    pub heaps: usize,
    pub mmap_threshold: usize,
    pub trim_threshold: usize,
}

/// What to ask for on a machine of `cores`, unless the operator's `tunables` (the value of
/// `GLIBC_TUNABLES`) set malloc's own.
pub fn settings(tunables: Option<&str>, cores: usize) -> Option<Settings> {
    if tunables.is_some_and(|t| t.contains("glibc.malloc.")) {
        return None;
    }
    Some(Settings {
        heaps: cores.max(2),
        mmap_threshold: SYSTEM_BLOCK_BYTES,
        trim_threshold: SYSTEM_BLOCK_BYTES,
    })
}

/// Applies [`settings`] for this machine, before the runtime starts its threads. Whether they were
/// applied (not on other C libraries, nor when the operator set their own).
pub fn keep_small() -> bool {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let tunables = std::env::var("GLIBC_TUNABLES").ok();
    let applied = settings(tunables.as_deref(), cores).is_some_and(|s| apply(&s));
    APPLIED.store(applied, Ordering::Relaxed);
    applied
}

static APPLIED: AtomicBool = AtomicBool::new(false);

/// Whether a block of 2 MiB or more, freed, goes back to the system at once, whatever came before
/// ([`keep_small`] applied). Otherwise glibc raises its thresholds to the largest block freed,
/// and from then on keeps blocks that large in its heaps.
pub fn large_blocks_go_back() -> bool {
    APPLIED.load(Ordering::Relaxed)
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn apply(settings: &Settings) -> bool {
    let value = |n: usize| libc::c_int::try_from(n).unwrap_or(libc::c_int::MAX);
    [
        (libc::M_ARENA_MAX, value(settings.heaps)),
        (libc::M_MMAP_THRESHOLD, value(settings.mmap_threshold)),
        (libc::M_TRIM_THRESHOLD, value(settings.trim_threshold)),
    ]
    .into_iter()
    // SAFETY: mallopt only changes the allocator's parameters (under its own lock), takes no
    // pointers, and answers 0 for a value it refuses.
    .all(|(parameter, value)| unsafe { libc::mallopt(parameter, value) } == 1)
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn apply(_: &Settings) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_heap_per_core_and_large_blocks_back_to_the_system_unless_the_operator_said_otherwise() {
        let two_cores = Settings {
            heaps: 2,
            mmap_threshold: 2 * 1024 * 1024,
            trim_threshold: 2 * 1024 * 1024,
        };
        assert_eq!(settings(None, 2), Some(two_cores));
        assert_eq!(settings(None, 1).map(|s| s.heaps), Some(2));
        assert_eq!(
            settings(Some("glibc.rtld.nns=8"), 16).map(|s| s.heaps),
            Some(16)
        );
        assert_eq!(settings(Some("glibc.malloc.arena_max=8"), 2), None);
        assert_eq!(
            settings(
                Some("glibc.mem.tagging=0:glibc.malloc.trim_threshold=131072"),
                2
            ),
            None
        );
    }

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn glibc_accepts_the_settings() {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        assert!(apply(&settings(None, cores).expect("no operator settings")));
    }
}

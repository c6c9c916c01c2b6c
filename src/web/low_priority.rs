//! Work that can wait: one thread of its own at the lowest CPU priority (nice 19), so whatever a
//! visitor waits for always runs first. The background hands it CPU-heavy work (compressing pages
//! rendered ahead of time) and awaits the result; when the machine is busy the work simply waits.
use std::sync::OnceLock;
use std::sync::mpsc;

type Job = Box<dyn FnOnce() + Send>;

/// Runs `work` on the low-priority thread and returns its result; `None` only when that thread
/// could not be started (the caller then does without).
pub async fn run<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    start(work)?.await.ok()
}

/// Hands `work` to the low-priority thread at once, for the caller to await its result later (and
/// do something else meanwhile); `None` only when that thread could not be started.
pub fn start<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<tokio::sync::oneshot::Receiver<T>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = tx.send(work());
    });
    worker().send(job).ok()?;
    Some(rx)
}

fn worker() -> &'static mpsc::Sender<Job> {
    static WORKER: OnceLock<mpsc::Sender<Job>> = OnceLock::new();
    WORKER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        let started = std::thread::Builder::new()
            .name("magnetiq-low".into())
            .spawn(move || {
                // Linux keeps a nice value per thread: this one only, never the HTTP workers.
                let me = rustix::thread::gettid();
                if let Err(error) = rustix::process::setpriority_process(Some(me), 19) {
                    tracing::warn!(%error, "cannot lower the background thread's priority");
                }
                for job in rx {
                    job();
                }
            });
        if let Err(error) = started {
            tracing::warn!(%error, "cannot start the low-priority thread; pages are rendered when asked for");
        }
        tx
    })
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn runs_work_on_a_thread_of_lowest_priority() {
        let (name, nice) = super::run(|| {
            let me = rustix::thread::gettid();
            (
                std::thread::current().name().map(str::to_owned),
                rustix::process::getpriority_process(Some(me)).unwrap(),
            )
        })
        .await
        .unwrap();
        assert_eq!(name.as_deref(), Some("magnetiq-low"));
        assert_eq!(nice, 19);
    }
}

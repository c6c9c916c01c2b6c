//! The addresses waiting to be rendered ahead of visitors (by `crate::content::prerender`): those a
//! change invalidated, every public one at start, and pages a visitor met first, which were
//! compressed quickly for them. Each address is queued once; "everything" replaces the queue.
use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

use crate::web::state::AppState;

#[derive(Default)]
pub struct Queue {
    pending: Mutex<Pending>,
    wake: tokio::sync::Notify,
    /// Told of every change (a page may have been scheduled): see [`Queue::changes`].
    changed: tokio::sync::Notify,
}

#[derive(Default)]
struct Pending {
    paths: VecDeque<String>,
    queued: HashSet<String>,
    /// Every public address, listed when the worker comes to it.
    everything: bool,
}

pub enum Next {
    Paths(Vec<String>),
    Everything,
    Idle,
}

impl Queue {
    pub fn push<S: AsRef<str>>(&self, paths: &[S]) {
        let mut pending = lock(&self.pending);
        if pending.everything {
            return;
        }
        for path in paths {
            let path = path.as_ref();
            if pending.queued.insert(path.to_owned()) {
                pending.paths.push_back(path.to_owned());
            }
        }
        drop(pending);
        self.wake.notify_one();
    }

    fn everything(&self) {
        let mut pending = lock(&self.pending);
        *pending = Pending {
            everything: true,
            ..Pending::default()
        };
        drop(pending);
        self.wake.notify_one();
    }

    /// Up to `most` addresses to render, in the order they were queued.
    pub fn next(&self, most: usize) -> Next {
        let mut pending = lock(&self.pending);
        if std::mem::take(&mut pending.everything) {
            return Next::Everything;
        }
        let take = pending.paths.len().min(most);
        if take == 0 {
            return Next::Idle;
        }
        let paths: Vec<String> = pending.paths.drain(..take).collect();
        for path in &paths {
            pending.queued.remove(path);
        }
        Next::Paths(paths)
    }

    /// Resolves at the next change after it was enabled (`Notified::enable`), for whoever waits
    /// for a time that a change may move.
    pub fn changes(&self) -> tokio::sync::futures::Notified<'_> {
        self.changed.notified()
    }

    /// Until something is pushed.
    pub async fn wait(&self) {
        self.wake.notified().await;
    }

    /// Addresses waiting to be rendered (for `/metrics`).
    pub fn len(&self) -> usize {
        lock(&self.pending).paths.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn lock(pending: &Mutex<Pending>) -> std::sync::MutexGuard<'_, Pending> {
    match pending.lock() {
        Ok(p) => p,
        Err(poisoned) => poisoned.into_inner(),
    }
}

pub fn queue(state: &AppState) -> Option<&Queue> {
    state.extension::<Queue>()
}

/// Renders `paths` again soon (a change invalidated them).
pub fn render_later<S: AsRef<str>>(state: &AppState, paths: &[S]) {
    if let Some(queue) = queue(state) {
        queue.push(paths);
    }
}

/// Renders every public address again soon (at start, or after a change every page shows).
pub fn render_everything(state: &AppState) {
    if let Some(queue) = queue(state) {
        queue.everything();
    }
}

/// Compresses the page at `path`, just rendered quickly for a visitor, better soon.
pub fn improve_later(state: &AppState, path: &str) {
    render_later(state, &[path]);
}

/// Addresses waiting to be rendered.
pub fn waiting(state: &AppState) -> usize {
    queue(state).map_or(0, Queue::len)
}

/// Tells whoever waits on [`Queue::changes`] that the site changed.
pub fn site_changed(state: &AppState) {
    if let Some(queue) = queue(state) {
        queue.changed.notify_waiters();
    }
}

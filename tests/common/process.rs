//! Magnetiq as an operator runs it: the real binary in a process of its own, which a test can kill
//! without warning (SIGKILL) to see that nothing it acknowledged is lost.
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    child: Child,
    pub port: u16,
}

/// A free port on 127.0.0.1 for a server in another process (bound and released: it binds it next).
/// Taken below the kernel's ephemeral range (32768 and up), never twice in one test process: a
/// port the kernel hands to a server in this process (`127.0.0.1:0`) or to an outgoing connection
/// in the meantime cannot be it, so the process started next never finds its port taken, nor a
/// test another server answering there.
pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    const FIRST: u32 = 20_000;
    const COUNT: u32 = 12_000;
    // Test binaries run one after another; start each one's ports somewhere else all the same.
    let offset = std::process::id().wrapping_mul(7919) % COUNT;
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        assert!(n < COUNT, "no free port left below the ephemeral range");
        let port = u16::try_from(FIRST + (offset + n) % COUNT).unwrap();
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

impl Server {
    /// Starts `magnetiq serve` on a free port with `data_dir`, on `database_url` (`None`: the SQLite
    /// file in the data folder), and waits until `/healthz` answers.
    pub fn start(data_dir: &Path, database_url: Option<&str>, env: &[(&str, &str)]) -> Server {
        let server = Server::spawn(data_dir, database_url, env);
        server.wait_until_healthy(Duration::from_secs(30));
        server
    }

    /// Like [`Server::start`], its log (stderr) written to `log`.
    pub fn start_logged(data_dir: &Path, env: &[(&str, &str)], log: &Path) -> Server {
        let server = Server::spawn_to(data_dir, None, env, Some(log));
        server.wait_until_healthy(Duration::from_secs(30));
        server
    }

    /// Starts it without waiting.
    pub fn spawn(data_dir: &Path, database_url: Option<&str>, env: &[(&str, &str)]) -> Server {
        Server::spawn_to(data_dir, database_url, env, None)
    }

    fn spawn_to(
        data_dir: &Path,
        database_url: Option<&str>,
        env: &[(&str, &str)],
        log: Option<&Path>,
    ) -> Server {
        let port = free_port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_magnetiq"));
        command
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("MAGNETIQ_DATA_DIR", data_dir)
            .env("MAGNETIQ_BASE_URL", "http://magnetiq.test")
            .env("MAGNETIQ_BOOKING_LIMIT", "100000")
            .env("RUST_LOG", "warn")
            .env_remove("MAGNETIQ_DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(match log {
                Some(path) => Stdio::from(std::fs::File::create(path).unwrap()),
                None => Stdio::inherit(),
            });
        if let Some(url) = database_url {
            command.env("MAGNETIQ_DATABASE_URL", url);
        }
        for (name, value) in env {
            command.env(name, value);
        }
        Server {
            child: command.spawn().expect("magnetiq starts"),
            port,
        }
    }

    pub fn wait_until_healthy(&self, limit: Duration) {
        let started = Instant::now();
        loop {
            if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", self.port)) {
                use std::io::{Read, Write};
                let _ = stream.write_all(b"GET /healthz HTTP/1.0\r\n\r\n");
                let mut answer = String::new();
                let _ = stream.read_to_string(&mut answer);
                if answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200") {
                    return;
                }
            }
            assert!(started.elapsed() < limit, "magnetiq did not become healthy");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The most memory the process has held at once (`VmHWM`, its peak resident set), in bytes.
    pub fn peak_memory(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc/PID/status");
        kib * 1024
    }

    /// SIGTERM: the stop an orchestrator asks for.
    pub fn terminate(&self) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    }

    /// Whether the process has ended (reaping it), waiting up to `limit`.
    pub fn has_exited_within(&mut self, limit: Duration) -> bool {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// SIGKILL: no shutdown, no flush, as a power cut or the OOM killer would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A data folder that outlives a killed server (the SQLite file must be read afterwards).
pub fn data_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    (dir, path)
}

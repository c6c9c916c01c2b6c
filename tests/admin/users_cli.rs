use std::io::Write;
use std::process::{Command, Stdio};

fn create_user(
    dir: &std::path::Path,
    args: &[&str],
    password_env: Option<&str>,
    stdin: Option<&str>,
) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_magnetiq"));
    cmd.arg("create-user")
        .args(args)
        .env("MAGNETIQ_DATA_DIR", dir)
        .env("RUST_LOG", "warn")
        .env_remove("MAGNETIQ_PASSWORD");
    if let Some(p) = password_env {
        cmd.env("MAGNETIQ_PASSWORD", p);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

#[test]
fn create_user_takes_the_password_from_the_environment_or_stdin_never_an_argument() {
    let dir = tempfile::tempdir().unwrap();
    let out = create_user(
        dir.path(),
        &["--email", "Boss@Example.com", "--role", "admin"],
        Some("a long enough passphrase"),
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("created admin boss@example.com"));

    let out = create_user(
        dir.path(),
        &["--email", "ed@example.com", "--role", "editor"],
        None,
        Some("another long passphrase\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let weak = create_user(
        dir.path(),
        &["--email", "weak@example.com", "--role", "editor"],
        Some("short"),
        None,
    );
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 12 characters"));

    let twice = create_user(
        dir.path(),
        &["--email", "BOSS@example.com", "--role", "editor"],
        Some("a long enough passphrase"),
        None,
    );
    assert!(!twice.status.success());
    assert!(String::from_utf8_lossy(&twice.stderr).contains("exists already"));

    let bad_role = create_user(
        dir.path(),
        &["--email", "x@example.com", "--role", "root"],
        Some("a long enough passphrase"),
        None,
    );
    assert!(!bad_role.status.success());
    let no_flag = Command::new(env!("CARGO_BIN_EXE_magnetiq"))
        .args([
            "create-user",
            "--email",
            "x@example.com",
            "--role",
            "admin",
            "--password",
            "x",
        ])
        .output()
        .unwrap();
    assert!(!no_flag.status.success(), "there is no --password argument");
}

//! The server hook behind real Git servers, started and stopped by the tests on 127.0.0.1:
//! smart HTTP (`git http-backend` under lighttpd, basic auth) and gitolite over ssh (a
//! throwaway sshd). The servers come from Debian's packages, installed by `.ci/tools.sh`;
//! where one cannot start, a test says so and passes, except in CI (`CI` set), where it fails.

mod gitolite;
mod http;
mod timing;

use crate::support::Repo;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

/// The policy every server judges with: Cursor restricted on `src/`, one exception for it.
pub(crate) const POLICY: &str = "version = 1\n[defaults]\nstatus = \"approved\"\n[assistants.cursor]\nstatus = \"restricted\"\n[production]\npaths = [\"src/\"]\n[exceptions]\nregistry = \"exceptions.toml\"\n";
pub(crate) const REGISTRY: &str =
    "[[exception]]\nid = \"EXC-1\"\nassistants = [\"cursor\"]\nexpires = \"2099-12-31\"\n";

/// Running as root (sshd needs it to switch to the login user; lighttpd does not).
pub(crate) fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// A port on 127.0.0.1 that was free a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A server process, stopped when dropped.
pub(crate) struct Daemon {
    child: Child,
}

impl Daemon {
    /// Start the server `command(port)` makes on a free port, and wait until it accepts
    /// connections there; another free port if one was taken in the meantime.
    pub(crate) fn start(name: &'static str, command: &dyn Fn(u16) -> Command) -> (Daemon, u16) {
        let mut failures = Vec::new();
        for _ in 0..3 {
            let port = free_port();
            match Daemon::try_start(name, command(port), port) {
                Ok(daemon) => return (daemon, port),
                Err(e) => failures.push(e),
            }
        }
        panic!("{name} did not start: {}", failures.join("; "));
    }

    fn try_start(name: &'static str, mut command: Command, port: u16) -> Result<Daemon, String> {
        let child = command
            .spawn()
            .map_err(|e| format!("{name} cannot run: {e}"))?;
        let mut daemon = Daemon { child };
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let started = Instant::now();
        while TcpStream::connect_timeout(&address, Duration::from_millis(100)).is_err() {
            if let Ok(Some(status)) = daemon.child.try_wait() {
                return Err(format!(
                    "{name} exited before it listened on {port}: {status}"
                ));
            }
            if started.elapsed() > Duration::from_secs(10) {
                return Err(format!("{name} did not listen on {port}"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(daemon)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every file of a hooks directory, name and bytes (a symbolic link as its target), sorted.
pub(crate) fn hooks_snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("hooks dir")
        .map(|e| {
            let e = e.expect("entry");
            let path = e.path();
            let bytes = match std::fs::read_link(&path) {
                Ok(target) => format!("-> {}", target.display()).into_bytes(),
                Err(_) => std::fs::read(&path).expect("hook"),
            };
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    files.sort();
    files
}

/// A client with the policy committed, ready to push to `url` through `env`.
pub(crate) fn client() -> Repo {
    let client = Repo::new();
    client.policy(POLICY, Some(REGISTRY));
    client.commit("Add policy\n", &[("src/lib.rs", "v1\n")]);
    client
}

/// `git push` from `client` with `env`, its output.
pub(crate) fn push(client: &Repo, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut all = vec!["push"];
    all.extend_from_slice(args);
    client.git_output(&all, env)
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The pushes every server must handle as a plain bare repository does: the policy lands
/// (then `name_policy` makes it the server's, as an administrator would once the branch
/// exists), a restricted commit is refused with trailgate's message as `remote:` lines, the
/// same commit citing the exception is accepted, a clean commit is accepted. `push` pushes as
/// a user with write access.
pub(crate) fn judged_pushes(
    client: &Repo,
    push: &dyn Fn(&Repo, &[&str]) -> Output,
    name_policy: &dyn Fn(),
) {
    let o = push(client, &["origin", "main"]);
    assert!(o.status.success(), "the policy lands: {}", stderr(&o));
    name_policy();

    client.commit("Handler\n\nAssisted-by: Cursor\n", &[("src/api.rs", "a\n")]);
    let bad = client.head();
    let o = push(client, &["origin", "main"]);
    assert!(!o.status.success(), "a restricted commit is refused");
    let e = stderr(&o);
    assert!(
        e.contains(&format!("remote: trailgate: commit {}", &bad[..12])),
        "{e}"
    );
    assert!(
        e.contains("restricted-assistant") && e.contains("src/api.rs"),
        "{e}"
    );
    assert!(e.contains("pre-receive hook declined"), "{e}");

    client.git(&[
        "commit",
        "-q",
        "--amend",
        "-m",
        "Handler\n\nAssisted-by: Cursor\nAI-Exception: EXC-1",
    ]);
    let o = push(client, &["origin", "main"]);
    assert!(
        o.status.success(),
        "the exception is honoured: {}",
        stderr(&o)
    );

    client.commit("Docs\n", &[("docs/a.md", "d\n")]);
    let o = push(client, &["origin", "main"]);
    assert!(o.status.success(), "a clean commit lands: {}", stderr(&o));
}

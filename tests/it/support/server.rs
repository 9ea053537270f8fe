//! The real `zaitaku serve` on 127.0.0.1:0: started with a deadline for its first line,
//! its stderr collected, plain HTTP calls, SIGTERM, and killed when dropped.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The token `POST /admin/reload` needs in these tests.
pub const ADMIN_TOKEN: &str = "test-admin-token";

/// Percent-encodes the bytes of a URI that are not printable ASCII (a Japanese query).
pub fn encode(uri: &str) -> String {
    let mut out = String::new();
    for b in uri.bytes() {
        if b.is_ascii_graphic() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The binary on a real socket.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    pub fn start(dir: &Path, index: &Path) -> Self {
        Self::start_with(dir, index, &[])
    }

    pub fn start_with(dir: &Path, index: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zaitaku"))
            .args(["serve", "--bind", "127.0.0.1:0", "--index"])
            .arg(index)
            .args(extra)
            .env(zaitaku::api::ADMIN_TOKEN_ENV, ADMIN_TOKEN)
            .current_dir(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The first line says where it listens; a server that never says so fails the
        // test after a deadline instead of hanging it.
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line);
            // Keep reading so the server never blocks on a full pipe.
            let mut rest = Vec::new();
            let _ = reader.read_to_end(&mut rest);
        });
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("zaitaku serve said nothing within 60 s"));
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("first line: {line}"))
            .to_string();
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let mut pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Self {
            child,
            base,
            stderr,
        }
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        let (status, body) = self.get_bytes(path);
        (status, String::from_utf8(body).expect("a text answer"))
    }

    /// The status, the named header and the body of a GET with extra request headers.
    pub fn get_with(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        answer_header: &str,
    ) -> (u16, Option<String>, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut request = agent.get(&format!("{}{}", self.base, encode(path)));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let mut r = request.call().unwrap();
        let header = r
            .headers()
            .get(answer_header)
            .map(|v| v.to_str().unwrap().to_string());
        (
            r.status().as_u16(),
            header,
            r.body_mut().read_to_string().unwrap(),
        )
    }

    /// The answer's status and bytes (a PDF).
    pub fn get_bytes(&self, path: &str) -> (u16, Vec<u8>) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut r = agent
            .get(&format!("{}{}", self.base, encode(path)))
            .call()
            .unwrap();
        let body = r
            .body_mut()
            .with_config()
            .limit(32 << 20)
            .read_to_vec()
            .unwrap();
        (r.status().as_u16(), body)
    }

    pub fn post(&self, path: &str) -> (u16, String) {
        self.post_with(path, Some(ADMIN_TOKEN))
    }

    pub fn post_with(&self, path: &str, token: Option<&str>) -> (u16, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut request = agent.post(&format!("{}{path}", self.base));
        if let Some(t) = token {
            request = request.header("Authorization", &format!("Bearer {t}"));
        }
        let mut r = request.send_empty().unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    }

    /// SIGTERM, then waits for the process to exit (panics after `within`).
    pub fn terminate(&mut self, within: Duration) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "server did not stop within {within:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Polls until `f` holds or the deadline passes.
    pub fn wait_for(&self, what: &str, f: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !f(&self.stderr.lock().unwrap()) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}: {}",
                self.stderr.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

//! Issue 17: two replicas behind a real nginx (deploy/nginx.conf), on 127.0.0.1. Per-client
//! rate limits hold behind the proxy (the client is named by X-Forwarded-For from the
//! trusted proxy, and two source addresses have their own buckets), and a killed replica
//! costs no failed request (nginx retries the GET on the other). Needs nginx and curl
//! (scripts/setup.sh installs them): skipped with a reason without them, failing under
//! CI=true. The load-test figures come from `scripts/replicas.sh`.

use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use crate::support::demo;
use crate::support::server::Server;

struct Nginx {
    child: Child,
    port: u16,
}

impl Drop for Nginx {
    /// SIGTERM to the master, which stops its workers (SIGKILL would orphan them).
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn nginx(dir: &Path, r1: &str, r2: &str) -> Option<Nginx> {
    let bin = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let curl = Command::new("curl").arg("--version").output().is_ok();
    if !crate::support::require(bin.is_some() && curl, "nginx and curl (scripts/setup.sh)") {
        return None;
    }
    let port = free_port();
    let conf =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/nginx.conf"))
            .unwrap()
            .replace("r1:8080", r1)
            .replace("r2:8080", r2)
            .replace("listen 8080;", &format!("listen 127.0.0.1:{port};"))
            .replace("/tmp/", &format!("{}/", dir.display()))
            // In the foreground, so that the test owns the process.
            .replacen("worker_processes 2;", "worker_processes 1;\ndaemon off;", 1);
    std::fs::write(dir.join("nginx.conf"), conf).unwrap();
    let child = Command::new(bin.unwrap())
        .args(["-c", "nginx.conf", "-p"])
        .arg(dir)
        .args(["-e", "error.log"])
        .current_dir(dir)
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nginx did not listen");
        std::thread::sleep(Duration::from_millis(20));
    }
    Some(Nginx { child, port })
}

/// The status of a GET through nginx from source address `from` (127.0.0.0/8).
fn status(port: u16, from: &str, path: &str) -> u16 {
    let out = Command::new("curl")
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "--interface",
            from,
        ])
        .arg(format!("http://127.0.0.1:{port}{path}"))
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(0)
}

#[test]
fn behind_nginx_limits_are_per_client_and_a_killed_replica_costs_nothing() {
    let index = demo::dir().join("index/demo");
    let limits = [
        "--rate-limit",
        "0.2",
        "--rate-burst",
        "1",
        "--trusted-proxy",
        "127.0.0.1",
    ];
    let r1 = Server::start_with(demo::dir(), &index, &limits);
    let mut r2 = Server::start_with(demo::dir(), &index, &limits);
    let dir = tempfile::tempdir().unwrap();
    let addr = |s: &Server| s.base.trim_start_matches("http://").to_string();
    let Some(proxy) = nginx(dir.path(), &addr(&r1), &addr(&r2)) else {
        return;
    };
    let search = "/api/v1/search?kind=clinic&limit=1";
    // One token per replica: a client's third request is refused; another client is not.
    let a: Vec<u16> = (0..3)
        .map(|_| status(proxy.port, "127.0.0.3", search))
        .collect();
    assert_eq!(a, [200, 200, 429], "client 127.0.0.3");
    assert_eq!(
        status(proxy.port, "127.0.0.4", search),
        200,
        "client 127.0.0.4"
    );
    // The limit never counted nginx itself: the replicas saw the clients.
    let (_, metrics) = r1.get("/metrics");
    assert!(
        metrics.contains("zaitaku_rate_limited_requests_total"),
        "{metrics}"
    );

    // Replica 2 dies: every request still answers, from replica 1 (new clients, so that
    // the limit does not interfere).
    r2.child.kill().unwrap();
    r2.child.wait().unwrap();
    for i in 0..12 {
        let from = format!("127.0.0.{}", 20 + i);
        assert_eq!(
            status(proxy.port, &from, search),
            200,
            "request {i} after the kill"
        );
    }
    drop(proxy);
}

//! Test support, for this crate's tests and the CLI's: a fresh PostgreSQL database per test.
//! The server is `$CORROBORATE_TEST_PG` (a URL of a server where the user may create
//! databases) when set, else a throwaway cluster started once per test process from the
//! system's binaries (`initdb` and `pg_ctl` of `/usr/lib/postgresql/*/bin`, else of `$PATH`,
//! run as the `postgres` user when the process is root), listening on a unix socket in a
//! temporary directory only, and stopped (`pg_ctl stop -m immediate`) and removed by a watchdog
//! when the test process exits.
//!
//! Never silently passes: without PostgreSQL binaries [`fresh_database`] panics with how to
//! install them, unless `CORROBORATE_SKIP_PG=1` is set (then it returns `None` and says so on
//! standard error). Never touches a database it did not create; never listens on TCP.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The server the tests of this process use: a URL whose database part is replaced per test.
static SERVER: OnceLock<Result<String, String>> = OnceLock::new();

/// How to get PostgreSQL on a machine without it.
const INSTALL: &str = "PostgreSQL's server binaries are needed for the store's PostgreSQL \
     tests: install them (Debian/Ubuntu: `apt-get install postgresql`), or point \
     CORROBORATE_TEST_PG at a server (postgres://user@host/db, the user may CREATE DATABASE), \
     or set CORROBORATE_SKIP_PG=1 to skip them";

/// A new, empty database for one test, as a store location (`postgresql://` URL); `None`
/// only when `CORROBORATE_SKIP_PG=1`.
///
/// # Panics
/// When no server can be had (no binaries, a cluster that does not start, a database that
/// cannot be created), with what to do about it.
pub fn fresh_database() -> Option<PathBuf> {
    if std::env::var("CORROBORATE_SKIP_PG").is_ok_and(|v| v == "1") {
        eprintln!("CORROBORATE_SKIP_PG=1: PostgreSQL case skipped");
        return None;
    }
    let server = match SERVER.get_or_init(server) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let name = format!("t_{}", unique());
    execute(Path::new(server), &format!("CREATE DATABASE {name}"))
        .unwrap_or_else(|e| panic!("cannot create a test database: {e}"));
    Some(PathBuf::from(with_database(server, &name)))
}

/// Run SQL statements on the database at `url` (simple query protocol); the rows of the last
/// statement that returns rows, each column as text (`None` for NULL).
pub fn execute(url: &Path, sql: &str) -> Result<Vec<Vec<Option<String>>>, String> {
    let url = url.to_str().ok_or("URL not UTF-8")?;
    let mut config: postgres::Config = url.parse().map_err(|e| format!("{e}"))?;
    config.notice_callback(|_| {});
    let mut client = config
        .connect(postgres::NoTls)
        .map_err(|e| format!("{e}"))?;
    let mut rows = Vec::new();
    for m in client.simple_query(sql).map_err(|e| format!("{e}"))? {
        if let postgres::SimpleQueryMessage::Row(r) = m {
            rows.push((0..r.len()).map(|i| r.get(i).map(str::to_string)).collect());
        }
    }
    Ok(rows)
}

/// `url` with its database replaced by `name` (the path of the URL; parameters kept).
pub fn with_database(url: &str, name: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[start..];
    let auth_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let after = &rest[auth_end..];
    let query = after.find('?').map_or("", |q| &after[q..]);
    format!("{}{}/{name}{query}", &url[..start], &rest[..auth_end])
}

/// A name no other test of any process takes: process id, time and a counter, hashed.
fn unique() -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.write_u64(COUNT.fetch_add(1, Ordering::Relaxed));
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    format!("{:016x}", h.finish())
}

/// The URL of `$CORROBORATE_TEST_PG`, else of a throwaway cluster started now.
fn server() -> Result<String, String> {
    if let Some(url) = std::env::var("CORROBORATE_TEST_PG")
        .ok()
        .filter(|u| !u.is_empty())
    {
        return Ok(url);
    }
    let bin = binaries().ok_or_else(|| INSTALL.to_string())?;
    start_cluster(&bin)
}

/// The directory of `initdb` and `pg_ctl`: the newest `/usr/lib/postgresql/*/bin` (Debian),
/// else a directory of `$PATH` that has both.
fn binaries() -> Option<PathBuf> {
    let both = |bin: &Path| bin.join("initdb").is_file() && bin.join("pg_ctl").is_file();
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let e = e.ok()?;
            let version: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            both(&bin).then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, b)| b).or_else(|| {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path).find(|d| both(d))
    })
}

/// True when this process runs as root (PostgreSQL refuses to run as root).
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A command of the cluster's binaries, as the `postgres` user when we are root.
fn as_owner(root: bool, program: &Path) -> Command {
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

/// initdb and pg_ctl start a cluster in a new temporary directory, listening on a unix socket
/// there only; a watchdog stops it and removes the directory when this process ends.
fn start_cluster(bin: &Path) -> Result<String, String> {
    let root = is_root();
    // As root the cluster runs as `postgres`, which must reach the directory: /tmp, not a
    // $TMPDIR that may sit in root's home (and a short path keeps the socket's under its limit).
    let tmp = if root {
        PathBuf::from("/tmp")
    } else {
        std::env::temp_dir()
    };
    let dir = tmp.join(format!("corroborate-pg-{}", unique()));
    std::fs::create_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let run = |c: &mut Command, what: &str| -> Result<(), String> {
        let out = c
            .current_dir(&dir)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("{what}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{what} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    };
    if root {
        run(
            Command::new("chown").arg("postgres:postgres").arg(&dir),
            "chown postgres (is there a postgres user?)",
        )?;
    }
    let data = dir.join("data");
    run(
        as_owner(root, &bin.join("initdb"))
            .args([
                "--auth=trust",
                "--username=postgres",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
                "-D",
            ])
            .arg(&data),
        "initdb",
    )?;
    let options = format!(
        "-c listen_addresses='' -k {} -c fsync=off -c full_page_writes=off \
         -c max_connections=200 -c shared_buffers=16MB",
        dir.display()
    );
    run(
        as_owner(root, &bin.join("pg_ctl"))
            .args(["start", "-w", "-s", "-D"])
            .arg(&data)
            .arg("-l")
            .arg(dir.join("log"))
            .args(["-o", &options])
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
        "pg_ctl start",
    )
    .map_err(|e| {
        let log = std::fs::read_to_string(dir.join("log")).unwrap_or_default();
        format!("{e}\n{log}")
    })?;
    // The watchdog: waits for this process to end, then stops the cluster and removes it.
    let stop = format!(
        "{}{} stop -m immediate -s -D {}",
        if root { "runuser -u postgres -- " } else { "" },
        bin.join("pg_ctl").display(),
        data.display()
    );
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {stop} >/dev/null 2>&1; rm -rf {dir}",
        pid = std::process::id(),
        dir = dir.display()
    );
    Command::new("sh")
        .args(["-c", &script])
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("watchdog: {e}"))?;
    Ok(format!(
        "postgresql:///postgres?host={}&user=postgres",
        dir.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_of_a_url_is_replaced_and_its_parameters_kept() {
        assert_eq!(
            with_database("postgresql:///postgres?host=/tmp/x&user=p", "t_1"),
            "postgresql:///t_1?host=/tmp/x&user=p"
        );
        assert_eq!(
            with_database("postgres://u:pw@h:5433/db", "t_2"),
            "postgres://u:pw@h:5433/t_2"
        );
        assert_eq!(with_database("postgres://h", "t_3"), "postgres://h/t_3");
    }
}

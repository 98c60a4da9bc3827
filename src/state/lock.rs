//! One run at a time per state file: an advisory lock on `STATE.lock`, which also names its
//! holder (process, host, since when) for the message a second run prints.
//!
//! The operating system releases the lock when the holder exits, however it exits (kill -9
//! included), so a crashed run never leaves a stale lock behind; the holder text left in the
//! file is only read while the lock is actually held by someone.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Held for the length of a run; dropping it releases the lock.
#[derive(Debug)]
pub struct Lock {
    _file: File,
    pub path: PathBuf,
}

/// The lock file beside a state file.
pub fn lock_path(state: &Path) -> PathBuf {
    let mut name = state.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Takes the lock on `state`, waiting up to `wait` for another run to finish.
pub fn acquire(state: &Path, wait: Duration) -> anyhow::Result<Lock> {
    let path = lock_path(state);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| anyhow::anyhow!("{}: cannot open lock file: {e}", path.display()))?;
    let deadline = Instant::now() + wait;
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let holder = if holder.is_empty() {
                    "another spinscan run".to_string()
                } else {
                    holder.to_string()
                };
                anyhow::bail!(
                    "{}: state is in use by {holder}; waited {} s (use --wait SECONDS to wait longer)",
                    state.display(),
                    wait.as_secs()
                );
            }
            Err(std::fs::TryLockError::Error(e)) => {
                anyhow::bail!("{}: cannot lock: {e}", path.display())
            }
        }
    }
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default();
    let holder = format!(
        "pid {} on {} since {}",
        std::process::id(),
        if host.is_empty() { "this host" } else { &host },
        utc_now()
    );
    file.set_len(0)
        .and_then(|_| file.seek(SeekFrom::Start(0)))
        .and_then(|_| file.write_all(holder.as_bytes()))
        .and_then(|_| file.flush())
        .map_err(|e| anyhow::anyhow!("{}: cannot write lock holder: {e}", path.display()))?;
    Ok(Lock { _file: file, path })
}

/// The current time as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_with_the_first_ones_name() {
        let dir = tempfile::tempdir().expect("temp dir");
        let state = dir.path().join("s.db");
        let first = acquire(&state, Duration::ZERO).expect("first lock");
        let err = acquire(&state, Duration::from_millis(250)).expect_err("held");
        let msg = err.to_string();
        assert!(msg.contains("in use"), "{msg}");
        assert!(
            msg.contains(&format!("pid {}", std::process::id())),
            "{msg}"
        );
        drop(first);
        acquire(&state, Duration::ZERO).expect("free again after the holder is gone");
    }

    #[test]
    fn utc_timestamps_are_well_formed() {
        let t = utc_now();
        assert_eq!(t.len(), 20, "{t}");
        assert!(t.starts_with("20") && t.ends_with('Z'), "{t}");
    }
}

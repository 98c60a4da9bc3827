//! Persistent state for cron runs (`spinscan scan DIR --state FILE`): an SQLite file that
//! remembers every article indexed so far, so a nightly run reads only new and changed files.
//!
//! What it keeps, per file: size, modification time and a content hash (to skip unchanged
//! files without reading them); per article: its report row, its features (weight-free, see
//! [`crate::features`]) and its candidate signature; per related pair: its signals and the run
//! that found it; per run: counts and whether its reports were delivered; and the folder's
//! document frequencies.
//!
//! Invariants:
//! - A run changes the state in one SQLite transaction: a crash at any moment leaves the state
//!   as it was before the run or as it is after it (SQLite's rollback journal).
//! - A state file is never overwritten silently: a new one is built under a temporary name and
//!   renamed into place; an existing file that is not a state of this version is refused.
//! - Pairs found by a run whose reports were never delivered (a crash after the commit) are
//!   reported again by the next run.

pub mod lock;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

/// What the `meta` table says a spinscan state is.
const SCHEMA_NAME: &str = "spinscan-state";
/// Bumped whenever the tables or a blob layout change; an older or newer state is refused.
pub const SCHEMA_VERSION: i64 = 4;

const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value);
CREATE TABLE files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    hash INTEGER NOT NULL,
    gone_run INTEGER            -- the run that found the file deleted; NULL while it exists
);
CREATE TABLE articles (
    path TEXT NOT NULL UNIQUE,  -- FILE or FILE#LINE, relative to the scanned folder
    file TEXT NOT NULL,
    run INTEGER NOT NULL,       -- the run that indexed this version
    signature BLOB NOT NULL,    -- candidate keys
    analysed BLOB NOT NULL      -- report row: metadata, boilerplate lines, farm marks
);
CREATE INDEX articles_by_file ON articles (file);
-- Features apart: read only for the articles a run compares, while every run reads all
-- signatures and report rows (a table of small rows, read in storage order).
CREATE TABLE features (
    path TEXT PRIMARY KEY,
    blob BLOB NOT NULL          -- weight-free features
);
CREATE TABLE pairs (
    a TEXT NOT NULL,            -- article paths, a < b
    b TEXT NOT NULL,
    run INTEGER NOT NULL,       -- the run that found the pair
    pair BLOB NOT NULL,         -- relation, score, signals
    PRIMARY KEY (a, b)
);
CREATE INDEX pairs_by_b ON pairs (b);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started TEXT NOT NULL,
    finished TEXT,
    root TEXT NOT NULL,
    new_files INTEGER, changed_files INTEGER, gone_files INTEGER,
    articles INTEGER, new_copies INTEGER,
    reported INTEGER NOT NULL DEFAULT 0
);
";

/// An open state file.
pub struct State {
    pub conn: Connection,
    pub path: PathBuf,
}

impl State {
    /// Opens the state at `path`, creating it when there is no file there yet.
    pub fn open_or_create(path: &Path) -> anyhow::Result<State> {
        if !path.exists() {
            create(path)?;
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| anyhow::anyhow!("{}: cannot open state: {e}", path.display()))?;
        check(&conn).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(State {
            conn,
            path: path.to_path_buf(),
        })
    }
}

/// Refuses a file that is not a spinscan state of this version (without writing to it).
fn check(conn: &Connection) -> anyhow::Result<()> {
    let read = |key: &str| -> rusqlite::Result<Option<rusqlite::types::Value>> {
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
    };
    let not_state = |why: String| {
        anyhow::anyhow!("not a spinscan state file ({why}); it was left untouched; give --state a new path or remove this file")
    };
    let name = read("schema").map_err(|e| not_state(e.to_string()))?;
    match name {
        Some(rusqlite::types::Value::Text(n)) if n == SCHEMA_NAME => {}
        _ => return Err(not_state("no spinscan schema".into())),
    }
    match read("version").map_err(|e| not_state(e.to_string()))? {
        Some(rusqlite::types::Value::Integer(SCHEMA_VERSION)) => Ok(()),
        Some(rusqlite::types::Value::Integer(v)) => anyhow::bail!(
            "state version {v}, but this spinscan reads version {SCHEMA_VERSION}; it was left untouched; index into a new state file"
        ),
        _ => Err(not_state("no schema version".into())),
    }
}

/// Builds an empty state under a temporary name, then renames it into place: a crash while
/// creating leaves no half-made state at `path`.
fn create(path: &Path) -> anyhow::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".new-{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let _ = std::fs::remove_file(&tmp);
    let made = (|| -> anyhow::Result<()> {
        let conn = Connection::open(&tmp)?;
        conn.execute_batch(SCHEMA)?;
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('schema', ?1), ('version', ?2), ('created', ?3)",
            rusqlite::params![SCHEMA_NAME, SCHEMA_VERSION, lock::utc_now()],
        )?;
        conn.close().map_err(|(_, e)| e)?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    })();
    if let Err(e) = made {
        let _ = std::fs::remove_file(&tmp);
        anyhow::bail!("{}: cannot create state: {e}", path.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_state_is_created_and_reopened() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("state.db");
        State::open_or_create(&path).expect("created");
        State::open_or_create(&path).expect("reopened");
    }

    #[test]
    fn a_file_that_is_not_a_state_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("notes.db");
        std::fs::write(&path, b"these are my notes, not a database").expect("write");
        let err = State::open_or_create(&path).err().expect("refused");
        assert!(err.to_string().contains("notes.db"), "{err}");
        assert_eq!(
            std::fs::read(&path).expect("read"),
            b"these are my notes, not a database"
        );
        // Another program's SQLite database.
        let other = dir.path().join("other.db");
        let conn = Connection::open(&other).expect("open");
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .expect("other db");
        drop(conn);
        let before = std::fs::read(&other).expect("read");
        assert!(State::open_or_create(&other).is_err());
        assert_eq!(std::fs::read(&other).expect("read"), before);
    }

    #[test]
    fn a_state_of_another_version_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("state.db");
        drop(State::open_or_create(&path).expect("created"));
        let conn = Connection::open(&path).expect("open");
        conn.execute("UPDATE meta SET value = 99 WHERE key = 'version'", [])
            .expect("bump");
        drop(conn);
        let err = State::open_or_create(&path).err().expect("refused");
        assert!(err.to_string().contains("version 99"), "{err}");
    }
}

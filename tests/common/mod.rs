//! Plumbing shared by the end-to-end tests: run the binary, read a CSV report.
#![allow(dead_code)] // each test file uses its own subset

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};

/// Runs the built `spinscan` binary with `args`.
pub fn spinscan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spinscan"))
        .args(args)
        .output()
        .expect("spinscan runs")
}

/// Runs the built `spinscan` binary with `args`, `input` on its standard input.
pub fn spinscan_with_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_spinscan"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spinscan starts");
    // Dropped after the write, so the child sees the end of its input.
    let written = child.stdin.take().expect("stdin").write_all(input);
    let out = child.wait_with_output().expect("spinscan runs");
    written.expect("standard input written");
    out
}

/// A path as `&str` (test paths are UTF-8).
pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A CSV file as its header and rows of column -> value.
pub struct Csv {
    pub header: Vec<String>,
    pub rows: Vec<HashMap<String, String>>,
}

impl Csv {
    pub fn read(path: &Path) -> Csv {
        let mut r =
            csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let header: Vec<String> = r
            .headers()
            .expect("header")
            .iter()
            .map(String::from)
            .collect();
        let rows = r
            .records()
            .map(|rec| {
                let rec = rec.expect("record");
                header
                    .iter()
                    .cloned()
                    .zip(rec.iter().map(String::from))
                    .collect()
            })
            .collect();
        Csv { header, rows }
    }

    /// The row whose `key` column is `value`.
    pub fn row(&self, key: &str, value: &str) -> &HashMap<String, String> {
        self.rows
            .iter()
            .find(|r| r[key] == value)
            .unwrap_or_else(|| panic!("no row with {key} = {value:?}"))
    }
}

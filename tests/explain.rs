//! `spinscan explain`: the evidence for one pair, on a terminal (here: a pipe, so no colour).

mod common;

use common::spinscan;
use std::path::PathBuf;

fn path(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn a_spun_copy_is_explained_sentence_by_sentence() {
    let o = spinscan(&[
        "explain",
        &path("data/sample/articles/a07.txt"),
        &path("data/sample/articles/a01.txt"),
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "a copy -> exit 1\n{out}");
    assert!(out.contains("(a copy)"), "{out}");
    assert!(
        out.contains("a is the source"),
        "the dated wire story: {out}"
    );
    // The spun sentences sit side by side: the original's words left, the synonyms right.
    let row = out
        .lines()
        .find(|l| l.contains("crews in Port Ellis worked"))
        .unwrap_or_else(|| panic!("first sentence of a is shown: {out}"));
    assert!(row.contains(" | ") && row.contains("labored"), "{row}");
    assert!(out.contains("spun, similarity"), "{out}");
    assert!(
        !out.contains('\u{1b}'),
        "no colour codes when not on a terminal"
    );
}

#[test]
fn an_independent_report_is_not_a_copy_and_the_missing_evidence_is_named() {
    let o = spinscan(&[
        "explain",
        &path("data/sample/articles/a07.txt"),
        &path("data/sample/articles/a02.txt"),
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "not a copy -> exit 0\n{out}");
    assert!(out.contains("(not a copy)"), "{out}");
    assert!(out.contains("missing or against:"), "{out}");
}

#[test]
fn json_lines_records_and_bad_references() {
    let feed = path("tests/fixtures/jsonl/articles.jsonl");
    let o = spinscan(&["explain", &format!("{feed}#1"), &format!("{feed}#2")]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("relation: verbatim_copy"), "{out}");
    assert!(out.contains("verbatim, similarity"), "{out}");

    let o = spinscan(&["explain", &format!("{feed}#1"), &format!("{feed}#99")]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("articles.jsonl#99"),
        "the missing record is named: {err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

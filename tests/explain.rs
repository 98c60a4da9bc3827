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

#[test]
fn html_page_is_written_whole_and_article_markup_stays_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    let text = "The council voted 9 to 2 on Monday to release 4.2 million crowns for repairs to the Harwick seawall.\n\nCrews will place 600 tonnes of rock before the spring tide on March 14, the council said.";
    std::fs::write(&a, text).expect("write a");
    std::fs::write(
        &b,
        format!("{text} <script>alert(1)</script><img src=x onerror=alert(2)>"),
    )
    .expect("write b");
    let page = dir.path().join("pair.html");
    let o = spinscan(&[
        "explain",
        a.to_str().expect("utf-8"),
        b.to_str().expect("utf-8"),
        "--html",
        page.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let html = std::fs::read_to_string(&page).expect("page written");
    assert!(html.ends_with("</html>\n"), "written whole");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "markup as text"
    );
    assert!(
        !html.contains("<script") && !html.contains("<img"),
        "{html}"
    );
    assert!(
        html.contains("class=\"verbatim\""),
        "the copied sentences are a verbatim row"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "a.txt" && n != "b.txt" && n != "pair.html")
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary file left: {leftovers:?}"
    );
}

#[test]
fn two_files_of_one_name_in_two_folders_are_told_apart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (x, y) = (dir.path().join("x"), dir.path().join("y"));
    std::fs::create_dir_all(&x).expect("x");
    std::fs::create_dir_all(&y).expect("y");
    std::fs::write(
        x.join("story.txt"),
        "The harbour council voted on Tuesday to build a new sea wall along the eastern quay.",
    )
    .expect("write");
    std::fs::write(
        y.join("story.txt"),
        "A cheese fair in Ashcombe drew nine hundred visitors on Saturday afternoon.",
    )
    .expect("write");
    let o = spinscan(&[
        "explain",
        x.join("story.txt").to_str().expect("utf-8"),
        y.join("story.txt").to_str().expect("utf-8"),
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "different stories: {out}");
    assert!(out.contains("(not a copy)"), "{out}");
}

//! End-to-end tests of the input formats other than `.txt` (JSON lines; mixed folders) and of
//! `spinscan extract`: run the built binary on the fixtures in tests/fixtures and check the
//! reports, the extracted files and the exit codes.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::{s, spinscan, spinscan_with_stdin, Csv};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `scan` on `dir` with extra flags; returns the output and the report folder.
fn scan(dir: &Path, extra: &[&str]) -> (Output, tempfile::TempDir) {
    let out = tempfile::tempdir().expect("tempdir");
    let mut args = vec!["scan", s(dir), "--out", s(out.path()), "--quiet"];
    args.extend_from_slice(extra);
    (spinscan(&args), out)
}

fn copy_pair<'a>(pairs: &'a Csv, a: &str, b: &str) -> &'a HashMap<String, String> {
    pairs
        .rows
        .iter()
        .find(|r| (r["a"] == a && r["b"] == b) || (r["a"] == b && r["b"] == a))
        .unwrap_or_else(|| panic!("no pair {a} / {b} in pairs.csv"))
}

const CUSTOM_FIELDS: &[&str] = &[
    "--text-field",
    "body",
    "--url-field",
    "link",
    "--title-field",
    "headline",
    "--date-field",
    "published",
    "--author-field",
    "byline",
];

#[test]
fn jsonl_scan_pairs_the_copy_with_its_original_and_reports_bad_lines() {
    let (o, out) = scan(&fixture("jsonl"), &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "copies found -> exit 1; {err}");

    let pairs = Csv::read(&out.path().join("pairs.csv"));
    let p = copy_pair(&pairs, "articles.jsonl#1", "articles.jsonl#2");
    assert_eq!(p["is_copy"], "true");
    assert_eq!(p["relation"], "verbatim_copy");
    assert_eq!(p["source"], "articles.jsonl#1", "the dated original");
    assert!(
        pairs
            .rows
            .iter()
            .all(|r| r["a"] != "articles.jsonl#4" && r["b"] != "articles.jsonl#4"),
        "the cheese fair is unrelated to the bridge stories"
    );

    let arts = Csv::read(&out.path().join("articles.csv"));
    let paths: Vec<&str> = arts.rows.iter().map(|r| r["path"].as_str()).collect();
    assert_eq!(
        paths,
        [
            "articles.jsonl#1",
            "articles.jsonl#2",
            "articles.jsonl#3",
            "articles.jsonl#4"
        ],
        "bad lines 5 and 6 give no article"
    );
    assert!(arts.rows.iter().all(|r| r["format"] == "jsonl"));
    let orig = arts.row("path", "articles.jsonl#1");
    assert_eq!(
        orig["url"],
        "https://westmarch-courier.example/news/dunmere-bridge-closure"
    );
    assert_eq!(
        orig["title"],
        "Dunmere Rail Bridge To Close For Six Weeks Of Repairs"
    );
    assert_eq!(orig["date"], "2025-03-13");
    assert_eq!(orig["author"], "Tobias Renn");
    assert_eq!(orig["role"], "original");
    let copy = arts.row("path", "articles.jsonl#2");
    assert_eq!(copy["date"], "2025-03-15", "ISO timestamp cut to its date");
    assert_eq!(
        copy["url"],
        "https://buzzhubdaily.example/dunmere-rail-bridge-close/"
    );
    assert_eq!(copy["role"], "copy");
    assert_ne!(copy["boilerplate_lines"], "0", "the farm's chrome is found");
    let rewrite = arts.row("path", "articles.jsonl#3");
    assert_eq!(
        rewrite["title"],
        "Westmarch line bridge shut for girder work"
    );
    assert_eq!(rewrite["author"], "Content Team");

    assert!(
        err.contains("articles.jsonl#5: invalid JSON"),
        "bad JSON named with its line: {err}"
    );
    assert!(
        err.contains("articles.jsonl#6: missing text field \"text\""),
        "missing field named with its line: {err}"
    );
    assert!(
        err.contains("custom.ndjson#1: missing text field \"text\""),
        "records with other field names are reported, not guessed: {err}"
    );
    assert!(err.lines().all(|l| l.starts_with("spinscan: ")), "{err}");
}

#[test]
fn field_flags_read_records_with_other_field_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::copy(
        fixture("jsonl/custom.ndjson"),
        dir.path().join("custom.ndjson"),
    )
    .expect("copy fixture");
    let (o, out) = scan(dir.path(), CUSTOM_FIELDS);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "every line reads: {}", stderr(&o));

    let arts = Csv::read(&out.path().join("articles.csv"));
    assert_eq!(arts.rows.len(), 3);
    let orig = arts.row("path", "custom.ndjson#1");
    assert_eq!(
        orig["url"],
        "https://kestrelbay-herald.example/museum-logbooks"
    );
    assert_eq!(
        orig["title"],
        "Harbour Museum Receives Whaling Logbooks From Private Collection"
    );
    assert_eq!(orig["date"], "2025-04-14");
    assert_eq!(orig["author"], "Marta Quill");
    assert_eq!(orig["format"], "jsonl");

    let pairs = Csv::read(&out.path().join("pairs.csv"));
    let p = copy_pair(&pairs, "custom.ndjson#1", "custom.ndjson#2");
    assert_eq!(p["is_copy"], "true");
    assert_eq!(p["source"], "custom.ndjson#1");
}

#[test]
fn mixed_folder_of_txt_and_jsonl_scans_end_to_end() {
    let (o, out) = scan(&fixture("mixed"), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let arts = Csv::read(&out.path().join("articles.csv"));
    let format = |p: &str| arts.row("path", p)["format"].clone();
    assert_eq!(format("glenbrook-night-bus.txt"), "txt");
    assert_eq!(format("feed.jsonl#1"), "jsonl");
    assert_eq!(format("feed.jsonl#2"), "jsonl");
    let txt = arts.row("path", "glenbrook-night-bus.txt");
    assert_eq!(
        txt["date"], "2025-05-20",
        "the .txt date prefix still works"
    );
    assert_eq!(txt["role"], "original");
    assert_eq!(arts.row("path", "feed.jsonl#1")["role"], "copy");

    let pairs = Csv::read(&out.path().join("pairs.csv"));
    let p = copy_pair(&pairs, "feed.jsonl#1", "glenbrook-night-bus.txt");
    assert_eq!(p["is_copy"], "true");
    assert_eq!(p["source"], "glenbrook-night-bus.txt");
}

#[test]
fn extract_writes_clean_bodies_and_metadata() {
    let out = tempfile::tempdir().expect("tempdir");
    let o = spinscan(&["extract", s(&fixture("jsonl")), "--out", s(out.path())]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "ran despite bad lines; {err}");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("4 articles extracted"), "{stdout}");
    assert!(err.contains("articles.jsonl#5: invalid JSON"), "{err}");
    assert!(
        err.contains("articles.jsonl#6: missing text field"),
        "{err}"
    );

    // One file per article: FILE-STEM/LINE.txt for JSON lines.
    for n in 1..=4 {
        let f = out.path().join(format!("articles/{n}.txt"));
        assert!(f.is_file(), "{} written", f.display());
    }
    assert!(!out.path().join("articles/5.txt").exists());
    assert!(!out.path().join("articles/6.txt").exists());

    let copy = fs::read_to_string(out.path().join("articles/2.txt")).expect("copy body");
    for boilerplate in [
        "Share: X | Facebook | WhatsApp | Email",
        "Kelsey Moon is a passionate writer",
        "9 Packing Hacks Every Traveller Should Know",
        "All rights reserved",
        "Published on https://buzzhubdaily.example",
        "• Travel",
    ] {
        assert!(
            !copy.contains(boilerplate),
            "{boilerplate:?} removed:\n{copy}"
        );
    }
    assert!(copy.contains("Petra Lindgren, who runs a cafe opposite the station"));
    assert!(
        !copy.contains("Dunmere Rail Bridge To Close For Six Weeks"),
        "the title is metadata, not body"
    );
    let paragraphs: Vec<&str> = copy.lines().collect();
    assert_eq!(paragraphs.len(), 6, "one paragraph per line:\n{copy}");
    assert!(paragraphs[0].starts_with("DUNMERE — The rail bridge"));
    let original = fs::read_to_string(out.path().join("articles/1.txt")).expect("original");
    assert_eq!(original, copy, "a verbatim copy cleans to its original");

    let text = fs::read_to_string(out.path().join("metadata.csv")).expect("metadata.csv");
    assert_eq!(
        text.lines().next(),
        Some("path,format,title,date,url,author,boilerplate_lines")
    );
    let meta = Csv::read(&out.path().join("metadata.csv"));
    assert_eq!(
        meta.header,
        [
            "path",
            "format",
            "title",
            "date",
            "url",
            "author",
            "boilerplate_lines"
        ]
    );
    assert_eq!(meta.rows.len(), 4);
    let row = meta.row("path", "articles.jsonl#2");
    assert_eq!(row["format"], "jsonl");
    assert_eq!(row["date"], "2025-03-15");
    assert_eq!(
        row["url"],
        "https://buzzhubdaily.example/dunmere-rail-bridge-close/"
    );
    assert!(
        row["boilerplate_lines"].parse::<usize>().expect("a count") >= 10,
        "{row:?}"
    );
    assert_eq!(
        meta.row("path", "articles.jsonl#1")["author"],
        "Tobias Renn"
    );
}

#[test]
fn extract_takes_folders_and_single_files_together() {
    let out = tempfile::tempdir().expect("tempdir");
    let (mixed, articles) = (fixture("mixed"), fixture("jsonl/articles.jsonl"));
    let o = spinscan(&[
        "extract",
        s(&mixed),
        s(&articles),
        "--out",
        s(out.path()),
        "--quiet",
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(o.stdout.is_empty(), "--quiet prints no summary");
    assert!(
        err.contains(&format!("{}#5: invalid JSON", articles.display())),
        "problems name the file as given: {err}"
    );

    let txt = fs::read_to_string(out.path().join("glenbrook-night-bus.txt")).expect("txt body");
    assert!(
        txt.starts_with("GLENBROOK — Glenbrook town council"),
        "{txt}"
    );
    assert!(!txt.contains("date 2025-05-20"));
    let jsonl = fs::read_to_string(out.path().join("feed/1.txt")).expect("jsonl body");
    assert!(jsonl.contains("Lynx Coaches said it would hire eight additional drivers"));
    assert!(!jsonl.contains("Published on https://morningfeed.example"));
    assert!(!jsonl.contains("• Politics"), "{jsonl}");
    assert!(out.path().join("articles/4.txt").is_file());

    let meta = Csv::read(&out.path().join("metadata.csv"));
    let formats: Vec<(&str, &str)> = meta
        .rows
        .iter()
        .map(|r| (r["path"].as_str(), r["format"].as_str()))
        .collect();
    assert_eq!(
        formats,
        [
            ("feed.jsonl#1", "jsonl"),
            ("feed.jsonl#2", "jsonl"),
            ("glenbrook-night-bus.txt", "txt"),
            ("articles.jsonl#1", "jsonl"),
            ("articles.jsonl#2", "jsonl"),
            ("articles.jsonl#3", "jsonl"),
            ("articles.jsonl#4", "jsonl"),
        ]
    );
    let txt_row = meta.row("path", "glenbrook-night-bus.txt");
    assert_eq!(txt_row["author"], "Oskar Lund");
    assert_eq!(txt_row["date"], "2025-05-20");
}

#[test]
fn extract_reads_other_field_names() {
    let out = tempfile::tempdir().expect("tempdir");
    let custom = fixture("jsonl/custom.ndjson");
    let mut args = vec!["extract", s(&custom), "--out", s(out.path()), "--quiet"];
    args.extend_from_slice(CUSTOM_FIELDS);
    let o = spinscan(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "every line reads: {}", stderr(&o));

    let museum = fs::read_to_string(out.path().join("custom/2.txt")).expect("custom body");
    assert!(museum.contains("Curator Hanna Oyelaran said"), "{museum}");
    assert!(!museum.contains("Read more:"), "{museum}");
    assert!(!museum.contains("Share: X"), "{museum}");

    let meta = Csv::read(&out.path().join("metadata.csv"));
    assert_eq!(meta.rows.len(), 3);
    let row = meta.row("path", "custom.ndjson#1");
    assert_eq!(row["author"], "Marta Quill");
    assert_eq!(row["date"], "2025-04-14");
    assert_eq!(
        row["title"],
        "Harbour Museum Receives Whaling Logbooks From Private Collection"
    );
    assert_eq!(
        row["url"],
        "https://kestrelbay-herald.example/museum-logbooks"
    );
}

#[test]
fn extract_does_not_read_its_own_output_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    for f in ["feed.jsonl", "glenbrook-night-bus.txt"] {
        fs::copy(fixture("mixed").join(f), dir.path().join(f)).expect("copy fixture");
    }
    let out = dir.path().join("clean");
    for _ in 0..2 {
        let o = spinscan(&["extract", s(dir.path()), "--out", s(&out), "--quiet"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let meta = Csv::read(&out.join("metadata.csv"));
        assert_eq!(meta.rows.len(), 3);
    }
    assert!(!out.join("clean").exists());
}

#[test]
fn extract_on_a_missing_path_exits_2_naming_it() {
    let out = tempfile::tempdir().expect("tempdir");
    let missing = out.path().join("no-such-folder");
    let o = spinscan(&[
        "extract",
        s(&fixture("mixed")),
        s(&missing),
        "--out",
        s(&out.path().join("x")),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(s(&missing)), "{}", stderr(&o));
    assert!(
        !out.path().join("x/metadata.csv").exists(),
        "nothing written on error"
    );
}

#[test]
fn extract_into_an_unwritable_folder_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("not-a-folder");
    fs::write(&file, "x").expect("write");
    let o = spinscan(&["extract", s(&fixture("mixed")), "--out", s(&file)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not-a-folder"), "{}", stderr(&o));
}

#[test]
fn extract_help_shows_examples_and_the_output_layout() {
    let o = spinscan(&["extract", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    let help = String::from_utf8_lossy(&o.stdout);
    for needle in [
        "Examples:",
        "metadata.csv",
        "path,format,title,date,url,author,boilerplate_lines",
        "--text-field",
        "feed/N.txt",
    ] {
        assert!(help.contains(needle), "{needle:?} in help:\n{help}");
    }
}

#[test]
fn extract_keeps_the_extension_when_two_inputs_would_share_a_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let txt = fs::read_to_string(fixture("mixed/glenbrook-night-bus.txt")).expect("fixture");
    fs::write(dir.path().join("page.txt"), &txt).expect("write");
    let paragraphs: String = txt
        .split("\n\n")
        .skip(1)
        .map(|p| format!("<p>{p}</p>\n"))
        .collect();
    fs::write(
        dir.path().join("page.html"),
        format!("<html><head><title>Night buses</title></head><body><article>{paragraphs}</article></body></html>"),
    )
    .expect("write");
    let out = dir.path().join("out");
    let o = spinscan(&["extract", s(dir.path()), "--out", s(&out), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.join("page.txt").is_file());
    let html = fs::read_to_string(out.join("page.html.txt")).expect("html body");
    assert!(html.contains("Lynx Coaches said it would hire"), "{html}");
}

#[test]
fn extract_refuses_two_inputs_with_the_same_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    for sub in ["one", "two"] {
        fs::create_dir(dir.path().join(sub)).expect("mkdir");
        fs::copy(
            fixture("mixed/glenbrook-night-bus.txt"),
            dir.path().join(sub).join("a.txt"),
        )
        .expect("copy");
    }
    let out = dir.path().join("out");
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    let o = spinscan(&["extract", s(&one), s(&two), "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("a.txt") && err.contains("separate runs"),
        "{err}"
    );
    assert!(!out.join("metadata.csv").exists());
    // The same file named twice is read once.
    let file = one.join("a.txt");
    let o = spinscan(&["extract", s(&one), s(&file), "--out", s(&out), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(Csv::read(&out.join("metadata.csv")).rows.len(), 1);
}

/// Writes `text` gzip-compressed to `path`.
fn gzip(path: &Path, text: &[u8]) {
    use std::io::Write;
    let f = std::fs::File::create(path).expect("create");
    let mut w = flate2::write::GzEncoder::new(f, flate2::Compression::default());
    w.write_all(text).expect("write");
    w.finish().expect("finish");
}

#[test]
fn gzip_inputs_are_read_as_their_inner_format_and_a_broken_one_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/articles");
    std::fs::copy(sample.join("a07.txt"), dir.path().join("a07.txt")).expect("copy");
    gzip(
        &dir.path().join("a03.txt.gz"),
        &std::fs::read(sample.join("a03.txt")).expect("read"),
    );
    gzip(
        &dir.path().join("feed.jsonl.gz"),
        &std::fs::read(fixture("jsonl").join("articles.jsonl")).expect("read"),
    );
    let whole = std::fs::read(dir.path().join("feed.jsonl.gz")).expect("read");
    std::fs::write(dir.path().join("broken.txt.gz"), &whole[..whole.len() / 2]).expect("write");

    let (o, out) = scan(dir.path(), &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "copies found; {err}");
    let pairs = Csv::read(&out.path().join("pairs.csv"));
    assert_eq!(
        copy_pair(&pairs, "a03.txt.gz", "a07.txt")["relation"],
        "verbatim_copy"
    );
    assert_eq!(
        copy_pair(&pairs, "feed.jsonl.gz#1", "feed.jsonl.gz#2")["relation"],
        "verbatim_copy"
    );
    let broken: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("broken.txt.gz"))
        .collect();
    assert_eq!(broken.len(), 1, "one line names the broken file: {err}");
    // Spans point into the decompressed text.
    let spans = Csv::read(&out.path().join("spans.csv"));
    let row = spans
        .rows
        .iter()
        .find(|r| r["a"] == "a03.txt.gz" && r["b"] == "a07.txt")
        .expect("spans of the gzip copy");
    let text = std::fs::read_to_string(sample.join("a03.txt")).expect("read");
    let (s, e): (usize, usize) = (
        row["a_start"].parse().expect("start"),
        row["a_end"].parse().expect("end"),
    );
    assert!(text[s..e].starts_with("PORT ELLIS"), "{}", &text[s..e]);
}

#[test]
fn scan_takes_a_single_json_lines_file_and_refuses_other_files() {
    let feed = fixture("jsonl").join("articles.jsonl");
    let out = tempfile::tempdir().expect("temp dir");
    let o = spinscan(&["scan", s(&feed), "--out", s(out.path()), "--quiet"]);
    assert_eq!(o.status.code(), Some(1), "copies found; {}", stderr(&o));
    let pairs = Csv::read(&out.path().join("pairs.csv"));
    assert_eq!(
        copy_pair(&pairs, "articles.jsonl#1", "articles.jsonl#2")["relation"],
        "verbatim_copy"
    );
    let toml = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let o = spinscan(&["scan", s(&toml), "--out", s(out.path()), "--quiet"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("Cargo.toml") && err.contains("not a folder or an article file"),
        "{err}"
    );
}

#[test]
fn json_lines_on_standard_input() {
    let out = tempfile::tempdir().expect("temp dir");
    let feed = fs::read(fixture("jsonl").join("articles.jsonl")).expect("read");
    let o = spinscan_with_stdin(&["scan", "-", "--out", s(out.path()), "--quiet"], &feed);
    assert_eq!(o.status.code(), Some(1), "copies found; {}", stderr(&o));
    let pairs = Csv::read(&out.path().join("pairs.csv"));
    assert_eq!(
        copy_pair(&pairs, "stdin.jsonl#1", "stdin.jsonl#2")["relation"],
        "verbatim_copy"
    );
    let spans = Csv::read(&out.path().join("spans.csv"));
    assert!(
        spans
            .rows
            .iter()
            .any(|r| r["a"] == "stdin.jsonl#1" && !r["a_start"].is_empty()),
        "the evidence reads standard input's copy again"
    );
}

#[test]
fn scan_takes_files_and_folders_together() {
    let out = tempfile::tempdir().expect("temp dir");
    let html = fixture("html");
    let feed = fixture("jsonl").join("articles.jsonl");
    // The copy pair sits in the folder; the feed is a file beside it; the folder's page is also
    // named on its own (read once).
    let page = html.join("gazette-sea-wall.html");
    let o = spinscan(&[
        "scan",
        s(&html),
        s(&feed),
        s(&page),
        "--out",
        s(out.path()),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(1), "copies found; {}", stderr(&o));
    let articles = Csv::read(&out.path().join("articles.csv"));
    let paths: Vec<&str> = articles.rows.iter().map(|r| r["path"].as_str()).collect();
    // Paths are relative to the inputs' common folder, each file once, in sorted order.
    assert!(paths.contains(&"html/gazette-sea-wall.html"), "{paths:?}");
    assert!(paths.contains(&"jsonl/articles.jsonl#1"), "{paths:?}");
    assert_eq!(
        paths
            .iter()
            .filter(|p| p.ends_with("gazette-sea-wall.html"))
            .count(),
        1
    );
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    let pairs = Csv::read(&out.path().join("pairs.csv"));
    assert!(
        copy_pair(&pairs, "jsonl/articles.jsonl#1", "jsonl/articles.jsonl#2")["is_copy"] == "true"
    );
    copy_pair(
        &pairs,
        "html/dailybuzz-sea-wall-copy.html",
        "html/gazette-sea-wall.html",
    );

    // Standard input goes alone, and cron mode takes one folder.
    let o = spinscan(&["scan", "-", s(&html), "--out", s(out.path())]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("standard input"), "{}", stderr(&o));
    let state = out.path().join("state.db");
    let o = spinscan(&[
        "scan",
        s(&html),
        s(&feed),
        "--state",
        s(&state),
        "--out",
        s(out.path()),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("one folder"), "{}", stderr(&o));
    assert!(!state.exists(), "no state is made by a refused run");
}

#[test]
fn extract_reads_json_lines_on_standard_input() {
    let out = tempfile::tempdir().expect("temp dir");
    let page = fixture("html").join("gazette-sea-wall.html");
    let feed = fs::read(fixture("jsonl").join("articles.jsonl")).expect("read");
    let o = spinscan_with_stdin(
        &["extract", "-", s(&page), "--out", s(out.path()), "--quiet"],
        &feed,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let meta = Csv::read(&out.path().join("metadata.csv"));
    meta.row("path", "stdin.jsonl#1");
    meta.row("path", "gazette-sea-wall.html");
    let body = fs::read_to_string(out.path().join("stdin/1.txt")).expect("line 1 extracted");
    assert!(!body.trim().is_empty());
}

#[test]
fn zstd_inputs_are_read_as_their_inner_format_frame_after_frame() {
    use ruzstd::encoding::{compress_to_vec, CompressionLevel};
    let dir = tempfile::tempdir().expect("temp dir");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/articles");
    std::fs::copy(sample.join("a07.txt"), dir.path().join("a07.txt")).expect("copy");
    let zst = |bytes: &[u8]| compress_to_vec(bytes, CompressionLevel::Fastest);
    std::fs::write(
        dir.path().join("a03.txt.zst"),
        zst(&std::fs::read(sample.join("a03.txt")).expect("read")),
    )
    .expect("write");
    // A feed compressed line by line: one frame per record, as record-by-record tools write.
    let feed = std::fs::read_to_string(fixture("jsonl").join("articles.jsonl")).expect("read");
    let frames: Vec<u8> = feed
        .split_inclusive('\n')
        .flat_map(|line| zst(line.as_bytes()))
        .collect();
    std::fs::write(dir.path().join("feed.jsonl.zst"), &frames).expect("write");
    std::fs::write(
        dir.path().join("broken.txt.zst"),
        &frames[..frames.len() / 3],
    )
    .expect("write");

    let (o, out) = scan(dir.path(), &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "copies found; {err}");
    let pairs = Csv::read(&out.path().join("pairs.csv"));
    assert_eq!(
        copy_pair(&pairs, "a03.txt.zst", "a07.txt")["relation"],
        "verbatim_copy"
    );
    assert_eq!(
        copy_pair(&pairs, "feed.jsonl.zst#1", "feed.jsonl.zst#2")["relation"],
        "verbatim_copy"
    );
    let broken: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("broken.txt.zst"))
        .collect();
    assert_eq!(broken.len(), 1, "one line names the broken file: {err}");
}

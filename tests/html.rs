//! HTML input end to end: run the built binary on a temporary copy of tests/fixtures/html (a
//! news story, a content-farm copy of it with menus, share bars, related links, an author bio
//! and a footer, and an unrelated story in windows-1252) and check the reports.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::{s, spinscan, Csv};

fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    Csv::read(path).rows
}

const ORIGINAL: &str = "gazette-sea-wall.html";
const COPY: &str = "dailybuzz-sea-wall-copy.html";
const OTHER: &str = "riverside-library-reopens.html";

/// A fresh copy of the fixture folder (the scan must not depend on, or touch, the repo's own).
fn fixture_copy() -> tempfile::TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/html");
    let dir = tempfile::tempdir().expect("tempdir");
    for e in fs::read_dir(&src).expect("fixture folder") {
        let e = e.expect("entry");
        fs::copy(e.path(), dir.path().join(e.file_name())).expect("copy fixture");
    }
    dir
}

/// Scans a copy of the fixtures; returns the run, the input copy and the report folder.
fn scan() -> (Output, tempfile::TempDir, tempfile::TempDir) {
    let input = fixture_copy();
    let out = tempfile::tempdir().expect("tempdir");
    let o = spinscan(&["scan", s(input.path()), "--out", s(out.path()), "--quiet"]);
    (o, input, out)
}

#[test]
fn the_html_copy_is_paired_with_its_original() {
    let (o, _input, out) = scan();
    let out = out.path();
    assert_eq!(
        o.status.code(),
        Some(1),
        "copies found -> exit 1; stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let pairs = read_csv(&out.join("pairs.csv"));
    let copies: Vec<_> = pairs.iter().filter(|p| p["is_copy"] == "true").collect();
    assert_eq!(copies.len(), 1, "{pairs:?}");
    let p = copies[0];
    let mut ab = [p["a"].as_str(), p["b"].as_str()];
    ab.sort();
    assert_eq!(ab, [COPY, ORIGINAL]);
    assert!(p["relation"].contains("copy"), "{p:?}");
    assert_eq!(p["source"], ORIGINAL, "the earlier page is the source");

    let arts = read_csv(&out.join("articles.csv"));
    let row = |path: &str| {
        arts.iter()
            .find(|r| r["path"] == path)
            .unwrap_or_else(|| panic!("{path} in articles.csv"))
    };
    assert_eq!(row(COPY)["role"], "copy");
    assert_eq!(row(COPY)["copied_from"], ORIGINAL);
    assert_eq!(row(ORIGINAL)["role"], "original");
    assert_eq!(row(OTHER)["role"], "independent");
}

#[test]
fn metadata_columns_come_from_the_page_head() {
    let (_o, _input, out) = scan();
    let out = out.path();
    let arts = read_csv(&out.join("articles.csv"));
    let row = |path: &str| {
        arts.iter()
            .find(|r| r["path"] == path)
            .unwrap_or_else(|| panic!("{path} in articles.csv"))
            .clone()
    };
    let g = row(ORIGINAL);
    assert_eq!(g["format"], "html");
    assert_eq!(
        g["title"],
        "Port Ellis council approves £4m sea wall after two-year row"
    );
    assert_eq!(g["date"], "2025-03-04");
    assert_eq!(
        g["url"],
        "https://www.porteliss-gazette.example/news/2025/03/04/sea-wall-approved"
    );
    assert_eq!(g["author"], "Ana Lopes");

    let c = row(COPY);
    assert_eq!(c["format"], "html");
    assert_eq!(
        c["title"], "Port Ellis Council Approves £4m Sea Wall After Two-Year Row",
        "the ' - Daily Buzz Hub' suffix is cut"
    );
    assert_eq!(c["date"], "2025-03-05", "from JSON-LD datePublished");
    assert_eq!(
        c["url"],
        "https://dailybuzzhub.example/port-ellis-council-approves-sea-wall/"
    );
    assert_eq!(c["author"], "Jake Miller", "from JSON-LD author.name");
    assert_eq!(c["source_credit"], "Port Ellis Gazette");

    let r = row(OTHER);
    assert_eq!(r["title"], "Riverside library reopens after flood repairs");
    assert_eq!(r["date"], "2025-02-18");
    assert_eq!(r["author"], "Mei Tanaka");
    assert_eq!(
        r["url"],
        "https://riverside-chronicle.example/2025/02/library-reopens"
    );
}

#[test]
fn discarded_chrome_is_typed_in_boilerplate_csv() {
    let (_o, _input, out) = scan();
    let out = out.path();
    let bp = read_csv(&out.join("boilerplate.csv"));
    let of_copy: Vec<_> = bp.iter().filter(|r| r["path"] == COPY).collect();
    let type_of = |text: &str| {
        of_copy
            .iter()
            .find(|r| r["text"].contains(text))
            .map(|r| r["type"].clone())
            .unwrap_or_else(|| panic!("{text:?} not in boilerplate.csv: {of_copy:?}"))
    };
    assert_eq!(type_of("Trending"), "nav_menu");
    assert_eq!(type_of("Lifestyle"), "nav_menu");
    assert_eq!(type_of("Share this:"), "share_bar");
    assert_eq!(type_of("Share on Facebook"), "share_bar");
    assert_eq!(type_of("Related Posts"), "related_links");
    assert_eq!(type_of("10 Kitchen Hacks"), "related_links");
    assert_eq!(type_of("Jake Miller is a passionate writer"), "author_bio");
    assert!(!type_of("Subscribe to our newsletter").is_empty());
    assert!(!type_of("All rights reserved").is_empty());
    assert!(!type_of("Privacy Policy").is_empty());
    // Every boilerplate line has a type from the documented list.
    let types = [
        "nav_menu",
        "share_bar",
        "author_bio",
        "read_more",
        "related_links",
        "newsletter_or_ad_notice",
        "scraper_stamp",
        "template",
    ];
    for r in &bp {
        assert!(types.contains(&r["type"].as_str()), "{r:?}");
    }
    // The original's own menu and footer are chrome too; its paragraphs are not.
    let of_original: Vec<&str> = bp
        .iter()
        .filter(|r| r["path"] == ORIGINAL)
        .map(|r| r["text"].as_str())
        .collect();
    assert!(of_original.contains(&"Sport"), "{of_original:?}");
    assert!(of_original
        .iter()
        .any(|t| t.contains("All rights reserved")));
    assert!(!of_original
        .iter()
        .any(|t| t.contains("Councillor Ruth Mayne")));
}

#[test]
fn the_clean_body_holds_the_story_and_no_chrome() {
    let input = fixture_copy();
    let out = tempfile::tempdir().expect("tempdir");
    let o = spinscan(&[
        "extract",
        s(input.path()),
        "--out",
        s(out.path()),
        "--quiet",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let body = |name: &str| {
        let stem = name.trim_end_matches(".html");
        let found = walk(out.path())
            .into_iter()
            .find(|p| {
                p.file_stem().is_some_and(|s| s == stem)
                    && p.extension().is_some_and(|e| e == "txt")
            })
            .unwrap_or_else(|| panic!("no extracted text for {name} in {}", out.path().display()));
        fs::read_to_string(found).expect("read body")
    };
    let copy = body(COPY);
    let lines: Vec<&str> = copy.lines().map(str::trim).collect();
    for chrome in [
        "Home",
        "Trending",
        "World",
        "Celebrity",
        "Subscribe",
        "Contact",
        "About Us",
    ] {
        assert!(
            !lines.contains(&chrome),
            "menu line {chrome:?} in body:\n{copy}"
        );
    }
    for chrome in [
        "Share this:",
        "Share on Facebook",
        "Related Posts",
        "10 Kitchen Hacks",
        "passionate writer",
        "All rights reserved",
        "Privacy Policy",
        "0 Comments",
        "Subscribe to our newsletter",
    ] {
        assert!(!copy.contains(chrome), "{chrome:?} in body:\n{copy}");
    }
    assert!(copy.contains("Councillor Ruth Mayne, who chairs the coastal committee"));
    assert!(
        copy.starts_with("PORT ELLIS — The harbour council voted"),
        "{copy}"
    );
    assert!(
        !copy.contains("Two-Year Row"),
        "the headline is metadata, not body"
    );

    let original = body(ORIGINAL);
    assert!(
        original.contains("Objections from the promenade"),
        "subheading kept"
    );
    for chrome in [
        "Sport",
        "Business",
        "All rights reserved",
        "12 Harbour Street",
    ] {
        assert!(
            !original.contains(chrome),
            "{chrome:?} in body:\n{original}"
        );
    }

    let other = body(OTHER);
    assert!(
        other.contains("The café in the reading room"),
        "windows-1252 decoded: {other}"
    );
    assert!(!other.contains("Front page"), "{other}");
}

#[test]
fn a_broken_html_file_is_a_problem_naming_it_and_the_rest_is_scanned() {
    let input = fixture_copy();
    fs::write(input.path().join("broken.html"), b"\x00\x01\x02binary").expect("write");
    fs::write(input.path().join("empty.htm"), b"   \n").expect("write");
    let out = tempfile::tempdir().expect("tempdir");
    let o = spinscan(&["scan", s(input.path()), "--out", s(out.path()), "--quiet"]);
    assert_eq!(o.status.code(), Some(1), "copies still found");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("broken.html"), "{err}");
    assert!(err.contains("empty.htm"), "{err}");
    let arts = read_csv(&out.path().join("articles.csv"));
    assert_eq!(arts.len(), 3);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

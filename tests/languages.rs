//! Languages end to end: a folder mixing German and English articles (team-written fixtures in
//! tests/fixtures/languages), each read in its own language, and a translation found as a
//! `translated_copy` while an independent report in the other language is not a copy.

mod common;

use common::{s, spinscan, Csv};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/languages")
}

fn pair<'a>(
    pairs: &'a Csv,
    x: &str,
    y: &str,
) -> Option<&'a std::collections::HashMap<String, String>> {
    pairs
        .rows
        .iter()
        .find(|r| (r["a"] == x && r["b"] == y) || (r["a"] == y && r["b"] == x))
}

#[test]
fn a_mixed_folder_reads_each_article_in_its_language_and_finds_the_translation() {
    let out = tempfile::tempdir().unwrap();
    let o = spinscan(&["scan", s(&fixtures()), "--out", s(out.path())]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "copies found: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let articles = Csv::read(&out.path().join("articles.csv"));
    assert_eq!(articles.row("path", "bruecke-original.txt")["lang"], "de");
    assert_eq!(articles.row("path", "bruecke-haendler.txt")["lang"], "de");
    assert_eq!(articles.row("path", "bridge-translated.txt")["lang"], "en");

    let pairs = Csv::read(&out.path().join("pairs.csv"));
    let translated = pair(&pairs, "bridge-translated.txt", "bruecke-original.txt")
        .expect("the translation is related to its original");
    assert_eq!(translated["relation"], "translated_copy");
    assert_eq!(translated["is_copy"], "true");
    // Names, figures and their order survive translation.
    assert!(
        translated["anchors_shared"].parse::<u32>().unwrap() >= 8,
        "{translated:?}"
    );

    // The German rewrite tells the same story (whether it is called a copy is the English-fitted
    // model's call: EVALUATION.md, Languages).
    let rewrite = pair(&pairs, "bruecke-original.txt", "bruecke-umgeschrieben.txt")
        .expect("the rewrite is related to its original");
    assert!(
        ["rewrite", "same_story"].contains(&rewrite["relation"].as_str()),
        "{rewrite:?}"
    );
    assert!(
        rewrite["score"].parse::<f32>().unwrap() > 0.5,
        "{rewrite:?}"
    );

    // The independent German report shares names with the translation, not their sequence.
    if let Some(p) = pair(&pairs, "bridge-translated.txt", "bruecke-haendler.txt") {
        assert_ne!(p["is_copy"], "true", "{p:?}");
    }
    if let Some(p) = pair(&pairs, "bruecke-haendler.txt", "bruecke-original.txt") {
        assert_ne!(p["is_copy"], "true", "{p:?}");
    }
}

#[test]
fn a_forced_language_applies_to_every_article_and_unknown_codes_are_refused() {
    let out = tempfile::tempdir().unwrap();
    let o = spinscan(&[
        "scan",
        s(&fixtures()),
        "--out",
        s(out.path()),
        "--lang",
        "de",
    ]);
    let code = o.status.code();
    assert!(
        code == Some(0) || code == Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let articles = Csv::read(&out.path().join("articles.csv"));
    assert!(articles.rows.iter().all(|r| r["lang"] == "de"));
    // One language for all: no pair is compared across languages.
    let pairs = Csv::read(&out.path().join("pairs.csv"));
    assert!(pairs
        .rows
        .iter()
        .all(|r| r["relation"] != "translated_copy"));

    let o = spinscan(&[
        "scan",
        s(&fixtures()),
        "--out",
        s(out.path()),
        "--lang",
        "xx",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("unsupported language") && err.contains("de"),
        "{err}"
    );
}

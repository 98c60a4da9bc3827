//! End-to-end tests: run the `spinscan` binary on folders the repository owns (data/sample)
//! or builds on the fly, and check the CSV reports and exit codes.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::{spinscan, Csv};

fn read_csv(path: &Path) -> Csv {
    Csv::read(path)
}

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample")
}

fn scan_sample() -> (Output, tempfile::TempDir) {
    let out = tempfile::tempdir().expect("tempdir");
    let o = spinscan(&[
        "scan",
        sample_dir().to_str().expect("utf-8 path"),
        "--out",
        out.path().to_str().expect("utf-8 path"),
        "--quiet",
    ]);
    (o, out)
}

fn name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[test]
fn sample_copies_form_one_family_and_independent_reports_stay_out() {
    let (o, out) = scan_sample();
    assert_eq!(
        o.status.code(),
        Some(1),
        "copies found -> exit 1; stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let fams = read_csv(&out.path().join("families.csv"));
    assert_eq!(
        fams.header,
        [
            "family",
            "size",
            "original",
            "source_outside_folder",
            "members"
        ]
    );
    let family_of_original = fams
        .rows
        .iter()
        .find(|r| r["members"].split(' ').any(|m| name(m) == "a07.txt"))
        .expect("the original is in a family");
    let members: BTreeSet<&str> = family_of_original["members"].split(' ').map(name).collect();
    for copy in [
        "a03.txt", "a11.txt", "a01.txt", "a09.txt", "a05.txt", "a08.txt",
    ] {
        assert!(
            members.contains(copy),
            "{copy} should be in the family of a07: {members:?}"
        );
    }
    for other in ["a02.txt", "a10.txt", "a06.txt", "a04.txt"] {
        assert!(
            !members.contains(other),
            "{other} is not a copy: {members:?}"
        );
    }
    assert_eq!(
        name(&family_of_original["original"]),
        "a07.txt",
        "the dated wire story is the original"
    );
}

#[test]
fn sample_pairs_name_relation_and_source() {
    let (_, out) = scan_sample();
    let pairs = read_csv(&out.path().join("pairs.csv"));
    let find = |x: &str, y: &str| {
        pairs
            .rows
            .iter()
            .find(|r| {
                let (a, b) = (name(&r["a"]), name(&r["b"]));
                (a == x && b == y) || (a == y && b == x)
            })
            .cloned()
    };
    let scraper = find("a03.txt", "a07.txt").expect("scraper copy pair listed");
    assert_eq!(scraper["relation"], "verbatim_copy");
    assert_eq!(scraper["is_copy"], "true");
    assert_eq!(name(&scraper["source"]), "a07.txt");

    let rewrite = find("a09.txt", "a07.txt").expect("LLM-style rewrite found");
    assert_eq!(rewrite["is_copy"], "true", "{rewrite:?}");
    assert!(
        rewrite["jaccard5"].parse::<f64>().expect("number") < 0.1,
        "the rewrite shares almost no 5-grams, yet is found"
    );

    if let Some(indep) = find("a02.txt", "a07.txt") {
        assert_eq!(
            indep["is_copy"], "false",
            "independent report is not a copy: {indep:?}"
        );
        assert_eq!(indep["relation"], "same_story");
    }
    for r in &pairs.rows {
        let unrelated = ["a04.txt", "a06.txt"];
        if unrelated.contains(&name(&r["a"])) || unrelated.contains(&name(&r["b"])) {
            assert_eq!(
                r["is_copy"], "false",
                "unrelated article paired as copy: {r:?}"
            );
        }
    }
}

#[test]
fn sample_boilerplate_is_typed_and_kept_as_evidence() {
    let (_, out) = scan_sample();
    let bp = read_csv(&out.path().join("boilerplate.csv"));
    assert_eq!(bp.header, ["path", "line", "type", "text"]);
    let labels = read_csv(&sample_dir().join("labels/boilerplate_lines.csv"));
    let found: BTreeSet<(String, String)> = bp
        .rows
        .iter()
        .map(|r| {
            (
                format!("{}:{}", name(&r["path"]), r["line"]),
                r["type"].clone(),
            )
        })
        .collect();
    let mut hits = 0;
    for l in &labels.rows {
        let key = (
            format!("{}:{}", l["file"], l["line_number_1_based"]),
            l["type"].clone(),
        );
        hits += usize::from(found.contains(&key));
    }
    let recall = hits as f64 / labels.rows.len() as f64;
    assert!(
        recall >= 0.8,
        "typed boilerplate recall on the sample {recall:.2} < 0.8"
    );
    let articles = read_csv(&out.path().join("articles.csv"));
    let farm = articles
        .rows
        .iter()
        .find(|r| name(&r["path"]) == "a03.txt")
        .expect("a03 listed");
    assert!(farm["boilerplate_types"].contains("share_bar"), "{farm:?}");
    assert!(farm["boilerplate_types"].contains("nav_menu"), "{farm:?}");
}

#[test]
fn articles_report_has_metadata_and_roles() {
    let (_, out) = scan_sample();
    let articles = read_csv(&out.path().join("articles.csv"));
    assert_eq!(articles.rows.len(), 11);
    let by_name: HashMap<&str, &HashMap<String, String>> = articles
        .rows
        .iter()
        .map(|r| (name(&r["path"]), r))
        .collect();
    assert_eq!(by_name["a07.txt"]["date"], "2025-03-04", "date prefix read");
    assert_eq!(by_name["a07.txt"]["role"], "original");
    assert_eq!(
        by_name["a07.txt"]["generation"], "0",
        "the original is generation 0"
    );
    assert_eq!(by_name["a09.txt"]["generation"], "1", "a first-hand copy");
    assert_eq!(
        by_name["a04.txt"]["generation"], "",
        "no family, no generation"
    );
    assert_eq!(by_name["a09.txt"]["role"], "copy");
    assert_eq!(by_name["a04.txt"]["role"], "independent");
    assert!(
        !by_name["a03.txt"]["url"].is_empty(),
        "stamp URL read: {:?}",
        by_name["a03.txt"]
    );
    assert!(
        by_name["a07.txt"]["path"].starts_with("articles/"),
        "paths relative to DIR"
    );
}

/// Builds a folder of awkward inputs next to two real copies.
fn awkward_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let sample = sample_dir().join("articles");
    let nested = dir.path().join("nested/deeper");
    fs::create_dir_all(&nested).expect("mkdir");
    fs::copy(sample.join("a07.txt"), dir.path().join("original.txt")).expect("copy");
    fs::copy(sample.join("a03.txt"), nested.join("copy.txt")).expect("copy");
    let mut latin1 = fs::read(sample.join("a04.txt")).expect("read");
    latin1.extend_from_slice(b"\nCaf\xe9 owners in the district welcomed the findings.\n");
    fs::write(dir.path().join("latin1.txt"), latin1).expect("write");
    fs::write(dir.path().join("empty.txt"), "\n  \n").expect("write");
    fs::write(
        dir.path().join("binary.txt"),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    )
    .expect("write");
    fs::write(dir.path().join("notes.md"), "# not an article").expect("write");
    let huge = fs::File::create(dir.path().join("huge.txt")).expect("create");
    huge.set_len(17 * 1024 * 1024)
        .expect("a sparse 17 MiB file");
    fs::write(
        dir.path().join("formula.txt"),
        "=HYPERLINK(\"http://evil.example\",\"click\") Council Opens New Library\n\nThe council opened a library on Monday after three years of building work in the old market hall, officials said.\n",
    )
    .expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path(), nested.join("loop")).expect("symlink");
    dir
}

#[test]
fn bad_inputs_are_reported_by_name_and_the_run_goes_on() {
    let dir = awkward_folder();
    let out = tempfile::tempdir().expect("tempdir");
    let o = spinscan(&[
        "scan",
        dir.path().to_str().expect("utf-8"),
        "--out",
        out.path().to_str().expect("utf-8"),
        "-q",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the copy is still found; stderr: {stderr}"
    );
    for (file, what) in [
        ("empty.txt", "empty"),
        ("binary.txt", "binary"),
        ("latin1.txt", "UTF-8"),
    ] {
        let line = stderr
            .lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("no error for {file}: {stderr}"));
        assert!(line.contains(what), "{line}");
    }
    assert!(stderr.contains("loop"), "symlink loop reported: {stderr}");
    let articles = read_csv(&out.path().join("articles.csv"));
    let paths: BTreeSet<&str> = articles.rows.iter().map(|r| r["path"].as_str()).collect();
    assert!(paths.contains("nested/deeper/copy.txt"), "{paths:?}");
    assert!(
        paths.contains("latin1.txt"),
        "a Latin-1 file is read, not dropped"
    );
    assert!(!paths.contains("empty.txt") && !paths.contains("binary.txt"));
    let latin = articles
        .rows
        .iter()
        .find(|r| r["path"] == "latin1.txt")
        .expect("listed");
    assert!(latin["notes"].contains("Windows-1252"), "{latin:?}");
    let formula = articles
        .rows
        .iter()
        .find(|r| r["path"] == "formula.txt")
        .expect("listed");
    assert!(
        formula["title"].starts_with("'="),
        "formula neutralised: {:?}",
        formula["title"]
    );
}

#[test]
fn missing_folder_is_an_error_naming_it() {
    let o = spinscan(&[
        "scan",
        "/definitely/not/here",
        "--out",
        "/tmp/unused-spinscan-out",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("/definitely/not/here"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one-line error: {stderr}");
}

#[test]
fn folder_without_copies_exits_zero() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sample = sample_dir().join("articles");
    fs::copy(sample.join("a07.txt"), dir.path().join("story.txt")).expect("copy");
    fs::copy(sample.join("a04.txt"), dir.path().join("science.txt")).expect("copy");
    let out = tempfile::tempdir().expect("tempdir");
    let o = spinscan(&[
        "scan",
        dir.path().to_str().expect("utf-8"),
        "--out",
        out.path().to_str().expect("utf-8"),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("2 articles"), "summary on stdout: {stdout}");
    assert_eq!(read_csv(&out.path().join("families.csv")).rows.len(), 0);
}

#[test]
fn unwritable_report_folder_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let blocker = dir.path().join("file-not-folder");
    fs::write(&blocker, "x").expect("write");
    let o = spinscan(&[
        "scan",
        sample_dir().to_str().expect("utf-8"),
        "--out",
        blocker.to_str().expect("utf-8"),
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("file-not-folder"));
}

#[test]
fn help_shows_examples_and_exit_codes() {
    let o = spinscan(&["scan", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("Examples:") && text.contains("Exit codes"),
        "{text}"
    );
}

#[test]
fn candidate_index_finds_the_same_copies_as_all_pairs() {
    let copies = |flag: &str| {
        let out = tempfile::tempdir().expect("tempdir");
        let o = spinscan(&[
            "scan",
            sample_dir().to_str().expect("utf-8"),
            "--out",
            out.path().to_str().expect("utf-8"),
            "-q",
            flag,
        ]);
        assert_eq!(o.status.code(), Some(1));
        let pairs = read_csv(&out.path().join("pairs.csv"));
        let mut found: Vec<(String, String)> = pairs
            .rows
            .iter()
            .filter(|r| r["is_copy"] == "true")
            .map(|r| (r["a"].clone(), r["b"].clone()))
            .collect();
        found.sort();
        found
    };
    let exact = copies("--all-pairs");
    assert!(exact.len() >= 6);
    assert_eq!(copies("--candidate-index"), exact);
}

#[test]
fn report_html_embeds_the_data_and_the_top_pairs_texts() {
    let (_, out) = scan_sample();
    let html = std::fs::read_to_string(out.path().join("report.html")).expect("report.html");
    assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
    assert!(
        html.contains("script-src 'sha256-"),
        "only our own script may run"
    );
    let data = html
        .split("<script type=\"application/json\" id=\"data\">")
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .expect("data block");
    let v: serde_json::Value = serde_json::from_str(data).expect("the data block is JSON");
    let pairs = v["pairs"].as_array().expect("pairs");
    assert_eq!(pairs.len(), 21, "every copy pair of the sample");
    assert_eq!(v["families"][0]["name"], "F0001");
    assert_eq!(v["total_articles"], 11);
    assert_eq!(
        v["articles"].as_array().expect("articles").len(),
        7,
        "only articles in copies or families are embedded"
    );
    // The sample has fewer copy pairs than the cap: each has its texts side by side.
    let evidence = v["evidence"].as_object().expect("evidence");
    assert_eq!(evidence.len(), 21);
    let rows = evidence.values().next().expect("one")["rows"]
        .as_array()
        .expect("rows")
        .len();
    assert!(rows >= 5, "aligned sentence rows");
}

#[test]
fn spans_locate_each_aligned_sentence_in_its_file() {
    let (_, out) = scan_sample();
    let spans = read_csv(&out.path().join("spans.csv"));
    assert_eq!(
        spans.header,
        [
            "a",
            "b",
            "sentence_a",
            "sentence_b",
            "a_start",
            "a_end",
            "b_start",
            "b_end",
            "kind",
            "similarity"
        ]
    );
    // The spin of the wire story: its first sentence sits beside the original's, and the
    // offsets cut exactly those sentences out of the two files.
    let row = spans
        .rows
        .iter()
        .find(|r| {
            name(&r["a"]) == "a01.txt" && name(&r["b"]) == "a07.txt" && r["sentence_b"] == "1"
        })
        .expect("a07's first sentence is aligned with a01's");
    let cut = |file: &str, start: &str, end: &str| -> String {
        let bytes = std::fs::read(sample_dir().join("articles").join(file)).expect("read");
        let (s, e): (usize, usize) = (start.parse().expect("start"), end.parse().expect("end"));
        String::from_utf8(bytes[s..e].to_vec()).expect("utf-8 span")
    };
    let a = cut("a01.txt", &row["a_start"], &row["a_end"]);
    let b = cut("a07.txt", &row["b_start"], &row["b_end"]);
    assert!(
        a.starts_with("PORT ELLIS") && a.contains("labored through the evening"),
        "{a}"
    );
    assert!(
        b.starts_with("PORT ELLIS") && b.contains("worked through the night"),
        "{b}"
    );
    assert_eq!(row["kind"], "spun");
    assert!(
        spans.rows.iter().all(|r| !r["a_start"].is_empty()),
        "every sentence found"
    );
}

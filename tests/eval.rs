//! End-to-end tests of `spinscan eval` on the team's labeled sample (data/sample).

use std::path::Path;

mod common;
use common::spinscan;

fn sample() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/sample")
        .to_string_lossy()
        .into_owned()
}

fn metrics(out: &Path) -> Vec<(String, f64)> {
    let text = std::fs::read_to_string(out.join("eval.csv")).expect("eval.csv written");
    text.lines()
        .skip(1)
        .map(|l| {
            let cols: Vec<&str> = l.split(',').collect();
            // A negative value is written as '-x (cells starting with '-' are neutralised).
            (
                cols[1].to_string(),
                cols[2]
                    .trim()
                    .trim_start_matches('\'')
                    .parse()
                    .expect("number"),
            )
        })
        .collect()
}

#[test]
fn eval_measures_the_sample_and_writes_json_and_csv() {
    let out = tempfile::tempdir().expect("tempdir");
    let o = spinscan(&[
        "eval",
        &sample(),
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
    assert!(
        stdout.contains("word 5-gram Jaccard"),
        "baselines printed beside spinscan: {stdout}"
    );
    let m = metrics(out.path());
    let get = |k: &str| {
        m.iter()
            .find(|(n, _)| n == k)
            .map(|x| x.1)
            .unwrap_or_else(|| panic!("{k} missing"))
    };
    assert_eq!(
        get("copy_recall"),
        1.0,
        "every labeled copy of the sample found"
    );
    assert_eq!(get("fpr_independent_same_story"), 0.0);
    assert!(get("boilerplate_f1") > 0.9);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("eval.json")).expect("json"))
            .expect("valid json");
    assert_eq!(json["format"], "labeled");
    assert!(json["metrics"]["copy_f1"].as_f64().is_some());
}

#[test]
fn a_broken_floor_fails_with_exit_1_and_names_the_metric() {
    let dir = tempfile::tempdir().expect("tempdir");
    let floors = dir.path().join("floors.csv");
    std::fs::write(&floors, "copy_f1,>=,0.5\nfamily_ari,>=,1.01\n").expect("write");
    let o = spinscan(&[
        "eval",
        &sample(),
        "--floors",
        floors.to_str().expect("utf-8"),
        "--out",
        dir.path().to_str().expect("utf-8"),
        "--metrics-only",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("family_ari") && !stderr.contains("copy_f1"),
        "{stderr}"
    );
}

#[test]
fn a_stricter_rewrite_threshold_loses_the_rewrites() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = spinscan(&[
        "eval",
        &sample(),
        "--set",
        "rewrite_score=0.99",
        "--set",
        "narration_shingles=100000",
        "--out",
        dir.path().to_str().expect("utf-8"),
        "--metrics-only",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let m = metrics(dir.path());
    let recall = m
        .iter()
        .find(|(n, _)| n == "recall_heavy_rewrite")
        .expect("measured")
        .1;
    assert!(recall < 1.0, "--set reaches the scorer");
}

#[test]
fn unknown_folder_and_bad_parameter_are_errors() {
    let o = spinscan(&["eval", "/definitely/not/a/set"]);
    assert_eq!(o.status.code(), Some(2));
    let o = spinscan(&["eval", &sample(), "--set", "no_such_threshold=1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no_such_threshold"));
}

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
fn a_model_with_a_stricter_threshold_loses_the_rewrites() {
    let dir = tempfile::tempdir().expect("tempdir");
    let shipped =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/model/copy.tsv"))
            .expect("shipped model");
    let strict: String = shipped
        .lines()
        .map(|l| {
            if l.starts_with("threshold\t") {
                "threshold\t0.9999".to_string()
            } else if l.starts_with("sibling\t") {
                "sibling\t1\t1".to_string()
            } else {
                l.to_string()
            }
        })
        .map(|l| l + "\n")
        .collect();
    let model = dir.path().join("strict.tsv");
    std::fs::write(&model, strict).expect("write model");
    let recall = |extra: &[&str]| {
        let out = dir.path().join("out");
        let sample_path = sample();
        let mut args = vec![
            "eval",
            &sample_path,
            "--out",
            out.to_str().expect("utf-8"),
            "--metrics-only",
        ];
        args.extend_from_slice(extra);
        let o = spinscan(&args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        metrics(&out)
            .iter()
            .find(|(n, _)| n == "recall_heavy_rewrite")
            .expect("measured")
            .1
    };
    assert_eq!(
        recall(&[]),
        1.0,
        "the shipped model finds the sample's rewrites"
    );
    let strict = model.to_str().expect("utf-8");
    assert!(
        recall(&["--model", strict]) < 1.0,
        "--model reaches the scorer"
    );
}

#[test]
fn a_model_file_of_another_version_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = dir.path().join("old.tsv");
    std::fs::write(
        &model,
        "threshold\t0.5\nbias\t0\ninput\tno_such_input\t0\t1\t1\n",
    )
    .expect("write");
    let o = spinscan(&["eval", &sample(), "--model", model.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("old.tsv") && err.contains("no_such_input"),
        "{err}"
    );
}

#[test]
fn unknown_folder_and_bad_parameter_are_errors() {
    let o = spinscan(&["eval", "/definitely/not/a/set"]);
    assert_eq!(o.status.code(), Some(2));
    let o = spinscan(&["eval", &sample(), "--set", "no_such_threshold=1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no_such_threshold"));
}

/// Real pages in the manifest layout, with one generated rewrite among them (the team's own
/// sample articles stand in for real pages): the generated figures are measured apart from
/// the real ones, and the held-out fold split keeps whole stories.
#[test]
fn real_pages_layout_measures_generated_rewrites_apart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let articles = Path::new(&sample()).join("articles");
    let rows = [
        ("a07.txt", "F001", "original", "", ""),
        ("a09.txt", "F001", "rewrite", "a07.txt", ""),
        ("a03.txt", "F001", "verbatim_copy", "a07.txt", ""),
        ("a05.txt", "F001", "rewrite", "a07.txt", "close"),
        ("a02.txt", "F001", "independent", "", ""),
        ("a10.txt", "F001", "independent", "", ""),
        ("a04.txt", "F003", "original", "", ""),
    ];
    let url = |f: &str| {
        if f.is_empty() {
            String::new()
        } else {
            format!("https://example.test/{f}")
        }
    };
    let mut manifest = String::from("file,url,family,role,derives_from_url,style,found\n");
    for (file, family, role, from, style) in rows {
        std::fs::copy(articles.join(file), dir.path().join(file)).expect("copy article");
        manifest.push_str(&format!(
            "{file},{},{family},{role},{},{style},true\n",
            url(file),
            url(from)
        ));
    }
    std::fs::write(dir.path().join("manifest.csv"), manifest).expect("manifest");
    let out = tempfile::tempdir().expect("tempdir");
    let set = dir.path().to_str().expect("utf-8");
    let o = spinscan(&["eval", set, "--out", out.path().to_str().expect("utf-8")]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let m = metrics(out.path());
    let get = |name: &str| {
        m.iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("{name} measured"))
            .1
    };
    // Six real pages; the generated rewrite is not one of them.
    assert_eq!(get("pages"), 6.0);
    assert_eq!(get("generated_pairs"), 1.0, "a05 against its source a07");
    assert_eq!(get("generated_recall"), 1.0);
    assert_eq!(get("generated_independent_pairs"), 2.0);
    assert_eq!(get("generated_independent_false_copy_rate"), 0.0);
    assert_eq!(get("independent_false_copy_rate"), 0.0);
    assert!(get("rewrite_recall") > 0.0);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("By story"), "{text}");
    // Fold splits keep whole stories: the two folds' pages add up to all pages.
    let pages_in = |split: &str| {
        let out = tempfile::tempdir().expect("tempdir");
        let o = spinscan(&[
            "eval",
            set,
            "--split",
            split,
            "--metrics-only",
            "--out",
            out.path().to_str().expect("utf-8"),
        ]);
        assert_eq!(o.status.code(), Some(0));
        metrics(out.path())
            .iter()
            .find(|(n, _)| n == "pages")
            .expect("pages")
            .1
    };
    assert_eq!(pages_in("fold:0/2") + pages_in("fold:1/2"), 6.0);
    let o = spinscan(&["eval", set, "--split", "fold:2/2"]);
    assert_eq!(o.status.code(), Some(2), "a fold outside 0..N is an error");
}

#[test]
fn fit_refuses_a_folder_that_is_not_a_labeled_set() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("note.txt"), "not labels").expect("write");
    let out = dir.path().join("model.tsv");
    let o = spinscan(&[
        "fit",
        dir.path().to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(dir.path().to_str().expect("utf-8")), "{err}");
    assert!(!out.exists(), "no model is written");
}

#[test]
fn fit_says_which_fold_cannot_be_fitted_and_writes_no_model() {
    // The sample's copies are all in one story: the fold holding it leaves none to learn from.
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("model.tsv");
    let o = spinscan(&[
        "fit",
        &sample(),
        "--folds",
        "2",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("fold") && err.contains("one class"), "{err}");
    assert!(!out.exists());
}

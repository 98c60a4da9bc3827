//! End-to-end tests of incremental scanning, `spinscan scan DIR --state FILE`: successive runs
//! (new, unchanged, touched, changed and deleted files), the lock on the state, crash safety
//! (the test hooks `SPINSCAN_PAUSE_AT` / `SPINSCAN_ABORT_AT` and a real kill -9), and refusal
//! of a state file that is not a spinscan state.
//!
//! All article text is the team's sample corpus (data/sample) or written in this file.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant, SystemTime};

mod common;
use common::{s, spinscan, Csv};

use tempfile::TempDir;

/// The reports of a `--state` run.
const REPORTS: [&str; 6] = [
    "articles.csv",
    "pairs.csv",
    "families.csv",
    "boilerplate.csv",
    "spans.csv",
    "new_pairs.csv",
];

/// The full reports, which must not depend on how the state was reached.
const FULL_REPORTS: [&str; 4] = [
    "articles.csv",
    "pairs.csv",
    "families.csv",
    "boilerplate.csv",
];

const HOOKS: [&str; 2] = ["SPINSCAN_PAUSE_AT", "SPINSCAN_ABORT_AT"];

/// Crash tests: the folder first indexed ...
const BASE: [&str; 6] = [
    "a07.txt", "a03.txt", "a04.txt", "a06.txt", "a02.txt", "a10.txt",
];
/// ... and the files added before the run that crashes (all copies of a07).
const ADDED: [&str; 5] = ["a11.txt", "a01.txt", "a09.txt", "a05.txt", "a08.txt"];

/// Unrelated text written for these tests (an invented town, no storm, no seawall).
const ORCHARD: &str = "Volunteers plant a community orchard on the old rail yard in Brannock\n\
\n\
BRANNOCK — Some sixty volunteers spent Saturday planting apple, pear and plum trees on the \
disused rail yard behind Brannock station, the first step in turning the fenced-off plot into \
a community orchard that the town's allotment society has campaigned for since 2021.\n\
\n\
The society's treasurer, Mirela Oyelaran, said 84 young trees had gone into the ground by \
mid-afternoon, most of them old local varieties grafted last winter by members of a pruning \
class at the adult education centre. Each tree has been adopted by a household, a school class \
or a shop on the high street, which will water it through its first summer.\n\
\n\
The railway company leased the plot to the town for a nominal rent of one loaf of bread a year, \
a condition that the station master handed over in person at the opening. A beekeeper from \
the neighbouring village has offered to set up four hives along the northern fence next spring.\n\
\n\
The orchard will be open to the public from dawn to dusk, and the first harvest festival is \
planned for the autumn of 2027, when the earliest trees are expected to bear fruit.\n";

fn sample_articles() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/articles")
}

fn tempdir() -> TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// A folder holding copies of the named sample articles.
fn folder(files: &[&str]) -> TempDir {
    let dir = tempdir();
    add(dir.path(), files);
    dir
}

fn add(dir: &Path, files: &[&str]) {
    for f in files {
        fs::copy(sample_articles().join(f), dir.join(f)).expect("copy sample article");
    }
}

/// Overwrites `path` and moves its mtime `secs` seconds ahead, so neither size nor mtime can
/// hide the change.
fn rewrite(path: &Path, text: &[u8], secs: u64) {
    fs::write(path, text).expect("write");
    touch(path, secs);
}

/// Sets the mtime of `path` `secs` seconds into the future, content unchanged.
fn touch(path: &Path, secs: u64) {
    fs::File::options()
        .write(true)
        .open(path)
        .expect("open")
        .set_modified(SystemTime::now() + Duration::from_secs(secs))
        .expect("set mtime");
}

/// `spinscan scan DIR --state STATE --out OUT EXTRA...` with the given hook variables set (and
/// no other hook inherited from the test's environment).
fn state_cmd(
    dir: &Path,
    state: &Path,
    out: &Path,
    extra: &[&str],
    env: &[(&str, &str)],
) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_spinscan"));
    c.args(["scan", s(dir), "--state", s(state), "--out", s(out)])
        .args(extra);
    for h in HOOKS {
        c.env_remove(h);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

fn run_state(dir: &Path, state: &Path, out: &Path, extra: &[&str]) -> Output {
    state_cmd(dir, state, out, extra, &[])
        .output()
        .expect("spinscan runs")
}

fn run_hooked(dir: &Path, state: &Path, out: &Path, env: &[(&str, &str)]) -> Output {
    state_cmd(dir, state, out, &["--quiet"], env)
        .output()
        .expect("spinscan runs")
}

/// A plain scan (no state) of `dir`; returns its report folder.
fn plain_scan(dir: &Path) -> TempDir {
    let out = tempdir();
    let o = spinscan(&["scan", s(dir), "--out", s(out.path()), "--quiet"]);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "plain scan failed: {}",
        text(&o.stderr)
    );
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Everything a failed assertion should show about a run.
fn show(o: &Output) -> String {
    format!(
        "status {:?}\nstdout: {}\nstderr: {}",
        o.status,
        text(&o.stdout),
        text(&o.stderr)
    )
}

/// A pair as (first path, second path, relation), the two paths in sorted order.
type Pair = (String, String, String);

fn pair(r: &std::collections::HashMap<String, String>) -> Pair {
    let (a, b) = (r["a"].clone(), r["b"].clone());
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    (a, b, r["relation"].clone())
}

/// The copy pairs (is_copy = true) of a pairs-shaped report.
fn copy_pairs(path: &Path) -> BTreeSet<Pair> {
    Csv::read(path)
        .rows
        .iter()
        .filter(|r| r["is_copy"] == "true")
        .map(pair)
        .collect()
}

/// All rows of a pairs-shaped report, copies or not.
fn all_pairs(path: &Path) -> BTreeSet<Pair> {
    Csv::read(path).rows.iter().map(pair).collect()
}

fn involves(p: &Pair, files: &[&str]) -> bool {
    files.contains(&p.0.as_str()) || files.contains(&p.1.as_str())
}

fn article_paths(out: &Path) -> BTreeSet<String> {
    Csv::read(&out.join("articles.csv"))
        .rows
        .iter()
        .map(|r| r["path"].clone())
        .collect()
}

/// The rows of new_pairs.csv, checked to be copies with the header of pairs.csv.
fn new_pairs(out: &Path) -> BTreeSet<Pair> {
    let np = Csv::read(&out.join("new_pairs.csv"));
    let header = Csv::read(&out.join("pairs.csv")).header;
    assert_eq!(
        np.header, header,
        "new_pairs.csv has the columns of pairs.csv"
    );
    for r in &np.rows {
        assert_eq!(
            r["is_copy"], "true",
            "new_pairs.csv lists copies only: {r:?}"
        );
    }
    np.rows.iter().map(pair).collect()
}

/// The count before `word` in the summary line (`spinscan: 1 new, 0 changed, ...`), skipping
/// counts of copy pairs (`3 new copy pairs`).
fn count(stdout: &str, word: &str) -> Option<u64> {
    let line = stdout
        .lines()
        .filter(|l| l.starts_with("spinscan:"))
        .collect::<Vec<_>>()
        .join(" ");
    let mut tokens: Vec<&str> = line
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    tokens.push(""); // so a word at the end of the line has a successor
    tokens.windows(3).find_map(|w| {
        let copy_count = matches!(w[2], "copy" | "copies" | "pair" | "pairs");
        (w[1] == word && !copy_count)
            .then(|| w[0].parse().ok())
            .flatten()
    })
}

/// Asserts the summary reports `new`, `changed` and `gone` counts as given.
fn assert_summary(o: &Output, new: u64, changed: u64, gone: u64) {
    let out = text(&o.stdout);
    assert!(
        out.lines().any(|l| l.starts_with("spinscan:")),
        "summary line starting with `spinscan:`: {}",
        show(o)
    );
    for (word, n) in [("new", new), ("changed", changed), ("gone", gone)] {
        assert_eq!(count(&out, word), Some(n), "`{n} {word}` in summary: {out}");
    }
}

/// Asserts a CSV report is whole: not empty, ends with a newline, and every row has the
/// header's number of columns (a torn write would cut the last row short or leave no newline).
fn assert_complete_csv(path: &Path) {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        bytes.ends_with(b"\n"),
        "{} is empty or does not end with a newline ({} bytes): half-written report",
        path.display(),
        bytes.len()
    );
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(&bytes[..]);
    let columns = r.headers().expect("header").len();
    assert!(
        columns > 1,
        "{}: header row {columns} columns",
        path.display()
    );
    for (i, rec) in r.records().enumerate() {
        let rec = rec.unwrap_or_else(|e| panic!("{}: row {i}: {e}", path.display()));
        assert_eq!(
            rec.len(),
            columns,
            "{}: row {i} has {} cells, header {columns}: half-written report",
            path.display(),
            rec.len()
        );
    }
}

/// Every CSV in `out` (if the folder exists) is whole; returns their names.
fn assert_reports_whole(out: &Path) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let Ok(entries) = fs::read_dir(out) else {
        return names;
    };
    for e in entries {
        let path = e.expect("dir entry").path();
        if path.extension().is_some_and(|x| x == "csv") {
            assert_complete_csv(&path);
            names.insert(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    names
}

fn assert_same_file(a: &Path, b: &Path, what: &str) {
    let (x, y) = (fs::read(a).expect("read"), fs::read(b).expect("read"));
    assert!(
        x == y,
        "{what}: {} differs from {}\n--- {}\n{}\n--- {}\n{}",
        a.display(),
        b.display(),
        a.display(),
        text(&x),
        b.display(),
        text(&y)
    );
}

/// The copy pairs of a full report equal those of a plain scan of the same folder.
fn assert_copies_as_plain_scan(dir: &Path, out: &Path, step: &str) {
    let plain = plain_scan(dir);
    assert_eq!(
        copy_pairs(&out.join("pairs.csv")),
        copy_pairs(&plain.path().join("pairs.csv")),
        "{step}: copy pairs (a, b, relation) of the --state run vs a plain scan of the folder"
    );
    assert_eq!(
        article_paths(out),
        article_paths(plain.path()),
        "{step}: articles.csv lists the live articles"
    );
}

#[test]
fn successive_runs_report_only_what_is_new_and_keep_full_reports_current() {
    let dir = folder(&[
        "a07.txt", "a03.txt", "a11.txt", "a01.txt", "a04.txt", "a02.txt",
    ]);
    let d = dir.path();
    let state_dir = tempdir();
    let state = state_dir.path().join("spinscan.state");
    let outs = tempdir();
    let out = |n: u32| outs.path().join(format!("run{n}"));

    // Run 1: a new state; everything is new.
    assert!(!state.exists());
    let o = run_state(d, &state, &out(1), &[]);
    assert_eq!(o.status.code(), Some(1), "copies found: {}", show(&o));
    assert!(state.is_file(), "the state file is created");
    assert_summary(&o, 6, 0, 0);
    for r in REPORTS {
        assert_complete_csv(&out(1).join(r));
    }
    let html =
        fs::read_to_string(out(1).join("report.html")).expect("a cron run writes report.html");
    assert!(
        html.ends_with("</html>\n") && html.contains("\"copy_pairs\":"),
        "report.html whole, with its data"
    );
    let plain = plain_scan(d);
    let plain_copies = copy_pairs(&plain.path().join("pairs.csv"));
    assert!(
        plain_copies.len() >= 6,
        "the sample copies of a07 pair up: {plain_copies:?}"
    );
    assert_eq!(
        new_pairs(&out(1)),
        plain_copies,
        "run 1: new_pairs.csv = the copy pairs of a plain scan"
    );
    assert_copies_as_plain_scan(d, &out(1), "run 1");

    // Run 2: nothing changed.
    let o = run_state(d, &state, &out(2), &[]);
    assert_eq!(o.status.code(), Some(0), "nothing new: {}", show(&o));
    assert_summary(&o, 0, 0, 0);
    assert!(new_pairs(&out(2)).is_empty(), "run 2: no new pairs");
    assert_same_file(
        &out(1).join("pairs.csv"),
        &out(2).join("pairs.csv"),
        "run 2 (no change)",
    );
    assert_same_file(
        &out(1).join("articles.csv"),
        &out(2).join("articles.csv"),
        "run 2 (no change)",
    );

    // Run 3: a07 touched (mtime moved, same bytes): the content hash says unchanged, so it
    // is not re-reported. --quiet: no summary.
    touch(&d.join("a07.txt"), 120);
    let o = run_state(d, &state, &out(3), &["--quiet"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "touched, not changed: {}",
        show(&o)
    );
    assert!(
        o.stdout.is_empty(),
        "--quiet prints no summary: {}",
        show(&o)
    );
    assert!(new_pairs(&out(3)).is_empty(), "run 3: no new pairs");
    assert_same_file(
        &out(1).join("pairs.csv"),
        &out(3).join("pairs.csv"),
        "run 3 (touched only)",
    );

    // Run 4: a new file, the original re-posted under another name behind a site menu line.
    let mut mirror = b"Harbour Mirror | Home | Local | Weather | Contact\n\n".to_vec();
    mirror.extend(fs::read(sample_articles().join("a07.txt")).expect("read"));
    fs::write(d.join("mirror.txt"), mirror).expect("write");
    let o = run_state(d, &state, &out(4), &[]);
    assert_eq!(o.status.code(), Some(1), "new copy: {}", show(&o));
    assert_summary(&o, 1, 0, 0);
    let np = new_pairs(&out(4));
    assert!(
        np.iter().any(|p| p.0 == "a07.txt" && p.1 == "mirror.txt"),
        "run 4: (a07, mirror) reported: {np:?}"
    );
    for p in &np {
        assert!(involves(p, &["mirror.txt"]), "run 4: {p:?} is old news");
    }
    let mirror_copies: BTreeSet<Pair> = copy_pairs(&out(4).join("pairs.csv"))
        .into_iter()
        .filter(|p| involves(p, &["mirror.txt"]))
        .collect();
    assert_eq!(
        np, mirror_copies,
        "run 4: new_pairs.csv = every copy pair of the new file"
    );
    assert_copies_as_plain_scan(d, &out(4), "run 4");

    // Run 5: a11 (a partial copy of a07) is overwritten with unrelated text.
    let a11_copies_before = copy_pairs(&out(4).join("pairs.csv"))
        .into_iter()
        .filter(|p| involves(p, &["a11.txt"]))
        .count();
    assert!(a11_copies_before > 0, "a11 copies a07 before the change");
    rewrite(&d.join("a11.txt"), ORCHARD.as_bytes(), 240);
    let o = run_state(d, &state, &out(5), &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the changed file copies nothing: {}",
        show(&o)
    );
    assert_summary(&o, 0, 1, 0);
    assert!(new_pairs(&out(5)).is_empty(), "run 5: no new pairs");
    let a11_rows: Vec<Pair> = all_pairs(&out(5).join("pairs.csv"))
        .into_iter()
        .filter(|p| involves(p, &["a11.txt"]))
        .collect();
    let stale_copies: Vec<Pair> = copy_pairs(&out(5).join("pairs.csv"))
        .into_iter()
        .filter(|p| involves(p, &["a11.txt"]))
        .collect();
    assert!(
        stale_copies.is_empty(),
        "run 5: a11's old copy pairs are gone: {stale_copies:?} (all a11 rows: {a11_rows:?})"
    );
    let a11 = Csv::read(&out(5).join("articles.csv"));
    let row = a11.row("path", "a11.txt");
    assert!(
        row["title"].contains("orchard"),
        "run 5: a11 re-indexed with its new text: {row:?}"
    );
    assert_copies_as_plain_scan(d, &out(5), "run 5");

    // Run 6: a04 (unrelated) is overwritten with a rewrite of a07 (the text of a05).
    rewrite(
        &d.join("a04.txt"),
        &fs::read(sample_articles().join("a05.txt")).expect("read"),
        360,
    );
    let o = run_state(d, &state, &out(6), &[]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the changed file is now a copy: {}",
        show(&o)
    );
    assert_summary(&o, 0, 1, 0);
    let np = new_pairs(&out(6));
    assert!(
        np.iter().any(|p| p.0 == "a04.txt" && p.1 == "a07.txt"),
        "run 6: (a04, a07) reported: {np:?}"
    );
    for p in &np {
        assert!(involves(p, &["a04.txt"]), "run 6: {p:?} is old news");
    }
    assert_copies_as_plain_scan(d, &out(6), "run 6");

    // Run 7: a03 (the scraper copy) is deleted.
    fs::remove_file(d.join("a03.txt")).expect("delete");
    let o = run_state(d, &state, &out(7), &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "a deletion is not news: {}",
        show(&o)
    );
    assert_summary(&o, 0, 0, 1);
    assert!(new_pairs(&out(7)).is_empty(), "run 7: no new pairs");
    assert!(
        !article_paths(&out(7)).contains("a03.txt"),
        "run 7: a03 gone from articles.csv"
    );
    let with_a03: Vec<Pair> = all_pairs(&out(7).join("pairs.csv"))
        .into_iter()
        .filter(|p| involves(p, &["a03.txt"]))
        .collect();
    assert!(
        with_a03.is_empty(),
        "run 7: a03 gone from pairs.csv: {with_a03:?}"
    );
    let families = fs::read_to_string(out(7).join("families.csv")).expect("families.csv");
    assert!(
        !families.contains("a03.txt"),
        "run 7: a03 gone from families.csv:\n{families}"
    );

    // The final full reports are those of a plain scan of the final folder.
    assert_copies_as_plain_scan(d, &out(7), "final");

    // And a last rerun with no change is quiet again.
    let o = run_state(d, &state, &out(8), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert_summary(&o, 0, 0, 0);
    assert!(new_pairs(&out(8)).is_empty());
    assert_same_file(
        &out(7).join("pairs.csv"),
        &out(8).join("pairs.csv"),
        "rerun",
    );
}

#[test]
fn a_held_state_is_refused_at_once_or_waited_for() {
    let dir = folder(&["a07.txt", "a03.txt", "a04.txt"]);
    let d = dir.path();
    let state_dir = tempdir();
    let state = state_dir.path().join("held.state");
    let outs = tempdir();
    let out = |n: &str| outs.path().join(n);

    let mut a = state_cmd(
        d,
        &state,
        &out("a"),
        &["--quiet"],
        &[("SPINSCAN_PAUSE_AT", "locked:3000")],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .expect("spawn run A");
    let holder = format!("pid {}", a.id());
    sleep(Duration::from_millis(600));
    assert!(
        a.try_wait().expect("try_wait").is_none(),
        "run A still holds the state"
    );

    // B: default (--wait 0) and explicit --wait 0 give up at once.
    for (label, extra) in [
        ("b", &["--quiet"][..]),
        ("b0", &["--quiet", "--wait", "0"][..]),
    ] {
        let started = Instant::now();
        let o = run_state(d, &state, &out(label), extra);
        assert_eq!(o.status.code(), Some(2), "run {label}: {}", show(&o));
        let err = text(&o.stderr);
        assert!(
            err.contains("in use") && err.contains(&holder),
            "run {label}: stderr names the holder ({holder}): {err}"
        );
        assert_eq!(err.trim().lines().count(), 1, "one-line error: {err}");
        assert!(
            started.elapsed() < Duration::from_millis(1500),
            "run {label} did not wait"
        );
    }
    assert!(
        a.try_wait().expect("try_wait").is_none(),
        "run A still holds the state while B is refused (the test machine is too slow?)"
    );

    // C waits for A, then finds A's work committed: nothing new.
    let started = Instant::now();
    let c = run_state(d, &state, &out("c"), &["--quiet", "--wait", "30"]);
    let waited = started.elapsed();
    let a_out = a.wait_with_output().expect("run A ends");
    assert_eq!(
        a_out.status.code(),
        Some(1),
        "run A finds the copy: {}",
        text(&a_out.stderr)
    );
    assert_eq!(
        new_pairs(&out("a")),
        copy_pairs(&plain_scan(d).path().join("pairs.csv")),
        "run A reports the copy pairs"
    );
    assert_eq!(c.status.code(), Some(0), "run C succeeds: {}", show(&c));
    assert!(
        waited >= Duration::from_millis(1500),
        "run C waited for A (returned after {waited:?})"
    );
    assert!(
        new_pairs(&out("c")).is_empty(),
        "A's pairs are not news to C"
    );
    assert_same_file(
        &out("a").join("pairs.csv"),
        &out("c").join("pairs.csv"),
        "C after A",
    );
}

/// What the run that crashes has to do.
#[derive(Clone, Copy, Debug)]
enum Scenario {
    /// Index a whole folder into a new state.
    NewState,
    /// Index `ADDED` next to the indexed `BASE`.
    Added,
    /// `BASE` plus a11 and a01 indexed; then a09, a05 and a08 are added, a11 is overwritten
    /// with unrelated text and a03 is deleted.
    Mixed,
}

const SCENARIOS: [Scenario; 3] = [Scenario::NewState, Scenario::Added, Scenario::Mixed];

impl Scenario {
    /// The files indexed before the run that crashes (none: no state yet).
    fn indexed_first(self) -> Vec<&'static str> {
        match self {
            Scenario::NewState => vec![],
            Scenario::Added => BASE.to_vec(),
            Scenario::Mixed => [&BASE[..], &["a11.txt", "a01.txt"]].concat(),
        }
    }

    /// Changes the folder for the run that crashes.
    fn mutate(self, dir: &Path) {
        match self {
            Scenario::NewState => {
                add(dir, &BASE);
                add(dir, &ADDED);
            }
            Scenario::Added => add(dir, &ADDED),
            Scenario::Mixed => {
                add(dir, &["a09.txt", "a05.txt", "a08.txt"]);
                rewrite(&dir.join("a11.txt"), ORCHARD.as_bytes(), 120);
                fs::remove_file(dir.join("a03.txt")).expect("delete");
            }
        }
    }

    /// (new, changed, gone) files of the run that crashes.
    fn counts(self) -> (u64, u64, u64) {
        match self {
            Scenario::NewState => ((BASE.len() + ADDED.len()) as u64, 0, 0),
            Scenario::Added => (ADDED.len() as u64, 0, 0),
            Scenario::Mixed => (3, 1, 1),
        }
    }

    /// The files whose copy pairs are news to the run that crashes.
    fn news(self) -> Vec<&'static str> {
        match self {
            Scenario::NewState => [&BASE[..], &ADDED[..]].concat(),
            Scenario::Added => ADDED.to_vec(),
            Scenario::Mixed => vec!["a09.txt", "a05.txt", "a08.txt", "a11.txt"],
        }
    }

    /// A folder and state ready for the run that crashes: (folder, state folder, state file).
    fn prepare(self) -> (TempDir, TempDir, PathBuf) {
        let first = self.indexed_first();
        let dir = folder(&first);
        let state_dir = tempdir();
        let state = state_dir.path().join("spinscan.state");
        if !first.is_empty() {
            let out = tempdir();
            let o = run_state(dir.path(), &state, out.path(), &["--quiet"]);
            assert_eq!(
                o.status.code(),
                Some(1),
                "{self:?}: first index: {}",
                show(&o)
            );
        }
        self.mutate(dir.path());
        (dir, state_dir, state)
    }
}

/// The same runs, never crashed.
struct Reference {
    _dir: TempDir,
    /// The reports of the run that crashes elsewhere.
    out: TempDir,
    /// The copy pairs that run must report: those of `Scenario::news` in a plain scan.
    expected: BTreeSet<Pair>,
    /// How long that run took.
    took: Duration,
}

fn never_crashed(sc: Scenario) -> Reference {
    let (dir, _state_dir, state) = sc.prepare();
    let out = tempdir();
    let started = Instant::now();
    let o = run_state(dir.path(), &state, out.path(), &[]);
    let took = started.elapsed();
    assert_eq!(o.status.code(), Some(1), "{sc:?}: {}", show(&o));
    let (new, changed, gone) = sc.counts();
    assert_summary(&o, new, changed, gone);
    let plain = plain_scan(dir.path());
    let news = sc.news();
    let expected: BTreeSet<Pair> = copy_pairs(&plain.path().join("pairs.csv"))
        .into_iter()
        .filter(|p| involves(p, &news))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(
        new_pairs(out.path()),
        expected,
        "{sc:?}, never crashed: new_pairs.csv = the copy pairs of the new and changed files"
    );
    assert_copies_as_plain_scan(dir.path(), out.path(), &format!("{sc:?}, never crashed"));
    Reference {
        _dir: dir,
        out,
        expected,
        took,
    }
}

/// The run after a crash. Checks that it succeeds; that the state it found was the one before
/// or the one after the crashed run (its new/changed/gone counts are those of the crashed run,
/// or all zero), never some mix; that its full reports equal those of runs that never crashed;
/// and that every copy pair of the new and changed files is reported by the crashed run or by
/// this one. Returns this run's reports and whether the state was the one after the crash.
fn recover(
    label: &str,
    sc: Scenario,
    dir: &Path,
    state: &Path,
    crash_out: &Path,
    reference: &Reference,
) -> (TempDir, bool) {
    let out = tempdir();
    let o = run_state(dir, state, out.path(), &[]);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{label}: the run after the crash succeeds: {}",
        show(&o)
    );
    let stdout = text(&o.stdout);
    let found = (
        count(&stdout, "new"),
        count(&stdout, "changed"),
        count(&stdout, "gone"),
    );
    let (new, changed, gone) = sc.counts();
    let before = (Some(new), Some(changed), Some(gone));
    let after = (Some(0), Some(0), Some(0));
    assert!(
        found == before || found == after,
        "{label}: the state is the one before the crashed run ({new} new, {changed} changed, \
         {gone} gone) or after it (nothing to do), never in between: {}",
        show(&o)
    );
    for r in REPORTS {
        assert_complete_csv(&out.path().join(r));
    }
    for r in FULL_REPORTS {
        assert_same_file(
            &out.path().join(r),
            &reference.out.path().join(r),
            &format!("{label}: after the crash vs never crashed"),
        );
    }
    // (The reference's copies equal a plain scan's: checked in `never_crashed`.)
    let mut reported = new_pairs(out.path());
    if crash_out.join("new_pairs.csv").exists() {
        reported.extend(new_pairs(crash_out));
    }
    let missed: Vec<&Pair> = reference.expected.difference(&reported).collect();
    assert!(
        missed.is_empty(),
        "{label}: copies never reported by the crashed run nor the next: {missed:?}"
    );
    (out, found == after)
}

#[test]
fn a_run_aborted_at_each_point_leaves_a_state_the_next_run_completes() {
    for sc in SCENARIOS {
        let reference = never_crashed(sc);
        for point in ["locked", "indexed", "committed", "reported"] {
            let label = format!("{sc:?}: abort at {point}");
            let (dir, _state_dir, state) = sc.prepare();
            let crash_out = tempdir();
            let o = run_hooked(
                dir.path(),
                &state,
                crash_out.path(),
                &[("SPINSCAN_ABORT_AT", point)],
            );
            assert!(
                !matches!(o.status.code(), Some(0 | 1)),
                "{label}: the hook aborts the run: {}",
                show(&o)
            );
            let written = assert_reports_whole(crash_out.path());
            if point == "reported" {
                let all: BTreeSet<String> = REPORTS.iter().map(|r| r.to_string()).collect();
                assert_eq!(written, all, "{label}: reports renamed into place");
                assert_eq!(
                    new_pairs(crash_out.path()),
                    reference.expected,
                    "{label}: the crashed run's new_pairs.csv"
                );
            } else {
                assert!(
                    written.is_empty(),
                    "{label}: no report written before the point: {written:?}"
                );
            }
            let (out, after) =
                recover(&label, sc, dir.path(), &state, crash_out.path(), &reference);
            let committed = matches!(point, "committed" | "reported");
            assert_eq!(
                after,
                committed,
                "{label}: the state after the crash is the one {} the run",
                if committed { "after" } else { "before" }
            );
            // Committed but not marked reported: the next run reports the copies again.
            assert_eq!(
                new_pairs(out.path()),
                reference.expected,
                "{label}: new_pairs.csv of the run after the crash"
            );
        }
    }
}

#[test]
fn a_run_killed_at_any_moment_leaves_a_state_the_next_run_completes() {
    for sc in SCENARIOS {
        let reference = never_crashed(sc);
        // Kill at short fixed delays, then at fractions of the time a whole run took (denser
        // towards its end, where the commit and the reports are), up to past its end: some
        // kills land before the commit, some between the commit and the reports, some after.
        let run_ms = reference.took.as_millis() as u64;
        let mut delays: Vec<u64> = vec![0, 5];
        delays.extend([2, 4, 6].map(|tenth| run_ms * tenth / 10));
        delays.extend((14..=24).map(|twentieth| run_ms * twentieth / 20));
        let mut outcomes = Vec::new();
        for delay in delays {
            let label = format!("{sc:?}: kill -9 after {delay} ms (a whole run: {run_ms} ms)");
            let (dir, _state_dir, state) = sc.prepare();
            let crash_out = tempdir();
            let mut child = state_cmd(dir.path(), &state, crash_out.path(), &["--quiet"], &[])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn");
            sleep(Duration::from_millis(delay));
            let _ = child.kill(); // SIGKILL; an error only says the run had already ended
            let status = child.wait().expect("wait");
            let written = assert_reports_whole(crash_out.path());
            if status.code().is_some() {
                // The run ended before the kill: then it was a normal, complete run.
                assert_eq!(status.code(), Some(1), "{label}: {status:?}");
                assert_eq!(written.len(), REPORTS.len(), "{label}: {written:?}");
            }
            let (_, after) = recover(&label, sc, dir.path(), &state, crash_out.path(), &reference);
            outcomes.push(format!(
                "{delay} ms: {}, {} reports, state {}",
                if status.code().is_some() {
                    "ended"
                } else {
                    "killed"
                },
                written.len(),
                if after { "after" } else { "before" }
            ));
        }
        eprintln!("{sc:?}: {}", outcomes.join("; "));
    }
}

/// Runs a scan with `state` as the state file; asserts exit 2, the file named on stderr and
/// its bytes unchanged.
fn assert_refused(state: &Path, what: &str) {
    let dir = folder(&["a07.txt", "a03.txt"]);
    let out = tempdir();
    let before = fs::read(state).expect("read state");
    let o = run_state(dir.path(), state, out.path(), &["--quiet"]);
    assert_eq!(o.status.code(), Some(2), "{what}: refused: {}", show(&o));
    let name = state.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        text(&o.stderr).contains(&name),
        "{what}: stderr names {name}: {}",
        show(&o)
    );
    assert!(
        fs::read(state).expect("read state") == before,
        "{what}: {} was modified",
        state.display()
    );
}

/// A SQLite database of another program (page size 512, one table `recipes` with one row),
/// written with SQLite 3.40; as (offset, hex bytes) runs, the rest of its 1024 bytes zero.
const FOREIGN_SQLITE: [(usize, &str); 12] = [
    (0, "53514c69746520666f726d61742033"),
    (16, "0200010100402020"),
    (27, "02"),
    (31, "02"),
    (43, "01"),
    (47, "04"),
    (59, "01"),
    (95, "02002e63010d"),
    (104, "0101b40001b4"),
    (
        436,
        "4a0106171b1b016d7461626c65726563697065737265636970657302435245415445205441424c45207265\
         6369706573286e616d6520544558542c206d696e7574657320494e5445474552290d",
    ),
    (516, "0101ef0001ef"),
    (1007, "0f010323016c656e74696c20736f757028"),
];

fn foreign_sqlite() -> Vec<u8> {
    let mut db = vec![0u8; 1024];
    for (at, hex) in FOREIGN_SQLITE {
        for (i, pair) in hex.as_bytes().chunks(2).enumerate() {
            let byte = std::str::from_utf8(pair).expect("ascii");
            db[at + i] = u8::from_str_radix(byte, 16).expect("hex");
        }
    }
    db
}

#[test]
fn a_state_file_that_is_not_a_spinscan_state_is_refused_and_left_alone() {
    let dir = tempdir();

    // Pseudo-random garbage.
    let garbage = dir.path().join("garbage-state.db");
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let bytes: Vec<u8> = (0..8192)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 56) as u8
        })
        .collect();
    fs::write(&garbage, bytes).expect("write");
    assert_refused(&garbage, "garbage bytes");

    // Someone's text file given as the state by mistake.
    let notes = dir.path().join("notes-state.txt");
    fs::write(&notes, "Shopping list\n- lentils\n- carrots\n").expect("write");
    assert_refused(&notes, "a text file");

    // A valid SQLite database of another program: not a spinscan state either, and opening it
    // must not rewrite it (e.g. no switch to WAL mode, which changes the header).
    let foreign = dir.path().join("recipes.sqlite");
    fs::write(&foreign, foreign_sqlite()).expect("write");
    assert_refused(&foreign, "another program's SQLite database");
}

#[test]
fn a_truncated_state_is_refused_and_left_alone() {
    let dir = folder(&["a07.txt", "a03.txt", "a11.txt", "a04.txt"]);
    let state_dir = tempdir();
    let state = state_dir.path().join("truncated.state");
    let good = tempdir();
    let o = run_state(dir.path(), &state, good.path(), &["--quiet"]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let full = fs::read(&state).expect("read state");
    fs::write(&state, &full[..full.len() / 2]).expect("truncate");
    let before = fs::read(&state).expect("read");

    // The folder is unchanged, so a run that could read the state would have nothing to write
    // to it: in every case the truncated file must stay as it is (never rebuilt or "repaired"
    // silently). Half the pages are gone, so the run cannot honestly write full reports: it must
    // fail with exit 2 naming the file. The only other defensible outcome would be a run that
    // somehow read everything it needs, which it proves by reports equal to the good ones.
    let out = tempdir();
    let o = run_state(dir.path(), &state, out.path(), &["--quiet"]);
    assert!(
        fs::read(&state).expect("read") == before,
        "the truncated state was modified: {}",
        show(&o)
    );
    match o.status.code() {
        Some(2) => {
            let name = state.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                text(&o.stderr).contains(&name),
                "stderr names {name}: {}",
                show(&o)
            );
        }
        Some(0) => {
            for r in FULL_REPORTS {
                assert_same_file(
                    &out.path().join(r),
                    &good.path().join(r),
                    "a run on a truncated state that claims success",
                );
            }
        }
        _ => panic!(
            "a truncated state: exit 2 expected (or a correct run): {}",
            show(&o)
        ),
    }
}

#[test]
fn a_state_of_another_schema_version_is_refused_and_left_alone() {
    let dir = folder(&["a07.txt", "a03.txt"]);
    let state_dir = tempdir();
    let state = state_dir.path().join("older.state");
    let out = tempdir();
    let o = run_state(dir.path(), &state, out.path(), &["--quiet"]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    // Without the sqlite3 CLI: the crate's own SQLite library stamps the state as written by
    // another schema version. This names the `meta` row the state keeps its version in; if the
    // layout moves, this setup (not the behaviour under test) needs updating.
    {
        let conn = rusqlite::Connection::open(&state).expect("open state");
        let changed = conn
            .execute("UPDATE meta SET value = 99 WHERE key = 'version'", [])
            .expect("stamp another version");
        assert_eq!(changed, 1, "the state records its schema version in meta");
    }
    assert_refused(&state, "a state of schema version 99");
}

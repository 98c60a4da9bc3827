//! The evaluation harness: run the pipeline on labeled data and measure it.
//!
//! One file per labeled-set format (`labeled` for the spun-dev layout, `pan13`, `semeval`,
//! `msrp`); each returns a [`Report`]: named metrics (what floors are checked against and what
//! `eval.json` holds) and tables for people. Baselines are computed on the same files in the
//! same run (`baselines`), so every figure has its comparison beside it.

pub mod baselines;
pub mod fit;
pub mod fit_direction;
pub mod labeled;
pub mod msrp;
pub mod pairs;
pub mod pan13;
pub mod realdev;
pub mod scrapinghub;
pub mod semeval;
pub mod trafilatura;

use std::fmt::Write as _;
use std::path::Path;

use crate::report::{write_atomically, write_csv};

/// The formats `spinscan eval` reads, detected from the folder's layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `articles/` + `labels/pairs.csv` (spun-dev, data/sample).
    Labeled,
    /// PAN13 text alignment: `susp/`, `src/`, `truth/`.
    Pan13,
    /// SemEval-2022 Task 8 CSVs.
    SemEval,
    /// Microsoft Research Paraphrase Corpus TSVs.
    Msrp,
    /// Real pages: `manifest.csv` (file, url, family, role, derives_from_url) + page texts.
    RealDev,
    /// Zyte (Scrapinghub) article-extraction benchmark: `ground-truth.json` + `html/*.html.gz`.
    Scrapinghub,
    /// Trafilatura's evaluation pages: `evaldata.json` (with/without snippets) + `html/*.gz`.
    Trafilatura,
}

impl Format {
    pub fn detect(dir: &Path) -> Option<Format> {
        if dir.join("labels/pairs.csv").is_file() {
            Some(Format::Labeled)
        } else if dir.join("truth").is_dir() && dir.join("susp").is_dir() {
            Some(Format::Pan13)
        } else if dir.join("testing_set.csv").is_file() || dir.join("training_set.csv").is_file() {
            Some(Format::SemEval)
        } else if dir.join("msr_paraphrase_test.txt").is_file() {
            Some(Format::Msrp)
        } else if dir.join("ground-truth.json").is_file() && dir.join("html").is_dir() {
            Some(Format::Scrapinghub)
        } else if dir.join("evaldata.json").is_file() {
            Some(Format::Trafilatura)
        } else if dir.join("manifest.csv").is_file() {
            Some(Format::RealDev)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Labeled => "labeled",
            Format::Pan13 => "pan13",
            Format::SemEval => "semeval",
            Format::Msrp => "msrp",
            Format::RealDev => "real-dev",
            Format::Scrapinghub => "scrapinghub",
            Format::Trafilatura => "trafilatura",
        }
    }
}

/// A printable table.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(title: &str, header: &[&str]) -> Table {
        Table {
            title: title.to_string(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Fixed-width text, first column left-aligned, the others right-aligned.
    pub fn render(&self) -> String {
        let cols = self.header.len();
        let mut width = vec![0; cols];
        for r in std::iter::once(&self.header).chain(&self.rows) {
            for (k, c) in r.iter().enumerate().take(cols) {
                width[k] = width[k].max(c.chars().count());
            }
        }
        let mut out = format!("{}\n", self.title);
        for r in std::iter::once(&self.header).chain(&self.rows) {
            let mut line = String::new();
            for (k, c) in r.iter().enumerate().take(cols) {
                let pad = width[k] - c.chars().count();
                if k == 0 {
                    let _ = write!(line, "  {c}{}", " ".repeat(pad));
                } else {
                    let _ = write!(line, "  {}{c}", " ".repeat(pad));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// What one evaluation run measured.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Name of the labeled set (folder name) and its format.
    pub set: String,
    pub format: String,
    /// Named figures, in the order they were measured. Names are stable: floors refer to them.
    pub metrics: Vec<(String, f64)>,
    pub tables: Vec<Table>,
    /// Free-text caveats printed under the tables.
    pub notes: Vec<String>,
}

impl Report {
    pub fn new(set: &str, format: Format) -> Report {
        Report {
            set: set.to_string(),
            format: format.name().to_string(),
            ..Report::default()
        }
    }

    /// A report named after the set's folder.
    pub fn for_dir(dir: &Path, format: Format) -> Report {
        let set = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| dir.display().to_string());
        Report::new(&set, format)
    }

    pub fn metric(&mut self, name: &str, value: f64) {
        self.metrics.push((name.to_string(), value));
    }

    pub fn get(&self, name: &str) -> Option<f64> {
        self.metrics
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| *v)
    }

    pub fn render(&self) -> String {
        let mut out = format!("spinscan eval: {} ({})\n\n", self.set, self.format);
        for t in &self.tables {
            out.push_str(&t.render());
            out.push('\n');
        }
        for n in &self.notes {
            let _ = writeln!(out, "note: {n}");
        }
        out
    }

    pub fn to_json(&self) -> serde_json::Value {
        let metrics: serde_json::Map<String, serde_json::Value> = self
            .metrics
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::json!(round(*v))))
            .collect();
        let tables: Vec<serde_json::Value> = self
            .tables
            .iter()
            .map(|t| serde_json::json!({"title": t.title, "header": t.header, "rows": t.rows}))
            .collect();
        serde_json::json!({
            "set": self.set,
            "format": self.format,
            "metrics": metrics,
            "tables": tables,
            "notes": self.notes,
        })
    }

    /// Writes `eval.json` and `eval.csv` (metric,value) into `out`.
    pub fn write(&self, out: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(out)
            .map_err(|e| anyhow::anyhow!("{}: cannot create folder: {e}", out.display()))?;
        let json = serde_json::to_string_pretty(&self.to_json())?;
        write_atomically(&out.join("eval.json"), |w| {
            use std::io::Write;
            w.write_all(json.as_bytes())?;
            w.write_all(b"\n")?;
            Ok(())
        })?;
        let rows = self
            .metrics
            .iter()
            .map(|(k, v)| vec![self.set.clone(), k.clone(), format!("{:.4}", v)])
            .collect();
        write_csv(&out.join("eval.csv"), &["set", "metric", "value"], rows)
    }
}

fn round(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

/// Counts for precision, recall and F1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Prf {
    pub tp: u64,
    pub fp: u64,
    pub fn_: u64,
}

impl Prf {
    pub fn add(&mut self, predicted: bool, actual: bool) {
        match (predicted, actual) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            (false, false) => {}
        }
    }
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }
    /// A table row: name, P, R, F1, then the counts.
    pub fn row(&self, name: &str) -> Vec<String> {
        vec![
            name.to_string(),
            f3(self.precision()),
            f3(self.recall()),
            f3(self.f1()),
            self.tp.to_string(),
            self.fp.to_string(),
            self.fn_.to_string(),
        ]
    }
    pub const HEADER: [&'static str; 7] = ["", "precision", "recall", "F1", "tp", "fp", "fn"];
}

/// Upper edges of the direction confidence bins: [0.5,0.6), [0.6,0.7), [0.7,0.8), [0.8,0.9),
/// [0.9,1.0]; a confidence below 0.5 goes in the first bin.
const CONFIDENCE_EDGES: [f32; 4] = [0.6, 0.7, 0.8, 0.9];
const CONFIDENCE_BINS: [&str; 5] = [
    "[0.5,0.6) (and below)",
    "[0.6,0.7)",
    "[0.7,0.8)",
    "[0.8,0.9)",
    "[0.9,1.0]",
];

/// Direction (which article of a copy pair is the source) against the labeled source: pairs,
/// right, undecided (no source named), and the decided pairs binned by confidence for the
/// calibration table.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DirectionTally {
    /// Copy pairs found with a labeled source (undecided ones included).
    pub pairs: u64,
    /// Pairs whose named source is the labeled one.
    pub right: u64,
    /// Pairs where no source was named.
    pub undecided: u64,
    /// Per confidence bin: decided pairs, sum of confidences, right.
    bins: [(u64, f64, u64); 5],
}

impl DirectionTally {
    /// Counts one copy pair whose labeled source is `truth`; `direction` is spinscan's verdict
    /// (`None` or no source: undecided).
    pub fn add(&mut self, direction: Option<crate::attribution::Direction>, truth: u32) {
        self.pairs += 1;
        let Some(d) = direction.filter(|d| d.source.is_some()) else {
            self.undecided += 1;
            return;
        };
        let right = d.source == Some(truth);
        self.right += u64::from(right);
        let bin = CONFIDENCE_EDGES
            .iter()
            .filter(|&&e| d.confidence >= e)
            .count();
        let b = &mut self.bins[bin];
        b.0 += 1;
        b.1 += f64::from(d.confidence);
        b.2 += u64::from(right);
    }

    /// Right of all pairs (an undecided pair counts as wrong).
    pub fn accuracy(&self) -> f64 {
        ratio(self.right, self.pairs)
    }

    /// Expected calibration error: over the confidence bins, the mean absolute gap between a
    /// bin's mean confidence and its share right, weighted by the bin's decided pairs.
    pub fn calibration_error(&self) -> f64 {
        let decided: u64 = self.bins.iter().map(|b| b.0).sum();
        if decided == 0 {
            return 0.0;
        }
        self.bins
            .iter()
            .filter(|b| b.0 > 0)
            .map(|&(n, sum, right)| {
                let gap = (sum / n as f64 - ratio(right, n)).abs();
                n as f64 * gap
            })
            .sum::<f64>()
            / decided as f64
    }

    /// The calibration table: per confidence bin, decided pairs, mean confidence, share right.
    pub fn calibration_table(&self, title: &str) -> Table {
        let mut t = Table::new(
            title,
            &[
                "confidence",
                "pairs",
                "mean confidence",
                "right",
                "share right",
            ],
        );
        for (name, &(n, sum, right)) in CONFIDENCE_BINS.iter().zip(&self.bins) {
            let mean = if n == 0 { 0.0 } else { sum / n as f64 };
            t.row(vec![
                name.to_string(),
                n.to_string(),
                f3(mean),
                right.to_string(),
                f3(ratio(right, n)),
            ]);
        }
        t
    }

    /// The "direction accuracy" and "direction calibration error" rows of a measure table;
    /// `what` says which pairs were counted.
    pub fn rows(&self, what: &str) -> [Vec<String>; 2] {
        [
            vec![
                "direction accuracy".into(),
                f3(self.accuracy()),
                format!(
                    "{} {what} ({} right, {} with no source named)",
                    self.pairs, self.right, self.undecided
                ),
            ],
            vec![
                "direction calibration error".into(),
                f3(self.calibration_error()),
                "pair-weighted mean |confidence - share right| over confidence bins".into(),
            ],
        ]
    }

    /// The pooled metrics: `direction_accuracy`, `direction_pairs`, `direction_right`,
    /// `direction_undecided`, `direction_calibration_error`.
    pub fn report(&self, report: &mut Report) {
        report.metric("direction_accuracy", self.accuracy());
        report.metric("direction_pairs", self.pairs as f64);
        report.metric("direction_right", self.right as f64);
        report.metric("direction_undecided", self.undecided as f64);
        report.metric("direction_calibration_error", self.calibration_error());
    }
}

/// A table of spinscan's counts beside the two lexical baselines, each at its own best
/// (oracle) threshold over `jaccard` and `tfidf` (score, positive) lists; returns the table and
/// each baseline's threshold and counts.
pub fn versus_baselines(
    title: &str,
    spinscan: &Prf,
    jaccard: &mut [(f64, bool)],
    tfidf: &mut [(f64, bool)],
) -> (Table, (f64, Prf), (f64, Prf)) {
    let (jt, jprf) = best_threshold(jaccard);
    let (ct, cprf) = best_threshold(tfidf);
    let mut t = Table::new(title, &Prf::HEADER);
    t.row(spinscan.row("spinscan"));
    t.row(jprf.row(&format!("word 5-gram Jaccard >= {jt:.3}")));
    t.row(cprf.row(&format!("TF-IDF cosine >= {ct:.3}")));
    (t, (jt, jprf), (ct, cprf))
}

/// Reads a JSON file whose top level must be an object (`shape` describes it in the error).
pub fn read_json_object(
    path: &Path,
    shape: &str,
) -> anyhow::Result<serde_json::Map<String, serde_json::Value>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", path.display()))?;
    match serde_json::from_str(&text) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => anyhow::bail!("{}: expected an object {shape}", path.display()),
        Err(e) => anyhow::bail!("{}: not JSON: {e}", path.display()),
    }
}

/// `a / b`, 0 when `b` is 0.
pub fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

pub fn f3(x: f64) -> String {
    format!("{x:.3}")
}

/// The threshold on a score that gives the best F1, with that F1's counts. `scored` holds
/// (score, is_positive); pairs at or above the threshold are predicted positive.
pub fn best_threshold(scored: &mut [(f64, bool)]) -> (f64, Prf) {
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let positives = scored.iter().filter(|x| x.1).count() as u64;
    let mut best = (
        f64::INFINITY,
        Prf {
            tp: 0,
            fp: 0,
            fn_: positives,
        },
    );
    let mut cur = best.1;
    let mut k = 0;
    while k < scored.len() {
        let t = scored[k].0;
        while k < scored.len() && scored[k].0 == t {
            if scored[k].1 {
                cur.tp += 1;
                cur.fn_ -= 1;
            } else {
                cur.fp += 1;
            }
            k += 1;
        }
        if cur.f1() > best.1.f1() {
            best = (t, cur);
        }
    }
    best
}

/// Adjusted Rand index of two clusterings of the same items (cluster ids per item).
pub fn adjusted_rand_index(truth: &[usize], predicted: &[usize]) -> f64 {
    use std::collections::HashMap;
    let n = truth.len() as f64;
    if truth.len() < 2 {
        return 1.0;
    }
    let comb2 = |x: f64| x * (x - 1.0) / 2.0;
    let mut joint: HashMap<(usize, usize), f64> = HashMap::new();
    let mut rows: HashMap<usize, f64> = HashMap::new();
    let mut cols: HashMap<usize, f64> = HashMap::new();
    for (&t, &p) in truth.iter().zip(predicted) {
        *joint.entry((t, p)).or_default() += 1.0;
        *rows.entry(t).or_default() += 1.0;
        *cols.entry(p).or_default() += 1.0;
    }
    let index: f64 = joint.values().map(|&x| comb2(x)).sum();
    let sum_rows: f64 = rows.values().map(|&x| comb2(x)).sum();
    let sum_cols: f64 = cols.values().map(|&x| comb2(x)).sum();
    let expected = sum_rows * sum_cols / comb2(n);
    let max = (sum_rows + sum_cols) / 2.0;
    if (max - expected).abs() < f64::EPSILON {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

/// A lower (or upper) bound on a metric that CI holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Floor {
    pub metric: String,
    /// `>=` (a floor) or `<=` (a ceiling, for false-positive rates).
    pub at_least: bool,
    pub bound: f64,
}

/// Reads floors from CSV lines `metric,>=,value` or `metric,<=,value` (`#` comments allowed).
pub fn parse_floors(text: &str) -> anyhow::Result<Vec<Floor>> {
    let mut out = Vec::new();
    for (k, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split(',').map(str::trim).collect();
        let bad = || {
            anyhow::anyhow!(
                "line {}: expected `metric,>=,value` or `metric,<=,value`",
                k + 1
            )
        };
        if cols.len() != 3 {
            return Err(bad());
        }
        let at_least = match cols[1] {
            ">=" => true,
            "<=" => false,
            _ => return Err(bad()),
        };
        let bound = cols[2].parse::<f64>().map_err(|_| bad())?;
        out.push(Floor {
            metric: cols[0].to_string(),
            at_least,
            bound,
        });
    }
    Ok(out)
}

/// The floors a report breaks, as messages (empty when all hold). A metric the report lacks
/// breaks its floor: a floor that is silently skipped protects nothing.
pub fn check_floors(report: &Report, floors: &[Floor]) -> Vec<String> {
    floors
        .iter()
        .filter_map(|f| match report.get(&f.metric) {
            None => Some(format!("{}: not measured", f.metric)),
            Some(v) if f.at_least && v < f.bound => Some(format!(
                "{} = {v:.4}, below its floor {}",
                f.metric, f.bound
            )),
            Some(v) if !f.at_least && v > f.bound => Some(format!(
                "{} = {v:.4}, above its ceiling {}",
                f.metric, f.bound
            )),
            Some(_) => None,
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Writes `text` gzip-compressed to `path` (the benchmark sets ship `.gz` pages).
    pub(crate) fn write_gz(path: &Path, text: &str) {
        use std::io::Write;
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        let f = std::fs::File::create(path).expect("create");
        let mut w = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
        w.write_all(text.as_bytes()).expect("write");
        w.finish().expect("finish");
    }

    #[test]
    fn prf_counts() {
        let p = Prf {
            tp: 8,
            fp: 2,
            fn_: 8,
        };
        assert!((p.precision() - 0.8).abs() < 1e-9);
        assert!((p.recall() - 0.5).abs() < 1e-9);
        assert!((p.f1() - 16.0 / 26.0).abs() < 1e-9);
    }

    #[test]
    fn best_threshold_separates_when_it_can() {
        let mut s = vec![
            (0.9, true),
            (0.8, true),
            (0.7, false),
            (0.6, true),
            (0.1, false),
        ];
        let (t, prf) = best_threshold(&mut s);
        assert_eq!(t, 0.6);
        assert_eq!(
            prf,
            Prf {
                tp: 3,
                fp: 1,
                fn_: 0
            }
        );
    }

    #[test]
    fn ari_is_one_for_identical_and_near_zero_for_unrelated_clusterings() {
        assert!((adjusted_rand_index(&[0, 0, 1, 1, 2], &[5, 5, 7, 7, 9]) - 1.0).abs() < 1e-9);
        let a = adjusted_rand_index(&[0, 0, 0, 1, 1, 1], &[0, 1, 2, 0, 1, 2]);
        assert!(a < 0.0 + 1e-9, "{a}");
    }

    fn dir(source: Option<u32>, confidence: f32) -> Option<crate::attribution::Direction> {
        Some(crate::attribution::Direction {
            source,
            confidence,
            ..crate::attribution::Direction::UNDECIDED
        })
    }

    #[test]
    fn direction_tally_counts_undecided_as_wrong_and_bins_by_confidence() {
        let mut t = DirectionTally::default();
        t.add(dir(Some(1), 0.95), 1); // [0.9,1.0], right
        t.add(dir(Some(2), 0.9), 1); // [0.9,1.0] (edge), wrong
        t.add(dir(Some(1), 1.0), 1); // [0.9,1.0] (top), right
        t.add(dir(Some(1), 0.2), 1); // below 0.5: first bin, right
        t.add(dir(Some(1), 0.55), 1); // first bin, right
        t.add(dir(Some(3), 0.75), 1); // [0.7,0.8), wrong
        t.add(dir(None, 0.0), 1); // undecided
        t.add(None, 1); // no direction at all: undecided
        assert_eq!((t.pairs, t.right, t.undecided), (8, 4, 2));
        assert!((t.accuracy() - 0.5).abs() < 1e-9);
        let table = t.calibration_table("cal");
        let counts: Vec<&str> = table.rows.iter().map(|r| r[1].as_str()).collect();
        assert_eq!(counts, ["2", "0", "1", "0", "3"]);
        assert_eq!(table.rows[4][3], "2");
        assert_eq!(table.rows[4][4], "0.667");
        assert_eq!(table.rows[0][2], "0.375");
        // ECE over 6 decided pairs: bin 0 |0.375 - 1| * 2, bin 2 |0.75 - 0| * 1,
        // bin 4 |0.95 - 2/3| * 3.
        let want = (0.625 * 2.0 + 0.75 + (0.95 - 2.0 / 3.0) * 3.0) / 6.0;
        assert!(
            (t.calibration_error() - want).abs() < 1e-6,
            "{} vs {want}",
            t.calibration_error()
        );
        let mut r = Report::default();
        t.report(&mut r);
        assert_eq!(r.get("direction_right"), Some(4.0));
        assert_eq!(r.get("direction_undecided"), Some(2.0));
        assert_eq!(r.get("direction_pairs"), Some(8.0));
    }

    #[test]
    fn direction_tally_perfectly_calibrated_has_no_error() {
        let mut t = DirectionTally::default();
        assert_eq!(t.calibration_error(), 0.0, "no pairs, no error");
        // Confidence 0.75 with 3 of 4 right; confidence 1.0 all right.
        for k in 0..4 {
            t.add(dir(Some(if k == 0 { 9 } else { 5 }), 0.75), 5);
        }
        t.add(dir(Some(5), 1.0), 5);
        assert!(
            t.calibration_error().abs() < 1e-9,
            "{}",
            t.calibration_error()
        );
    }

    #[test]
    fn floors_parse_and_check() {
        let f = parse_floors("# floors\ncopy_f1,>=,0.9\nfpr,<=,0.05\n").expect("parses");
        let mut r = Report::default();
        r.metric("copy_f1", 0.95);
        r.metric("fpr", 0.10);
        let broken = check_floors(&r, &f);
        assert_eq!(broken.len(), 1);
        assert!(broken[0].starts_with("fpr"));
        assert!(parse_floors("copy_f1,>,0.9").is_err());
        assert_eq!(
            check_floors(&Report::default(), &f).len(),
            2,
            "missing metrics break floors"
        );
    }
}

//! The Zyte (Scrapinghub) article-extraction benchmark: 181 news and blog pages with their
//! article body extracted by hand (`ground-truth.json` `{id: {url, articleBody}}` and
//! `html/<id>.html.gz`).
//!
//! Every page goes through the same ingest and boilerplate stages as `spinscan extract`
//! ([`crate::pipeline::read_and_clean`] on the pages written out as `.html` files), and the
//! clean body (paragraphs joined with newlines) is scored against `articleBody` with the
//! benchmark's own metric, reimplemented from its `evaluate.py`: counts of word 4-gram
//! shingles (tokens `\w+`, case kept) give per-page tp/fp/fn normalised to sum 1; precision is
//! the mean over pages that predicted something, recall the mean over pages with a truth, and
//! F1 the harmonic mean of those two means. The extractor's own output (before spinscan's
//! boilerplate stage) is scored the same way, so both are visible, with the published figures
//! of other extractors beside them.
//!
//! Line level: each rendered line of a page is content when it is (fuzzily) part of
//! `articleBody` ([`TextIndex::contains_line`]), boilerplate otherwise; spinscan calls a line
//! boilerplate when it is not in the clean body (typed boilerplate, or the headline).

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Instant;

use rayon::prelude::*;
use regex::Regex;

use super::{f3, read_json_object, Format, Prf, Report, Table};
use crate::ingest::html::{self, TextIndex};
use crate::pipeline::{read_and_clean, Cleaned, Options};

/// Published F1 (and precision/recall where the benchmark's README gives them) of other
/// extractors on this set, for reference: (name, precision, recall, F1).
const PUBLISHED: &[(&str, Option<f64>, Option<f64>, f64)] = &[
    ("trafilatura (Python)", None, None, 0.958),
    ("Readability.js", None, None, 0.947),
    ("boilerpipe", Some(0.850), Some(0.870), 0.860),
    ("jusText", None, None, 0.804),
];

/// A page's shingle counts, normalised so that they sum to 1 (as `string_shingle_matching`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Shingles {
    pub tp: f64,
    pub fp: f64,
    pub fn_: f64,
}

static TOKEN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\w+").expect("valid regex"));

fn ngrams(text: &str, n: usize) -> HashMap<Vec<&str>, f64> {
    let toks: Vec<&str> = TOKEN.find_iter(text).map(|m| m.as_str()).collect();
    let mut out: HashMap<Vec<&str>, f64> = HashMap::new();
    for i in 0..toks.len().saturating_sub(n).saturating_add(1).max(1) {
        let end = (i + n).min(toks.len());
        if i < end {
            *out.entry(toks[i..end].to_vec()).or_default() += 1.0;
        }
    }
    out
}

/// The benchmark's per-page comparison of extracted text with the truth.
pub fn shingle_matching(truth: &str, pred: &str) -> Shingles {
    let t = ngrams(truth, 4);
    let p = ngrams(pred, 4);
    let mut s = Shingles::default();
    for (k, &tc) in &t {
        let pc = p.get(k).copied().unwrap_or(0.0);
        s.tp += tc.min(pc);
        s.fn_ += (tc - pc).max(0.0);
        s.fp += (pc - tc).max(0.0);
    }
    for (k, &pc) in &p {
        if !t.contains_key(k) {
            s.fp += pc;
        }
    }
    let sum = s.tp + s.fp + s.fn_;
    if sum > 0.0 {
        s.tp /= sum;
        s.fp /= sum;
        s.fn_ /= sum;
    }
    s
}

/// (precision, recall, F1) over pages, as `metrics_from_tp_fp_fns`.
pub fn shingle_prf(pages: &[Shingles]) -> (f64, f64, f64) {
    let precision = |s: &Shingles| {
        if s.fp == 0.0 && s.fn_ == 0.0 {
            1.0
        } else if s.tp == 0.0 && s.fp == 0.0 {
            0.0
        } else {
            s.tp / (s.tp + s.fp)
        }
    };
    let recall = |s: &Shingles| {
        if s.fp == 0.0 && s.fn_ == 0.0 {
            1.0
        } else if s.tp == 0.0 && s.fn_ == 0.0 {
            0.0
        } else {
            s.tp / (s.tp + s.fn_)
        }
    };
    let mean = |xs: Vec<f64>| {
        if xs.is_empty() {
            0.0
        } else {
            xs.iter().sum::<f64>() / xs.len() as f64
        }
    };
    let p = mean(
        pages
            .iter()
            .filter(|s| s.tp + s.fp > 0.0)
            .map(precision)
            .collect(),
    );
    let r = mean(
        pages
            .iter()
            .filter(|s| s.tp + s.fn_ > 0.0)
            .map(recall)
            .collect(),
    );
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

/// A folder under the system temp dir, removed when dropped.
pub(super) struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(tag: &str) -> anyhow::Result<Scratch> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "spinscan-eval-{tag}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir)
            .map_err(|e| anyhow::anyhow!("{}: cannot create folder: {e}", dir.display()))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Reads a gzip-compressed file; errors name it.
pub(super) fn gunzip(path: &Path) -> anyhow::Result<Vec<u8>> {
    let f = std::fs::File::open(path)
        .map_err(|e| anyhow::anyhow!("{}: cannot open: {e}", path.display()))?;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(f)
        .take(crate::ingest::MAX_FILE_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| anyhow::anyhow!("{}: cannot decompress: {e}", path.display()))?;
    Ok(out)
}

/// Pages written out as `<name>.html` and run through ingest and boilerplate exactly as a
/// scan would; returns each page's bytes, its parse (lines, extractor output) and its cleaned
/// article, by the order of `pages`. A page the pipeline rejects has `None`.
pub(super) struct Run {
    pub parsed: Vec<Option<html::Page>>,
    pub cleaned: Vec<Option<Cleaned>>,
    /// Problems as (index into `pages`, message).
    pub problems: Vec<(usize, String)>,
}

pub(super) fn run_pages(
    tag: &str,
    pages: &[(String, Vec<u8>)],
    opts: &Options,
) -> anyhow::Result<Run> {
    let scratch = Scratch::new(tag)?;
    let files: Vec<(PathBuf, PathBuf)> = pages
        .par_iter()
        .map(|(name, bytes)| {
            let path = scratch.0.join(format!("{name}.html"));
            std::fs::write(&path, bytes)
                .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))?;
            Ok((scratch.0.clone(), path))
        })
        .collect::<anyhow::Result<_>>()?;
    let (cleaned, problems) = read_and_clean(&files, opts)?;
    let index: HashMap<String, usize> = pages
        .iter()
        .enumerate()
        .map(|(k, (name, _))| (format!("{name}.html"), k))
        .collect();
    let problems = problems
        .into_iter()
        .filter_map(|p| index.get(&p.path).map(|&k| (k, p.message)))
        .collect();
    let mut by_path: HashMap<String, Cleaned> = cleaned
        .into_iter()
        .map(|c| (c.article.path.clone(), c))
        .collect();
    let cleaned = pages
        .iter()
        .map(|(name, _)| by_path.remove(&format!("{name}.html")))
        .collect();
    let parsed = pages
        .par_iter()
        .map(|(name, bytes)| html::parse_page(format!("{name}.html"), bytes).ok())
        .collect();
    Ok(Run {
        parsed,
        cleaned,
        problems,
    })
}

/// Per rendered line of a page: whether spinscan keeps it in the clean body. The body holds
/// the non-boilerplate, non-title, non-empty lines in order, trimmed.
pub(super) fn body_lines(lines: &[String], cleaned: &Cleaned) -> Vec<bool> {
    let bp: std::collections::HashSet<usize> = cleaned
        .article
        .boilerplate
        .iter()
        .map(|b| b.line - 1)
        .collect();
    let mut k = 0;
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let t = l.trim();
            if bp.contains(&i) || t.is_empty() {
                return false;
            }
            if cleaned.body.get(k).is_some_and(|b| b == t) {
                k += 1;
                true
            } else {
                false
            }
        })
        .collect()
}

pub fn evaluate(dir: &Path, opts: &Options) -> anyhow::Result<Report> {
    let started = Instant::now();
    let gt_path = dir.join("ground-truth.json");
    let gt = read_json_object(&gt_path, "{id: {articleBody}}")?;
    let gt = &gt;
    let mut ids: Vec<(String, String)> = gt
        .iter()
        .map(|(id, v)| {
            let body = v
                .get("articleBody")
                .and_then(|b| b.as_str())
                .unwrap_or("")
                .to_string();
            (id.clone(), body)
        })
        .collect();
    ids.sort();
    if ids.is_empty() {
        anyhow::bail!("{}: no pages", gt_path.display());
    }
    let pages: Vec<(String, Vec<u8>)> = ids
        .par_iter()
        .map(|(id, _)| {
            let path = dir.join("html").join(format!("{id}.html.gz"));
            gunzip(&path).map(|b| (id.clone(), b))
        })
        .collect::<anyhow::Result<_>>()?;
    let run = run_pages("scrapinghub", &pages, opts)?;

    struct PageScore {
        body: Shingles,
        extractor: Shingles,
        blocks: Shingles,
        lines: Prf,
        extractor_lines: Prf,
    }
    let scores: Vec<PageScore> = ids
        .par_iter()
        .enumerate()
        .map(|(k, (_, truth))| {
            let (Some(page), Some(cleaned)) = (&run.parsed[k], &run.cleaned[k]) else {
                // Rejected page: nothing extracted.
                let none = shingle_matching(truth, "");
                return PageScore {
                    body: none,
                    extractor: none,
                    blocks: none,
                    lines: Prf::default(),
                    extractor_lines: Prf::default(),
                };
            };
            let a = &page.article;
            let body = shingle_matching(truth, &cleaned.body.join("\n"));
            let extractor = shingle_matching(truth, &page.main_text);
            let kept: Vec<&str> = a
                .lines
                .iter()
                .enumerate()
                .filter(|(i, _)| !a.outside_body.get(*i).copied().unwrap_or(false))
                .map(|(_, l)| l.as_str())
                .collect();
            let blocks = shingle_matching(truth, &kept.join("\n"));
            let ix = TextIndex::new(truth);
            let in_body = body_lines(&a.lines, cleaned);
            let mut lines = Prf::default();
            let mut extractor_lines = Prf::default();
            for (i, l) in a.lines.iter().enumerate() {
                let boilerplate = !ix.contains_line(l);
                lines.add(!in_body[i], boilerplate);
                extractor_lines.add(a.outside_body.get(i).copied().unwrap_or(false), boilerplate);
            }
            PageScore {
                body,
                extractor,
                blocks,
                lines,
                extractor_lines,
            }
        })
        .collect();

    let prf_of =
        |f: fn(&PageScore) -> Shingles| shingle_prf(&scores.iter().map(f).collect::<Vec<_>>());
    let (bp, br, bf) = prf_of(|s| s.body);
    let (ep, er, ef) = prf_of(|s| s.extractor);
    let (kp, kr, kf) = prf_of(|s| s.blocks);
    let sum = |f: fn(&PageScore) -> Prf| {
        scores.iter().map(f).fold(Prf::default(), |a, b| Prf {
            tp: a.tp + b.tp,
            fp: a.fp + b.fp,
            fn_: a.fn_ + b.fn_,
        })
    };
    let lines = sum(|s| s.lines);
    let extractor_lines = sum(|s| s.extractor_lines);

    let mut r = Report::for_dir(dir, Format::Scrapinghub);
    r.metric("pages", ids.len() as f64);
    r.metric("body_precision", bp);
    r.metric("body_recall", br);
    r.metric("body_f1", bf);
    r.metric("extractor_body_precision", ep);
    r.metric("extractor_body_recall", er);
    r.metric("extractor_body_f1", ef);
    r.metric("blocks_body_f1", kf);
    r.metric("boilerplate_precision", lines.precision());
    r.metric("boilerplate_recall", lines.recall());
    r.metric("boilerplate_f1", lines.f1());
    r.metric("extractor_boilerplate_f1", extractor_lines.f1());

    let mut t = Table::new(
        "Article body vs articleBody (benchmark metric: word 4-gram shingles, means over pages)",
        &["", "precision", "recall", "F1"],
    );
    t.row(vec!["spinscan clean body".into(), f3(bp), f3(br), f3(bf)]);
    t.row(vec![
        "  extractor blocks (with headline), before boilerplate stage".into(),
        f3(kp),
        f3(kr),
        f3(kf),
    ]);
    t.row(vec![
        "  extractor output (trafilatura crate)".into(),
        f3(ep),
        f3(er),
        f3(ef),
    ]);
    for (name, p, rc, f) in PUBLISHED {
        let opt = |x: &Option<f64>| x.map(f3).unwrap_or_else(|| "-".into());
        t.row(vec![format!("published: {name}"), opt(p), opt(rc), f3(*f)]);
    }
    r.tables.push(t);

    let mut t = Table::new(
        "Rendered lines: boilerplate = not part of articleBody",
        &Prf::HEADER,
    );
    t.row(lines.row("spinscan (not in clean body)"));
    t.row(extractor_lines.row("extractor alone (outside_body)"));
    r.tables.push(t);

    r.notes.push(format!(
        "{} pages, {} rejected by ingest; {:.1} s",
        ids.len(),
        run.cleaned.iter().filter(|c| c.is_none()).count(),
        started.elapsed().as_secs_f64()
    ));
    r.notes.push(
        "published rows are other systems' figures as reported for this benchmark, not run here"
            .into(),
    );
    r.notes.push(
        "the headline counts as not-body for spinscan (articleBody leaves it out too)".into(),
    );
    for (k, message) in run.problems.iter().take(5) {
        r.notes
            .push(format!("problem: html/{}.html.gz: {message}", ids[*k].0));
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::eval::tests::write_gz as gz;

    const BODY: [&str; 3] = [
        "The harbour council voted on Tuesday to build a new sea wall along the eastern quay, ending two years of argument.",
        "The wall will cost about four million pounds and take eighteen months to build, the council said on Tuesday.",
        "Some residents said the wall would block the view of the harbour from the old promenade and signed a petition.",
    ];

    fn page(title: &str) -> String {
        format!(
            r#"<html><head><title>{title} | Gazette</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article><h1>{title}</h1><p>{}</p><p>{}</p><p>{}</p></article>
<div class="share">Share this article on Facebook</div>
<footer><p>Copyright 2025 Gazette. All rights reserved.</p></footer></body></html>"#,
            BODY[0], BODY[1], BODY[2]
        )
    }

    #[test]
    fn metric_matches_the_benchmark_conventions() {
        let s = shingle_matching("a b c d e", "a b c d e");
        assert_eq!((s.tp, s.fp, s.fn_), (1.0, 0.0, 0.0));
        let s = shingle_matching("a b c d e", "");
        assert_eq!((s.tp, s.fp, s.fn_), (0.0, 0.0, 1.0));
        // Fewer than four tokens make one short shingle.
        let s = shingle_matching("a b", "a b");
        assert_eq!(s.tp, 1.0);
        // Extra text: 2 true shingles, 2 extra.
        let s = shingle_matching("a b c d e", "a b c d e f g");
        assert!((s.tp - 0.5).abs() < 1e-9 && (s.fp - 0.5).abs() < 1e-9);
        // A page with nothing predicted is left out of precision, kept in recall.
        let pages = [
            shingle_matching("a b c d e", "a b c d e"),
            shingle_matching("a b c d e", ""),
        ];
        let (p, r, f) = shingle_prf(&pages);
        assert_eq!((p, r), (1.0, 0.5));
        assert!((f - 2.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn synthetic_set() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let d = tmp.path();
        let mut gt = serde_json::Map::new();
        for (id, title) in [
            ("aa", "Council backs sea wall"),
            ("bb", "Sea wall plan approved"),
        ] {
            gz(&d.join(format!("html/{id}.html.gz")), &page(title));
            gt.insert(
                id.into(),
                serde_json::json!({"url": "https://x.example/", "articleBody": BODY.join("\n")}),
            );
        }
        std::fs::write(
            d.join("ground-truth.json"),
            serde_json::Value::Object(gt).to_string(),
        )
        .expect("write");
        assert_eq!(Format::detect(d), Some(Format::Scrapinghub));
        let r = evaluate(d, &Options::default()).expect("evaluates");
        assert_eq!(r.get("pages"), Some(2.0));
        assert!(r.get("body_f1").is_some_and(|f| f > 0.95), "{}", r.render());
        assert!(
            r.get("extractor_body_f1").is_some_and(|f| f > 0.95),
            "{}",
            r.render()
        );
        assert!(
            r.get("boilerplate_recall").is_some_and(|x| x > 0.8),
            "{}",
            r.render()
        );
        assert!(r.render().contains("published: boilerpipe"));
    }

    #[test]
    fn missing_page_names_the_file() {
        let tmp = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            tmp.path().join("ground-truth.json"),
            r#"{"zz": {"articleBody": "x"}}"#,
        )
        .expect("write");
        let e = evaluate(tmp.path(), &Options::default()).expect_err("fails");
        assert!(e.to_string().contains("zz.html.gz"), "{e}");
    }
}

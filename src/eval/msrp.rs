//! Microsoft Research Paraphrase Corpus, test split: the sentence-alignment scorer on its own.
//!
//! Each sentence is a one-sentence text; all sentences of the file are prepared together (so
//! word weights come from this file). The similarity of a pair is the larger of the two
//! alignment shares, which for one sentence each is the weighted Ochiai similarity when it
//! reaches `params.sentence_sim`, else 0. Negatives are same-story sentences from news clusters
//! with high word overlap, so this is a hard test of the floor, not of copy detection.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;

use super::{best_threshold, f3, Format, Prf, Report, Table};
use crate::features::{Language, LanguageChoice};
use crate::pipeline::prepare_texts;
use crate::score::{score_pair, Params};

const FILE: &str = "msr_paraphrase_test.txt";

/// One labeled sentence pair.
#[derive(Debug, Clone, PartialEq)]
struct Pair {
    paraphrase: bool,
    s1: String,
    s2: String,
}

pub fn evaluate(dir: &Path, params: &Params) -> anyhow::Result<Report> {
    let path = dir.join(FILE);
    let pairs = read_pairs(&path)?;
    if pairs.is_empty() {
        anyhow::bail!("{}: no sentence pairs", path.display());
    }

    // Each distinct sentence once.
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut texts: Vec<&str> = Vec::new();
    let mut ids = Vec::with_capacity(pairs.len());
    for p in &pairs {
        let mut pair = [0usize; 2];
        for (k, s) in [p.s1.as_str(), p.s2.as_str()].into_iter().enumerate() {
            pair[k] = *index.entry(s).or_insert_with(|| {
                texts.push(s);
                texts.len() - 1
            });
        }
        ids.push((pair[0], pair[1]));
    }
    let prepared = prepare_texts(&texts, &LanguageChoice::Fixed(Language::english()));
    let split = prepared
        .iter()
        .filter(|p| p.sentence_weight.len() > 1)
        .count();

    let sims: Vec<f64> = ids
        .par_iter()
        .map(|&(a, b)| {
            let s = score_pair(a as u32, b as u32, &prepared[a], &prepared[b], params);
            f64::from(s.signals.align_ab.max(s.signals.align_ba))
        })
        .collect();

    let floor = f64::from(params.sentence_sim);
    let mut at_floor = Prf::default();
    for (p, &s) in pairs.iter().zip(&sims) {
        // A one-sentence share is sim * w / w: allow rounding just under the floor.
        at_floor.add(s > 0.0 && s >= floor - 1e-6, p.paraphrase);
    }
    let mut scored: Vec<(f64, bool)> = sims
        .iter()
        .zip(&pairs)
        .map(|(&s, p)| (s, p.paraphrase))
        .collect();
    let (best_t, best) = best_threshold(&mut scored);
    let mut unigram: Vec<(f64, bool)> = pairs
        .par_iter()
        .map(|p| (unigram_jaccard(&p.s1, &p.s2), p.paraphrase))
        .collect();
    let (uni_t, uni) = best_threshold(&mut unigram);
    let positives = pairs.iter().filter(|p| p.paraphrase).count() as u64;
    let all_positive = Prf {
        tp: positives,
        fp: pairs.len() as u64 - positives,
        fn_: 0,
    };

    let mut r = Report::for_dir(dir, Format::Msrp);
    r.metric("sentence_precision", at_floor.precision());
    r.metric("sentence_recall", at_floor.recall());
    r.metric("sentence_f1", at_floor.f1());
    r.metric("sentence_best_f1", best.f1());
    r.metric("sentence_best_threshold", finite(best_t));
    r.metric("baseline_unigram_jaccard_f1", uni.f1());
    r.metric("baseline_all_positive_f1", all_positive.f1());
    r.metric("pairs", pairs.len() as f64);
    r.metric("pairs_positive", positives as f64);

    let mut t = Table::new(
        &format!("sentence paraphrase ({FILE})"),
        &[
            "method",
            "precision",
            "recall",
            "F1",
            "tp",
            "fp",
            "fn",
            "threshold",
        ],
    );
    let with = |mut row: Vec<String>, t: f64| {
        row.push(f3(finite(t)));
        row
    };
    t.row(with(
        at_floor.row("spinscan sentence similarity at its floor"),
        floor,
    ));
    t.row(with(
        best.row("spinscan sentence similarity, best threshold"),
        best_t,
    ));
    t.row(with(uni.row("word-unigram Jaccard, best threshold"), uni_t));
    let mut all = all_positive.row("all positive");
    all.push("-".into());
    t.row(all);
    r.tables.push(t);

    r.notes.push(
        "MSRP negatives are sentences from the same news story with high word overlap (the \
         corpus was sampled for overlap), so precision is low for any overlap measure and the \
         all-positive baseline is strong; this measures the sentence floor, not copy detection"
            .into(),
    );
    r.notes.push(format!(
        "{} distinct sentences prepared together; {split} were split into more than one sentence \
         by the splitter (their similarity is a weighted alignment share)",
        texts.len()
    ));
    Ok(r)
}

fn finite(t: f64) -> f64 {
    if t.is_finite() {
        t
    } else {
        0.0
    }
}

/// Jaccard of the sets of lowercased words (letters and digits).
fn unigram_jaccard(a: &str, b: &str) -> f64 {
    use std::collections::HashSet;
    let words = |s: &str| -> HashSet<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (x, y) = (words(a), words(b));
    let union = x.union(&y).count();
    if union == 0 {
        0.0
    } else {
        x.intersection(&y).count() as f64 / union as f64
    }
}

/// Reads the TSV (`Quality  #1 ID  #2 ID  #1 String  #2 String`, UTF-8 BOM). Split on tabs
/// only: the strings carry unbalanced quotes that a CSV reader would treat as quoting.
fn read_pairs(path: &Path) -> anyhow::Result<Vec<Pair>> {
    let bytes =
        std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, h)) if h.trim_end_matches('\r').starts_with("Quality\t") => {}
        _ => anyhow::bail!(
            "{}: expected the header `Quality\\t#1 ID\\t#2 ID\\t#1 String\\t#2 String`",
            path.display()
        ),
    }
    let mut out = Vec::new();
    for (k, line) in lines {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 5 {
            anyhow::bail!(
                "{}: line {}: expected 5 tab-separated columns, found {}",
                path.display(),
                k + 1,
                cols.len()
            );
        }
        let paraphrase = match cols[0].trim() {
            "1" => true,
            "0" => false,
            q => anyhow::bail!(
                "{}: line {}: Quality {q:?} is not 0 or 1",
                path.display(),
                k + 1
            ),
        };
        out.push(Pair {
            paraphrase,
            s1: cols[3].to_string(),
            s2: cols[4].to_string(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rows: &[&str]) -> String {
        let mut s = "\u{feff}Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n".to_string();
        for r in rows {
            s.push_str(r);
            s.push('\n');
        }
        s
    }

    #[test]
    fn parses_bom_quotes_and_measures() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let text = file(&[
            "1\t1\t2\tThe harbour master said \"repairs would take six weeks\" on Tuesday.\tOn Tuesday the harbour master said repairs would take six weeks.",
            "0\t3\t4\tThe orchestra announced twelve concerts for the new season.\tFerry operator Northline moved its morning sailings to the south basin.",
            "1\t5\t6\tInspectors found cracks in three concrete pillars of the pier.\tCracks were found by inspectors in three of the pier's concrete pillars.",
        ]);
        std::fs::write(tmp.path().join(FILE), text).expect("write");
        let pairs = read_pairs(&tmp.path().join(FILE)).expect("parses");
        assert_eq!(pairs.len(), 3);
        assert!(pairs[0].paraphrase && !pairs[1].paraphrase);
        assert!(pairs[0].s1.contains("\"repairs"), "quotes kept as text");

        let r = evaluate(tmp.path(), &Params::DEFAULT).expect("evaluates");
        assert_eq!(r.get("sentence_f1"), Some(1.0), "{}", r.render());
        assert_eq!(r.get("pairs"), Some(3.0));
        assert!((r.get("baseline_all_positive_f1").expect("measured") - 0.8).abs() < 1e-9);
        assert!(unigram_jaccard("A b, c.", "a B d") > 0.49);
    }

    #[test]
    fn wrong_column_count_names_the_file_and_line() {
        let tmp = tempfile::tempdir().expect("tempdir");
        std::fs::write(tmp.path().join(FILE), file(&["1\t1\t2\tonly one sentence"]))
            .expect("write");
        let e = evaluate(tmp.path(), &Params::DEFAULT).expect_err("fails");
        let m = e.to_string();
        assert!(m.contains(FILE) && m.contains("line 2"), "{m}");
    }
}

//! PAN13 text alignment, "02-no-obfuscation" subset: verbatim passages copied into long
//! (Gutenberg-derived) documents.
//!
//! Positives are the (suspicious, source) pairs of `truth/pairs`. The folder holds no
//! no-plagiarism truth, so negatives are made: for each positive, its suspicious document
//! paired with the next source document (in sorted order, wrapping) that `pairs.all` never
//! pairs with it and that is not already one of its negatives. Only the documents used are
//! read and prepared. Direction is scored on the true positives called copies: the source
//! attribution picks must be the source document.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use super::{best_threshold, f3, ratio, Format, Prf, Report, Table};
use crate::attribution::{self, ArticleEvidence};
use crate::features::{Language, LanguageChoice};
use crate::pipeline::prepare_texts;
use crate::score::{score_pair, PairScore, Params};

/// One labeled pair: indices into the list of documents used.
struct Pair {
    susp: usize,
    src: usize,
    positive: bool,
}

pub fn evaluate(dir: &Path, params: &Params) -> anyhow::Result<Report> {
    let truth_path = dir.join("truth/pairs");
    let positives = read_pairs(&truth_path)?;
    if positives.is_empty() {
        anyhow::bail!("{}: no pairs", truth_path.display());
    }
    let all_path = dir.join("pairs.all");
    let listed: HashSet<(String, String)> = if all_path.is_file() {
        read_pairs(&all_path)?.into_iter().collect()
    } else {
        positives.iter().cloned().collect()
    };
    let sources = list_txt(&dir.join("src"))?;

    // Negatives: deterministic, never a pair pairs.all lists (of any obfuscation category).
    let mut chosen: HashSet<(String, String)> = HashSet::new();
    let mut negatives = Vec::with_capacity(positives.len());
    for (susp, src) in &positives {
        let start = sources.partition_point(|s| s <= src);
        let pick = (0..sources.len())
            .map(|k| &sources[(start + k) % sources.len()])
            .find(|s| {
                let key = (susp.clone(), (*s).clone());
                !listed.contains(&key) && !chosen.contains(&key)
            });
        if let Some(s) = pick {
            chosen.insert((susp.clone(), s.clone()));
            negatives.push((susp.clone(), s.clone()));
        }
    }

    // The documents used, read and prepared together.
    let names: Vec<(bool, String)> = positives
        .iter()
        .chain(&negatives)
        .flat_map(|(a, b)| [(true, a.clone()), (false, b.clone())])
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let index: HashMap<(bool, String), usize> = names
        .iter()
        .enumerate()
        .map(|(k, n)| (n.clone(), k))
        .collect();
    let texts: Vec<String> = names
        .par_iter()
        .map(|(is_susp, name)| {
            let path = dir.join(if *is_susp { "susp" } else { "src" }).join(name);
            std::fs::read(&path)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", path.display()))
        })
        .collect::<anyhow::Result<_>>()?;
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let prepared = prepare_texts(&refs, &LanguageChoice::Fixed(Language::english()));
    drop(texts);

    let pairs: Vec<Pair> = positives
        .iter()
        .map(|p| (p, true))
        .chain(negatives.iter().map(|p| (p, false)))
        .map(|((a, b), positive)| Pair {
            susp: index[&(true, a.clone())],
            src: index[&(false, b.clone())],
            positive,
        })
        .collect();
    let scored: Vec<PairScore> = pairs
        .par_iter()
        .map(|p| {
            score_pair(
                p.susp as u32,
                p.src as u32,
                &prepared[p.susp],
                &prepared[p.src],
                params,
            )
        })
        .collect();

    // spinscan's copy decision and direction.
    let none = ArticleEvidence::default();
    let weights = attribution::weights(params.model());
    let mut prf = Prf::default();
    // Direction picks on true positives called copies: the source doc, the suspicious doc, none.
    let (mut directed, mut right, mut wrong) = (0u64, 0u64, 0u64);
    for (p, s) in pairs.iter().zip(&scored) {
        let copy = s.relation.is_copy();
        prf.add(copy, p.positive);
        if copy && p.positive {
            directed += 1;
            let d = attribution::decide(s, &attribution::inputs(s, &none, &none), &weights);
            if d.source == Some(p.src as u32) {
                right += 1;
            } else if d.source.is_some() {
                wrong += 1;
            }
        }
    }

    // Baselines: whole-document 5-gram overlap at its own best threshold.
    let mut containment: Vec<(f64, bool)> = pairs
        .iter()
        .zip(&scored)
        .map(|(p, s)| {
            let c = s.signals.containment_ab.max(s.signals.containment_ba);
            (f64::from(c), p.positive)
        })
        .collect();
    let (c_t, c_prf) = best_threshold(&mut containment);
    let mut jaccard: Vec<(f64, bool)> = pairs
        .iter()
        .zip(&scored)
        .map(|(p, s)| (f64::from(s.signals.jaccard5), p.positive))
        .collect();
    let (j_t, j_prf) = best_threshold(&mut jaccard);

    let mut r = Report::for_dir(dir, Format::Pan13);
    r.metric("copy_precision", prf.precision());
    r.metric("copy_recall", prf.recall());
    r.metric("copy_f1", prf.f1());
    r.metric("direction_accuracy", ratio(right, directed));
    r.metric("pairs_positive", positives.len() as f64);
    r.metric("pairs_negative", negatives.len() as f64);
    r.metric("baseline_containment_f1", c_prf.f1());
    r.metric("baseline_jaccard5_f1", j_prf.f1());

    let mut t = Table::new(
        "copy detection (positives: truth/pairs; negatives: unlisted source docs)",
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
    let with = |mut row: Vec<String>, extra: String| {
        row.push(extra);
        row
    };
    t.row(with(prf.row("spinscan (relation is a copy)"), "-".into()));
    t.row(with(
        c_prf.row("5-gram containment (max of both ways)"),
        threshold(c_t),
    ));
    t.row(with(j_prf.row("5-gram Jaccard"), threshold(j_t)));
    r.tables.push(t);

    // What spinscan called the pairs, and what limits recall.
    let mut by_relation: Vec<(&str, u64, u64)> = Vec::new();
    for (p, s) in pairs.iter().zip(&scored) {
        let name = s.relation.as_str();
        let k = match by_relation.iter().position(|x| x.0 == name) {
            Some(k) => k,
            None => {
                by_relation.push((name, 0, 0));
                by_relation.len() - 1
            }
        };
        if p.positive {
            by_relation[k].1 += 1;
        } else {
            by_relation[k].2 += 1;
        }
    }
    by_relation.sort();
    let mut t = Table::new("relation assigned", &["relation", "positives", "negatives"]);
    for (name, pos, neg) in by_relation {
        t.row(vec![name.to_string(), pos.to_string(), neg.to_string()]);
    }
    r.tables.push(t);

    let pos: Vec<&PairScore> = pairs
        .iter()
        .zip(&scored)
        .filter(|(p, _)| p.positive)
        .map(|(_, s)| s)
        .collect();
    let block = |s: &PairScore| s.signals.verbatim_sentences >= params.partial_sentences;
    let blocks = pos.iter().filter(|s| block(s)).count();
    // The larger containment is that of the document with fewer shingles.
    let short = |s: &PairScore| s.signals.containment_ab.max(s.signals.containment_ba);
    let mut short_side: Vec<f64> = pos.iter().map(|s| f64::from(short(s))).collect();
    short_side.sort_by(f64::total_cmp);
    r.metric("positives_with_verbatim_block", blocks as f64);
    r.notes.push(format!(
        "{blocks} of {} positives have >= {} verbatim sentences aligned (spinscan's partial-copy \
         rule needs a block of copied sentences and containment >= {} of the shorter document); \
         median whole-document 5-gram containment of positives (shorter document): {}",
        pos.len(),
        params.partial_sentences,
        params.partial_containment,
        f3(median(&short_side)),
    ));
    // Which partial-copy conditions the missed positives with a verbatim block fail.
    let missed: Vec<&&PairScore> = pos
        .iter()
        .filter(|s| block(s) && !s.relation.is_copy())
        .collect();
    let fails = |f: &dyn Fn(&PairScore) -> bool| missed.iter().filter(|s| f(s)).count();
    r.notes.push(format!(
        "of the {} positives with a verbatim block not called copies, the partial-copy \
         conditions failed: containment < {}: {}; verbatim share of aligned sentences < {}: {}; \
         mean edit similarity < {}: {}; density < {}: {} (likely: chance alignments between the rest of the \
         two texts dilute share, edit similarity and density)",
        missed.len(),
        params.partial_containment,
        fails(&|s| short(s) < params.partial_containment),
        params.partial_sentence_share,
        fails(&|s| {
            (s.signals.verbatim_sentences as f32)
                < params.partial_sentence_share * s.signals.aligned_sentences.max(1) as f32
        }),
        params.partial_edit,
        fails(&|s| s.signals.edit_similarity < params.partial_edit),
        params.partial_density,
        fails(&|s| s.signals.density < params.partial_density),
    ));
    if let Some(note) = passage_share_note(dir, &positives, &doc_lengths(&names, dir)) {
        r.notes.push(note);
    }
    r.notes.push(format!(
        "direction on the {directed} true positives called copies: source doc {right}, \
         suspicious doc {wrong}, undecided {}. With no dates or page marks, containment \
         asymmetry decides: when neither text is mostly inside the other, the one whose larger \
         share was taken is the source (a passage lifted into a longer text). A short source \
         mostly contained in a long book looks like a truncated copy of it, which is where \
         the wrong calls come from",
        directed - right - wrong
    ));
    r.notes.push(
        "negatives are made (a suspicious doc with a source doc pairs.all never pairs it with): \
         unrelated books, so they are easy; precision here says little about same-topic texts"
            .into(),
    );
    Ok(r)
}

fn threshold(t: f64) -> String {
    if t.is_finite() {
        format!("{t:.3}")
    } else {
        "-".into()
    }
}

fn median(sorted: &[f64]) -> f64 {
    if sorted.is_empty() {
        0.0
    } else {
        sorted[sorted.len() / 2]
    }
}

/// Byte length of each used document, by (is_susp, name).
fn doc_lengths(names: &[(bool, String)], dir: &Path) -> HashMap<(bool, String), u64> {
    names
        .iter()
        .filter_map(|(s, n)| {
            let path = dir.join(if *s { "susp" } else { "src" }).join(n);
            let len = std::fs::metadata(path).ok()?.len();
            Some(((*s, n.clone()), len))
        })
        .collect()
}

/// The copied passages' share of the suspicious and of the source document, from the truth
/// XMLs (when present).
fn passage_share_note(
    dir: &Path,
    positives: &[(String, String)],
    lengths: &HashMap<(bool, String), u64>,
) -> Option<String> {
    let this = regex::Regex::new(r#"this_length="(\d+)""#).ok()?;
    let source = regex::Regex::new(r#"source_length="(\d+)""#).ok()?;
    let (mut in_susp, mut in_src) = (Vec::new(), Vec::new());
    for (susp, src) in positives {
        let stem = |n: &str| n.trim_end_matches(".txt").to_string();
        let path = dir
            .join("truth")
            .join(format!("{}-{}.xml", stem(susp), stem(src)));
        let Ok(xml) = std::fs::read_to_string(&path) else {
            continue;
        };
        let total = |re: &regex::Regex| -> u64 {
            re.captures_iter(&xml)
                .filter_map(|c| c[1].parse::<u64>().ok())
                .sum()
        };
        for (copied, key, out) in [
            (total(&this), (true, susp.clone()), &mut in_susp),
            (total(&source), (false, src.clone()), &mut in_src),
        ] {
            if let Some(&len) = lengths.get(&key).filter(|&&l| l > 0) {
                out.push(copied as f64 / len as f64);
            }
        }
    }
    if in_susp.is_empty() {
        return None;
    }
    in_susp.sort_by(f64::total_cmp);
    in_src.sort_by(f64::total_cmp);
    Some(format!(
        "copied passages make up a median {} of the suspicious document's characters (10th \
         percentile {}) and {} of the source document's ({} truth files read): a short passage \
         inside a long book gives tiny whole-document containment",
        f3(median(&in_susp)),
        f3(in_susp[in_susp.len() / 10]),
        f3(median(&in_src)),
        in_susp.len(),
    ))
}

/// Reads `susp src` pairs, one per line (blank lines skipped).
fn read_pairs(path: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", path.display()))?;
    let mut out = Vec::new();
    for (k, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() != 2 {
            anyhow::bail!(
                "{}: line {}: expected `suspicious-doc source-doc`",
                path.display(),
                k + 1
            );
        }
        out.push((cols[0].to_string(), cols[1].to_string()));
    }
    Ok(out)
}

/// Sorted names of the `.txt` files in a folder.
fn list_txt(dir: &Path) -> anyhow::Result<Vec<String>> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| anyhow::anyhow!("{}: cannot list: {e}", dir.display()))?;
    let mut out = Vec::new();
    for e in entries {
        let e = e.map_err(|e| anyhow::anyhow!("{}: cannot list: {e}", dir.display()))?;
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".txt") {
            out.push(name);
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOKS: [&str; 4] = [
        "The lighthouse keeper climbed the spiral stairs every evening before the sun went down. \
         He trimmed the wick, polished the great lens and wrote the weather into a leather log. \
         Ships passing the northern reef counted on his lamp through the long winter nights. \
         In spring his daughter rowed out with bread, letters and news from the mainland village.",
        "Farmers in the valley planted barley early that year because the snow melted in March. \
         The river rose higher than anyone remembered and flooded the lower meadows for a week. \
         When the water fell the soil was black and rich, and the harvest was the best in a decade. \
         The miller bought a second grindstone and hired two boys from the next parish to help.",
        "The orchestra rehearsed the new symphony in a cold hall with broken windows and no heating. \
         Its conductor insisted on starting again from the first bar whenever a horn came in late. \
         By the night of the premiere the players knew every phrase and the audience stood to cheer. \
         Critics wrote that the slow movement was the most beautiful music heard in the city for years.",
        "Astronomers at the mountain observatory tracked a faint comet across the winter constellations. \
         They measured its position every clear night and sent telegrams to colleagues in distant capitals. \
         The comet brightened as it neared the sun and grew a tail visible to the naked eye in February. \
         Newspapers printed drawings of it and sold more copies than during the election campaign.",
    ];

    fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn reads_pairs_builds_negatives_and_finds_copies() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let d = tmp.path();
        // Two suspicious docs, each copying a whole source book after an own paragraph.
        write(
            d,
            "susp/suspicious-document00001.txt",
            &format!("{}\n\n{}", BOOKS[3], BOOKS[0]),
        );
        write(
            d,
            "susp/suspicious-document00002.txt",
            &format!("{}\n\n{}", BOOKS[1], BOOKS[3]),
        );
        write(d, "src/source-document00001.txt", BOOKS[0]);
        write(d, "src/source-document00002.txt", BOOKS[1]);
        write(d, "src/source-document00003.txt", BOOKS[2]);
        write(
            d,
            "truth/pairs",
            "suspicious-document00001.txt source-document00001.txt\n\
             suspicious-document00002.txt source-document00002.txt\n",
        );
        // Susp 1 is also listed with source 2 (another category): it must not be its negative.
        write(
            d,
            "pairs.all",
            "suspicious-document00001.txt source-document00001.txt\n\
             suspicious-document00001.txt source-document00002.txt\n\
             suspicious-document00002.txt source-document00002.txt\n",
        );
        write(
            d,
            "truth/suspicious-document00001-source-document00001.xml",
            r#"<document><feature name="plagiarism" this_offset="10" this_length="300" /></document>"#,
        );
        let r = evaluate(d, &Params::DEFAULT).expect("evaluates");
        assert_eq!(r.get("pairs_positive"), Some(2.0));
        assert_eq!(r.get("pairs_negative"), Some(2.0));
        assert_eq!(r.get("copy_recall"), Some(1.0), "{}", r.render());
        assert_eq!(r.get("copy_precision"), Some(1.0), "{}", r.render());
        assert!(r.get("baseline_containment_f1").is_some());
        assert_eq!(r.format, "pan13");
    }

    #[test]
    fn bad_pairs_line_names_the_file() {
        let tmp = tempfile::tempdir().expect("tempdir");
        write(tmp.path(), "truth/pairs", "only-one-column\n");
        write(tmp.path(), "src/source-document00001.txt", BOOKS[0]);
        let e = evaluate(tmp.path(), &Params::DEFAULT).expect_err("fails");
        assert!(e.to_string().contains("pairs"), "{e}");
        assert!(e.to_string().contains("line 1"), "{e}");
    }
}

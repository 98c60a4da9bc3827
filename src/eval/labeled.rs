//! Evaluation on a labeled corpus in the spun-dev layout: `articles/*.txt` plus
//! `labels/pairs.csv`, `labels/families.csv`, `labels/boilerplate_lines.csv` and, optionally,
//! `labels/other_links.csv` (pairs that share source text without a direct derivation: they
//! count as neither positives nor negatives).
//!
//! The pipeline runs exactly as `scan` runs it; every unordered pair of articles is then a
//! positive (labeled copy relation), ignored (other_links) or a negative (everything else,
//! including pairs no label mentions).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use super::baselines::{jaccard5, TfIdf};
use super::{
    adjusted_rand_index, f3, ratio, versus_baselines, DirectionTally, Format, Prf, Report, Table,
};
use crate::attribution::Direction;
use crate::boilerplate::Kind;
use crate::pipeline::{self, Options};
use crate::score::Relation;
use crate::text::hash64;

/// Which part of the labeled data to measure on. Families (stories) are split by a hash of
/// their id, so `fit` and `test` never share a story; a pair counts only when both articles
/// are in. `fold:K/N` keeps fold K of N, the same folds `spinscan fit` holds out (see
/// [`fold_of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    All,
    Fit,
    Test,
    Fold { k: u32, n: u32 },
}

/// The cross-validation fold (of `n`) of a story, by a stable hash of its id.
pub fn fold_of(story: &str, n: u32) -> u32 {
    (hash64(story.as_bytes()) % u64::from(n.max(1))) as u32
}

impl Split {
    pub fn parse(s: &str) -> Option<Split> {
        match s {
            "all" => Some(Split::All),
            "fit" => Some(Split::Fit),
            "test" => Some(Split::Test),
            _ => {
                let (k, n) = s.strip_prefix("fold:")?.split_once('/')?;
                let (k, n): (u32, u32) = (k.parse().ok()?, n.parse().ok()?);
                (n >= 2 && k < n).then_some(Split::Fold { k, n })
            }
        }
    }

    pub fn name(self) -> String {
        match self {
            Split::All => "all".into(),
            Split::Fit => "fit".into(),
            Split::Test => "test".into(),
            Split::Fold { k, n } => format!("fold:{k}/{n}"),
        }
    }

    /// Whether a family (by its id) belongs to this split.
    pub fn keeps(self, family: &str) -> bool {
        match self {
            Split::All => true,
            Split::Fit => fold_of(family, 2) == 0,
            Split::Test => fold_of(family, 2) == 1,
            Split::Fold { k, n } => fold_of(family, n) == k,
        }
    }
}

/// Labeled relations that are copies (positives).
const COPY_LABELS: &[&str] = &[
    "scraper_copy",
    "partial_copy",
    "mashup",
    "synonym_spin",
    "heavy_rewrite",
    "summary",
    "reordered_rewrite",
    "expanded_rewrite",
];
/// Labeled relations that must not be called copies.
const NEGATIVE_LABELS: &[&str] = &["independent_same_story", "unrelated_same_site"];

/// The relation spinscan should name for a labeled relation.
fn expected_relation(label: &str) -> Option<Relation> {
    Some(match label {
        "scraper_copy" => Relation::VerbatimCopy,
        "partial_copy" | "mashup" => Relation::PartialCopy,
        "synonym_spin" => Relation::SpunCopy,
        "heavy_rewrite" | "summary" | "reordered_rewrite" | "expanded_rewrite" => Relation::Rewrite,
        "independent_same_story" => Relation::SameStory,
        _ => return None,
    })
}

struct Labels {
    /// (i, j) with i < j -> (relation, source index)
    pairs: HashMap<(u32, u32), (String, Option<u32>)>,
    linked: HashSet<(u32, u32)>,
    family: Vec<Option<String>>,
    boilerplate: HashMap<(u32, usize), Kind>,
}

/// Runs the pipeline on `dir/articles` and measures it against `dir/labels`.
pub fn evaluate(dir: &Path, opts: &Options, split: Split) -> anyhow::Result<Report> {
    let articles_dir = dir.join("articles");
    let mut opts = opts.clone();
    opts.keep_features = true;
    let an = pipeline::run(&articles_dir, &opts)?;
    let index = an.index_by_path();
    let labels = read_labels(&dir.join("labels"), &index, an.articles.len())?;
    let mut report = Report::for_dir(dir, Format::Labeled);
    let n = an.articles.len();
    let inside: Vec<bool> = (0..n)
        .map(|i| labels.family[i].as_deref().is_some_and(|f| split.keeps(f)))
        .collect();
    let members = inside.iter().filter(|&&x| x).count();
    report.metric("articles", members as f64);

    // Every pair: positive, ignored or negative; spinscan's verdict and the baselines' scores.
    let predicted: HashMap<(u32, u32), (Relation, Option<Direction>)> = an
        .pairs
        .iter()
        .map(|p| ((p.score.a, p.score.b), (p.score.relation, p.direction)))
        .collect();
    let tfidf = TfIdf::new(&an.features);
    let all: Vec<(u32, u32)> = (0..n as u32)
        .filter(|&i| inside[i as usize])
        .flat_map(|i| {
            ((i + 1)..n as u32)
                .filter(|&j| inside[j as usize])
                .map(move |j| (i, j))
        })
        .collect();
    let baseline: Vec<(f64, f64)> = all
        .par_iter()
        .map(|&(i, j)| {
            let (a, b) = (&an.features[i as usize], &an.features[j as usize]);
            (jaccard5(a, b), tfidf.cosine(i as usize, j as usize))
        })
        .collect();

    let mut copies = Prf::default();
    let mut jac: Vec<(f64, bool)> = Vec::new();
    let mut cos: Vec<(f64, bool)> = Vec::new();
    let mut per_label: BTreeMap<String, (u64, u64)> = BTreeMap::new(); // (pairs, called copy)
    let mut confusion: BTreeMap<String, BTreeMap<Relation, u64>> = BTreeMap::new();
    let mut typing: BTreeMap<Relation, Prf> = BTreeMap::new();
    let mut direction = DirectionTally::default();
    let mut direction_by_label: BTreeMap<String, DirectionTally> = BTreeMap::new();
    let mut unlabeled_fp = 0u64;
    for (k, &(i, j)) in all.iter().enumerate() {
        if labels.linked.contains(&(i, j)) {
            continue;
        }
        let (rel, verdict) = predicted
            .get(&(i, j))
            .copied()
            .unwrap_or((Relation::Unrelated, None));
        let label = labels.pairs.get(&(i, j));
        let positive = label.is_some_and(|(l, _)| COPY_LABELS.contains(&l.as_str()));
        copies.add(rel.is_copy(), positive);
        jac.push((baseline[k].0, positive));
        cos.push((baseline[k].1, positive));
        let name = label.map_or("(unlabeled)".to_string(), |(l, _)| l.clone());
        *confusion
            .entry(name.clone())
            .or_default()
            .entry(rel)
            .or_insert(0) += 1;
        if label.is_none() && rel.is_copy() {
            unlabeled_fp += 1;
        }
        if let Some((l, source)) = label {
            let e = per_label.entry(l.clone()).or_insert((0, 0));
            e.0 += 1;
            e.1 += u64::from(rel.is_copy());
            let expected = expected_relation(l);
            for r in Relation::ALL
                .into_iter()
                .filter(|r| *r != Relation::Unrelated)
            {
                typing
                    .entry(r)
                    .or_default()
                    .add(rel == r, expected == Some(r));
            }
            if positive && rel.is_copy() {
                if let Some(s) = source {
                    direction.add(verdict, *s);
                    direction_by_label
                        .entry(l.clone())
                        .or_default()
                        .add(verdict, *s);
                }
            }
        } else if rel != Relation::Unrelated {
            typing.entry(rel).or_default().add(true, false);
        }
    }

    // Copy pairs, beside the baselines.
    let (t, (jt, jprf), (ct, cprf)) = versus_baselines(
        "Copy pairs (copy vs not copy; other_links ignored)",
        &copies,
        &mut jac,
        &mut cos,
    );
    report.tables.push(t);
    report.metric("copy_precision", copies.precision());
    report.metric("copy_recall", copies.recall());
    report.metric("copy_f1", copies.f1());
    report.metric("baseline_jaccard5_f1", jprf.f1());
    report.metric("baseline_jaccard5_threshold", jt);
    report.metric("baseline_tfidf_f1", cprf.f1());
    report.metric("baseline_tfidf_threshold", ct);
    report.metric(
        "copy_f1_margin_over_baselines",
        copies.f1() - jprf.f1().max(cprf.f1()),
    );
    report.metric("copies_in_unlabeled_pairs", unlabeled_fp as f64);

    // Per labeled relation: recall of copies, false-positive rate of negatives.
    let mut t = Table::new(
        "By labeled relation",
        &["relation", "pairs", "called copy", "rate"],
    );
    for (l, (pairs, called)) in &per_label {
        let rate = ratio(*called, *pairs);
        t.row(vec![
            l.clone(),
            pairs.to_string(),
            called.to_string(),
            f3(rate),
        ]);
        if COPY_LABELS.contains(&l.as_str()) {
            report.metric(&format!("recall_{l}"), rate);
        } else if NEGATIVE_LABELS.contains(&l.as_str()) {
            report.metric(&format!("fpr_{l}"), rate);
        }
    }
    report.tables.push(t);

    // Relation typing.
    let mut header = vec!["labeled \\ predicted"];
    header.extend(Relation::ALL.iter().map(|r| r.as_str()));
    let mut t = Table::new(
        "Relation confusion (rows: labels; columns: spinscan)",
        &header,
    );
    for (l, row) in &confusion {
        let mut cells = vec![l.clone()];
        cells.extend(
            Relation::ALL
                .iter()
                .map(|r| row.get(r).copied().unwrap_or(0).to_string()),
        );
        t.row(cells);
    }
    report.tables.push(t);
    let mut t = Table::new(
        "Relation typing (labels mapped to spinscan's relations)",
        &Prf::HEADER,
    );
    for (r, prf) in &typing {
        t.row(prf.row(r.as_str()));
        report.metric(
            &format!("relation_precision_{}", r.as_str()),
            prf.precision(),
        );
        report.metric(&format!("relation_recall_{}", r.as_str()), prf.recall());
    }
    report.tables.push(t);

    // Candidate recall: of the copy pairs all-pairs scoring finds, the share the sub-quadratic
    // candidate index would have proposed.
    if an.pairs_scored == crate::candidates::all_pairs_count(n) {
        let copies: Vec<(u32, u32)> = an
            .pairs
            .iter()
            .filter(|p| {
                p.score.relation.is_copy()
                    && inside[p.score.a as usize]
                    && inside[p.score.b as usize]
            })
            .map(|p| (p.score.a, p.score.b))
            .collect();
        let (found, proposed) = crate::candidates::coverage(&an.features, &copies);
        let kept = found as u64;
        let recall = ratio(kept, copies.len() as u64);
        report.metric("candidate_recall", recall);
        report.metric(
            "candidate_pairs_share",
            ratio(proposed as u64, all.len() as u64),
        );
        let mut t = Table::new(
            "Candidate index vs all pairs",
            &["measure", "value", "over"],
        );
        t.row(vec![
            "copy pairs the index proposes".into(),
            f3(recall),
            format!("{} copy pairs found by all-pairs scoring", copies.len()),
        ]);
        t.row(vec![
            "pairs proposed".into(),
            f3(ratio(proposed as u64, all.len() as u64)),
            format!(
                "{proposed} of {} pairs (the index runs over the whole folder)",
                all.len()
            ),
        ]);
        report.tables.push(t);
    }

    // Direction and families.
    direction.report(&mut report);
    let ids: Vec<usize> = (0..n).filter(|&i| inside[i]).collect();
    let mut fam_ids: HashMap<&str, usize> = HashMap::new();
    let truth: Vec<usize> = ids
        .iter()
        .map(|&i| {
            let f = labels.family[i].as_deref().unwrap_or("");
            let next = fam_ids.len();
            *fam_ids.entry(f).or_insert(next)
        })
        .collect();
    let predicted_family: Vec<usize> = ids
        .iter()
        .map(|&i| an.articles[i].family.unwrap_or(n + i))
        .collect();
    let ari = adjusted_rand_index(&truth, &predicted_family);
    report.metric("family_ari", ari);
    let mut t = Table::new("Direction and families", &["measure", "value", "over"]);
    for row in direction.rows("copy pairs with a labeled source") {
        t.row(row);
    }
    t.row(vec![
        "family adjusted Rand index".into(),
        f3(ari),
        format!("{} articles", ids.len()),
    ]);
    report.tables.push(t);
    let t = direction_by_relation(&direction_by_label, &mut report);
    report.tables.push(t);
    report.tables.push(
        direction
            .calibration_table("Direction calibration (pairs with a source named, by confidence)"),
    );

    // Boilerplate lines.
    let mut overall = Prf::default();
    let mut by_kind: BTreeMap<Kind, Prf> = BTreeMap::new();
    for &i in &ids {
        let mut seen: HashSet<usize> = HashSet::new();
        for b in &an.articles[i].boilerplate {
            seen.insert(b.line);
            let truth = labels.boilerplate.get(&(i as u32, b.line));
            overall.add(true, truth.is_some());
            if b.kind != Kind::Template {
                by_kind
                    .entry(b.kind)
                    .or_default()
                    .add(true, truth == Some(&b.kind));
            }
            if let Some(&k) = truth {
                if k != b.kind {
                    by_kind.entry(k).or_default().add(false, true);
                }
            }
        }
        for (&(_, line), &k) in labels
            .boilerplate
            .iter()
            .filter(|((f, _), _)| *f == i as u32)
        {
            if !seen.contains(&line) {
                overall.add(false, true);
                by_kind.entry(k).or_default().add(false, true);
            }
        }
    }
    let mut t = Table::new("Boilerplate lines", &Prf::HEADER);
    t.row(overall.row("any type"));
    report.metric("boilerplate_precision", overall.precision());
    report.metric("boilerplate_recall", overall.recall());
    report.metric("boilerplate_f1", overall.f1());
    for (k, prf) in &by_kind {
        t.row(prf.row(k.as_str()));
        report.metric(&format!("boilerplate_f1_{}", k.as_str()), prf.f1());
    }
    report.tables.push(t);

    report.notes.push(format!(
        "{} articles, {} pairs ({} split); pairs in other_links are neither positive nor negative; \
         baselines see the same boilerplate-free text as spinscan, each at its own best threshold",
        ids.len(),
        all.len(),
        split.name()
    ));
    Ok(report)
}

/// The "Direction by relation" table (copy pairs found with a labeled source, per labeled
/// relation), with the metrics `direction_accuracy_<label>` and `direction_pairs_<label>`.
fn direction_by_relation(
    by_label: &BTreeMap<String, DirectionTally>,
    report: &mut Report,
) -> Table {
    let mut t = Table::new(
        "Direction by relation (copy pairs found with a labeled source)",
        &["relation", "pairs", "right", "no source named", "accuracy"],
    );
    for (l, d) in by_label {
        t.row(vec![
            l.clone(),
            d.pairs.to_string(),
            d.right.to_string(),
            d.undecided.to_string(),
            f3(d.accuracy()),
        ]);
        report.metric(&format!("direction_accuracy_{l}"), d.accuracy());
        report.metric(&format!("direction_pairs_{l}"), d.pairs as f64);
    }
    t
}

/// One labeled pair for fitting: a, b, their stories, positive, labeled relation, and the
/// labeled source (a or b) where the labels name one.
pub(crate) type PairLabel = (u32, u32, [String; 2], bool, String, Option<u32>);

/// Every pair of labeled articles for fitting. Pairs in `other_links.csv` share source text
/// without a direct derivation and are left out, as in [`evaluate`].
pub(crate) fn pair_labels(
    labels_dir: &Path,
    an: &pipeline::Analysis,
) -> anyhow::Result<Vec<PairLabel>> {
    let index = an.index_by_path();
    let n = an.articles.len();
    let labels = read_labels(labels_dir, &index, n)?;
    let mut out = Vec::new();
    for i in 0..n as u32 {
        let Some(fa) = &labels.family[i as usize] else {
            continue;
        };
        for j in i + 1..n as u32 {
            let Some(fb) = &labels.family[j as usize] else {
                continue;
            };
            if labels.linked.contains(&(i, j)) {
                continue;
            }
            let labeled = labels.pairs.get(&(i, j));
            let label = labeled.map(|l| l.0.as_str());
            let positive = label.is_some_and(|l| COPY_LABELS.contains(&l));
            out.push((
                i,
                j,
                [fa.clone(), fb.clone()],
                positive,
                label.unwrap_or("unlabeled").to_string(),
                labeled.and_then(|l| l.1).filter(|_| positive),
            ));
        }
    }
    Ok(out)
}

fn read_labels(dir: &Path, index: &HashMap<&str, u32>, n: usize) -> anyhow::Result<Labels> {
    let lookup = |path: &Path, line: usize, file: &str| -> anyhow::Result<u32> {
        index.get(file).copied().ok_or_else(|| {
            anyhow::anyhow!(
                "{}: line {line}: {file:?} is not an article of the set",
                path.display()
            )
        })
    };
    let ordered = |a: u32, b: u32| (a.min(b), a.max(b));
    let mut labels = Labels {
        pairs: HashMap::new(),
        linked: HashSet::new(),
        family: vec![None; n],
        boilerplate: HashMap::new(),
    };
    let path = dir.join("pairs.csv");
    for (k, rec) in records(&path)?.into_iter().enumerate() {
        let line = k + 2;
        let (a, b) = (
            lookup(&path, line, field(&rec, 0))?,
            lookup(&path, line, field(&rec, 1))?,
        );
        let source = match field(&rec, 3) {
            "" => None,
            s => Some(lookup(&path, line, s)?),
        };
        labels
            .pairs
            .insert(ordered(a, b), (field(&rec, 2).to_string(), source));
    }
    let path = dir.join("other_links.csv");
    if path.is_file() {
        for (k, rec) in records(&path)?.into_iter().enumerate() {
            let (a, b) = (
                lookup(&path, k + 2, field(&rec, 0))?,
                lookup(&path, k + 2, field(&rec, 1))?,
            );
            labels.linked.insert(ordered(a, b));
        }
    }
    let path = dir.join("families.csv");
    for (k, rec) in records(&path)?.into_iter().enumerate() {
        let i = lookup(&path, k + 2, field(&rec, 0))?;
        labels.family[i as usize] = Some(field(&rec, 1).to_string());
    }
    let path = dir.join("boilerplate_lines.csv");
    if path.is_file() {
        for (k, rec) in records(&path)?.into_iter().enumerate() {
            let i = lookup(&path, k + 2, field(&rec, 0))?;
            let line: usize = field(&rec, 1).parse().map_err(|_| {
                anyhow::anyhow!("{}: line {}: bad line number", path.display(), k + 2)
            })?;
            let kind = Kind::parse(field(&rec, 2)).ok_or_else(|| {
                anyhow::anyhow!(
                    "{}: line {}: unknown type {:?}",
                    path.display(),
                    k + 2,
                    field(&rec, 2)
                )
            })?;
            labels.boilerplate.insert((i, line), kind);
        }
    }
    Ok(labels)
}

fn records(path: &Path) -> anyhow::Result<Vec<csv::StringRecord>> {
    let mut r =
        csv::Reader::from_path(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    r.records()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

fn field(rec: &csv::StringRecord, k: usize) -> &str {
    rec.get(k).unwrap_or("").trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_by_relation_reports_each_label() {
        let d = |source: Option<u32>, confidence: f32| {
            Some(Direction {
                source,
                confidence,
                ..Direction::UNDECIDED
            })
        };
        let mut by_label: BTreeMap<String, DirectionTally> = BTreeMap::new();
        let spin = by_label.entry("synonym_spin".into()).or_default();
        spin.add(d(Some(1), 0.9), 1);
        spin.add(d(Some(2), 0.6), 1);
        spin.add(d(Some(1), 0.7), 1);
        let copy = by_label.entry("scraper_copy".into()).or_default();
        copy.add(d(None, 0.0), 4);
        copy.add(d(Some(4), 0.99), 4);
        let mut report = Report::default();
        let t = direction_by_relation(&by_label, &mut report);
        assert_eq!(
            t.rows,
            [
                ["scraper_copy", "2", "1", "1", "0.500"],
                ["synonym_spin", "3", "2", "0", "0.667"],
            ]
        );
        assert_eq!(report.get("direction_pairs_synonym_spin"), Some(3.0));
        assert_eq!(report.get("direction_accuracy_scraper_copy"), Some(0.5));
        assert!((report.get("direction_accuracy_synonym_spin").unwrap() - 2.0 / 3.0).abs() < 1e-9);
    }
}

//! Evaluation on real pages: the `real-dev` labels (`families.csv`: url, family, role,
//! derives_from_url) joined to page texts a user collected, listed in a manifest.
//!
//! Layout: `DIR/manifest.csv` with columns `file,url,family,role,derives_from_url` (and
//! optionally `found`: rows with `found` other than `true` are skipped), `file` relative to
//! DIR. The page texts are third-party material: they stay in the user's folder, never in this
//! repository.
//!
//! Pair rules (from the set's README): positive when both pages are in one family and both
//! roles are in {original, verbatim_copy, rewrite}; negative when either page is independent
//! or the families differ; pages with role `unsure` are left out.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rayon::prelude::*;

use super::baselines::{jaccard5, TfIdf};
use super::labeled::Split;
use super::{adjusted_rand_index, f3, ratio, versus_baselines, Format, Prf, Report, Table};
use crate::pipeline::{self, Options};

const DERIVED_ROLES: &[&str] = &["original", "verbatim_copy", "rewrite"];

pub(crate) struct Page {
    pub index: u32,
    pub url: String,
    pub family: String,
    pub role: String,
    pub derives_from: String,
    /// For generated rewrites (the LLM set): how the rewrite was written.
    pub style: String,
}

impl Page {
    pub fn is_derived(&self) -> bool {
        DERIVED_ROLES.contains(&self.role.as_str())
    }
}

/// Whether two pages are a labeled copy pair: same family, both derived from its source.
pub(crate) fn is_positive(a: &Page, b: &Page) -> bool {
    a.family == b.family && a.is_derived() && b.is_derived()
}

/// What kind of pair two pages make: their roles, "other family" across stories, and the
/// style of a generated rewrite.
pub(crate) fn pair_kind(a: &Page, b: &Page) -> String {
    if a.family != b.family {
        return "other family (any roles)".into();
    }
    let mut roles = [a.role.as_str(), b.role.as_str()];
    roles.sort_unstable();
    let mut kind = format!("{}-{}", roles[0], roles[1]);
    let mut styles: Vec<&str> = [a.style.as_str(), b.style.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    styles.sort_unstable();
    if !styles.is_empty() {
        kind.push_str(&format!(" [{}]", styles.join("+")));
    }
    kind
}

pub fn evaluate(dir: &Path, opts: &Options, split: Split) -> anyhow::Result<Report> {
    let mut opts = opts.clone();
    opts.keep_features = true;
    let an = pipeline::run(dir, &opts)?;
    let mut pages = read_manifest(dir, &an)?;
    pages.retain(|p| split.keeps(&p.family));
    // Generated rewrites are measured on their own (the `generated_*` figures); every other
    // figure is about real pages only.
    let (generated, pages): (Vec<Page>, Vec<Page>) =
        pages.into_iter().partition(|p| !p.style.is_empty());
    let mut report = Report::for_dir(dir, Format::RealDev);
    report.metric("pages", pages.len() as f64);

    let predicted: HashMap<(u32, u32), (bool, Option<u32>)> = an
        .pairs
        .iter()
        .map(|p| {
            let copy = p.score.relation.is_copy();
            (
                (p.score.a, p.score.b),
                (copy, p.direction.and_then(|d| d.source)),
            )
        })
        .collect();
    let tfidf = TfIdf::new(&an.features);
    let pairs: Vec<(usize, usize)> = (0..pages.len())
        .flat_map(|x| (x + 1..pages.len()).map(move |y| (x, y)))
        .collect();
    let baseline: Vec<(f64, f64)> = pairs
        .par_iter()
        .map(|&(x, y)| {
            let (i, j) = (pages[x].index as usize, pages[y].index as usize);
            (
                jaccard5(&an.features[i], &an.features[j]),
                tfidf.cosine(i, j),
            )
        })
        .collect();

    let mut all = Prf::default();
    let mut hard = Prf::default();
    let (mut jac, mut cos, mut jac_hard, mut cos_hard) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut by_kind: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut by_story: BTreeMap<&str, Prf> = BTreeMap::new();
    let mut focus = Focus::default();
    for (k, &(x, y)) in pairs.iter().enumerate() {
        let (a, b) = (&pages[x], &pages[y]);
        let same = a.family == b.family;
        let positive = is_positive(a, b);
        let key = (a.index.min(b.index), a.index.max(b.index));
        let called = predicted.get(&key).is_some_and(|p| p.0);
        all.add(called, positive);
        jac.push((baseline[k].0, positive));
        cos.push((baseline[k].1, positive));
        let roles = [a.role.as_str(), b.role.as_str()];
        // The hard subset: rewrites (original-rewrite, rewrite siblings) against same-event
        // independent reports.
        let rewrite_pair =
            positive && roles.contains(&"rewrite") && !roles.contains(&"verbatim_copy");
        let same_event_independent = same && roles.contains(&"independent");
        if rewrite_pair || same_event_independent {
            hard.add(called, positive);
            jac_hard.push((baseline[k].0, positive));
            cos_hard.push((baseline[k].1, positive));
        }
        if same {
            by_story
                .entry(a.family.as_str())
                .or_default()
                .add(called, positive);
        }
        focus.add(a, b, called, positive);
        let e = by_kind.entry(pair_kind(a, b)).or_insert((0, 0));
        e.0 += 1;
        e.1 += u64::from(called);
    }
    let (gen_spinscan, mut gen_jac, mut gen_cos) =
        generated_pairs(&generated, &pages, &an, &predicted, &tfidf, &mut focus);
    let (t, (_, jprf), (_, cprf)) =
        versus_baselines("Copy pairs on real pages", &all, &mut jac, &mut cos);
    report.tables.push(t);
    let (t, (_, jhprf), (_, chprf)) = versus_baselines(
        "Hard subset: rewrites vs same-event independent reports",
        &hard,
        &mut jac_hard,
        &mut cos_hard,
    );
    report.tables.push(t);
    report.metric("copy_tp", all.tp as f64);
    report.metric("copy_fp", all.fp as f64);
    report.metric("copy_fn", all.fn_ as f64);
    report.metric("copy_precision", all.precision());
    report.metric("copy_recall", all.recall());
    report.metric("copy_f1", all.f1());
    report.metric("baseline_jaccard5_f1", jprf.f1());
    report.metric("baseline_tfidf_f1", cprf.f1());
    report.metric("hard_f1", hard.f1());
    report.metric("hard_precision", hard.precision());
    report.metric("hard_recall", hard.recall());
    report.metric("baseline_jaccard5_hard_f1", jhprf.f1());
    report.metric("baseline_tfidf_hard_f1", chprf.f1());

    let mut t = Table::new(
        "By pair kind (same family unless noted)",
        &["pages' roles", "pairs", "called copy", "rate"],
    );
    for (kind, (n, called)) in &by_kind {
        t.row(vec![
            kind.clone(),
            n.to_string(),
            called.to_string(),
            f3(ratio(*called, *n)),
        ]);
    }
    report.tables.push(t);

    if !generated.is_empty() {
        let (t, (_, p1), (_, p2)) = versus_baselines(
            "Generated rewrites vs their source (positives) and the story's independent reports (negatives)",
            &gen_spinscan,
            &mut gen_jac,
            &mut gen_cos,
        );
        report.tables.push(t);
        report.metric("generated_f1", gen_spinscan.f1());
        report.metric("baseline_tfidf_generated_f1", p2.f1());
        report.metric("baseline_jaccard5_generated_f1", p1.f1());
    }
    let mut t = Table::new("By story (same-story pairs)", &Prf::HEADER);
    for (story, prf) in &by_story {
        t.row(prf.row(story));
    }
    report.tables.push(t);
    focus.report(&mut report);

    // Candidate recall: the copy pairs found by all-pairs scoring that the index proposes.
    if an.pairs_scored == crate::candidates::all_pairs_count(an.articles.len()) {
        let copies: Vec<(u32, u32)> = predicted
            .iter()
            .filter(|(_, v)| v.0)
            .map(|(k, _)| *k)
            .collect();
        let (found, _) = crate::candidates::coverage(&an.features, &copies);
        report.metric("candidate_recall", ratio(found as u64, copies.len() as u64));
    }

    direction_and_families(&pages, &an, &predicted, &mut report);
    report.notes.push(
        "small set (one reader's labels, page beginnings of ~2,000 characters): use it to look at real cases, not to claim accuracy to two decimals"
            .into(),
    );
    Ok(report)
}

/// Direction (a derived page against the page it derives from, when both were collected) and
/// families (each family's derived pages one cluster, each independent report its own).
fn direction_and_families(
    pages: &[Page],
    an: &pipeline::Analysis,
    predicted: &HashMap<(u32, u32), (bool, Option<u32>)>,
    report: &mut Report,
) {
    let by_url: HashMap<&str, u32> = pages.iter().map(|p| (p.url.as_str(), p.index)).collect();
    let (mut ok, mut n) = (0u64, 0u64);
    for p in pages {
        let Some(&src) = by_url.get(p.derives_from.as_str()) else {
            continue;
        };
        let key = (p.index.min(src), p.index.max(src));
        if let Some(&(true, source)) = predicted.get(&key) {
            n += 1;
            ok += u64::from(source == Some(src));
        }
    }
    report.metric("direction_accuracy", ratio(ok, n));
    report.metric("direction_pairs", n as f64);

    // Families: each family's derived pages form one cluster, each independent its own.
    let mut ids: HashMap<String, usize> = HashMap::new();
    let truth: Vec<usize> = pages
        .iter()
        .map(|p| {
            let key = if p.role == "independent" {
                format!("independent {}", p.url)
            } else {
                p.family.clone()
            };
            let next = ids.len();
            *ids.entry(key).or_insert(next)
        })
        .collect();
    let n_articles = an.articles.len();
    let predicted_family: Vec<usize> = pages
        .iter()
        .map(|p| {
            an.articles[p.index as usize]
                .family
                .unwrap_or(n_articles + p.index as usize)
        })
        .collect();
    let ari = adjusted_rand_index(&truth, &predicted_family);
    report.metric("family_ari", ari);
    // Family pair F1: two pages put in one family, against two pages derived from one source.
    let mut family_pairs = Prf::default();
    for x in 0..pages.len() {
        for y in x + 1..pages.len() {
            family_pairs.add(
                predicted_family[x] == predicted_family[y],
                truth[x] == truth[y],
            );
        }
    }
    report.metric("family_pair_f1", family_pairs.f1());
    report.metric("family_pair_tp", family_pairs.tp as f64);
    report.metric("family_pair_fp", family_pairs.fp as f64);
    report.metric("family_pair_fn", family_pairs.fn_ as f64);
    let mut t = Table::new("Direction and families", &["measure", "value", "over"]);
    t.row(vec![
        "direction accuracy".into(),
        f3(ratio(ok, n)),
        format!("{n} derived pages found as copies of their source"),
    ]);
    t.row(vec![
        "family adjusted Rand index".into(),
        f3(ari),
        format!("{} pages", pages.len()),
    ]);
    t.row(vec![
        "family pair F1".into(),
        f3(family_pairs.f1()),
        format!(
            "pairs put in one family: precision {}, recall {}",
            f3(family_pairs.precision()),
            f3(family_pairs.recall())
        ),
    ]);
    report.tables.push(t);
}

/// The manifest's pages that were collected, joined to the analysis' articles (`unsure`
/// pages left out).
pub(crate) fn read_manifest(dir: &Path, an: &pipeline::Analysis) -> anyhow::Result<Vec<Page>> {
    let manifest = dir.join("manifest.csv");
    let mut reader = csv::Reader::from_path(&manifest)
        .map_err(|e| anyhow::anyhow!("{}: {e}", manifest.display()))?;
    let header = reader
        .headers()
        .map_err(|e| anyhow::anyhow!("{}: {e}", manifest.display()))?
        .clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| anyhow::anyhow!("{}: no column {name:?}", manifest.display()))
    };
    let (c_file, c_url, c_family, c_role, c_from) = (
        col("file")?,
        col("url")?,
        col("family")?,
        col("role")?,
        col("derives_from_url")?,
    );
    let c_found = header.iter().position(|h| h == "found");
    let c_style = header.iter().position(|h| h == "style");
    let index = an.index_by_path();
    let mut pages = Vec::new();
    for (k, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| anyhow::anyhow!("{}: {e}", manifest.display()))?;
        let get = |c: usize| rec.get(c).unwrap_or("").trim().to_string();
        if c_found.is_some_and(|c| get(c) != "true") {
            continue;
        }
        let file = get(c_file);
        let Some(&i) = index.get(file.as_str()) else {
            anyhow::bail!(
                "{}: line {}: {file:?} was not read as an article",
                manifest.display(),
                k + 2
            );
        };
        pages.push(Page {
            index: i,
            url: get(c_url),
            family: get(c_family),
            role: get(c_role),
            derives_from: get(c_from),
            style: c_style.map(get).unwrap_or_default(),
        });
    }
    pages.retain(|p| p.role != "unsure");
    Ok(pages)
}

/// The figures the real-rewrite targets are stated in.
#[derive(Default)]
struct Focus {
    /// Copy pairs involving a rewrite: found / all.
    rewrite: (u64, u64),
    /// Same-story pairs with an independent report: called copies / all.
    independent: (u64, u64),
    /// Generated (styled) rewrites against the page they derive from, per style.
    generated: BTreeMap<String, (u64, u64)>,
    /// Generated rewrites against other derived pages of their story (siblings).
    generated_siblings: (u64, u64),
    /// Generated rewrites against the story's independent reports: called copies / all.
    generated_independent: (u64, u64),
}

impl Focus {
    /// Counts one same-story pair; when a generated rewrite is in it, it is `a`.
    fn add(&mut self, a: &Page, b: &Page, called: bool, positive: bool) {
        let bump = |c: &mut (u64, u64), hit: bool| {
            c.0 += u64::from(hit);
            c.1 += 1;
        };
        if a.family != b.family {
            return;
        }
        if positive && (a.role == "rewrite" || b.role == "rewrite") {
            bump(&mut self.rewrite, called);
        }
        if a.role == "independent" || b.role == "independent" {
            bump(&mut self.independent, called);
        }
        // A generated rewrite comes first (see `generated_pairs`).
        if a.style.is_empty() {
            return;
        }
        if b.role == "independent" {
            bump(&mut self.generated_independent, called);
        } else if positive {
            if b.url == a.derives_from {
                bump(self.generated.entry(a.style.clone()).or_default(), called);
            } else {
                bump(&mut self.generated_siblings, called);
            }
        }
    }

    fn report(&self, report: &mut Report) {
        let rate = |c: (u64, u64)| ratio(c.0, c.1);
        report.metric("rewrite_recall", rate(self.rewrite));
        report.metric("rewrite_found", self.rewrite.0 as f64);
        report.metric("rewrite_pairs", self.rewrite.1 as f64);
        report.metric("independent_false_copy_rate", rate(self.independent));
        report.metric("independent_called", self.independent.0 as f64);
        report.metric("independent_pairs", self.independent.1 as f64);
        let mut t = Table::new(
            "Targets: rewrites found, independent reports called copies",
            &["pairs", "n", "called copy", "rate"],
        );
        let mut row = |name: &str, c: (u64, u64)| {
            t.row(vec![
                name.to_string(),
                c.1.to_string(),
                c.0.to_string(),
                f3(rate(c)),
            ])
        };
        row("copy pairs involving a rewrite", self.rewrite);
        row(
            "same-story pairs with an independent report",
            self.independent,
        );
        if !self.generated.is_empty() {
            let mut total = (0, 0);
            for (style, c) in &self.generated {
                row(&format!("generated rewrite ({style}) vs its source"), *c);
                total = (total.0 + c.0, total.1 + c.1);
            }
            row("generated rewrites vs their source, all styles", total);
            row(
                "generated rewrites vs other copies of the story (siblings)",
                self.generated_siblings,
            );
            row(
                "generated rewrites vs the story's independent reports",
                self.generated_independent,
            );
            report.metric("generated_recall", rate(total));
            report.metric("generated_found", total.0 as f64);
            report.metric("generated_pairs", total.1 as f64);
            for (style, c) in &self.generated {
                report.metric(&format!("generated_recall_{style}"), rate(*c));
            }
            report.metric("generated_siblings_found", self.generated_siblings.0 as f64);
            report.metric("generated_siblings", self.generated_siblings.1 as f64);
            report.metric(
                "generated_independent_called",
                self.generated_independent.0 as f64,
            );
            report.metric(
                "generated_independent_pairs",
                self.generated_independent.1 as f64,
            );
            report.metric("generated_sibling_recall", rate(self.generated_siblings));
            report.metric(
                "generated_independent_false_copy_rate",
                rate(self.generated_independent),
            );
        }
        report.tables.push(t);
    }
}

/// Generated rewrites against the real pages of their story (and each other): the figures go
/// to `focus`; returned are spinscan's counts and the baselines' scores on the rewrite-vs-source
/// (positive) and rewrite-vs-independent (negative) pairs.
#[allow(clippy::type_complexity)]
fn generated_pairs(
    generated: &[Page],
    pages: &[Page],
    an: &pipeline::Analysis,
    predicted: &HashMap<(u32, u32), (bool, Option<u32>)>,
    tfidf: &TfIdf,
    focus: &mut Focus,
) -> (Prf, Vec<(f64, bool)>, Vec<(f64, bool)>) {
    let called = |a: &Page, b: &Page| {
        let key = (a.index.min(b.index), a.index.max(b.index));
        predicted.get(&key).is_some_and(|p| p.0)
    };
    let (mut prf, mut jac, mut cos) = (Prf::default(), Vec::new(), Vec::new());
    for (k, g) in generated.iter().enumerate() {
        for other in pages.iter().chain(&generated[k + 1..]) {
            if other.family != g.family {
                continue;
            }
            let c = called(g, other);
            focus.add(g, other, c, is_positive(g, other));
            let graded = if other.url == g.derives_from {
                Some(true)
            } else if other.role == "independent" {
                Some(false)
            } else {
                None
            };
            if let Some(positive) = graded {
                prf.add(c, positive);
                let (i, j) = (g.index as usize, other.index as usize);
                jac.push((jaccard5(&an.features[i], &an.features[j]), positive));
                cos.push((tfidf.cosine(i, j), positive));
            }
        }
    }
    (prf, jac, cos)
}

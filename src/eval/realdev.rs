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
use super::{
    adjusted_rand_index, f3, ratio, versus_baselines, DirectionTally, Format, Prf, Report, Table,
};
use crate::attribution::Direction;
use crate::pipeline::{self, Options, Role};

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

    let predicted: HashMap<(u32, u32), (bool, Option<Direction>)> = an
        .pairs
        .iter()
        .map(|p| {
            let copy = p.score.relation.is_copy();
            ((p.score.a, p.score.b), (copy, p.direction))
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
    let (direction, direction_by_story) = direction_tallies(&pages, &predicted);
    report
        .tables
        .push(by_story_table(&by_story, &direction_by_story));
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

    direction_and_families(&pages, &an, &direction, &mut report);
    report.notes.push(
        "small set (one reader's labels, page beginnings of ~2,000 characters): use it to look at real cases, not to claim accuracy to two decimals"
            .into(),
    );
    Ok(report)
}

/// Direction: each derived page against the page it derives from, when both were collected
/// and the pair was found as a copy; pooled and per story.
fn direction_tallies<'a>(
    pages: &'a [Page],
    predicted: &HashMap<(u32, u32), (bool, Option<Direction>)>,
) -> (DirectionTally, BTreeMap<&'a str, DirectionTally>) {
    let by_url: HashMap<&str, u32> = pages.iter().map(|p| (p.url.as_str(), p.index)).collect();
    let mut pooled = DirectionTally::default();
    let mut by_story: BTreeMap<&str, DirectionTally> = BTreeMap::new();
    for p in pages {
        let Some(&src) = by_url.get(p.derives_from.as_str()) else {
            continue;
        };
        let key = (p.index.min(src), p.index.max(src));
        if let Some(&(true, verdict)) = predicted.get(&key) {
            pooled.add(verdict, src);
            by_story
                .entry(p.family.as_str())
                .or_default()
                .add(verdict, src);
        }
    }
    (pooled, by_story)
}

/// The "By story" table: same-story pair counts and, beside them, direction over the story's
/// derived pages found as copies of their source.
fn by_story_table(
    by_story: &BTreeMap<&str, Prf>,
    direction: &BTreeMap<&str, DirectionTally>,
) -> Table {
    let mut header = Prf::HEADER.to_vec();
    header.extend([
        "derived pairs found",
        "direction right",
        "direction accuracy",
    ]);
    let mut t = Table::new(
        "By story (same-story pairs; direction over derived pages found as copies of their source)",
        &header,
    );
    let stories: std::collections::BTreeSet<&str> =
        by_story.keys().chain(direction.keys()).copied().collect();
    for story in stories {
        let mut row = by_story.get(story).copied().unwrap_or_default().row(story);
        match direction.get(story) {
            Some(d) => row.extend([d.pairs.to_string(), d.right.to_string(), f3(d.accuracy())]),
            None => row.extend(["0".into(), "0".into(), "-".into()]),
        }
        t.row(row);
    }
    t
}

/// Stories whose original page (role `original`) was collected, and how many of those pages
/// spinscan names as its family's original (`named_original`: by article index): (named,
/// labeled).
fn originals(pages: &[Page], named_original: impl Fn(u32) -> bool) -> (u64, u64) {
    let mut by_story: BTreeMap<&str, bool> = BTreeMap::new();
    for p in pages.iter().filter(|p| p.role == "original") {
        *by_story.entry(p.family.as_str()).or_default() |= named_original(p.index);
    }
    let named = by_story.values().filter(|&&n| n).count() as u64;
    (named, by_story.len() as u64)
}

/// Direction (see [`direction_tallies`]), originals (see [`originals`]) and families (each
/// family's derived pages one cluster, each independent report its own).
fn direction_and_families(
    pages: &[Page],
    an: &pipeline::Analysis,
    direction: &DirectionTally,
    report: &mut Report,
) {
    direction.report(report);
    let (named, labeled) = originals(pages, |i| an.articles[i as usize].role == Role::Original);
    report.metric("originals_named", named as f64);
    report.metric("originals_labeled", labeled as f64);

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
    for row in direction.rows("derived pages found as copies of their source") {
        t.row(row);
    }
    t.row(vec![
        "originals named".into(),
        f3(ratio(named, labeled)),
        format!("{named} of {labeled} stories whose original page was collected"),
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
    report.tables.push(direction.calibration_table(
        "Direction calibration (derived pages with a source named, by confidence)",
    ));
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
    predicted: &HashMap<(u32, u32), (bool, Option<Direction>)>,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn page(index: u32, family: &str, role: &str, derives_from: u32) -> Page {
        Page {
            index,
            url: format!("u{index}"),
            family: family.into(),
            role: role.into(),
            derives_from: if role == "original" || role == "independent" {
                String::new()
            } else {
                format!("u{derives_from}")
            },
            style: String::new(),
        }
    }

    fn verdict(source: Option<u32>, confidence: f32) -> Option<Direction> {
        Some(Direction {
            source,
            confidence,
            ..Direction::UNDECIDED
        })
    }

    /// Two stories: `a` (original 0, copies 1 and 2, independent 3), `b` (original 10 not
    /// collected, so its rewrite 11 has no source to be measured against; original 12 and
    /// its copy 13).
    fn pages() -> Vec<Page> {
        vec![
            page(0, "a", "original", 0),
            page(1, "a", "verbatim_copy", 0),
            page(2, "a", "rewrite", 0),
            page(3, "a", "independent", 0),
            page(11, "b", "rewrite", 10),
            page(12, "b", "original", 12),
            page(13, "b", "rewrite", 12),
        ]
    }

    #[test]
    fn direction_is_counted_per_story_over_derived_pages_found_as_copies() {
        let pages = pages();
        let mut predicted = HashMap::new();
        predicted.insert((0, 1), (true, verdict(Some(0), 0.95))); // right
        predicted.insert((0, 2), (true, verdict(Some(2), 0.65))); // wrong
        predicted.insert((0, 3), (true, verdict(Some(0), 0.9))); // independent: not measured
        predicted.insert((12, 13), (false, verdict(Some(12), 0.9))); // not called a copy
        let (pooled, by_story) = direction_tallies(&pages, &predicted);
        assert_eq!((pooled.pairs, pooled.right, pooled.undecided), (2, 1, 0));
        assert_eq!(by_story.len(), 1, "story b has no pair found as a copy");
        assert_eq!(by_story["a"].right, 1);

        predicted.insert((12, 13), (true, verdict(None, 0.0)));
        let (pooled, by_story) = direction_tallies(&pages, &predicted);
        assert_eq!((pooled.pairs, pooled.right, pooled.undecided), (3, 1, 1));
        assert_eq!((by_story["b"].pairs, by_story["b"].undecided), (1, 1));

        let mut prf = BTreeMap::new();
        prf.insert(
            "a",
            Prf {
                tp: 3,
                fp: 1,
                fn_: 0,
            },
        );
        prf.insert(
            "c",
            Prf {
                tp: 1,
                fp: 0,
                fn_: 0,
            },
        );
        let t = by_story_table(&prf, &by_story);
        let rows: Vec<(&str, &str, &str, &str)> = t
            .rows
            .iter()
            .map(|r| (r[0].as_str(), r[7].as_str(), r[8].as_str(), r[9].as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                ("a", "2", "1", "0.500"),
                ("b", "1", "0", "0.000"),
                ("c", "0", "0", "-"),
            ]
        );
        assert_eq!(t.rows[1][4], "0", "story b has no same-story pair counts");
    }

    #[test]
    fn originals_count_stories_whose_collected_original_is_named() {
        let pages = pages();
        assert_eq!(originals(&pages, |i| i == 0), (1, 2));
        assert_eq!(originals(&pages, |i| i == 0 || i == 12), (2, 2));
        // Naming a copy the original does not count.
        assert_eq!(originals(&pages, |i| i == 1 || i == 13), (0, 2));
        let without_originals: Vec<Page> =
            pages.into_iter().filter(|p| p.role != "original").collect();
        assert_eq!(originals(&without_originals, |_| true), (0, 0));
    }
}

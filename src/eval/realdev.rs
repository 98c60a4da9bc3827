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
use super::{adjusted_rand_index, best_threshold, f3, ratio, Format, Prf, Report, Table};
use crate::pipeline::{self, Options};

const DERIVED_ROLES: &[&str] = &["original", "verbatim_copy", "rewrite"];

struct Page {
    index: u32,
    url: String,
    family: String,
    role: String,
    derives_from: String,
}

pub fn evaluate(dir: &Path, opts: &Options, split: Split) -> anyhow::Result<Report> {
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

    let mut opts = opts.clone();
    opts.keep_features = true;
    let an = pipeline::run(dir, &opts)?;
    let index: HashMap<&str, u32> = an
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.path.as_str(), i as u32))
        .collect();
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
        });
    }
    pages.retain(|p| p.role != "unsure" && split.keeps(&p.family));
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
    for (k, &(x, y)) in pairs.iter().enumerate() {
        let (a, b) = (&pages[x], &pages[y]);
        let same = a.family == b.family;
        let positive = same
            && DERIVED_ROLES.contains(&a.role.as_str())
            && DERIVED_ROLES.contains(&b.role.as_str());
        let key = (a.index.min(b.index), a.index.max(b.index));
        let called = predicted.get(&key).is_some_and(|p| p.0);
        all.add(called, positive);
        jac.push((baseline[k].0, positive));
        cos.push((baseline[k].1, positive));
        let mut roles = [a.role.as_str(), b.role.as_str()];
        roles.sort_unstable();
        let kind = format!(
            "{}{}-{}",
            if same { "" } else { "other family: " },
            roles[0],
            roles[1]
        );
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
            let e = by_kind.entry(kind).or_insert((0, 0));
            e.0 += 1;
            e.1 += u64::from(called);
        } else {
            let e = by_kind
                .entry("other family (any roles)".into())
                .or_insert((0, 0));
            e.0 += 1;
            e.1 += u64::from(called);
        }
    }
    let (jt, jprf) = best_threshold(&mut jac);
    let (ct, cprf) = best_threshold(&mut cos);
    let (jht, jhprf) = best_threshold(&mut jac_hard);
    let (cht, chprf) = best_threshold(&mut cos_hard);
    let mut t = Table::new("Copy pairs on real pages", &Prf::HEADER);
    t.row(all.row("spinscan"));
    t.row(jprf.row(&format!("word 5-gram Jaccard >= {jt:.3}")));
    t.row(cprf.row(&format!("TF-IDF cosine >= {ct:.3}")));
    report.tables.push(t);
    let mut t = Table::new(
        "Hard subset: rewrites vs same-event independent reports",
        &Prf::HEADER,
    );
    t.row(hard.row("spinscan"));
    t.row(jhprf.row(&format!("word 5-gram Jaccard >= {jht:.3}")));
    t.row(chprf.row(&format!("TF-IDF cosine >= {cht:.3}")));
    report.tables.push(t);
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

    // Direction: a derived page and the page it derives from, when both were collected.
    let by_url: HashMap<&str, u32> = pages.iter().map(|p| (p.url.as_str(), p.index)).collect();
    let (mut ok, mut n) = (0u64, 0u64);
    for p in &pages {
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
    report.tables.push(t);
    report.notes.push(
        "small set (one reader's labels, page beginnings of ~2,000 characters): use it to look at real cases, not to claim accuracy to two decimals"
            .into(),
    );
    Ok(report)
}

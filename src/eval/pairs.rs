//! Labeled pairs with the copy model's inputs: what `spinscan fit` trains and
//! cross-validates on.
//!
//! Every pair of a labeled set is scored exactly as `scan` scores it (same cleaning, same
//! folder weights), and its label comes from the set's own rules (see `labeled` and
//! `realdev`). Each pair carries the stories of its two articles, so folds can hold out
//! whole stories.

use std::path::Path;

use rayon::prelude::*;

use super::labeled;
use super::realdev;
use super::Format;
use crate::attribution::{self, ArticleEvidence};
use crate::features::Weights;
use crate::pipeline::{self, Options};
use crate::score::{
    self,
    model::{Inputs, RuleVerdict},
    Prepared,
};

/// One labeled pair.
#[derive(Debug, Clone)]
pub struct LabeledPair {
    /// The two articles' paths, relative to the set's folder.
    pub paths: [String; 2],
    /// The stories (families) of the two articles; equal for same-story pairs.
    pub stories: [String; 2],
    pub positive: bool,
    /// What the pair is, for reports: the labeled relation, or the two pages' roles.
    pub kind: String,
    /// A same-story pair with an independent report: the negatives a rewrite detector gets
    /// wrong most easily, held to a false-copy rate of its own in the fit.
    pub hard_negative: bool,
    pub inputs: Inputs,
    /// The rules' verdict (also among the inputs), which decides some pairs on its own.
    pub rule: RuleVerdict,
    /// For a copy pair whose labels name its source: the direction inputs.
    pub direction: Option<DirectedPair>,
}

/// A copy pair with a labeled direction, for fitting the direction weights.
#[derive(Debug, Clone)]
pub struct DirectedPair {
    pub inputs: attribution::Inputs,
    /// The labeled source is the pair's second article.
    pub source_is_b: bool,
    /// The copy model (as shipped) calls the pair a copy: where a direction is reported.
    pub called_copy: bool,
}

/// The pairs of one labeled set.
#[derive(Debug, Clone)]
pub struct LabeledSet {
    pub name: String,
    pub pairs: Vec<LabeledPair>,
    /// How much the set counts in the fit, relative to the others (1: as much as any).
    pub weight: f64,
}

/// Reads a labeled set (spun-dev layout or real pages with a manifest) and scores its pairs.
/// Real pages with generated rewrites among them give two sets: the real pairs, and the
/// pairs involving a generated rewrite (`NAME:generated`), so that each counts on its own.
pub fn collect(dir: &Path, opts: &Options) -> anyhow::Result<Vec<LabeledSet>> {
    let mut opts = opts.clone();
    opts.keep_features = true;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string());
    let pairs: Vec<LabeledPair> = match Format::detect(dir) {
        Some(Format::Labeled) => {
            let an = pipeline::run(&dir.join("articles"), &opts)?;
            let labels = labeled::pair_labels(&dir.join("labels"), &an)?;
            let prepared = prepare(&an);
            let evidence = evidence(&an);
            labels
                .into_par_iter()
                .map(|(i, j, stories, positive, kind, source)| LabeledPair {
                    hard_negative: kind == "independent_same_story",
                    stories,
                    positive,
                    kind,
                    ..measure(&an, &prepared, &evidence, (i, j, source), &opts)
                })
                .collect()
        }
        Some(Format::RealDev) => {
            let an = pipeline::run(dir, &opts)?;
            let pages = realdev::read_manifest(dir, &an)?;
            let prepared = prepare(&an);
            let evidence = evidence(&an);
            let index: Vec<(usize, usize)> = (0..pages.len())
                .flat_map(|x| (x + 1..pages.len()).map(move |y| (x, y)))
                .collect();
            let scored: Vec<(bool, LabeledPair)> = index
                .into_par_iter()
                .map(|(x, y)| {
                    let (a, b) = (&pages[x], &pages[y]);
                    let generated = !a.style.is_empty() || !b.style.is_empty();
                    let source = if a.derives_from == b.url {
                        Some(b.index)
                    } else if b.derives_from == a.url {
                        Some(a.index)
                    } else {
                        None
                    };
                    let pair = LabeledPair {
                        stories: [a.family.clone(), b.family.clone()],
                        positive: realdev::is_positive(a, b),
                        kind: realdev::pair_kind(a, b),
                        hard_negative: a.family == b.family
                            && (a.role == "independent" || b.role == "independent"),
                        ..measure(&an, &prepared, &evidence, (a.index, b.index, source), &opts)
                    };
                    (generated, pair)
                })
                .collect();
            let (generated, real): (Vec<_>, Vec<_>) = scored.into_iter().partition(|p| p.0);
            let mut sets = vec![LabeledSet {
                name: name.clone(),
                pairs: real.into_iter().map(|p| p.1).collect(),
                weight: 1.0,
            }];
            if !generated.is_empty() {
                sets.push(LabeledSet {
                    name: format!("{name}:generated"),
                    pairs: generated.into_iter().map(|p| p.1).collect(),
                    weight: 1.0,
                });
            }
            return Ok(sets);
        }
        _ => anyhow::bail!(
            "{}: fit reads labeled sets in the spun-dev layout or real pages with a manifest.csv",
            dir.display()
        ),
    };
    Ok(vec![LabeledSet {
        name,
        pairs,
        weight: 1.0,
    }])
}

/// Every article's scoring form, with the folder's weights as `scan` computes them for a
/// folder of this size (every article counted).
fn prepare(an: &pipeline::Analysis) -> Vec<Prepared> {
    let weights = Weights::from_articles(&an.features);
    an.features
        .par_iter()
        .map(|f| Prepared::new(f, &weights))
        .collect()
}

/// What attribution knows of every article, as `scan` gathers it.
fn evidence(an: &pipeline::Analysis) -> Vec<ArticleEvidence> {
    let scored: Vec<score::PairScore> = an.pairs.iter().map(|p| p.score).collect();
    pipeline::evidence(&an.articles, &scored)
}

/// Articles `i` and `j` scored as `scan` scores them: their paths, the model's inputs, the
/// rules' verdict, and the direction inputs when `source` (i or j) is labeled; the label
/// fields are the caller's to fill.
fn measure(
    an: &pipeline::Analysis,
    prepared: &[Prepared],
    evidence: &[ArticleEvidence],
    (i, j, source): (u32, u32, Option<u32>),
    opts: &Options,
) -> LabeledPair {
    let (a, b) = (&prepared[i as usize], &prepared[j as usize]);
    let scored = score::score_pair(i, j, a, b, &opts.params);
    let s = scored.signals;
    let (inputs, rule) = score::model_inputs(a, b, &s, &opts.params);
    let direction = source.map(|src| DirectedPair {
        inputs: attribution::inputs(&scored, &evidence[i as usize], &evidence[j as usize]),
        source_is_b: src == j,
        called_copy: scored.relation.is_copy(),
    });
    LabeledPair {
        paths: [
            an.articles[i as usize].path.clone(),
            an.articles[j as usize].path.clone(),
        ],
        stories: Default::default(),
        positive: false,
        kind: String::new(),
        hard_negative: false,
        inputs,
        rule,
        direction,
    }
}

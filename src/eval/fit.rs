//! Fitting the copy model (`spinscan fit`): logistic regression over the pair signals of
//! labeled sets, cross-validated by story.
//!
//! The solver is `linfa-logistic` (L-BFGS with an L2 penalty, from the rust-ml project): a
//! maintained, tested implementation, and a logistic model is small enough to ship as a text
//! file of weights. What this module adds is the part that must be right for the figures to
//! mean anything:
//! - **Folds by story.** A story's pages are all in one fold ([`labeled::fold_of`]); a pair is
//!   trained on only when neither of its stories is held out, and tested once, in the fold of
//!   its first held-out story. No story is in both the fit and the test of any fold.
//! - **Nested threshold.** The decision threshold of each fold's model is chosen on its own
//!   training folds' out-of-fold predictions (inner cross-validation), never on the test fold.
//! - **Balanced sets.** A large synthetic set must not drown a small real one: each set's pairs
//!   are repeated so that every set weighs about as much in the loss, and the threshold
//!   maximises the mean F1 over the sets.

use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};
use rayon::prelude::*;

use super::labeled::fold_of;
use super::pairs::LabeledSet;
use super::{f3, Prf, Table};
use crate::score::model::{self, CopyModel, Inputs, RuleVerdict, INPUTS};

/// How to fit.
#[derive(Debug, Clone, Copy)]
pub struct FitOptions {
    pub folds: u32,
    /// L2 penalty on the standardised weights.
    pub alpha: f64,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            folds: 5,
            alpha: 30.0,
        }
    }
}

/// What a fit produced: the model on all data, one model per held-out fold, and the
/// cross-validated figures.
pub struct Fitted {
    pub model: CopyModel,
    pub fold_models: Vec<CopyModel>,
    pub tables: Vec<Table>,
    /// Per set: out-of-fold counts over all folds.
    pub pooled: Vec<(String, Prf)>,
    /// Per set, per pair: the held-out model's probability and verdict.
    pub held_out: Vec<Vec<(f32, bool)>>,
}

/// A pair's place: its set, its index there, and its two stories' folds.
#[derive(Clone, Copy)]
struct Row {
    set: usize,
    pair: usize,
    folds: [u32; 2],
}

impl Row {
    fn touches(&self, held_out: &[u32]) -> bool {
        self.folds.iter().any(|f| held_out.contains(f))
    }
}

/// Fits on every set, with `opts.folds`-fold cross-validation by story.
pub fn fit(sets: &[LabeledSet], opts: FitOptions) -> anyhow::Result<Fitted> {
    let n = opts.folds.max(2);
    let rows: Vec<Row> = sets
        .iter()
        .enumerate()
        .flat_map(|(s, set)| {
            set.pairs.iter().enumerate().map(move |(k, p)| Row {
                set: s,
                pair: k,
                folds: [fold_of(&p.stories[0], n), fold_of(&p.stories[1], n)],
            })
        })
        .collect();
    let folds: Vec<u32> = (0..n).collect();

    // Outer folds, in parallel: each fits (with its inner threshold search) without the fold.
    let outer: Vec<(CopyModel, Vec<(Row, f32)>)> = folds
        .par_iter()
        .map(|&k| {
            let train: Vec<Row> = rows.iter().filter(|r| !r.touches(&[k])).copied().collect();
            let others: Vec<u32> = folds.iter().copied().filter(|&f| f != k).collect();
            let model = fit_with_threshold(sets, &train, &others, opts.alpha).map_err(|e| {
                anyhow::anyhow!(
                    "fold {k} of {n} (fitted without its stories): {e}; fewer --folds may help"
                )
            })?;
            let test: Vec<(Row, f32)> = rows
                .iter()
                .filter(|r| r.folds[0].min(r.folds[1]) == k)
                .map(|r| (*r, model.probability(input(sets, r))))
                .collect();
            Ok((model, test))
        })
        .collect::<anyhow::Result<_>>()?;

    // Held-out probabilities of every pair, then sibling support among them.
    let all_scored: Vec<(Row, f32)> = outer.iter().flat_map(|(_, t)| t.iter().copied()).collect();
    let hops = hop_support(sets, &all_scored);
    let fold_of_row: Vec<usize> = outer
        .iter()
        .enumerate()
        .flat_map(|(k, (_, t))| std::iter::repeat_n(k, t.len()))
        .collect();
    let verdicts: Vec<bool> = all_scored
        .iter()
        .zip(&hops)
        .zip(&fold_of_row)
        .map(|(((r, p), hop), &k)| {
            let m = &outer[k].0;
            called(
                *p,
                sets[r.set].pairs[r.pair].rule,
                *hop,
                (m.threshold, m.sibling_min, m.sibling_support),
            )
        })
        .collect();
    let (mut tables, pooled) = held_out_tables(sets, &outer, &all_scored, &verdicts, &fold_of_row);
    let mut held_out: Vec<Vec<(f32, bool)>> = sets
        .iter()
        .map(|s| vec![(0.0, false); s.pairs.len()])
        .collect();
    for ((r, prob), &verdict) in all_scored.iter().zip(&verdicts) {
        held_out[r.set][r.pair] = (*prob, verdict);
    }
    let mut model = fit_with_threshold(sets, &rows, &folds, opts.alpha)?;
    tables.push(weights_table(&model));
    // The direction weights travel in the same file, fitted on the same folds (when the sets
    // label any direction).
    let mut fold_models: Vec<CopyModel> = outer.into_iter().map(|(m, _)| m).collect();
    let directed = sets
        .iter()
        .flat_map(|s| &s.pairs)
        .any(|p| p.direction.is_some());
    if directed {
        let direction = super::fit_direction::fit(sets, n)?;
        let named = |w: &crate::attribution::Weights| -> Vec<(String, f32)> {
            crate::attribution::INPUTS
                .iter()
                .zip(w)
                .map(|(name, v)| (name.to_string(), *v))
                .collect()
        };
        model.direction = named(&direction.weights);
        for (m, w) in fold_models.iter_mut().zip(&direction.fold_weights) {
            m.direction = named(w);
        }
        tables.extend(direction.tables);
    }
    Ok(Fitted {
        model,
        fold_models,
        tables,
        pooled: sets.iter().map(|s| s.name.clone()).zip(pooled).collect(),
        held_out,
    })
}

/// The held-out tables: pooled and per-fold copy pairs for each set, and verdicts by kind of
/// pair. Returns them with each set's pooled counts.
fn held_out_tables(
    sets: &[LabeledSet],
    outer: &[(CopyModel, Vec<(Row, f32)>)],
    all_scored: &[(Row, f32)],
    verdicts: &[bool],
    fold_of_row: &[usize],
) -> (Vec<Table>, Vec<Prf>) {
    let mut tables = Vec::new();
    let mut per_fold = Table::new(
        "Held-out folds (each fold's stories unseen by its model)",
        &[
            "set",
            "fold",
            "threshold",
            "pairs",
            "precision",
            "recall",
            "F1",
            "tp",
            "fp",
            "fn",
        ],
    );
    let mut pooled: Vec<Prf> = vec![Prf::default(); sets.len()];
    for (k, (model, _)) in outer.iter().enumerate() {
        for (s, set) in sets.iter().enumerate() {
            let mut prf = Prf::default();
            let mut count = 0;
            for (((r, _), &verdict), _) in all_scored
                .iter()
                .zip(verdicts)
                .zip(fold_of_row)
                .filter(|((x, _), &f)| f == k && x.0.set == s)
            {
                let positive = set.pairs[r.pair].positive;
                prf.add(verdict, positive);
                pooled[s].add(verdict, positive);
                count += 1;
            }
            per_fold.row(vec![
                set.name.clone(),
                k.to_string(),
                format!(
                    "{:.2} (sibling {:.2}/{:.2})",
                    model.threshold, model.sibling_min, model.sibling_support
                ),
                count.to_string(),
                f3(prf.precision()),
                f3(prf.recall()),
                f3(prf.f1()),
                prf.tp.to_string(),
                prf.fp.to_string(),
                prf.fn_.to_string(),
            ]);
        }
    }
    let mut summary = Table::new("Out-of-fold copy pairs, all folds pooled", &Prf::HEADER);
    for (s, set) in sets.iter().enumerate() {
        summary.row(pooled[s].row(&set.name));
    }
    tables.push(summary);
    tables.push(per_fold);

    // Out-of-fold verdicts by kind of pair (roles, labeled relation, rewrite style).
    let mut by_kind: std::collections::BTreeMap<(String, String), (u64, u64)> = Default::default();
    for ((r, _), &verdict) in all_scored.iter().zip(verdicts) {
        let p = &sets[r.set].pairs[r.pair];
        let e = by_kind
            .entry((sets[r.set].name.clone(), p.kind.clone()))
            .or_insert((0, 0));
        e.0 += 1;
        e.1 += u64::from(verdict);
    }
    let mut t = Table::new(
        "Out-of-fold verdicts by kind of pair",
        &["set", "kind", "pairs", "called copy", "rate"],
    );
    for ((set, kind), (pairs, called)) in by_kind {
        t.row(vec![
            set,
            kind,
            pairs.to_string(),
            called.to_string(),
            f3(super::ratio(called, pairs)),
        ]);
    }
    tables.push(t);

    (tables, pooled)
}

/// The fitted weights, heaviest first.
fn weights_table(model: &CopyModel) -> Table {
    let mut weights = Table::new(
        "Fitted on all sets: weights of the standardised inputs",
        &["input", "weight", "mean", "scale"],
    );
    let mut order: Vec<usize> = (0..INPUTS.len()).collect();
    order.sort_by(|&x, &y| model.weight[y].abs().total_cmp(&model.weight[x].abs()));
    for i in order {
        weights.row(vec![
            INPUTS[i].to_string(),
            format!("{:+.3}", model.weight[i]),
            format!("{:.3}", model.mean[i]),
            format!("{:.3}", model.scale[i]),
        ]);
    }
    weights
}

fn input<'a>(sets: &'a [LabeledSet], r: &Row) -> &'a Inputs {
    &sets[r.set].pairs[r.pair].inputs
}

/// Fits on `rows` (whose stories lie in `folds`), choosing the threshold by leave-one-fold-out
/// over those folds.
fn fit_with_threshold(
    sets: &[LabeledSet],
    rows: &[Row],
    folds: &[u32],
    alpha: f64,
) -> anyhow::Result<CopyModel> {
    let mut scored: Vec<(Row, f32)> = Vec::new();
    for &k in folds {
        let train: Vec<Row> = rows.iter().filter(|r| !r.touches(&[k])).copied().collect();
        // A fold whose training stories hold no copy (few stories) lends no threshold evidence.
        let Ok(model) = train_logistic(sets, &train, alpha) else {
            continue;
        };
        scored.extend(
            rows.iter()
                .filter(|r| r.folds[0].min(r.folds[1]) == k)
                .map(|r| (*r, model.probability(input(sets, r)))),
        );
    }
    let mut model = train_logistic(sets, rows, alpha)?;
    let hops = hop_support(sets, &scored);
    let rule = best_rule(sets, &scored, &hops);
    (model.threshold, model.sibling_min, model.sibling_support) = rule;
    Ok(model)
}

/// Sibling support values tried (see [`crate::families::link_siblings`]); the lowest bounds
/// which pairs can lend support.
/// Support must also reach the copy threshold: only a third article that is a copy of both
/// links two siblings.
const SUPPORT_GRID: [f32; 4] = [0.6, 0.7, 0.8, 0.9];
/// Lowest own probabilities tried for a sibling; 1.0 turns sibling linking off. Below 0.2 a
/// hub copied by many (a site template, a much-copied wire story) links everything near it.
const SIBLING_MIN_GRID: [f32; 5] = [0.2, 0.3, 0.4, 0.5, 1.0];

/// For each scored pair, its best support through a third article of the same set: the
/// highest min(p(a, c), p(b, c)), over pairs that can lend support.
fn hop_support(sets: &[LabeledSet], scored: &[(Row, f32)]) -> Vec<f32> {
    use std::collections::HashMap;
    let floor = SUPPORT_GRID[0];
    let mut strong: HashMap<(usize, &str), Vec<(&str, f32)>> = HashMap::new();
    for (r, p) in scored.iter().filter(|(_, p)| *p >= floor) {
        let [a, b] = &sets[r.set].pairs[r.pair].paths;
        strong.entry((r.set, a)).or_default().push((b, *p));
        strong.entry((r.set, b)).or_default().push((a, *p));
    }
    for v in strong.values_mut() {
        v.sort_unstable_by(|x, y| x.0.cmp(y.0));
    }
    scored
        .par_iter()
        .map(|(r, p)| {
            if *p < SIBLING_MIN_GRID[0] {
                return 0.0;
            }
            let [a, b] = &sets[r.set].pairs[r.pair].paths;
            match (
                strong.get(&(r.set, a.as_str())),
                strong.get(&(r.set, b.as_str())),
            ) {
                (Some(x), Some(y)) => crate::families::common_support(x, y),
                _ => 0.0,
            }
        })
        .collect()
}

/// Whether a pair is called a copy under a (threshold, sibling_min, sibling_support) rule:
/// its own verdict, or as a sibling; as `score::decide` and `families::link_siblings` call it.
fn called(
    p: f32,
    rule: RuleVerdict,
    hop: f32,
    (threshold, sibling_min, support): (f32, f32, f32),
) -> bool {
    model::is_copy(p, threshold, rule) || (p >= sibling_min && hop >= support)
}

/// Independent reports of the same story called copies: the rate users tolerate...
const HARD_NEGATIVE_RATE: f64 = 0.03;
/// ...and how much F1 each point of excess costs in the choice of the rule.
const HARD_NEGATIVE_PENALTY: f64 = 3.0;

/// The threshold and sibling rule maximising the mean F1 over the sets present, each
/// weighted by its set's weight, less a penalty where independent reports of a story are
/// called copies more often than [`HARD_NEGATIVE_RATE`].
fn best_rule(sets: &[LabeledSet], scored: &[(Row, f32)], hops: &[f32]) -> (f32, f32, f32) {
    let mut candidates = Vec::new();
    for step in 1..100 {
        let t = step as f32 / 100.0;
        for &m in SIBLING_MIN_GRID.iter().filter(|&&m| m < t || m >= 1.0) {
            for &s in SUPPORT_GRID.iter().filter(|&&s| s >= t) {
                candidates.push((t, m, s));
            }
            if m >= 1.0 {
                candidates.push((t, m, 1.0));
            }
        }
    }
    let mean_f1 = |rule: (f32, f32, f32)| {
        let mut prf = vec![Prf::default(); sets.len()];
        let mut hard = vec![(0u64, 0u64); sets.len()]; // (called copy, pairs)
        for ((r, p), hop) in scored.iter().zip(hops) {
            let pair = &sets[r.set].pairs[r.pair];
            let c = called(*p, pair.rule, *hop, rule);
            prf[r.set].add(c, pair.positive);
            if pair.hard_negative {
                hard[r.set].0 += u64::from(c);
                hard[r.set].1 += 1;
            }
        }
        let (mut sum, mut weights) = (0.0, 0.0);
        for ((p, set), h) in prf.iter().zip(sets).zip(&hard) {
            if p.tp + p.fn_ == 0 {
                continue;
            }
            let excess = (super::ratio(h.0, h.1) - HARD_NEGATIVE_RATE).max(0.0);
            sum += set.weight * (p.f1() - HARD_NEGATIVE_PENALTY * excess);
            weights += set.weight;
        }
        sum / weights.max(f64::MIN_POSITIVE)
    };
    let scores: Vec<f64> = candidates.par_iter().map(|&c| mean_f1(c)).collect();
    let mut best = (0.5, 1.0, 1.0);
    let mut best_score = -1.0;
    for (c, f) in candidates.into_iter().zip(scores) {
        if f > best_score + 1e-9 {
            best = c;
            best_score = f;
        }
    }
    best
}

/// Repetitions of a set's pairs so that each set weighs about as much as the largest.
fn repeats(sets: &[LabeledSet], rows: &[Row]) -> Vec<usize> {
    let mut count = vec![0usize; sets.len()];
    for r in rows {
        count[r.set] += 1;
    }
    let weights: Vec<f64> = sets.iter().map(|s| s.weight).collect();
    balanced_repeats(&count, &weights)
}

/// Repetitions per set, from each set's row count and weight, so that every set weighs about
/// as much as the largest, times its weight (shared with the direction fit).
pub(super) fn balanced_repeats(count: &[usize], weights: &[f64]) -> Vec<usize> {
    let most = count.iter().copied().max().unwrap_or(1);
    count
        .iter()
        .zip(weights)
        .map(|(&c, &set_weight)| {
            if c == 0 {
                0
            } else {
                (most as f64 / c as f64 * set_weight)
                    .round()
                    .clamp(1.0, 50.0) as usize
            }
        })
        .collect()
}

/// Pairs with nothing in common to align or contain (most pairs of a folder) teach the model
/// little; one in this many of them is trained on, all are measured.
const TRIVIAL_SAMPLE: usize = 10;

/// A negative pair with no aligned sentence and no shared 5-gram.
fn trivial(sets: &[LabeledSet], r: &Row) -> bool {
    let p = &sets[r.set].pairs[r.pair];
    !p.positive && p.inputs[0] == 0.0 && p.inputs[5] == 0.0
}

/// One logistic regression on standardised inputs (threshold left at 0.5).
fn train_logistic(sets: &[LabeledSet], rows: &[Row], alpha: f64) -> anyhow::Result<CopyModel> {
    let d = INPUTS.len();
    let rows: Vec<Row> = rows
        .iter()
        .filter(|r| !trivial(sets, r) || r.pair % TRIVIAL_SAMPLE == 0)
        .copied()
        .collect();
    let rows = &rows[..];
    let reps = repeats(sets, rows);
    let expanded: Vec<&Row> = rows
        .iter()
        .flat_map(|r| std::iter::repeat_n(r, reps[r.set]))
        .collect();
    if expanded.is_empty() {
        anyhow::bail!("no labeled pairs to fit on");
    }
    let mut mean = [0f32; INPUTS.len()];
    let mut scale = [0f32; INPUTS.len()];
    for r in &expanded {
        for (k, v) in input(sets, r).iter().enumerate() {
            mean[k] += v;
        }
    }
    let count = expanded.len() as f32;
    mean.iter_mut().for_each(|m| *m /= count);
    for r in &expanded {
        for (k, v) in input(sets, r).iter().enumerate() {
            scale[k] += (v - mean[k]).powi(2);
        }
    }
    for s in scale.iter_mut() {
        *s = (*s / count).sqrt();
        if *s < 1e-6 {
            *s = 1.0;
        }
    }
    let mut x = Array2::<f64>::zeros((expanded.len(), d));
    let mut y = Vec::with_capacity(expanded.len());
    for (i, r) in expanded.iter().enumerate() {
        for (k, v) in input(sets, r).iter().enumerate() {
            x[[i, k]] = f64::from((v - mean[k]) / scale[k]);
        }
        y.push(sets[r.set].pairs[r.pair].positive);
    }
    if y.iter().all(|&p| p) || y.iter().all(|&p| !p) {
        anyhow::bail!(
            "the labeled pairs are all of one class; a model needs copies and non-copies"
        );
    }
    let data = Dataset::new(x, Array1::from(y));
    let fitted = LogisticRegression::default()
        .alpha(alpha)
        .max_iterations(500)
        .fit(&data)
        .map_err(|e| anyhow::anyhow!("logistic regression did not fit: {e}"))?;
    // linfa names the larger class "positive"; the model's probability is that of a copy.
    let sign = if fitted.labels().pos.class { 1.0 } else { -1.0 };
    let mut weight = [0f32; INPUTS.len()];
    for (k, w) in fitted.params().iter().enumerate() {
        weight[k] = (sign * w) as f32;
    }
    Ok(CopyModel {
        mean,
        scale,
        weight,
        bias: (sign * fitted.intercept()) as f32,
        threshold: 0.5,
        sibling_min: 1.0,
        sibling_support: 1.0,
        direction: Vec::new(),
        provenance: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::pairs::LabeledPair;

    /// Two inputs carry the label (with noise), the rest are noise: the fit must find them,
    /// with the right sign, and separate held-out stories.
    #[test]
    fn fit_recovers_the_informative_inputs_and_generalises_across_stories() {
        let mut state = 12345u64;
        let mut rand = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 10_000) as f32 / 10_000.0
        };
        let mut pairs = Vec::new();
        for story in 0..40 {
            for k in 0..30 {
                let positive = k % 5 == 0;
                let mut inputs = [0f32; INPUTS.len()];
                for (v, name) in inputs.iter_mut().zip(INPUTS) {
                    // The rules' verdicts are flags; left off, they decide nothing here.
                    *v = if name.starts_with("rule_") {
                        0.0
                    } else {
                        rand()
                    };
                }
                let signal = if positive { 0.6 } else { 0.2 };
                inputs[5] = signal + 0.3 * rand(); // align_max
                inputs[18] = signal + 0.3 * rand(); // fact_chain
                pairs.push(LabeledPair {
                    paths: [String::new(), String::new()],
                    stories: [format!("s{story}"), format!("s{story}")],
                    positive,
                    kind: String::new(),
                    hard_negative: false,
                    inputs,
                    rule: RuleVerdict::default(),
                    direction: None,
                });
            }
        }
        let sets = vec![LabeledSet {
            name: "synthetic".into(),
            pairs,
            weight: 1.0,
        }];
        let fitted = fit(&sets, FitOptions::default()).unwrap();
        assert!(fitted.model.weight[5] > 0.5 && fitted.model.weight[18] > 0.5);
        let noise = fitted.model.weight[0].abs();
        assert!(
            noise < fitted.model.weight[5] / 3.0,
            "{:?}",
            fitted.model.weight
        );
        assert!(fitted.pooled[0].1.f1() > 0.85, "{:?}", fitted.pooled[0].1);
        assert_eq!(fitted.fold_models.len(), 5);
    }
}

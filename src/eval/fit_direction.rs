//! Fitting the direction weights (which article of a copy pair is the source) on labeled
//! directions, cross-validated by story like the copy model (see `fit`).
//!
//! The model is a logistic regression without intercept over antisymmetric inputs
//! (`attribution::INPUTS`): swapping the two articles negates every input and so flips the
//! probability, and a pair with no evidence stays at one half. Every labeled direction is
//! trained on in both orders. Sets weigh the same whatever their size, times their `--weight`,
//! as in the copy fit.

use std::collections::BTreeMap;

use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};

use super::labeled::fold_of;
use super::pairs::{DirectedPair, LabeledSet};
use super::{f3, DirectionTally, Table};
use crate::attribution::{Direction, Weights, INPUTS};

/// L2 penalty: the inputs are few and on natural scales (signs, differences of shares).
const ALPHA: f64 = 0.1;

/// What the direction fit produced.
pub struct DirectionFit {
    pub weights: Weights,
    /// Weights fitted without fold k's stories, for each k.
    pub fold_weights: Vec<Weights>,
    pub tables: Vec<Table>,
}

/// One directed pair: its set, the pair, and the fold its stories fall in.
struct Example<'a> {
    set: usize,
    kind: &'a str,
    fold: u32,
    pair: &'a DirectedPair,
}

/// Fits the direction weights on every labeled direction of `sets`, with `folds`-fold
/// cross-validation by story, and reports held-out accuracy and calibration.
pub fn fit(sets: &[LabeledSet], folds: u32) -> anyhow::Result<DirectionFit> {
    let n = folds.max(2);
    let examples: Vec<Example> = sets
        .iter()
        .enumerate()
        .flat_map(|(s, set)| {
            set.pairs.iter().filter_map(move |p| {
                p.direction.as_ref().map(|d| Example {
                    set: s,
                    kind: &p.kind,
                    fold: fold_of(&p.stories[0], n).min(fold_of(&p.stories[1], n)),
                    pair: d,
                })
            })
        })
        .collect();
    if examples.is_empty() {
        anyhow::bail!("no labeled directions (copy pairs whose labels name the source)");
    }
    // Each set weighs the same whatever its size, times its own weight (`--weight`).
    let set_weights: Vec<f64> = sets.iter().map(|s| s.weight).collect();
    let mut fold_weights = Vec::with_capacity(n as usize);
    // Held-out probability that the labeled source is right, per example.
    let mut held_out = vec![0.5f32; examples.len()];
    for k in 0..n {
        let train: Vec<&Example> = examples.iter().filter(|e| e.fold != k).collect();
        let w = train_weights(&set_weights, &train)?;
        for (e, p) in examples.iter().zip(held_out.iter_mut()) {
            if e.fold == k {
                *p = right_probability(e.pair, &w);
            }
        }
        fold_weights.push(w);
    }
    let all: Vec<&Example> = examples.iter().collect();
    let weights = train_weights(&set_weights, &all)?;
    let tables = vec![
        accuracy_table(sets, &examples, &held_out),
        signal_table(sets, &examples),
        calibration_table(&examples, &held_out),
        weights_table(&weights),
    ];
    Ok(DirectionFit {
        weights,
        fold_weights,
        tables,
    })
}

/// The probability the weights give the labeled source (0.5: undecided).
fn right_probability(d: &DirectedPair, w: &Weights) -> f32 {
    let z: f32 = d.inputs.iter().zip(w).map(|(x, w)| x * w).sum();
    let p_b = 1.0 / (1.0 + (-z).exp()); // probability that b is the source
    if d.source_is_b {
        p_b
    } else {
        1.0 - p_b
    }
}

fn train_weights(set_weights: &[f64], examples: &[&Example]) -> anyhow::Result<Weights> {
    let mut per_set = vec![0usize; set_weights.len()];
    for e in examples {
        per_set[e.set] += 1;
    }
    let reps = super::fit::balanced_repeats(&per_set, set_weights);
    let rows: Vec<&Example> = examples
        .iter()
        .flat_map(|e| std::iter::repeat_n(*e, reps[e.set]))
        .collect();
    let mut x = Array2::<f64>::zeros((2 * rows.len(), INPUTS.len()));
    let mut y = Vec::with_capacity(2 * rows.len());
    for (i, e) in rows.iter().enumerate() {
        for (k, v) in e.pair.inputs.iter().enumerate() {
            x[[2 * i, k]] = f64::from(*v);
            x[[2 * i + 1, k]] = -f64::from(*v);
        }
        // Positive inputs say `a` is the copy, so the class is "b is the source".
        y.push(e.pair.source_is_b);
        y.push(!e.pair.source_is_b);
    }
    let fitted = LogisticRegression::default()
        .alpha(ALPHA)
        .with_intercept(false)
        .max_iterations(500)
        .fit(&Dataset::new(x, Array1::from(y)))
        .map_err(|e| anyhow::anyhow!("direction weights did not fit: {e}"))?;
    let sign = if fitted.labels().pos.class { 1.0 } else { -1.0 };
    let mut w = [0f32; INPUTS.len()];
    for (k, v) in fitted.params().iter().enumerate() {
        w[k] = (sign * v) as f32;
    }
    Ok(w)
}

/// Held-out direction accuracy by set and by kind of pair, on every labeled direction and on
/// those the shipped copy model calls copies (where a direction is reported).
fn accuracy_table(sets: &[LabeledSet], examples: &[Example], held_out: &[f32]) -> Table {
    let mut t = Table::new(
        "Direction, held out by story (labeled source right)",
        &[
            "set",
            "kind",
            "pairs",
            "right",
            "accuracy",
            "called copies",
            "right",
            "accuracy",
        ],
    );
    // (set, kind) -> (pairs, right, copies, copies right); kind "" pools the set.
    let mut counts: BTreeMap<(usize, String), [u64; 4]> = BTreeMap::new();
    for (e, &p) in examples.iter().zip(held_out) {
        let right = u64::from(p > 0.5);
        let copy = u64::from(e.pair.called_copy);
        for key in [(e.set, String::new()), (e.set, e.kind.to_string())] {
            let c = counts.entry(key).or_default();
            c[0] += 1;
            c[1] += right;
            c[2] += copy;
            c[3] += right * copy;
        }
    }
    let share = |a: u64, b: u64| {
        if b == 0 {
            "-".to_string()
        } else {
            f3(a as f64 / b as f64)
        }
    };
    for ((s, kind), c) in counts {
        t.row(vec![
            sets[s].name.clone(),
            if kind.is_empty() {
                "(all)".into()
            } else {
                kind
            },
            c[0].to_string(),
            c[1].to_string(),
            share(c[1], c[0]),
            c[2].to_string(),
            c[3].to_string(),
            share(c[3], c[2]),
        ]);
    }
    t
}

/// Each input on its own: on how many labeled directions of each set it says anything, and
/// how often the side it points to (by its fitted sign) is the labeled source.
fn signal_table(sets: &[LabeledSet], examples: &[Example]) -> Table {
    let mut header = vec!["input".to_string()];
    for set in sets {
        header.push(format!("{}: says", set.name));
        header.push("points to the copy".into());
    }
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = Table::new(
        "Direction inputs one by one (share of pairs where a positive input marks the labeled copy)",
        &header,
    );
    for (k, name) in INPUTS.iter().enumerate() {
        let mut row = vec![name.to_string()];
        for s in 0..sets.len() {
            let (mut says, mut agrees) = (0u64, 0u64);
            for e in examples.iter().filter(|e| e.set == s) {
                let v = e.pair.inputs[k];
                if v != 0.0 {
                    says += 1;
                    agrees += u64::from((v > 0.0) == e.pair.source_is_b);
                }
            }
            row.push(says.to_string());
            row.push(if says == 0 {
                "-".into()
            } else {
                f3(agrees as f64 / says as f64)
            });
        }
        t.row(row);
    }
    t
}

/// Of the held-out directions given with confidence in each bin, the share right (the same
/// bins and error as `spinscan eval` reports).
fn calibration_table(examples: &[Example], held_out: &[f32]) -> Table {
    let mut tally = DirectionTally::default();
    for (_, &p) in examples.iter().zip(held_out) {
        // The labeled source is article 1; the other is 0.
        let named = (p != 0.5).then(|| Direction {
            source: Some(u32::from(p > 0.5)),
            confidence: p.max(1.0 - p),
            ..Direction::UNDECIDED
        });
        tally.add(named, 1);
    }
    tally.calibration_table(&format!(
        "Direction calibration, held out (all sets; calibration error {})",
        f3(tally.calibration_error())
    ))
}

fn weights_table(w: &Weights) -> Table {
    let mut t = Table::new(
        "Direction weights (positive: the input says a is the copy)",
        &["input", "weight"],
    );
    for (name, v) in INPUTS.iter().zip(w) {
        t.row(vec![name.to_string(), format!("{v:+.3}")]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::pairs::LabeledPair;
    use crate::score::model::{RuleVerdict, INPUTS as COPY_INPUTS};

    fn directed(story: &str, x: [f32; INPUTS.len()], source_is_b: bool) -> LabeledPair {
        LabeledPair {
            paths: Default::default(),
            stories: [story.to_string(), story.to_string()],
            positive: true,
            kind: "copy".into(),
            hard_negative: false,
            inputs: [0.0; COPY_INPUTS.len()],
            rule: RuleVerdict::default(),
            direction: Some(DirectedPair {
                inputs: x,
                source_is_b,
                called_copy: true,
            }),
        }
    }

    /// The date decides (later is the copy), the length says nothing: the fit must weigh the
    /// date and get held-out stories right.
    #[test]
    fn fit_learns_the_deciding_input_and_generalises_across_stories() {
        let mut pairs = Vec::new();
        for k in 0..200 {
            let later_is_a = k % 2 == 0;
            let mut x = [0.0; INPUTS.len()];
            x[0] = if later_is_a { 1.0 } else { -1.0 };
            x[13] = if k % 3 == 0 { 0.5 } else { -0.5 };
            pairs.push(directed(&format!("story{}", k % 40), x, later_is_a));
        }
        let sets = vec![LabeledSet {
            name: "toy".into(),
            pairs,
            weight: 1.0,
        }];
        let f = fit(&sets, 5).unwrap();
        assert!(f.weights[0] > 1.0, "date weight {}", f.weights[0]);
        assert!(f.weights[13].abs() < 0.3 * f.weights[0]);
        let pooled = &f.tables[0].rows[0];
        assert_eq!(pooled[1], "(all)");
        assert_eq!(pooled[4], "1.000", "{pooled:?}");
    }
}

//! The copy model: a logistic regression over the pair signals that decides whether one
//! article derives from the other (or both from one source).
//!
//! Why fitted, not hand-set: real rewrites, siblings (two rewrites of one source) and
//! independent reports of one event differ in many signals at once (in-order alignment, the
//! fact sequence, kept wording, verbatim runs), by amounts that no single threshold captures.
//! The weights are fitted by `spinscan fit` on labeled pairs (real pages, LLM rewrites of them
//! and the synthetic spun-dev set), cross-validated by story, and shipped in
//! `data/model/copy.tsv`; a user can refit on their own labels and pass `--model FILE`.
//!
//! Invariant: the inputs are symmetric in the two articles (max/min of directional signals),
//! so the verdict does not depend on which article is `a`.

use std::path::Path;
use std::sync::LazyLock;

use super::Signals;

/// The model's inputs, by name, in the order of [`inputs`]. A model file names them, so a
/// file written for another set of inputs is refused instead of misread.
pub const INPUTS: [&str; 33] = [
    "containment_max",
    "containment_min",
    "jaccard5",
    "narration_log",
    "cosine",
    "align_max",
    "align_min",
    "order",
    "aligned_log",
    "verbatim_share",
    "copied_run_log",
    "density",
    "edit_similarity",
    "kept_max",
    "kept_min",
    "quotes",
    "rewrite_score",
    "fact_order",
    "fact_chain",
    "facts_log",
    "align_x_order",
    "chain_x_order",
    "short_sentences_log",
    "vocabulary_shift_abs",
    "narration_fraction",
    "quote_only",
    "cosine_x_fact_order",
    "kept_x_fact_order",
    "rule_verbatim",
    "rule_partial",
    "rule_spun",
    "rule_rewrite",
    "rule_shared_block",
];

pub type Inputs = [f32; INPUTS.len()];

/// What the hand-written rules make of a pair (see `rule_relation` in the score stage): their
/// structural tests (whole text copied, a block copied, spun sentence by sentence, reworded in
/// order, only a small block shared) are inputs like any other signal.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RuleVerdict {
    pub verbatim: bool,
    pub partial: bool,
    pub spun: bool,
    pub rewrite: bool,
    /// What aligns is shared word for word and small: a shared block or quotes.
    pub shared_block: bool,
}

/// The inputs of one pair. `sentences` is the number of sentences of the shorter article,
/// `shared_shingles` the word 5-grams the two share (quoted or not).
pub fn inputs(
    s: &Signals,
    rewrite_score: f32,
    sentences: u32,
    shared_shingles: u32,
    rule: RuleVerdict,
) -> Inputs {
    let flag = f32::from;
    let ln = |x: u32| (1.0 + x as f32).ln();
    let align_max = s.align_ab.max(s.align_ba);
    let align_min = s.align_ab.min(s.align_ba);
    [
        s.containment_ab.max(s.containment_ba),
        s.containment_ab.min(s.containment_ba),
        s.jaccard5,
        ln(s.narration_shared),
        s.cosine,
        align_max,
        align_min,
        s.order,
        ln(s.aligned_sentences),
        s.verbatim_sentences as f32 / s.aligned_sentences.max(1) as f32,
        ln(s.copied_run_words),
        s.density,
        s.edit_similarity,
        s.kept_ab.max(s.kept_ba),
        s.kept_ab.min(s.kept_ba),
        s.quotes,
        rewrite_score,
        s.fact_order,
        s.fact_chain,
        ln(s.facts_shared),
        align_max * s.order,
        s.fact_chain * s.fact_order,
        ln(sentences),
        s.vocabulary_shift.abs(),
        // Shared wording that is the reporter's own, not quotes: rewrites and copies keep
        // narration, independent reports share official statements.
        s.narration_shared as f32 / shared_shingles.max(1) as f32,
        f32::from(shared_shingles > 0 && s.narration_shared == 0),
        s.cosine * s.fact_order,
        s.kept_ab.min(s.kept_ba) * s.fact_order,
        flag(rule.verbatim),
        flag(rule.partial),
        flag(rule.spun),
        flag(rule.rewrite),
        flag(rule.shared_block),
    ]
}

impl RuleVerdict {
    /// Text copied word for word as a whole or as a block of whole sentences is a copy
    /// whatever the probability: a passage lifted into a long document is a small share of
    /// it, which the model, fitted on news pairs, would discount.
    fn copied_verbatim(self) -> bool {
        self.verbatim || self.partial
    }

    /// Pairs whose only common text is a small block copied word for word (a venue's ticket
    /// box, a shared boilerplate paragraph, an official statement) are not copies on their
    /// own, whatever the probability.
    fn vetoed(self) -> bool {
        self.shared_block && !self.copied_verbatim()
    }
}

/// A pair's own verdict (siblings aside, see [`crate::families::link_siblings`]): the rules'
/// structural tests where they are decisive, the probability against `threshold` otherwise.
pub fn is_copy(probability: f32, threshold: f32, rule: RuleVerdict) -> bool {
    rule.copied_verbatim() || (probability >= threshold && !rule.vetoed())
}

/// A fitted logistic regression: standardised inputs, weights, bias and the decision
/// threshold on the probability.
#[derive(Debug, Clone, PartialEq)]
pub struct CopyModel {
    pub mean: Inputs,
    pub scale: Inputs,
    pub weight: Inputs,
    pub bias: f32,
    pub threshold: f32,
    /// Siblings (two copies of one source, see [`crate::families::link_siblings`]): a pair
    /// whose own probability reaches `sibling_min` is a copy when a third article is a copy
    /// of both with probability `sibling_support` or more. Chosen by `spinscan fit` with the
    /// threshold.
    pub sibling_min: f32,
    pub sibling_support: f32,
    /// The attribution stage's direction weights (`direction NAME WEIGHT` lines), by input
    /// name: they are fitted with the copy model and travel in its file, but their inputs are
    /// the attribution stage's (`attribution::INPUTS`), so they are kept by name here.
    pub direction: Vec<(String, f32)>,
    /// Free text: how and on what the model was fitted (kept as comments in the file).
    pub provenance: Vec<String>,
}

static BUILTIN: LazyLock<CopyModel> = LazyLock::new(|| {
    CopyModel::parse(include_str!("../../data/model/copy.tsv"))
        .unwrap_or_else(|e| panic!("data/model/copy.tsv is invalid: {e}"))
});

impl CopyModel {
    /// The model shipped with spinscan (`data/model/copy.tsv`, compiled in).
    pub fn builtin() -> &'static CopyModel {
        &BUILTIN
    }

    /// Reads a model file for `--model`; leaked so that [`super::Params`] stays `Copy`.
    pub fn load(path: &Path) -> anyhow::Result<&'static CopyModel> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let m = CopyModel::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        Ok(Box::leak(Box::new(m)))
    }

    /// Probability that the pair is a copy.
    pub fn probability(&self, x: &Inputs) -> f32 {
        let z = self.bias
            + (0..x.len())
                .map(|k| self.weight[k] * (x[k] - self.mean[k]) / self.scale[k])
                .sum::<f32>();
        1.0 / (1.0 + (-z).exp())
    }

    /// The file format: `#` comment lines (provenance), `threshold` and `bias` lines, an
    /// optional `sibling MIN SUPPORT` line (no sibling linking without it), then one
    /// `input NAME MEAN SCALE WEIGHT` line per input, then optional `direction NAME WEIGHT`
    /// lines (no direction decided without them), tab-separated.
    pub fn parse(text: &str) -> anyhow::Result<CopyModel> {
        let mut m = CopyModel {
            mean: [0.0; INPUTS.len()],
            scale: [1.0; INPUTS.len()],
            weight: [0.0; INPUTS.len()],
            bias: 0.0,
            threshold: 0.5,
            sibling_min: 1.0,
            sibling_support: 1.0,
            direction: Vec::new(),
            provenance: Vec::new(),
        };
        let mut seen = [false; INPUTS.len()];
        let (mut has_bias, mut has_threshold) = (false, false);
        for (k, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if let Some(c) = line.strip_prefix('#') {
                m.provenance.push(c.trim().to_string());
                continue;
            }
            if line.trim().is_empty() {
                continue;
            }
            let bad = |what: &str| anyhow::anyhow!("line {}: {what}", k + 1);
            let cells: Vec<&str> = line.split('\t').collect();
            let num = |s: &str| -> anyhow::Result<f32> {
                let v: f32 = s.trim().parse().map_err(|_| bad("not a number"))?;
                if v.is_finite() {
                    Ok(v)
                } else {
                    Err(bad("not a finite number"))
                }
            };
            match cells.as_slice() {
                ["threshold", v] => {
                    m.threshold = num(v)?;
                    has_threshold = true;
                }
                ["bias", v] => {
                    m.bias = num(v)?;
                    has_bias = true;
                }
                ["sibling", min, support] => {
                    m.sibling_min = num(min)?;
                    m.sibling_support = num(support)?;
                }
                ["direction", name, weight] => {
                    m.direction.push((name.to_string(), num(weight)?));
                }
                ["input", name, mean, scale, weight] => {
                    let i = INPUTS
                        .iter()
                        .position(|n| n == name)
                        .ok_or_else(|| bad(&format!("unknown input {name:?}")))?;
                    m.mean[i] = num(mean)?;
                    m.scale[i] = num(scale)?;
                    m.weight[i] = num(weight)?;
                    if m.scale[i] <= 0.0 {
                        return Err(bad("scale must be positive"));
                    }
                    seen[i] = true;
                }
                _ => return Err(bad("expected threshold, bias or input line")),
            }
        }
        if let Some(i) = seen.iter().position(|&s| !s) {
            anyhow::bail!(
                "input {:?} is missing (a model for another version)",
                INPUTS[i]
            );
        }
        if !has_bias || !has_threshold {
            anyhow::bail!("bias or threshold line missing");
        }
        Ok(m)
    }

    /// The text [`CopyModel::parse`] reads.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for p in &self.provenance {
            out.push_str(&format!("# {p}\n"));
        }
        out.push_str(&format!("threshold\t{}\n", self.threshold));
        out.push_str(&format!("bias\t{}\n", self.bias));
        out.push_str(&format!(
            "sibling\t{}\t{}\n",
            self.sibling_min, self.sibling_support
        ));
        for (i, name) in INPUTS.iter().enumerate() {
            out.push_str(&format!(
                "input\t{name}\t{}\t{}\t{}\n",
                self.mean[i], self.scale[i], self.weight[i]
            ));
        }
        for (name, weight) in &self.direction {
            out.push_str(&format!("direction\t{name}\t{weight}\n"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_model_parses_and_round_trips() {
        let m = CopyModel::builtin();
        assert_eq!(&CopyModel::parse(&m.to_text()).unwrap(), m);
        assert!(m.threshold > 0.0 && m.threshold < 1.0);
    }

    #[test]
    fn a_model_for_other_inputs_is_refused() {
        let text = CopyModel::builtin()
            .to_text()
            .replace("fact_chain", "made_up");
        let e = CopyModel::parse(&text).unwrap_err().to_string();
        assert!(e.contains("unknown input"), "{e}");
        let text: String = CopyModel::builtin()
            .to_text()
            .lines()
            .filter(|l| !l.contains("\tjaccard5\t"))
            .map(|l| format!("{l}\n"))
            .collect();
        let e = CopyModel::parse(&text).unwrap_err().to_string();
        assert!(e.contains("jaccard5"), "{e}");
    }

    #[test]
    fn probability_grows_with_a_positive_weight() {
        let mut m = CopyModel::builtin().clone();
        m.weight = [0.0; INPUTS.len()];
        m.weight[0] = 2.0;
        m.bias = 0.0;
        let mut x = m.mean;
        assert!((m.probability(&x) - 0.5).abs() < 1e-6);
        x[0] += m.scale[0];
        assert!(m.probability(&x) > 0.85);
    }
}

//! Direction of one copy pair: which article is the source.
//!
//! Each piece of evidence is a named, antisymmetric input (positive: `a` is the copy and `b`
//! the source; swapping the articles negates it). A logistic regression without intercept
//! weighs them (fitted by `spinscan fit` on labeled directions, cross-validated by story, and
//! shipped in the model file's `direction` lines), so the probability it gives is the
//! direction's confidence, and a pair with no evidence at all stays undecided. Why fitted:
//! on real pages the textbook cues mislead as often as they help ("the longer text is the
//! source", containment asymmetry between two write-throughs of one wire story), and only
//! labeled directions say by how much.

use crate::score::{PairScore, Relation};

use super::ArticleEvidence;

/// The direction inputs, by name, in the order [`inputs`] fills them.
pub const INPUTS: [&str; 14] = [
    "date",
    "credit",
    "composite",
    "containment_whole",
    "containment_passage",
    "align",
    "kept",
    "farm",
    "vocabulary_spun",
    "vocabulary_rewrite",
    "lead",
    "tail",
    "dateline",
    "length",
];

pub type Inputs = [f32; INPUTS.len()];

/// Weights of the direction inputs (one per input, no intercept).
pub type Weights = Inputs;

/// Share of one text found in the other from which it counts as (nearly) wholly contained.
const WHOLE_TEXT_COVERAGE: f32 = 0.6;

/// Length agreement of aligned sentences ([`crate::score::Signals::shape`]) from which a
/// reworded copy was changed word for word (a spin) rather than recast.
const SPIN_SHAPE: f32 = 0.95;

/// Evidence whose summed weight is below this says nothing: no source is named.
const MIN_EVIDENCE: f32 = 0.05;

/// An input counts as deciding evidence (in `direction_evidence`) from this share of the
/// total it pushed the decision by.
const NAMED_SHARE: f32 = 0.15;

/// The direction decided for one copy pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Direction {
    /// The article judged to be the source, if the evidence says anything.
    pub source: Option<u32>,
    /// 0.5..1: the fitted probability that `source` is right (0 when undecided).
    pub confidence: f32,
    /// Per input, the side it pointed to as the source where it helped decide: +1 `b`,
    /// -1 `a`, 0 not deciding (see [`Direction::evidence_names`]).
    pub evidence: [i8; INPUTS.len()],
}

impl Direction {
    pub const UNDECIDED: Direction = Direction {
        source: None,
        confidence: 0.0,
        evidence: [0; INPUTS.len()],
    };

    /// The deciding evidence as the `direction_evidence` column writes it: `NAME:X`, where X
    /// (`a` or `b`) is the article the signal points to as the source; dates as `date:a<b`.
    pub fn evidence_names(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (k, &side) in self.evidence.iter().enumerate() {
            let name = INPUTS[k];
            match (name, side) {
                (_, 0) => {}
                ("date", 1) => out.push("date:b<a".to_string()),
                ("date", _) => out.push("date:a<b".to_string()),
                (_, 1) => out.push(format!("{name}:b")),
                (_, _) => out.push(format!("{name}:a")),
            }
        }
        out
    }
}

/// The direction inputs of a copy pair (positive: `a` is the copy).
pub fn inputs(p: &PairScore, a: &ArticleEvidence, b: &ArticleEvidence) -> Inputs {
    let mut x = [0.0; INPUTS.len()];
    let s = &p.signals;
    // Small differences are noise (a changed title, a caption); only a clear asymmetry counts.
    let dead_zone = |v: f32| if v.abs() < 0.05 { 0.0 } else { v };
    let sign = |yes_a: bool, yes_b: bool| f32::from(u8::from(yes_a)) - f32::from(u8::from(yes_b));
    if let (Some(da), Some(db)) = (&a.date, &b.date) {
        x[0] = match da.cmp(db) {
            std::cmp::Ordering::Greater => 1.0,
            std::cmp::Ordering::Less => -1.0,
            std::cmp::Ordering::Equal => 0.0,
        };
    }
    // A page that credits the other page's site took its text from it.
    let credits = |x: &ArticleEvidence, y: &ArticleEvidence| {
        x.credited_site.is_some() && x.credited_site == y.own_site
    };
    x[1] = sign(credits(a, b), credits(b, a));
    // A mashup stitched from two stories copies each of them.
    x[2] = sign(a.composite, b.composite);
    let contained = dead_zone(s.containment_ab - s.containment_ba);
    match p.relation {
        Relation::VerbatimCopy | Relation::PartialCopy => {
            // One text (nearly) all inside the other: a truncated copy sits inside its source.
            // A passage inside two longer texts: which way it went is for the fit to say.
            if s.containment_ab.max(s.containment_ba) >= WHOLE_TEXT_COVERAGE {
                x[3] = contained;
            } else {
                x[4] = contained;
            }
        }
        _ => {
            // Reworded copies: a summary aligns into its source, and drops names and numbers
            // far more often than it adds them.
            x[5] = dead_zone(s.align_ab - s.align_ba);
            x[6] = dead_zone(s.kept_ab - s.kept_ba);
        }
    }
    x[7] = a.farm - b.farm;
    // Spinners swap plain words for rarer synonyms word for word (the sentences keep their
    // length); LLM rewrites recast sentences and often simplify. Each has
    // its own weight, and they may point opposite ways.
    let word_by_word = s.shape >= SPIN_SHAPE;
    match p.relation {
        Relation::SpunCopy => x[8] = s.vocabulary_shift,
        Relation::Rewrite if word_by_word => x[8] = s.vocabulary_shift,
        Relation::Rewrite => x[9] = s.vocabulary_shift,
        _ => {}
    }
    // An added hook or conclusion: margins outside the aligned span on one side only.
    x[10] = dead_zone(s.lead_ab - s.lead_ba);
    x[11] = dead_zone(s.tail_ab - s.tail_ba);
    // A wire dateline ("CITY (Agency) —") is kept by licensed republications of the source
    // and dropped by most rewrites.
    x[12] = sign(b.dateline, a.dateline);
    if a.words > 0 && b.words > 0 {
        x[13] = (a.words as f32 / b.words as f32).ln().clamp(-2.0, 2.0);
    }
    if p.relation == Relation::TranslatedCopy {
        // Across languages the texts' shapes say nothing about who copied whom (a German
        // translation is longer than its English source, and aligns with nothing): only the
        // pages' own marks count (date, credit, mashup, farm furniture, dateline).
        for k in [3, 4, 5, 6, 8, 9, 10, 11, 13] {
            x[k] = 0.0;
        }
    }
    x
}

/// Decides which of a copy pair is the source, with the model's weights.
pub fn decide(p: &PairScore, x: &Inputs, w: &Weights) -> Direction {
    let contributions: Inputs = std::array::from_fn(|k| w[k] * x[k]);
    let z: f32 = contributions.iter().sum();
    if z.abs() < MIN_EVIDENCE {
        return Direction::UNDECIDED;
    }
    let mut evidence = [0i8; INPUTS.len()];
    for (k, c) in contributions.iter().enumerate() {
        if c * z > 0.0 && c.abs() >= NAMED_SHARE * z.abs() {
            evidence[k] = if z > 0.0 { 1 } else { -1 };
        }
    }
    Direction {
        source: Some(if z > 0.0 { p.b } else { p.a }),
        confidence: 1.0 / (1.0 + (-z.abs()).exp()),
        evidence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::Signals;

    fn copy_pair(c_ab: f32, c_ba: f32) -> PairScore {
        PairScore {
            a: 0,
            b: 1,
            signals: Signals {
                containment_ab: c_ab,
                containment_ba: c_ba,
                ..Signals::default()
            },
            score: 0.9,
            relation: Relation::PartialCopy,
        }
    }

    #[test]
    fn inputs_are_antisymmetric() {
        let p = copy_pair(0.95, 0.5);
        let early = ArticleEvidence {
            date: Some("2024-01-02".into()),
            dateline: true,
            words: 400,
            ..Default::default()
        };
        let late = ArticleEvidence {
            date: Some("2024-03-01".into()),
            farm: 1.4,
            words: 250,
            ..Default::default()
        };
        let x = inputs(&p, &late, &early);
        let swapped = PairScore {
            a: 1,
            b: 0,
            signals: Signals {
                containment_ab: 0.5,
                containment_ba: 0.95,
                ..Signals::default()
            },
            ..p
        };
        let y = inputs(&swapped, &early, &late);
        for k in 0..INPUTS.len() {
            assert!(
                (x[k] + y[k]).abs() < 1e-6,
                "{}: {} vs {}",
                INPUTS[k],
                x[k],
                y[k]
            );
        }
        assert_eq!(x[0], 1.0, "a is dated later");
        assert_eq!(x[12], 1.0, "only b has a dateline");
        assert!(x[3] > 0.4, "a is contained in b");
    }

    #[test]
    fn a_translation_is_directed_by_page_marks_only() {
        let mut p = copy_pair(0.0, 0.0);
        p.relation = Relation::TranslatedCopy;
        p.signals.align_ab = 0.6;
        let long = ArticleEvidence {
            words: 600,
            ..Default::default()
        };
        let short = ArticleEvidence {
            words: 400,
            ..Default::default()
        };
        let x = inputs(&p, &long, &short);
        assert!(
            x.iter().all(|&v| v == 0.0),
            "length and alignment say nothing: {x:?}"
        );
        let dated = ArticleEvidence {
            date: Some("2024-01-02".into()),
            ..short
        };
        let later = ArticleEvidence {
            date: Some("2024-01-05".into()),
            ..long
        };
        let x = inputs(&p, &later, &dated);
        assert_eq!(x[0], 1.0, "the later page is the translation");
    }

    #[test]
    fn decision_names_its_evidence_and_no_evidence_decides_nothing() {
        let p = copy_pair(0.95, 0.5);
        let mut w = [0.0; INPUTS.len()];
        w[0] = 2.0; // date
        w[3] = 1.0; // containment_whole
        let late = ArticleEvidence {
            date: Some("2024-03-01".into()),
            ..Default::default()
        };
        let early = ArticleEvidence {
            date: Some("2024-01-02".into()),
            ..Default::default()
        };
        let d = decide(&p, &inputs(&p, &late, &early), &w);
        assert_eq!(d.source, Some(1));
        assert!(d.confidence > 0.9);
        assert_eq!(d.evidence_names(), ["date:b<a", "containment_whole:b"]);

        let none = ArticleEvidence::default();
        let even = copy_pair(0.9, 0.9);
        assert_eq!(
            decide(&even, &inputs(&even, &none, &none), &w),
            Direction::UNDECIDED
        );
    }
}

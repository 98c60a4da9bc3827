//! The fact sequence: an article's names and numbers in the order it first mentions them.
//!
//! A rewrite, even one that changes every sentence, tells the original's facts in the
//! original's order: the names and numbers it keeps come up in the same sequence. Two rewrites
//! of one source (siblings) inherit that sequence from it even where they share little wording
//! with each other. An independent report of the same event shares the main names and the
//! official figures, but introduces them in its own order. So the pair signal is the heaviest
//! chain of shared facts that comes in the same order in both articles.

use super::align::PrefixMax;
use super::Prepared;
use crate::features::{ArticleFeatures, Background, Term, Weights};

/// One fact of an article: a name or number, the sentence that first mentions it, its weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Fact {
    pub term: Term,
    pub sentence: u32,
    pub weight: f32,
}

/// The facts of an article, sorted by term, each at its first mention.
pub(crate) fn sequence(f: &ArticleFeatures, w: &Weights, bg: &Background) -> Vec<Fact> {
    let is_fact = |t: &Term| f.names.binary_search(t).is_ok() || f.numbers.binary_search(t).is_ok();
    let mut facts: Vec<Fact> = Vec::new();
    for (i, s) in f.sentences.iter().enumerate() {
        for t in s.terms.iter().filter(|t| is_fact(t)) {
            facts.push(Fact {
                term: *t,
                sentence: i as u32,
                weight: w.weight(*t, bg),
            });
        }
    }
    // First mention wins: a stable sort keeps sentence order within one term.
    facts.sort_by_key(|x| x.term);
    facts.dedup_by_key(|x| x.term);
    facts
}

/// The article's anchors ([`crate::features::Anchor`]), each at its first mention, weighted
/// by its word's weight in the article's language, sorted by anchor.
pub(crate) fn anchors(f: &ArticleFeatures, w: &Weights, bg: &Background) -> Vec<Fact> {
    let mut anchors: Vec<Fact> = f
        .anchors
        .iter()
        .map(|x| Fact {
            term: x.anchor,
            sentence: x.sentence,
            weight: w.weight(x.term, bg),
        })
        .collect();
    anchors.sort_by_key(|x| x.term);
    anchors.dedup_by_key(|x| x.term);
    anchors
}

/// Facts from their three stored columns (lengths checked by the caller).
pub(crate) fn from_columns(terms: Vec<Term>, sentences: Vec<u32>, weights: Vec<f32>) -> Vec<Fact> {
    terms
        .into_iter()
        .zip(sentences)
        .zip(weights)
        .map(|((term, sentence), weight)| Fact {
            term,
            sentence,
            weight,
        })
        .collect()
}

/// What two fact sequences share, and how much of it comes in the same order.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct FactOverlap {
    /// Facts found in both.
    pub shared: u32,
    /// Weight of the heaviest same-order chain over the weight of all shared facts (1 when at
    /// most one fact is shared: order says nothing then).
    pub order: f32,
    /// Weight of that chain over the fact weight of the article with less: how much of the
    /// shorter fact sequence the other tells in the same order.
    pub chain: f32,
    /// That chain over the geometric mean of both articles' fact weights: high only when
    /// both tell mostly the same facts (a translation), not when a short text's few facts are
    /// all in a long one.
    pub chain_both: f32,
}

pub(crate) fn overlap(a: &Prepared, b: &Prepared) -> FactOverlap {
    overlap_of(&a.facts, a.fact_weight, &b.facts, b.fact_weight)
}

/// The overlap of two articles' anchors (for articles in two languages).
pub(crate) fn anchor_overlap(a: &Prepared, b: &Prepared) -> FactOverlap {
    overlap_of(&a.anchors, a.anchor_weight, &b.anchors, b.anchor_weight)
}

fn overlap_of(fa: &[Fact], weight_a: f32, fb: &[Fact], weight_b: f32) -> FactOverlap {
    let mut common: Vec<(u32, u32, f32)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < fa.len() && j < fb.len() {
        match fa[i].term.cmp(&fb[j].term) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common.push((fa[i].sentence, fb[j].sentence, fa[i].weight));
                i += 1;
                j += 1;
            }
        }
    }
    if common.is_empty() {
        return FactOverlap::default();
    }
    let total: f32 = common.iter().map(|c| c.2).sum();
    let chain = heaviest_chain(&mut common);
    let least = weight_a.min(weight_b);
    FactOverlap {
        shared: common.len() as u32,
        order: if common.len() < 2 || total <= 0.0 {
            1.0
        } else {
            (chain / total).min(1.0)
        },
        chain: if least > 0.0 {
            (chain / least).min(1.0)
        } else {
            0.0
        },
        chain_both: if least > 0.0 {
            (chain / (weight_a * weight_b).sqrt()).min(1.0)
        } else {
            0.0
        },
    }
}

/// Heaviest chain of (position in a, position in b, weight) non-decreasing in both positions,
/// by the alignment's prefix-maximum tree over b's positions (ranked): O(k log k).
fn heaviest_chain(points: &mut [(u32, u32, f32)]) -> f32 {
    points.sort_unstable_by_key(|p| (p.0, p.1));
    let mut ranks: Vec<u32> = points.iter().map(|p| p.1).collect();
    ranks.sort_unstable();
    ranks.dedup();
    let mut tree = PrefixMax::new(ranks.len());
    let mut best = 0f32;
    for (k, &(_, pb, w)) in points.iter().enumerate() {
        let r = ranks.partition_point(|&x| x < pb);
        let value = tree.query(r).0 + w;
        best = best.max(value);
        tree.update(r, value, k);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_keeps_order_and_skips_what_breaks_it() {
        let mut p = vec![
            (0, 0, 1.0),
            (1, 1, 1.0),
            (2, 5, 1.0),
            (3, 2, 1.0),
            (4, 3, 1.0),
        ];
        assert_eq!(heaviest_chain(&mut p), 4.0);
        let mut reversed = vec![(0, 4, 1.0), (1, 3, 1.0), (2, 2, 1.0), (3, 1, 1.0)];
        assert_eq!(heaviest_chain(&mut reversed), 1.0);
    }

    #[test]
    fn chain_allows_facts_of_one_sentence_in_any_order() {
        let mut p = vec![(0, 0, 1.0), (0, 0, 2.0), (1, 0, 1.0)];
        assert_eq!(heaviest_chain(&mut p), 4.0);
    }

    #[test]
    fn chain_prefers_weight_over_length() {
        let mut p = vec![(0, 2, 5.0), (1, 0, 1.0), (2, 1, 1.0)];
        assert_eq!(heaviest_chain(&mut p), 5.0);
    }
}

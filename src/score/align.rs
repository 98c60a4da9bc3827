//! Sentence alignment: which sentences of one article have a counterpart in the other, and
//! whether the counterparts come in the same order.
//!
//! Only sentence pairs whose similarity reaches the floor are kept (a sparse list), so a pair
//! of book-length documents costs memory in proportion to their matching sentences, not to
//! the product of their lengths. The three in-order alignments are longest-chain problems over
//! that list, solved with a prefix-maximum (Fenwick) tree in O(K log n) for K matches.

use super::{Prepared, Signals, VERBATIM_SENTENCE};
use crate::features::Term;
use std::collections::HashMap;

/// A sentence pair at or above the similarity floor.
#[derive(Debug, Clone, Copy)]
struct Match {
    i: u32,
    j: u32,
    sim: f32,
}

/// Fewest words for a copied sentence to count towards a copied passage.
const PASSAGE_SENTENCE_WORDS: usize = 6;

/// A term occurring in more sentences than this (and more than a tenth of them) is too common
/// to propose sentence pairs; it still counts in the similarity of pairs proposed by others.
const COMMON_POSTINGS: usize = 64;

/// Fills the alignment signals of `s`: `align_ab`, `align_ba`, `order`, `aligned_sentences`,
/// `verbatim_sentences`, `edit_similarity`, `density`, `shape` and the margins.
pub(super) fn align(a: &Prepared, b: &Prepared, floor: f32, s: &mut Signals) {
    let (n, m) = (a.sentence_weight.len(), b.sentence_weight.len());
    if n == 0 || m == 0 {
        return;
    }
    let matches = sparse_matches(a, b, floor);
    if matches.is_empty() {
        return;
    }

    // In-order alignment, many-to-one allowed (a sentence split in two aligns both halves):
    // a's sentences strictly in order, their counterparts in b never going back.
    let in_order_ab = best_chain(
        &matches,
        m,
        |x| a.sentence_weight[x.i as usize] * x.sim,
        false,
    )
    .0;
    let mut transposed: Vec<Match> = matches
        .iter()
        .map(|x| Match {
            i: x.j,
            j: x.i,
            sim: x.sim,
        })
        .collect();
    transposed.sort_unstable_by_key(|x| (x.i, x.j));
    let in_order_ba = best_chain(
        &transposed,
        n,
        |x| b.sentence_weight[x.i as usize] * x.sim,
        false,
    )
    .0;

    let mut best_a = vec![0f32; n];
    let mut best_b = vec![0f32; m];
    for x in &matches {
        best_a[x.i as usize] = best_a[x.i as usize].max(x.sim);
        best_b[x.j as usize] = best_b[x.j as usize].max(x.sim);
    }
    let free_ab: f32 = best_a
        .iter()
        .zip(&a.sentence_weight)
        .map(|(x, w)| x * w)
        .sum();
    let free_ba: f32 = best_b
        .iter()
        .zip(&b.sentence_weight)
        .map(|(x, w)| x * w)
        .sum();
    let total_a: f32 = a.sentence_weight.iter().sum();
    let total_b: f32 = b.sentence_weight.iter().sum();
    if total_a > 0.0 {
        s.align_ab = (in_order_ab / total_a).min(1.0);
    }
    if total_b > 0.0 {
        s.align_ba = (in_order_ba / total_b).min(1.0);
    }
    if free_ab + free_ba > 0.0 {
        s.order = ((in_order_ab + in_order_ba) / (free_ab + free_ba)).min(1.0);
    }

    // One-to-one in-order path, for the sentence pairs whose wording is compared.
    let (_, path) = best_chain(&matches, m, |x| x.sim, true);
    let (mut edit_sum, mut weight_sum, mut shape_sum) = (0.0, 0.0, 0.0);
    let mut run_words = 0u32; // the current run of consecutive copied narration sentences
    let mut previous: Option<(u32, u32)> = None;
    for x in &path {
        let (i, j) = (x.i as usize, x.j as usize);
        let (wa, wb) = (a.sentence_words(i), b.sentence_words(j));
        let longest = wa.len().max(wb.len()).max(1);
        let e = 1.0 - strsim::generic_levenshtein(&Words(wa), &Words(wb)) as f32 / longest as f32;
        let w = a.sentence_weight[i] + b.sentence_weight[j];
        edit_sum += e * w;
        weight_sum += w;
        shape_sum += wa.len().min(wb.len()) as f32 / longest as f32 * w;
        let copied = e >= VERBATIM_SENTENCE;
        if copied {
            s.verbatim_sentences += 1;
        }
        // Prose sentences only: short lines (list items, ticket details) are not a passage.
        let prose = wa.len().min(wb.len()) >= PASSAGE_SENTENCE_WORDS;
        if copied && prose && !a.sentence_quoted[i] && !b.sentence_quoted[j] {
            let follows = previous.is_some_and(|(pi, pj)| pi + 1 == x.i && pj + 1 == x.j);
            run_words = if follows { run_words } else { 0 } + wa.len().min(wb.len()) as u32;
            s.copied_run_words = s.copied_run_words.max(run_words);
            previous = Some((x.i, x.j));
        } else {
            previous = None;
        }
    }
    s.aligned_sentences = path.len() as u32;
    if weight_sum > 0.0 {
        s.edit_similarity = edit_sum / weight_sum;
        s.shape = shape_sum / weight_sum;
    }
    if let (Some(first), Some(last)) = (path.first(), path.last()) {
        let span_a = (last.i - first.i + 1) as f32;
        let span_b = (last.j - first.j + 1) as f32;
        s.density = path.len() as f32 / span_a.max(span_b);
        let (first_i, last_i) = (first.i as usize, last.i as usize);
        let (first_j, last_j) = (first.j as usize, last.j as usize);
        s.lead_ab = margin(&a.sentence_weight[..first_i], total_a);
        s.tail_ab = margin(&a.sentence_weight[last_i + 1..], total_a);
        s.lead_ba = margin(&b.sentence_weight[..first_j], total_b);
        s.tail_ba = margin(&b.sentence_weight[last_j + 1..], total_b);
    }
}

/// One sentence pair of the one-to-one in-order alignment (what `explain` and reports show).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SentencePair {
    /// Sentence numbers (0-based, in the order features keep them) in a and in b.
    pub a: usize,
    pub b: usize,
    /// Weighted term similarity of the two sentences (0..1).
    pub similarity: f32,
    /// Word-level edit similarity (1: the same words in the same order).
    pub edit_similarity: f32,
}

/// The sentence pairs on the one-to-one in-order alignment path that `align` measures.
pub fn sentence_pairs(a: &Prepared, b: &Prepared, floor: f32) -> Vec<SentencePair> {
    let m = b.sentence_weight.len();
    if a.sentence_weight.is_empty() || m == 0 {
        return Vec::new();
    }
    let matches = sparse_matches(a, b, floor);
    let (_, path) = best_chain(&matches, m, |x| x.sim, true);
    path.iter()
        .map(|x| {
            let (wa, wb) = (
                a.sentence_words(x.i as usize),
                b.sentence_words(x.j as usize),
            );
            let longest = wa.len().max(wb.len()).max(1);
            let edit = strsim::generic_levenshtein(&Words(wa), &Words(wb)) as f32 / longest as f32;
            SentencePair {
                a: x.i as usize,
                b: x.j as usize,
                similarity: x.sim,
                edit_similarity: 1.0 - edit,
            }
        })
        .collect()
}

/// Share of a text's sentence weight in `part`.
fn margin(part: &[f32], total: f32) -> f32 {
    if total > 0.0 {
        (part.iter().sum::<f32>() / total).min(1.0)
    } else {
        0.0
    }
}

/// Sentence pairs whose weighted set similarity (Ochiai coefficient over term weights) reaches
/// `floor`, sorted by (i, j). Chance overlaps (one shared name) stay below the floor.
///
/// The two articles' sorted term postings are merged; shared weights accumulate in a
/// per-thread scratch matrix (or a hash map for book-length texts).
fn sparse_matches(a: &Prepared, b: &Prepared, floor: f32) -> Vec<Match> {
    let (n, m) = (a.sentence_weight.len(), b.sentence_weight.len());
    let common = COMMON_POSTINGS.max(n.max(m) / 10);
    let mut shared: Vec<(u32, u32, f32)> = Vec::new();
    let mut skipped_common = false;
    let dense = n * m <= DENSE_LIMIT;
    SCRATCH.with(|cell| {
        let mut acc = cell.borrow_mut();
        if dense {
            acc.clear();
            acc.resize(n * m, 0.0);
        }
        let mut sparse: HashMap<(u32, u32), f32> = HashMap::new();
        let (pa, pb) = (&a.postings, &b.postings);
        let (mut x, mut y) = (0, 0);
        while x < pa.len() && y < pb.len() {
            match pa[x].0.cmp(&pb[y].0) {
                std::cmp::Ordering::Less => x += 1,
                std::cmp::Ordering::Greater => y += 1,
                std::cmp::Ordering::Equal => {
                    let t = pa[x].0;
                    let xe = x + pa[x..].iter().take_while(|p| p.0 == t).count();
                    let ye = y + pb[y..].iter().take_while(|p| p.0 == t).count();
                    // A term in very many sentences of both texts proposes nothing; its weight
                    // is recounted below for the pairs other terms proposed.
                    skipped_common |= (xe - x).max(ye - y) > common;
                    if (xe - x).max(ye - y) <= common {
                        for &(_, i, w) in &pa[x..xe] {
                            for &(_, j, _) in &pb[y..ye] {
                                if dense {
                                    acc[i as usize * m + j as usize] += w;
                                } else {
                                    *sparse.entry((i, j)).or_insert(0.0) += w;
                                }
                            }
                        }
                    }
                    x = xe;
                    y = ye;
                }
            }
        }
        if dense {
            for (k, &w) in acc.iter().enumerate() {
                if w > 0.0 {
                    shared.push(((k / m) as u32, (k % m) as u32, w));
                }
            }
        } else {
            shared.extend(sparse.into_iter().map(|((i, j), w)| (i, j, w)));
            shared.sort_unstable_by_key(|&(i, j, _)| (i, j));
        }
    });
    // Only when a common term was skipped are the sentences' own term lists needed, to
    // recount the shared weight exactly; they are rebuilt from the postings for that case.
    let lists = skipped_common.then(|| {
        (
            sentence_lists(&a.postings, n),
            sentence_lists(&b.postings, m),
        )
    });
    shared
        .into_iter()
        .filter_map(|(i, j, w)| {
            let (iu, ju) = (i as usize, j as usize);
            let w = match &lists {
                Some((la, lb)) => shared_weight(&la[iu], &lb[ju]),
                None => w,
            };
            let denom = (a.sentence_weight[iu] * b.sentence_weight[ju]).sqrt();
            let sim = if denom > 0.0 {
                (w / denom).min(1.0)
            } else {
                0.0
            };
            (sim >= floor).then_some(Match { i, j, sim })
        })
        .collect()
}

/// A sentence's word hashes, as strsim wants them (a sized, iterable-by-reference value).
struct Words<'a>(&'a [u16]);

impl<'a> IntoIterator for &Words<'a> {
    type Item = &'a u16;
    type IntoIter = std::slice::Iter<'a, u16>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Largest sentence-pair matrix accumulated densely (normal articles); longer texts use a map.
const DENSE_LIMIT: usize = 1 << 16;

thread_local! {
    static SCRATCH: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Each sentence's (term, weight) list, sorted by term, from term-sorted postings.
fn sentence_lists(postings: &[(Term, u32, f32)], n: usize) -> Vec<Vec<(Term, f32)>> {
    let mut lists = vec![Vec::new(); n];
    for &(t, i, w) in postings {
        lists[i as usize].push((t, w));
    }
    lists
}

fn shared_weight(a: &[(Term, f32)], b: &[(Term, f32)]) -> f32 {
    let (mut i, mut j, mut w) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                w += a[i].1;
                i += 1;
                j += 1;
            }
        }
    }
    w
}

/// Best-scoring chain of matches (sorted by (i, j)) with `i` strictly increasing and `j`
/// non-decreasing, or strictly increasing when `strict`. Returns its value and, for `strict`,
/// the chain itself.
fn best_chain(
    matches: &[Match],
    cols: usize,
    value: impl Fn(&Match) -> f32,
    strict: bool,
) -> (f32, Vec<Match>) {
    let mut tree = PrefixMax::new(cols);
    let mut best: Vec<(f32, Option<usize>)> = Vec::with_capacity(matches.len());
    let mut start = 0;
    while start < matches.len() {
        let row = matches[start].i;
        let end = start + matches[start..].iter().take_while(|x| x.i == row).count();
        // Query the whole row before updating, so two matches of one row never chain.
        for x in &matches[start..end] {
            let j = x.j as usize;
            let prev = if strict {
                if j == 0 {
                    (0.0, None)
                } else {
                    tree.query(j - 1)
                }
            } else {
                tree.query(j)
            };
            best.push((prev.0 + value(x), prev.1));
        }
        for (k, x) in matches[start..end].iter().enumerate() {
            tree.update(x.j as usize, best[start + k].0, start + k);
        }
        start = end;
    }
    let (total, mut at) = tree.query(cols - 1);
    let mut chain = Vec::new();
    if strict {
        while let Some(k) = at {
            chain.push(matches[k]);
            at = best[k].1;
        }
        chain.reverse();
    }
    (total, chain)
}

/// Fenwick tree over positions `0..n` answering "largest value at a position <= j", with the
/// index of the match that holds it.
pub(super) struct PrefixMax {
    tree: Vec<(f32, Option<usize>)>,
}

impl PrefixMax {
    pub(super) fn new(n: usize) -> Self {
        PrefixMax {
            tree: vec![(0.0, None); n + 1],
        }
    }

    pub(super) fn update(&mut self, pos: usize, value: f32, id: usize) {
        let mut k = pos + 1;
        while k < self.tree.len() {
            if value > self.tree[k].0 {
                self.tree[k] = (value, Some(id));
            }
            k += k & k.wrapping_neg();
        }
    }

    pub(super) fn query(&self, pos: usize) -> (f32, Option<usize>) {
        let mut k = (pos + 1).min(self.tree.len() - 1);
        let mut best = (0.0, None);
        while k > 0 {
            if self.tree[k].0 > best.0 {
                best = self.tree[k];
            }
            k -= k & k.wrapping_neg();
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(i: u32, j: u32, sim: f32) -> Match {
        Match { i, j, sim }
    }

    #[test]
    fn strict_chain_is_the_heaviest_increasing_path() {
        // Diagonal 0-0, 1-1, 2-2 (0.5 each) against a crossing heavy pair 0-2 (0.9) + 2-0 (0.9).
        let ms = vec![
            m(0, 0, 0.5),
            m(0, 2, 0.9),
            m(1, 1, 0.5),
            m(2, 0, 0.9),
            m(2, 2, 0.5),
        ];
        let (v, path) = best_chain(&ms, 3, |x| x.sim, true);
        assert!((v - 1.5).abs() < 1e-6);
        let pairs: Vec<(u32, u32)> = path.iter().map(|x| (x.i, x.j)).collect();
        assert_eq!(pairs, vec![(0, 0), (1, 1), (2, 2)]);
    }

    #[test]
    fn non_strict_chain_lets_two_sentences_map_to_one() {
        // A sentence of b was split into a's sentences 0 and 1.
        let ms = vec![m(0, 0, 0.6), m(1, 0, 0.6), m(2, 1, 0.8)];
        assert!((best_chain(&ms, 2, |x| x.sim, false).0 - 2.0).abs() < 1e-6);
        assert!((best_chain(&ms, 2, |x| x.sim, true).0 - 1.4).abs() < 1e-6);
    }
}

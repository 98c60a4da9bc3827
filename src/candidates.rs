//! Candidate pairs stage: which pairs of articles are worth scoring.
//!
//! Scoring every pair is quadratic. Rewrites change nearly every word, so shingle MinHash
//! misses them; what they keep is their names, numbers and rare words. Each article therefore
//! gets a *signature*: its rarest content terms by background English frequency (stable, so a
//! persistent index can store it) plus a fixed sample of its word 5-grams (for verbatim and
//! partial copies, whose rare words may be few). An inverted index over signatures proposes
//! the pairs that share at least two signature terms or one sampled 5-gram. Terms common
//! enough to link too many articles are left out of the index.
//!
//! All-pairs stays available as the reference, and is used below [`AUTO_ALL_PAIRS_BELOW`]
//! articles, where it is cheap.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::features::{self, ArticleFeatures, IdBuild, Term};

/// Below this many articles every pair is scored.
pub const AUTO_ALL_PAIRS_BELOW: usize = 2_000;

/// Rarest terms kept per article.
const SIGNATURE_TERMS: usize = 24;
/// Terms at least this common in English (Zipf) never enter a signature.
const MAX_SIGNATURE_ZIPF: f32 = 4.5;
/// Signature terms two articles must share.
const MIN_SHARED_TERMS: u32 = 3;
/// Sampled 5-grams two articles must share (one common phrase is no evidence of copying).
const MIN_SHARED_SHINGLES: u32 = 2;
/// One 5-gram in this many goes into the shingle sample (chosen by hash, so every article
/// samples the same 5-grams).
const SHINGLE_SAMPLE: u32 = 16;
/// Postings longer than this share of the folder (within the bounds below) are dropped: the
/// term links too many articles to tell anything.
const MAX_POSTINGS_SHARE: usize = 100;
const MAX_POSTINGS_BOUNDS: (usize, usize) = (100, 2_000);

/// How pairs are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// All pairs below [`AUTO_ALL_PAIRS_BELOW`] articles, the index above.
    Auto,
    AllPairs,
    Index,
}

impl Strategy {
    pub fn uses_index(self, n: usize) -> bool {
        match self {
            Strategy::Auto => n >= AUTO_ALL_PAIRS_BELOW,
            Strategy::AllPairs => false,
            Strategy::Index => true,
        }
    }
}

/// Every unordered pair `(i, j)` with `i < j < n`, as a parallel iterator.
pub fn all_pairs(n: usize) -> impl ParallelIterator<Item = (u32, u32)> {
    let n = n as u32;
    (0..n)
        .into_par_iter()
        .flat_map_iter(move |i| (i + 1..n).map(move |j| (i, j)))
}

/// Number of pairs [`all_pairs`] yields.
pub fn all_pairs_count(n: usize) -> u64 {
    let n = n as u64;
    n * n.saturating_sub(1) / 2
}

/// What an article contributes to the index: signature terms and sampled 5-grams, each a
/// sorted list of hashes. Small and folder-independent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signature {
    pub terms: Vec<Term>,
    pub shingles: Vec<u32>,
}

/// The signature of one article: its rarest terms by background English frequency (terms
/// common in the folder are dropped by the postings cap in [`propose`]).
pub fn signature(f: &ArticleFeatures) -> Signature {
    let bg = features::background();
    let mut ranked: Vec<(f32, Term)> = f
        .terms
        .iter()
        .map(|&(t, _)| (bg.zipf(t), t))
        .filter(|&(z, _)| z < MAX_SIGNATURE_ZIPF)
        .collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut terms: Vec<Term> = ranked
        .into_iter()
        .take(SIGNATURE_TERMS)
        .map(|(_, t)| t)
        .collect();
    terms.sort_unstable();
    let shingles = f
        .shingles
        .iter()
        .copied()
        .filter(|h| h % SHINGLE_SAMPLE == 0)
        .collect();
    Signature { terms, shingles }
}

/// Pairs `(i, j)`, `i < j`, proposed by the signature index, sorted.
pub fn propose(signatures: &[Signature]) -> Vec<(u32, u32)> {
    let cap =
        (signatures.len() / MAX_POSTINGS_SHARE).clamp(MAX_POSTINGS_BOUNDS.0, MAX_POSTINGS_BOUNDS.1);
    let terms = postings(signatures.iter().map(|s| &s.terms), cap);
    let shingles = postings(signatures.iter().map(|s| &s.shingles), cap);
    let mut pairs: Vec<(u32, u32)> = (0..signatures.len())
        .into_par_iter()
        .flat_map_iter(|i| {
            let i = i as u32;
            let sig = &signatures[i as usize];
            // Later articles sharing enough terms, or enough sampled 5-grams, with this one.
            let mut out = shared_at_least(&sig.terms, &terms, i, MIN_SHARED_TERMS);
            out.extend(shared_at_least(
                &sig.shingles,
                &shingles,
                i,
                MIN_SHARED_SHINGLES,
            ));
            out
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// Pairs `(i, j)`, `j > i`, whose keys share at least `min` entries of `index`.
fn shared_at_least(
    keys: &[u32],
    index: &HashMap<u32, Vec<u32>, IdBuild>,
    i: u32,
    min: u32,
) -> Vec<(u32, u32)> {
    let mut partners: Vec<u32> = keys
        .iter()
        .filter_map(|k| index.get(k))
        .flat_map(|list| list.iter().copied().filter(|&j| j > i))
        .collect();
    partners.sort_unstable();
    let mut out = Vec::new();
    let mut k = 0;
    while k < partners.len() {
        let j = partners[k];
        let run = partners[k..].iter().take_while(|&&x| x == j).count();
        if run as u32 >= min {
            out.push((i, j));
        }
        k += run;
    }
    out
}

/// How many of `copies` (pairs found by all-pairs scoring) the index proposes, and how many
/// pairs it proposes in all: the measure that the index loses no copies.
pub fn coverage(features: &[ArticleFeatures], copies: &[(u32, u32)]) -> (usize, usize) {
    let signatures: Vec<Signature> = features.par_iter().map(signature).collect();
    let proposed = propose(&signatures);
    let found = copies
        .iter()
        .filter(|&&(a, b)| proposed.binary_search(&(a.min(b), a.max(b))).is_ok())
        .count();
    (found, proposed.len())
}

/// Inverted lists key -> articles, without the over-long ones.
fn postings<'a>(
    lists: impl Iterator<Item = &'a Vec<u32>>,
    cap: usize,
) -> HashMap<u32, Vec<u32>, IdBuild> {
    let mut index: HashMap<u32, Vec<u32>, IdBuild> = HashMap::default();
    for (i, keys) in lists.enumerate() {
        for &k in keys {
            index.entry(k).or_default().push(i as u32);
        }
    }
    index.retain(|_, v| v.len() >= 2 && v.len() <= cap);
    index
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::{extract, Language};

    #[test]
    fn all_pairs_are_each_unordered_pair_once() {
        let mut p: Vec<(u32, u32)> = all_pairs(4).collect();
        p.sort_unstable();
        assert_eq!(p, vec![(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]);
        assert_eq!(all_pairs_count(4), 6);
        assert_eq!(all_pairs_count(0), 0);
    }

    #[test]
    fn a_rewrite_sharing_names_is_proposed_and_an_unrelated_story_is_not() {
        let lang = Language::english();
        let docs = [
            extract(&["Harbour master Lena Vasquez closed the north pier in Port Ellis after inspectors found cracks in three pillars."], &lang),
            extract(&["Inspectors discovered cracking in three pillars, so Port Ellis harbour master Lena Vasquez shut the north pier."], &lang),
            extract(&["The city orchestra announced twelve concerts featuring young composers from the conservatory."], &lang),
        ];
        let sigs: Vec<Signature> = docs.iter().map(signature).collect();
        assert_eq!(propose(&sigs), vec![(0, 1)]);
    }

    #[test]
    fn signatures_keep_rare_terms_and_drop_common_ones() {
        let lang = Language::english();
        let f = extract(
            &["The people said the government would meet Vasquez in Carrow next year."],
            &lang,
        );
        let sig = signature(&f);
        let has = |w: &str| sig.terms.contains(&features::stem_term(&lang.stem(w)));
        assert!(has("vasquez") && has("carrow"));
        assert!(!has("people") && !has("year"));
    }

    #[test]
    fn strategy_chooses_all_pairs_for_small_folders() {
        assert!(!Strategy::Auto.uses_index(100));
        assert!(Strategy::Auto.uses_index(AUTO_ALL_PAIRS_BELOW));
        assert!(Strategy::Index.uses_index(2));
        assert!(!Strategy::AllPairs.uses_index(1_000_000));
    }
}

//! Candidate pairs stage: which pairs of articles are worth scoring.
//!
//! Scoring every pair is quadratic. Rewrites change nearly every word, so shingle MinHash
//! misses them; what they keep is their names, numbers and rare words, sentence by sentence.
//! Each article therefore gets a *signature* of three kinds of keys:
//! - its rarest content terms (in English at large: names, numbers, rare words);
//! - *facts*: per sentence, its two rarest kept tokens (names, numbers) as one key, which a
//!   rewrite keeps whatever the wording around them, and which is far more specific than
//!   either token alone;
//! - a fixed sample of its word 5-grams (verbatim and partial copies, whose rare words may be
//!   few).
//!
//! An inverted index over the keys proposes the pairs that share at least three terms, two
//! facts or two sampled 5-grams. A key's articles are all paired up to [`MAX_POSTINGS`] of
//! them; in a longer list each article meets only its next few, which keeps the cost linear
//! in the folder size and still connects large families of copies (they share many keys).
//!
//! All-pairs stays available as the reference, and is used below [`AUTO_ALL_PAIRS_BELOW`]
//! articles, where it is cheap. `spinscan eval` reports the index's recall against it.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::features::{self, ArticleFeatures, IdBuild, Term};
use crate::store::{Decoder, Encoder};

/// Below this many articles every pair is scored.
pub const AUTO_ALL_PAIRS_BELOW: usize = 2_000;

/// Rarest terms kept per article.
const SIGNATURE_TERMS: usize = 24;
/// Terms at least this common in English (Zipf) never enter a signature.
const MAX_SIGNATURE_ZIPF: f32 = 4.5;
/// Signature terms two articles must share.
const MIN_SHARED_TERMS: u32 = 3;
/// Sentence facts (pairs of kept tokens) two articles must share.
const MIN_SHARED_FACTS: u32 = 2;
/// Sampled 5-grams two articles must share (one common phrase is no evidence of copying).
const MIN_SHARED_SHINGLES: u32 = 2;
/// One 5-gram in this many goes into the shingle sample (chosen by hash, so every article
/// samples the same 5-grams).
const SHINGLE_SAMPLE: u32 = 16;
/// Articles of a key's postings that are all paired with each other. Comparing every pair of
/// a longer list would cost its length squared (a folder's topic words link thousands).
const MAX_POSTINGS: usize = 64;
/// In a longer list, each article is paired only with this many articles after it in the
/// list: members of a large family of copies share many such keys (all their 5-grams, all
/// their rare names), so neighbouring members still meet the thresholds in several lists,
/// and the family stays connected; articles sharing only common words rarely neighbour twice.
const LONG_POSTINGS_WINDOW: usize = 4;

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
    /// Per sentence holding two or more kept tokens (names, numbers), the hash of its two
    /// heaviest: a fact as a rewrite keeps it, whatever the wording around it. Sorted, unique.
    pub facts: Vec<u32>,
}

impl Signature {
    pub fn encode(&self, e: &mut Encoder) {
        e.u32s(self.terms.iter().copied());
        e.u32s(self.shingles.iter().copied());
        e.u32s(self.facts.iter().copied());
    }

    pub fn decode(blob: &[u8]) -> std::io::Result<Signature> {
        let mut d = Decoder::new(blob);
        let sig = Signature {
            terms: d.u32s()?,
            shingles: d.u32s()?,
            facts: d.u32s()?,
        };
        d.finish()?;
        Ok(sig)
    }
}

/// The signature of one article: its rarest terms in English at large (the background table),
/// so it depends on the article alone and a stored signature stays valid as the folder grows.
/// Terms common in this folder are left to the postings cap in [`propose`]. (Ranking by the
/// folder-damped weight instead was tried: words found in one article only then outrank the
/// names an article shares with its rewrites, and on the real pages one rewrite pair of 31 was
/// lost.)
pub fn signature(f: &ArticleFeatures) -> Signature {
    let bg = features::Language::get(f.lang).background();
    let mut ranked: Vec<(f32, Term)> = f
        .terms
        .iter()
        .map(|&(t, _)| (bg.zipf(t), t))
        .filter(|&(z, _)| z < MAX_SIGNATURE_ZIPF)
        .collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    // Collected afresh: collecting from `ranked` itself would reuse its (much larger)
    // allocation, and a million signatures are kept.
    let mut terms: Vec<Term> = Vec::with_capacity(SIGNATURE_TERMS.min(ranked.len()));
    terms.extend(ranked.iter().take(SIGNATURE_TERMS).map(|&(_, t)| t));
    terms.sort_unstable();
    let shingles = f
        .shingles
        .iter()
        .copied()
        .filter(|h| h % SHINGLE_SAMPLE == 0)
        .collect();
    let mut facts = Vec::new();
    for s in &f.sentences {
        let mut kept: Vec<(f32, Term)> = s
            .terms
            .iter()
            .filter(|&&t| features::is_number_term(t) || f.names.binary_search(&t).is_ok())
            .map(|&t| (-bg.zipf(t), t))
            .collect();
        if kept.len() < 2 {
            continue;
        }
        kept.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let (x, y) = (kept[0].1.min(kept[1].1), kept[0].1.max(kept[1].1));
        let h = (u64::from(x) << 32 | u64::from(y)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        facts.push((h >> 32) as u32);
    }
    facts.sort_unstable();
    facts.dedup();
    Signature {
        terms,
        shingles,
        facts,
    }
}

/// Pairs `(i, j)`, `i < j`, proposed by the signature index, sorted.
pub fn propose(signatures: &[Signature]) -> Vec<(u32, u32)> {
    let all: Vec<u32> = (0..signatures.len() as u32).collect();
    Index::build(signatures).pairs(signatures, &all, false)
}

/// The pairs [`propose`] would give that involve at least one article with `fresh[i]` set,
/// sorted: what an incremental run compares, without the cost of the pairs among old
/// articles (already scored by earlier runs).
pub fn propose_involving(signatures: &[Signature], fresh: &[bool]) -> Vec<(u32, u32)> {
    let new: Vec<u32> = (0..signatures.len() as u32)
        .filter(|&i| fresh.get(i as usize).copied().unwrap_or(false))
        .collect();
    Index::build(signatures).pairs(signatures, &new, true)
}

/// The inverted lists of the three kinds of signature key.
struct Index {
    terms: Postings,
    shingles: Postings,
    facts: Postings,
}

impl Index {
    fn build(signatures: &[Signature]) -> Index {
        Index {
            terms: postings(signatures.par_iter().map(|s| &s.terms)),
            shingles: postings(signatures.par_iter().map(|s| &s.shingles)),
            facts: postings(signatures.par_iter().map(|s| &s.facts)),
        }
    }

    /// Pairs `(i, j)`, `i < j`, with `i` or `j` among `from`, that share enough terms, facts or
    /// sampled 5-grams, sorted. Each article of `from` looks at later articles, and with
    /// `earlier` also at earlier ones (as those would have found it).
    fn pairs(&self, signatures: &[Signature], from: &[u32], earlier: bool) -> Vec<(u32, u32)> {
        let (cap, window) = (MAX_POSTINGS, LONG_POSTINGS_WINDOW);
        let mut pairs: Vec<(u32, u32)> = from
            .par_iter()
            .flat_map_iter(|&i| {
                let sig = &signatures[i as usize];
                let mut out = Vec::new();
                for (keys, index, min) in [
                    (&sig.terms, &self.terms, MIN_SHARED_TERMS),
                    (&sig.shingles, &self.shingles, MIN_SHARED_SHINGLES),
                    (&sig.facts, &self.facts, MIN_SHARED_FACTS),
                ] {
                    out.extend(shared(keys, index, i, min, cap, window, true).map(|j| (i, j)));
                    if earlier {
                        out.extend(shared(keys, index, i, min, cap, window, false).map(|h| (h, i)));
                    }
                }
                out
            })
            .collect();
        pairs.par_sort_unstable();
        pairs.dedup();
        pairs
    }
}

/// Articles after `i` (or before it) in at least `min` of its keys' lists: all of a list up to
/// `cap` long, the nearest `window` of a longer one. Lists are in article order, so a pair
/// `(i, j)` is found from `i` looking later and from `j` looking earlier.
fn shared(
    keys: &[u32],
    index: &Postings,
    i: u32,
    min: u32,
    cap: usize,
    window: usize,
    later: bool,
) -> impl Iterator<Item = u32> {
    let mut partners: Vec<u32> = Vec::new();
    for list in keys.iter().filter_map(|k| index.get(k)) {
        let (before, after) = match list.binary_search(&i) {
            Ok(p) => (&list[..p], &list[p + 1..]),
            Err(p) => (&list[..p], &list[p..]),
        };
        let side = if later { after } else { before };
        let take = if list.len() <= cap {
            side.len()
        } else {
            window.min(side.len())
        };
        if later {
            partners.extend_from_slice(&side[..take]);
        } else {
            partners.extend_from_slice(&side[side.len() - take..]);
        }
    }
    partners.sort_unstable();
    let found: Vec<u32> = partners
        .chunk_by(|x, y| x == y)
        .filter(|run| run.len() as u32 >= min)
        .map(|run| run[0])
        .collect();
    found.into_iter()
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

/// Inverted lists key -> articles (in article order), for keys of two or more articles.
///
/// Built from one flat, sorted list of (key, article) entries rather than a growing map of
/// vectors: most sampled 5-grams occur in one article only, and a map entry with its own
/// vector for each of a million articles' keys would cost gigabytes before they are dropped.
struct Postings {
    /// Key -> (start, length) in `articles`.
    slots: HashMap<u32, (u32, u32), IdBuild>,
    articles: Vec<u32>,
}

impl Postings {
    fn get(&self, key: &u32) -> Option<&[u32]> {
        self.slots
            .get(key)
            .map(|&(start, len)| &self.articles[start as usize..(start + len) as usize])
    }
}

fn postings<'a>(lists: impl IndexedParallelIterator<Item = &'a Vec<u32>>) -> Postings {
    let mut entries: Vec<(u32, u32)> = lists
        .enumerate()
        .flat_map_iter(|(i, keys)| keys.iter().map(move |&k| (k, i as u32)))
        .collect();
    entries.par_sort_unstable();
    let mut slots: HashMap<u32, (u32, u32), IdBuild> = HashMap::default();
    let mut articles = Vec::new();
    for run in entries.chunk_by(|x, y| x.0 == y.0) {
        if run.len() >= 2 {
            slots.insert(run[0].0, (articles.len() as u32, run.len() as u32));
            articles.extend(run.iter().map(|&(_, i)| i));
        }
    }
    articles.shrink_to_fit();
    Postings { slots, articles }
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
            extract(&["Harbour master Lena Vasquez closed the north pier in Port Ellis after inspectors found cracks in three pillars."], lang),
            extract(&["Inspectors discovered cracking in three pillars, so Port Ellis harbour master Lena Vasquez shut the north pier."], lang),
            extract(&["The city orchestra announced twelve concerts featuring young composers from the conservatory."], lang),
        ];
        let sigs: Vec<Signature> = docs.iter().map(signature).collect();
        assert_eq!(propose(&sigs), vec![(0, 1)]);
    }

    #[test]
    fn signatures_keep_rare_terms_and_drop_common_ones() {
        let lang = Language::english();
        let f = extract(
            &["The people said the government would meet Vasquez in Carrow next year."],
            lang,
        );
        let sig = signature(&f);
        let has = |w: &str| sig.terms.contains(&features::stem_term(&lang.stem(w)));
        assert!(has("vasquez") && has("carrow"));
        assert!(!has("people") && !has("year"));
    }

    #[test]
    fn a_large_family_of_verbatim_copies_stays_connected() {
        // 200 copies of one story (more than MAX_POSTINGS share each key) among 200 notices
        // of another kind: every copy is still proposed with another copy.
        let lang = Language::english();
        let story = "Harbour master Lena Vasquez closed the north pier in Port Ellis on Tuesday after inspectors found cracks in three concrete pillars. Repairs will cost about 2.4 million krona and take at least six weeks, said Vasquez, who met ferry operators at the quay. Northline moved its morning sailings to the south basin, adding 20 minutes to each crossing.";
        let mut docs = Vec::new();
        for k in 0..400 {
            if k % 2 == 0 {
                docs.push(extract(&[story], lang));
            } else {
                let other = format!("Council member number {k} opened the new library wing in Dunmore, where volunteer group {} catalogued {} donated books during the spring.", k * 7, k * 13);
                docs.push(extract(&[&other], lang));
            }
        }
        let sigs: Vec<Signature> = docs.iter().map(signature).collect();
        let pairs = propose(&sigs);
        for copy in (0..400u32).step_by(2) {
            assert!(
                pairs
                    .iter()
                    .any(|&(a, b)| (a == copy || b == copy) && a % 2 == 0 && b % 2 == 0),
                "copy {copy} has no candidate partner"
            );
        }
        assert!(
            pairs.iter().all(|&(a, b)| a % 2 == b % 2),
            "the story and the library notices are never proposed together"
        );
        assert!(pairs.len() < 200 * 20, "cost stays linear: {}", pairs.len());
    }

    #[test]
    fn pairs_involving_new_articles_are_those_propose_gives() {
        let lang = Language::english();
        let story = "Harbour master Lena Vasquez closed the north pier in Port Ellis on Tuesday after inspectors found cracks in three concrete pillars. Repairs will cost about 2.4 million krona, said Vasquez.";
        let docs: Vec<ArticleFeatures> = (0..150)
            .map(|k| {
                if k % 3 == 0 {
                    extract(&[story], lang)
                } else {
                    let t = format!("Volunteer group {k} catalogued {} donated books in Dunmore library number {} during the spring fair.", k * 13, k * 7);
                    extract(&[&t], lang)
                }
            })
            .collect();
        let sigs: Vec<Signature> = docs.iter().map(signature).collect();
        let all = propose(&sigs);
        let fresh: Vec<bool> = (0..150).map(|k| k % 7 == 0).collect();
        let want: Vec<(u32, u32)> = all
            .iter()
            .copied()
            .filter(|&(a, b)| fresh[a as usize] || fresh[b as usize])
            .collect();
        assert!(!want.is_empty());
        assert_eq!(propose_involving(&sigs, &fresh), want);
    }

    #[test]
    fn signatures_round_trip() {
        let lang = Language::english();
        let f = extract(
            &["Harbour master Lena Vasquez said 2.4 million krona would be spent in Port Ellis."],
            lang,
        );
        let sig = signature(&f);
        let mut e = Encoder::default();
        sig.encode(&mut e);
        assert_eq!(Signature::decode(&e.bytes).expect("decodes"), sig);
    }

    #[test]
    fn strategy_chooses_all_pairs_for_small_folders() {
        assert!(!Strategy::Auto.uses_index(100));
        assert!(Strategy::Auto.uses_index(AUTO_ALL_PAIRS_BELOW));
        assert!(Strategy::Index.uses_index(2));
        assert!(!Strategy::AllPairs.uses_index(1_000_000));
    }
}

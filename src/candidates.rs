//! Candidate pairs stage: which pairs of articles are worth scoring.
//!
//! For now every pair is scored (the reference, exact but quadratic). The scorer takes any
//! list of pairs, so a sub-quadratic proposer (an inverted index over rare stems, kept tokens
//! and sentence fingerprints) can replace this without touching scoring.

use rayon::prelude::*;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_pairs_are_each_unordered_pair_once() {
        let mut p: Vec<(u32, u32)> = all_pairs(4).collect();
        p.sort_unstable();
        assert_eq!(p, vec![(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]);
        assert_eq!(all_pairs_count(4), 6);
        assert_eq!(all_pairs_count(0), 0);
    }
}

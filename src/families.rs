//! Families stage: group articles that copy one another.
//!
//! Copy pairs are edges; a family is not simply a connected component, because one weak edge
//! (a mashup that takes half of each of two stories, a borderline rewrite) would chain two
//! unrelated families into one. Inside each component, clusters are merged by average linkage:
//! two clusters join only when the mean pair score between all their members is high enough,
//! and at least one copy edge connects them.
//!
//! Invariant: every article is in exactly one family; families are numbered in order of their
//! first member, so the same input gives the same numbering.

use std::collections::HashMap;

use crate::score::{CopyModel, PairScore, Relation};

/// Mean pair score between two clusters needed to merge them. A missing pair counts as 0.
pub const MERGE_LINKAGE: f32 = 0.30;

/// Components larger than this are kept whole (average linkage is cubic in component size).
const MAX_LINKAGE_COMPONENT: usize = 1500;

/// Links siblings: two copies of one source often share little wording with each other
/// (each reworded it its own way, or each took a different write-through), yet each is
/// clearly a copy of a third article. A pair whose own copy probability reaches the model's
/// `sibling_min` becomes a rewrite when some third article is a copy of both with probability
/// `sibling_support` or more. An independent report is not a strong copy of anything, so it
/// is not pulled in this way. `pairs` must be sorted by (a, b); one pass, no chaining: only
/// the verdicts from scoring are used as support.
pub fn link_siblings(
    pairs: &mut [PairScore],
    model: &CopyModel,
    same_language: impl Fn(u32, u32) -> bool,
) {
    if model.sibling_min >= 1.0 {
        return;
    }
    // Scores of pairs in two languages are anchor chains, not copy probabilities: they
    // neither support nor make sibling links.
    let mut strong: HashMap<u32, Vec<(u32, f32)>> = HashMap::new();
    for p in pairs
        .iter()
        .filter(|p| p.score >= model.sibling_support && same_language(p.a, p.b))
    {
        strong.entry(p.a).or_default().push((p.b, p.score));
        strong.entry(p.b).or_default().push((p.a, p.score));
    }
    for v in strong.values_mut() {
        v.sort_unstable_by_key(|x| x.0);
    }
    let support = |a: u32, b: u32| match (strong.get(&a), strong.get(&b)) {
        (Some(x), Some(y)) => common_support(x, y),
        _ => 0.0,
    };
    let linked: Vec<usize> = pairs
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            !p.relation.is_copy()
                && same_language(p.a, p.b)
                && p.score >= model.sibling_min
                && support(p.a, p.b) >= model.sibling_support
        })
        .map(|(k, _)| k)
        .collect();
    for k in linked {
        pairs[k].relation = Relation::Rewrite;
    }
}

/// The best support two articles get from a common neighbour: over the neighbours in both
/// lists (each sorted by neighbour), the highest min(weight to a, weight to b).
pub fn common_support<K: Ord>(x: &[(K, f32)], y: &[(K, f32)]) -> f32 {
    let (mut i, mut j, mut best) = (0, 0, 0f32);
    while i < x.len() && j < y.len() {
        match x[i].0.cmp(&y[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                best = best.max(x[i].1.min(y[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    best
}

/// Groups `n` articles. Returns families (sorted member lists), largest evidence first within
/// each, ordered by their smallest member; singletons included.
pub fn group(n: usize, pairs: &[PairScore]) -> Vec<Vec<u32>> {
    let mut uf = UnionFind::new(n);
    for p in pairs.iter().filter(|p| p.relation.is_copy()) {
        uf.union(p.a as usize, p.b as usize);
    }
    let mut components: HashMap<usize, Vec<u32>> = HashMap::new();
    for i in 0..n {
        components.entry(uf.find(i)).or_default().push(i as u32);
    }
    let strength: HashMap<(u32, u32), (f32, bool)> = pairs
        .iter()
        .map(|p| {
            (
                (p.a.min(p.b), p.a.max(p.b)),
                (p.score, p.relation.is_copy()),
            )
        })
        .collect();
    let mut families = Vec::new();
    for (_, members) in components {
        if members.len() <= 2 || members.len() > MAX_LINKAGE_COMPONENT {
            families.push(members);
        } else {
            families.extend(average_linkage(&members, &strength));
        }
    }
    for f in &mut families {
        f.sort_unstable();
    }
    families.sort_unstable_by_key(|f| f[0]);
    families
}

fn average_linkage(members: &[u32], strength: &HashMap<(u32, u32), (f32, bool)>) -> Vec<Vec<u32>> {
    let get = |a: u32, b: u32| {
        strength
            .get(&(a.min(b), a.max(b)))
            .copied()
            .unwrap_or((0.0, false))
    };
    let mut clusters: Vec<Vec<u32>> = members.iter().map(|&m| vec![m]).collect();
    loop {
        let mut best: Option<(usize, usize, f32)> = None;
        for x in 0..clusters.len() {
            for y in x + 1..clusters.len() {
                let mut sum = 0.0;
                let mut linked = false;
                for &a in &clusters[x] {
                    for &b in &clusters[y] {
                        let (s, copy) = get(a, b);
                        sum += s;
                        linked |= copy;
                    }
                }
                let mean = sum / (clusters[x].len() * clusters[y].len()) as f32;
                if linked && mean >= MERGE_LINKAGE && best.is_none_or(|(_, _, m)| mean > m) {
                    best = Some((x, y, mean));
                }
            }
        }
        let Some((x, y, _)) = best else { break };
        let moved = clusters.swap_remove(y);
        clusters[x].extend(moved);
    }
    clusters
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::Signals;

    fn pair(a: u32, b: u32, score: f32, relation: Relation) -> PairScore {
        PairScore {
            a,
            b,
            signals: Signals::default(),
            score,
            relation,
        }
    }

    fn model(sibling_min: f32, sibling_support: f32) -> CopyModel {
        let mut m = CopyModel::builtin().clone();
        (m.sibling_min, m.sibling_support) = (sibling_min, sibling_support);
        m
    }

    #[test]
    fn siblings_are_linked_through_a_shared_source_and_independents_are_not() {
        // 0 is the source; 1 and 2 rewrite it (each a strong copy of 0, weak with each other);
        // 3 is an independent report, weakly similar to all of them.
        let mut pairs = vec![
            pair(0, 1, 0.95, Relation::Rewrite),
            pair(0, 2, 0.92, Relation::Rewrite),
            pair(0, 3, 0.35, Relation::SameStory),
            pair(1, 2, 0.40, Relation::SameStory),
            pair(1, 3, 0.45, Relation::SameStory),
            pair(2, 3, 0.30, Relation::SameStory),
        ];
        link_siblings(&mut pairs, &model(0.2, 0.8), |_, _| true);
        let rel = |a, b| {
            pairs
                .iter()
                .find(|p| p.a == a && p.b == b)
                .unwrap()
                .relation
        };
        assert_eq!(
            rel(1, 2),
            Relation::Rewrite,
            "siblings through their source"
        );
        assert_eq!(
            rel(1, 3),
            Relation::SameStory,
            "no strong copy links 3 to anything"
        );
        assert_eq!(rel(0, 3), Relation::SameStory);
    }

    #[test]
    fn sibling_linking_needs_the_pair_itself_to_be_close() {
        let mut pairs = vec![
            pair(0, 1, 0.95, Relation::Rewrite),
            pair(0, 2, 0.95, Relation::Rewrite),
            pair(1, 2, 0.10, Relation::Unrelated),
        ];
        link_siblings(&mut pairs, &model(0.2, 0.8), |_, _| true);
        assert_eq!(
            pairs[2].relation,
            Relation::Unrelated,
            "one link short of sibling_min"
        );
        link_siblings(&mut pairs, &model(1.0, 0.8), |_, _| true);
        assert_eq!(pairs[2].relation, Relation::Unrelated, "linking off");
    }

    #[test]
    fn copies_group_and_singletons_stay_alone() {
        let pairs = vec![
            pair(0, 1, 0.9, Relation::VerbatimCopy),
            pair(1, 2, 0.6, Relation::Rewrite),
            pair(0, 2, 0.5, Relation::Rewrite),
            pair(0, 3, 0.2, Relation::SameStory),
        ];
        assert_eq!(group(5, &pairs), vec![vec![0, 1, 2], vec![3], vec![4]]);
    }

    #[test]
    fn one_weak_link_does_not_chain_two_families() {
        // Family {0,1,2} and family {3,4,5}, joined only through a mashup-like edge 2-3.
        let mut pairs = vec![];
        for (a, b) in [(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5)] {
            pairs.push(pair(a, b, 0.9, Relation::VerbatimCopy));
        }
        pairs.push(pair(2, 3, 0.45, Relation::PartialCopy));
        let f = group(6, &pairs);
        assert_eq!(f, vec![vec![0, 1, 2], vec![3, 4, 5]]);
    }
}

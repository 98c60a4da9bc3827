//! The baselines every figure is compared with: what a user would otherwise run.
//!
//! - word 5-gram Jaccard: what MinHash near-duplicate detectors estimate;
//! - TF-IDF cosine: classic document similarity, with IDF from the folder itself.
//!
//! Both see the same content text as spinscan (boilerplate removed), so the comparison is
//! about the scoring, not about the cleaning.

use std::collections::HashMap;

use crate::features::{ArticleFeatures, IdBuild};
use crate::text::intersect_count;

/// Word 5-gram Jaccard similarity of two articles.
pub fn jaccard5(a: &ArticleFeatures, b: &ArticleFeatures) -> f64 {
    let shared = intersect_count(&a.shingles, &b.shingles);
    let union = a.shingles.len() + b.shingles.len() - shared;
    if union == 0 {
        0.0
    } else {
        shared as f64 / union as f64
    }
}

/// TF-IDF vectors of a folder's articles (log-scaled term counts, IDF `ln(N / df)`).
pub struct TfIdf {
    vectors: Vec<Vec<(u32, f64)>>,
    norms: Vec<f64>,
}

impl TfIdf {
    pub fn new(articles: &[ArticleFeatures]) -> TfIdf {
        let mut df: HashMap<u32, u32, IdBuild> = HashMap::default();
        for a in articles {
            for &(t, _) in &a.terms {
                *df.entry(t).or_insert(0) += 1;
            }
        }
        let n = articles.len().max(1) as f64;
        let vectors: Vec<Vec<(u32, f64)>> = articles
            .iter()
            .map(|a| {
                a.terms
                    .iter()
                    .map(|&(t, tf)| {
                        let idf = (n / f64::from(df[&t])).ln();
                        (t, (1.0 + f64::from(tf).ln()) * idf)
                    })
                    .collect()
            })
            .collect();
        let norms = vectors
            .iter()
            .map(|v| v.iter().map(|(_, x)| x * x).sum::<f64>().sqrt())
            .collect();
        TfIdf { vectors, norms }
    }

    /// Cosine similarity of articles `i` and `j`.
    pub fn cosine(&self, i: usize, j: usize) -> f64 {
        let (a, b) = (&self.vectors[i], &self.vectors[j]);
        let denom = self.norms[i] * self.norms[j];
        if denom == 0.0 {
            return 0.0;
        }
        let (mut x, mut y, mut dot) = (0, 0, 0.0);
        while x < a.len() && y < b.len() {
            match a[x].0.cmp(&b[y].0) {
                std::cmp::Ordering::Less => x += 1,
                std::cmp::Ordering::Greater => y += 1,
                std::cmp::Ordering::Equal => {
                    dot += a[x].1 * b[y].1;
                    x += 1;
                    y += 1;
                }
            }
        }
        dot / denom
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::{extract, Language};

    #[test]
    fn baselines_rank_a_copy_above_an_unrelated_text() {
        let lang = Language::english();
        let docs = [
            extract(
                &["The council approved the new harbour wall on Monday after a long debate."],
                lang,
            ),
            extract(
                &["The council approved the new harbour wall on Monday after a long debate."],
                lang,
            ),
            extract(
                &["A violinist won the regional music prize for her recital of folk songs."],
                lang,
            ),
        ];
        assert!((jaccard5(&docs[0], &docs[1]) - 1.0).abs() < 1e-9);
        assert_eq!(jaccard5(&docs[0], &docs[2]), 0.0);
        let t = TfIdf::new(&docs);
        assert!(t.cosine(0, 1) > 0.99);
        assert!(t.cosine(0, 2) < 0.01);
    }
}

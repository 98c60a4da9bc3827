//! Synonym classes for sentence alignment.
//!
//! A rewrite swaps words for synonyms ("stated" for "said", "blaze" for "fire" where a sense is
//! shared), which stemming alone does not see: the rewritten sentence then looks less like its
//! counterpart than it is. Each word listed in `data/thesaurus/wordnet_en.tsv` (derived from
//! WordNet 3.0 by `scripts/make-synonym-classes`: the most frequent sense of each part of
//! speech) adds a class term to its sentence, at a share of its own weight, so two sentences
//! using synonyms share the class even where their stems differ.
//!
//! Invariant: classes are added when an article is prepared for scoring, never stored in its
//! features, so a change of table needs no state rebuild.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::features::{stem_term, IdBuild, Language, Term};
use crate::text::tagged_hash;

/// Share of a word's weight its synonym class carries: a synonym is weaker evidence than the
/// same word, and the word itself also shares its class with its counterpart.
pub(super) const CLASS_SHARE: f32 = 0.5;

const TAG_CLASS: u8 = b'c';

static WORDNET_EN: &str = include_str!("../../data/thesaurus/wordnet_en.tsv");

/// Stem term to the class terms of every listed word with that stem.
pub(super) struct Thesaurus {
    classes: HashMap<Term, Vec<Term>, IdBuild>,
}

/// The English table, parsed (and its words stemmed) once on first use.
pub(super) fn english() -> &'static Thesaurus {
    static TABLE: LazyLock<Thesaurus> =
        LazyLock::new(|| Thesaurus::parse(WORDNET_EN, &Language::english()));
    &TABLE
}

impl Thesaurus {
    fn parse(tsv: &str, lang: &Language) -> Thesaurus {
        let mut classes: HashMap<Term, Vec<Term>, IdBuild> = HashMap::default();
        for line in tsv.lines().filter(|l| !l.starts_with('#')) {
            let Some((word, ids)) = line.split_once('\t') else {
                continue;
            };
            let list = classes.entry(stem_term(&lang.stem(word))).or_default();
            for id in ids.split_whitespace() {
                // Class terms are stem-like (low bit clear) in their own hash namespace.
                list.push((tagged_hash(TAG_CLASS, id) as u32) & !1);
            }
        }
        for list in classes.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        Thesaurus { classes }
    }

    /// The synonym classes of a term (none for numbers and unlisted words).
    pub(super) fn classes(&self, term: Term) -> &[Term] {
        self.classes.get(&term).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(word: &str) -> Term {
        stem_term(&Language::english().stem(word))
    }

    fn share_a_class(a: &str, b: &str) -> bool {
        let t = english();
        t.classes(term(a))
            .iter()
            .any(|c| t.classes(term(b)).contains(c))
    }

    #[test]
    fn synonyms_share_a_class_and_unrelated_words_do_not() {
        assert!(
            share_a_class("stated", "said"),
            "irregular form joins its base word"
        );
        assert!(share_a_class("states", "tells"));
        assert!(share_a_class("ran", "running"));
        assert!(!share_a_class("said", "earthquake"));
        assert!(!share_a_class("president", "bridge"));
    }

    #[test]
    fn numbers_and_unknown_words_have_no_class() {
        let t = english();
        assert!(t.classes(crate::features::number_term("2024")).is_empty());
        assert!(t.classes(term("zxqvbn")).is_empty());
    }
}

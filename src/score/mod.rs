//! Pair scoring stage: measure how two articles relate and name the relation.
//!
//! The signals, from surface to structure:
//! - verbatim overlap: word 5-gram containment each way (scraper copies, partial copies);
//! - IDF-weighted cosine of stemmed content words (same topic);
//! - sentence alignment: every sentence matched to its best counterpart, once freely and once
//!   under an order-keeping (monotone) constraint. A rewrite rewords every sentence but keeps
//!   the facts in order, so its sentences align *in order*; an independent report of the same
//!   event shares names and official quotes but tells them in its own order;
//! - kept tokens: names and numbers, which rewriters keep and independent reports share too;
//! - word-level edit similarity of aligned sentences: high for synonym spinning (same sentence
//!   skeleton, words swapped), low for paraphrase.
//!
//! Invariant: [`score_pair`] is symmetric in what it decides (relation, score); directional
//! signals are reported as `_ab` (share of a found in b) and `_ba`.

mod align;
pub use align::SentencePair;
mod facts;
pub mod model;

use crate::features::{ArticleFeatures, Background, LangId, Language, Term, Weights};
use crate::store::{Decoder, Encoder};
use crate::text::intersect_count;
pub use model::CopyModel;

/// Relation between two articles. Column values of `pairs.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Relation {
    /// Same body, word for word (scraper copy), maybe different boilerplate or title.
    VerbatimCopy,
    /// A verbatim part of one article inside the other (truncated copy, mashup).
    PartialCopy,
    /// Word-for-word synonym swaps over the same sentences.
    SpunCopy,
    /// Paraphrase: sentences reworded, facts kept in order; summaries included.
    Rewrite,
    /// An independent report of the same event: not a copy.
    SameStory,
    Unrelated,
    /// The same article in another language: its names, numbers and their order kept.
    TranslatedCopy,
}

impl Relation {
    /// Every relation; a relation's index here is how a state stores it (new ones go last).
    pub const ALL: [Relation; 7] = [
        Relation::VerbatimCopy,
        Relation::PartialCopy,
        Relation::SpunCopy,
        Relation::Rewrite,
        Relation::SameStory,
        Relation::Unrelated,
        Relation::TranslatedCopy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Relation::VerbatimCopy => "verbatim_copy",
            Relation::PartialCopy => "partial_copy",
            Relation::SpunCopy => "spun_copy",
            Relation::Rewrite => "rewrite",
            Relation::SameStory => "same_story",
            Relation::Unrelated => "unrelated",
            Relation::TranslatedCopy => "translated_copy",
        }
    }

    pub fn parse(s: &str) -> Option<Relation> {
        Relation::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// One article derives from the other (or both from a common source).
    pub fn is_copy(self) -> bool {
        matches!(
            self,
            Relation::VerbatimCopy
                | Relation::PartialCopy
                | Relation::SpunCopy
                | Relation::Rewrite
                | Relation::TranslatedCopy
        )
    }
}

/// Thresholds of the relation decision, in one place.
///
/// Where they come from: read off the per-relation signal distributions of the synthetic
/// spun-dev set (boilerplate removed), checked against the five seed pages (three real rewrites,
/// two independent reports) and the real-dev pages (rewrite and narration thresholds). Re-fit
/// with `scripts/fit` (fit on one half of the families, report on the other); the figures and
/// the fit/test comparison are in EVALUATION.md.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// A sentence pair counts as aligned when its weighted similarity reaches this.
    pub sentence_sim: f32,
    /// Verbatim copy: 5-gram containment both ways (same body)...
    pub verbatim_containment: f32,
    /// ...and this share of aligned sentences copied word for word.
    pub verbatim_sentence_share: f32,
    /// Partial copy: containment of the copied block in the article it is part of...
    pub partial_containment: f32,
    /// ...at least this many sentences copied word for word, making up this share of the
    /// aligned sentences...
    pub partial_sentences: u32,
    pub partial_sentence_share: f32,
    /// ...with this mean edit similarity (copied, not reworded)...
    pub partial_edit: f32,
    /// ...taken as a block (see [`Signals::density`]), not picked here and there (summaries).
    pub partial_density: f32,
    /// Passage copy: a run of consecutive sentences copied word for word, outside quotes, of
    /// at least this many words makes a partial copy whatever the containment: a passage
    /// lifted into a long document is a small share of it.
    pub passage_words: u32,
    /// ...when neither text is mostly aligned with the other.
    pub passage_max_alignment: f32,
    /// A pair whose aligned sentences are mostly verbatim is not a rewrite (nothing was
    /// reworded) unless the shorter text is contained this much (summaries of a few sentences).
    pub reworded_share: f32,
    /// Rewrite: the rewrite score (see [`rewrite_score`]) from which a pair is a rewrite...
    pub rewrite_score: f32,
    /// ...or when the shorter article has fewer than 5 sentences (chance alignments).
    pub rewrite_score_short: f32,
    /// Weight of the aligned sentences' edit similarity in the rewrite score (the rest is
    /// in-order alignment). Real rewrites keep fragments of wording ("was the target of an
    /// assassination attempt"); independent reports share names and quotes, rarely phrasing.
    pub rewrite_edit_weight: f32,
    /// A rewrite that keeps some of the reporter's own wording: at least this many shared
    /// narration 5-grams (outside quotation marks; independent reports share quotes, not
    /// narration)...
    pub narration_shingles: u32,
    /// ...with a rewrite score of at least this...
    pub narration_rewrite_score: f32,
    /// ...and aligned sentences following each other closely (see [`Signals::density`]), not
    /// scattered matches.
    pub narration_density: f32,
    /// A rewrite keeps at least this many 5-grams of the reporter's own wording (outside
    /// quotation marks). Every labeled rewrite in spun-dev, real-dev and the seeds keeps one or
    /// more; independent reports of one event can share none.
    pub rewrite_min_narration: u32,
    /// Spin: aligned sentences keep their skeleton (edit similarity this high)...
    pub spin_edit: f32,
    /// ...both articles align this much...
    pub spin_alignment: f32,
    /// ...sentence for sentence.
    pub spin_density: f32,
    /// Kept-token overlap or cosine from which two articles tell the same story.
    pub same_story_kept: f32,
    pub same_story_cosine: f32,
    /// Below this cosine and with no shared shingle, the pair is not aligned at all (speed).
    pub skip_cosine: f32,
    /// Articles in two languages: a translated copy shares at least this many anchors...
    pub translated_anchors: u32,
    /// ...and tells this share of the shorter anchor sequence in the same order.
    pub translated_chain: f32,
    /// Fewer anchors in common than this and two articles in two languages are unrelated.
    pub translated_same_story: u32,
    /// The fitted copy model; `None` is the one shipped in `data/model/copy.tsv`.
    pub model: Option<&'static CopyModel>,
}

impl Params {
    pub const DEFAULT: Params = Params {
        sentence_sim: 0.30,
        verbatim_containment: 0.90,
        verbatim_sentence_share: 0.90,
        partial_containment: 0.25,
        partial_sentences: 2,
        partial_sentence_share: 0.60,
        partial_edit: 0.95,
        partial_density: 0.80,
        passage_words: 40,
        passage_max_alignment: 0.7,
        reworded_share: 0.6,
        rewrite_score: 0.28,
        rewrite_score_short: 0.40,
        rewrite_edit_weight: 0.33,
        narration_shingles: 6,
        rewrite_min_narration: 1,
        narration_rewrite_score: 0.20,
        narration_density: 0.35,
        spin_edit: 0.85,
        spin_alignment: 0.70,
        spin_density: 0.90,
        same_story_kept: 0.30,
        same_story_cosine: 0.25,
        skip_cosine: 0.20,
        translated_anchors: 5,
        translated_chain: 0.6,
        translated_same_story: 4,
        model: None,
    };

    /// The copy model in use.
    pub fn model(&self) -> &'static CopyModel {
        self.model.unwrap_or_else(CopyModel::builtin)
    }
}

impl Params {
    /// Sets one threshold by its field name (for `spinscan eval --set` and `scripts/fit`).
    pub fn set(&mut self, name: &str, value: f32) -> anyhow::Result<()> {
        let field = match name {
            "sentence_sim" => &mut self.sentence_sim,
            "verbatim_containment" => &mut self.verbatim_containment,
            "verbatim_sentence_share" => &mut self.verbatim_sentence_share,
            "partial_containment" => &mut self.partial_containment,
            "partial_sentence_share" => &mut self.partial_sentence_share,
            "partial_edit" => &mut self.partial_edit,
            "partial_density" => &mut self.partial_density,
            "rewrite_score" => &mut self.rewrite_score,
            "rewrite_score_short" => &mut self.rewrite_score_short,
            "rewrite_edit_weight" => &mut self.rewrite_edit_weight,
            "spin_edit" => &mut self.spin_edit,
            "spin_alignment" => &mut self.spin_alignment,
            "spin_density" => &mut self.spin_density,
            "same_story_kept" => &mut self.same_story_kept,
            "same_story_cosine" => &mut self.same_story_cosine,
            "skip_cosine" => &mut self.skip_cosine,
            "translated_chain" => &mut self.translated_chain,
            "translated_anchors" => {
                self.translated_anchors = value.max(0.0).round() as u32;
                return Ok(());
            }
            "reworded_share" => &mut self.reworded_share,
            "passage_max_alignment" => &mut self.passage_max_alignment,
            "narration_rewrite_score" => &mut self.narration_rewrite_score,
            "narration_density" => &mut self.narration_density,
            "rewrite_min_narration" => {
                self.rewrite_min_narration = value.max(0.0).round() as u32;
                return Ok(());
            }
            "narration_shingles" => {
                self.narration_shingles = value.max(0.0).round() as u32;
                return Ok(());
            }
            "passage_words" => {
                self.passage_words = value.max(0.0).round() as u32;
                return Ok(());
            }
            "partial_sentences" => {
                self.partial_sentences = value.max(0.0).round() as u32;
                return Ok(());
            }
            other => anyhow::bail!("unknown parameter {other:?}"),
        };
        *field = value;
        Ok(())
    }
}

impl Default for Params {
    fn default() -> Self {
        Params::DEFAULT
    }
}

/// All signals for one pair. Directional ones: `_ab` is the share of a found in b.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Signals {
    pub containment_ab: f32,
    pub containment_ba: f32,
    pub jaccard5: f32,
    /// Word 5-grams of narration (outside quotation marks) the two share.
    pub narration_shared: u32,
    pub cosine: f32,
    pub align_ab: f32,
    pub align_ba: f32,
    /// In-order alignment divided by free (any-order) alignment, both directions pooled.
    pub order: f32,
    /// Sentence pairs on the one-to-one in-order alignment path.
    pub aligned_sentences: u32,
    /// Of those, pairs whose wording is verbatim (edit similarity >= [`VERBATIM_SENTENCE`]).
    pub verbatim_sentences: u32,
    /// Words in the longest run of consecutive sentences copied word for word (in the same
    /// order on both sides) that hold no quotation marks: the mark of a passage lifted into a
    /// longer text. Shared quotes do not count; nor do unchanged sentences scattered through a
    /// spin or a summary.
    pub copied_run_words: u32,
    /// Aligned sentences per sentence spanned by the alignment, on the side where that is
    /// lowest: near 1 when a block was taken whole (truncated copy, mashup), lower when
    /// sentences were picked here and there (summary).
    pub density: f32,
    /// Mean word-level edit similarity of aligned sentence pairs.
    pub edit_similarity: f32,
    /// Share of a's names and numbers (weighted) found in b, and of b's found in a.
    pub kept_ab: f32,
    pub kept_ba: f32,
    /// Share of quotes (of the article with fewer) found in the other.
    pub quotes: f32,
    /// Where the two differ in wording, how much rarer a's own words are than b's (difference
    /// of mean background Zipf frequency). Spinners and rewriters swap plain words for rarer
    /// ones, so a positive value says a is the rewrite.
    pub vocabulary_shift: f32,
    /// Names and numbers (facts) the two share.
    pub facts_shared: u32,
    /// Of the shared facts' weight, the share in the heaviest chain that both articles tell in
    /// the same order (see [`facts`]). Rewrites and siblings keep the source's order of facts.
    pub fact_order: f32,
    /// That chain's weight over the fact weight of the article with less.
    pub fact_chain: f32,
    /// Share of a's sentence weight before its first sentence on the alignment path, and
    /// after its last (b's: `lead_ba`, `tail_ba`): a copy wrapped in an added hook or
    /// conclusion has margins its source lacks, a truncated copy lacks its source's tail.
    pub lead_ab: f32,
    pub lead_ba: f32,
    pub tail_ab: f32,
    pub tail_ba: f32,
    /// Mean ratio of shorter to longer sentence, in words, over the aligned sentence pairs:
    /// near 1 when words were swapped one for one (a spinner), lower when sentences were
    /// recast (a language-model rewrite, a summary).
    pub shape: f32,
    /// Articles in two languages: names and numbers both tell ([`crate::features::Anchor`]),
    /// and the share of the shorter anchor sequence the other tells in the same order. A
    /// translation keeps its source's names, numbers and their order; an independent report
    /// in another language shares names and official figures, not their sequence.
    pub anchors_shared: u32,
    pub anchor_chain: f32,
}

/// The outcome for one pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairScore {
    pub a: u32,
    pub b: u32,
    pub signals: Signals,
    /// How strongly one is a copy of the other, 0..1.
    pub score: f32,
    pub relation: Relation,
}

impl PairScore {
    /// Writes the pair's relation, score and signals (its article numbers are the caller's).
    pub fn encode(&self, e: &mut Encoder) {
        let s = &self.signals;
        e.u32(
            Relation::ALL
                .iter()
                .position(|&r| r == self.relation)
                .unwrap_or(5) as u32,
        );
        e.f32(self.score);
        e.f32s([
            s.containment_ab,
            s.containment_ba,
            s.jaccard5,
            s.cosine,
            s.align_ab,
            s.align_ba,
            s.order,
            s.density,
            s.edit_similarity,
            s.kept_ab,
            s.kept_ba,
            s.quotes,
            s.vocabulary_shift,
            s.fact_order,
            s.fact_chain,
            s.lead_ab,
            s.lead_ba,
            s.tail_ab,
            s.tail_ba,
            s.shape,
            s.anchor_chain,
        ]);
        e.u32s([
            s.narration_shared,
            s.aligned_sentences,
            s.verbatim_sentences,
            s.copied_run_words,
            s.facts_shared,
            s.anchors_shared,
        ]);
    }

    pub fn decode(a: u32, b: u32, blob: &[u8]) -> std::io::Result<PairScore> {
        let mut d = Decoder::new(blob);
        let relation = Relation::ALL
            .get(d.u32()? as usize)
            .copied()
            .unwrap_or(Relation::Unrelated);
        let score = d.f32()?;
        let f = d.f32s()?;
        let u = d.u32s()?;
        d.finish()?;
        let (
            &[containment_ab, containment_ba, jaccard5, cosine, align_ab, align_ba, order, density, edit_similarity, kept_ab, kept_ba, quotes, vocabulary_shift, fact_order, fact_chain, lead_ab, lead_ba, tail_ab, tail_ba, shape, anchor_chain],
            &[narration_shared, aligned_sentences, verbatim_sentences, copied_run_words, facts_shared, anchors_shared],
        ) = (&f[..], &u[..])
        else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "inconsistent pair blob",
            ));
        };
        Ok(PairScore {
            a,
            b,
            signals: Signals {
                containment_ab,
                containment_ba,
                jaccard5,
                narration_shared,
                cosine,
                align_ab,
                align_ba,
                order,
                aligned_sentences,
                verbatim_sentences,
                copied_run_words,
                density,
                edit_similarity,
                kept_ab,
                kept_ba,
                quotes,
                vocabulary_shift,
                facts_shared,
                fact_order,
                fact_chain,
                lead_ab,
                lead_ba,
                tail_ab,
                tail_ba,
                shape,
                anchors_shared,
                anchor_chain,
            },
            score,
            relation,
        })
    }
}

/// An article's features with the folder's weights applied, ready for many comparisons.
/// It is what the blob store keeps per article between feature extraction and scoring
/// ([`Prepared::encode`], [`Prepared::decode`]), so it holds only what scoring reads.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// Word 5-gram hashes, sorted.
    shingles: Vec<u32>,
    /// Bit k set when `shingles[k]` is narration (outside quotation marks) somewhere.
    narration: Vec<u64>,
    /// Content terms with tf * weight, sorted by term.
    doc: Vec<(Term, f32)>,
    doc_norm: f32,
    /// Per sentence: summed weight of its terms.
    pub(crate) sentence_weight: Vec<f32>,
    pub(crate) sentence_quoted: Vec<bool>,
    /// Sentence k's words are `words[word_start[k]..word_start[k + 1]]`.
    word_start: Vec<u32>,
    words: Vec<u16>,
    /// (term, sentence, weight) for every sentence term, sorted by term: lets two articles'
    /// sentences be matched by one merge instead of a hash table per pair.
    pub(crate) postings: Vec<(Term, u32, f32)>,
    /// Names and numbers with weights, sorted.
    kept: Vec<(Term, f32)>,
    kept_weight: f32,
    quotes: Vec<Vec<Term>>,
    /// Names and numbers at their first mention, sorted by term, with their total weight.
    facts: Vec<facts::Fact>,
    fact_weight: f32,
    /// The article's names and numbers as language-independent anchors at their first
    /// mention, sorted by anchor, with their total weight (compared across languages only).
    anchors: Vec<facts::Fact>,
    anchor_weight: f32,
    /// The article's language ([`crate::features::Language`]): articles in two languages
    /// are never same-language copies.
    pub(crate) lang: LangId,
}

impl Prepared {
    pub fn new(f: &ArticleFeatures, w: &Weights) -> Prepared {
        Prepared::from_features(f.clone(), w)
    }

    /// Like [`Prepared::new`], taking the features over instead of copying them (memory).
    pub fn from_features(f: ArticleFeatures, w: &Weights) -> Prepared {
        let bg = Language::get(f.lang).background();
        let doc: Vec<(Term, f32)> = f
            .terms
            .iter()
            .map(|&(t, tf)| (t, (1.0 + f32::from(tf).ln()) * w.weight(t, bg)))
            .collect();
        let doc_norm = doc.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
        let mut postings: Vec<(Term, u32, f32)> = Vec::new();
        let mut sentence_weight = Vec::with_capacity(f.sentences.len());
        for (i, s) in f.sentences.iter().enumerate() {
            let mut total = 0.0;
            for &t in &s.terms {
                let x = w.weight(t, bg);
                total += x;
                postings.push((t, i as u32, x));
            }
            sentence_weight.push(total);
        }
        postings.sort_unstable_by_key(|x| (x.0, x.1));
        let mut kept: Vec<(Term, f32)> = f
            .names
            .iter()
            .chain(&f.numbers)
            .map(|&t| (t, w.weight(t, bg)))
            .collect();
        kept.sort_unstable_by_key(|&(t, _)| t);
        kept.dedup_by_key(|&mut (t, _)| t);
        let kept_weight = kept.iter().map(|(_, x)| x).sum();
        let mut narration = vec![0u64; f.shingles.len().div_ceil(64)];
        let mut k = 0;
        for (i, &h) in f.shingles.iter().enumerate() {
            while k < f.narration_shingles.len() && f.narration_shingles[k] < h {
                k += 1;
            }
            if f.narration_shingles.get(k) == Some(&h) {
                narration[i / 64] |= 1 << (i % 64);
            }
        }
        let facts = facts::sequence(&f, w, bg);
        let anchors = facts::anchors(&f, w, bg);
        let anchor_weight = anchors.iter().map(|x| x.weight).sum();
        let fact_weight = facts.iter().map(|x| x.weight).sum();
        let mut word_start = Vec::with_capacity(f.sentences.len() + 1);
        word_start.push(0);
        let mut words = Vec::new();
        for s in &f.sentences {
            words.extend_from_slice(&s.words);
            word_start.push(words.len() as u32);
        }
        Prepared {
            shingles: f.shingles,
            narration,
            doc,
            doc_norm,
            sentence_weight,
            sentence_quoted: f.sentences.iter().map(|s| s.quoted).collect(),
            word_start,
            words,
            postings,
            kept,
            kept_weight,
            quotes: f.quotes,
            facts,
            fact_weight,
            anchors,
            anchor_weight,
            lang: f.lang,
        }
    }

    /// The words of sentence `i`.
    pub(crate) fn sentence_words(&self, i: usize) -> &[u16] {
        &self.words[self.word_start[i] as usize..self.word_start[i + 1] as usize]
    }

    fn is_narration(&self, k: usize) -> bool {
        self.narration[k / 64] & (1 << (k % 64)) != 0
    }

    /// Writes the scoring form as a blob (see [`crate::store`]).
    pub fn encode(&self, e: &mut Encoder) {
        e.u32s(self.shingles.iter().copied());
        e.u64s(self.narration.iter().copied());
        e.u32s(self.doc.iter().map(|d| d.0));
        e.f32s(self.doc.iter().map(|d| d.1));
        e.f32(self.doc_norm);
        e.f32s(self.sentence_weight.iter().copied());
        e.u32s(self.sentence_quoted.iter().map(|&q| u32::from(q)));
        e.u32s(self.word_start.iter().copied());
        e.u16s(self.words.iter().copied());
        match self.grouped_postings() {
            Some(g) => {
                e.u32(1);
                e.u16s(g.counts);
                e.f32s(g.weights);
                e.u16s(g.sentences);
            }
            None => {
                e.u32(0);
                e.u32s(self.postings.iter().map(|p| p.0));
                e.u32s(self.postings.iter().map(|p| p.1));
                e.f32s(self.postings.iter().map(|p| p.2));
            }
        }
        e.u32s(self.kept.iter().map(|k| k.0));
        e.f32s(self.kept.iter().map(|k| k.1));
        e.f32(self.kept_weight);
        e.u32s(self.quotes.iter().map(|q| q.len() as u32));
        e.u32s(self.quotes.iter().flat_map(|q| q.iter().copied()));
        e.u32s(self.facts.iter().map(|x| x.term));
        e.u32s(self.facts.iter().map(|x| x.sentence));
        e.f32s(self.facts.iter().map(|x| x.weight));
        e.f32(self.fact_weight);
        e.u32s(self.anchors.iter().map(|x| x.term));
        e.u32s(self.anchors.iter().map(|x| x.sentence));
        e.f32s(self.anchors.iter().map(|x| x.weight));
        e.f32(self.anchor_weight);
        e.u32(u32::from(self.lang));
    }

    /// The postings grouped by the document's terms, for a blob a fifth smaller: every term of
    /// the document is in some sentence, and a term has one weight wherever it occurs, so each
    /// posting needs only its sentence. None when that does not hold (or a count or a sentence
    /// number does not fit 16 bits): the blob then lists the postings in full.
    fn grouped_postings(&self) -> Option<GroupedPostings> {
        let mut g = GroupedPostings {
            counts: Vec::with_capacity(self.doc.len()),
            weights: Vec::with_capacity(self.doc.len()),
            sentences: Vec::with_capacity(self.postings.len()),
        };
        let mut rest = &self.postings[..];
        for &(term, _) in &self.doc {
            let n = rest.iter().take_while(|p| p.0 == term).count();
            let (group, tail) = rest.split_at(n);
            let weight = group.first()?.2;
            if group.iter().any(|p| p.2.to_bits() != weight.to_bits()) {
                return None;
            }
            g.counts.push(u16::try_from(n).ok()?);
            g.weights.push(weight);
            for p in group {
                g.sentences.push(u16::try_from(p.1).ok()?);
            }
            rest = tail;
        }
        rest.is_empty().then_some(g)
    }

    /// Reads a blob [`Prepared::encode`] wrote; a malformed blob is an error.
    pub fn decode(blob: &[u8]) -> std::io::Result<Prepared> {
        let bad =
            || std::io::Error::new(std::io::ErrorKind::InvalidData, "inconsistent scoring blob");
        let mut d = Decoder::new(blob);
        let shingles = d.u32s()?;
        let narration = d.u64s()?;
        let doc_terms = d.u32s()?;
        let doc_weights = d.f32s()?;
        let doc_norm = d.f32()?;
        let sentence_weight = d.f32s()?;
        let quoted = d.u32s()?;
        let word_start = d.u32s()?;
        let words = d.u16s()?;
        let (posting_terms, posting_sentences, posting_weights) = match d.u32()? {
            0 => (d.u32s()?, d.u32s()?, d.f32s()?),
            1 => {
                let counts = d.u16s()?;
                let weights = d.f32s()?;
                let sentences = d.u16s()?;
                if counts.len() != doc_terms.len()
                    || weights.len() != doc_terms.len()
                    || counts.iter().map(|&c| usize::from(c)).sum::<usize>() != sentences.len()
                {
                    return Err(bad());
                }
                let mut terms = Vec::with_capacity(sentences.len());
                let mut posting_weights = Vec::with_capacity(sentences.len());
                for ((&t, &c), &w) in doc_terms.iter().zip(&counts).zip(&weights) {
                    for _ in 0..c {
                        terms.push(t);
                        posting_weights.push(w);
                    }
                }
                let sentences = sentences.into_iter().map(u32::from).collect();
                (terms, sentences, posting_weights)
            }
            _ => return Err(bad()),
        };
        let kept_terms = d.u32s()?;
        let kept_weights = d.f32s()?;
        let kept_weight = d.f32()?;
        let quote_lens = d.u32s()?;
        let quote_terms = d.u32s()?;
        let fact_terms = d.u32s()?;
        let fact_sentences = d.u32s()?;
        let fact_weights = d.f32s()?;
        let fact_weight = d.f32()?;
        let anchor_terms = d.u32s()?;
        let anchor_sentences = d.u32s()?;
        let anchor_weights = d.f32s()?;
        let anchor_weight = d.f32()?;
        let lang = LangId::try_from(d.u32()?).map_err(|_| bad())?;
        d.finish()?;
        let n = sentence_weight.len();
        let consistent = narration.len() == shingles.len().div_ceil(64)
            && doc_terms.len() == doc_weights.len()
            && quoted.len() == n
            && word_start.len() == n + 1
            && word_start.windows(2).all(|w| w[0] <= w[1])
            && word_start
                .last()
                .is_some_and(|&e| e as usize == words.len())
            && posting_terms.len() == posting_sentences.len()
            && posting_terms.len() == posting_weights.len()
            && posting_sentences.iter().all(|&i| (i as usize) < n)
            && kept_terms.len() == kept_weights.len()
            && quote_lens.iter().map(|&l| l as usize).sum::<usize>() == quote_terms.len()
            && fact_terms.len() == fact_sentences.len()
            && fact_terms.len() == fact_weights.len()
            && anchor_terms.len() == anchor_sentences.len()
            && anchor_terms.len() == anchor_weights.len();
        if !consistent {
            return Err(bad());
        }
        let mut rest = &quote_terms[..];
        let quotes = quote_lens
            .iter()
            .map(|&l| {
                let (q, r) = rest.split_at(l as usize);
                rest = r;
                q.to_vec()
            })
            .collect();
        Ok(Prepared {
            shingles,
            narration,
            doc: doc_terms.into_iter().zip(doc_weights).collect(),
            doc_norm,
            sentence_weight,
            sentence_quoted: quoted.into_iter().map(|q| q != 0).collect(),
            word_start,
            words,
            postings: posting_terms
                .into_iter()
                .zip(posting_sentences)
                .zip(posting_weights)
                .map(|((t, i), w)| (t, i, w))
                .collect(),
            kept: kept_terms.into_iter().zip(kept_weights).collect(),
            kept_weight,
            quotes,
            facts: facts::from_columns(fact_terms, fact_sentences, fact_weights),
            fact_weight,
            anchors: facts::from_columns(anchor_terms, anchor_sentences, anchor_weights),
            anchor_weight,
            lang,
        })
    }
}

/// A scoring form's postings as [`Prepared::grouped_postings`] writes them.
struct GroupedPostings {
    /// Postings per document term, in the document's term order.
    counts: Vec<u16>,
    /// Each document term's weight.
    weights: Vec<f32>,
    /// Each posting's sentence.
    sentences: Vec<u16>,
}

/// Shared 5-grams, and how many of them are narration in both articles.
fn shingle_overlap(a: &Prepared, b: &Prepared) -> (usize, u32) {
    let (mut i, mut j, mut shared, mut narration) = (0, 0, 0, 0);
    while i < a.shingles.len() && j < b.shingles.len() {
        match a.shingles[i].cmp(&b.shingles[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                narration += u32::from(a.is_narration(i) && b.is_narration(j));
                i += 1;
                j += 1;
            }
        }
    }
    (shared, narration)
}

/// Scores one pair of prepared articles.
/// The aligned sentence pairs of two articles, as `score_pair` aligns them.
pub fn sentence_pairs(a: &Prepared, b: &Prepared, p: &Params) -> Vec<SentencePair> {
    align::sentence_pairs(a, b, p.sentence_sim)
}

pub fn score_pair(a_id: u32, b_id: u32, a: &Prepared, b: &Prepared, p: &Params) -> PairScore {
    let mut s = Signals::default();
    let (shared, narration_shared) = shingle_overlap(a, b);
    if !a.shingles.is_empty() {
        s.containment_ab = shared as f32 / a.shingles.len() as f32;
    }
    if !b.shingles.is_empty() {
        s.containment_ba = shared as f32 / b.shingles.len() as f32;
    }
    let union = a.shingles.len() + b.shingles.len() - shared;
    if union > 0 {
        s.jaccard5 = shared as f32 / union as f32;
    }
    s.narration_shared = narration_shared;
    if a.doc_norm > 0.0 && b.doc_norm > 0.0 {
        s.cosine = weighted_dot(&a.doc, &b.doc) / (a.doc_norm * b.doc_norm);
    }
    // Pairs with little vocabulary and (almost) no wording in common cannot be copies; their
    // story-level signals are still measured.
    if s.cosine >= p.skip_cosine || shared >= 3 {
        align::align(a, b, p.sentence_sim, &mut s);
        s.quotes = quote_overlap(&a.quotes, &b.quotes);
        s.vocabulary_shift = vocabulary_shift(&a.doc, &b.doc, Language::get(a.lang).background());
    }
    (s.kept_ab, s.kept_ba) = kept_overlap(a, b);
    let fo = facts::overlap(a, b);
    (s.facts_shared, s.fact_order, s.fact_chain) = (fo.shared, fo.order, fo.chain);
    let (relation, score) = if a.lang == b.lang {
        decide(&s, a, b, p)
    } else {
        let ao = facts::anchor_overlap(a, b);
        (s.anchors_shared, s.anchor_chain) = (ao.shared, ao.chain_both);
        across_languages(&s, p)
    };
    PairScore {
        a: a_id,
        b: b_id,
        signals: s,
        score,
        relation,
    }
}

/// Whether a scored pair is kept for the later stages: related pairs, and pairs close enough
/// to be linked as siblings through a third article.
pub fn is_kept(s: &PairScore, p: &Params) -> bool {
    s.relation != Relation::Unrelated || s.score >= p.model().sibling_min
}

/// The copy model's inputs for a scored pair, with the rules' verdict among them (what
/// `spinscan fit` trains on).
pub fn model_inputs(
    a: &Prepared,
    b: &Prepared,
    s: &Signals,
    p: &Params,
) -> (model::Inputs, model::RuleVerdict) {
    let (_, rule) = rule_relation(s, a, b, p);
    (inputs_with(a, b, s, p, rule), rule)
}

fn inputs_with(
    a: &Prepared,
    b: &Prepared,
    s: &Signals,
    p: &Params,
    rule: model::RuleVerdict,
) -> model::Inputs {
    let sentences = a.sentence_weight.len().min(b.sentence_weight.len()) as u32;
    let shared = (s.containment_ab * a.shingles.len() as f32).round() as u32;
    model::inputs(s, rewrite_score(s, p), sentences, shared, rule)
}

/// Names the relation and gives the copy score.
///
/// Whether the pair is a copy at all is the fitted model's call (see [`model`]): its
/// probability is the score. The rules below only name the kind of copy (verbatim, partial,
/// spun, rewrite) and, for pairs that are not copies, whether they tell the same story.
fn decide(s: &Signals, a: &Prepared, b: &Prepared, p: &Params) -> (Relation, f32) {
    let (kind, rule) = rule_relation(s, a, b, p);
    let model = p.model();
    let probability = model.probability(&inputs_with(a, b, s, p, rule));
    let copy = model::is_copy(probability, model.threshold, rule);
    let relation = match (copy, kind.is_copy()) {
        (true, true) | (false, false) => kind,
        (true, false) => Relation::Rewrite,
        (false, true) if same_story(s, p) => Relation::SameStory,
        (false, true) => Relation::Unrelated,
    };
    (relation, probability)
}

/// Two articles in two languages are never a same-language copy: either one translates the
/// other (most of the shorter one's names and numbers told in the same order) or they tell
/// the same story, or nothing. The score is the anchor chain.
fn across_languages(s: &Signals, p: &Params) -> (Relation, f32) {
    let relation =
        if s.anchors_shared >= p.translated_anchors && s.anchor_chain >= p.translated_chain {
            Relation::TranslatedCopy
        } else if s.anchors_shared >= p.translated_same_story {
            Relation::SameStory
        } else {
            Relation::Unrelated
        };
    (relation, s.anchor_chain)
}

fn same_story(s: &Signals, p: &Params) -> bool {
    s.kept_ab.max(s.kept_ba) >= p.same_story_kept && s.cosine >= p.same_story_cosine
}

/// The kind of relation the signals describe, by rule: which kind of copy, if the pair is
/// one, or whether two articles tell the same story; and which of the rules' tests held.
fn rule_relation(
    s: &Signals,
    a: &Prepared,
    b: &Prepared,
    p: &Params,
) -> (Relation, model::RuleVerdict) {
    let (short, long) = if a.shingles.len() <= b.shingles.len() {
        (s.containment_ab, s.containment_ba)
    } else {
        (s.containment_ba, s.containment_ab)
    };
    let rewrite = rewrite_score(s, p);
    let both_aligned = s.align_ab.min(s.align_ba);
    let short_sentences = a.sentence_weight.len().min(b.sentence_weight.len());
    let rewrite_bar = if short_sentences < 5 {
        p.rewrite_score_short
    } else {
        p.rewrite_score
    };
    let verbatim_share = s.verbatim_sentences as f32 / s.aligned_sentences.max(1) as f32;
    let same_story = same_story(s, p);
    let reworded = s.narration_shared >= p.rewrite_min_narration
        && (rewrite >= rewrite_bar
            || (s.narration_shared >= p.narration_shingles
                && rewrite >= p.narration_rewrite_score
                && s.density >= p.narration_density));
    // Sentence for sentence, the same skeleton with words swapped, over both whole texts.
    let spun = s.edit_similarity >= p.spin_edit
        && both_aligned >= p.spin_alignment
        && s.density >= p.spin_density;
    // A block of whole paragraphs copied word for word.
    let copied_block = short >= p.partial_containment
        && s.verbatim_sentences >= p.partial_sentences
        && verbatim_share >= p.partial_sentence_share
        && s.edit_similarity >= p.partial_edit
        && s.density >= p.partial_density;
    // A passage of prose lifted into a text that is otherwise different (a summary that keeps
    // its lead sentences is mostly covered by its source: that is a rewrite).
    let lifted_passage = s.copied_run_words >= p.passage_words
        && s.verbatim_sentences >= 2
        && s.align_ab.max(s.align_ba) < p.passage_max_alignment;
    let verbatim =
        short.min(long) >= p.verbatim_containment && verbatim_share >= p.verbatim_sentence_share;
    let shared_block = verbatim_share >= p.reworded_share && short < p.partial_containment;
    let verdict = model::RuleVerdict {
        verbatim,
        partial: copied_block || lifted_passage,
        spun: reworded && spun,
        rewrite: reworded,
        shared_block,
    };
    let relation = if verbatim {
        Relation::VerbatimCopy
    } else if copied_block {
        Relation::PartialCopy
    } else if reworded && spun {
        Relation::SpunCopy
    } else if lifted_passage {
        Relation::PartialCopy
    } else if shared_block {
        // What aligns is shared word for word and small: a shared block or quotes, not a
        // rewrite. Keep the story-level verdict.
        if same_story {
            Relation::SameStory
        } else {
            Relation::Unrelated
        }
    } else if reworded {
        Relation::Rewrite
    } else if same_story {
        Relation::SameStory
    } else {
        Relation::Unrelated
    };
    (relation, verdict)
}

/// Evidence that one article rewords the other: in-order sentence alignment (mean of both
/// directions) and how much wording the aligned sentences keep, blended geometrically so that
/// neither alone makes a rewrite (one shared sentence has perfect wording but no coverage).
pub fn rewrite_score(s: &Signals, p: &Params) -> f32 {
    let aligned = (s.align_ab + s.align_ba) / 2.0;
    aligned.powf(1.0 - p.rewrite_edit_weight) * s.edit_similarity.powf(p.rewrite_edit_weight)
}

/// Edit similarity from which an aligned sentence pair counts as copied word for word.
pub const VERBATIM_SENTENCE: f32 = 0.95;

/// Mean Zipf frequency of b's words missing from a, minus that of a's words missing from b.
fn vocabulary_shift(a: &[(Term, f32)], b: &[(Term, f32)], bg: &Background) -> f32 {
    let (mut i, mut j) = (0, 0);
    let (mut sum_a, mut n_a, mut sum_b, mut n_b) = (0.0, 0u32, 0.0, 0u32);
    let own = |t: Term, sum: &mut f32, n: &mut u32| {
        if !crate::features::is_number_term(t) {
            *sum += bg.zipf(t);
            *n += 1;
        }
    };
    while i < a.len() || j < b.len() {
        let next = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => x.0.cmp(&y.0),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match next {
            std::cmp::Ordering::Less => {
                own(a[i].0, &mut sum_a, &mut n_a);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                own(b[j].0, &mut sum_b, &mut n_b);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    if n_a < 3 || n_b < 3 {
        return 0.0;
    }
    sum_b / n_b as f32 - sum_a / n_a as f32
}

fn kept_overlap(a: &Prepared, b: &Prepared) -> (f32, f32) {
    let (mut i, mut j, mut common) = (0, 0, 0.0);
    while i < a.kept.len() && j < b.kept.len() {
        match a.kept[i].0.cmp(&b.kept[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += a.kept[i].1;
                i += 1;
                j += 1;
            }
        }
    }
    let share = |total: f32| {
        if total > 0.0 {
            (common / total).min(1.0)
        } else {
            0.0
        }
    };
    (share(a.kept_weight), share(b.kept_weight))
}

fn quote_overlap(a: &[Vec<Term>], b: &[Vec<Term>]) -> f32 {
    let (few, many) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if few.is_empty() {
        return 0.0;
    }
    let found = few
        .iter()
        .filter(|q| {
            many.iter().any(|r| {
                let c = intersect_count(q, r);
                c as f32 / q.len().min(r.len()) as f32 >= 0.5
            })
        })
        .count();
    found as f32 / few.len() as f32
}

fn weighted_dot(a: &[(Term, f32)], b: &[(Term, f32)]) -> f32 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    dot
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::{extract, Language};

    const ORIGINAL: &[&str] = &[
        "The harbour authority in Port Ellis closed the north pier on Tuesday after inspectors found cracks in three of its concrete pillars.",
        "Harbour master Lena Vasquez said repairs would cost about 2.4 million krona and take at least six weeks.",
        "\"We cannot risk a collapse with ferries docking every hour,\" Vasquez told reporters at the quay.",
        "Ferry operator Northline moved its morning sailings to the south basin, adding roughly 20 minutes to each crossing.",
        "The pier was last rebuilt in 1998, when a storm surge destroyed its wooden deck.",
        "Fishermen who use the pier to land their catch will be offered temporary berths at Carrow Point.",
    ];

    /// Every sentence reworded, facts in the same order, names and numbers kept.
    const REWRITE: &[&str] = &[
        "On Tuesday, Port Ellis harbour officials shut the north pier once inspectors discovered cracking in three concrete pillars.",
        "According to harbour master Lena Vasquez, fixing the structure will take six weeks or more and cost around 2.4 million krona.",
        "Vasquez told reporters the authority could not risk a collapse while ferries were docking every hour.",
        "Northline, which runs the ferries, shifted its morning departures to the south basin, so each crossing now takes about 20 minutes longer.",
        "The structure was last rebuilt in 1998 after a storm surge wrecked its wooden deck.",
        "Temporary berths at Carrow Point will be made available to fishermen who normally land their catch at the pier.",
    ];

    /// The same event, written separately: its own order and facts, sharing names and a quote.
    const INDEPENDENT: &[&str] = &[
        "Commuters faced longer journeys on Wednesday as Northline ferries sailed from the south basin instead of their usual berth.",
        "Several passengers complained about the 20-minute detour and crowded platforms at the temporary terminal.",
        "Local councillor Amir Haddad called for an independent review of maintenance spending across the port.",
        "\"We cannot risk a collapse with ferries docking every hour,\" harbour master Lena Vasquez said in a statement.",
        "Engineers from the national roads agency are expected to visit Port Ellis next week.",
        "The harbour authority has not said when the north pier might reopen.",
    ];

    fn prepare(docs: &[&[&str]]) -> Vec<Prepared> {
        let lang = Language::english();
        let feats: Vec<_> = docs.iter().map(|d| extract(d, lang)).collect();
        let w = Weights::from_articles(&feats);
        feats.iter().map(|f| Prepared::new(f, &w)).collect()
    }

    fn score(a: &[&str], b: &[&str]) -> PairScore {
        let p = prepare(&[a, b]);
        score_pair(0, 1, &p[0], &p[1], &Params::DEFAULT)
    }

    fn round_trip(p: &Prepared) -> (Prepared, usize) {
        let mut e = crate::store::Encoder::default();
        p.encode(&mut e);
        let back = Prepared::decode(&e.bytes).expect("a blob encode wrote decodes");
        (back, e.bytes.len())
    }

    #[test]
    fn scoring_forms_round_trip_through_a_blob_grouped_or_in_full() {
        let p = prepare(&[ORIGINAL, REWRITE]);
        let (grouped, small) = round_trip(&p[0]);
        assert!(p[0].grouped_postings().is_some());
        assert_eq!(grouped.postings, p[0].postings);
        assert_eq!(grouped.doc, p[0].doc);
        let direct = score_pair(0, 1, &p[0], &p[1], &Params::DEFAULT);
        let read = score_pair(0, 1, &grouped, &p[1], &Params::DEFAULT);
        assert_eq!(read.score.to_bits(), direct.score.to_bits());
        assert_eq!(read.relation, direct.relation);
        // A term weighed differently in two sentences cannot be grouped: listed in full.
        let mut odd = p[0].clone();
        let twice = (1..odd.postings.len())
            .find(|&k| odd.postings[k].0 == odd.postings[k - 1].0)
            .expect("a term in two sentences");
        odd.postings[twice].2 += 1.0;
        assert!(odd.grouped_postings().is_none());
        let (full, large) = round_trip(&odd);
        assert_eq!(full.postings, odd.postings);
        assert!(small < large, "grouped {small} bytes, in full {large}");
        // A blob cut short is an error, not a panic.
        let mut e = crate::store::Encoder::default();
        p[0].encode(&mut e);
        for cut in [4, e.bytes.len() / 2, e.bytes.len() - 1] {
            assert!(Prepared::decode(&e.bytes[..cut]).is_err());
        }
    }

    #[test]
    fn verbatim_copy_is_found() {
        let s = score(ORIGINAL, ORIGINAL);
        assert_eq!(s.relation, Relation::VerbatimCopy);
        assert!(s.score > 0.99);
    }

    #[test]
    fn truncated_copy_is_partial_and_contained_one_way() {
        let s = score(&ORIGINAL[..3], ORIGINAL);
        assert_eq!(s.relation, Relation::PartialCopy, "{:?}", s.signals);
        assert!(s.signals.containment_ab > 0.95 && s.signals.containment_ba < 0.6);
    }

    #[test]
    fn rewrite_with_no_shared_phrasing_is_still_a_copy() {
        let s = score(ORIGINAL, REWRITE);
        assert!(s.signals.jaccard5 < 0.1, "reworded: {:?}", s.signals);
        assert_eq!(s.relation, Relation::Rewrite, "{:?}", s.signals);
        assert!(s.relation.is_copy());
    }

    #[test]
    fn independent_report_sharing_names_and_a_quote_is_same_story_not_copy() {
        let s = score(ORIGINAL, INDEPENDENT);
        assert!(s.signals.quotes > 0.0, "the official quote is shared");
        assert_eq!(s.relation, Relation::SameStory, "{:?}", s.signals);
        let rewrite = score(ORIGINAL, REWRITE);
        assert!(
            rewrite.score > s.score + 0.1,
            "rewrite {} vs independent {}",
            rewrite.score,
            s.score
        );
    }

    #[test]
    fn reordering_the_facts_lowers_in_order_alignment() {
        let mut shuffled: Vec<&str> = REWRITE.to_vec();
        shuffled.reverse();
        let kept = score(ORIGINAL, REWRITE);
        let reversed = score(ORIGINAL, &shuffled);
        assert!(
            reversed.signals.align_ab < kept.signals.align_ab - 0.3,
            "{:?}",
            reversed.signals
        );
        assert!(reversed.signals.order < 0.6);
    }

    #[test]
    fn unrelated_articles_are_unrelated() {
        let other: &[&str] = &[
            "The city orchestra announced a new season of twelve concerts featuring music by young composers.",
            "Tickets go on sale next month, with discounts for students and pensioners.",
        ];
        assert_eq!(score(ORIGINAL, other).relation, Relation::Unrelated);
    }

    #[test]
    fn relation_names_round_trip() {
        for r in Relation::ALL {
            assert_eq!(Relation::parse(r.as_str()), Some(r));
        }
    }
}

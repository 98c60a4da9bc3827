//! Features stage: turn an article's content lines into compact, hashed features that survive
//! rewriting.
//!
//! Rewriters change nearly every word of a sentence but keep its names, numbers and quotes and
//! the order of the facts. So besides the verbatim signal (word 5-gram shingles) an article is
//! kept as a sequence of sentences, each a set of stemmed content words and normalised numbers.
//!
//! Invariant: features depend only on the article's own text (hashes are stable, see
//! [`crate::text::hash64`]); folder-wide statistics live in [`Weights`] and are applied at
//! scoring time. That is what lets a persistent index store features and a later run compare
//! new articles against them without rereading old text.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

mod background;
pub mod language;

pub use background::Background;
pub use language::{LangId, Language, LanguageChoice};

use crate::store::{Decoder, Encoder};
use crate::text::{self, tagged_hash};

/// Namespace tags for hashed terms.
const TAG_STEM: u8 = b's';
const TAG_NUMBER: u8 = b'n';
const TAG_WORD: u8 = b'w';
const TAG_ANCHOR: u8 = b'a';
const TAG_CALENDAR: u8 = b'c';

/// A content term: the 32-bit hash of a stem or a normalised number. 32 bits keep features
/// compact (a million articles must fit in memory budget and on disk); two articles compare a
/// few hundred terms, so a chance collision between them is about one in ten thousand pairs
/// and moves a similarity by one term's weight.
pub type Term = u32;

/// Term hash of a stem. Stems have the low bit clear, numbers have it set, so a weight lookup
/// can tell them apart without another table.
pub fn stem_term(stem: &str) -> Term {
    (tagged_hash(TAG_STEM, stem) as u32) & !1
}

/// Term hash of a normalised number.
pub fn number_term(number: &str) -> Term {
    (tagged_hash(TAG_NUMBER, number) as u32) | 1
}

pub fn is_number_term(term: Term) -> bool {
    term & 1 == 1
}

/// Length of the verbatim shingles, in words.
pub const SHINGLE_WORDS: usize = 5;

/// The features of one article.
#[derive(Debug, Clone, Default)]
pub struct ArticleFeatures {
    /// Words in the content text (boilerplate and title excluded).
    pub words: u32,
    /// Hashes of word 5-grams (lower-cased surface words), sorted and deduplicated.
    pub shingles: Vec<u32>,
    /// The 5-grams of narration: words outside quotation marks only (a quote breaks the run).
    /// Independent reports of one event share official quotes; rewrites and copies also share
    /// the reporter's own wording.
    /// A subset of `shingles` (a run of narration is a stretch of the word stream).
    pub narration_shingles: Vec<u32>,
    /// Content terms (stems and numbers) with their counts, sorted by hash.
    pub terms: Vec<(Term, u16)>,
    /// Sentences in reading order.
    pub sentences: Vec<Sentence>,
    /// Kept tokens: stems of capitalised names, sorted and deduplicated.
    pub names: Vec<Term>,
    /// Kept tokens: normalised numbers, sorted and deduplicated.
    pub numbers: Vec<Term>,
    /// Kept tokens: quoted passages, each as its sorted set of content terms.
    pub quotes: Vec<Vec<Term>>,
    /// The language the article was read in (stemmer, stop words, background table).
    pub lang: LangId,
    /// Names and numbers in reading order, as language-independent anchors: what a
    /// translation keeps. See [`Anchor`].
    pub anchors: Vec<Anchor>,
}

/// A name or number as a translation keeps it: numbers in their canonical form, names by the
/// first letters of their folded spelling ("Marrakesch" and "Marrakech" are both "marra"), so
/// an article and its translation share anchors although their stems differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    /// The anchor's hash (a number's term is its own anchor).
    pub anchor: Term,
    /// The sentence it occurs in.
    pub sentence: u32,
    /// The word's term in its own language, which gives the anchor its weight.
    pub term: Term,
}

/// Letters of a name kept as its anchor: enough to tell names apart, few enough that
/// inflection ("Trumps", "Marokkos") and transcription endings do not matter.
const ANCHOR_LETTERS: usize = 5;

/// The anchor of a name written `lower`: accents folded, first [`ANCHOR_LETTERS`] letters.
pub fn name_anchor(lower: &str) -> Option<Term> {
    use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
    let letters: String = lower
        .nfd()
        .filter(|c| !is_combining_mark(*c) && c.is_alphanumeric())
        .take(ANCHOR_LETTERS)
        .collect();
    (letters.chars().count() >= 3).then(|| (tagged_hash(TAG_ANCHOR, &letters) as u32) & !1)
}

/// The anchor of a month or weekday (its place in [`Language::calendar_day`]): "Dienstag" and
/// "Tuesday" are one anchor.
fn calendar_anchor(day: u8) -> Term {
    (text::hash64(&[TAG_CALENDAR, day]) as u32) & !1
}

/// One sentence: its content terms for alignment, its word sequence for edit similarity.
#[derive(Debug, Clone, Default)]
pub struct Sentence {
    /// Stems of content words and normalised numbers, sorted and deduplicated.
    pub terms: Vec<Term>,
    /// All words, lower-cased and hashed. 16 bits is plenty to compare two sentences word by
    /// word: a chance match between two different words is one in 65,536.
    pub words: Vec<u16>,
    /// The sentence contains quotation marks: what it shares with another article may be an
    /// official quote that independent reports also carry, not copied narration.
    pub quoted: bool,
}

impl ArticleFeatures {
    /// Writes the features as a blob (see [`crate::store`]); [`ArticleFeatures::decode`] reads
    /// it back. Sentences are stored flat: lengths first, then all their entries.
    pub fn encode(&self, e: &mut Encoder) {
        e.u32(self.words);
        e.u32s(self.shingles.iter().copied());
        e.u32s(self.narration_shingles.iter().copied());
        e.u32s(self.terms.iter().map(|&(t, _)| t));
        e.u16s(self.terms.iter().map(|&(_, c)| c));
        e.u32s(self.sentences.iter().map(|s| s.terms.len() as u32));
        e.u32s(self.sentences.iter().flat_map(|s| s.terms.iter().copied()));
        e.u32s(self.sentences.iter().map(|s| s.words.len() as u32));
        e.u16s(self.sentences.iter().flat_map(|s| s.words.iter().copied()));
        e.u32s(self.sentences.iter().map(|s| u32::from(s.quoted)));
        e.u32s(self.names.iter().copied());
        e.u32s(self.numbers.iter().copied());
        e.u32s(self.quotes.iter().map(|q| q.len() as u32));
        e.u32s(self.quotes.iter().flat_map(|q| q.iter().copied()));
        e.u32(u32::from(self.lang));
        e.u32s(self.anchors.iter().map(|x| x.anchor));
        e.u32s(self.anchors.iter().map(|x| x.sentence));
        e.u32s(self.anchors.iter().map(|x| x.term));
    }

    pub fn decode(blob: &[u8]) -> std::io::Result<ArticleFeatures> {
        let mut d = Decoder::new(blob);
        let words = d.u32()?;
        let shingles = d.u32s()?;
        let narration_shingles = d.u32s()?;
        let terms = d.u32s()?;
        let counts = d.u16s()?;
        let term_lens = d.u32s()?;
        let sentence_terms = d.u32s()?;
        let word_lens = d.u32s()?;
        let sentence_words = d.u16s()?;
        let quoted = d.u32s()?;
        let names = d.u32s()?;
        let numbers = d.u32s()?;
        let quote_lens = d.u32s()?;
        let quote_terms = d.u32s()?;
        let lang = d.u32()?;
        let anchor_hashes = d.u32s()?;
        let anchor_sentences = d.u32s()?;
        let anchor_terms = d.u32s()?;
        d.finish()?;
        let bad =
            || std::io::Error::new(std::io::ErrorKind::InvalidData, "inconsistent feature blob");
        let lang = LangId::try_from(lang).map_err(|_| bad())?;
        if anchor_sentences.len() != anchor_hashes.len()
            || anchor_terms.len() != anchor_hashes.len()
        {
            return Err(bad());
        }
        let anchors = anchor_hashes
            .into_iter()
            .zip(anchor_sentences)
            .zip(anchor_terms)
            .map(|((anchor, sentence), term)| Anchor {
                anchor,
                sentence,
                term,
            })
            .collect();
        if counts.len() != terms.len()
            || word_lens.len() != term_lens.len()
            || quoted.len() != term_lens.len()
        {
            return Err(bad());
        }
        let mut term_rest = &sentence_terms[..];
        let mut word_rest = &sentence_words[..];
        let mut sentences = Vec::with_capacity(term_lens.len());
        for k in 0..term_lens.len() {
            let (nt, nw) = (term_lens[k] as usize, word_lens[k] as usize);
            if nt > term_rest.len() || nw > word_rest.len() {
                return Err(bad());
            }
            let (t, tr) = term_rest.split_at(nt);
            let (w, wr) = word_rest.split_at(nw);
            (term_rest, word_rest) = (tr, wr);
            sentences.push(Sentence {
                terms: t.to_vec(),
                words: w.to_vec(),
                quoted: quoted[k] != 0,
            });
        }
        let mut rest = &quote_terms[..];
        let mut quotes = Vec::with_capacity(quote_lens.len());
        for &n in &quote_lens {
            if n as usize > rest.len() {
                return Err(bad());
            }
            let (q, r) = rest.split_at(n as usize);
            rest = r;
            quotes.push(q.to_vec());
        }
        Ok(ArticleFeatures {
            words,
            shingles,
            narration_shingles,
            terms: terms.into_iter().zip(counts).collect(),
            sentences,
            names,
            numbers,
            quotes,
            lang,
            anchors,
        })
    }
}

/// Extracts features from an article's content paragraphs (one paragraph per entry).
pub fn extract(paragraphs: &[&str], lang: &Language) -> ArticleFeatures {
    let mut f = ArticleFeatures {
        lang: lang.id,
        ..ArticleFeatures::default()
    };
    let bg = lang.background();
    let mut stream: Vec<u64> = Vec::new(); // all words, for shingles
    let mut narration: Vec<Option<u64>> = Vec::new(); // None where a quoted word breaks the run
    let mut term_counts: HashMap<Term, u16, IdBuild> = HashMap::default();
    let mut names = Vec::new();
    let mut anchored: HashSet<Term, IdBuild> = HashSet::default();
    let mut numbers = Vec::new();
    let mut lower = String::new();
    for paragraph in paragraphs {
        let folded = text::fold_chars(paragraph);
        let folded = lang.join_digit_groups(&folded);
        collect_quotes(&folded, lang, &mut lower, &mut f.quotes);
        // Quotation state is tracked through the paragraph: a quote may span sentences.
        let mut inside_quote = false;
        let mut scanned = 0; // byte offset in `folded` up to which quote marks were counted
        for sentence in text::sentences(&folded) {
            let offset = sentence.as_ptr() as usize - folded.as_ptr() as usize;
            let mut s = Sentence::default();
            for (k, w) in text::words(sentence).iter().enumerate() {
                let at = offset + w.start;
                if at > scanned {
                    let marks = folded[scanned..at].matches('"').count();
                    inside_quote ^= marks % 2 == 1;
                    scanned = at;
                }
                text::lowercase_into(w.text, &mut lower);
                let word_hash = tagged_hash(TAG_WORD, &lower);
                stream.push(word_hash);
                narration.push((!inside_quote).then_some(word_hash));
                s.words.push((word_hash >> 48) as u16);
                let sentence_at = f.sentences.len() as u32;
                let kind = if w.has_digit() {
                    WordKind::Number(number_term(&lang.normalise_number(&lower)))
                } else {
                    word_info(lang, &lower, word_hash).kind
                };
                let terms = match kind {
                    WordKind::Number(h) => {
                        numbers.push(h);
                        first_mention(&mut f.anchors, &mut anchored, h, sentence_at, h);
                        Parts::one(h)
                    }
                    WordKind::Content(parts) => {
                        // A capitalised word inside a sentence is a name; at the start it is
                        // one only if it is not a common word (checked against the background
                        // table). Where every noun is capitalised (German), only rare words
                        // that are not compounds of known words are names.
                        let h = parts.terms()[0];
                        if w.is_capitalised()
                            && parts.len == 1
                            && ((k > 0 && lang.capitals_mark_names()) || bg.is_rare(h))
                        {
                            names.push(h);
                            // Each spelling is an anchor: "Zhao" and "Zhaos" both.
                            if let Some(anchor) = parts.name_anchor {
                                first_mention(
                                    &mut f.anchors,
                                    &mut anchored,
                                    anchor,
                                    sentence_at,
                                    h,
                                );
                            }
                        }
                        if let Some(anchor) = parts.calendar_anchor {
                            first_mention(&mut f.anchors, &mut anchored, anchor, sentence_at, h);
                        }
                        parts
                    }
                    WordKind::Function => Parts::default(),
                };
                for &h in terms.terms() {
                    s.terms.push(h);
                    let c = term_counts.entry(h).or_insert(0);
                    *c = c.saturating_add(1);
                }
            }
            s.terms.sort_unstable();
            s.terms.dedup();
            s.quoted = sentence.contains('"');
            if !s.words.is_empty() {
                f.sentences.push(s);
            }
        }
    }
    f.words = stream.len() as u32;
    f.shingles = shingles(&stream, lang.shingle_words());
    f.narration_shingles = narration
        .split(Option::is_none)
        .flat_map(|run| {
            let words: Vec<u64> = run.iter().flatten().copied().collect();
            shingles(&words, lang.shingle_words())
        })
        .collect();
    f.narration_shingles.sort_unstable();
    f.narration_shingles.dedup();
    f.terms = term_counts.into_iter().collect();
    f.terms.sort_unstable();
    names.sort_unstable();
    names.dedup();
    numbers.sort_unstable();
    numbers.dedup();
    f.names = names;
    f.numbers = numbers;
    f
}

/// The sentences of an article's paragraphs as [`extract`] numbers them (character-folded
/// text; sentences without a word are skipped there and here): what reports show beside a
/// sentence number.
pub fn sentence_texts(paragraphs: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for paragraph in paragraphs {
        let folded = text::fold_chars(paragraph);
        for sentence in text::sentences(&folded) {
            if !text::words(sentence).is_empty() {
                out.push(sentence.trim().to_string());
            }
        }
    }
    out
}

/// Adds an anchor at its first mention only: a translation is compared by where each name,
/// number and date first comes.
fn first_mention(
    anchors: &mut Vec<Anchor>,
    seen: &mut HashSet<Term, IdBuild>,
    anchor: Term,
    sentence: u32,
    term: Term,
) {
    if seen.insert(anchor) {
        anchors.push(Anchor {
            anchor,
            sentence,
            term,
        });
    }
}

/// The content terms of one word: its stem, or the stems of its parts when it is a compound
/// (German, Dutch, Nordic languages; see [`Language::split_compound`]).
#[derive(Debug, Clone, Copy, Default)]
struct Parts {
    terms: [Term; 3],
    len: u8,
    /// The word's anchor should it be a name ([`name_anchor`]), and its calendar anchor if
    /// it names a month or weekday: cached with the stems, not worked out per occurrence.
    name_anchor: Option<Term>,
    calendar_anchor: Option<Term>,
}

impl Parts {
    fn one(t: Term) -> Parts {
        Parts {
            terms: [t, 0, 0],
            len: 1,
            ..Parts::default()
        }
    }

    fn terms(&self) -> &[Term] {
        &self.terms[..usize::from(self.len)]
    }
}

/// What a word (with no digit) is to feature extraction.
#[derive(Debug, Clone, Copy)]
enum WordKind {
    /// A stop word or a single letter: in the shingles, not a term.
    Function,
    /// A number (written in digits, or a number word: "seven", "sieben").
    Number(Term),
    /// A content word and its stem terms.
    Content(Parts),
}

/// Everything feature extraction needs to know of one lower-case word, worked out once.
#[derive(Debug, Clone, Copy)]
struct WordInfo {
    kind: WordKind,
    /// The word's term inside a quotation ([`collect_quotes`]): its stem after an elided
    /// article, with no compound splitting; None for a stop word or a single letter.
    quote_term: Option<Term>,
}

/// What a lower-case word is, cached per thread: stemming (and splitting compounds) is the
/// costliest step of feature extraction, and news vocabulary repeats, so each word's stop-word
/// check, number-word check and stems are looked up once per thread, not once per occurrence.
/// The cache key is the word's hash mixed with the language (one spelling stems differently in
/// two languages).
fn word_info(lang: &Language, lower: &str, word_hash: u64) -> WordInfo {
    let key = word_hash ^ u64::from(lang.id).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    thread_local! {
        static CACHE: std::cell::RefCell<HashMap<u64, WordInfo, IdBuild>> = std::cell::RefCell::new(HashMap::default());
    }
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        if let Some(&info) = cache.get(&key) {
            return info;
        }
        if cache.len() > 500_000 {
            cache.clear();
        }
        let info = WordInfo {
            kind: word_kind(lang, lower),
            quote_term: quote_term(lang, lower),
        };
        cache.insert(key, info);
        info
    })
}

fn word_kind(lang: &Language, lower: &str) -> WordKind {
    if let Some(n) = lang.number_word(lower) {
        return WordKind::Number(number_term(n));
    }
    if lower.chars().count() < 2 || lang.is_stopword(lower) {
        return WordKind::Function;
    }
    let word = lang.strip_clitics(lower);
    let mut parts = Parts {
        name_anchor: name_anchor(lower),
        calendar_anchor: lang.calendar_day(lower).map(calendar_anchor),
        ..Parts::default()
    };
    for part in lang.split_compound(word).iter().take(3) {
        parts.terms[usize::from(parts.len)] = stem_term(&lang.stem(part));
        parts.len += 1;
    }
    WordKind::Content(parts)
}

fn quote_term(lang: &Language, lower: &str) -> Option<Term> {
    (!lang.is_stopword(lower) && lower.chars().count() >= 2)
        .then(|| stem_term(&lang.stem(lang.strip_elision(lower))))
}

/// 32-bit hashes of the word n-grams of a word stream, sorted and deduplicated.
fn shingles(stream: &[u64], n: usize) -> Vec<u32> {
    let mut out: Vec<u32> = stream
        .windows(n)
        .map(|w| {
            let h = w.iter().fold(0x9e37_79b9_7f4a_7c15u64, |h, &x| {
                (h.rotate_left(13) ^ x).wrapping_mul(0x0100_0000_01b3)
            });
            (h >> 32) as u32 ^ h as u32
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Quoted passages of at least three content words, as term sets.
fn collect_quotes(folded: &str, lang: &Language, lower: &mut String, out: &mut Vec<Vec<Term>>) {
    let mut parts = folded.split('"');
    parts.next(); // text before the first quote mark
    while let Some(inside) = parts.next() {
        let mut terms: Vec<Term> = text::words(inside)
            .iter()
            .filter_map(|w| {
                text::lowercase_into(w.text, lower);
                if w.has_digit() {
                    quote_term(lang, lower)
                } else {
                    word_info(lang, lower, tagged_hash(TAG_WORD, lower)).quote_term
                }
            })
            .collect();
        terms.sort_unstable();
        terms.dedup();
        if terms.len() >= 3 {
            out.push(terms);
        }
        parts.next(); // text between this quote and the next
    }
}

/// Word weights: how much a shared word says about two articles telling the same story.
///
/// A background table of English word frequencies (see `data/background/README.md`) gives
/// every stem a weight that does not depend on the folder, so "Cuba" keeps its weight in a
/// folder where every article is about Cuba. As the folder grows its own document
/// frequencies are blended in, so site-wide words lose weight.
pub struct Weights {
    df: HashMap<Term, u32, IdBuild>,
    n_docs: u32,
    /// How much the folder's statistics count, 0..1; grows with the folder size.
    folder_share: f32,
}

/// Folder size at which folder statistics count as much as the background table.
const FOLDER_HALF_WEIGHT_DOCS: f32 = 500.0;

impl Weights {
    /// Counts document frequencies over the articles of a folder.
    pub fn from_articles<'a>(articles: impl IntoIterator<Item = &'a ArticleFeatures>) -> Weights {
        let mut df = DocFrequencies::default();
        for a in articles {
            df.add(a);
        }
        Weights::from_df(df)
    }

    /// Weights from document frequencies counted while the features were extracted.
    pub fn from_df(df: DocFrequencies) -> Weights {
        let docs = df.docs as usize;
        Weights::from_sample(df, docs)
    }

    /// Weights for a folder of `folder_docs` articles from the document frequencies of a
    /// sample of them (a word's share of the sample estimates its share of the folder).
    pub fn from_sample(sample: DocFrequencies, folder_docs: usize) -> Weights {
        let DocFrequencies {
            counts: df,
            docs: n_docs,
        } = sample;
        let n = folder_docs.max(n_docs as usize) as f32;
        Weights {
            df,
            n_docs,
            folder_share: n / (n + FOLDER_HALF_WEIGHT_DOCS),
        }
    }

    /// Weight of a term of an article in a language with background table `bg`: background
    /// rarity, damped by how common it is in the folder.
    pub fn weight(&self, term: Term, bg: &Background) -> f32 {
        let zipf = bg.zipf(term);
        let base = (7.0 - zipf).clamp(0.25, 6.0);
        if self.n_docs == 0 {
            return base;
        }
        let df = self.df.get(&term).copied().unwrap_or(0) as f32;
        let spread = (df / self.n_docs as f32).sqrt();
        base * (1.0 - self.folder_share * spread)
    }
}

/// Document frequencies of terms over a folder, counted article by article as features are
/// extracted (so the features themselves need not stay in memory).
#[derive(Debug, Default, Clone)]
pub struct DocFrequencies {
    counts: HashMap<Term, u32, IdBuild>,
    docs: u32,
}

impl DocFrequencies {
    pub fn add(&mut self, a: &ArticleFeatures) {
        self.docs += 1;
        for &(t, _) in &a.terms {
            *self.counts.entry(t).or_insert(0) += 1;
        }
    }

    /// Takes an article that is no longer in the folder (deleted, or changed and re-read)
    /// out of the counts.
    pub fn remove(&mut self, a: &ArticleFeatures) {
        self.docs = self.docs.saturating_sub(1);
        for &(t, _) in &a.terms {
            if let Some(c) = self.counts.get_mut(&t) {
                *c = c.saturating_sub(1);
                if *c == 0 {
                    self.counts.remove(&t);
                }
            }
        }
    }

    /// The counts as a blob (terms in order, then counts), for a persistent state.
    pub fn encode(&self, e: &mut Encoder) {
        let mut all: Vec<(Term, u32)> = self.counts.iter().map(|(&t, &c)| (t, c)).collect();
        all.sort_unstable();
        e.u32(self.docs);
        e.u32s(all.iter().map(|x| x.0));
        e.u32s(all.iter().map(|x| x.1));
    }

    pub fn decode(blob: &[u8]) -> std::io::Result<DocFrequencies> {
        let mut d = Decoder::new(blob);
        let docs = d.u32()?;
        let terms = d.u32s()?;
        let counts = d.u32s()?;
        d.finish()?;
        if terms.len() != counts.len() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "inconsistent document frequencies",
            ));
        }
        Ok(DocFrequencies {
            counts: terms.into_iter().zip(counts).collect(),
            docs,
        })
    }
}

/// Hasher for keys that are already good hashes.
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
    /// 32-bit keys are spread over all 64 bits: the hash table takes its control bits from
    /// the top of the hash.
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

pub type IdBuild = BuildHasherDefault<IdHasher>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_texts_number_sentences_as_extract_does() {
        let paras = [
            "First one here. Second one; still second!",
            "\u{201c}Quoted,\u{201d} she said. ...",
        ];
        let texts = sentence_texts(&paras);
        let f = extract(&paras, Language::english());
        assert_eq!(texts.len(), f.sentences.len(), "{texts:?}");
        assert_eq!(texts[0], "First one here.");
        assert!(
            texts[2].starts_with("\"Quoted,\""),
            "folded quotes: {:?}",
            texts[2]
        );
    }

    #[test]
    fn rewrite_keeps_stems_names_and_numbers() {
        let lang = Language::english();
        let a = extract(
            &["Officials in Port Ellis evacuated 1,200 residents on Tuesday."],
            lang,
        );
        let b = extract(
            &["On Tuesday, 1200 Port Ellis residents were evacuated by officials."],
            lang,
        );
        let ta: HashSet<Term> = a.sentences[0].terms.iter().copied().collect();
        let tb: HashSet<Term> = b.sentences[0].terms.iter().copied().collect();
        assert_eq!(ta, tb, "same stems, names and number after rewording");
        assert_eq!(a.numbers, b.numbers);
        assert_eq!(a.names, b.names);
        assert_eq!(
            a.names.len(),
            3,
            "Port, Ellis and Tuesday are names; Officials and On are not"
        );
    }

    #[test]
    fn quotes_are_collected_after_folding_curly_marks() {
        let lang = Language::english();
        let f = extract(
            &["The mayor said: “We will rebuild the harbour wall this year.”"],
            lang,
        );
        assert_eq!(f.quotes.len(), 1);
        assert!(f.quotes[0].len() >= 4);
    }

    #[test]
    fn narration_shingles_leave_out_quoted_words() {
        let lang = Language::english();
        let f = extract(
            &["Officials said on Monday \"we will rebuild the harbour wall soon\" and then left the building quickly."],
            lang,
        );
        // Narration runs: "officials said on monday" (4 words: no 5-gram) and
        // "and then left the building quickly" (6 words: two 5-grams).
        assert_eq!(f.narration_shingles.len(), 2);
        assert!(f.shingles.len() > 10);
    }

    #[test]
    fn features_round_trip_through_a_blob() {
        let lang = Language::english();
        let f = extract(
            &[
                "Harbour master Lena Vasquez said repairs would cost 2.4 million krona.",
                "\"We cannot risk a collapse with ferries docking every hour,\" Vasquez said.",
            ],
            lang,
        );
        let mut e = Encoder::default();
        f.encode(&mut e);
        let back = ArticleFeatures::decode(&e.bytes).expect("decodes");
        assert_eq!(format!("{f:?}"), format!("{back:?}"));
        assert!(ArticleFeatures::decode(&e.bytes[..e.bytes.len() - 1]).is_err());
    }

    #[test]
    fn shingles_are_word_five_grams() {
        let lang = Language::english();
        let f = extract(&["one two three four five six seven"], lang);
        assert_eq!(f.words, 7);
        assert_eq!(f.shingles.len(), 3);
    }

    #[test]
    fn background_weights_rare_names_above_common_words() {
        let w = Weights::from_articles(std::iter::empty());
        let lang = Language::english();
        let said = stem_term(&lang.stem("said"));
        let cuba = stem_term(&lang.stem("cuba"));
        let ryazan = stem_term(&lang.stem("ryazan"));
        let bg = lang.background();
        assert!(w.weight(said, bg) < w.weight(cuba, bg));
        assert!(w.weight(cuba, bg) < w.weight(ryazan, bg));
    }

    #[test]
    fn folder_statistics_damp_words_every_article_uses() {
        let lang = Language::english();
        let docs: Vec<ArticleFeatures> = (0..2000)
            .map(|i| {
                extract(
                    &[&format!("Harbour news item {i} about zebra crossings.")],
                    lang,
                )
            })
            .collect();
        let w = Weights::from_articles(&docs);
        let harbour = stem_term(&lang.stem("harbour"));
        let alone = Weights::from_articles(std::iter::empty());
        let bg = lang.background();
        assert!(w.weight(harbour, bg) < 0.5 * alone.weight(harbour, bg));
    }

    #[test]
    fn german_nouns_are_not_names_but_rare_ones_are() {
        let de = Language::by_code("de").unwrap();
        let f = extract(
            &["Die Regierung hat am Dienstag den Haushalt für Kiel beschlossen, sagte Kowalczyk."],
            de,
        );
        let term = |w: &str| stem_term(&de.stem(w));
        assert_eq!(f.lang, de.id);
        assert!(
            f.names.contains(&term("kowalczyk")),
            "a rare capitalised word is a name"
        );
        assert!(
            !f.names.contains(&term("regierung")),
            "a common noun is not a name"
        );
        assert!(!f.names.contains(&term("haushalt")));
    }

    #[test]
    fn numbers_match_across_separator_conventions() {
        let en = extract(
            &["The storm cost 1,200 homes and 3.5 billion dollars."],
            Language::english(),
        );
        let de = extract(
            &["Der Sturm kostete 1.200 Häuser und 3,5 Milliarden Dollar."],
            Language::by_code("de").unwrap(),
        );
        let fr = extract(
            &["La tempête a coûté 1 200 maisons et 3,5 milliards de dollars."],
            Language::by_code("fr").unwrap(),
        );
        assert_eq!(en.numbers, de.numbers);
        assert_eq!(en.numbers, fr.numbers);
    }

    #[test]
    fn a_translation_keeps_its_anchors() {
        let en = extract(
            &["On Tuesday, Mayor Henrike Vollmer said the Weissach bridge will close in March."],
            Language::english(),
        );
        let de = extract(
            &["Am Dienstag sagte Bürgermeisterin Henrike Vollmer, die Brücke werde im März gesperrt."],
            Language::by_code("de").unwrap(),
        );
        let anchors =
            |f: &ArticleFeatures| -> HashSet<Term> { f.anchors.iter().map(|a| a.anchor).collect() };
        let shared = anchors(&en).intersection(&anchors(&de)).count();
        // Tuesday/Dienstag, Vollmer, March/März. ("Henrike" is not a German name here: its
        // stem is a common word's, and German capitals mark every noun.)
        assert_eq!(shared, 3, "{:?} {:?}", en.anchors, de.anchors);
    }

    #[test]
    fn features_keep_their_language_through_the_blob() {
        let es = Language::by_code("es").unwrap();
        let f = extract(
            &["El alcalde de Sevilla anunció «un plan de emergencia para la ciudad» el lunes."],
            es,
        );
        let mut e = Encoder::default();
        f.encode(&mut e);
        let back = ArticleFeatures::decode(&e.bytes).unwrap();
        assert_eq!(back.lang, es.id);
        assert_eq!(back.quotes, f.quotes);
        assert_eq!(f.quotes.len(), 1, "« » quotes are quotes");
    }
}

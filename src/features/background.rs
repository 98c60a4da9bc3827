//! Background word frequencies: how common a word is in its language at large.
//!
//! A word rare in the language ("Ryazan", "Kuba") says more about which story an article tells
//! than a common one ("said", "sagte"), even when every article of the folder uses it. One
//! table per language, from wordfreq (see `data/background/README.md`); English is a plain
//! `word TAB zipf` table, the others a compact gzip list (words in frequency order, `@Z` lines
//! where the Zipf frequency drops to Z). A table is read and stemmed the first time an article
//! of its language needs it.

use std::collections::HashMap;
use std::io::Read;

use super::language::Language;
use super::{is_number_term, stem_term, IdBuild, Term};

/// Where a language's table comes from.
pub(super) enum BackgroundData {
    /// `data/background/wordfreq_en.tsv`.
    English,
    /// `data/background/wordfreq_CODE.txt.gz`.
    Compact(&'static str),
    /// No table: every word is unknown, the folder's own statistics weigh it.
    None,
}

static ENGLISH: &str = include_str!("../../data/background/wordfreq_en.tsv");

/// The compact tables, by wordfreq code.
static COMPACT: &[(&str, &[u8])] = &[
    (
        "ar",
        include_bytes!("../../data/background/wordfreq_ar.txt.gz"),
    ),
    (
        "de",
        include_bytes!("../../data/background/wordfreq_de.txt.gz"),
    ),
    (
        "el",
        include_bytes!("../../data/background/wordfreq_el.txt.gz"),
    ),
    (
        "es",
        include_bytes!("../../data/background/wordfreq_es.txt.gz"),
    ),
    (
        "fi",
        include_bytes!("../../data/background/wordfreq_fi.txt.gz"),
    ),
    (
        "fr",
        include_bytes!("../../data/background/wordfreq_fr.txt.gz"),
    ),
    (
        "hu",
        include_bytes!("../../data/background/wordfreq_hu.txt.gz"),
    ),
    (
        "it",
        include_bytes!("../../data/background/wordfreq_it.txt.gz"),
    ),
    (
        "nb",
        include_bytes!("../../data/background/wordfreq_nb.txt.gz"),
    ),
    (
        "nl",
        include_bytes!("../../data/background/wordfreq_nl.txt.gz"),
    ),
    (
        "pt",
        include_bytes!("../../data/background/wordfreq_pt.txt.gz"),
    ),
    (
        "ro",
        include_bytes!("../../data/background/wordfreq_ro.txt.gz"),
    ),
    (
        "ru",
        include_bytes!("../../data/background/wordfreq_ru.txt.gz"),
    ),
    (
        "sv",
        include_bytes!("../../data/background/wordfreq_sv.txt.gz"),
    ),
    (
        "tr",
        include_bytes!("../../data/background/wordfreq_tr.txt.gz"),
    ),
];

/// Zipf frequency assumed for a word missing from the background table: rarer than anything
/// in it. The English table reaches down to 1.8; shorter tables stop higher, and a word past
/// their end is put one step below their last entry (never above this).
const UNKNOWN_ZIPF: f32 = 1.0;
/// Zipf frequency used for numbers: specific, but less telling than a rare name.
const NUMBER_ZIPF: f32 = 3.5;

/// The background frequency table of one language, stems hashed as in [`super::extract`].
pub struct Background {
    zipf: HashMap<Term, f32, IdBuild>,
    unknown: f32,
}

impl Background {
    pub(super) fn load(data: &BackgroundData, lang: &Language) -> Background {
        match data {
            BackgroundData::English => Background::from_words(
                ENGLISH
                    .lines()
                    .filter(|l| !l.starts_with('#'))
                    .filter_map(|line| {
                        let mut cols = line.split('\t');
                        let word = cols.next()?;
                        let z = cols.next()?.trim().parse::<f64>().ok()?;
                        Some((word, z))
                    }),
                lang,
            ),
            BackgroundData::Compact(code) => {
                let text = COMPACT
                    .iter()
                    .find(|(c, _)| c == code)
                    .and_then(|(_, gz)| {
                        let mut text = String::new();
                        flate2::read::GzDecoder::new(*gz)
                            .read_to_string(&mut text)
                            .ok()
                            .map(|_| text)
                    })
                    .unwrap_or_default();
                Background::from_words(compact_rows(&text), lang)
            }
            BackgroundData::None => Background {
                zipf: HashMap::default(),
                unknown: UNKNOWN_ZIPF,
            },
        }
    }

    /// Sums the frequencies of the words that share a stem.
    fn from_words<'a>(rows: impl Iterator<Item = (&'a str, f64)>, lang: &Language) -> Background {
        let mut freq: HashMap<Term, f64, IdBuild> = HashMap::default();
        let mut lowest = f64::INFINITY;
        for (word, z) in rows {
            let h = stem_term(&lang.stem(lang.strip_elision(word)));
            *freq.entry(h).or_insert(0.0) += 10f64.powf(z);
            lowest = lowest.min(z);
        }
        Background {
            zipf: freq
                .into_iter()
                .map(|(h, f)| (h, f.log10() as f32))
                .collect(),
            unknown: UNKNOWN_ZIPF.max(lowest as f32 - 1.0),
        }
    }

    /// Zipf frequency (log10 per billion words) of a term.
    pub fn zipf(&self, term: Term) -> f32 {
        match self.zipf.get(&term) {
            Some(&z) => z,
            None if is_number_term(term) => NUMBER_ZIPF,
            None => self.unknown,
        }
    }

    /// A word rare enough in its language that, capitalised at a sentence start, it is a name.
    pub fn is_rare(&self, term: Term) -> bool {
        self.zipf(term) < 3.5
    }

    /// Stems in the table (0 for a language without one).
    pub fn len(&self) -> usize {
        self.zipf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.zipf.is_empty()
    }
}

/// The rows of a compact table: each word with the Zipf frequency of the last `@Z` line.
fn compact_rows(text: &str) -> impl Iterator<Item = (&str, f64)> {
    let mut z = None;
    text.lines().filter_map(move |line| {
        if line.starts_with('#') || line.is_empty() {
            None
        } else if let Some(v) = line.strip_prefix('@') {
            z = v.trim().parse::<f64>().ok();
            None
        } else {
            z.map(|z| (line, z))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_table_loads_and_ranks_function_words_above_names() {
        for code in Language::codes() {
            let lang = Language::by_code(code).unwrap();
            let bg = lang.background();
            if code == "ta" {
                assert!(bg.is_empty());
                continue;
            }
            // Stems, not words: 50,000 Russian word forms are 17,700 stems.
            assert!(bg.len() > 10_000, "{code}: {} stems", bg.len());
        }
        let de = Language::by_code("de").unwrap();
        let bg = de.background();
        let und = stem_term(&de.stem("und"));
        let regierung = stem_term(&de.stem("regierung"));
        let unknown = stem_term(&de.stem("xqzvartikel"));
        assert!(bg.zipf(und) > bg.zipf(regierung));
        assert!(bg.zipf(regierung) > bg.zipf(unknown));
        assert!(bg.zipf(unknown) >= UNKNOWN_ZIPF);
    }

    #[test]
    fn english_unknown_words_keep_the_old_floor() {
        let en = Language::english();
        assert_eq!(en.background().zipf(stem_term("xqzvartikel")), UNKNOWN_ZIPF);
    }

    #[test]
    fn compact_rows_carry_the_last_frequency() {
        let rows: Vec<_> = compact_rows("# c\n@7.1\nder\ndie\n@6.9\nund\n").collect();
        assert_eq!(rows, vec![("der", 7.1), ("die", 7.1), ("und", 6.9)]);
    }
}

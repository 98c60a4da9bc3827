//! Text primitives shared by the stages: character folding, word and sentence splitting,
//! stable hashing. Kept apart so every stage tokenises the same way.

use unicode_segmentation::UnicodeSegmentation;

/// Folds the characters that rewriting and scraping change without changing meaning:
/// curly quotes and apostrophes to straight ones, dashes to `-`, non-breaking and other
/// unusual spaces to a plain space.
pub fn fold_chars(s: &str) -> String {
    if s.is_ascii() {
        return s.replace('`', "'");
    }
    s.chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => {
                '\''
            }
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
            | '\u{00BB}' => '"',
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
            | '\u{2212}' => '-',
            '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// A word of running text, as split by Unicode word boundaries (UAX #29).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word<'a> {
    /// The word as written (after [`fold_chars`]).
    pub text: &'a str,
    /// Byte offset in the folded text.
    pub start: usize,
}

impl Word<'_> {
    pub fn is_capitalised(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }

    pub fn has_digit(&self) -> bool {
        self.text.chars().any(|c| c.is_ascii_digit())
    }
}

/// Words of `text` (which should already be folded), with their offsets.
pub fn words(text: &str) -> Vec<Word<'_>> {
    if text.is_ascii() {
        return ascii_words(text);
    }
    text.unicode_word_indices()
        .map(|(start, text)| Word { text, start })
        .collect()
}

/// UAX #29 word boundaries for ASCII text, as `unicode_word_indices` finds them, at a fraction
/// of the cost (this runs over every word of every article). ASCII has only these rules: letters,
/// digits and `_` run together (WB5, WB8-WB10, WB13a-b); `'`, `.` or `:` between two letters and
/// `'`, `.`, `,` or `;` between two digits join them (WB6-WB7, WB11-WB12); everything else
/// breaks, and a segment without a letter or digit is not a word.
fn ascii_words(text: &str) -> Vec<Word<'_>> {
    let b = text.as_bytes();
    let word_byte = |x: u8| x.is_ascii_alphanumeric() || x == b'_';
    let joins = |before: u8, mid: u8, after: u8| {
        (before.is_ascii_alphabetic()
            && after.is_ascii_alphabetic()
            && matches!(mid, b'\'' | b'.' | b':'))
            || (before.is_ascii_digit()
                && after.is_ascii_digit()
                && matches!(mid, b'\'' | b'.' | b',' | b';'))
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !word_byte(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        loop {
            if i < b.len() && word_byte(b[i]) {
                i += 1;
            } else if i + 1 < b.len() && joins(b[i - 1], b[i], b[i + 1]) {
                i += 2;
            } else {
                break;
            }
        }
        if b[start..i].iter().any(u8::is_ascii_alphanumeric) {
            out.push(Word {
                text: &text[start..i],
                start,
            });
        }
    }
    out
}

/// Abbreviations after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt", "st",
    "jr", "sr", "inc", "corp", "co", "ltd", "no", "vs", "etc", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "calif", "fla", "mass", "penn", "wash",
    "ill", "pa", "va", "md", "mt", "ft", "approx", "dept", "est", "fig", "u.s", "u.k", "u.n",
    "e.g", "i.e",
];

/// Splits a paragraph into sentences: at `.`, `!` or `?` (optionally followed by closing
/// quotes or brackets) that is followed by whitespace and then an upper-case letter, a digit or
/// an opening quote, unless the full stop ends a known abbreviation or a single initial.
/// Paragraph (line) ends are always sentence ends; the caller passes one paragraph at a time.
pub fn sentences(paragraph: &str) -> Vec<&str> {
    let bytes = paragraph.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'.' || b == b'!' || b == b'?' {
            let mut end = i + 1;
            while end < bytes.len() && matches!(bytes[end], b'"' | b'\'' | b')' | b']') {
                end += 1;
            }
            if end < bytes.len() && bytes[end] == b' ' {
                let rest = paragraph[end..].trim_start();
                let next = rest.chars().next();
                let starts_new =
                    next.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || c == '"');
                if starts_new
                    && !(b == b'.'
                        && (ends_with_abbreviation(&paragraph[start..i])
                            || is_ordinal_date(&paragraph[start..i], rest)))
                {
                    let s = paragraph[start..end].trim();
                    if !s.is_empty() {
                        out.push(s);
                    }
                    start = end;
                    i = end;
                    continue;
                }
            }
        }
        i += 1;
    }
    let s = paragraph[start..].trim();
    if !s.is_empty() {
        out.push(s);
    }
    out
}

/// Month names written after an ordinal day with a full stop ("am 20. November", "den 3.
/// marts"): German, Danish, Norwegian, Swedish, Finnish and Hungarian dates.
const ORDINAL_MONTHS: &[&str] = &[
    "januar",
    "jänner",
    "februar",
    "märz",
    "marts",
    "mars",
    "april",
    "mai",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "dezember",
    "december",
    "desember",
    "tammikuuta",
    "helmikuuta",
    "maaliskuuta",
    "huhtikuuta",
    "toukokuuta",
    "kesäkuuta",
    "heinäkuuta",
    "elokuuta",
    "syyskuuta",
    "lokakuuta",
    "marraskuuta",
    "joulukuuta",
];

/// "20." before a month name is an ordinal day, not a sentence end.
fn is_ordinal_date(before_dot: &str, after: &str) -> bool {
    let day = before_dot.rsplit(char::is_whitespace).next().unwrap_or("");
    if !(1..=2).contains(&day.len()) || !day.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let month: String = after
        .chars()
        .take_while(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    (1..=2).contains(&day.len())
        && day.bytes().all(|b| b.is_ascii_digit())
        && ORDINAL_MONTHS.contains(&month.as_str())
}

fn ends_with_abbreviation(before_dot: &str) -> bool {
    let last = before_dot
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"')
        .next()
        .unwrap_or("");
    // Every abbreviation is at most six letters long: a longer word needs no lower-casing.
    if last.len() > 6 * 4 || last.chars().count() > 6 {
        return false;
    }
    let lower = last.to_lowercase();
    if lower.chars().count() == 1 && lower.chars().all(char::is_alphabetic) {
        return true; // an initial: "John F. Kennedy"
    }
    ABBREVIATIONS.contains(&lower.as_str())
}

/// A stable 64-bit hash (FNV-1a). Stable across runs and platforms, so hashed features can be
/// stored in a persistent index and compared later.
pub fn hash64(bytes: &[u8]) -> u64 {
    avalanche(fnv(FNV_OFFSET, bytes))
}

/// Hash of a string tagged with a namespace byte, so a stem and a number never collide by design.
/// The same as [`hash64`] of the tag byte followed by the string, without building that buffer
/// (this runs for every word of every article).
pub fn tagged_hash(tag: u8, s: &str) -> u64 {
    avalanche(fnv(fnv(FNV_OFFSET, &[tag]), s.as_bytes()))
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Final avalanche (from SplitMix64) so low bits are well mixed for bucketing.
fn avalanche(mut h: u64) -> u64 {
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// Lower-cases `word` into `out` (cleared first), without allocating for ASCII words: the
/// same result as [`str::to_lowercase`], which the rare other words still go through.
pub fn lowercase_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        out.push_str(&word.to_lowercase());
    }
}

/// Size of the intersection of two sorted, deduplicated lists.
pub fn intersect_count<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intersection_of_sorted_lists() {
        assert_eq!(intersect_count(&[1, 3, 5, 7], &[2, 3, 4, 7, 9]), 2);
        assert_eq!(intersect_count(&[], &[1]), 0);
    }

    #[test]
    fn folds_curly_quotes_and_dashes() {
        assert_eq!(fold_chars("“Hi” it’s — ok"), "\"Hi\" it's - ok");
    }

    #[test]
    fn an_ordinal_day_before_a_month_does_not_end_a_sentence() {
        let p = "Die Anhörung ist für den 20. November angesetzt. Im Jahr 2023. Danach nicht.";
        assert_eq!(
            sentences(p),
            vec![
                "Die Anhörung ist für den 20. November angesetzt.",
                "Im Jahr 2023.",
                "Danach nicht."
            ]
        );
    }

    #[test]
    fn splits_sentences_but_not_abbreviations_or_initials() {
        let p = "Sen. Mara Oduya met U.S. President John F. Kennedy on Monday. \"We agreed,\" she said. Talks end at 5 p.m. tomorrow? No.";
        let s = sentences(p);
        assert_eq!(
            s,
            vec![
                "Sen. Mara Oduya met U.S. President John F. Kennedy on Monday.",
                "\"We agreed,\" she said.",
                "Talks end at 5 p.m. tomorrow?",
                "No."
            ]
        );
    }

    #[test]
    fn words_keep_numbers_and_apostrophes() {
        let w: Vec<&str> = words("Port Ellis's 1,200 homes, 3.5 km away")
            .iter()
            .map(|w| w.text)
            .collect();
        assert_eq!(
            w,
            vec!["Port", "Ellis's", "1,200", "homes", "3.5", "km", "away"]
        );
    }

    /// Computed by an independent implementation (Python) of FNV-1a + SplitMix64 finaliser.
    const PINNED_EMPTY: u64 = 0xf52a_15e9_a9b5_e89b;
    const PINNED_CUBA: u64 = 0x5429_1fe5_3a5d_5111;

    #[test]
    fn hash_is_stable() {
        // Pinned: a persistent index depends on these values never changing.
        assert_eq!(hash64(b""), PINNED_EMPTY);
        assert_eq!(hash64(b"cuba"), PINNED_CUBA);
        assert_ne!(tagged_hash(b's', "10"), tagged_hash(b'n', "10"));
    }

    #[test]
    fn tagged_hash_is_the_hash_of_tag_and_text() {
        for w in ["", "cuba", "Zürich", "l'enquête", "1,200"] {
            let mut joined = vec![b'w'];
            joined.extend_from_slice(w.as_bytes());
            assert_eq!(tagged_hash(b'w', w), hash64(&joined), "{w}");
        }
    }

    #[test]
    fn lowercase_into_matches_to_lowercase() {
        let mut out = String::from("left over");
        // ASCII, Latin, German sharp s, Turkish dotted I, Greek final sigma.
        for w in [
            "Cuba",
            "MIR",
            "Zürich",
            "STRAẞE",
            "İstanbul",
            "ΟΔΥΣΣΕΥΣ",
            "x",
        ] {
            lowercase_into(w, &mut out);
            assert_eq!(out, w.to_lowercase(), "{w}");
        }
    }

    #[test]
    fn ascii_words_split_as_unicode_rules_do() {
        // Random ASCII strings over the characters the rules treat specially, against the
        // unicode-segmentation crate's own word boundaries.
        const ALPHABET: &[u8] = b"aZk09_.,;:'\"- !?\t\n(/)$%";
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..50_000 {
            let len = next() % 24;
            let s: String = (0..len)
                .map(|_| char::from(ALPHABET[(next() % ALPHABET.len() as u64) as usize]))
                .collect();
            let want: Vec<(usize, &str)> = s.unicode_word_indices().collect();
            let got: Vec<(usize, &str)> =
                ascii_words(&s).iter().map(|w| (w.start, w.text)).collect();
            assert_eq!(got, want, "{s:?}");
        }
        let got: Vec<&str> = words("U.S. troops don't wait: 1,200.5 at 3:30, a_b 90's.")
            .iter()
            .map(|w| w.text)
            .collect();
        assert_eq!(
            got,
            ["U.S", "troops", "don't", "wait", "1,200.5", "at", "3", "30", "a_b", "90", "s"]
        );
    }
}

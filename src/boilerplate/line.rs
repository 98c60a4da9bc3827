//! Per-line features: the cleaned text, its words, and the shape signals the rules use.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use super::lexicon::{tokenize, Hit, Lexicon, Mode, Token};
use super::Kind;

/// Function words. Prose has many of them; menus, teasers and button rows have few.
#[rustfmt::skip]
const STOPWORDS: &[&str] = &[
    "a", "about", "after", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at",
    "be", "because", "been", "before", "being", "between", "both", "but", "by", "can", "could",
    "did", "do", "does", "during", "each", "few", "for", "from", "further", "had", "has", "have",
    "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is",
    "it", "its", "just", "me", "more", "most", "my", "no", "nor", "not", "now", "of", "off", "on",
    "once", "only", "or", "other", "our", "out", "over", "own", "said", "same", "says", "she",
    "should", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there",
    "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very",
    "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will",
    "with", "would", "you", "your", "yet", "since", "though", "although", "whether", "within",
    "without", "told", "according", "upon", "may", "might", "must", "shall", "us", "theyre",
    "thats", "dont", "didnt", "wasnt", "isnt", "hes", "shes", "weve", "ive",
];

/// A word of at most 8 bytes as one integer (bytes little-endian, zero-padded): every
/// stop word fits, so the look-up is a binary search over integers instead of string hashing.
fn pack8(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 8 {
        return None;
    }
    // shifts rather than a copy into an array: a variable-length copy followed by one 8-byte
    // load stalls on store forwarding
    Some(b.iter().rev().fold(0u64, |v, &x| (v << 8) | u64::from(x)))
}

/// Slots of the stop-word table: a power of two, at least four times the number of stop words,
/// so probes are short.
const STOP_SLOTS: usize = 1024;

fn stop_slot(k: u64) -> usize {
    (k.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - STOP_SLOTS.trailing_zeros())) as usize
}

/// [`STOPWORDS`] packed by [`pack8`] in an open-addressing table (0 = empty slot; a packed
/// word is never 0), so a look-up is usually one multiply and one load.
static STOPWORD_TABLE: LazyLock<Vec<u64>> = LazyLock::new(|| {
    let mut t = vec![0u64; STOP_SLOTS];
    for k in STOPWORDS.iter().filter_map(|w| pack8(w.as_bytes())) {
        let mut i = stop_slot(k);
        while t[i] != 0 && t[i] != k {
            i = (i + 1) % STOP_SLOTS;
        }
        t[i] = k;
    }
    t
});

pub(crate) fn is_stopword(w: &str) -> bool {
    is_stopword_bytes(w.as_bytes())
}

/// [`is_stopword`] of a word's bytes.
pub(crate) fn is_stopword_bytes(w: &[u8]) -> bool {
    pack8(w).is_some_and(is_stopword_packed)
}

/// [`is_stopword`] of a word of at most 8 bytes packed by [`pack8`].
pub(crate) fn is_stopword_packed(k: u64) -> bool {
    let t = &*STOPWORD_TABLE;
    let mut i = stop_slot(k);
    loop {
        match t[i] {
            0 => return false,
            x if x == k => return true,
            _ => i = (i + 1) % STOP_SLOTS,
        }
    }
}

static DATE_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*date \d{4}-\d{2}-\d{2}\s").unwrap());
static TAG_SUFFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[[A-Z][A-Z0-9 &'/-]{1,24}\]\s*$").unwrap());
static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?-u:\b)(?:https?://|www\.)[^\s]+").unwrap());
static DOMAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        // a lower-case host name: "site.com", "news.example.org" (not "U.S." or "p.m.")
        r"(?-u:\b)[a-z0-9][a-z0-9-]{2,}(?:\.[a-z0-9-]+)*\.[a-z]{2,12}(?-u:\b)",
    )
    .unwrap()
});

/// Cheap necessary condition for [`URL`] or [`DOMAIN`] to match: a `://`, a `www.` (any
/// case), or a full stop between a host-name character (`[a-z0-9-]`) and a lower-case letter.
/// Prose full stops (followed by a space) and "U.S." pass none of these, so the regexes are
/// skipped for most lines.
fn may_have_url_or_domain(text: &str) -> bool {
    let b = text.as_bytes();
    for (i, _) in text.match_indices('.') {
        let prev = if i > 0 { b[i - 1] } else { b' ' };
        let next = b.get(i + 1).copied().unwrap_or(b' ');
        if next.is_ascii_lowercase()
            && (prev.is_ascii_lowercase() || prev.is_ascii_digit() || prev == b'-')
        {
            return true;
        }
        if i >= 3 && b[i - 3..i].eq_ignore_ascii_case(b"www") {
            return true;
        }
    }
    text.contains("://")
}

/// Characters that start a bulleted menu or list line.
fn is_bullet_char(c: char) -> bool {
    matches!(
        c,
        '•' | '·'
            | '◦'
            | '▪'
            | '▫'
            | '■'
            | '□'
            | '●'
            | '○'
            | '►'
            | '▶'
            | '➤'
            | '→'
            | '»'
            | '›'
            | '-'
            | '*'
            | '+'
            | '‣'
            | '⁃'
            | '∙'
            | '–'
    )
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// One line of an article with the features the rules look at.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub blank: bool,
    /// Cleaned text: invisible characters, surrounding space, a leading date prefix and a
    /// leading bullet removed.
    pub text: String,
    pub bullet: bool,
    pub toks: Vec<Token>,
    pub stop: usize,
    /// Ends like a sentence: `.`, `!` or `?`, possibly followed by closing quotes/brackets.
    pub terminal: bool,
    /// Ends with a single full stop (not an ellipsis), possibly followed by closing quotes.
    pub period: bool,
    /// Ends with an upper-case `[TAG]`.
    pub tag: bool,
    pub quote_start: bool,
    pub has_domain: bool,
    pub hits: Vec<Hit>,
}

impl Line {
    pub fn new(raw: &str, first: bool, lex: &Lexicon) -> Line {
        // Invisible characters are all non-ASCII: most lines are kept as they are, uncopied.
        let cleaned: Cow<'_, str> = if raw.is_ascii() || !raw.contains(is_invisible) {
            Cow::Borrowed(raw)
        } else {
            Cow::Owned(raw.chars().filter(|&c| !is_invisible(c)).collect())
        };
        let mut s: &str = &cleaned;
        if first {
            if let Some(m) = DATE_PREFIX.find(s) {
                s = &s[m.end()..];
            }
        }
        let trimmed = s.trim();
        if trimmed.is_empty() || !trimmed.chars().any(|c| c.is_alphanumeric()) {
            return Line::blank_line(trimmed.to_string());
        }
        let mut bullet = false;
        let mut text = trimmed;
        if let Some(c) = text.chars().next() {
            if is_bullet_char(c) {
                let rest = &text[c.len_utf8()..];
                if c == '•' || rest.starts_with(char::is_whitespace) {
                    bullet = true;
                    text = rest.trim_start();
                }
            }
        }
        let text = text.to_string();
        let toks = tokenize(&text);
        let stop = toks.iter().filter(|t| is_stopword(&t.word)).count();
        let end = text.trim_end_matches(['"', '\'', '”', '’', ')', ']', '»', ' ']);
        let terminal = end.ends_with(['.', '!', '?']);
        let period = end.ends_with('.') && !end.ends_with("..");
        let tag = text.ends_with(']') && TAG_SUFFIX.is_match(&text);
        let quote_start = text.starts_with(['"', '“', '‘', '\'', '«']);
        let has_domain =
            may_have_url_or_domain(&text) && (URL.is_match(&text) || DOMAIN.is_match(&text));
        let hits = lex.hits(&toks);
        Line {
            blank: false,
            text,
            bullet,
            toks,
            stop,
            terminal,
            period,
            tag,
            quote_start,
            has_domain,
            hits,
        }
    }

    fn blank_line(text: String) -> Line {
        Line {
            blank: true,
            text,
            bullet: false,
            toks: Vec::new(),
            stop: 0,
            terminal: false,
            period: false,
            tag: false,
            quote_start: false,
            has_domain: false,
            hits: Vec::new(),
        }
    }

    pub fn n(&self) -> usize {
        self.toks.len()
    }

    pub fn stop_ratio(&self) -> f32 {
        if self.toks.is_empty() {
            0.0
        } else {
            self.stop as f32 / self.toks.len() as f32
        }
    }

    /// A phrase of `kind` in `mode` matched.
    /// The longest phrase of `kind` in `mode` that matched.
    pub fn hit(&self, kind: Kind, mode: Mode) -> Option<&Hit> {
        self.hits
            .iter()
            .filter(|h| h.kind == kind && h.mode == mode)
            .max_by_key(|h| h.len)
    }

    /// The whole line is a heading phrase of `kind`.
    pub fn heading(&self, kind: Kind) -> bool {
        self.hits
            .iter()
            .any(|h| h.kind == kind && h.mode == Mode::Heading && h.len == self.n())
    }

    /// A heading phrase ending in a preposition, followed by a short capitalised name:
    /// "More from The Daily Dig", "Also on Metro Ledger".
    pub fn heading_with_name(&self, kind: Kind) -> bool {
        let n = self.n();
        if self.terminal || self.tag {
            return false;
        }
        self.hits.iter().any(|h| {
            h.kind == kind
                && h.mode == Mode::Heading
                && h.len < n
                && n - h.len <= 5
                && matches!(
                    self.toks[h.len - 1].word.as_str(),
                    "from" | "on" | "in" | "at" | "by" | "of" | "for"
                )
                && self.toks[h.len..]
                    .iter()
                    .all(|t| t.cap || t.all_caps || t.word == "&" || t.word == "the")
                && self.toks[h.len].cap
        })
    }

    /// Cue points of `kind`: 2 per strong phrase, 1 per weak one.
    pub fn score(&self, kind: Kind) -> u32 {
        self.hits
            .iter()
            .filter(|h| h.kind == kind)
            .map(|h| match h.mode {
                Mode::Contains => 2,
                Mode::Cue => 1,
                _ => 0,
            })
            .sum()
    }

    /// Text after a phrase of `len` words at the start, if a label separator follows it
    /// (`Read more: ...`, `Source - ...`, `Read more >> ...`).
    pub fn label_rest(&self, len: usize) -> Option<&str> {
        self.label_rest_after(len.checked_sub(1)?)
    }

    /// As [`Line::label_rest`], also allowing a short capitalised name between the phrase and
    /// the separator ("Also on Metro Ledger: ...", "More from Site >> ..."). Returns the number
    /// of words before the separator with the text.
    pub fn label_rest_named(&self, len: usize) -> Option<(usize, &str)> {
        for extra in 0..=3 {
            let k = len + extra;
            if k > len && !self.toks.get(k - 1).is_some_and(|t| t.cap || t.all_caps) {
                return None;
            }
            if let Some(rest) = self.label_rest_after(k.checked_sub(1)?) {
                return Some((k, rest));
            }
        }
        None
    }

    fn label_rest_after(&self, last: usize) -> Option<&str> {
        let end = self.toks.get(last)?.end;
        let rest = self.text[end..].trim_start();
        let after = rest
            .strip_prefix("...")
            .or_else(|| rest.strip_prefix(['»', '|', '>', '–', '—', '-', '…', ':']))?;
        let after = after.trim_start_matches([':', '>', '»', '.', ' ']).trim();
        if after.chars().any(|c| c.is_alphanumeric()) {
            Some(after)
        } else {
            None
        }
    }

    /// Number of words after the first `len` words.
    pub fn rest_words(&self, len: usize) -> usize {
        self.toks.len().saturating_sub(len)
    }

    /// Reads like running prose: a sentence-final ending and some length, or simply long.
    pub fn is_prose(&self) -> bool {
        !self.blank
            && ((self.terminal && self.n() >= 6 && !self.tag)
                || self.n() > 30
                || (self.n() >= 12 && self.stop_ratio() >= 0.3 && !self.tag))
    }

    /// Shaped like a teaser headline in a list of links.
    pub fn is_headline(&self) -> bool {
        if self.blank || self.n() == 0 {
            return false;
        }
        if self.tag {
            return self.n() <= 40;
        }
        let n = self.n();
        n <= 25
            && !(self.period && n >= 4)
            && !(self.quote_start && self.terminal)
            && !(self.terminal && n >= 10 && self.stop_ratio() >= 0.4)
    }

    /// Bio-paragraph evidence: author_bio cue points plus one for a person-role word.
    pub fn bio_score(&self, lex: &Lexicon) -> u32 {
        let role = self
            .toks
            .iter()
            .any(|t| lex.is_vocab_item(Kind::AuthorBio, std::slice::from_ref(t)));
        self.score(Kind::AuthorBio) + u32::from(role)
    }

    /// A person's name on its own: 2-5 capitalised words, no sentence punctuation.
    pub fn is_name(&self) -> bool {
        const PARTICLES: &[&str] = &[
            "de", "van", "von", "da", "al", "bin", "la", "le", "del", "di",
        ];
        let n = self.n();
        (2..=5).contains(&n)
            && self.text.chars().count() <= 50
            && !self.terminal
            && !self.text.contains(':')
            && !self.tag
            && self.toks.iter().all(|t| {
                (t.cap && !t.word.chars().any(|c| c.is_ascii_digit()))
                    || PARTICLES.contains(&t.word.as_str())
            })
            && !self.toks.iter().any(|t| is_stopword(&t.word))
    }

    /// Starts like a sentence about a person: "Jane Roe is ...", "Jane Roe - Jane Roe is",
    /// "She has ...".
    pub fn starts_person(&self) -> bool {
        let t = &self.toks;
        if t.len() < 4 {
            return false;
        }
        if matches!(t[0].word.as_str(), "he" | "she" | "they") {
            return matches!(
                t[1].word.as_str(),
                "is" | "has" | "was" | "writes" | "covers"
            );
        }
        // up to 4 capitalised name words, then a verb or a dash
        let mut k = 0;
        while k < t.len().min(4) && t[k].cap && !is_stopword(&t[k].word) {
            k += 1;
        }
        if k < 2 || k >= t.len() {
            return false;
        }
        let between = &self.text[t[k - 1].end..t[k].start];
        matches!(
            t[k].word.as_str(),
            "is" | "has" | "was" | "writes" | "covers" | "joined" | "holds" | "lives" | "spent"
        ) || between.contains(['-', '–', '—', ','])
    }

    pub fn reader_address(&self) -> usize {
        self.toks
            .iter()
            .filter(|t| {
                matches!(
                    t.word.as_str(),
                    "you"
                        | "your"
                        | "youre"
                        | "youve"
                        | "youll"
                        | "yours"
                        | "we"
                        | "our"
                        | "us"
                        | "ours"
                )
            })
            .count()
    }

    /// Quoted speech or reported speech: needs more evidence before it is called a notice.
    pub fn quotey(&self) -> bool {
        self.text.contains(['"', '“', '”'])
            || self
                .toks
                .iter()
                .any(|t| matches!(t.word.as_str(), "said" | "says" | "told" | "according"))
    }
}

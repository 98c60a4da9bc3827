//! The phrase lexicon: which words mark which kind of boilerplate, and how they must occur.
//!
//! The file format is documented in the header of `data/boilerplate/en.tsv`.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use anyhow::{bail, Result};

use super::Kind;

static ENGLISH: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/boilerplate/en.tsv"
));

/// The other languages' lexicons, read on top of the English one: a page's furniture is often
/// in another language than its text (an English story on a German farm), so every page is
/// labelled with all of them.
static OTHER_LANGUAGES: &[(&str, &str)] = &[
    (
        "de",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/boilerplate/de.tsv"
        )),
    ),
    (
        "es",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/boilerplate/es.tsv"
        )),
    ),
    (
        "fr",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/boilerplate/fr.tsv"
        )),
    ),
    (
        "it",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/boilerplate/it.tsv"
        )),
    ),
    (
        "nl",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/boilerplate/nl.tsv"
        )),
    ),
    (
        "pt",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/boilerplate/pt.tsv"
        )),
    ),
    (
        "ru",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/boilerplate/ru.tsv"
        )),
    ),
];

/// How a lexicon phrase must occur in a line to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Mode {
    /// The whole line is the phrase.
    Line,
    /// The whole line is the phrase, and following lines of the kind's block shape inherit it.
    Heading,
    /// The line starts with the phrase.
    Prefix,
    /// The line starts with the phrase, then a separator (`:`, `>>`, `|`, ` - `) and more text.
    Label,
    /// Strong cue anywhere (2 points).
    Contains,
    /// Weak cue anywhere (1 point).
    Cue,
    /// Vocabulary for the shape rules (nav section names, social networks, person roles).
    Vocab,
}

impl Mode {
    fn parse(s: &str) -> Option<Mode> {
        Some(match s {
            "line" => Mode::Line,
            "heading" => Mode::Heading,
            "prefix" => Mode::Prefix,
            "label" => Mode::Label,
            "contains" => Mode::Contains,
            "cue" => Mode::Cue,
            "vocab" => Mode::Vocab,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
struct Entry {
    kind: Kind,
    mode: Mode,
    words: Vec<String>,
}

/// A set of boilerplate phrases, indexed by their first word so that matching a line costs one
/// hash look-up per word of the line.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    entries: Vec<Entry>,
    by_first: HashMap<String, Vec<u32>, BuildHasherDefault<WordHasher>>,
}

/// A fast hasher for the short words of the phrase index (FxHash-style multiply-rotate, eight
/// bytes at a time). Not resistant to crafted collisions; the keys are the lexicon's own words.
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            // bytes shifted in rather than copied into an array (avoids a store-forwarding stall)
            let v = chunk
                .iter()
                .rev()
                .fold(0u64, |v, &x| (v << 8) | u64::from(x));
            self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// One phrase found in a line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub kind: Kind,
    pub mode: Mode,
    /// Index of the phrase's first word in the line's words.
    pub start: usize,
    /// Number of words of the phrase.
    pub len: usize,
}

impl Lexicon {
    /// The built-in English lexicon (data/boilerplate/en.tsv).
    pub fn english() -> Lexicon {
        Lexicon::parse(ENGLISH).expect("built-in lexicon data/boilerplate/en.tsv is valid")
    }

    /// The built-in lexicon of one other language (data/boilerplate/CODE.tsv), if shipped.
    pub fn language(code: &str) -> Option<Lexicon> {
        let (_, text) = OTHER_LANGUAGES.iter().find(|(c, _)| *c == code)?;
        Some(Lexicon::parse(text).expect("built-in lexicons in data/boilerplate are valid"))
    }

    /// Every built-in lexicon: English, then the other languages'.
    pub fn builtin() -> Lexicon {
        let mut lex = Lexicon::english();
        for (code, _) in OTHER_LANGUAGES {
            lex.extend(Lexicon::language(code).unwrap_or_default());
        }
        lex
    }

    /// Parse a user lexicon file's text (same format); error names the line number.
    pub fn parse(text: &str) -> Result<Lexicon> {
        let mut lex = Lexicon::default();
        for (i, raw) in text.lines().enumerate() {
            let n = i + 1;
            let line = raw.trim_end_matches('\r');
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            if fields.len() != 3 {
                bail!(
                    "boilerplate lexicon line {n}: expected 3 tab-separated fields \
                     (kind, mode, phrase), found {}",
                    fields.len()
                );
            }
            let kind_s = fields[0].trim();
            let kind = match Kind::parse(kind_s) {
                Some(Kind::Template) => {
                    bail!("boilerplate lexicon line {n}: kind `template` is cross-article only")
                }
                Some(k) => k,
                None => bail!("boilerplate lexicon line {n}: unknown kind `{kind_s}`"),
            };
            let mode_s = fields[1].trim();
            let Some(mode) = Mode::parse(mode_s) else {
                bail!(
                    "boilerplate lexicon line {n}: unknown mode `{mode_s}` \
                     (line, heading, prefix, label, contains, cue, vocab)"
                );
            };
            let words: Vec<String> = tokenize(fields[2]).into_iter().map(|t| t.word).collect();
            if words.is_empty() {
                bail!("boilerplate lexicon line {n}: empty phrase");
            }
            lex.push(Entry { kind, mode, words });
        }
        Ok(lex)
    }

    /// Add another lexicon's entries (user file on top of built-in).
    pub fn extend(&mut self, other: Lexicon) {
        for e in other.entries {
            self.push(e);
        }
    }

    fn push(&mut self, e: Entry) {
        let dup = self.by_first.get(&e.words[0]).is_some_and(|ids| {
            ids.iter().any(|&id| {
                let o = &self.entries[id as usize];
                o.kind == e.kind && o.mode == e.mode && o.words == e.words
            })
        });
        if dup {
            return;
        }
        let id = self.entries.len() as u32;
        self.by_first
            .entry(e.words[0].clone())
            .or_default()
            .push(id);
        self.entries.push(e);
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// All phrases occurring in `words` (a line's normalised words). Position-bound modes
    /// (line, heading, prefix, label) are only reported at position 0, and line/heading only when
    /// the phrase covers the whole line.
    pub(crate) fn hits(&self, words: &[Token]) -> Vec<Hit> {
        let mut out = Vec::new();
        for p in 0..words.len() {
            let Some(ids) = self.by_first.get(words[p].word.as_str()) else {
                continue;
            };
            for &id in ids {
                let e = &self.entries[id as usize];
                let len = e.words.len();
                if p + len > words.len() {
                    continue;
                }
                let positional = matches!(
                    e.mode,
                    Mode::Line | Mode::Heading | Mode::Prefix | Mode::Label
                );
                if positional && p != 0 {
                    continue;
                }
                // Line entries must cover the whole line; heading entries are also reported
                // when words follow (a site name in "More from Site"), with a shorter `len`.
                if e.mode == Mode::Line && len != words.len() {
                    continue;
                }
                if (1..len).all(|j| words[p + j].word == e.words[j]) {
                    out.push(Hit {
                        kind: e.kind,
                        mode: e.mode,
                        start: p,
                        len,
                    });
                }
            }
        }
        out
    }

    /// Is the whole of `words` a vocabulary item of `kind`?
    pub(crate) fn is_vocab_item(&self, kind: Kind, words: &[Token]) -> bool {
        !words.is_empty()
            && self.hits(words).iter().any(|h| {
                h.kind == kind && h.mode == Mode::Vocab && h.start == 0 && h.len == words.len()
            })
    }
}

/// A normalised word with its byte span in the text it came from.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    /// Lower-case, apostrophes removed.
    pub word: String,
    pub start: usize,
    pub end: usize,
    /// First character was upper case.
    pub cap: bool,
    /// All letters upper case (and at least two letters).
    pub all_caps: bool,
}

/// Split text into normalised words: runs of letters/digits (apostrophes inside a word are
/// dropped, so "don't" and "don’t" become "dont"); `&` and `+` are kept as words of their own.
pub(crate) fn tokenize(s: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut buf = String::new();
    for_each_word(s, &mut buf, |w| {
        out.push(Token {
            word: w.word.to_string(),
            start: w.start,
            end: w.end,
            cap: w.cap,
            all_caps: w.all_caps,
        });
    });
    out
}

/// One word as [`for_each_word`] hands it out; `word` borrows the caller's buffer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Word<'a> {
    /// Lower-case, apostrophes removed.
    pub word: &'a str,
    pub start: usize,
    pub end: usize,
    /// First character was upper case.
    pub cap: bool,
    /// All letters upper case (and at least two letters).
    pub all_caps: bool,
}

/// The words of [`tokenize`], in order, without allocating a `String` per word: each word is
/// built in `buf` (reused across words and calls) and passed to `f`. ASCII is handled byte by
/// byte; other characters are decoded and treated exactly as `char` methods say.
pub(crate) fn for_each_word(s: &str, buf: &mut String, mut f: impl FnMut(Word<'_>)) {
    buf.clear();
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut end = 0;
    let mut cap = false;
    let mut upper = 0usize;
    let mut letters = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphanumeric() {
            // A run of ASCII letters and digits, taken whole.
            let mut j = i + 1;
            while j < bytes.len() && bytes[j].is_ascii_alphanumeric() {
                j += 1;
            }
            if buf.is_empty() {
                start = i;
                cap = b.is_ascii_uppercase();
                upper = 0;
                letters = 0;
            }
            for &x in &bytes[i..j] {
                letters += usize::from(x.is_ascii_alphabetic());
                upper += usize::from(x.is_ascii_uppercase());
            }
            let from = buf.len();
            buf.push_str(&s[i..j]);
            buf[from..].make_ascii_lowercase();
            end = j;
            i = j;
            continue;
        }
        let (c, len) = if b < 0x80 {
            (b as char, 1)
        } else {
            match s[i..].chars().next() {
                Some(c) => (c, c.len_utf8()),
                None => break, // i is always on a char boundary below s.len()
            }
        };
        let alnum = if b < 0x80 {
            b.is_ascii_alphanumeric()
        } else {
            c.is_alphanumeric()
        };
        if alnum {
            if buf.is_empty() {
                start = i;
                cap = c.is_uppercase();
                upper = 0;
                letters = 0;
            }
            if b < 0x80 {
                if b.is_ascii_alphabetic() {
                    letters += 1;
                    if b.is_ascii_uppercase() {
                        upper += 1;
                    }
                }
                buf.push(b.to_ascii_lowercase() as char);
            } else {
                if c.is_alphabetic() {
                    letters += 1;
                    if c.is_uppercase() {
                        upper += 1;
                    }
                }
                buf.extend(c.to_lowercase());
            }
            end = i + len;
        } else if matches!(c, '\'' | '\u{2019}' | '\u{2018}')
            && !buf.is_empty()
            && s[i + len..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric)
        {
            // apostrophe inside a word: dropped
        } else {
            if !buf.is_empty() {
                f(Word {
                    word: buf,
                    start,
                    end,
                    cap,
                    all_caps: letters >= 2 && upper == letters,
                });
                buf.clear();
            }
            if c == '&' || c == '+' {
                f(Word {
                    word: if c == '&' { "&" } else { "+" },
                    start: i,
                    end: i + 1,
                    cap: false,
                    all_caps: false,
                });
            }
        }
        i += len;
    }
    if !buf.is_empty() {
        f(Word {
            word: buf,
            start,
            end,
            cap,
            all_caps: letters >= 2 && upper == letters,
        });
        buf.clear();
    }
}

//! The phrase lexicon: which words mark which kind of boilerplate, and how they must occur.
//!
//! The file format is documented in the header of `data/boilerplate/en.tsv`.

use std::collections::HashMap;

use anyhow::{bail, Result};

use super::Kind;

static ENGLISH: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/boilerplate/en.tsv"
));

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
    by_first: HashMap<String, Vec<u32>>,
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
    let mut cur = String::new();
    let mut start = 0;
    let mut end = 0;
    let mut cap = false;
    let mut upper = 0usize;
    let mut letters = 0usize;
    let flush = |cur: &mut String,
                 out: &mut Vec<Token>,
                 start: usize,
                 end: usize,
                 cap: bool,
                 upper: usize,
                 letters: usize| {
        if !cur.is_empty() {
            out.push(Token {
                word: std::mem::take(cur),
                start,
                end,
                cap,
                all_caps: letters >= 2 && upper == letters,
            });
        }
    };
    let mut iter = s.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if c.is_alphanumeric() {
            if cur.is_empty() {
                start = i;
                cap = c.is_uppercase();
                upper = 0;
                letters = 0;
            }
            if c.is_alphabetic() {
                letters += 1;
                if c.is_uppercase() {
                    upper += 1;
                }
            }
            if c.is_ascii() {
                cur.push(c.to_ascii_lowercase());
            } else {
                cur.extend(c.to_lowercase());
            }
            end = i + c.len_utf8();
        } else if matches!(c, '\'' | '\u{2019}' | '\u{2018}')
            && !cur.is_empty()
            && iter.peek().is_some_and(|&(_, n)| n.is_alphanumeric())
        {
            // apostrophe inside a word: dropped
        } else {
            flush(&mut cur, &mut out, start, end, cap, upper, letters);
            if c == '&' || c == '+' {
                out.push(Token {
                    word: c.to_string(),
                    start: i,
                    end: i + 1,
                    cap: false,
                    all_caps: false,
                });
            }
        }
    }
    flush(&mut cur, &mut out, start, end, cap, upper, letters);
    out
}

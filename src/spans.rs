//! spans.csv: every aligned sentence pair of every copy pair, with where each sentence lies in
//! its file, for tools that take text-alignment evidence (PAN-style source and suspicious
//! offsets).
//!
//! The pipeline keeps no text once features are built, so the files of copy pairs are read and
//! cleaned again here, the pairs aligned as `explain` aligns them, and each sentence found in
//! the raw text by its words (sentences are numbered on the cleaned text; cleaning folds only
//! punctuation and spaces, so the word sequence is the raw one). Offsets are bytes in the file
//! for .txt and .html inputs (in the decompressed file for .gz), in the record's text field
//! for JSON lines, and in the record's HTTP body for WARC.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use crate::evidence::{self, PairEvidence};
use crate::pipeline::{Analysis, Options};
use crate::report;
use crate::score::PairScore;

/// Columns of `spans.csv`.
pub const SPANS_COLUMNS: &[&str] = &[
    "a",
    "b",
    "sentence_a",
    "sentence_b",
    "a_start",
    "a_end",
    "b_start",
    "b_end",
    "kind",
    "similarity",
];

/// Most articles read again for spans; beyond it, spans.csv covers the copy pairs of the
/// highest-scoring articles first and says so on standard error.
pub const MAX_ARTICLES: usize = 20_000;

/// The copy pairs whose files are read again for the evidence reports: every copy pair, the
/// highest-scoring first, until their articles reach [`MAX_ARTICLES`]; with those articles.
pub fn pairs_within_cap(an: &Analysis) -> (Vec<usize>, BTreeSet<u32>) {
    let mut copies: Vec<usize> = (0..an.pairs.len())
        .filter(|&k| an.pairs[k].score.relation.is_copy())
        .collect();
    copies.sort_by(|&x, &y| an.pairs[y].score.score.total_cmp(&an.pairs[x].score.score));
    let mut articles: BTreeSet<u32> = BTreeSet::new();
    let mut kept = Vec::new();
    for k in copies {
        let (a, b) = (an.pairs[k].score.a, an.pairs[k].score.b);
        let new = usize::from(!articles.contains(&a)) + usize::from(!articles.contains(&b));
        if articles.len() + new > MAX_ARTICLES {
            continue;
        }
        articles.extend([a, b]);
        kept.push(k);
    }
    (kept, articles)
}

/// The rows of `spans.csv`, added pair by pair; each article is located in its text once.
#[derive(Default)]
pub struct Spans {
    located: HashMap<u32, Vec<Option<(usize, usize)>>>,
    rows: Vec<Vec<String>>,
}

impl Spans {
    /// Adds the aligned sentence pairs of copy pair `p`, whose evidence is `e`.
    pub fn add(&mut self, an: &Analysis, p: &PairScore, e: &PairEvidence, opts: &Options) {
        for (i, sentences) in [(p.a, &e.sentences[0]), (p.b, &e.sentences[1])] {
            self.located
                .entry(i)
                .or_insert_with(|| locate(&raw_text(an, i, opts), sentences));
        }
        let (la, lb) = (&self.located[&p.a], &self.located[&p.b]);
        let span = |l: &[Option<(usize, usize)>], n: usize, end: bool| -> String {
            l.get(n)
                .copied()
                .flatten()
                .map(|(s, e)| if end { e } else { s }.to_string())
                .unwrap_or_default()
        };
        for x in &e.aligned {
            self.rows.push(vec![
                an.articles[p.a as usize].path.clone(),
                an.articles[p.b as usize].path.clone(),
                (x.a + 1).to_string(),
                (x.b + 1).to_string(),
                span(la, x.a, false),
                span(la, x.a, true),
                span(lb, x.b, false),
                span(lb, x.b, true),
                evidence::kind(x).to_string(),
                format!("{:.3}", x.similarity),
            ]);
        }
    }

    /// Writes `spans.csv`.
    pub fn write(self, out: &Path) -> anyhow::Result<()> {
        report::write_csv(&out.join("spans.csv"), SPANS_COLUMNS, self.rows)
    }
}

/// The text offsets refer to: the file as read (UTF-8; a file that is not, in the charset it
/// was read in), a JSON-lines record's text field (lossy UTF-8), or a WARC record's HTTP body
/// (decoded as the page was). Empty when it cannot be read again.
fn raw_text(an: &Analysis, i: u32, opts: &Options) -> String {
    use crate::ingest::{html, warc, InputFormat};
    let (file, line) = crate::ingest::record_of(&an.articles[i as usize].path);
    if InputFormat::of(std::path::Path::new(file)) == Some(InputFormat::Warc) {
        return line
            .and_then(|offset| warc::record_text(&an.root.join(file), offset as u64))
            .unwrap_or_default();
    }
    let mut bytes = Vec::new();
    let read = crate::ingest::open_input(&an.root.join(file)).and_then(|r| {
        std::io::Read::read_to_end(
            &mut std::io::Read::take(r, crate::ingest::MAX_FILE_BYTES * 64),
            &mut bytes,
        )
    });
    if read.is_err() {
        return String::new();
    }
    let text = String::from_utf8_lossy(&bytes);
    match line {
        None if std::str::from_utf8(&bytes).is_err() => {
            match InputFormat::of(std::path::Path::new(file)) {
                Some(InputFormat::Html) => html::page_text(&bytes, None).unwrap_or_default(),
                _ => crate::ingest::decode_unlabelled(&bytes).0,
            }
        }
        None => text.into_owned(),
        Some(n) => text
            .lines()
            .nth(n.saturating_sub(1))
            .and_then(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .and_then(|v| v.get(&opts.json_fields.text)?.as_str().map(str::to_string))
            .unwrap_or_default(),
    }
}

/// Lower-case alphanumeric runs with their byte spans.
fn words(s: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (k, c) in s.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(k),
            (false, Some(st)) => {
                out.push((st, k, s[st..k].to_lowercase()));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((st, s.len(), s[st..].to_lowercase()));
    }
    out
}

/// Words a sentence may lack in the raw text (markup entities, dropped captions) before the
/// rest of it is still followed.
const SKIP: usize = 4;

/// Starts tried per sentence.
const CANDIDATES: usize = 16;

/// Where each sentence lies in `raw`: the byte span from its first word to its last, found in
/// order (each search starts after the previous sentence). `None` where a sentence's opening
/// words are not found.
pub fn locate(raw: &str, sentences: &[String]) -> Vec<Option<(usize, usize)>> {
    let rw = words(raw);
    let mut cursor = 0;
    sentences
        .iter()
        .map(|s| {
            let sw: Vec<String> = words(s).into_iter().map(|w| w.2).collect();
            sw.first()?;
            // A start: the sentence's first words in a row (three, or one where none of three
            // is found: markup may break the run).
            let opens = |k: usize, n: usize| {
                sw.iter()
                    .take(n)
                    .enumerate()
                    .all(|(d, w)| rw.get(k + d).is_some_and(|r| r.2 == *w))
            };
            // Follow the sentence from a start; count the words found.
            let follow = |start: usize| -> (usize, usize) {
                let (mut last, mut found) = (start, 1);
                for w in &sw[1..] {
                    let end = (last + 1 + SKIP).min(rw.len());
                    if let Some(q) = (last + 1..end).find(|&q| rw[q].2 == *w) {
                        last = q;
                        found += 1;
                    }
                }
                (last, found)
            };
            // The first start where most of the sentence follows (a title or a caption may
            // open with the same words); else the start where most does.
            let mut best: Option<(usize, usize, usize)> = None; // (start, last, found)
            for n in [3, 1] {
                for k in (cursor..rw.len()).filter(|&k| opens(k, n)).take(CANDIDATES) {
                    let (last, found) = follow(k);
                    if best.is_none_or(|b| found > b.2) {
                        best = Some((k, last, found));
                    }
                    if found * 5 >= sw.len() * 4 {
                        break;
                    }
                }
                if best.is_some() {
                    break;
                }
            }
            let (start, last, _) = best?;
            cursor = last + 1;
            Some((rw[start].0, rw[last].1))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_are_found_in_order_with_their_byte_spans() {
        let raw = "Title line\n\nThe council met on Monday. It voted 9 to 2 \u{2014} a \u{201c}clear\u{201d} result.\nThe council met again.";
        let sentences: Vec<String> = [
            "The council met on Monday.",
            "It voted 9 to 2 - a \"clear\" result.",
            "The council met again.",
        ]
        .map(String::from)
        .to_vec();
        let spans = locate(raw, &sentences);
        let text = |k: usize| spans[k].map(|(s, e)| &raw[s..e]);
        assert_eq!(text(0), Some("The council met on Monday"));
        assert_eq!(
            text(1),
            Some("It voted 9 to 2 \u{2014} a \u{201c}clear\u{201d} result")
        );
        assert_eq!(
            text(2),
            Some("The council met again"),
            "the second 'The council' is found after the first"
        );
    }

    #[test]
    fn a_title_opening_with_the_same_words_is_passed_over() {
        let raw = "Port Ellis Races to Patch Seawall\n\nPORT ELLIS (Wire) - Crews in Port Ellis worked all night.\nPort Ellis seawall\n\nPORT ELLIS, Norvania - Crews worked.";
        let s = ["PORT ELLIS (Wire) - Crews in Port Ellis worked all night.".to_string()];
        let (a, b) = locate(raw, &s)[0].expect("found");
        assert_eq!(
            &raw[a..b],
            "PORT ELLIS (Wire) - Crews in Port Ellis worked all night"
        );
        let s = ["PORT ELLIS, Norvania - Crews worked.".to_string()];
        let (a, b) = locate(raw, &s)[0].expect("found");
        assert_eq!(
            &raw[a..b],
            "PORT ELLIS, Norvania - Crews worked",
            "not from the title"
        );
    }

    #[test]
    fn a_sentence_not_in_the_text_has_no_span() {
        let spans = locate("Nothing alike here.", &["The council met.".to_string()]);
        assert_eq!(spans, [None]);
    }

    #[test]
    fn json_lines_paths_name_file_and_line() {
        use crate::ingest::record_of;
        assert_eq!(record_of("feed.jsonl#12"), ("feed.jsonl", Some(12)));
        assert_eq!(record_of("news/page#top.txt"), ("news/page#top.txt", None));
    }
}

//! The evidence for one pair of cleaned articles, as `explain` and the HTML report show it:
//! the pair scored on its own (words weighed by the background table and the two texts), its
//! direction, and its aligned sentences with their texts.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use crate::attribution::{self, ArticleEvidence, Direction};
use crate::features::{self, LanguageChoice, Weights};
use crate::ingest;
use crate::pipeline::{self, Analysis, Cleaned, Options};
use crate::score::{self, model, PairScore, Params, Prepared, SentencePair};

/// Aligned sentences at or above this edit similarity are the same wording.
const VERBATIM: f32 = score::VERBATIM_SENTENCE;

/// Aligned sentences that keep much of their wording: words swapped one for one, as a
/// spinner does.
const SPUN_EDIT: f32 = 0.4;

pub struct PairEvidence {
    pub score: PairScore,
    pub direction: Direction,
    /// The copy model's inputs (to say which pushed the verdict).
    pub inputs: model::Inputs,
    pub aligned: Vec<SentencePair>,
    /// Each article's sentences, numbered as the alignment numbers them.
    pub sentences: [Vec<String>; 2],
    /// Each article's boilerplate lines (text, type), removed before scoring.
    pub boilerplate: [Vec<(String, &'static str)>; 2],
}

/// Scores and aligns two cleaned articles.
pub fn pair(a: &Cleaned, b: &Cleaned, params: &Params, lang: &LanguageChoice) -> PairEvidence {
    let fa = pipeline::extract_body(&a.body, &language_of(a, lang));
    let fb = pipeline::extract_body(&b.body, &language_of(b, lang));
    let weights = Weights::from_articles([&fa, &fb]);
    let (pa, pb) = (Prepared::new(&fa, &weights), Prepared::new(&fb, &weights));
    let s = score::score_pair(0, 1, &pa, &pb, params);
    let (inputs, _) = score::model_inputs(&pa, &pb, &s.signals, params);
    let (ea, eb) = (
        ArticleEvidence::of(&a.article),
        ArticleEvidence::of(&b.article),
    );
    let direction = attribution::decide(
        &s,
        &attribution::inputs(&s, &ea, &eb),
        &attribution::weights(params.model()),
    );
    let sentences = |c: &Cleaned| -> Vec<String> {
        let paragraphs: Vec<&str> = c.body.iter().map(String::as_str).collect();
        features::sentence_texts(&paragraphs)
    };
    PairEvidence {
        score: s,
        direction,
        inputs,
        aligned: score::sentence_pairs(&pa, &pb, params),
        sentences: [sentences(a), sentences(b)],
        boilerplate: [boilerplate(a), boilerplate(b)],
    }
}

fn boilerplate(c: &Cleaned) -> Vec<(String, &'static str)> {
    c.article
        .boilerplate
        .iter()
        .map(|b| (b.text.clone(), b.kind.as_str()))
        .collect()
}

/// The side-by-side rows of the HTML pages: boilerplate lines struck through, then the
/// sentences, aligned pairs on one row.
pub fn html_rows(e: &PairEvidence) -> Vec<crate::html::Row> {
    let aligned: Vec<(usize, usize, &str, f32)> = e
        .aligned
        .iter()
        .map(|x| (x.a, x.b, kind(x), x.similarity))
        .collect();
    let mut rows = crate::html::boilerplate_rows(&e.boilerplate[0], &e.boilerplate[1]);
    rows.extend(crate::html::rows(
        &e.sentences[0],
        &e.sentences[1],
        &aligned,
    ));
    rows
}

/// The cleaned texts of `articles`, read again from `an.root` (the pipeline keeps no text):
/// their files are cleaned as `scan` cleans them. An article whose file cannot be read again
/// is left out, and so are its pairs' texts.
pub fn reread(an: &Analysis, articles: &BTreeSet<u32>, opts: &Options) -> HashMap<u32, Cleaned> {
    if an.root.as_os_str().is_empty() || articles.is_empty() {
        return HashMap::new();
    }
    let files: BTreeSet<&str> = articles
        .iter()
        .map(|&i| ingest::reread_path(&an.articles[i as usize].path))
        .collect();
    let list: Vec<(PathBuf, PathBuf)> = files
        .iter()
        .map(|f| (an.root.clone(), an.root.join(f)))
        .collect();
    let quiet = Options {
        progress: false,
        ..opts.clone()
    };
    let Ok((cleaned, _)) = pipeline::read_and_clean(&list, &quiet) else {
        return HashMap::new();
    };
    let index = an.index_by_path();
    cleaned
        .into_iter()
        .filter_map(|mut c| {
            let i = *index.get(c.article.path.as_str())?;
            c.article.lang = an.articles[i as usize].lang;
            articles.contains(&i).then_some((i, c))
        })
        .collect()
}

/// The language an article was scanned in, when a scan read it (no second detection, the same
/// language as the scan), else as `lang` chooses.
fn language_of(c: &Cleaned, lang: &LanguageChoice) -> LanguageChoice {
    crate::features::Language::by_code(c.article.lang).map_or(*lang, LanguageChoice::Fixed)
}

/// The verdict as one line: relation, copy or not, probability (and the threshold, if given).
pub fn verdict_line(p: &PairScore, threshold: Option<f32>) -> String {
    let copy = if p.relation.is_copy() {
        "a copy"
    } else {
        "not a copy"
    };
    let mut line = format!(
        "relation: {} ({copy}); copy probability {:.3}",
        p.relation.as_str(),
        p.score
    );
    if let Some(t) = threshold {
        line.push_str(&format!(", threshold {t:.2}"));
    }
    line
}

/// How an aligned sentence pair was changed: `verbatim`, `spun` or `reworded`.
pub fn kind(x: &SentencePair) -> &'static str {
    if x.edit_similarity >= VERBATIM {
        "verbatim"
    } else if x.edit_similarity >= SPUN_EDIT {
        "spun"
    } else {
        "reworded"
    }
}

/// A `direction_evidence` entry (`kept:b`, `date:a<b`) in words.
pub fn in_words(entry: &str) -> String {
    let (name, side) = entry.split_once(':').unwrap_or((entry, ""));
    let other = if side == "a" { "b" } else { "a" };
    match name {
        "date" => format!("dates: {} is dated earlier", side.get(..1).unwrap_or(side)),
        "credit" => format!("{other} credits {side}'s site as its source"),
        "composite" => format!("{other} stitches parts of several articles together"),
        "containment_whole" => format!("{other}'s text lies (nearly) whole inside {side}'s"),
        "containment_passage" => format!("the shared passage makes a larger part of {side}"),
        "align" => format!("{other} aligns into {side} more than the other way"),
        "kept" => format!("{other} drops names and numbers that {side} has"),
        "farm" => format!("{other} carries more content-farm marks"),
        "vocabulary_spun" => format!("{other} swaps words one for one for rarer synonyms"),
        "vocabulary_rewrite" => {
            format!("{other}'s rewording is plainer, as language-model rewrites are")
        }
        "lead" | "tail" => {
            format!("{other} has text before or after the shared part that {side} lacks")
        }
        "dateline" => format!("{side} opens with a wire dateline that {other} lacks"),
        "length" => format!("their lengths point to {side}"),
        _ => entry.to_string(),
    }
}

/// The direction as sentences: who is the source, then each deciding signal in words.
pub fn direction_lines(p: &PairScore, d: &Direction) -> Vec<String> {
    let lead = if p.relation.is_copy() {
        "direction"
    } else {
        "direction (were it a copy)"
    };
    match d.source {
        None => vec![format!("{lead}: undecided, no evidence either way")],
        Some(s) => {
            let (source, copy) = if s == p.b { ("b", "a") } else { ("a", "b") };
            let mut out = vec![format!(
                "{lead}: {source} is the source, {copy} the copy (confidence {:.2})",
                d.confidence
            )];
            out.extend(d.evidence_names().iter().map(|n| in_words(n)));
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_reads_as_words() {
        assert_eq!(in_words("date:a<b"), "dates: a is dated earlier");
        assert_eq!(in_words("kept:b"), "a drops names and numbers that b has");
    }
}

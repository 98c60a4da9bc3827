//! A plain-text article all the way to its features: metadata stamps, boilerplate labels,
//! language detection, stemming, compounds, numbers, anchors.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spinscan::boilerplate::{label_lines, Lexicon};
use spinscan::features::{self, LanguageChoice};
use spinscan::ingest::parse_article;
use std::sync::LazyLock;

static LEXICON: LazyLock<Lexicon> = LazyLock::new(Lexicon::builtin);

fuzz_target!(|data: &[u8]| {
    let Ok(article) = parse_article("fuzz.txt".into(), data) else {
        return;
    };
    let lines: Vec<&str> = article.lines.iter().map(String::as_str).collect();
    let labels = label_lines(&lines, &LEXICON);
    let body: Vec<&str> = lines
        .iter()
        .zip(&labels)
        .filter(|(_, l)| l.is_none())
        .map(|(line, _)| *line)
        .collect();
    let f = features::extract(&body, LanguageChoice::Detect.of(&body));
    let mut e = spinscan::store::Encoder::default();
    f.encode(&mut e);
    assert!(features::ArticleFeatures::decode(&e.bytes).is_ok());
});

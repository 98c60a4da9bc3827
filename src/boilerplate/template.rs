//! Cross-article template lines: a line that recurs in articles that have nothing else in
//! common is site chrome; a line that recurs in copies of one story is copied content.

use std::collections::HashMap;

use super::lexicon::tokenize;
use super::line::is_stopword;
use super::Kind;
use crate::text::{hash64, intersect_count};

/// Content-word overlap (shared words / words of the smaller article, the recurring line's own
/// words left out) below which two articles count as unrelated.
const UNRELATED_OVERLAP: f32 = 0.15;
/// Articles of one recurring line that are compared with others.
const MAX_ARTICLES: usize = 24;
/// Partners each examined article is compared with.
const PARTNERS: usize = 4;
/// Fewer content words than this and an article says too little to judge relatedness.
const MIN_WORDS: usize = 12;
/// Longer recurring lines are copied paragraphs, not site chrome.
const MAX_LINE_WORDS: usize = 40;

fn content_words(line: &str, out: &mut Vec<u64>) {
    for t in tokenize(line) {
        if t.word.chars().count() >= 3
            && t.word.chars().all(char::is_alphabetic)
            && !is_stopword(&t.word)
        {
            out.push(hash64(t.word.as_bytes()));
        }
    }
}

/// Normalised line key: lower-case words joined by spaces; None when too short to be a
/// reliable template line.
fn line_key(line: &str) -> Option<u64> {
    if line.len() > MAX_LINE_WORDS * 16 {
        return None; // cannot have few enough words
    }
    let toks = tokenize(line);
    let letters: usize = toks
        .iter()
        .map(|t| t.word.chars().filter(|c| c.is_alphabetic()).count())
        .sum();
    if toks.len() < 2 || toks.len() > MAX_LINE_WORDS || letters < 8 {
        return None;
    }
    // Reported speech recurs because a story was copied, not because a site repeats it.
    let quoted = line.contains(['"', '“', '”']);
    let speech = toks.iter().any(|t| {
        matches!(
            t.word.as_str(),
            "said" | "says" | "told" | "claimed" | "added"
        )
    });
    if quoted && (speech || toks.len() >= 12) {
        return None;
    }
    let mut key = String::with_capacity(line.len());
    for t in &toks {
        key.push_str(&t.word);
        key.push(' ');
    }
    Some(hash64(key.as_bytes()))
}

fn count_excluding(a: &[u64], skip: &[u64]) -> usize {
    a.iter().filter(|w| skip.binary_search(w).is_err()).count()
}

/// Cross-folder template detection: a line (still None) whose normalised text recurs in >= 2
/// articles that are otherwise unrelated (low content-word overlap outside that line) becomes
/// Kind::Template. A line recurring across copies of ONE story (articles whose other content words
/// overlap a lot, e.g. verbatim copies or rewrites sharing a quote) is copied content and must stay None.
/// `articles[k]` are article k's lines, `labels[k]` its labels from label_lines (modified in place).
pub fn mark_templates(articles: &[Vec<&str>], labels: &mut [Vec<Option<Kind>>]) {
    let na = articles.len().min(labels.len());
    // Recurring lines: key -> occurrences (article, line), unlabelled lines only.
    let mut occ: HashMap<u64, Vec<(u32, u32)>> = HashMap::new();
    for (a, lines) in articles.iter().take(na).enumerate() {
        for (i, line) in lines.iter().enumerate() {
            let free = labels[a].get(i).is_some_and(Option::is_none);
            let k = if free { line_key(line) } else { None };
            if let Some(k) = k {
                occ.entry(k).or_default().push((a as u32, i as u32));
            }
        }
    }
    // Keep only keys seen in at least two different articles.
    occ.retain(|_, v| v.len() >= 2 && v.iter().any(|&(a, _)| a != v[0].0));
    if occ.is_empty() {
        return;
    }
    // Content words of the articles that take part (their unlabelled lines).
    let mut involved = vec![false; na];
    for v in occ.values() {
        for &(a, _) in v {
            involved[a as usize] = true;
        }
    }
    let words: Vec<Vec<u64>> = (0..na)
        .map(|a| {
            let mut w = Vec::new();
            if involved[a] {
                for (i, line) in articles[a].iter().enumerate() {
                    if labels[a].get(i).is_some_and(Option::is_none) {
                        content_words(line, &mut w);
                    }
                }
                w.sort_unstable();
                w.dedup();
            }
            w
        })
        .collect();

    // Per article, the recurring lines it holds; per recurring line, its content words.
    let mut keys_of: Vec<Vec<u64>> = vec![Vec::new(); na];
    let mut key_words: HashMap<u64, Vec<u64>> = HashMap::new();
    for (&k, v) in &occ {
        for &(a, _) in v {
            keys_of[a as usize].push(k);
        }
        let (a0, l0) = v[0];
        let mut w = Vec::new();
        content_words(articles[a0 as usize][l0 as usize], &mut w);
        w.sort_unstable();
        w.dedup();
        key_words.insert(k, w);
    }
    for k in &mut keys_of {
        k.sort_unstable();
        k.dedup();
    }

    // Two articles are unrelated when, leaving out every line they share word for word, what
    // remains is substantial and has little in common. Copies of one story have little left
    // once their shared lines are gone (or share much of what is left), so they stay related;
    // two stories from one site that share a block of chrome show their different remainder.
    let mut verdicts: HashMap<(u32, u32), bool> = HashMap::new();
    let mut unrelated = |x: u32, y: u32| -> bool {
        let key = (x.min(y), x.max(y));
        *verdicts.entry(key).or_insert_with(|| {
            let (wx, wy) = (&words[x as usize], &words[y as usize]);
            let (kx, ky) = (&keys_of[x as usize], &keys_of[y as usize]);
            let mut excluded: Vec<u64> = Vec::new();
            let (mut i, mut j) = (0, 0);
            while i < kx.len() && j < ky.len() {
                match kx[i].cmp(&ky[j]) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Greater => j += 1,
                    std::cmp::Ordering::Equal => {
                        excluded.extend(key_words.get(&kx[i]).map_or(&[][..], Vec::as_slice));
                        i += 1;
                        j += 1;
                    }
                }
            }
            excluded.sort_unstable();
            excluded.dedup();
            let nx = count_excluding(wx, &excluded);
            let ny = count_excluding(wy, &excluded);
            // Too little left besides the shared lines to judge: treat as related.
            if nx.min(ny) < MIN_WORDS || nx * 2 < wx.len() || ny * 2 < wy.len() {
                return false;
            }
            let in_both_excluded = excluded
                .iter()
                .filter(|w| wx.binary_search(w).is_ok() && wy.binary_search(w).is_ok())
                .count();
            let shared = intersect_count(wx, wy).saturating_sub(in_both_excluded);
            (shared as f32) < UNRELATED_OVERLAP * nx.min(ny) as f32
        })
    };

    let mut marks: Vec<(u32, u32)> = Vec::new();
    for v in occ.values() {
        let mut arts: Vec<u32> = v.iter().map(|&(a, _)| a).collect();
        arts.sort_unstable();
        arts.dedup();

        let examined = &arts[..arts.len().min(MAX_ARTICLES)];
        let m = examined.len();
        let mut witness = vec![false; m];
        let (mut pairs, mut unrel) = (0usize, 0usize);
        let sampling = arts.len() > m;
        for i in 0..m {
            for d in 1..=PARTNERS.min(m - 1) {
                if witness[i] && !sampling {
                    break;
                }
                let j = (i + d) % m;
                pairs += 1;
                if unrelated(examined[i], examined[j]) {
                    unrel += 1;
                    witness[i] = true;
                    witness[j] = true;
                }
            }
        }
        let mut marked_arts: Vec<u32> = examined
            .iter()
            .zip(&witness)
            .filter(|(_, &w)| w)
            .map(|(&a, _)| a)
            .collect();
        if arts.len() > m && pairs > 0 && unrel * 10 >= pairs * 3 {
            // a line in very many articles, often unrelated: site-wide template
            marked_arts = arts.clone();
        }
        if marked_arts.is_empty() {
            continue;
        }
        for &(a, l) in v {
            if marked_arts.binary_search(&a).is_ok() {
                marks.push((a, l));
            }
        }
    }
    for (a, l) in marks {
        let slot = &mut labels[a as usize][l as usize];
        if slot.is_none() {
            *slot = Some(Kind::Template);
        }
    }
}

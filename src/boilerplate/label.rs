//! Labelling one article's lines: single-line rules, then headings with the blocks that
//! follow them, then the menu at the top and bios without a heading.

use std::sync::LazyLock;

use regex::Regex;

use super::lexicon::{tokenize, Lexicon, Mode, Token};
use super::line::Line;
use super::Kind;

/// Copyright lines: "Copyright 2021 site.com - All Rights Reserved", "© 2020 Site. All rights
/// reserved.", optionally behind a short tag such as `SITE_X:`.
static COPYRIGHT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:[\w.-]{1,20}\s*[:|]\s*)?(?:copyright\b|\(c\)|©|&copy;)").unwrap()
});
static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)(?:19|20)\d{2}(?-u:\b)").unwrap());
static RESERVED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:all\s+)?rights?\s+reserved\b").unwrap());
/// "Published on <URL> by ...", "posted at www.site.com", "appeared first on site.com".
static PUBLISHED_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:published|posted|appeared|seen|shared|syndicated|reposted|republished|sourced|retrieved|scraped|taken|fetched)(?:\s+first|\s+originally)?\s+(?:on|at|in|from|via)\s+(?:https?://|www\.)",
    )
    .unwrap()
});
const DATE: &str = r"(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}\.\d{1,2}\.\d{2,4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|today|yesterday)";
/// "Posted by NAME on DATE", "Published: DATE by NAME", "COPYRIGHT_X: Posted by ... on ...".
static POSTED_BY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^(?:[\w.-]{{1,20}}\s*:\s*)?(?:(?:this\s+|the\s+)?(?:article|story|post|content|piece|item|entry)\s+(?:was\s+)?)?(?:first\s+|originally\s+)?(?:posted|published|submitted|uploaded|scraped|added|reposted|republished|syndicated|archived|fetched|crawled)\b(?:\s+by\s+[^,;]{{2,60}}?)?\s*(?:,|on|at|:|-|\|)?\s*{DATE}"
    ))
    .unwrap()
});
static BARE_URL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)^<?https?://\S+>?$").unwrap());

/// How the lines after a heading continue its block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    /// A single line of its own.
    None,
    /// A heading whose following lines inherit the kind while they keep the block's shape.
    Heading,
    /// "Read more:" alone: the next headline-shaped line is the link.
    NextHeadline,
}

/// Label one article's lines. `lines[i]` is line i+1 of the file. Blank lines are always None.
pub fn label_lines(lines: &[&str], lex: &Lexicon) -> Vec<Option<Kind>> {
    let feats: Vec<Line> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| Line::new(l, i == 0, lex))
        .collect();
    let n = feats.len();
    let mut out: Vec<Option<Kind>> = vec![None; n];
    if n == 0 {
        return out;
    }

    top_menu(&feats, lex, &mut out);

    // Single-line rules.
    let mut blocks: Vec<(usize, Kind, Block)> = Vec::new();
    for (i, f) in feats.iter().enumerate() {
        if f.blank || out[i].is_some() {
            continue;
        }
        if let Some((kind, block)) = classify(f, lex) {
            out[i] = Some(kind);
            if block != Block::None {
                blocks.push((i, kind, block));
            }
        }
    }

    // Headings and the blocks under them.
    // Related-link lists last: whether a list runs to the end of the page depends on the
    // author and share blocks below it.
    blocks.sort_by_key(|&(h, kind, _)| (kind == Kind::RelatedLinks, h));
    for &(h, kind, block) in &blocks {
        match block {
            Block::NextHeadline => {
                if let Some(j) = next_nonblank(&feats, h + 1) {
                    if out[j].is_none() && feats[j].is_headline() && !feats[j].is_prose() {
                        out[j] = Some(kind);
                    }
                }
            }
            Block::Heading => {
                let taken = continue_block(&feats, lex, &out, h, kind);
                let keep = !taken.is_empty() || heading_stands_alone(&feats, &out, h, kind);
                if keep {
                    for j in taken {
                        out[j] = Some(kind);
                    }
                } else {
                    out[h] = None;
                }
            }
            Block::None => {}
        }
    }

    tagged_teasers(&feats, &mut out);
    about_name_bios(&feats, lex, &mut out);
    about_closing_blocks(&feats, &mut out);
    lone_bios(&feats, lex, &mut out);
    bullet_menus(&feats, lex, &mut out);
    out
}

fn next_nonblank(feats: &[Line], from: usize) -> Option<usize> {
    (from..feats.len()).find(|&j| !feats[j].blank)
}

/// One line on its own: its kind, and whether it opens a block.
fn classify(f: &Line, lex: &Lexicon) -> Option<(Kind, Block)> {
    let n = f.n();

    // --- scraper stamps
    if is_stamp(f) {
        return Some((Kind::ScraperStamp, Block::None));
    }

    // --- share bars
    if is_share_bar(f, lex) {
        return Some((Kind::ShareBar, Block::None));
    }

    // --- read more
    if n <= 40 {
        for h in f.hits.iter().filter(|h| {
            h.start == 0
                && ((h.kind == Kind::ReadMore && h.mode == Mode::Label)
                    || (h.kind == Kind::RelatedLinks && h.mode == Mode::Heading))
        }) {
            if let Some((k, rest)) = f.label_rest_named(h.len) {
                // a site name between phrase and separator only after "Also on", "More from"
                let named_ok = k == h.len
                    || matches!(
                        f.toks[h.len - 1].word.as_str(),
                        "from"
                            | "on"
                            | "in"
                            | "at"
                            | "by"
                            | "of"
                            | "for"
                            | "read"
                            | "more"
                            | "also"
                    );
                if named_ok && f.rest_words(k) <= 30 && !rest.starts_with(['"', '“']) {
                    return Some((Kind::ReadMore, Block::None));
                }
            }
        }
        if let Some(h) = f.hit(Kind::ReadMore, Mode::Prefix) {
            let at_start = f.toks[0].start == 0;
            if at_start && (h.len == n || f.rest_words(h.len) <= 30) {
                let block = if h.len == n {
                    Block::NextHeadline
                } else {
                    Block::None
                };
                return Some((Kind::ReadMore, block));
            }
        }
        if f.hit(Kind::ReadMore, Mode::Line).is_some() {
            return Some((Kind::ReadMore, Block::NextHeadline));
        }
    }

    // --- headings (whole line is the phrase)
    for kind in [
        Kind::RelatedLinks,
        Kind::AuthorBio,
        Kind::ShareBar,
        Kind::NavMenu,
    ] {
        if f.heading(kind) {
            return Some((kind, Block::Heading));
        }
    }
    if f.heading_with_name(Kind::RelatedLinks) {
        return Some((Kind::RelatedLinks, Block::Heading));
    }
    for kind in [
        Kind::RelatedLinks,
        Kind::NewsletterOrAdNotice,
        Kind::NavMenu,
        Kind::ShareBar,
    ] {
        if f.hit(kind, Mode::Line).is_some() {
            return Some((kind, Block::None));
        }
    }
    if let Some(h) = f.hit(Kind::AuthorBio, Mode::Prefix) {
        if h.len < n && n <= 12 {
            return Some((Kind::AuthorBio, Block::Heading));
        }
    }
    // "About the author: Jane Roe is a ..." on one line
    if let Some(h) = f.hit(Kind::AuthorBio, Mode::Heading) {
        if h.len < n && f.label_rest(h.len).is_some() && f.n() >= h.len + 3 {
            let rest_ok = f.bio_score(lex) >= 1 || f.n() <= h.len + 5;
            if rest_ok && !f.quotey() {
                return Some((Kind::AuthorBio, Block::Heading));
            }
        }
    }

    // --- newsletter, consent and ad notices
    if is_notice(f) {
        return Some((Kind::NewsletterOrAdNotice, Block::None));
    }

    // --- lines of the other kinds given by label/prefix entries in user lexicons
    for kind in [Kind::RelatedLinks, Kind::NavMenu, Kind::AuthorBio] {
        if let Some(h) = f.hit(kind, Mode::Label) {
            if f.label_rest(h.len).is_some() && f.rest_words(h.len) <= 30 {
                return Some((kind, Block::None));
            }
        }
    }
    None
}

fn is_stamp(f: &Line) -> bool {
    let n = f.n();
    if n > 45 {
        return false;
    }
    let text = f.text.as_str();
    let reserved = f.toks.iter().any(|t| t.word == "reserved") && RESERVED.is_match(text);
    if COPYRIGHT.is_match(text)
        && ((YEAR.is_match(text) && n <= 12 && f.stop_ratio() <= 0.15) || reserved)
        && n <= 30
    {
        return true;
    }
    if reserved && n <= 20 && f.toks.iter().any(|t| t.word == "all") {
        return true;
    }
    if f.has_domain && PUBLISHED_URL.is_match(text) {
        return true;
    }
    if n <= 25 && POSTED_BY.is_match(text) {
        return true;
    }
    if BARE_URL.is_match(text) {
        return true;
    }
    // "Via site.example", "Via The Daily Dig"
    if f.toks[0].word == "via" && f.toks[0].start == 0 && (2..=5).contains(&n) && !f.terminal {
        let name = f.toks[1..].iter().all(|t| t.cap || t.all_caps);
        if f.has_domain || name {
            return true;
        }
    }
    if let Some(h) = f.hit(Kind::ScraperStamp, Mode::Label) {
        if f.label_rest(h.len).is_some() && f.rest_words(h.len) <= 12 && !f.quotey() {
            return true;
        }
    }
    // "Originally published at ...", "This article first appeared on ..."
    let guarded = n <= 30 && (f.has_domain || !f.terminal || (n <= 14 && !f.text.contains(',')));
    if guarded && f.hit(Kind::ScraperStamp, Mode::Prefix).is_some() {
        return true;
    }
    let score = f.score(Kind::ScraperStamp);
    let strong = f.hit(Kind::ScraperStamp, Mode::Contains).is_some();
    (strong && score >= 2 && guarded && !f.quotey()) || (score >= 4 && n <= 40)
}

/// Social networks and sharing words that are also ordinary words ("in", "line", "print").
const WEAK_SOCIAL: &[&str] = &[
    "in", "x", "line", "print", "share", "feed", "comments", "comment", "mix", "pin", "pocket",
    "threads", "google", "email", "mail", "e", "rss", "li", "wa", "hn", "tg", "yt", "ig",
];

fn is_share_bar(f: &Line, lex: &Lexicon) -> bool {
    let n = f.n();
    if n == 0 || n > 20 {
        return false;
    }
    let mut covered = vec![false; n];
    for h in &f.hits {
        if h.kind == Kind::ShareBar && h.mode == Mode::Vocab {
            for c in covered.iter_mut().skip(h.start).take(h.len) {
                *c = true;
            }
        }
    }
    let social = covered.iter().filter(|&&c| c).count();
    let strong = f
        .toks
        .iter()
        .zip(&covered)
        .filter(|(t, &c)| c && !WEAK_SOCIAL.contains(&t.word.as_str()))
        .count();
    let leading = f
        .hits
        .iter()
        .filter(|h| h.kind == Kind::ShareBar && h.mode == Mode::Prefix)
        .map(|h| h.len)
        .max();
    if let Some(len) = leading {
        // "Share: Twitter | Facebook", "SHARE ON: FB / TW / IN / MAIL", "Follow us on X"
        let rest_social = covered[len..].iter().filter(|&&c| c).count();
        let rest = n - len;
        if rest == 0 {
            return false; // a heading; handled by the heading rule
        }
        if strong >= 1 && (rest_social * 2 >= rest || (n <= 10 && !f.period)) {
            return true;
        }
        if rest_social == rest && rest >= 2 {
            return true;
        }
        // "SHARE THIS: f / t / in": icon letters after the label
        if f.label_rest(len).is_some()
            && !f.terminal
            && rest <= 8
            && f.toks[len..]
                .iter()
                .all(|t| t.word.chars().count() <= 2 || covered_word(t, lex))
        {
            return true;
        }
    }
    // "Tweet | Share | Email": every separated segment is a sharing word
    let segs: Vec<&str> = f
        .text
        .split(['|', '/', '·', '•'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if segs.len() >= 3
        && segs.iter().all(|s| {
            let t = tokenize(s);
            !t.is_empty() && t.len() <= 2 && lex.is_vocab_item(Kind::ShareBar, &t)
        })
    {
        return true;
    }
    // "Facebook Twitter WhatsApp Email"
    strong >= 2 && social * 10 >= n * 7 && !f.terminal
}

fn covered_word(t: &Token, lex: &Lexicon) -> bool {
    lex.is_vocab_item(Kind::ShareBar, std::slice::from_ref(t))
}

fn is_notice(f: &Line) -> bool {
    let n = f.n();
    if n == 0 || n > 110 {
        return false;
    }
    let score = f.score(Kind::NewsletterOrAdNotice);
    let strong = f
        .hits
        .iter()
        .any(|h| h.kind == Kind::NewsletterOrAdNotice && h.mode == Mode::Contains);
    if !strong {
        return false;
    }
    let addressed = f.reader_address() > 0;
    if f.quotey() {
        return score >= 7 && addressed;
    }
    (score >= 4 && addressed) || (score >= 3 && n <= 14) || (score >= 6 && n <= 60)
}

/// Shape of a line that continues the block under a `kind` heading.
fn continues(f: &Line, lex: &Lexicon, kind: Kind) -> bool {
    match kind {
        Kind::RelatedLinks => {
            f.hit(Kind::RelatedLinks, Mode::Line).is_some()
                || (f.is_headline() && (f.n() >= 3 || f.tag))
                || (f.bullet && (3..=25).contains(&f.n()) && !f.period)
        }
        Kind::ShareBar => {
            let n = f.n();
            n <= 4
                && f.hits
                    .iter()
                    .filter(|h| h.kind == Kind::ShareBar && h.mode == Mode::Vocab)
                    .map(|h| h.len)
                    .sum::<usize>()
                    >= n
        }
        Kind::NavMenu => is_menu_item(f, lex),
        _ => false,
    }
}

/// The lines that inherit a heading's kind.
fn continue_block(
    feats: &[Line],
    lex: &Lexicon,
    out: &[Option<Kind>],
    h: usize,
    kind: Kind,
) -> Vec<usize> {
    if kind == Kind::AuthorBio {
        return bio_block(feats, lex, out, h);
    }
    let mut taken: Vec<usize> = Vec::new();
    let mut gap = false;
    // A list whose first entry is set off from the heading by a blank line is a spaced list:
    // blank lines between its entries do not end it.
    let mut spaced = false;
    let mut j = h + 1;
    let limit = if kind == Kind::NavMenu { 30 } else { 12 };
    while j < feats.len() && taken.len() < limit {
        let f = &feats[j];
        if f.blank {
            gap = true;
            j += 1;
            continue;
        }
        if let Some(k) = out[j] {
            if k == kind && kind == Kind::RelatedLinks {
                // "No articles found." already labelled by its own rule
                taken.push(j);
                gap = false;
                j += 1;
                continue;
            }
            break;
        }
        let fits = continues(f, lex, kind)
            || (kind == Kind::RelatedLinks && sentence_teaser(feats, out, j));
        if !fits {
            break;
        }
        // A list keeps its style: after tagged (or bulleted) entries, an entry without the
        // tag (or bullet) is the article again.
        if let Some(&first) = taken.first() {
            let first: &Line = &feats[first];
            if (first.tag && !f.tag) || (first.bullet && !f.bullet) {
                break;
            }
        }
        // After a blank line a new paragraph of the article may start: keep going only if
        // the line still looks like a list entry (tagged, bulleted) or only links remain.
        if taken.is_empty() {
            spaced = gap;
        }
        let list_like = f.tag || f.bullet || (!f.quotey() && rest_is_links(feats, out, j));
        if gap && !taken.is_empty() && !spaced && !list_like {
            break;
        }
        if spaced && (f.quotey() || taken.len() >= 8) {
            break;
        }
        taken.push(j);
        gap = false;
        j += 1;
    }
    taken
}

/// A short teaser that happens to end in a full stop: accepted inside a link list when the
/// next line is again a headline or only links follow.
fn sentence_teaser(feats: &[Line], out: &[Option<Kind>], j: usize) -> bool {
    let f = &feats[j];
    if f.n() > 20 || f.n() < 2 || f.quote_start || f.quotey() {
        return false;
    }
    let next_is_headline = feats
        .get(j + 1)
        .is_some_and(|g| !g.blank && out[j + 1].is_none() && g.is_headline() && g.n() >= 4);
    next_is_headline || rest_is_links(feats, out, j + 1)
}

/// Everything from `j` on is blank, already labelled, or headline-shaped (the tail of a page).
fn rest_is_links(feats: &[Line], out: &[Option<Kind>], j: usize) -> bool {
    (j..feats.len()).all(|k| feats[k].blank || out[k].is_some() || feats[k].is_headline())
}

/// A heading with nothing under it is kept only near the end of the page, where nothing but
/// other boilerplate follows (e.g. "Recent Articles" as the last line).
fn heading_stands_alone(feats: &[Line], out: &[Option<Kind>], h: usize, kind: Kind) -> bool {
    if kind == Kind::AuthorBio {
        return false;
    }
    let text_len = feats[h].text.trim_end_matches([':', '.', '…', ' ']).len();
    let explicit =
        feats[h].n() >= 2 || feats[h].text.ends_with([':', '…']) || feats[h].toks[0].all_caps;
    explicit && text_len > 0 && ((h + 1)..feats.len()).all(|k| feats[k].blank || out[k].is_some())
}

/// The author name line and bio paragraph(s) under an "About the author" heading.
fn bio_block(feats: &[Line], lex: &Lexicon, out: &[Option<Kind>], h: usize) -> Vec<usize> {
    let mut taken = Vec::new();
    let mut paras = 0;
    let mut blanks = 0;
    let mut j = h + 1;
    while j < feats.len() && taken.len() < 6 {
        let f = &feats[j];
        if f.blank {
            blanks += 1;
            if blanks > 2 {
                break;
            }
            j += 1;
            continue;
        }
        blanks = 0;
        if out[j].is_some() {
            break;
        }
        if f.is_name() && paras == 0 {
            taken.push(j);
        } else if is_bio_para(f, lex, !taken.is_empty() || paras == 0) {
            taken.push(j);
            paras += 1;
        } else {
            break;
        }
        j += 1;
    }
    taken
}

/// A paragraph describing a person's career. `lenient` right under a heading or name line.
fn is_bio_para(f: &Line, lex: &Lexicon, lenient: bool) -> bool {
    if f.n() < 5 || f.n() > 150 || f.quote_start {
        return false;
    }
    let score = f.bio_score(lex);
    let person = f.starts_person();
    if lenient {
        score >= 1 || person
    } else {
        (score >= 2 && person) || score >= 4
    }
}

/// Bio paragraphs (and the name line above them) in the lower part of a page without a heading.
fn lone_bios(feats: &[Line], lex: &Lexicon, out: &mut [Option<Kind>]) {
    let nonblank: Vec<usize> = (0..feats.len()).filter(|&i| !feats[i].blank).collect();
    if nonblank.len() < 4 {
        return;
    }
    let lower = nonblank[nonblank.len() * 3 / 5];
    for &i in nonblank.iter().filter(|&&i| i >= lower) {
        let f = &feats[i];
        if out[i].is_some() || f.quotey() {
            continue;
        }
        if f.starts_person() && f.bio_score(lex) >= 3 && f.stop_ratio() < 0.6 {
            out[i] = Some(Kind::AuthorBio);
            if let Some(p) = (0..i).rev().find(|&k| !feats[k].blank) {
                if out[p].is_none() && feats[p].is_name() {
                    out[p] = Some(Kind::AuthorBio);
                }
            }
        }
    }
}

/// Teaser lines ending in an upper-case `[TAG]`, and untagged headline lines between or
/// right after them.
fn tagged_teasers(feats: &[Line], out: &mut [Option<Kind>]) {
    for i in 0..feats.len() {
        let f = &feats[i];
        if out[i].is_none() && f.tag && f.is_headline() {
            out[i] = Some(Kind::RelatedLinks);
        }
    }
    // An unknown heading right above two or more tagged teasers is the list's heading.
    let mut i = 0;
    while i < feats.len() {
        if !(feats[i].tag && out[i] == Some(Kind::RelatedLinks)) {
            i += 1;
            continue;
        }
        let start = i;
        while i < feats.len() && feats[i].tag && out[i] == Some(Kind::RelatedLinks) {
            i += 1;
        }
        if i - start >= 2 && start > 0 {
            let h = start - 1;
            let f = &feats[h];
            if out[h].is_none()
                && !f.blank
                && (1..=6).contains(&f.n())
                && !f.terminal
                && !f.quote_start
                && !f.tag
            {
                out[h] = Some(Kind::RelatedLinks);
            }
        }
    }
}

/// "About Jane Roe" followed by a paragraph about her career.
fn about_name_bios(feats: &[Line], lex: &Lexicon, out: &mut [Option<Kind>]) {
    for h in 0..feats.len() {
        let f = &feats[h];
        if out[h].is_some() || f.blank || f.n() < 3 || f.n() > 5 || f.toks[0].word != "about" {
            continue;
        }
        let name = f.toks[1..].iter().all(|t| t.cap) && !f.terminal && !f.text.contains(':');
        if !name {
            continue;
        }
        let Some(j) = next_nonblank(feats, h + 1) else {
            continue;
        };
        let g = &feats[j];
        if out[j].is_none()
            && (is_bio_para(g, lex, false) || (g.starts_person() && g.bio_score(lex) >= 1))
        {
            let taken = bio_block(feats, lex, out, h);
            if !taken.is_empty() {
                out[h] = Some(Kind::AuthorBio);
                for k in taken {
                    out[k] = Some(Kind::AuthorBio);
                }
            }
        }
    }
}

/// A closing "About Acme" section, as press releases and company pages end: an "About X"
/// heading in the lower part of the page, followed by paragraphs that describe X by name and
/// run to the end of the content. Two releases of one company share it word for word, so left
/// in the text it would pair unrelated releases as copies.
fn about_closing_blocks(feats: &[Line], out: &mut [Option<Kind>]) {
    /// Paragraphs an about-section may hold.
    const MAX_PARAGRAPHS: usize = 4;
    let nonblank: Vec<usize> = (0..feats.len()).filter(|&i| !feats[i].blank).collect();
    if nonblank.len() < 5 {
        return;
    }
    let lower = nonblank[nonblank.len() * 3 / 5];
    for &h in nonblank.iter().filter(|&&i| i >= lower) {
        let f = &feats[h];
        if out[h].is_some()
            || !(2..=6).contains(&f.n())
            || f.toks[0].word != "about"
            || f.terminal
            || f.text.contains([':', '?'])
        {
            continue;
        }
        let name: Vec<&str> = f.toks[1..]
            .iter()
            .map(|t| t.word.as_str())
            .filter(|w| *w != "the")
            .collect();
        let Some(first) = next_nonblank(feats, h + 1) else {
            continue;
        };
        // The paragraph under the heading names the subject within its first words.
        let opening: Vec<&str> = feats[first]
            .toks
            .iter()
            .take(8)
            .map(|t| t.word.as_str())
            .collect();
        if out[first].is_some()
            || feats[first].n() < 12
            || !name.iter().all(|w| opening.contains(w))
        {
            continue;
        }
        // The section runs to the end of the content: what follows is boilerplate already.
        let rest: Vec<usize> = nonblank
            .iter()
            .copied()
            .filter(|&i| i > h && out[i].is_none())
            .collect();
        if rest.len() > MAX_PARAGRAPHS || rest.first() != Some(&first) {
            continue;
        }
        out[h] = Some(Kind::AuthorBio);
        for i in rest {
            out[i] = Some(Kind::AuthorBio);
        }
    }
}

/// Bulleted runs of at least three menu items, most of them known section names.
fn bullet_menus(feats: &[Line], lex: &Lexicon, out: &mut [Option<Kind>]) {
    let mut i = 0;
    while i < feats.len() {
        if !(feats[i].bullet && out[i].is_none() && is_menu_item(&feats[i], lex)) {
            i += 1;
            continue;
        }
        let mut run = vec![i];
        let mut j = i + 1;
        while j < feats.len() {
            if feats[j].blank {
                j += 1;
                continue;
            }
            if feats[j].bullet && out[j].is_none() && is_menu_item(&feats[j], lex) {
                run.push(j);
                j += 1;
            } else {
                break;
            }
        }
        let vocab = run
            .iter()
            .filter(|&&k| lex.is_vocab_item(Kind::NavMenu, &feats[k].toks))
            .count();
        if run.len() >= 3 && vocab * 5 >= run.len() * 3 {
            for &k in &run {
                out[k] = Some(Kind::NavMenu);
            }
        }
        i = j.max(i + 1);
    }
}

/// A short menu entry: one to four capitalised words (or a known section name), no sentence.
fn is_menu_item(f: &Line, lex: &Lexicon) -> bool {
    let n = f.n();
    if f.blank || n == 0 || n > 4 || f.text.chars().count() > 32 || f.terminal || f.tag {
        return false;
    }
    if f.text.contains([':', ',', ';', '"', '“', '(']) {
        return false;
    }
    if lex.is_vocab_item(Kind::NavMenu, &f.toks) {
        return true;
    }
    let max = if f.bullet { 4 } else { 3 };
    n <= max
        && f.toks[0].cap
        && f.toks
            .iter()
            .all(|t| t.cap || t.word == "&" || t.word == "and" || t.word == "of")
        && !f
            .toks
            .iter()
            .any(|t| t.word.chars().any(|c| c.is_ascii_digit()))
}

/// The navigation menu at the top of the page: a run of menu items from the first non-blank
/// line, or a single `Home | News | Sports` line among the first lines.
fn top_menu(feats: &[Line], lex: &Lexicon, out: &mut [Option<Kind>]) {
    let Some(first) = next_nonblank(feats, 0) else {
        return;
    };
    // a single line of short segments separated by pipes, slashes or bullets
    for i in (first..feats.len()).filter(|&i| !feats[i].blank).take(3) {
        if is_inline_menu(&feats[i], lex) {
            out[i] = Some(Kind::NavMenu);
        }
    }
    let mut items = Vec::new();
    let mut j = first;
    while j < feats.len() {
        let f = &feats[j];
        if f.blank || out[j] == Some(Kind::NavMenu) {
            j += 1;
            continue;
        }
        if is_menu_item(f, lex) {
            items.push(j);
            j += 1;
        } else {
            break;
        }
    }
    if items.is_empty() {
        return;
    }
    let after_is_prose = next_nonblank(feats, j).is_some_and(|k| feats[k].is_prose());
    // The last short line before the body may be a short title rather than a menu entry.
    if let Some(&last) = items.last() {
        let f = &feats[last];
        if !f.bullet && after_is_prose && !lex.is_vocab_item(Kind::NavMenu, &f.toks) {
            items.pop();
        }
    }
    let bulleted = items.iter().filter(|&&k| feats[k].bullet).count();
    let vocab = items
        .iter()
        .filter(|&&k| lex.is_vocab_item(Kind::NavMenu, &feats[k].toks))
        .count();
    let ok = items.len() >= 3 || (items.len() == 2 && bulleted == 2 && vocab == 2);
    if ok {
        for k in items {
            out[k] = Some(Kind::NavMenu);
        }
    }
}

fn is_inline_menu(f: &Line, lex: &Lexicon) -> bool {
    if f.n() < 3 || f.n() > 30 || f.terminal {
        return false;
    }
    let segs: Vec<&str> = f
        .text
        .split(['|', '/', '•', '·', '»', '›'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if segs.len() < 3 {
        return false;
    }
    let short_caps = segs.iter().all(|s| {
        let w: Vec<&str> = s.split_whitespace().collect();
        !w.is_empty() && w.len() <= 3 && w[0].starts_with(|c: char| c.is_uppercase())
    });
    let social = f
        .hits
        .iter()
        .filter(|h| h.kind == Kind::ShareBar && h.mode == Mode::Vocab)
        .count();
    let _ = lex;
    short_caps && social * 2 < segs.len()
}

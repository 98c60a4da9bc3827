//! HTML input: the main article text, metadata and the discarded page chrome.
//!
//! A page becomes an [`Article`] whose `lines` are every visible text block of the page in
//! document order (headings, paragraphs, list items, table cells, captions, menus, footers),
//! one block per line. The main text comes from the `trafilatura` crate (a port of
//! go-trafilatura; chosen by measurement on the Zyte/Scrapinghub article-extraction benchmark,
//! where it scored best of the Rust extractors tried, see `src/eval/scrapinghub.rs`). The
//! extractor rebuilds its own tree, so its output is aligned back onto the page's blocks by
//! their words: `outside_body[i]` is true for a block the extractor left out.
//!
//! Metadata comes from the page head: title (`og:title`, `<title>` without its " | Site"
//! suffix, first `<h1>`), author (`meta name=author`, `article:author`, JSON-LD, `rel=author`),
//! date (`article:published_time`, JSON-LD `datePublished`, `<time datetime>`, date metas) and
//! URL (`link rel=canonical`, `og:url`); the text stamps of plain-text input fill what is left.

use std::collections::HashMap;
use std::sync::LazyLock;

use ego_tree::iter::Edge;
use regex::Regex;
use scraper::{Html, Node, Selector};

use super::{extract_stamps, Article, Metadata};

/// A parsed page: the article, and the extractor's own main text (before it is aligned onto
/// the page's blocks), which the evaluation measures separately.
#[derive(Debug, Clone)]
pub struct Page {
    pub article: Article,
    /// The main text as the extractor wrote it; empty when it found none.
    pub main_text: String,
}

/// Parses one HTML page. `lines` holds every text block of the page in document order;
/// `outside_body[i]` is true for blocks the main-text extractor left out.
pub fn parse_html(path: String, bytes: &[u8]) -> Result<Article, String> {
    page(path, bytes, None).map(|p| p.article)
}

/// [`parse_html`] for a page whose charset its transport declared (the `charset` of an HTTP
/// Content-Type, as a WARC response keeps it): that charset wins over a `<meta charset>`, as in
/// a browser; a byte-order mark still wins over both.
pub fn parse_html_declared(
    path: String,
    bytes: &[u8],
    charset: Option<&str>,
) -> Result<Article, String> {
    page(path, bytes, charset).map(|p| p.article)
}

/// [`parse_html`], keeping the extractor's own output as well.
pub fn parse_page(path: String, bytes: &[u8]) -> Result<Page, String> {
    page(path, bytes, None)
}

/// The text of a page as [`parse_html_declared`] decodes it (for finding sentences in it again).
pub fn page_text(bytes: &[u8], charset: Option<&str>) -> Result<String, String> {
    decode(bytes, charset).map(|(text, _)| text)
}

fn page(path: String, bytes: &[u8], charset: Option<&str>) -> Result<Page, String> {
    let (text, decoded) = decode(bytes, charset)?;
    if text.trim().is_empty() {
        return Err("empty file; skipped".into());
    }
    let doc = Html::parse_document(&text);
    let blocks = render_blocks(&doc);
    if blocks.is_empty() {
        return Err("no text in the page; skipped".into());
    }
    let mut meta = page_metadata(&doc);
    let main_text = main_text(&text);
    let mut outside = if main_text.trim().is_empty() {
        // The extractor found nothing it calls an article: no knowledge, the line rules decide.
        Vec::new()
    } else {
        let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
        outside_extracted(&texts, &TextIndex::new(&main_text))
    };
    keep_title_block(&blocks, &mut outside, meta.title.as_deref());
    let lines: Vec<String> = blocks.into_iter().map(|b| b.text).collect();
    extract_stamps(&lines, &mut meta);
    Ok(Page {
        article: Article {
            path,
            lines,
            meta,
            format: "html",
            outside_body: outside,
            invalid_utf8: decoded == Decoded::Replaced,
            legacy_charset: match decoded {
                Decoded::Detected(enc) => Some(enc.name()),
                _ => None,
            },
            bytes: bytes.len() as u64,
        },
        main_text,
    })
}

/// The extractor's main text of a page (already decoded), empty when it finds none.
pub fn main_text(html: &str) -> String {
    let mut opts = trafilatura::Options::default();
    // Measured on the Zyte benchmark: the fallback and the precision focus each add to F1.
    opts.enable_fallback = true;
    opts.focus = trafilatura::ExtractionFocus::FavorPrecision;
    // A panic inside the extractor on a hostile page must not take the run down.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        trafilatura::extract(html, &opts)
    }))
    .ok()
    .and_then(Result::ok)
    .map(|r| r.content_text)
    .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Decoding

static META_CHARSET: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::Regex::new(r#"(?i)<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:-]+)"#)
        .expect("valid regex")
});

impl Decoded {
    fn from_errors(had_errors: bool) -> Decoded {
        if had_errors {
            Decoded::Replaced
        } else {
            Decoded::Clean
        }
    }
}

/// Where a page's `<meta charset>` may be: its head, however long (inline scripts and styles
/// can push the declaration past the first kilobytes), else the whole page.
fn head_of(bytes: &[u8]) -> &[u8] {
    static HEAD_END: LazyLock<regex::bytes::Regex> =
        LazyLock::new(|| regex::bytes::Regex::new(r"(?i)</head\b|<body\b").expect("valid regex"));
    match HEAD_END.find(bytes) {
        Some(m) => &bytes[..m.start()],
        None => bytes,
    }
}

/// Decodes the page: a byte-order mark first, then the charset its transport declared
/// (`transport`, the HTTP Content-Type's), then a `<meta charset>` (or `http-equiv` content
/// type) in the page's head, else UTF-8, else the charset detected from the bytes (see
/// [`super::decode_unlabelled`]). Returns the text and how it was read.
fn decode(bytes: &[u8], transport: Option<&str>) -> Result<(String, Decoded), String> {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Ok((text.into_owned(), Decoded::from_errors(had_errors)));
    }
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err("binary file (NUL bytes), not a web page; skipped".into());
    }
    let first = &bytes[..bytes.len().min(4096)];
    let meta = |head: &[u8]| {
        META_CHARSET
            .captures(head)
            .and_then(|c| encoding_rs::Encoding::for_label(&c[1]))
    };
    let declared =
        match transport.and_then(|t| encoding_rs::Encoding::for_label(t.trim().as_bytes())) {
            Some(enc) => Some(enc),
            None => meta(first).or_else(|| meta(head_of(bytes))),
        }
        .filter(|e| *e != encoding_rs::UTF_8);
    // A page declaring UTF-16 in ASCII is lying: it would not be readable as ASCII.
    if let Some(enc) =
        declared.filter(|e| *e != encoding_rs::UTF_16LE && *e != encoding_rs::UTF_16BE)
    {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        return Ok((text.into_owned(), Decoded::from_errors(had_errors)));
    }
    Ok(match super::decode_unlabelled(bytes) {
        (text, super::Charset::Detected(enc)) => (text, Decoded::Detected(enc)),
        (text, super::Charset::Replaced) => (text, Decoded::Replaced),
        (text, super::Charset::Utf8) => (text, Decoded::Clean),
    })
}

/// How a page's bytes became text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decoded {
    /// As declared (BOM, meta charset) or valid UTF-8.
    Clean,
    /// Declared or UTF-8, with bad bytes replaced.
    Replaced,
    /// Nothing declared and not UTF-8: read in the charset detected.
    Detected(&'static encoding_rs::Encoding),
}

// ---------------------------------------------------------------------------------------------
// Rendering the page into text blocks

/// One text block of the page.
#[derive(Debug, Clone)]
struct Block {
    text: String,
    /// The block element it came from (`p`, `li`, `h1`, ...).
    tag: &'static str,
}

/// Elements whose content is never shown as text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object", "embed",
    "canvas", "select", "textarea", "video", "audio", "map",
];

/// Elements that start and end a block.
const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "html",
    "legend",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

fn block_tag(name: &str) -> Option<&'static str> {
    BLOCK.iter().find(|t| **t == name).copied()
}

fn hidden(el: &scraper::node::Element) -> bool {
    if el.attr("hidden").is_some() {
        return true;
    }
    el.attr("style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// Every visible text block of the page, in document order, whitespace collapsed.
fn render_blocks(doc: &Html) -> Vec<Block> {
    let mut out = Vec::new();
    let mut cur = String::new();
    // Innermost open block element, for the tag of the text being gathered.
    let mut open: Vec<&'static str> = Vec::new();
    let mut skip: Option<ego_tree::NodeId> = None;
    let flush = |cur: &mut String, out: &mut Vec<Block>, tag: &'static str| {
        let text = cur.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() {
            out.push(Block { text, tag });
        }
        cur.clear();
    };
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                if skip.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => cur.push_str(t),
                    Node::Element(el) => {
                        let name = el.name();
                        if SKIPPED.contains(&name) || hidden(el) {
                            skip = Some(node.id());
                        } else if name == "br" || name == "hr" {
                            flush(&mut cur, &mut out, open.last().copied().unwrap_or("div"));
                        } else if let Some(tag) = block_tag(name) {
                            flush(&mut cur, &mut out, open.last().copied().unwrap_or("div"));
                            open.push(tag);
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Some(id) = skip {
                    if id == node.id() {
                        skip = None;
                    }
                    continue;
                }
                if let Node::Element(el) = node.value() {
                    if block_tag(el.name()).is_some() {
                        flush(&mut cur, &mut out, open.last().copied().unwrap_or("div"));
                        open.pop();
                    }
                }
            }
        }
    }
    flush(&mut cur, &mut out, "div");
    out
}

// ---------------------------------------------------------------------------------------------
// Aligning the extractor's text onto the blocks

/// Lower-cased word tokens (letters and digits), the unit every comparison here uses.
pub fn word_tokens(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A text indexed by its words, for asking whether a line of a page is (fuzzily) part of it.
#[derive(Debug, Default)]
pub struct TextIndex {
    vocab: HashMap<String, u32>,
    seq: Vec<u32>,
    /// Positions of each word in `seq`.
    at: HashMap<u32, Vec<usize>>,
    /// Positions of each word trigram in `seq`.
    trigrams: HashMap<[u32; 3], Vec<usize>>,
    /// The text's own lines as word sequences.
    lines: std::collections::HashSet<Vec<u32>>,
}

/// Blocks with at least this many words are matched anywhere (fuzzily); shorter ones only
/// where the extractor's text has a gap for them between matched long blocks.
const LONG: usize = 5;
/// Share of a long block's word trigrams the text must hold for the block to count as in it.
const FUZZY_SHARE: f64 = 0.5;
const NONE: u32 = u32::MAX;

impl TextIndex {
    pub fn new(text: &str) -> TextIndex {
        let mut ix = TextIndex::default();
        for line in text.lines() {
            let ids: Vec<u32> = word_tokens(line)
                .into_iter()
                .map(|w| {
                    let n = ix.vocab.len() as u32;
                    *ix.vocab.entry(w).or_insert(n)
                })
                .collect();
            if !ids.is_empty() {
                ix.seq.extend_from_slice(&ids);
                ix.lines.insert(ids);
            }
        }
        for (p, &w) in ix.seq.iter().enumerate() {
            ix.at.entry(w).or_default().push(p);
        }
        for p in 0..ix.seq.len().saturating_sub(2) {
            let g = [ix.seq[p], ix.seq[p + 1], ix.seq[p + 2]];
            ix.trigrams.entry(g).or_default().push(p);
        }
        ix
    }

    fn ids(&self, line: &str) -> Vec<u32> {
        word_tokens(line)
            .iter()
            .map(|w| self.vocab.get(w).copied().unwrap_or(NONE))
            .collect()
    }

    /// First position `p` in `[from, to)` where `ids` occurs contiguously, ending by `to`.
    fn find(&self, ids: &[u32], from: usize, to: usize) -> Option<usize> {
        let first = *ids.first()?;
        if first == NONE || ids.len() > to.saturating_sub(from) {
            return None;
        }
        let pos = self.at.get(&first)?;
        let start = pos.partition_point(|&p| p < from);
        pos[start..]
            .iter()
            .take_while(|&&p| p + ids.len() <= to)
            .find(|&&p| self.seq[p..p + ids.len()] == *ids)
            .copied()
    }

    /// Trigrams of `ids` present in the text: (matched, total, span). The span is where the
    /// block most likely sits at or after `from`: it starts at the earliest occurrence of a
    /// matched trigram there and takes in the matched occurrences within the block's length
    /// of that start (a common trigram recurring far ahead must not drag the span along).
    fn trigram_share(&self, ids: &[u32], from: usize) -> (usize, usize, Option<(usize, usize)>) {
        let total = ids.len().saturating_sub(2);
        let mut hit = 0;
        let mut firsts: Vec<usize> = Vec::new();
        for g in ids.windows(3) {
            let Some(pos) = self.trigrams.get(&[g[0], g[1], g[2]]) else {
                continue;
            };
            hit += 1;
            let k = pos.partition_point(|&p| p < from);
            if let Some(&p) = pos.get(k) {
                firsts.push(p);
            }
        }
        let span = firsts.iter().min().map(|&start| {
            let reach = start + ids.len() + ids.len() / 2;
            let end = firsts
                .iter()
                .filter(|&&p| p <= reach)
                .map(|&p| p + 3)
                .max()
                .unwrap_or(start + 3);
            (start, end)
        });
        (hit, total, span)
    }

    /// Whether a line is part of this text, judged on its own: a long line (five words or
    /// more) when its words occur in a row or half its word trigrams do; a short one when it
    /// is one of the text's own lines, or (three or four words) occurs in a row.
    pub fn contains_line(&self, line: &str) -> bool {
        let ids = self.ids(line);
        if ids.is_empty() {
            return false;
        }
        if ids.len() >= LONG {
            if self.find(&ids, 0, self.seq.len()).is_some() {
                return true;
            }
            let (hit, total, _) = self.trigram_share(&ids, 0);
            return total > 0 && hit as f64 >= FUZZY_SHARE * total as f64;
        }
        self.lines.contains(&ids)
            || (ids.len() >= 3 && self.find(&ids, 0, self.seq.len()).is_some())
    }

    pub fn is_empty(&self) -> bool {
        self.seq.is_empty()
    }
}

/// For each block, whether it lies outside the extracted text. Long blocks are matched in
/// order (first occurrence after the previous match, else anywhere, else by trigram share);
/// they anchor the alignment. A short block (a subheading, a one-line paragraph) is inside
/// only when its words occur in the extracted text between the anchors around it, so a menu
/// item that happens to be a word of the article is not taken for part of it.
fn outside_extracted(blocks: &[&str], ix: &TextIndex) -> Vec<bool> {
    let n = blocks.len();
    let ids: Vec<Vec<u32>> = blocks.iter().map(|b| ix.ids(b)).collect();
    let mut inside = vec![false; n];
    // Span in the extracted text of each long block matched in order.
    let mut span: Vec<Option<(usize, usize)>> = vec![None; n];
    let mut cursor = 0;
    for i in 0..n {
        let b = &ids[i];
        if b.len() < LONG {
            continue;
        }
        if let Some(p) = ix.find(b, cursor, ix.seq.len()) {
            inside[i] = true;
            span[i] = Some((p, p + b.len()));
            cursor = p + b.len();
        } else if ix.find(b, 0, ix.seq.len()).is_some() {
            inside[i] = true;
        } else {
            let (hit, total, s) = ix.trigram_share(b, cursor);
            if total > 0 && hit as f64 >= FUZZY_SHARE * total as f64 {
                inside[i] = true;
                if let Some((a, e)) = s {
                    span[i] = Some((a, e));
                    cursor = cursor.max(e);
                }
            }
        }
    }
    // Short blocks, between anchors.
    let mut prev_end = 0;
    let mut i = 0;
    while i < n {
        if let Some((_, e)) = span[i] {
            prev_end = prev_end.max(e);
            i += 1;
            continue;
        }
        if ids[i].len() >= LONG || ids[i].is_empty() {
            i += 1;
            continue;
        }
        let next_start = span[i + 1..]
            .iter()
            .flatten()
            .map(|s| s.0)
            .next()
            .unwrap_or(ix.seq.len());
        if let Some(p) = ix.find(&ids[i], prev_end, next_start.max(prev_end)) {
            inside[i] = true;
            prev_end = p + ids[i].len();
        }
        i += 1;
    }
    inside.into_iter().map(|x| !x).collect()
}

/// The page's headline block stays in (the title heuristic then takes it out of the body)
/// rather than being typed as discarded chrome: the first `h1` (else first block) whose words
/// are the title's, when no body block comes before it.
fn keep_title_block(blocks: &[Block], outside: &mut [bool], title: Option<&str>) {
    let Some(title) = title else { return };
    if outside.is_empty() {
        return;
    }
    let want = word_tokens(title);
    if want.is_empty() {
        return;
    }
    let first_inside = outside.iter().position(|o| !o).unwrap_or(outside.len());
    let same = |k: &usize| word_tokens(&blocks[*k].text) == want;
    let pick = (0..first_inside)
        .filter(|k| blocks[*k].tag == "h1")
        .find(same)
        .or_else(|| (0..first_inside).find(same));
    if let Some(k) = pick {
        outside[k] = false;
    }
}

// ---------------------------------------------------------------------------------------------
// Metadata

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("valid selector")
}

static META: LazyLock<Selector> = LazyLock::new(|| sel("meta"));
static TITLE: LazyLock<Selector> = LazyLock::new(|| sel("title"));
static H1: LazyLock<Selector> = LazyLock::new(|| sel("h1"));
static LINK: LazyLock<Selector> = LazyLock::new(|| sel("link[rel][href]"));
static TIME: LazyLock<Selector> = LazyLock::new(|| sel("time[datetime]"));
static REL_AUTHOR: LazyLock<Selector> =
    LazyLock::new(|| sel(r#"a[rel~="author"], [itemprop="author"]"#));
static JSON_LD: LazyLock<Selector> = LazyLock::new(|| sel(r#"script[type="application/ld+json"]"#));
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b((?:19|20)\d\d)[-/.](\d{1,2})[-/.](\d{1,2})(?:\D|$)").expect("valid regex")
});

/// Metas by lower-cased `property`/`name`/`itemprop`, first value wins.
fn metas(doc: &Html) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for m in doc.select(&META) {
        let el = m.value();
        let Some(content) = el.attr("content").map(str::trim).filter(|c| !c.is_empty()) else {
            continue;
        };
        for key in ["property", "name", "itemprop"] {
            if let Some(k) = el.attr(key) {
                out.entry(k.trim().to_ascii_lowercase())
                    .or_insert_with(|| collapse(content));
            }
        }
    }
    out
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn page_metadata(doc: &Html) -> Metadata {
    let metas = metas(doc);
    let get = |keys: &[&str]| keys.iter().find_map(|k| metas.get(*k).cloned());
    let ld = json_ld(doc);
    let site = get(&["og:site_name", "application-name"]);

    let title = get(&["og:title", "twitter:title"])
        .map(|t| trim_site(&t, site.as_deref(), true))
        .or_else(|| {
            doc.select(&TITLE)
                .next()
                .map(|t| collapse(&t.text().collect::<String>()))
                .filter(|t| !t.is_empty())
                .map(|t| trim_site(&t, site.as_deref(), false))
        })
        .or_else(|| {
            doc.select(&H1)
                .map(|h| collapse(&h.text().collect::<String>()))
                .find(|t| !t.is_empty())
        });

    let author = get(&[
        "author",
        "article:author",
        "byl",
        "dc.creator",
        "parsely-author",
    ])
    .filter(|a| !a.starts_with("http"))
    .or(ld.author)
    .or_else(|| {
        doc.select(&REL_AUTHOR)
            .map(|a| collapse(&a.text().collect::<String>()))
            .find(|t| !t.is_empty() && t.split_whitespace().count() <= 6)
    })
    .map(|a| strip_by(&a));

    let date = get(&["article:published_time", "og:published_time"])
        .and_then(|d| iso_date(&d))
        .or_else(|| ld.date_published.as_deref().and_then(iso_date))
        .or_else(|| {
            doc.select(&TIME)
                .filter_map(|t| t.value().attr("datetime"))
                .find_map(iso_date)
        })
        .or_else(|| {
            [
                "date",
                "pubdate",
                "publishdate",
                "publish-date",
                "publish_date",
                "dc.date",
                "dc.date.issued",
                "dcterms.created",
                "dcterms.date",
                "sailthru.date",
                "parsely-pub-date",
                "datepublished",
                "article.published",
                "article:modified_time",
            ]
            .iter()
            .filter_map(|k| metas.get(*k))
            .find_map(|d| iso_date(d))
        });

    let url = doc
        .select(&LINK)
        .find(|l| {
            l.value().attr("rel").is_some_and(|r| {
                r.split_whitespace()
                    .any(|w| w.eq_ignore_ascii_case("canonical"))
            })
        })
        .and_then(|l| l.value().attr("href"))
        .map(str::trim)
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        .map(str::to_string)
        .or_else(|| get(&["og:url"]).filter(|u| u.starts_with("http")));

    Metadata {
        title,
        date,
        url,
        author,
        ..Metadata::default()
    }
}

/// `2024-05-01T10:00:00Z`, `2024/5/1` and the like as `YYYY-MM-DD`.
fn iso_date(s: &str) -> Option<String> {
    let c = DATE.captures(s)?;
    let y: u32 = c[1].parse().ok()?;
    let m: u32 = c[2].parse().ok()?;
    let d: u32 = c[3].parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

fn strip_by(a: &str) -> String {
    let t = a.trim();
    let lower = t.to_lowercase();
    if lower.starts_with("by ") {
        t[3..].trim().to_string()
    } else {
        t.to_string()
    }
}

/// A page title without the site name: "Headline | Site", "Headline - Site" and "Site |
/// Headline" give "Headline". The part cut must be short (a name, four words at most) or be
/// the site's declared name; og:title is cut only in that second case.
fn trim_site(title: &str, site: Option<&str>, only_declared: bool) -> String {
    const SEPS: &[&str] = &[" | ", " - ", " – ", " — ", " :: ", " · ", " • "];
    let is_site = |part: &str| {
        let part = part.trim();
        site.is_some_and(|s| word_tokens(s) == word_tokens(part))
            || (!only_declared && !part.is_empty() && part.split_whitespace().count() <= 4)
    };
    let words = |s: &str| s.split_whitespace().count();
    // Suffix: cut at the last separator.
    if let Some((sep_at, sep)) = SEPS
        .iter()
        .filter_map(|s| title.rfind(s).map(|k| (k, *s)))
        .max_by_key(|(k, _)| *k)
    {
        let (head, tail) = (&title[..sep_at], &title[sep_at + sep.len()..]);
        if is_site(tail) && words(head) >= 2 {
            return head.trim().to_string();
        }
    }
    // Prefix: cut at the first separator.
    if let Some((sep_at, sep)) = SEPS
        .iter()
        .filter_map(|s| title.find(s).map(|k| (k, *s)))
        .min_by_key(|(k, _)| *k)
    {
        let (head, tail) = (&title[..sep_at], &title[sep_at + sep.len()..]);
        if is_site(head) && words(tail) > words(head) && words(tail) >= 3 {
            return tail.trim().to_string();
        }
    }
    title.trim().to_string()
}

/// What the page's JSON-LD says about the article.
#[derive(Debug, Default)]
struct JsonLd {
    author: Option<String>,
    date_published: Option<String>,
}

fn json_ld(doc: &Html) -> JsonLd {
    let mut out = JsonLd::default();
    for script in doc.select(&JSON_LD) {
        let raw: String = script.text().collect();
        let Ok(v) = serde_json::from_str::<serde_json::Value>(raw.trim()) else {
            continue;
        };
        visit_ld(&v, &mut out, 0);
        if out.author.is_some() && out.date_published.is_some() {
            break;
        }
    }
    out
}

fn visit_ld(v: &serde_json::Value, out: &mut JsonLd, depth: usize) {
    use serde_json::Value;
    if depth > 8 {
        return;
    }
    match v {
        Value::Array(items) => items.iter().for_each(|x| visit_ld(x, out, depth + 1)),
        Value::Object(o) => {
            if out.date_published.is_none() {
                if let Some(d) = o.get("datePublished").and_then(Value::as_str) {
                    out.date_published = Some(d.to_string());
                }
            }
            if out.author.is_none() {
                out.author = o.get("author").and_then(ld_name);
            }
            if let Some(g) = o.get("@graph") {
                visit_ld(g, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// The name in a JSON-LD author: a string, `{"name": ...}` or a list of these (first).
fn ld_name(v: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match v {
        Value::String(s) => Some(collapse(s)).filter(|s| !s.is_empty() && !s.starts_with("http")),
        Value::Object(o) => o.get("name").and_then(ld_name),
        Value::Array(a) => a.iter().find_map(ld_name),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = r#"<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<title>Harbour council approves sea wall plan | Port Ellis Gazette</title>
<meta property="og:site_name" content="Port Ellis Gazette">
<meta name="author" content="Ana Lopes">
<meta property="article:published_time" content="2025-03-04T09:30:00+00:00">
<link rel="canonical" href="https://gazette.example/news/sea-wall">
<script>var tracking = "do not read me";</script>
<style>.x { color: red }</style>
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article>
<h1>Harbour council approves sea wall plan</h1>
<p class="byline">By Ana Lopes</p>
<p>The harbour council voted on Tuesday to build a new sea wall along the eastern quay, ending two years of argument over how to protect the old town from winter storms.</p>
<p>The wall will cost about four million pounds and take eighteen months to build, the council said, with work starting in the spring once the fishing season ends.</p>
<h2>Objections</h2>
<p>Some residents said the wall would block the view of the harbour from the promenade, and a petition against it gathered more than two thousand signatures last year.</p>
<p>Councillor Ruth Mayne said the plan had been changed to lower the wall by half a metre near the promenade after those objections were heard at a public meeting.</p>
</article>
<footer><p>Copyright 2025 Port Ellis Gazette. All rights reserved.</p><p><a href="/privacy">Privacy policy</a></p></footer>
<noscript>Enable JavaScript</noscript>
</body></html>"#;

    fn parse(html: &str) -> Article {
        parse_html("p.html".into(), html.as_bytes()).expect("parses")
    }

    #[test]
    fn blocks_in_document_order_without_scripts() {
        let a = parse(STORY);
        assert_eq!(a.format, "html");
        assert_eq!(&a.lines[..3], &["Home", "News", "Sport"]);
        assert!(a.lines.iter().any(|l| l == "Objections"));
        let all = a.lines.join("\n");
        assert!(!all.contains("do not read me"));
        assert!(!all.contains("color: red"));
        assert!(!all.contains("Enable JavaScript"));
        assert_eq!(a.lines.len(), a.outside_body.len());
    }

    #[test]
    fn chrome_is_outside_the_body_and_text_inside() {
        let a = parse(STORY);
        let out = |needle: &str| {
            let i = a
                .lines
                .iter()
                .position(|l| l.contains(needle))
                .unwrap_or_else(|| panic!("{needle} not rendered: {:?}", a.lines));
            a.outside_body[i]
        };
        assert!(out("Home"));
        assert!(out("Sport"));
        assert!(out("Privacy policy"));
        assert!(out("All rights reserved"));
        assert!(!out("The harbour council voted"));
        assert!(!out("Councillor Ruth Mayne"));
        assert!(
            !out("Objections"),
            "a subheading inside the article stays in"
        );
        assert!(
            !out("Harbour council approves"),
            "the headline is left to the title rule"
        );
    }

    #[test]
    fn metadata_from_the_head() {
        let a = parse(STORY);
        assert_eq!(
            a.meta.title.as_deref(),
            Some("Harbour council approves sea wall plan")
        );
        assert_eq!(a.meta.author.as_deref(), Some("Ana Lopes"));
        assert_eq!(a.meta.date.as_deref(), Some("2025-03-04"));
        assert_eq!(
            a.meta.url.as_deref(),
            Some("https://gazette.example/news/sea-wall")
        );
    }

    #[test]
    fn metadata_from_json_ld_and_time() {
        let html = r#"<html><head><title>Site Name | A quiet week on the river bank</title>
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebPage"},
{"@type":"NewsArticle","datePublished":"2024-11-02T08:00:00Z","author":[{"@type":"Person","name":"Jo Bell"}]}]}</script>
<meta property="og:url" content="https://river.example/a">
</head><body><time datetime="2020-01-01">old</time><p>Text of the story is here and it is long enough.</p></body></html>"#;
        let a = parse(html);
        assert_eq!(
            a.meta.title.as_deref(),
            Some("A quiet week on the river bank")
        );
        assert_eq!(a.meta.author.as_deref(), Some("Jo Bell"));
        assert_eq!(a.meta.date.as_deref(), Some("2024-11-02"));
        assert_eq!(a.meta.url.as_deref(), Some("https://river.example/a"));
    }

    #[test]
    fn title_falls_back_to_h1_and_time_and_rel_author() {
        let html = r#"<html><body><h1>Floods close the coast road</h1>
<a rel="author" href="/staff/kim">Kim Ode</a><time datetime="2023-7-9T10:00">9 July</time>
<p>The coast road was closed on Sunday after heavy rain.</p></body></html>"#;
        let a = parse(html);
        assert_eq!(a.meta.title.as_deref(), Some("Floods close the coast road"));
        assert_eq!(a.meta.author.as_deref(), Some("Kim Ode"));
        assert_eq!(a.meta.date.as_deref(), Some("2023-07-09"));
    }

    #[test]
    fn site_suffixes_and_prefixes_are_trimmed() {
        assert_eq!(
            trim_site("Storm hits coast | Globe News", None, false),
            "Storm hits coast"
        );
        assert_eq!(
            trim_site("Storm hits coast - officials say - Globe", None, false),
            "Storm hits coast - officials say"
        );
        assert_eq!(
            trim_site("Globe | Storm hits the coast", None, false),
            "Storm hits the coast"
        );
        assert_eq!(
            trim_site("Storm hits coast | The Globe", Some("The Globe"), true),
            "Storm hits coast"
        );
        assert_eq!(
            trim_site("Storm hits coast | Weather", None, true),
            "Storm hits coast | Weather"
        );
    }

    #[test]
    fn charsets_bom_and_bad_bytes() {
        let latin1 = b"<html><head><meta charset=\"iso-8859-1\"></head><body><p>Caf\xe9 opens on the harbour front today.</p></body></html>";
        let a = parse_html("l.html".into(), latin1).expect("parses");
        assert!(a.lines.iter().any(|l| l.contains("Café")), "{:?}", a.lines);
        assert!(!a.invalid_utf8);

        let undeclared =
            b"<html><body><p>Caf\xe9 opens on the harbour front today.</p></body></html>";
        let a = parse_html("b.html".into(), undeclared).expect("parses");
        assert_eq!(
            a.legacy_charset,
            Some("windows-1252"),
            "no charset, not UTF-8: Windows-1252 detected"
        );
        assert!(!a.invalid_utf8);
        assert!(a.lines[0].contains("Caf\u{e9}"), "{:?}", a.lines);

        let bad = "<html><body><p>Caf\u{e9} opens on the harbour front today.</p>".as_bytes();
        let mut bad = bad.to_vec();
        bad.extend_from_slice(b"<p>A stray \xff byte.</p></body></html>");
        let a = parse_html("b.html".into(), &bad).expect("parses");
        assert!(a.invalid_utf8);
        assert!(
            a.lines.iter().any(|l| l.contains('\u{FFFD}')),
            "{:?}",
            a.lines
        );

        let mut bom = b"\xef\xbb\xbf".to_vec();
        bom.extend_from_slice("<p>Ünïcode text of the page.</p>".as_bytes());
        let a = parse_html("u.html".into(), &bom).expect("parses");
        assert_eq!(a.lines[0], "Ünïcode text of the page.");

        let mut utf16 = vec![0xff, 0xfe];
        for u in "<p>Wide text of the page.</p>".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        let a = parse_html("w.html".into(), &utf16).expect("parses");
        assert_eq!(a.lines[0], "Wide text of the page.");
    }

    #[test]
    fn undeclared_charsets_are_detected_and_late_or_transport_declarations_honoured() {
        use super::super::charset_tests::{POLISH, RUSSIAN};
        let page = |head: &str, text: &str, enc: &'static encoding_rs::Encoding| {
            let body: String = text.lines().map(|l| format!("<p>{l}</p>")).collect();
            let html = format!("<html><head>{head}</head><body>{body}</body></html>");
            enc.encode(&html).0.into_owned()
        };
        let lines = |text: &str| text.lines().map(String::from).collect::<Vec<_>>();

        let cyrillic = page("<title>x</title>", RUSSIAN, encoding_rs::WINDOWS_1251);
        let a = parse_html("r.html".into(), &cyrillic).expect("parses");
        assert_eq!(a.legacy_charset, Some("windows-1251"));
        assert_eq!(a.lines, lines(RUSSIAN));

        // A declaration after 5 KiB of inline style is still the page's own: no guess.
        let style = format!("<style>{}</style>", "p { margin: 0 }\n".repeat(320));
        let late = page(
            &format!("{style}<meta charset=\"iso-8859-2\">"),
            POLISH,
            encoding_rs::ISO_8859_2,
        );
        assert!(late.len() > 5000);
        let a = parse_html("p.html".into(), &late).expect("parses");
        assert_eq!(a.legacy_charset, None, "declared, not detected");
        assert_eq!(a.lines, lines(POLISH));

        // The HTTP header's charset wins over a wrong meta.
        let lying = page(
            "<meta charset=\"iso-8859-2\">",
            RUSSIAN,
            encoding_rs::WINDOWS_1251,
        );
        let a = parse_html_declared("w.html".into(), &lying, Some("Windows-1251")).expect("parses");
        assert_eq!(a.lines, lines(RUSSIAN));
        assert_eq!(a.legacy_charset, None);
        assert_eq!(
            page_text(&lying, Some("windows-1251"))
                .ok()
                .as_deref()
                .map(|t| t.contains("Светлогорска")),
            Some(true)
        );
    }

    #[test]
    fn empty_binary_and_textless_pages_are_errors() {
        assert!(parse_html("e.html".into(), b"  \n")
            .unwrap_err()
            .contains("empty"));
        assert!(parse_html("b.html".into(), b"\x89PNG\r\n\x1a\n\x00\x00")
            .unwrap_err()
            .contains("binary"));
        assert!(
            parse_html("t.html".into(), b"<html><script>x()</script></html>")
                .unwrap_err()
                .contains("no text")
        );
    }

    #[test]
    fn inline_markup_joins_and_breaks_split() {
        let a = parse("<div>Some <b>bold</b>text<br>next line<span> here</span></div><ul><li>One</li><li>Two</li></ul>");
        assert_eq!(
            a.lines,
            vec!["Some boldtext", "next line here", "One", "Two"]
        );
    }

    #[test]
    fn hidden_elements_are_skipped() {
        let a = parse(
            r#"<p>Shown text.</p><div hidden>Hidden one</div><p style="display: none">Hidden two</p>"#,
        );
        assert_eq!(a.lines, vec!["Shown text."]);
    }

    #[test]
    fn alignment_keeps_short_blocks_only_where_the_extractor_has_them() {
        let ix = TextIndex::new("the first paragraph of the story is here\nNews\nthe second paragraph of the story is here");
        let blocks = [
            "News",
            "The first paragraph of the story is here.",
            "News",
            "The second paragraph of the story is here.",
            "News",
        ];
        assert_eq!(
            outside_extracted(&blocks, &ix),
            vec![true, false, false, false, true]
        );
    }

    #[test]
    fn a_fuzzy_match_does_not_drag_the_alignment_far_ahead() {
        // The second block reads a little differently in the extraction ("much" is gone); one
        // of its trigrams ("sleep much better") does occur, much later. The short heading
        // after the block must still be found where it is.
        let text = "first paragraph is long enough to anchor things here\n\
                    people in the study were said to sleep better than before\n\
                    Heading two\n\
                    third paragraph is also long enough to anchor\n\
                    filler words go here for a while and then more of them and more again\n\
                    until at the very end someone says they sleep much better now";
        let ix = TextIndex::new(text);
        let blocks = [
            "First paragraph is long enough to anchor things here.",
            "People in the study were said to sleep much better than before.",
            "Heading two",
            "Third paragraph is also long enough to anchor.",
        ];
        assert_eq!(
            outside_extracted(&blocks, &ix),
            vec![false, false, false, false]
        );
    }

    #[test]
    fn contains_line_is_fuzzy_for_long_lines_and_strict_for_short() {
        let ix = TextIndex::new("A long paragraph about the harbour wall and the storms.\nShare\n");
        assert!(ix.contains_line("A long paragraph about the harbour wall and storms"));
        assert!(ix.contains_line("Share"));
        assert!(!ix.contains_line("harbour"));
        assert!(!ix.contains_line("Something else entirely that is long"));
    }
}

//! WARC input (`.warc`, `.warc.gz`): the HTML pages of a web crawl, as Common Crawl, wget
//! `--warc-file`, Heritrix and browsertrix write them.
//!
//! A WARC file is a sequence of records: a `WARC/1.x` line, named headers, a blank line,
//! `Content-Length` bytes of block, a blank line. The block of a `response` record is the HTTP
//! response as received. A 2xx response whose Content-Type is HTML (or missing, when the body
//! looks like HTML) is one article: its body goes through [`html::parse_html_declared`] with the
//! charset of the HTTP Content-Type; the page's address is the record's `WARC-Target-URI` (a
//! canonical URL or stamp of the page naming another site is kept as its credit, as for JSON
//! lines), and `WARC-Date` dates a page that gives no date of its own. Other records (warcinfo,
//! request, metadata, revisit, ...), non-HTML responses and redirects or error pages are
//! skipped and counted: one line per file.
//!
//! A `.warc.gz` is read one gzip member at a time. Common Crawl writes one member per record,
//! so a record's offset is its member's offset in the file, where a reader can seek and start
//! decompressing. A whole-file gzip (one member holding every record) is read too; a record
//! that does not start its member is then named by its offset in the decompressed stream, and
//! reading it again means decompressing from the start. Gzip or not is told by the file's first
//! bytes, not its name.
//!
//! Invariants: the file is streamed, one record in memory at a time (a block over
//! [`MAX_FILE_BYTES`] is skipped without being held) and pages are parsed in parallel batches
//! of bounded size; an article's path is `FILE#OFFSET`; a bad record (truncated, a
//! Content-Length that does not end it, a broken gzip member, binary where HTML was promised)
//! becomes one [`Problem`] at `FILE#OFFSET`, and reading goes on with the next record where one
//! can be found: the next gzip member, or the next line starting `WARC/1.`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use flate2::bufread::GzDecoder;
use rayon::prelude::*;

use super::jsonl::MAX_LISTED_BAD_LINES;
use super::{html, site_key, Article, InputFormat, Problem, MAX_FILE_BYTES};

/// Most bytes of WARC headers in one record (a long `WARC-Target-URI` fits many times over).
const MAX_HEADER_BYTES: usize = 1 << 20;

/// Pages parsed together in one parallel batch: at most this many, of at most this many bytes.
const BATCH_PAGES: usize = 256;
const BATCH_BYTES: usize = 64 << 20;

/// The first bytes of a gzip member (magic, deflate).
const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// One record as read: its type, the headers an article needs, and its block.
#[derive(Debug, Default)]
struct Record {
    /// `WARC-Type`, lower-cased.
    kind: String,
    target_uri: Option<String>,
    date: Option<String>,
    length: u64,
    /// The block; None when it is over [`MAX_FILE_BYTES`] (read past, not kept).
    block: Option<Vec<u8>>,
}

/// What a walk through a WARC file meets: a record at its offset, or a bad one.
enum Item {
    Record(u64, Record),
    Bad(u64, String),
}

/// Reads every article of a WARC file (plain or gzip). `path` names the file in problems and
/// article paths (`PATH#OFFSET`).
pub fn read_warc(path: &str, file: &Path) -> (Vec<Article>, Vec<Problem>) {
    match File::open(file) {
        Ok(f) => read_warc_from(path, BufReader::with_capacity(1 << 16, f)),
        Err(e) => (
            Vec::new(),
            vec![Problem {
                path: path.to_string(),
                message: format!("cannot open: {e}"),
            }],
        ),
    }
}

/// [`read_warc`] over any seekable stream.
pub fn read_warc_from(path: &str, input: impl BufRead + Seek) -> (Vec<Article>, Vec<Problem>) {
    let mut reading = Reading::new(path);
    let mut any = false;
    walk(input, &mut |item| {
        any = true;
        match item {
            Item::Record(offset, record) => reading.record(offset, record),
            Item::Bad(offset, message) => reading.bad(offset, message),
        }
        ControlFlow::Continue(())
    });
    let (articles, mut problems) = reading.finish();
    if !any {
        problems.push(Problem {
            path: path.to_string(),
            message: "empty file; skipped".into(),
        });
    }
    (articles, problems)
}

/// Reads the one article of a WARC file at `offset` (a `FILE#OFFSET` article path read again).
pub fn read_warc_record(path: &str, file: &Path, offset: u64) -> Result<Article, Problem> {
    let name = format!("{path}#{offset}");
    let fail = |message: String| Problem {
        path: name.clone(),
        message,
    };
    let record = record_at(file, offset)
        .map_err(|e| fail(format!("cannot read: {e}")))?
        .ok_or_else(|| fail("no WARC record at this offset".into()))?;
    match page_of(offset, record) {
        Use::Page(p) => parse_page(path, p).map_err(|(_, m)| fail(m)),
        Use::Bad(m) => Err(fail(m)),
        Use::Skip(kind) => Err(fail(format!("not an HTML page ({kind})"))),
    }
}

/// The text of the page in the WARC record at `offset` (its HTTP body, decoded as the article
/// was), for finding sentences in it again. None when there is no such page.
pub fn record_text(file: &Path, offset: u64) -> Option<String> {
    match page_of(offset, record_at(file, offset).ok()??) {
        Use::Page(p) => html::page_text(&p.body, p.charset.as_deref()).ok(),
        _ => None,
    }
}

/// A `FILE#OFFSET` path naming one record of a WARC file: the file and the offset.
pub fn record_path(path: &Path) -> Option<(PathBuf, u64)> {
    let name = path.file_name()?.to_str()?;
    let (file, offset) = name.rsplit_once('#')?;
    if offset.is_empty() || !offset.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let file = path.with_file_name(file);
    (InputFormat::of(&file) == Some(InputFormat::Warc)).then_some((file, offset.parse().ok()?))
}

/// The record at `offset`: for a plain file, the record starting there; for gzip, the record
/// starting the member there, else (a record inside a member) the record the whole file names
/// so, found by reading from the start.
fn record_at(file: &Path, offset: u64) -> io::Result<Option<Record>> {
    let mut f = BufReader::with_capacity(1 << 16, File::open(file)?);
    let gzip = f.fill_buf()?.starts_with(&GZIP_MAGIC[..2]);
    f.seek(SeekFrom::Start(offset))?;
    if !gzip || f.fill_buf()?.starts_with(&GZIP_MAGIC) {
        let mut first = None;
        walk_from(&mut f, gzip, &mut |item| {
            if let Item::Record(at, r) = item {
                if at == offset {
                    first = Some(r);
                }
            }
            ControlFlow::Break(())
        });
        if first.is_some() || !gzip {
            return Ok(first);
        }
    }
    f.seek(SeekFrom::Start(0))?;
    let mut found = None;
    walk(f, &mut |item| match item {
        Item::Record(at, r) if at == offset => {
            found = Some(r);
            ControlFlow::Break(())
        }
        _ => ControlFlow::Continue(()),
    });
    Ok(found)
}

// ---------------------------------------------------------------------------------------------
// From records to articles

/// What one record gives.
enum Use {
    Page(PageBytes),
    /// Not an article; counted under this name.
    Skip(String),
    Bad(String),
}

/// An HTML page found in a response record, not yet parsed.
struct PageBytes {
    offset: u64,
    body: Vec<u8>,
    charset: Option<String>,
    target_uri: Option<String>,
    date: Option<String>,
}

/// What a file's records gave so far: articles, bad records, skipped records by kind, and the
/// pages waiting for the next parallel batch.
struct Reading<'a> {
    path: &'a str,
    articles: Vec<Article>,
    problems: Vec<Problem>,
    bad: usize,
    unlisted: Option<(u64, u64)>,
    skipped: BTreeMap<String, usize>,
    batch: Vec<PageBytes>,
    batch_bytes: usize,
}

impl<'a> Reading<'a> {
    fn new(path: &'a str) -> Self {
        Reading {
            path,
            articles: Vec::new(),
            problems: Vec::new(),
            bad: 0,
            unlisted: None,
            skipped: BTreeMap::new(),
            batch: Vec::new(),
            batch_bytes: 0,
        }
    }

    fn record(&mut self, offset: u64, record: Record) {
        match page_of(offset, record) {
            Use::Page(p) => {
                self.batch_bytes += p.body.len();
                self.batch.push(p);
                if self.batch.len() >= BATCH_PAGES || self.batch_bytes >= BATCH_BYTES {
                    self.parse_batch();
                }
            }
            Use::Skip(kind) => *self.skipped.entry(kind).or_default() += 1,
            Use::Bad(message) => self.bad(offset, message),
        }
    }

    /// A bad record: listed up to [`MAX_LISTED_BAD_LINES`] per file, then counted.
    fn bad(&mut self, offset: u64, message: String) {
        self.bad += 1;
        if self.bad <= MAX_LISTED_BAD_LINES {
            self.problems.push(Problem {
                path: format!("{}#{offset}", self.path),
                message,
            });
        } else {
            let first = self.unlisted.map_or(offset, |(f, _)| f);
            self.unlisted = Some((first, offset));
        }
    }

    fn parse_batch(&mut self) {
        let batch = std::mem::take(&mut self.batch);
        self.batch_bytes = 0;
        let path = self.path;
        let done: Vec<Result<Article, (u64, String)>> =
            batch.into_par_iter().map(|p| parse_page(path, p)).collect();
        for d in done {
            match d {
                Ok(a) => self.articles.push(a),
                Err((offset, message)) => self.bad(offset, message),
            }
        }
    }

    fn finish(mut self) -> (Vec<Article>, Vec<Problem>) {
        self.parse_batch();
        if let Some((first, last)) = self.unlisted {
            let more = self.bad - MAX_LISTED_BAD_LINES;
            self.problems.push(Problem {
                path: self.path.to_string(),
                message: format!(
                    "{more} more bad records not listed (offsets {first} to {last}); {} in all",
                    self.bad
                ),
            });
        }
        if !self.skipped.is_empty() {
            let n: usize = self.skipped.values().sum();
            let kinds: Vec<String> = self
                .skipped
                .iter()
                .map(|(k, c)| format!("{k} {c}"))
                .collect();
            self.problems.push(Problem {
                path: self.path.to_string(),
                message: format!(
                    "{n} record{} skipped (not HTML pages): {}",
                    if n == 1 { "" } else { "s" },
                    kinds.join(", ")
                ),
            });
        }
        (self.articles, self.problems)
    }
}

/// Parses one page into an article named `PATH#OFFSET`, with the record's URL and date; or
/// the record's offset and what is wrong with the page.
fn parse_page(path: &str, p: PageBytes) -> Result<Article, (u64, String)> {
    let name = format!("{path}#{}", p.offset);
    let mut a = html::parse_html_declared(name, &p.body, p.charset.as_deref())
        .map_err(|m| (p.offset, m))?;
    a.format = "warc";
    overlay(&mut a, p.target_uri, p.date);
    Ok(a)
}

/// The record's metadata over the page's: the address it was fetched from is the page's own (a
/// URL the page gives for another site, canonical link or stamp, is kept as the site it credits);
/// the capture date stands in only for a page that gives no date.
fn overlay(a: &mut Article, target_uri: Option<String>, date: Option<String>) {
    let meta = &mut a.meta;
    if let Some(own) = target_uri {
        if let Some(page) = meta.url.take() {
            let other = site_key(&page).is_some() && site_key(&page) != site_key(&own);
            if other && meta.credited_url.is_none() {
                meta.credited_url = Some(page);
            }
        }
        meta.url = Some(own);
    }
    if meta.date.is_none() {
        meta.date = date.as_deref().and_then(iso_date);
    }
}

/// `YYYY-MM-DD` of a WARC-Date (`2025-03-04T10:00:00Z`); None for anything else.
fn iso_date(s: &str) -> Option<String> {
    let head = s.trim().get(..10)?;
    let b = head.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10)) {
        return None;
    }
    let month: u32 = head[5..7].parse().ok()?;
    let day: u32 = head[8..10].parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then(|| head.to_string())
}

/// What a record is to the scan: an HTML page, a skipped kind of record, or a bad one.
fn page_of(offset: u64, r: Record) -> Use {
    if r.kind != "response" {
        return Use::Skip(if r.kind.is_empty() {
            "untyped".into()
        } else {
            r.kind
        });
    }
    let Some(block) = r.block else {
        return Use::Bad(format!(
            "too large ({} bytes, limit {MAX_FILE_BYTES}); skipped",
            r.length
        ));
    };
    let http = match Http::parse(&block) {
        Ok(h) => h,
        Err(m) => return Use::Bad(m),
    };
    if !(200..300).contains(&http.status) {
        return Use::Skip("redirect or error response".into());
    }
    let raw = &block[http.body_start..];
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Use::Skip("empty response".into());
    }
    let body = match http.body(raw) {
        Ok(b) => b,
        Err(m) => return Use::Bad(m),
    };
    match http.media_type.as_deref() {
        Some("text/html" | "application/xhtml+xml") => {}
        Some(_) => return Use::Skip("non-HTML response".into()),
        None if looks_like_html(&body) => {}
        None => {
            return Use::Bad("response with no Content-Type whose body is not HTML; skipped".into())
        }
    }
    Use::Page(PageBytes {
        offset,
        body,
        charset: http.charset,
        target_uri: r.target_uri,
        date: r.date,
    })
}

/// A body with no declared type that opens like an HTML page.
fn looks_like_html(body: &[u8]) -> bool {
    let body = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let head = String::from_utf8_lossy(&body[start..body.len().min(start + 1024)]).to_lowercase();
    if !head.starts_with('<') {
        return false;
    }
    let page = ["<!doctype html", "<html", "<head", "<body"];
    let tags = ["<title", "<p>", "<p ", "<div"];
    page.iter().any(|t| head.contains(t))
        || (!head.starts_with("<?xml") && tags.iter().any(|t| head.contains(t)))
}

/// The parts of an HTTP response a page needs.
#[derive(Debug, Default)]
struct Http {
    status: u16,
    /// Content-Type's media type, lower-cased; None when there is none.
    media_type: Option<String>,
    charset: Option<String>,
    chunked: bool,
    /// Content-Encoding, lower-cased.
    encoding: Option<String>,
    /// Where the body starts in the block.
    body_start: usize,
}

impl Http {
    fn parse(block: &[u8]) -> Result<Http, String> {
        if !block.starts_with(b"HTTP/") {
            return Err("response record without an HTTP response in it; skipped".into());
        }
        let (head_len, body_start) = match find(block, b"\r\n\r\n") {
            Some(i) => (i, i + 4),
            None => match find(block, b"\n\n") {
                Some(i) => (i, i + 2),
                None => (block.len(), block.len()),
            },
        };
        let head = String::from_utf8_lossy(&block[..head_len]);
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or("response record with a bad HTTP status line; skipped")?;
        let mut http = Http {
            status,
            body_start,
            ..Http::default()
        };
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "content-type" if http.media_type.is_none() => {
                    let mut parts = value.split(';');
                    let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
                    http.media_type = Some(media).filter(|m| !m.is_empty());
                    http.charset = parts.find_map(|p| {
                        let (k, v) = p.split_once('=')?;
                        k.trim()
                            .eq_ignore_ascii_case("charset")
                            .then(|| v.trim().trim_matches(['"', '\'']).to_string())
                            .filter(|v| !v.is_empty())
                    });
                }
                "transfer-encoding" => {
                    http.chunked |= value.to_ascii_lowercase().contains("chunked");
                }
                "content-encoding" => {
                    let e = value.to_ascii_lowercase();
                    http.encoding = Some(e).filter(|e| !e.is_empty() && e != "identity");
                }
                _ => {}
            }
        }
        Ok(http)
    }

    /// The body as the page was sent: chunks joined, content encoding undone (each only when
    /// the bytes are so encoded: some crawlers store the decoded body and keep the header).
    fn body(&self, raw: &[u8]) -> Result<Vec<u8>, String> {
        let too_large = || format!("too large (over {MAX_FILE_BYTES} bytes); skipped");
        let joined = if self.chunked { dechunk(raw) } else { None };
        let body = joined.as_deref().unwrap_or(raw);
        let limit = MAX_FILE_BYTES;
        let inflated = match self.encoding.as_deref() {
            None => None,
            Some("gzip" | "x-gzip") if body.starts_with(&GZIP_MAGIC[..2]) => {
                let d = flate2::read::MultiGzDecoder::new(body);
                Some(
                    read_limited(d, limit)
                        .map_err(|e| format!("broken gzip body: {e}; skipped"))?,
                )
            }
            Some("gzip" | "x-gzip") => None,
            Some("deflate") => read_limited(flate2::read::ZlibDecoder::new(body), limit)
                .or_else(|_| read_limited(flate2::read::DeflateDecoder::new(body), limit))
                .ok(),
            Some(_) if looks_like_html(body) => None,
            Some(other) => {
                return Err(format!(
                    "content encoding {other:?} cannot be read; skipped"
                ))
            }
        };
        let body = match inflated {
            Some(b) => b,
            None => body.to_vec(),
        };
        if body.len() as u64 > limit {
            return Err(too_large());
        }
        Ok(body)
    }
}

/// At most `limit` + 1 bytes of a reader (one over says "too large").
fn read_limited(r: impl Read, limit: u64) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    r.take(limit + 1).read_to_end(&mut out)?;
    Ok(out)
}

/// The chunks of a chunked body joined; None when it is not chunked after all.
fn dechunk(raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut at = 0;
    loop {
        let eol = find(&raw[at..], b"\n")? + at;
        let line = String::from_utf8_lossy(&raw[at..eol]);
        let size = line.split(';').next()?.trim();
        let size = usize::from_str_radix(size, 16).ok()?;
        at = eol + 1;
        if size == 0 {
            return Some(out);
        }
        let end = at.saturating_add(size).min(raw.len());
        out.extend_from_slice(&raw[at..end]);
        at = end;
        if raw[at..].starts_with(b"\r\n") {
            at += 2;
        } else if raw[at..].starts_with(b"\n") {
            at += 1;
        }
        if at >= raw.len() {
            return Some(out);
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------------------------------------
// Walking the records of a file

/// Calls `f` with every record of a WARC stream (plain or gzip), in order, and with every bad
/// record or broken gzip member; stops where `f` breaks.
fn walk<R: BufRead + Seek>(mut input: R, f: &mut dyn FnMut(Item) -> ControlFlow<()>) {
    let gzip = match input.fill_buf() {
        Ok(head) => head.starts_with(&GZIP_MAGIC[..2]),
        Err(e) => {
            let _ = f(Item::Bad(0, format!("cannot read: {e}")));
            return;
        }
    };
    walk_from(&mut input, gzip, f);
}

/// [`walk`] from where `input` stands, which is a record's start or a gzip member's.
fn walk_from<R: BufRead + Seek>(
    input: &mut R,
    gzip: bool,
    f: &mut dyn FnMut(Item) -> ControlFlow<()>,
) {
    let mut file = match Counted::new(input) {
        Ok(c) => c,
        Err(e) => {
            let _ = f(Item::Bad(0, format!("cannot read: {e}")));
            return;
        }
    };
    if !gzip {
        let start = file.pos;
        let mut s = Stream::new(&mut file);
        if let Err(e) = segment(&mut s, &|at| start + at, f) {
            let at = start + s.pos;
            let _ = f(Item::Bad(
                at,
                format!("cannot read: {e}; rest of the file skipped"),
            ));
        }
        return;
    }
    // Decompressed bytes of the members before this one (naming records inside a member).
    let mut decoded = 0u64;
    loop {
        let member = file.pos;
        match file.fill_buf() {
            Ok([]) => return,
            Ok(_) => {}
            Err(e) => {
                let _ = f(Item::Bad(member, format!("cannot read: {e}")));
                return;
            }
        }
        let base = decoded;
        let mut s = Stream::new(BufReader::with_capacity(1 << 16, GzDecoder::new(&mut file)));
        let outcome = segment(&mut s, &|at| if at == 0 { member } else { base + at }, f);
        decoded += s.pos;
        drop(s);
        match outcome {
            Ok(ControlFlow::Break(())) => return,
            Ok(ControlFlow::Continue(())) => {}
            Err(e) => {
                let what = if e.kind() == io::ErrorKind::UnexpectedEof {
                    "truncated gzip member (the file ends inside it)".to_string()
                } else {
                    format!("broken gzip member ({e})")
                };
                let next = next_member(&mut file, member + 1).ok().flatten();
                let rest = if next.is_some() {
                    "; skipped to the next member"
                } else {
                    "; rest of the file skipped"
                };
                if f(Item::Bad(member, format!("{what}{rest}"))).is_break() {
                    return;
                }
                match next {
                    Some(p) if file.seek_to(p).is_ok() => {}
                    _ => return,
                }
            }
        }
    }
}

/// The next gzip member at or after `from` whose text starts a WARC record (a broken member's
/// compressed bytes may hold the magic by chance).
fn next_member<R: BufRead + Seek>(file: &mut Counted<R>, from: u64) -> io::Result<Option<u64>> {
    let mut at = from;
    loop {
        file.seek_to(at)?;
        let Some(p) = find_magic(file)? else {
            return Ok(None);
        };
        file.seek_to(p)?;
        let mut head = [0u8; 5];
        let n = read_up_to(&mut GzDecoder::new(&mut *file), &mut head).unwrap_or(0);
        if &head[..n] == b"WARC/" {
            file.seek_to(p)?;
            return Ok(Some(p));
        }
        at = p + 1;
    }
}

/// The position of the next gzip header (magic, deflate, no reserved flag bits) from where
/// `file` stands.
fn find_magic<R: BufRead>(file: &mut Counted<R>) -> io::Result<Option<u64>> {
    // The window starts with a byte no header begins with, so a match is four bytes read.
    let mut window = [0u8; 4];
    loop {
        let chunk = file.fill_buf()?;
        if chunk.is_empty() {
            return Ok(None);
        }
        let (used, hit) = slide(&mut window, chunk, |w| {
            w[..3] == GZIP_MAGIC && w[3] & 0xe0 == 0
        });
        file.consume(used);
        if hit {
            return Ok(Some(file.pos - 4));
        }
    }
}

/// Slides `window` over `chunk` until `found` holds for it: the bytes of `chunk` used, and
/// whether it was found (the window then ends with the last byte used).
fn slide<const N: usize>(
    window: &mut [u8; N],
    chunk: &[u8],
    found: impl Fn(&[u8; N]) -> bool,
) -> (usize, bool) {
    for (i, &b) in chunk.iter().enumerate() {
        window.copy_within(1.., 0);
        window[N - 1] = b;
        if found(window) {
            return (i + 1, true);
        }
    }
    (chunk.len(), false)
}

/// Reads into `buf` until it is full or the input ends; the number of bytes read.
fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Every record of one stretch of WARC text (a plain file, or one gzip member's text);
/// `offset_of` names a record by its position in the stretch. Errors are the stream's own
/// (a broken gzip member); bad records go to `f`.
fn segment<B: BufRead>(
    s: &mut Stream<B>,
    offset_of: &dyn Fn(u64) -> u64,
    f: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> io::Result<ControlFlow<()>> {
    loop {
        skip_blank_lines(s)?;
        let at = offset_of(s.pos);
        match read_record(s)? {
            Parsed::End => return Ok(ControlFlow::Continue(())),
            Parsed::Record(r) => {
                if f(Item::Record(at, r)).is_break() {
                    return Ok(ControlFlow::Break(()));
                }
            }
            Parsed::Bad(message) => {
                if f(Item::Bad(at, message)).is_break() {
                    return Ok(ControlFlow::Break(()));
                }
                if !resync(s)? {
                    return Ok(ControlFlow::Continue(()));
                }
            }
        }
    }
}

/// One record read from a stream.
enum Parsed {
    Record(Record),
    /// A bad record, its bytes read past (a block that may hold the next record is handed
    /// back to the stream first).
    Bad(String),
    End,
}

fn read_record<B: BufRead>(s: &mut Stream<B>) -> io::Result<Parsed> {
    let bad = |m: &str| Ok(Parsed::Bad(format!("{m}; skipped")));
    let first = match read_line(s, MAX_HEADER_BYTES)? {
        Line::End => return Ok(Parsed::End),
        Line::TooLong => return bad("not a WARC record (no WARC/ version line)"),
        Line::Read(l) => l,
    };
    if !first.starts_with(b"WARC/") {
        return bad("not a WARC record (no WARC/ version line)");
    }
    let mut r = Record::default();
    let mut length: Option<Result<u64, String>> = None;
    let mut header_bytes = first.len();
    loop {
        let line = match read_line(s, MAX_HEADER_BYTES)? {
            Line::End => return bad("truncated record (the file ends inside its headers)"),
            Line::TooLong => return bad("WARC headers over 1 MiB"),
            Line::Read(l) => l,
        };
        header_bytes += line.len();
        if header_bytes > MAX_HEADER_BYTES {
            return bad("WARC headers over 1 MiB");
        }
        let line = trim_line_end(&line);
        if line.is_empty() {
            break;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let name = String::from_utf8_lossy(&line[..colon])
            .trim()
            .to_ascii_lowercase();
        let value = String::from_utf8_lossy(&line[colon + 1..])
            .trim()
            .to_string();
        match name.as_str() {
            "warc-type" => r.kind = value.to_ascii_lowercase(),
            "content-length" => {
                length = Some(value.parse::<u64>().map_err(|_| value.clone()));
            }
            "warc-target-uri" => {
                let uri = value.trim_start_matches('<').trim_end_matches('>').trim();
                r.target_uri = Some(uri.to_string()).filter(|u| !u.is_empty());
            }
            "warc-date" => r.date = Some(value),
            _ => {}
        }
    }
    let length = match length {
        None => return bad("WARC record without a Content-Length"),
        Some(Err(v)) => return bad(&format!("WARC record with a bad Content-Length {v:?}")),
        Some(Ok(n)) => n,
    };
    r.length = length;
    let keep = length <= MAX_FILE_BYTES;
    let (got, block) = read_block(s, length, keep)?;
    if got < length {
        if let Some(b) = &block {
            s.unread(b);
        }
        return bad(&format!(
            "record cut short (Content-Length {length}, but only {got} bytes follow)"
        ));
    }
    // The blank line after the block (read up to the input's end: a file may end without it).
    let mut end = [0u8; 4];
    let n = read_up_to(s, &mut end)?;
    if end[..n] != b"\r\n\r\n"[..n] {
        let mut back = block.unwrap_or_default();
        back.extend_from_slice(&end[..n]);
        s.unread(&back);
        return bad(&format!(
            "Content-Length {length} does not match the record (no blank line after its block)"
        ));
    }
    r.block = block;
    Ok(Parsed::Record(r))
}

/// Reads `length` bytes of block (kept when `keep`); how many there were.
fn read_block<B: BufRead>(
    s: &mut Stream<B>,
    length: u64,
    keep: bool,
) -> io::Result<(u64, Option<Vec<u8>>)> {
    let mut block = keep.then(|| Vec::with_capacity(length.min(1 << 20) as usize));
    let mut got = 0u64;
    while got < length {
        let chunk = s.chunk()?;
        if chunk.is_empty() {
            break;
        }
        let take = chunk.len().min((length - got) as usize);
        if let Some(b) = &mut block {
            b.extend_from_slice(&chunk[..take]);
        }
        s.consume(take);
        got += take as u64;
    }
    Ok((got, block))
}

/// After a bad record: moves to the next line starting `WARC/1.`. False when the stream ends
/// first. The stream stands at a line's start (after a line, or at a block handed back).
fn resync<B: BufRead>(s: &mut Stream<B>) -> io::Result<bool> {
    const MARK: &[u8] = b"WARC/1.";
    let mut window = [0u8; 8];
    window[7] = b'\n';
    loop {
        let chunk = s.chunk()?;
        if chunk.is_empty() {
            return Ok(false);
        }
        let (used, hit) = slide(&mut window, chunk, |w| w == b"\nWARC/1.");
        s.consume(used);
        if hit {
            s.unread(MARK);
            return Ok(true);
        }
    }
}

fn skip_blank_lines<B: BufRead>(s: &mut Stream<B>) -> io::Result<()> {
    loop {
        let chunk = s.chunk()?;
        let n = chunk
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        if n == 0 {
            return Ok(());
        }
        s.consume(n);
    }
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// What [`read_line`] found.
enum Line {
    Read(Vec<u8>),
    TooLong,
    End,
}

/// One line through its `\n` (or the input's end), at most `limit` bytes kept.
fn read_line<B: BufRead>(s: &mut Stream<B>, limit: usize) -> io::Result<Line> {
    let mut out = Vec::new();
    let mut seen = false;
    loop {
        let chunk = s.chunk()?;
        if chunk.is_empty() {
            break;
        }
        seen = true;
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if out.len() + take > limit {
            return Ok(Line::TooLong);
        }
        out.extend_from_slice(&chunk[..take]);
        s.consume(take);
        if done {
            break;
        }
    }
    Ok(if seen { Line::Read(out) } else { Line::End })
}

/// A buffered reader that counts the bytes consumed: its position in the file.
struct Counted<R> {
    inner: R,
    pos: u64,
}

impl<R: BufRead + Seek> Counted<R> {
    fn new(mut inner: R) -> io::Result<Self> {
        let pos = inner.stream_position()?;
        Ok(Counted { inner, pos })
    }

    fn seek_to(&mut self, p: u64) -> io::Result<()> {
        self.inner.seek(SeekFrom::Start(p))?;
        self.pos = p;
        Ok(())
    }
}

impl<R: BufRead> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        self.pos += n as u64;
        self.inner.consume(n);
    }
}

/// The text of a stretch of WARC (a plain file, a gzip member's text), with bytes handed back
/// read again first; `pos` counts the bytes consumed, less those handed back.
struct Stream<B> {
    inner: B,
    back: Vec<u8>,
    back_at: usize,
    pos: u64,
}

impl<B: BufRead> Stream<B> {
    fn new(inner: B) -> Self {
        Stream {
            inner,
            back: Vec::new(),
            back_at: 0,
            pos: 0,
        }
    }

    /// The next bytes (possibly few); empty at the end.
    fn chunk(&mut self) -> io::Result<&[u8]> {
        if self.back_at < self.back.len() {
            return Ok(&self.back[self.back_at..]);
        }
        loop {
            match self.inner.fill_buf() {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
                Ok(_) => break,
            }
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        if self.back_at < self.back.len() {
            self.back_at += n;
            if self.back_at >= self.back.len() {
                self.back.clear();
                self.back_at = 0;
            }
        } else {
            self.inner.consume(n);
        }
        self.pos += n as u64;
    }

    /// Hands bytes just consumed back, to be read again next.
    fn unread(&mut self, bytes: &[u8]) {
        let mut back = bytes.to_vec();
        back.extend_from_slice(&self.back[self.back_at..]);
        self.back = back;
        self.back_at = 0;
        self.pos -= bytes.len() as u64;
    }
}

impl<B: BufRead> Read for Stream<B> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let chunk = self.chunk()?;
        let n = chunk.len().min(buf.len());
        buf[..n].copy_from_slice(&chunk[..n]);
        self.consume(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    const PAGE: &str =
        "<html><head><title>Lock gates on the Varne canal reopen | Canal Post</title>\
<link rel=\"canonical\" href=\"https://canal-post.example/lock-gates\"></head><body>\
<nav><a href=\"/\">Home</a></nav><article><h1>Lock gates on the Varne canal reopen</h1>\
<p>The lock gates at Ostry on the Varne canal reopened on Thursday after a winter of repairs, \
letting the first barges through since November.</p>\
<p>Engineers replaced both upper gates and relined the chamber walls, the canal trust said, \
and the work finished two weeks ahead of plan.</p></article></body></html>";

    fn http(head: &str, body: &[u8]) -> Vec<u8> {
        let mut b = format!("HTTP/1.1 200 OK\r\n{head}\r\n").into_bytes();
        b.extend_from_slice(body);
        b
    }

    fn html_response(body: &str) -> Vec<u8> {
        http(
            "Content-Type: text/html; charset=utf-8\r\n",
            body.as_bytes(),
        )
    }

    fn record_with(kind: &str, uri: &str, length: usize, block: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\n\
             WARC-Date: 2024-02-03T04:05:06Z\r\nWARC-Record-ID: <urn:uuid:x>\r\n\
             Content-Length: {length}\r\n\r\n"
        )
        .into_bytes();
        r.extend_from_slice(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
        record_with(kind, uri, block.len(), block)
    }

    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).expect("compresses");
        e.finish().expect("compresses")
    }

    /// Records one gzip member each; with the offset of each member.
    fn members(records: &[Vec<u8>]) -> (Vec<u8>, Vec<u64>) {
        let mut out = Vec::new();
        let mut offsets = Vec::new();
        for r in records {
            offsets.push(out.len() as u64);
            out.extend(gz(r));
        }
        (out, offsets)
    }

    fn read(bytes: &[u8]) -> (Vec<Article>, Vec<Problem>) {
        read_warc_from("c.warc", Cursor::new(bytes.to_vec()))
    }

    fn paths(arts: &[Article]) -> Vec<&str> {
        arts.iter().map(|a| a.path.as_str()).collect()
    }

    fn messages(probs: &[Problem]) -> Vec<String> {
        probs.iter().map(|p| p.to_string()).collect()
    }

    fn skipped_line(probs: &[Problem]) -> &str {
        probs
            .iter()
            .find(|p| p.message.contains(" skipped (not HTML pages)"))
            .map(|p| p.message.as_str())
            .unwrap_or("")
    }

    #[test]
    fn html_responses_are_articles_and_other_records_are_counted() {
        let records = [
            record("warcinfo", "", b"software: test\r\n"),
            record("request", "https://canal-post.example/lock-gates", b"GET / HTTP/1.1\r\n\r\n"),
            record("response", "https://canal-post.example/lock-gates", &html_response(PAGE)),
            record("metadata", "https://canal-post.example/lock-gates", b"fetchTimeMs: 12\r\n"),
            record(
                "response",
                "https://canal-post.example/logo.png",
                &http("Content-Type: image/png\r\n", b"\x89PNG\r\n\x1a\n\0\0"),
            ),
            record(
                "response",
                "https://canal-post.example/old",
                b"HTTP/1.1 301 Moved Permanently\r\nLocation: /new\r\nContent-Type: text/html\r\n\r\n<html>moved</html>",
            ),
        ];
        let file = records.concat();
        let (arts, probs) = read(&file);
        let offset = records[..2].iter().map(Vec::len).sum::<usize>();
        assert_eq!(paths(&arts), [format!("c.warc#{offset}")]);
        let a = &arts[0];
        assert_eq!(a.format, "warc");
        assert!(a
            .lines
            .iter()
            .any(|l| l.starts_with("The lock gates at Ostry")));
        assert_eq!(
            a.meta.url.as_deref(),
            Some("https://canal-post.example/lock-gates")
        );
        assert_eq!(
            a.meta.date.as_deref(),
            Some("2024-02-03"),
            "no date in the page"
        );
        assert_eq!(
            a.meta.title.as_deref(),
            Some("Lock gates on the Varne canal reopen")
        );
        assert_eq!(probs.len(), 1, "{:?}", messages(&probs));
        assert_eq!(probs[0].path, "c.warc");
        assert_eq!(
            probs[0].message,
            "5 records skipped (not HTML pages): metadata 1, non-HTML response 1, \
             redirect or error response 1, request 1, warcinfo 1"
        );
    }

    #[test]
    fn gzip_members_name_records_by_offset_and_a_record_is_read_again_by_seeking() {
        let records = [
            record("warcinfo", "", b"software: test\r\n"),
            record("response", "https://a.example/1", &html_response(PAGE)),
            record("request", "https://a.example/2", b"GET /2 HTTP/1.1\r\n\r\n"),
            record(
                "response",
                "https://b.example/2",
                &html_response(&PAGE.replace("Thursday", "Friday")),
            ),
        ];
        let (file, offsets) = members(&records);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.warc.gz");
        std::fs::write(&path, &file).expect("writes");
        let (arts, probs) = read_warc("c.warc.gz", &path);
        assert_eq!(
            paths(&arts),
            [
                format!("c.warc.gz#{}", offsets[1]),
                format!("c.warc.gz#{}", offsets[3])
            ]
        );
        assert_eq!(
            skipped_line(&probs),
            "2 records skipped (not HTML pages): request 1, warcinfo 1"
        );
        for (a, &offset) in arts.iter().zip([&offsets[1], &offsets[3]]) {
            let again = read_warc_record("c.warc.gz", &path, offset).expect("read again");
            assert_eq!(again.path, a.path);
            assert_eq!(again.lines, a.lines);
            assert_eq!(again.meta, a.meta);
            let text = record_text(&path, offset).expect("page text");
            assert!(text.starts_with("<html>"), "{text}");
        }
        assert!(
            record_text(&path, offsets[2]).is_none(),
            "a request is no page"
        );
        assert!(read_warc_record("c.warc.gz", &path, 5).is_err());
        // Through read_file, as the reports read an article again.
        let (again, _) = super::super::read_file(
            dir.path(),
            &dir.path().join(format!("c.warc.gz#{}", offsets[3])),
            &Default::default(),
        );
        assert_eq!(paths(&again), [format!("c.warc.gz#{}", offsets[3])]);
    }

    #[test]
    fn a_whole_file_gzip_is_read_and_its_records_found_again() {
        let records = [
            record("warcinfo", "", b"software: test\r\n"),
            record("response", "https://a.example/1", &html_response(PAGE)),
            record("response", "https://b.example/2", &html_response(PAGE)),
        ];
        let plain = records.concat();
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("w.warc.gz");
        std::fs::write(&path, gz(&plain)).expect("writes");
        let (arts, probs) = read_warc("w.warc.gz", &path);
        let second = records[0].len();
        let third = second + records[1].len();
        assert_eq!(
            paths(&arts),
            [format!("w.warc.gz#{second}"), format!("w.warc.gz#{third}")],
            "offsets in the decompressed stream: {:?}",
            messages(&probs)
        );
        let again = read_warc_record("w.warc.gz", &path, third as u64).expect("found");
        assert_eq!(again.meta.url.as_deref(), Some("https://b.example/2"));
    }

    #[test]
    fn a_truncated_last_record_is_reported_by_offset_and_the_rest_kept() {
        let records = [
            record("response", "https://a.example/1", &html_response(PAGE)),
            record("response", "https://b.example/2", &html_response(PAGE)),
        ];
        // Plain: cut in the middle of the second record's block.
        let mut plain = records.concat();
        plain.truncate(records[0].len() + 300);
        let (arts, probs) = read(&plain);
        assert_eq!(paths(&arts), ["c.warc#0"]);
        assert_eq!(probs.len(), 1, "{:?}", messages(&probs));
        assert_eq!(probs[0].path, format!("c.warc#{}", records[0].len()));
        assert!(
            probs[0].message.starts_with("record cut short"),
            "{}",
            probs[0].message
        );

        // Gzip: the last member cut.
        let (mut file, offsets) = members(&records);
        file.truncate(file.len() - 40);
        let (arts, probs) = read(&file);
        assert_eq!(paths(&arts), ["c.warc#0"]);
        assert_eq!(probs.len(), 1, "{:?}", messages(&probs));
        assert_eq!(probs[0].path, format!("c.warc#{}", offsets[1]));
        assert!(
            probs[0].message.contains("gzip member"),
            "{}",
            probs[0].message
        );
    }

    #[test]
    fn a_wrong_content_length_is_reported_and_the_next_record_still_read() {
        let block = html_response(PAGE);
        for wrong in [block.len() + 25, block.len() - 25] {
            let records = [
                record("response", "https://a.example/1", &block),
                record_with("response", "https://b.example/2", wrong, &block),
                record("response", "https://c.example/3", &block),
            ];
            let plain = records.concat();
            let (arts, probs) = read(&plain);
            let third = records[0].len() + records[1].len();
            assert_eq!(
                paths(&arts),
                ["c.warc#0".to_string(), format!("c.warc#{third}")],
                "length {wrong}: {:?}",
                messages(&probs)
            );
            assert_eq!(probs.len(), 1, "{:?}", messages(&probs));
            assert_eq!(probs[0].path, format!("c.warc#{}", records[0].len()));
            assert!(
                probs[0].message.contains("Content-Length"),
                "{}",
                probs[0].message
            );

            let (file, offsets) = members(&records);
            let (arts, probs) = read(&file);
            assert_eq!(paths(&arts).len(), 2, "{:?}", messages(&probs));
            assert_eq!(probs[0].path, format!("c.warc#{}", offsets[1]));
        }
    }

    #[test]
    fn a_broken_gzip_member_is_skipped_to_the_next() {
        let records = [
            record("response", "https://a.example/1", &html_response(PAGE)),
            record("response", "https://b.example/2", &html_response(PAGE)),
            record("response", "https://c.example/3", &html_response(PAGE)),
        ];
        let (mut file, offsets) = members(&records);
        for b in &mut file[offsets[1] as usize + 20..offsets[1] as usize + 60] {
            *b ^= 0x55;
        }
        let (arts, probs) = read(&file);
        assert_eq!(
            paths(&arts),
            ["c.warc#0".to_string(), format!("c.warc#{}", offsets[2])]
        );
        assert_eq!(probs.len(), 1, "{:?}", messages(&probs));
        assert_eq!(probs[0].path, format!("c.warc#{}", offsets[1]));
        assert!(
            probs[0].message.starts_with("broken gzip member"),
            "{}",
            probs[0].message
        );
        assert!(probs[0].message.ends_with("skipped to the next member"));
    }

    #[test]
    fn garbage_between_records_and_files_that_are_not_warc() {
        let good = record("response", "https://a.example/1", &html_response(PAGE));
        let mut file = b"this is not a record\r\n\r\n".to_vec();
        let at = file.len();
        file.extend(&good);
        let (arts, probs) = read(&file);
        assert_eq!(paths(&arts), [format!("c.warc#{at}")]);
        assert_eq!(
            messages(&probs),
            ["c.warc#0: not a WARC record (no WARC/ version line); skipped"]
        );

        let (arts, probs) = read(b"");
        assert!(arts.is_empty());
        assert_eq!(messages(&probs), ["c.warc: empty file; skipped"]);

        let no_length = b"WARC/1.0\r\nWARC-Type: response\r\n\r\nHTTP/1.1 200 OK\r\n\r\n";
        let (_, probs) = read(no_length);
        assert_eq!(
            probs[0].message,
            "WARC record without a Content-Length; skipped"
        );
    }

    #[test]
    fn http_charset_chunks_and_content_encoding() {
        // Cyrillic in windows-1251, the charset declared only in the HTTP header.
        let text = "Мост через Варну откроют в четверг после ремонта опор.";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        let mut body = b"<html><body><p>".to_vec();
        body.extend_from_slice(&bytes);
        body.extend_from_slice(b"</p></body></html>");
        let cyrillic = record(
            "response",
            "https://varna.example/most",
            &http(
                "Content-Type: text/html; charset=\"windows-1251\"\r\n",
                &body,
            ),
        );
        // Chunked and gzip-encoded, as wget stores what it received.
        let page = gz(PAGE.as_bytes());
        let mut chunked = format!("{:x}\r\n", 100).into_bytes();
        chunked.extend_from_slice(&page[..100]);
        chunked.extend_from_slice(format!("\r\n{:x};ext=1\r\n", page.len() - 100).as_bytes());
        chunked.extend_from_slice(&page[100..]);
        chunked.extend_from_slice(b"\r\n0\r\n\r\n");
        let encoded = record(
            "response",
            "https://canal-post.example/lock-gates",
            &http(
                "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n",
                &chunked,
            ),
        );
        // The same headers over a body a crawler already decoded.
        let decoded = record(
            "response",
            "https://canal-post.example/lock-gates",
            &http(
                "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n",
                PAGE.as_bytes(),
            ),
        );
        let (arts, probs) = read(&[cyrillic, encoded, decoded].concat());
        assert!(probs.is_empty(), "{:?}", messages(&probs));
        assert_eq!(arts[0].lines, [text]);
        assert!(!arts[0].invalid_utf8);
        for a in &arts[1..] {
            assert!(
                a.lines
                    .iter()
                    .any(|l| l.starts_with("The lock gates at Ostry")),
                "{:?}",
                a.lines
            );
        }
    }

    #[test]
    fn untyped_bodies_are_sniffed_and_binary_pages_reported() {
        let records = [
            record(
                "response",
                "https://a.example/1",
                &http("", PAGE.as_bytes()),
            ),
            record(
                "response",
                "https://a.example/2",
                &http("", b"\x00\x01binary\xff"),
            ),
            record(
                "response",
                "https://a.example/3",
                &http(
                    "Content-Type: text/html\r\n",
                    b"<html><body>\x00\x00</body></html>",
                ),
            ),
        ];
        let (arts, probs) = read(&records.concat());
        assert_eq!(paths(&arts), ["c.warc#0"]);
        let second = records[0].len();
        let third = second + records[1].len();
        assert_eq!(
            messages(&probs),
            [
                format!("c.warc#{second}: response with no Content-Type whose body is not HTML; skipped"),
                format!("c.warc#{third}: binary file (NUL bytes), not a web page; skipped"),
            ]
        );
    }

    #[test]
    fn the_fetched_address_is_the_page_s_and_a_page_date_wins() {
        let page = PAGE.replace(
            "</title>",
            "</title><meta property=\"article:published_time\" content=\"2023-11-30T08:00:00Z\">",
        );
        let farm = record(
            "response",
            "https://farm.example/copied",
            &html_response(&page),
        );
        let own = record(
            "response",
            "https://canal-post.example/lock-gates?x=1",
            &html_response(PAGE),
        );
        let (arts, _) = read(&[farm, own].concat());
        let m = &arts[0].meta;
        assert_eq!(m.url.as_deref(), Some("https://farm.example/copied"));
        assert_eq!(
            m.credited_url.as_deref(),
            Some("https://canal-post.example/lock-gates"),
            "a canonical link to another site is where the text came from"
        );
        assert_eq!(
            m.date.as_deref(),
            Some("2023-11-30"),
            "the page's date, not the capture's"
        );
        let m = &arts[1].meta;
        assert_eq!(
            m.url.as_deref(),
            Some("https://canal-post.example/lock-gates?x=1")
        );
        assert_eq!(m.credited_url, None, "same site");
    }

    #[test]
    fn records_over_the_size_limit_are_passed_over_unkept() {
        let big = vec![b'a'; MAX_FILE_BYTES as usize + 1];
        let records = [
            record("response", "https://a.example/big", &big),
            record("response", "https://a.example/1", &html_response(PAGE)),
        ];
        let (arts, probs) = read(&records.concat());
        assert_eq!(paths(&arts), [format!("c.warc#{}", records[0].len())]);
        assert_eq!(probs.len(), 1);
        assert_eq!(probs[0].path, "c.warc#0");
        assert!(
            probs[0].message.starts_with("too large"),
            "{}",
            probs[0].message
        );
    }

    #[test]
    fn record_paths() {
        let (f, o) = record_path(Path::new("x/crawl.warc.gz#1234")).expect("a record");
        assert_eq!((f, o), (PathBuf::from("x/crawl.warc.gz"), 1234));
        assert!(record_path(Path::new("x/crawl.warc.gz")).is_none());
        assert!(record_path(Path::new("feed.jsonl#3")).is_none());
        assert!(record_path(Path::new("a.warc#x1")).is_none());
        assert_eq!(super::super::reread_path("d/c.warc#12"), "d/c.warc#12");
        assert_eq!(super::super::reread_path("d/f.jsonl#12"), "d/f.jsonl");
        assert_eq!(super::super::reread_path("d/p.html"), "d/p.html");
    }

    #[test]
    fn chunks_and_dates() {
        assert_eq!(
            dechunk(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").as_deref(),
            Some(&b"abcde"[..])
        );
        assert_eq!(dechunk(b"<html>"), None);
        assert_eq!(
            iso_date("2024-02-03T04:05:06Z").as_deref(),
            Some("2024-02-03")
        );
        assert_eq!(iso_date("20240203"), None);
    }
}

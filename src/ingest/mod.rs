//! Ingest stage: find the article files under a folder, read them safely, and pull out the
//! metadata scrapers leave in the text (date prefixes, "Published on URL by NAME on DATE"
//! stamps, `Source:` credits, URLs).
//!
//! Invariants: files are visited in a stable order (sorted by path) so every run numbers
//! articles the same way; a bad file never stops the run, it becomes a [`Problem`] naming the
//! file; line numbers in an [`Article`] are the file's own (1-based) line numbers.

use std::fs;

use crate::store::{Decoder, Encoder};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

pub mod html;
pub mod jsonl;
pub mod warc;

/// Field names of JSON-lines input (`--text-field` and friends).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonFields {
    pub text: String,
    pub url: String,
    pub title: String,
    pub date: String,
    pub author: String,
}

impl Default for JsonFields {
    fn default() -> Self {
        JsonFields {
            text: "text".into(),
            url: "url".into(),
            title: "title".into(),
            date: "date".into(),
            author: "author".into(),
        }
    }
}

/// The input formats, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Text,
    Html,
    JsonLines,
    /// A web crawl (`.warc`, `.warc.gz`): one article per HTML response record.
    Warc,
}

impl InputFormat {
    /// The format of a file by its extension; a `.gz` or `.zst` file by the extension before
    /// it (`feed.jsonl.gz`, `page.html.zst`, `crawl.warc.gz`), read through the decompressor.
    pub fn of(path: &Path) -> Option<InputFormat> {
        let outer = path;
        let inner;
        let path = if is_gzip(path) || is_zstd(path) {
            inner = path.with_extension("");
            inner.as_path()
        } else {
            path
        };
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" => Some(InputFormat::Text),
            "html" | "htm" => Some(InputFormat::Html),
            "jsonl" | "ndjson" => Some(InputFormat::JsonLines),
            // A WARC is read gzip member by member (offsets name records); not through zstd.
            "warc" if !is_zstd(outer) => Some(InputFormat::Warc),
            _ => None,
        }
    }
}

/// A gzip-compressed input (`.gz`), read as a stream (every gzip member, as tools that
/// compress record by record write them).
pub fn is_gzip(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// A Zstandard-compressed input (`.zst`), read as a stream (every frame).
pub fn is_zstd(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("zst"))
}

/// Opens an input file, decompressing it on the fly when it is gzip or Zstandard.
pub fn open_input(file: &Path) -> std::io::Result<Box<dyn Read + Send>> {
    let f = fs::File::open(file)?;
    Ok(if is_gzip(file) {
        Box::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::new(
            f,
        )))
    } else if is_zstd(file) {
        Box::new(ZstdFrames::new(std::io::BufReader::new(f)))
    } else {
        Box::new(f)
    })
}

/// Reads every frame of a Zstandard stream, one after another (`zstd` writes one frame per
/// file, tools that compress record by record write many); the pure-Rust `ruzstd` decoder
/// reads one frame at a time.
struct ZstdFrames<R: std::io::BufRead> {
    frame: Option<ruzstd::decoding::StreamingDecoder<R, ruzstd::decoding::FrameDecoder>>,
    rest: Option<R>,
}

impl<R: std::io::BufRead> ZstdFrames<R> {
    fn new(source: R) -> ZstdFrames<R> {
        ZstdFrames {
            frame: None,
            rest: Some(source),
        }
    }
}

impl<R: std::io::BufRead> Read for ZstdFrames<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if let Some(frame) = &mut self.frame {
                let n = frame.read(buf)?;
                if n > 0 || buf.is_empty() {
                    return Ok(n);
                }
                self.rest = self.frame.take().map(|f| f.into_inner());
            }
            let Some(mut source) = self.rest.take() else {
                return Ok(0);
            };
            if source.fill_buf()?.is_empty() {
                return Ok(0);
            }
            let frame = ruzstd::decoding::StreamingDecoder::new(source)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
            self.frame = Some(frame);
        }
    }
}

/// Files larger than this are reported and skipped: no news article is this long, and reading
/// a multi-gigabyte log dropped into the folder would only exhaust memory.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// One article as read from disk, before any analysis.
#[derive(Debug, Clone, Default)]
pub struct Article {
    /// Path relative to the scanned folder, with `/` separators.
    pub path: String,
    /// The file's lines; `lines[i]` is line `i + 1`. A leading ` date YYYY-MM-DD ` prefix has
    /// been removed from its line (the date is in `meta.date`).
    pub lines: Vec<String>,
    pub meta: Metadata,
    /// The input format: `txt`, `html`, `jsonl` or `warc`.
    pub format: &'static str,
    /// For formats whose parser knows the page layout (HTML): `true` for lines the main-text
    /// extractor left out of the article body. Empty when the format has no such knowledge.
    /// The boilerplate stage types these lines; they never reach the features.
    pub outside_body: Vec<bool>,
    /// The file was not valid UTF-8; bad bytes were replaced with U+FFFD.
    pub invalid_utf8: bool,
    /// The file was not UTF-8 and declared no charset: the charset it was read in, as detected
    /// (an encoding_rs name such as `windows-1251`, see [`decode_unlabelled`]).
    pub legacy_charset: Option<&'static str>,
    pub bytes: u64,
}

impl Article {
    /// Writes the article as a blob (see [`crate::store`]): the pipeline keeps what it read
    /// in a blob store between its two passes instead of reading every file twice (a million
    /// small files do not stay in the page cache).
    pub fn encode(&self, e: &mut Encoder) {
        e.str(&self.path);
        e.u32(self.lines.len() as u32);
        for l in &self.lines {
            e.str(l);
        }
        self.meta.encode(e);
        e.u32(FORMATS.iter().position(|&f| f == self.format).unwrap_or(0) as u32);
        e.u32s(self.outside_body.iter().map(|&b| u32::from(b)));
        e.u32(u32::from(self.invalid_utf8));
        encode_charset(e, self.legacy_charset);
        e.u32s([(self.bytes >> 32) as u32, self.bytes as u32]);
    }

    pub fn decode(blob: &[u8]) -> std::io::Result<Article> {
        let mut d = Decoder::new(blob);
        let path = d.string()?;
        let n = d.u32()? as usize;
        let mut lines = Vec::with_capacity(n.min(blob.len()));
        for _ in 0..n {
            lines.push(d.string()?);
        }
        let meta = Metadata::decode(&mut d)?;
        let format = FORMATS
            .get(d.u32()? as usize)
            .copied()
            .unwrap_or(FORMATS[0]);
        let outside_body = d.u32s()?.into_iter().map(|b| b != 0).collect();
        let invalid_utf8 = d.u32()? != 0;
        let legacy_charset = decode_charset(&mut d)?;
        let bytes = match d.u32s()?[..] {
            [hi, lo] => u64::from(hi) << 32 | u64::from(lo),
            _ => 0,
        };
        d.finish()?;
        Ok(Article {
            path,
            lines,
            meta,
            format,
            outside_body,
            invalid_utf8,
            legacy_charset,
            bytes,
        })
    }
}

impl Metadata {
    /// Writes the metadata into a blob (part of an article's or a report row's).
    pub fn encode(&self, e: &mut Encoder) {
        for field in [
            &self.title,
            &self.date,
            &self.url,
            &self.author,
            &self.source_credit,
            &self.credited_url,
        ] {
            e.opt_str(field.as_deref());
        }
    }

    pub fn decode(d: &mut Decoder) -> std::io::Result<Metadata> {
        Ok(Metadata {
            title: d.opt_string()?,
            date: d.opt_string()?,
            url: d.opt_string()?,
            author: d.opt_string()?,
            source_credit: d.opt_string()?,
            credited_url: d.opt_string()?,
        })
    }
}

/// Input format names, as [`Article::format`] holds them.
const FORMATS: [&str; 4] = ["txt", "html", "jsonl", "warc"];

/// Metadata found in the text itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    pub title: Option<String>,
    /// ISO date `YYYY-MM-DD`.
    pub date: Option<String>,
    pub url: Option<String>,
    pub author: Option<String>,
    /// The text of a `Source: ...` credit line.
    pub source_credit: Option<String>,
    /// A URL the page credits as where the text first appeared ("Originally posted at URL").
    pub credited_url: Option<String>,
}

impl Metadata {
    /// The site this page says its text came from, as a [`site_key`], when it names one that
    /// is not the page's own site.
    pub fn credited_site(&self) -> Option<String> {
        let own = self.url.as_deref().and_then(site_key);
        let credited = self
            .credited_url
            .as_deref()
            .and_then(site_key)
            .or_else(|| self.source_credit.as_deref().and_then(site_key));
        credited.filter(|c| Some(c) != own.as_ref())
    }

    /// The page's own site, as a [`site_key`].
    pub fn own_site(&self) -> Option<String> {
        self.url.as_deref().and_then(site_key)
    }
}

/// A comparable name for a site mentioned as a URL, a domain or a name: the lower-cased
/// registrable label, so `https://www.globe-news.example/x`, `globe-news.example` and
/// `Globe-News` all give `globe-news`. None for text that does not name a site (a credit such
/// as "Read Full Article" or "staff reports").
pub fn site_key(s: &str) -> Option<String> {
    let t = s.trim().to_lowercase();
    let host = if let Some(rest) = t.split("://").nth(1) {
        rest.split(['/', '?', '#']).next().unwrap_or("")
    } else if !t.contains(' ') && t.contains('.') {
        t.split('/').next().unwrap_or("")
    } else if !t.contains(' ') && t.chars().all(|c| c.is_alphanumeric() || c == '-') && t.len() >= 3
    {
        return Some(t);
    } else {
        return None;
    };
    let labels: Vec<&str> = host
        .split('.')
        .filter(|l| !l.is_empty() && *l != "www")
        .collect();
    match labels.len() {
        0 => None,
        1 => Some(labels[0].to_string()),
        // "news.bbc.co.uk" -> "bbc": skip a two-letter country label and a short second level.
        n => {
            let mut i = n - 2;
            if labels[n - 1].len() == 2 && labels[i].len() <= 3 && i > 0 {
                i -= 1;
            }
            Some(labels[i].to_string())
        }
    }
}

/// A file that could not be used, or was used with a caveat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// The files found under a folder.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Article files (absolute or root-joined paths), sorted.
    pub files: Vec<PathBuf>,
    /// Files that are not articles (other extensions).
    pub skipped_other: usize,
    /// Entries that could not be visited (permission denied, symlink loop, ...).
    pub problems: Vec<Problem>,
}

/// Lists the article files under `root`, recursively, in sorted order. Symbolic links are
/// followed, but a link that loops back to an ancestor is reported and not entered.
pub fn discover(root: &Path) -> anyhow::Result<Discovery> {
    let meta = fs::metadata(root)
        .map_err(|e| anyhow::anyhow!("{}: cannot read folder: {e}", root.display()))?;
    if !meta.is_dir() {
        anyhow::bail!("{}: not a folder", root.display());
    }
    let mut out = Discovery::default();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name();
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                if is_article_file(e.path()) {
                    out.files.push(e.into_path());
                } else {
                    out.skipped_other += 1;
                }
            }
            Ok(_) => {}
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| relative_path(root, p))
                    .unwrap_or_else(|| root.display().to_string());
                let message = if e.loop_ancestor().is_some() {
                    "symbolic link loop, not followed".to_string()
                } else {
                    e.io_error()
                        .map(|io| io.to_string())
                        .unwrap_or_else(|| e.to_string())
                };
                out.problems.push(Problem { path, message });
            }
        }
    }
    Ok(out)
}

fn is_article_file(path: &Path) -> bool {
    InputFormat::of(path).is_some()
}

/// The folder a single input file's articles are named relative to: its own folder.
pub fn folder_of(file: &Path) -> PathBuf {
    file.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

/// An article path as the reports write it, split into its file and, for a record of a
/// JSON-lines or WARC file (`FILE#N`), its number: the line of a JSON-lines file, the byte
/// offset of a WARC record (its gzip member's in a `.warc.gz`). [`InputFormat::of`] the file
/// tells which.
pub fn record_of(path: &str) -> (&str, Option<usize>) {
    match path.rsplit_once('#') {
        Some((file, line)) => match line.parse::<usize>() {
            Ok(n) => (file, Some(n)),
            Err(_) => (path, None),
        },
        None => (path, None),
    }
}

/// What [`read_file`] is given (joined to the root) to read an article again: its file, or for
/// a WARC record the record's own path (`FILE#OFFSET`: the one record is read, by seeking to
/// it). A JSON-lines record's file is read whole.
pub fn reread_path(path: &str) -> &str {
    match record_of(path) {
        (file, Some(_)) if InputFormat::of(Path::new(file)) == Some(InputFormat::Warc) => path,
        (file, _) => file,
    }
}

/// `path` relative to `root`, with `/` separators.
pub fn relative_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Reads one input file: one article (`.txt`, `.html`) or many (`.jsonl`, one per line;
/// `.warc`, one per HTML response). JSON-lines and WARC files are read as streams, record by
/// record, so they may be larger than memory allows for a single article; a bad record becomes
/// a problem naming its line number or offset. `file` may also name one WARC record
/// (`crawl.warc.gz#OFFSET`, see [`reread_path`]): that record alone is read.
pub fn read_file(root: &Path, file: &Path, fields: &JsonFields) -> (Vec<Article>, Vec<Problem>) {
    if InputFormat::of(file).is_none() {
        if let Some((warc_file, offset)) = warc::record_path(file) {
            let path = relative_path(root, &warc_file);
            return match warc::read_warc_record(&path, &warc_file, offset) {
                Ok(a) => (vec![a], Vec::new()),
                Err(p) => (Vec::new(), vec![p]),
            };
        }
    }
    match InputFormat::of(file) {
        Some(InputFormat::Warc) => warc::read_warc(&relative_path(root, file), file),
        Some(InputFormat::JsonLines) => {
            let path = relative_path(root, file);
            match open_input(file) {
                Ok(f) => jsonl::read_jsonl(&path, std::io::BufReader::new(f), fields),
                Err(e) => (
                    Vec::new(),
                    vec![Problem {
                        path,
                        message: format!("cannot open: {e}"),
                    }],
                ),
            }
        }
        _ => match read_article(root, file) {
            Ok(a) => (vec![a], Vec::new()),
            Err(p) => (Vec::new(), vec![p]),
        },
    }
}

/// Reads one single-article file (`.txt`, `.html`). Errors (unreadable, binary, empty, too
/// large) name the file.
pub fn read_article(root: &Path, file: &Path) -> Result<Article, Problem> {
    let path = relative_path(root, file);
    let fail = |message: String| Problem {
        path: path.clone(),
        message,
    };
    let size = fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    if size > MAX_FILE_BYTES {
        return Err(fail(format!(
            "too large ({size} bytes, limit {MAX_FILE_BYTES}); skipped"
        )));
    }
    let handle = open_input(file).map_err(|e| fail(format!("cannot open: {e}")))?;
    // The limit holds for the decompressed text too (a small .gz may hold gigabytes).
    let mut bytes = Vec::with_capacity(size as usize);
    handle
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(fail(format!(
            "too large (over {MAX_FILE_BYTES} bytes); skipped"
        )));
    }
    match InputFormat::of(file) {
        Some(InputFormat::Html) => html::parse_html(path.clone(), &bytes).map_err(fail),
        _ => parse_article(path.clone(), &bytes).map_err(fail),
    }
}

/// Builds an [`Article`] from raw bytes. Separate from the file system so it can be tested and
/// reused by other input formats.
pub fn parse_article(path: String, bytes: &[u8]) -> Result<Article, String> {
    if looks_binary(bytes) {
        return Err("binary file (NUL bytes), not an article; skipped".into());
    }
    let (text, charset) = decode_unlabelled(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if text.trim().is_empty() {
        return Err("empty file; skipped".into());
    }
    let mut lines: Vec<String> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
        .collect();
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let mut meta = Metadata::default();
    strip_date_prefix(&mut lines, &mut meta);
    extract_stamps(&lines, &mut meta);
    Ok(Article {
        path,
        lines,
        meta,
        format: "txt",
        outside_body: Vec::new(),
        invalid_utf8: charset == Charset::Replaced,
        legacy_charset: match charset {
            Charset::Detected(enc) => Some(enc.name()),
            _ => None,
        },
        bytes: bytes.len() as u64,
    })
}

/// How text with no declared charset was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    Utf8,
    /// Not UTF-8, nor mostly UTF-8: a page in a legacy charset (Latin-1 and Windows-1252,
    /// Windows-1251 and KOI8 Cyrillic, ISO-8859-2 Central European, Shift_JIS, GBK, ...), read
    /// in the one the `chardetng` detector (Firefox's) finds.
    Detected(&'static encoding_rs::Encoding),
    /// UTF-8 with some bad bytes, replaced with U+FFFD.
    Replaced,
}

/// Text of bytes whose charset nothing declares: UTF-8 when they are; the bad bytes replaced
/// when they are mostly UTF-8 (at least as many UTF-8 characters beyond ASCII as bad
/// stretches: a UTF-8 page with stray bytes); otherwise the charset is detected from the bytes
/// (`chardetng`, which knows the legacy charsets of the web and their languages) and they are
/// read in it.
pub fn decode_unlabelled(bytes: &[u8]) -> (String, Charset) {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return (s.to_string(), Charset::Utf8);
    }
    let (mut utf8_chars, mut bad) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        utf8_chars += chunk.valid().chars().filter(|ch| !ch.is_ascii()).count();
        bad += usize::from(!chunk.invalid().is_empty());
    }
    if utf8_chars > 0 && utf8_chars >= bad {
        return (
            String::from_utf8_lossy(bytes).into_owned(),
            Charset::Replaced,
        );
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let enc = detector.guess(None, chardetng::Utf8Detection::Deny);
    let (text, _) = enc.decode_without_bom_handling(bytes);
    (text.into_owned(), Charset::Detected(enc))
}

/// A detected charset's name as the reports write it: encoding_rs's (the WHATWG name), with
/// Microsoft's code pages written as Microsoft writes them (`Windows-1251`).
pub fn charset_label(name: &str) -> String {
    match name.strip_prefix("windows-") {
        Some(page) => format!("Windows-{page}"),
        None => name.to_string(),
    }
}

/// The `articles.csv` note for an article read in a detected charset: `read as Windows-1251`.
pub fn read_as_note(name: &str) -> String {
    format!("read as {}", charset_label(name))
}

/// Writes a detected charset into a blob: 0 none, 1 Windows-1252 (so blobs from when that was
/// the only charset read this way, a flag, still read), else 2 and the name.
pub fn encode_charset(e: &mut Encoder, charset: Option<&'static str>) {
    match charset {
        None => e.u32(0),
        Some(name) if name == encoding_rs::WINDOWS_1252.name() => e.u32(1),
        Some(name) => {
            e.u32(2);
            e.str(name);
        }
    }
}

/// Reads what [`encode_charset`] wrote. A name encoding_rs does not know reads as Windows-1252.
pub fn decode_charset(d: &mut Decoder) -> std::io::Result<Option<&'static str>> {
    Ok(match d.u32()? {
        0 => None,
        1 => Some(encoding_rs::WINDOWS_1252.name()),
        _ => {
            let name = d.string()?;
            let enc = encoding_rs::Encoding::for_label(name.as_bytes());
            Some(enc.unwrap_or(encoding_rs::WINDOWS_1252).name())
        }
    })
}

fn looks_binary(bytes: &[u8]) -> bool {
    bytes.iter().take(8192).any(|&b| b == 0)
}

static DATE_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*date (\d{4}-\d{2}-\d{2})\s+").expect("valid regex"));

/// A ` date YYYY-MM-DD ` prefix glued to the first paragraph: keep the paragraph, take the date.
fn strip_date_prefix(lines: &mut [String], meta: &mut Metadata) {
    let Some(first) = lines.iter_mut().find(|l| !l.trim().is_empty()) else {
        return;
    };
    if let Some(m) = DATE_PREFIX.captures(first) {
        meta.date = Some(m[1].to_string());
        let end = m.get(0).map_or(0, |g| g.end());
        *first = first[end..].to_string();
    }
}

static STAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:published|posted|originally published|first published|appeared)\s+(?:on|at|in)\s+(https?://\S+)(?:\s+by\s+(.+?))?(?:\s+on\s+(\d{4}-\d{2}-\d{2}))?(?:[T\s][\d:.]+Z?)?\s*$",
    )
    .expect("valid regex")
});
static SOURCE_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:source|via|credit)\s*:\s*(.+?)\s*$").expect("valid regex")
});
static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"https?://[^\s<>\x22')\]]+").expect("valid regex"));
static ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b((?:19|20)\d{2}-[01]\d-[0-3]\d)\b").expect("valid regex"));
static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?i:by)\s+(\p{Lu}[\p{L}.'-]+(?:\s+\p{Lu}[\p{L}.'-]+){0,3})\s*$")
        .expect("valid regex")
});

/// Stamps and credits: first match of each kind wins. Fills only fields still empty, so a
/// parser that knows more (HTML metadata) runs first.
pub fn extract_stamps(lines: &[String], meta: &mut Metadata) {
    for line in lines {
        let t = line.trim();
        if t.is_empty() || t.len() > 400 {
            continue;
        }
        if let Some(c) = STAMP.captures(t) {
            let url = c[1].trim_end_matches(['.', ',']).to_string();
            // "Published on URL by NAME" stamps the page's own address; "originally posted at
            // URL" credits where the text came from.
            let lower = t.to_lowercase();
            let credit = [
                "originally",
                "first ",
                "appeared",
                "republished",
                "courtesy",
            ]
            .iter()
            .any(|w| lower.contains(w));
            if credit {
                meta.credited_url.get_or_insert(url);
                continue;
            }
            // A second stamp naming another site (or a stamp on a page whose own address is
            // known, as HTML pages give it) says where the text was taken from.
            match meta.url.as_deref().map(site_key) {
                None => meta.url = Some(url),
                Some(own) if own != site_key(&url) => {
                    meta.credited_url.get_or_insert(url);
                    continue;
                }
                Some(_) => {}
            }
            if meta.author.is_none() {
                meta.author = c.get(2).map(|m| m.as_str().trim().to_string());
            }
            if meta.date.is_none() {
                meta.date = c.get(3).map(|m| m.as_str().to_string());
            }
            continue;
        }
        if meta.source_credit.is_none() {
            if let Some(c) = SOURCE_CREDIT.captures(t) {
                meta.source_credit = Some(c[1].to_string());
                continue;
            }
        }
        if meta.author.is_none() {
            if let Some(c) = BYLINE.captures(t) {
                meta.author = Some(c[1].to_string());
                continue;
            }
        }
        let short = t.split_whitespace().count() <= 12;
        if short && meta.url.is_none() {
            if let Some(m) = URL.find(t) {
                meta.url = Some(m.as_str().trim_end_matches(['.', ',']).to_string());
            }
        }
        if short && meta.date.is_none() {
            let lower = t.to_lowercase();
            if lower.contains("publish") || lower.contains("posted") || lower.contains("updated") {
                if let Some(m) = ISO_DATE.captures(t) {
                    meta.date = Some(m[1].to_string());
                }
            }
        }
    }
}

/// Picks the title: the first non-empty line that is not boilerplate, when it is shaped like a
/// headline (short, no final full stop) and followed by more text. Returns its index.
pub fn title_line(lines: &[String], is_boilerplate: impl Fn(usize) -> bool) -> Option<usize> {
    let first = (0..lines.len()).find(|&i| !lines[i].trim().is_empty() && !is_boilerplate(i))?;
    let t = lines[first].trim();
    let n_words = t.split_whitespace().count();
    let headline = (3..=25).contains(&n_words)
        && !t.ends_with(['.', ':', ';', ','])
        && t.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || c == '"');
    let more_follows = lines[first + 1..]
        .iter()
        .any(|l| l.split_whitespace().count() > n_words);
    (headline && more_follows).then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Article {
        parse_article("x.txt".into(), text.as_bytes()).expect("parses")
    }

    #[test]
    fn date_prefix_is_stripped_and_kept_as_metadata() {
        let a =
            parse(" date 2025-03-04 PORT ELLIS (Wire) - The council voted.\n\nMore text here.\n");
        assert_eq!(a.meta.date.as_deref(), Some("2025-03-04"));
        assert_eq!(a.lines[0], "PORT ELLIS (Wire) - The council voted.");
        assert_eq!(a.lines.len(), 3);
    }

    #[test]
    fn published_on_stamp_gives_url_author_date() {
        let a = parse(
            "Body text of the article goes here.\n\nSTAMP_ZZ: Published on https://farm.example/story-slug/ by Nora Vale on 2024-05-01T10:00:00.000Z\n",
        );
        assert_eq!(
            a.meta.url.as_deref(),
            Some("https://farm.example/story-slug/")
        );
        assert_eq!(a.meta.author.as_deref(), Some("Nora Vale"));
        assert_eq!(a.meta.date.as_deref(), Some("2024-05-01"));
    }

    #[test]
    fn originally_posted_at_credits_another_site() {
        let a = parse("Body of the story here.\n\nOriginally posted at https://www.harbour-times.example/news/1\n");
        assert_eq!(a.meta.url, None, "not the page's own address");
        assert_eq!(
            a.meta.credited_url.as_deref(),
            Some("https://www.harbour-times.example/news/1")
        );
        assert_eq!(a.meta.credited_site().as_deref(), Some("harbour-times"));
    }

    #[test]
    fn site_keys_compare_urls_domains_and_names() {
        assert_eq!(
            site_key("https://www.globe-news.example/x/y").as_deref(),
            Some("globe-news")
        );
        assert_eq!(
            site_key("globe-news.example").as_deref(),
            Some("globe-news")
        );
        assert_eq!(site_key("Globe-News").as_deref(), Some("globe-news"));
        assert_eq!(site_key("http://news.bbc.co.uk/1").as_deref(), Some("bbc"));
        assert_eq!(site_key("Read Full Article"), None);
    }

    #[test]
    fn a_stamp_naming_another_site_is_a_credit() {
        let a = parse(
            "Published on https://farm-one.example/a by Jo Bell on 2024-05-02\n\nBody.\n\nPublished on https://wire-desk.example/story by Ann Lee on 2024-05-01\n",
        );
        assert_eq!(a.meta.own_site().as_deref(), Some("farm-one"));
        assert_eq!(a.meta.credited_site().as_deref(), Some("wire-desk"));
    }

    #[test]
    fn source_credit_and_byline() {
        let a = parse("By Ana Lopes\n\nText of the story.\n\nSource: Read Full Article\n");
        assert_eq!(a.meta.source_credit.as_deref(), Some("Read Full Article"));
        assert_eq!(a.meta.author.as_deref(), Some("Ana Lopes"));
    }

    #[test]
    fn latin1_is_read_as_windows_1252_and_stray_bytes_in_utf8_are_replaced() {
        let a = parse_article(
            "latin1.txt".into(),
            b"Caf\xe9 opens on the harbour \x96 at last.\n",
        )
        .expect("parses");
        assert_eq!(a.legacy_charset, Some("windows-1252"));
        assert!(!a.invalid_utf8);
        assert_eq!(
            a.lines[0],
            "Caf\u{e9} opens on the harbour \u{2013} at last."
        );
        let mut mixed = "Caf\u{e9} \u{201c}open\u{201d} today.".as_bytes().to_vec();
        mixed.extend_from_slice(b" \xff\n");
        let b = parse_article("mixed.txt".into(), &mixed).expect("parses");
        assert!(b.invalid_utf8 && b.legacy_charset.is_none());
        assert!(
            b.lines[0].starts_with("Caf\u{e9} \u{201c}open\u{201d}"),
            "{:?}",
            b.lines
        );
        assert!(b.lines[0].contains('\u{FFFD}'));
    }

    #[test]
    fn empty_and_binary_files_are_errors() {
        assert!(parse_article("e.txt".into(), b"  \n\n")
            .unwrap_err()
            .contains("empty"));
        assert!(parse_article("b.txt".into(), b"PK\x03\x04\x00\x00")
            .unwrap_err()
            .contains("binary"));
    }

    #[test]
    fn title_is_first_headline_shaped_line() {
        let lines: Vec<String> = [
            "  • News",
            "Harbour Council Approves New Sea Wall",
            "",
            "The council voted on Monday to build a wall.",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(title_line(&lines, |i| i == 0), Some(1));
        assert_eq!(title_line(&lines[3..], |_| false), None);
    }
}

#[cfg(test)]
mod charset_tests {
    use super::*;

    /// Team-written: a short Russian news item.
    pub(crate) const RUSSIAN: &str = "Городской совет Светлогорска в четверг одобрил план ремонта набережной.\nРаботы начнутся весной и продлятся около двух лет, сообщили в мэрии.\nЖители давно жаловались на разбитые плиты и тёмные фонари вдоль моря.";
    /// Team-written: a short Polish news item.
    pub(crate) const POLISH: &str = "Rada miasta w Gdańsku zatwierdziła w czwartek plan remontu nabrzeża.\nPrace rozpoczną się wiosną i potrwają około dwóch lat, a świąteczny jarmark przeniesie się na Targ Węglowy.\nMieszkańcy od dawna skarżyli się na połamane płyty i ciemne latarnie wzdłuż morza.";

    fn encoded(text: &str, enc: &'static encoding_rs::Encoding) -> Vec<u8> {
        let (bytes, _, unmappable) = enc.encode(text);
        assert!(!unmappable, "{} holds the text", enc.name());
        bytes.into_owned()
    }

    #[test]
    fn cyrillic_and_central_european_texts_are_detected() {
        for (text, enc) in [
            (RUSSIAN, encoding_rs::WINDOWS_1251),
            (POLISH, encoding_rs::ISO_8859_2),
        ] {
            let bytes = encoded(text, enc);
            let a = parse_article("x.txt".into(), &bytes).expect("parses");
            assert_eq!(a.legacy_charset, Some(enc.name()), "{text}");
            assert!(!a.invalid_utf8);
            assert_eq!(a.lines.join("\n"), text);
            // The charset survives the article's blob.
            let mut e = Encoder::default();
            a.encode(&mut e);
            assert_eq!(
                Article::decode(&e.bytes).expect("decodes").legacy_charset,
                Some(enc.name())
            );
        }
        assert_eq!(read_as_note("windows-1251"), "read as Windows-1251");
        assert_eq!(read_as_note("ISO-8859-2"), "read as ISO-8859-2");
    }

    #[test]
    fn a_few_utf8_letters_among_many_bad_bytes_are_not_utf8() {
        // Latin-1 in which one pair of accents happens to be a UTF-8 sequence ("Ã©").
        let text =
            "Caf\u{e9} cr\u{e8}me br\u{fb}l\u{e9}e \u{e0} la fa\u{e7}on de Na\u{ef}ma, Ã© fin.";
        let bytes = encoded(text, encoding_rs::WINDOWS_1252);
        let (read, how) = decode_unlabelled(&bytes);
        assert_eq!(how, Charset::Detected(encoding_rs::WINDOWS_1252));
        assert_eq!(read, text);
    }

    #[test]
    fn charsets_in_blobs_read_back_and_old_flags_are_windows_1252() {
        for c in [None, Some("windows-1252"), Some("KOI8-U")] {
            let mut e = Encoder::default();
            encode_charset(&mut e, c);
            assert_eq!(
                decode_charset(&mut Decoder::new(&e.bytes)).expect("reads"),
                c
            );
        }
        // Blobs written when the field was a flag: 1 was Windows-1252.
        let mut e = Encoder::default();
        e.u32(1);
        assert_eq!(
            decode_charset(&mut Decoder::new(&e.bytes)).expect("reads"),
            Some("windows-1252")
        );
    }
}

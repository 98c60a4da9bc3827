//! JSON-lines input (`.jsonl`, `.ndjson`): one article per line, as scrapers and crawl
//! exports write them.
//!
//! Each non-blank line is a JSON object. The article text comes from the text field
//! (`--text-field`, default `text`; newlines inside it are paragraph breaks) and is read by the
//! same parser as a `.txt` file ([`parse_article`]), so date prefixes, stamps, credits and
//! bylines in the text are found as usual. The optional url, title, date and author fields then
//! override what the text said.
//!
//! Invariants: the file is streamed, one line in memory at a time (a line longer than
//! [`MAX_FILE_BYTES`] is skipped without being held); a bad line becomes a [`Problem`] at
//! `FILE#LINE` and the rest of the file is still read; an article's path is `FILE#LINE`
//! (1-based line of the JSON-lines file) and its own line numbers are those of its text field.

use std::io::BufRead;

use serde_json::Value;

use super::{parse_article, site_key, Article, JsonFields, Metadata, Problem, MAX_FILE_BYTES};

/// Bad lines listed one by one per file; the rest are counted in one closing problem, so a file
/// read with the wrong `--text-field` does not print a million lines.
pub const MAX_LISTED_BAD_LINES: usize = 20;

/// Reads articles from a JSON-lines stream. `path` names the file in problems and article
/// paths; article paths are `PATH#LINE` (1-based line).
pub fn read_jsonl(
    path: &str,
    mut reader: impl BufRead,
    fields: &JsonFields,
) -> (Vec<Article>, Vec<Problem>) {
    let mut articles = Vec::new();
    let mut problems = Vec::new();
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    let mut bad = 0usize;
    let mut unlisted: Option<(usize, usize)> = None;
    let mut report = |problems: &mut Vec<Problem>, line: usize, message: String| {
        bad += 1;
        if bad <= MAX_LISTED_BAD_LINES {
            problems.push(Problem {
                path: format!("{path}#{line}"),
                message,
            });
        } else {
            let first = unlisted.map_or(line, |(f, _)| f);
            unlisted = Some((first, line));
        }
    };
    loop {
        buf.clear();
        line_no += 1;
        let here = format!("{path}#{line_no}");
        let read = match read_line_limited(&mut reader, &mut buf, MAX_FILE_BYTES as usize) {
            Ok(r) => r,
            Err(e) => {
                problems.push(Problem {
                    path: here,
                    message: format!("cannot read: {e}; rest of the file skipped"),
                });
                break;
            }
        };
        match read {
            Line::End => break,
            Line::TooLong => report(
                &mut problems,
                line_no,
                format!("line too long (over {MAX_FILE_BYTES} bytes); skipped"),
            ),
            Line::Read => {
                let bytes = strip_line_end(&buf);
                let bytes = if line_no == 1 {
                    bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)
                } else {
                    bytes
                };
                if bytes.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                match parse_line(here, bytes, fields) {
                    Ok(a) => articles.push(a),
                    Err(message) => report(&mut problems, line_no, message),
                }
            }
        }
    }
    if let Some((first, last)) = unlisted {
        let more = bad - MAX_LISTED_BAD_LINES;
        problems.push(Problem {
            path: path.to_string(),
            message: format!(
                "{more} more bad lines not listed (lines {first} to {last}); {bad} in all"
            ),
        });
    }
    (articles, problems)
}

/// What [`read_line_limited`] found.
#[derive(Debug, PartialEq, Eq)]
enum Line {
    /// A line (possibly the last, without a newline) is in the buffer.
    Read,
    /// The line was longer than the limit; it was consumed but not kept.
    TooLong,
    /// End of input.
    End,
}

/// Reads one line (through its `\n`) into `buf`, keeping at most `limit` bytes: a longer line
/// is consumed in chunks and dropped, so memory stays bounded whatever the input.
fn read_line_limited(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<Line> {
    let mut seen_any = false;
    let mut too_long = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        seen_any = true;
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if !too_long {
            if buf.len() + take > limit + 1 {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        reader.consume(take);
        if done {
            break;
        }
    }
    Ok(match (seen_any, too_long) {
        (false, _) => Line::End,
        (true, true) => Line::TooLong,
        (true, false) => Line::Read,
    })
}

fn strip_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// One JSON line to an article, or a one-line message saying what is wrong with it.
fn parse_line(path: String, bytes: &[u8], fields: &JsonFields) -> Result<Article, String> {
    let (text, invalid_utf8) = match std::str::from_utf8(bytes) {
        Ok(s) => (std::borrow::Cow::Borrowed(s), false),
        Err(_) => (String::from_utf8_lossy(bytes), true),
    };
    let value: Value = serde_json::from_str(&text).map_err(json_error)?;
    let Value::Object(obj) = value else {
        return Err(format!(
            "not a JSON object (found {}); skipped",
            kind_of(&value)
        ));
    };
    let name = &fields.text;
    let body = match obj.get(name) {
        None => return Err(format!("missing text field {name:?}; skipped")),
        Some(Value::String(s)) => s,
        Some(other) => {
            return Err(format!(
                "text field {name:?} is not a string (found {}); skipped",
                kind_of(other)
            ))
        }
    };
    if body.trim().is_empty() {
        return Err(format!("empty text field {name:?}; skipped"));
    }
    if body.contains('\0') {
        return Err(format!(
            "text field {name:?} holds NUL characters (binary data); skipped"
        ));
    }
    let mut article = parse_article(path, body.as_bytes())?;
    article.format = "jsonl";
    article.invalid_utf8 |= invalid_utf8;
    article.bytes = bytes.len() as u64;
    let string = |field: &str| {
        obj.get(field)
            .and_then(Value::as_str)
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty())
    };
    let json = Metadata {
        title: string(&fields.title),
        date: string(&fields.date).and_then(|d| iso_date(&d)),
        url: string(&fields.url),
        author: string(&fields.author),
        ..Metadata::default()
    };
    overlay(&mut article, json);
    Ok(article)
}

/// JSON metadata wins over what the text said. A stamp in the text naming another site than
/// the record's own URL says where the text was taken from, so it is kept as the credit.
fn overlay(article: &mut Article, json: Metadata) {
    let meta = &mut article.meta;
    if let (Some(own), Some(stamped)) = (&json.url, &meta.url) {
        let other_site = site_key(stamped).is_some() && site_key(stamped) != site_key(own);
        if other_site && is_stamped(&article.lines, stamped) && meta.credited_url.is_none() {
            meta.credited_url = Some(stamped.clone());
        }
    }
    if json.title.is_some() {
        meta.title = json.title;
    }
    if json.date.is_some() {
        meta.date = json.date;
    }
    if json.url.is_some() {
        meta.url = json.url;
    }
    if json.author.is_some() {
        meta.author = json.author;
    }
}

/// Whether `url` appears in a "Published on URL" / "Posted at URL" stamp (not merely as a
/// link in the text).
fn is_stamped(lines: &[String], url: &str) -> bool {
    lines.iter().any(|l| {
        let lower = l.to_lowercase();
        l.contains(url)
            && ["published", "posted", "appeared"]
                .iter()
                .any(|w| lower.contains(w))
    })
}

/// `YYYY-MM-DD` from a date or a longer ISO timestamp (`2025-03-04T10:00:00Z`); None for
/// anything else.
fn iso_date(s: &str) -> Option<String> {
    let head = s.get(..10)?;
    let b = head.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10)) {
        return None;
    }
    if let Some(&next) = s.as_bytes().get(10) {
        if next.is_ascii_digit() {
            return None;
        }
    }
    let month: u32 = head[5..7].parse().ok()?;
    let day: u32 = head[8..10].parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then(|| head.to_string())
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// serde_json's message without its "at line 1 column N" (the line is the file's, given in
/// the problem's path), with the column kept.
fn json_error(e: serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let msg = full.strip_suffix(&suffix).unwrap_or(&full);
    format!("invalid JSON at column {}: {msg}; skipped", e.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &str) -> (Vec<Article>, Vec<Problem>) {
        read_jsonl("feed.jsonl", input.as_bytes(), &JsonFields::default())
    }

    const STORY: &str = "Ferry Service To Lundholm Resumes After Repairs\n\nLUNDHOLM - The island ferry sailed again on Tuesday after three weeks in dry dock.\nThe operator said timetables would return to normal by the weekend.";

    fn line(obj: serde_json::Value) -> String {
        obj.to_string()
    }

    #[test]
    fn good_lines_become_articles_with_json_metadata() {
        let input = format!(
            "{}\n{}\n",
            line(serde_json::json!({
                "text": STORY,
                "url": "https://island-post.example/ferry",
                "title": "Ferry back in service",
                "date": "2025-02-11T08:30:00Z",
                "author": "Mira Holt",
            })),
            line(serde_json::json!({"text": "A second, shorter story about the harbour."})),
        );
        let (arts, probs) = read(&input);
        assert!(probs.is_empty(), "{probs:?}");
        assert_eq!(arts.len(), 2);
        let a = &arts[0];
        assert_eq!(a.path, "feed.jsonl#1");
        assert_eq!(a.format, "jsonl");
        assert_eq!(
            a.lines.len(),
            4,
            "newlines in the text are paragraph breaks"
        );
        assert_eq!(
            a.lines[0],
            "Ferry Service To Lundholm Resumes After Repairs"
        );
        assert_eq!(a.meta.title.as_deref(), Some("Ferry back in service"));
        assert_eq!(a.meta.date.as_deref(), Some("2025-02-11"));
        assert_eq!(
            a.meta.url.as_deref(),
            Some("https://island-post.example/ferry")
        );
        assert_eq!(a.meta.author.as_deref(), Some("Mira Holt"));
        assert_eq!(arts[1].path, "feed.jsonl#2");
        assert_eq!(arts[1].meta.title, None);
    }

    #[test]
    fn text_metadata_is_kept_when_json_has_none_and_json_wins_otherwise() {
        let text = " date 2024-06-01 The quay reopened.\n\nBy Lena Quist";
        let input = format!(
            "{}\n{}\n",
            line(serde_json::json!({"text": text})),
            line(serde_json::json!({"text": text, "date": "2024-06-03", "author": "Desk"})),
        );
        let (arts, _) = read(&input);
        assert_eq!(arts[0].meta.date.as_deref(), Some("2024-06-01"));
        assert_eq!(arts[0].meta.author.as_deref(), Some("Lena Quist"));
        assert_eq!(arts[0].lines[0], "The quay reopened.");
        assert_eq!(arts[1].meta.date.as_deref(), Some("2024-06-03"));
        assert_eq!(arts[1].meta.author.as_deref(), Some("Desk"));
    }

    #[test]
    fn a_stamp_naming_another_site_becomes_the_credit() {
        let text = "Body of the copied story.\n\nPublished on https://wire-desk.example/story by Ann Lee on 2024-05-01";
        let input = line(serde_json::json!({"text": text, "url": "https://farm-one.example/a"}));
        let (arts, _) = read(&input);
        let m = &arts[0].meta;
        assert_eq!(m.own_site().as_deref(), Some("farm-one"));
        assert_eq!(m.credited_site().as_deref(), Some("wire-desk"));
    }

    #[test]
    fn bad_lines_are_reported_with_their_line_numbers_and_reading_goes_on() {
        let input = [
            line(serde_json::json!({"text": "First good story about the quay."})),
            "{\"text\": \"unterminated".to_string(),
            "[1, 2, 3]".to_string(),
            line(serde_json::json!({"url": "https://x.example/"})),
            line(serde_json::json!({"text": 42})),
            line(serde_json::json!({"text": "   "})),
            line(serde_json::json!({"text": "bin\u{0}ary"})),
            line(serde_json::json!({"text": "Last good story about the quay."})),
        ]
        .join("\n");
        let (arts, probs) = read(&input);
        let paths: Vec<&str> = arts.iter().map(|a| a.path.as_str()).collect();
        assert_eq!(paths, ["feed.jsonl#1", "feed.jsonl#8"]);
        let got: Vec<(&str, &str)> = probs
            .iter()
            .map(|p| (p.path.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(got.len(), 6, "{got:?}");
        assert_eq!(got[0].0, "feed.jsonl#2");
        assert!(
            got[0].1.starts_with("invalid JSON at column"),
            "{}",
            got[0].1
        );
        assert!(!got[0].1.contains("line 1"), "{}", got[0].1);
        assert_eq!(
            got[1],
            (
                "feed.jsonl#3",
                "not a JSON object (found an array); skipped"
            )
        );
        assert_eq!(
            got[2],
            ("feed.jsonl#4", "missing text field \"text\"; skipped")
        );
        assert_eq!(
            got[3],
            (
                "feed.jsonl#5",
                "text field \"text\" is not a string (found a number); skipped"
            )
        );
        assert_eq!(
            got[4],
            ("feed.jsonl#6", "empty text field \"text\"; skipped")
        );
        assert_eq!(got[5].0, "feed.jsonl#7");
        assert!(got[5].1.contains("NUL"), "{}", got[5].1);
        assert!(probs.iter().all(|p| !p.message.contains('\n')));
    }

    #[test]
    fn many_bad_lines_are_summarised() {
        let input = "{}\n".repeat(MAX_LISTED_BAD_LINES + 5);
        let (_, probs) = read(&input);
        assert_eq!(probs.len(), MAX_LISTED_BAD_LINES + 1);
        assert_eq!(probs[0].path, "feed.jsonl#1");
        let last = &probs[MAX_LISTED_BAD_LINES];
        assert_eq!(last.path, "feed.jsonl");
        assert_eq!(
            last.message,
            format!(
                "5 more bad lines not listed (lines {} to {}); {} in all",
                MAX_LISTED_BAD_LINES + 1,
                MAX_LISTED_BAD_LINES + 5,
                MAX_LISTED_BAD_LINES + 5
            )
        );
    }

    #[test]
    fn custom_field_names() {
        let fields = JsonFields {
            text: "body".into(),
            url: "link".into(),
            title: "headline".into(),
            date: "published".into(),
            author: "byline".into(),
        };
        let input = line(serde_json::json!({
            "body": STORY,
            "text": 7,
            "link": "https://tide.example/1",
            "headline": "Ferry returns",
            "published": "2025-02-12 09:00",
            "byline": "Ola Strand",
        }));
        let (arts, probs) = read_jsonl("c.ndjson", input.as_bytes(), &fields);
        assert!(probs.is_empty(), "{probs:?}");
        let m = &arts[0].meta;
        assert_eq!(m.url.as_deref(), Some("https://tide.example/1"));
        assert_eq!(m.title.as_deref(), Some("Ferry returns"));
        assert_eq!(m.date.as_deref(), Some("2025-02-12"));
        assert_eq!(m.author.as_deref(), Some("Ola Strand"));

        let (_, probs) = read_jsonl("c.ndjson", &b"{\"text\": \"x\"}\n"[..], &fields);
        assert_eq!(probs[0].message, "missing text field \"body\"; skipped");
    }

    #[test]
    fn crlf_blank_lines_and_bom() {
        let input = "\u{feff}{\"text\": \"One story.\\r\\nSecond paragraph.\"}\r\n\r\n   \r\n{\"text\": \"Two.\"}\r\n\n";
        let (arts, probs) = read(input);
        assert!(probs.is_empty(), "{probs:?}");
        assert_eq!(arts.len(), 2);
        assert_eq!(arts[0].path, "feed.jsonl#1");
        assert_eq!(arts[0].lines, ["One story.", "Second paragraph."]);
        assert_eq!(arts[1].path, "feed.jsonl#4", "blank lines still count");
        assert_eq!(arts[1].lines, ["Two."]);
    }

    #[test]
    fn invalid_utf8_is_replaced_and_flagged() {
        let (arts, probs) = read_jsonl(
            "f.jsonl",
            &b"{\"text\": \"Caf\xe9 opens on the quay.\"}\n"[..],
            &JsonFields::default(),
        );
        assert!(probs.is_empty(), "{probs:?}");
        assert!(arts[0].invalid_utf8);
        assert!(arts[0].lines[0].contains('\u{FFFD}'));
    }

    #[test]
    fn over_long_lines_are_skipped_without_being_kept() {
        let mut buf = Vec::new();
        let mut input: &[u8] = b"0123456789abcdef\nshort\nlast";
        assert_eq!(
            read_line_limited(&mut input, &mut buf, 8).expect("reads"),
            Line::TooLong
        );
        assert!(buf.is_empty());
        assert_eq!(
            read_line_limited(&mut input, &mut buf, 8).expect("reads"),
            Line::Read
        );
        assert_eq!(buf, b"short\n");
        buf.clear();
        assert_eq!(
            read_line_limited(&mut input, &mut buf, 8).expect("reads"),
            Line::Read
        );
        assert_eq!(buf, b"last");
        buf.clear();
        assert_eq!(
            read_line_limited(&mut input, &mut buf, 8).expect("reads"),
            Line::End
        );
    }

    #[test]
    fn dates() {
        assert_eq!(iso_date("2025-03-04").as_deref(), Some("2025-03-04"));
        assert_eq!(
            iso_date("2025-03-04T10:00:00+02:00").as_deref(),
            Some("2025-03-04")
        );
        assert_eq!(iso_date("2025-13-04"), None);
        assert_eq!(iso_date("March 4, 2025"), None);
        assert_eq!(iso_date("2025-03-045"), None);
        assert_eq!(iso_date("2025-03"), None);
        assert_eq!(iso_date("ÄÄÄÄÄÄÄÄÄÄ"), None);
    }
}

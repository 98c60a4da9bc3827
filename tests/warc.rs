//! End-to-end tests of WARC input (`.warc`, `.warc.gz`): crawls built here, record by record,
//! scanned and extracted by the built binary.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Output;

mod common;
use common::{s, spinscan, Csv};

/// A story written for these tests; the farm page carries it word for word.
const STORY: &[&str] = &[
    "HARLOW POINT - The ferry between Harlow Point and Cressey Island will keep running through the winter for the first time in eleven years, after the county council voted on Tuesday to cover the operator's losses for the cold months.",
    "The vote, passed by 23 to 9, sets aside 410,000 pounds a year for three years. Until now the service stopped at the end of October and did not return until Easter, leaving about 600 island residents with a single weekly supply boat.",
    "Councillor Edith Marrow, who proposed the motion, said the winter gap had emptied the island of young families. People cannot hold a job on the mainland if they are cut off for five months, she told the meeting.",
    "The operator, Saltwind Crossings, will run two sailings a day from November to March, down from six in the summer. Its managing director, Paul Okafor, said the older of its two boats would be refitted with a heated passenger cabin before the first winter sailing.",
    "Opponents on the council argued that the money would be better spent on a study of a new causeway. Councillor Brian Toller called the subsidy a sticking plaster on a problem that needs a bridge, and warned that fuel costs could push the bill higher.",
    "Island businesses welcomed the decision. The owner of the Cressey Arms, Janet Pryce, said she had laid off four staff every autumn since 2013 and hoped to keep them on this year.",
    "The first winter timetable will be published at the end of September, the council said, and tickets will cost the same as in summer.",
];

const TITLE: &str = "Harlow Point ferry to run through the winter after council vote";
const ORIGINAL_URL: &str = "https://harlow-gazette.example/news/ferry-winter";
const COPY_URL: &str = "https://buzzfeedly-daily.example/ferry-winter-shock/";

/// The newspaper's page: its own menu and footer around the story.
fn original_page() -> String {
    let paragraphs: String = STORY.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{TITLE} | Harlow Gazette</title>\
         </head><body><nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/news\">News</a></li>\
         <li><a href=\"/sport\">Sport</a></li><li><a href=\"/weather\">Weather</a></li></ul></nav>\n\
         <article><h1>{TITLE}</h1>\n<p class=\"byline\">By Nora Quayle</p>\n{paragraphs}</article>\n\
         <footer><p>Copyright 2025 Harlow Gazette. All rights reserved.</p></footer></body></html>"
    )
}

/// The content farm's page: the same story in other chrome.
fn copy_page() -> String {
    let paragraphs: String = STORY.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        "<!DOCTYPE html><html><head><title>{TITLE} - Buzzfeedly Daily</title></head><body>\
         <header><a href=\"/trending\">Trending</a> <a href=\"/viral\">Viral</a> \
         <a href=\"/subscribe\">Subscribe now</a></header>\n<div class=\"post\"><h1>{TITLE}</h1>\n\
         {paragraphs}<p>Share on Facebook | Share on Twitter</p>\n\
         <p>Read more: Ten islands you must see before you die</p></div>\n\
         <footer>Buzzfeedly Daily 2025</footer></body></html>"
    )
}

fn http(content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut b = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    b.extend_from_slice(body);
    b
}

fn record_with(kind: &str, uri: &str, date: &str, length: usize, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{kind}-{length}>\r\n\
         WARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\n\
         Content-Type: application/http; msgtype={kind}\r\nContent-Length: {length}\r\n\r\n"
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn record(kind: &str, uri: &str, date: &str, block: &[u8]) -> Vec<u8> {
    record_with(kind, uri, date, block.len(), block)
}

fn warcinfo() -> Vec<u8> {
    let info = b"software: spinscan-tests\r\nformat: WARC File Format 1.1\r\n";
    let mut r = format!(
        "WARC/1.1\r\nWARC-Type: warcinfo\r\nWARC-Date: 2025-04-01T00:00:00Z\r\n\
         WARC-Filename: crawl.warc.gz\r\nContent-Type: application/warc-fields\r\n\
         Content-Length: {}\r\n\r\n",
        info.len()
    )
    .into_bytes();
    r.extend_from_slice(info);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn request(uri: &str) -> Vec<u8> {
    let host = uri.split('/').nth(2).unwrap_or("");
    let get = format!("GET / HTTP/1.1\r\nHost: {host}\r\nUser-Agent: test\r\n\r\n");
    record("request", uri, "2025-04-02T09:00:00Z", get.as_bytes())
}

fn original_response() -> Vec<u8> {
    let body = http("text/html; charset=UTF-8", original_page().as_bytes());
    record("response", ORIGINAL_URL, "2025-04-02T09:00:01Z", &body)
}

fn copy_response() -> Vec<u8> {
    let body = http("text/html", copy_page().as_bytes());
    record("response", COPY_URL, "2025-04-05T17:30:00Z", &body)
}

/// Each record its own gzip member, as Common Crawl writes them; with the members' offsets.
fn gzip_members(records: &[Vec<u8>]) -> (Vec<u8>, Vec<u64>) {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for r in records {
        offsets.push(out.len() as u64);
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(r).expect("compress");
        out.extend(e.finish().expect("compress"));
    }
    (out, offsets)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn scan(input: &Path) -> (Output, tempfile::TempDir) {
    let out = tempfile::tempdir().expect("tempdir");
    let o = spinscan(&["scan", s(input), "--out", s(out.path()), "--quiet"]);
    (o, out)
}

fn pair<'a>(pairs: &'a Csv, a: &str, b: &str) -> &'a std::collections::HashMap<String, String> {
    pairs
        .rows
        .iter()
        .find(|r| (r["a"] == a && r["b"] == b) || (r["a"] == b && r["b"] == a))
        .unwrap_or_else(|| panic!("no pair {a} / {b} in pairs.csv"))
}

#[test]
fn a_warc_gz_crawl_scans_with_records_named_by_their_offsets() {
    let records = [
        warcinfo(),
        request(ORIGINAL_URL),
        original_response(),
        copy_response(),
    ];
    let (bytes, offsets) = gzip_members(&records);
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("crawl.warc.gz"), &bytes).expect("write crawl");
    let (o, out) = scan(dir.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "a copy is found; {err}");
    let original = format!("crawl.warc.gz#{}", offsets[2]);
    let copy = format!("crawl.warc.gz#{}", offsets[3]);

    let pairs = Csv::read(&out.path().join("pairs.csv"));
    let p = pair(&pairs, &original, &copy);
    assert_eq!(p["is_copy"], "true");
    assert_eq!(p["relation"], "verbatim_copy");
    assert_eq!(p["source"], original, "the earlier capture is the original");

    let arts = Csv::read(&out.path().join("articles.csv"));
    let paths: Vec<&str> = arts.rows.iter().map(|r| r["path"].as_str()).collect();
    assert_eq!(paths, [original.as_str(), copy.as_str()]);
    let a = arts.row("path", &original);
    assert_eq!(a["format"], "warc");
    assert_eq!(a["url"], ORIGINAL_URL, "WARC-Target-URI");
    assert_eq!(a["date"], "2025-04-02", "WARC-Date, the page giving none");
    assert_eq!(a["title"], TITLE);
    assert_eq!(a["role"], "original");
    let c = arts.row("path", &copy);
    assert_eq!(c["url"], COPY_URL);
    assert_eq!(c["date"], "2025-04-05");
    assert_eq!(c["role"], "copy");
    assert_ne!(c["boilerplate_lines"], "0", "the farm's chrome is found");

    assert!(
        err.lines()
            .any(|l| l == "spinscan: crawl.warc.gz: 2 records skipped (not HTML pages): request 1, warcinfo 1"),
        "skipped records counted once for the file: {err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");

    // The evidence reports read the two records again by their offsets: spans point into each
    // record's HTTP body, and report.html shows the pair's texts.
    let spans = Csv::read(&out.path().join("spans.csv"));
    assert!(!spans.rows.is_empty());
    let page = original_page();
    let mut found_marrow = false;
    for r in spans.rows.iter().filter(|r| r["a"] == original) {
        let (start, end): (usize, usize) = (
            r["a_start"].parse().expect("a_start"),
            r["a_end"].parse().expect("a_end"),
        );
        let cut = &page[start..end];
        assert!(STORY.iter().any(|p| p.contains(cut)), "{cut:?}");
        found_marrow |= cut.starts_with("Councillor Edith Marrow");
    }
    assert!(
        found_marrow,
        "the third paragraph's first sentence is located"
    );
    let html = fs::read_to_string(out.path().join("report.html")).expect("report.html");
    assert!(html.contains("Saltwind Crossings"), "texts side by side");
}

#[test]
fn bad_records_are_named_by_offset_and_the_good_ones_scanned() {
    let block = http("text/html", copy_page().as_bytes());
    let records = [
        warcinfo(),
        original_response(),
        // Content-Length 40 bytes too long: it runs into the next record.
        record_with(
            "response",
            "https://x.example/a",
            "2025-04-03T10:00:00Z",
            block.len() + 40,
            &block,
        ),
        copy_response(),
        record(
            "response",
            "https://y.example/b",
            "2025-04-06T10:00:00Z",
            &block,
        ),
    ];
    // Gzip, record by record, the last member cut short.
    let (mut bytes, offsets) = gzip_members(&records);
    bytes.truncate(bytes.len() - 100);
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("crawl.warc.gz"), &bytes).expect("write crawl");
    // Plain, the same records, the last one cut in its block.
    let mut plain = records.concat();
    plain.truncate(plain.len() - 500);
    let plain_offsets: Vec<usize> = records
        .iter()
        .scan(0, |at, r| {
            let here = *at;
            *at += r.len();
            Some(here)
        })
        .collect();
    let plain_dir = tempfile::tempdir().expect("tempdir");
    fs::write(plain_dir.path().join("crawl.warc"), &plain).expect("write crawl");

    for (name, dir, offsets) in [
        ("crawl.warc.gz", dir.path(), offsets),
        (
            "crawl.warc",
            plain_dir.path(),
            plain_offsets.iter().map(|&o| o as u64).collect(),
        ),
    ] {
        let (o, out) = scan(&dir.join(name));
        let err = stderr(&o);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{name}: the copy is still found; {err}"
        );
        let at = |k: usize| format!("{name}#{}", offsets[k]);
        let wrong = err
            .lines()
            .find(|l| l.starts_with(&format!("spinscan: {}: ", at(2))))
            .unwrap_or_else(|| panic!("{name}: wrong length reported by offset: {err}"));
        assert!(wrong.contains("Content-Length"), "{wrong}");
        let cut = err
            .lines()
            .find(|l| l.starts_with(&format!("spinscan: {}: ", at(4))))
            .unwrap_or_else(|| panic!("{name}: truncated record reported by offset: {err}"));
        assert!(
            cut.contains("truncated") || cut.contains("cut short"),
            "{cut}"
        );

        let arts = Csv::read(&out.path().join("articles.csv"));
        let paths: Vec<&str> = arts.rows.iter().map(|r| r["path"].as_str()).collect();
        assert_eq!(paths, [at(1), at(3)], "{name}");
        let pairs = Csv::read(&out.path().join("pairs.csv"));
        assert_eq!(pair(&pairs, &at(1), &at(3))["is_copy"], "true", "{name}");
    }
}

#[test]
fn extract_writes_the_clean_bodies_of_a_warc() {
    let records = [warcinfo(), original_response(), copy_response()];
    let (bytes, offsets) = gzip_members(&records);
    let dir = tempfile::tempdir().expect("tempdir");
    let crawl = dir.path().join("crawl.warc.gz");
    fs::write(&crawl, &bytes).expect("write crawl");
    let out = tempfile::tempdir().expect("tempdir");
    let o = spinscan(&["extract", s(&crawl), "--out", s(out.path())]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("2 articles extracted"), "{stdout}");

    let meta = Csv::read(&out.path().join("metadata.csv"));
    let paths: Vec<&str> = meta.rows.iter().map(|r| r["path"].as_str()).collect();
    assert_eq!(
        paths,
        [
            format!("crawl.warc.gz#{}", offsets[1]),
            format!("crawl.warc.gz#{}", offsets[2])
        ]
    );
    assert!(meta.rows.iter().all(|r| r["format"] == "warc"));
    assert_eq!(meta.rows[1]["url"], COPY_URL);

    // Record N of crawl.warc.gz is written as crawl.warc/N.txt, as JSON lines are.
    let bodies: Vec<String> = offsets[1..3]
        .iter()
        .map(|o| {
            let p = out.path().join("crawl.warc").join(format!("{o}.txt"));
            fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        })
        .collect();
    for body in &bodies {
        assert!(body.starts_with("HARLOW POINT - The ferry"), "{body}");
        assert!(body.contains("Janet Pryce"), "{body}");
        for chrome in [
            "Subscribe now",
            "Share on Facebook",
            "All rights reserved",
            "Weather",
        ] {
            assert!(!body.contains(chrome), "{chrome:?} in {body}");
        }
    }
}

#[test]
fn a_plain_warc_file_is_a_single_input() {
    let records = [warcinfo(), original_response(), copy_response()];
    let dir = tempfile::tempdir().expect("tempdir");
    let crawl = dir.path().join("crawl.warc");
    fs::write(&crawl, records.concat()).expect("write crawl");
    let (o, out) = scan(&crawl);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let first = records[0].len();
    let second = first + records[1].len();
    let pairs = Csv::read(&out.path().join("pairs.csv"));
    let p = pair(
        &pairs,
        &format!("crawl.warc#{first}"),
        &format!("crawl.warc#{second}"),
    );
    assert_eq!(p["relation"], "verbatim_copy");
}

/// Team-written: a short Russian news item (title, then paragraphs).
const RUSSIAN: &[&str] = &[
    "Набережную Светлогорска отремонтируют за два года",
    "Городской совет Светлогорска в четверг одобрил план ремонта набережной.",
    "Работы начнутся весной и продлятся около двух лет, сообщили в мэрии.",
    "Жители давно жаловались на разбитые плиты и тёмные фонари вдоль моря.",
];

/// Team-written: a short Polish news item (title, then paragraphs).
const POLISH: &[&str] = &[
    "Nabrzeże w Gdańsku do remontu",
    "Rada miasta w Gdańsku zatwierdziła w czwartek plan remontu nabrzeża.",
    "Prace rozpoczną się wiosną i potrwają około dwóch lat, a świąteczny jarmark przeniesie się na Targ Węglowy.",
    "Mieszkańcy od dawna skarżyli się na połamane płyty i ciemne latarnie wzdłuż morza.",
];

/// A page with no charset of its own, in `enc`.
fn legacy_page(text: &[&str], enc: &'static encoding_rs::Encoding) -> Vec<u8> {
    let paragraphs: String = text[1..].iter().map(|p| format!("<p>{p}</p>")).collect();
    let html = format!(
        "<html><head><title>{}</title></head><body><h1>{}</h1>{paragraphs}</body></html>",
        text[0], text[0]
    );
    let (bytes, _, unmappable) = enc.encode(&html);
    assert!(!unmappable);
    bytes.into_owned()
}

#[test]
fn charsets_from_http_headers_are_honoured_and_undeclared_ones_detected() {
    let cp1251 = encoding_rs::WINDOWS_1251;
    let records = [
        record(
            "response",
            "https://svetlogorsk.example/a",
            "2025-04-02T09:00:00Z",
            &http(
                "text/html; charset=windows-1251",
                &legacy_page(RUSSIAN, cp1251),
            ),
        ),
        record(
            "response",
            "https://svetlogorsk.example/b",
            "2025-04-02T09:00:00Z",
            &http("text/html", &legacy_page(RUSSIAN, cp1251)),
        ),
        record(
            "response",
            "https://gdansk.example/c",
            "2025-04-02T09:00:00Z",
            &http("text/html", &legacy_page(POLISH, encoding_rs::ISO_8859_2)),
        ),
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("c.warc"), records.concat()).expect("write crawl");
    let (o, out) = scan(dir.path());
    let err = stderr(&o);
    let arts = Csv::read(&out.path().join("articles.csv"));
    let (a, b, c) = (&arts.rows[0], &arts.rows[1], &arts.rows[2]);
    assert_eq!(a["title"], RUSSIAN[0], "the HTTP header's charset");
    assert!(!a["notes"].contains("read as"), "declared: {a:?}");
    assert_eq!(b["title"], RUSSIAN[0], "detected");
    assert!(b["notes"].contains("read as Windows-1251"), "{b:?}");
    assert_eq!(c["title"], POLISH[0], "detected");
    assert!(c["notes"].contains("read as ISO-8859-2"), "{c:?}");
    // The two Russian pages are one text: spans find its sentences in both records, each
    // read again in its charset.
    let spans = Csv::read(&out.path().join("spans.csv"));
    assert!(!spans.rows.is_empty(), "{err}");
    assert!(
        spans
            .rows
            .iter()
            .all(|r| !r["a_start"].is_empty() && !r["b_start"].is_empty()),
        "every sentence located"
    );
    let b_path = format!("spinscan: {}: ", b["path"]);
    assert!(
        err.lines()
            .any(|l| l.starts_with(&b_path) && l.contains("read as Windows-1251")),
        "{err}"
    );
}

//! Trafilatura's evaluation pages: 990 annotated web pages (mostly German and English) with
//! hand-picked snippets (`evaldata.json` `{url: {file, with: [...], without: [...]}}`,
//! pages in `html/<file>.gz`): "with" snippets belong in the main text, "without" snippets
//! (menus, dates in sidebars, teasers, share text) must not.
//!
//! The pages go through ingest and boilerplate as in a scan ([`super::scrapinghub::run_pages`]).
//! Line level: a rendered line containing a "without" snippet is boilerplate, one containing a
//! "with" snippet is content (a line with both, or neither, is not counted); spinscan calls a
//! line boilerplate when it is not in the clean body. Page level: `with_snippet_recall` is
//! the share of "with" snippets found in the clean body, `without_snippet_leak` the share of
//! "without" snippets found there. Snippets and text are compared after whitespace
//! normalisation, case kept. spinscan's boilerplate lexicon is English, so figures are given
//! for English pages (from `<html lang>`, else stop words) and for all pages.

use std::path::Path;
use std::sync::LazyLock;
use std::time::Instant;

use rayon::prelude::*;

use super::scrapinghub::{body_lines, gunzip, run_pages};
use super::{f3, ratio, read_json_object, Format, Prf, Report, Table};
use crate::pipeline::Options;

struct Entry {
    with: Vec<String>,
    without: Vec<String>,
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

static HTML_LANG: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::Regex::new(r#"(?i)<html[^>]*?\blang\s*=\s*["']?\s*([a-z]{2})"#)
        .expect("valid regex")
});

/// The page's language, cheaply: `<html lang>`, else English or German stop words in its
/// lines (`"en"`, `"de"`, or `"?"` when neither clearly).
pub fn page_language(bytes: &[u8], lines: &[String]) -> String {
    if let Some(c) = HTML_LANG.captures(&bytes[..bytes.len().min(16_384)]) {
        return String::from_utf8_lossy(&c[1]).to_ascii_lowercase();
    }
    const EN: &[&str] = &["the", "and", "of", "to", "is", "that", "with", "for"];
    const DE: &[&str] = &["der", "die", "und", "das", "ist", "nicht", "mit", "von"];
    let (mut en, mut de) = (0usize, 0usize);
    for l in lines {
        for w in l.split(|c: char| !c.is_alphabetic()) {
            let w = w.to_lowercase();
            en += EN.contains(&w.as_str()) as usize;
            de += DE.contains(&w.as_str()) as usize;
        }
    }
    if en >= 10 && en > 2 * de {
        "en".into()
    } else if de >= 10 && de > 2 * en {
        "de".into()
    } else {
        "?".into()
    }
}

/// What one page contributes.
#[derive(Default, Clone, Copy)]
struct Counts {
    lines: Prf,
    extractor_lines: Prf,
    with: u64,
    with_found: u64,
    with_found_extractor: u64,
    without: u64,
    without_found: u64,
    without_found_extractor: u64,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        for (a, b) in [
            (&mut self.lines, &o.lines),
            (&mut self.extractor_lines, &o.extractor_lines),
        ] {
            a.tp += b.tp;
            a.fp += b.fp;
            a.fn_ += b.fn_;
        }
        self.with += o.with;
        self.with_found += o.with_found;
        self.with_found_extractor += o.with_found_extractor;
        self.without += o.without;
        self.without_found += o.without_found;
        self.without_found_extractor += o.without_found_extractor;
    }
    fn with_recall(&self) -> f64 {
        ratio(self.with_found, self.with)
    }
    fn without_leak(&self) -> f64 {
        ratio(self.without_found, self.without)
    }
}

fn read_entries(dir: &Path) -> anyhow::Result<Vec<(String, Entry)>> {
    let path = dir.join("evaldata.json");
    let obj = read_json_object(&path, "{url: {file, with, without}}")?;
    let obj = &obj;
    let strings = |x: Option<&serde_json::Value>| -> Vec<String> {
        x.and_then(|a| a.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str())
                    .map(norm)
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out: Vec<(String, Entry)> = obj
        .iter()
        .filter_map(|(_url, e)| {
            let file = e.get("file")?.as_str()?.to_string();
            Some((
                file,
                Entry {
                    with: strings(e.get("with")),
                    without: strings(e.get("without")),
                },
            ))
        })
        .collect();
    if out.is_empty() {
        anyhow::bail!("{}: no annotated pages", path.display());
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

pub fn evaluate(dir: &Path, opts: &Options) -> anyhow::Result<Report> {
    let started = Instant::now();
    let entries = read_entries(dir)?;
    // Pages, named by their index (the set's file names are not all safe as paths).
    let loaded: Vec<Option<(String, Vec<u8>)>> = entries
        .par_iter()
        .enumerate()
        .map(|(k, (file, _))| {
            gunzip(&dir.join("html").join(format!("{file}.gz")))
                .ok()
                .map(|b| (format!("p{k:05}"), b))
        })
        .collect();
    let missing = loaded.iter().filter(|p| p.is_none()).count();
    let index: Vec<usize> = (0..entries.len())
        .filter(|&k| loaded[k].is_some())
        .collect();
    let pages: Vec<(String, Vec<u8>)> = loaded.into_iter().flatten().collect();
    if pages.is_empty() {
        anyhow::bail!(
            "{}: none of the annotated pages is there",
            dir.join("html").display()
        );
    }
    let run = run_pages("trafilatura", &pages, opts)?;

    let per_page: Vec<(String, Counts)> = (0..pages.len())
        .into_par_iter()
        .map(|k| {
            let entry = &entries[index[k]].1;
            let mut c = Counts {
                with: entry.with.len() as u64,
                without: entry.without.len() as u64,
                ..Counts::default()
            };
            let (Some(page), Some(cleaned)) = (&run.parsed[k], &run.cleaned[k]) else {
                return ("?".to_string(), c);
            };
            let a = &page.article;
            let lang = page_language(&pages[k].1, &a.lines);
            let body = norm(&cleaned.body.join(" "));
            let extracted = norm(&page.main_text);
            c.with_found = entry.with.iter().filter(|s| body.contains(*s)).count() as u64;
            c.without_found = entry.without.iter().filter(|s| body.contains(*s)).count() as u64;
            c.with_found_extractor =
                entry.with.iter().filter(|s| extracted.contains(*s)).count() as u64;
            c.without_found_extractor = entry
                .without
                .iter()
                .filter(|s| extracted.contains(*s))
                .count() as u64;
            let in_body = body_lines(&a.lines, cleaned);
            for (i, l) in a.lines.iter().enumerate() {
                let l = norm(l);
                let bp = entry.without.iter().any(|s| l.contains(s));
                let content = entry.with.iter().any(|s| l.contains(s));
                if bp == content {
                    continue;
                }
                c.lines.add(!in_body[i], bp);
                c.extractor_lines
                    .add(a.outside_body.get(i).copied().unwrap_or(false), bp);
            }
            (lang, c)
        })
        .collect();

    let mut all = Counts::default();
    let mut en = Counts::default();
    let mut de = Counts::default();
    let (mut n_en, mut n_de) = (0, 0);
    for (lang, c) in &per_page {
        all.add(c);
        if lang == "en" {
            en.add(c);
            n_en += 1;
        } else if lang == "de" {
            de.add(c);
            n_de += 1;
        }
    }

    let mut r = Report::for_dir(dir, Format::Trafilatura);
    r.metric("pages", pages.len() as f64);
    r.metric("pages_en", n_en as f64);
    r.metric("boilerplate_precision", all.lines.precision());
    r.metric("boilerplate_recall", all.lines.recall());
    r.metric("boilerplate_f1", all.lines.f1());
    r.metric("with_snippet_recall", all.with_recall());
    r.metric("without_snippet_leak", all.without_leak());
    r.metric("en_boilerplate_precision", en.lines.precision());
    r.metric("en_boilerplate_recall", en.lines.recall());
    r.metric("en_boilerplate_f1", en.lines.f1());
    r.metric("en_with_snippet_recall", en.with_recall());
    r.metric("en_without_snippet_leak", en.without_leak());
    r.metric("extractor_boilerplate_f1", all.extractor_lines.f1());
    r.metric(
        "extractor_with_snippet_recall",
        ratio(all.with_found_extractor, all.with),
    );
    r.metric(
        "extractor_without_snippet_leak",
        ratio(all.without_found_extractor, all.without),
    );

    let mut t = Table::new(
        "Labeled lines: boilerplate = has a \"without\" snippet, content = has a \"with\" snippet",
        &Prf::HEADER,
    );
    for (name, c) in [("all", &all), ("English", &en), ("German", &de)] {
        t.row(c.lines.row(&format!("spinscan, {name}")));
        t.row(c.extractor_lines.row(&format!("  extractor alone, {name}")));
    }
    r.tables.push(t);

    let mut t = Table::new(
        "Snippets in the body",
        &[
            "",
            "pages",
            "with recall",
            "without leak",
            "with",
            "without",
        ],
    );
    for (name, c, n) in [
        ("all", &all, pages.len()),
        ("English", &en, n_en),
        ("German", &de, n_de),
    ] {
        t.row(vec![
            format!("spinscan clean body, {name}"),
            n.to_string(),
            f3(c.with_recall()),
            f3(c.without_leak()),
            c.with.to_string(),
            c.without.to_string(),
        ]);
        t.row(vec![
            format!("  extractor output, {name}"),
            n.to_string(),
            f3(ratio(c.with_found_extractor, c.with)),
            f3(ratio(c.without_found_extractor, c.without)),
            c.with.to_string(),
            c.without.to_string(),
        ]);
    }
    r.tables.push(t);
    r.notes.push(format!(
        "{} annotated pages, {} read ({missing} missing), {} rejected by ingest; {:.1} s",
        entries.len(),
        pages.len(),
        run.cleaned.iter().filter(|c| c.is_none()).count(),
        started.elapsed().as_secs_f64()
    ));
    r.notes.push(
        "language from <html lang>, else stop words; spinscan's boilerplate lexicon is English"
            .into(),
    );
    for (k, message) in run.problems.iter().take(5) {
        r.notes.push(format!(
            "problem: html/{}.gz: {message}",
            entries[index[*k]].0
        ));
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::eval::tests::write_gz as gz;

    const PAGE: &str = r#"<html lang="en"><head><title>Sea wall | Gazette</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/imprint">Imprint</a></li></ul></nav>
<article><h1>Council backs the sea wall</h1>
<p>The harbour council voted on Tuesday to build a new sea wall along the eastern quay, ending two years of argument.</p>
<p>The wall will cost about four million pounds and take eighteen months to build, the council said on Tuesday.</p>
<p>Some residents said the wall would block the view of the harbour from the old promenade and signed a petition.</p></article>
<footer><p>Follow us on Twitter</p></footer></body></html>"#;

    #[test]
    fn synthetic_set() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let d = tmp.path();
        gz(&d.join("html/a.html.gz"), PAGE);
        std::fs::write(
            d.join("evaldata.json"),
            r#"{"https://x.example/a": {"file": "a.html",
                "with": ["voted on  Tuesday", "signed a petition"],
                "without": ["Imprint", "Follow us on Twitter"]},
               "https://x.example/gone": {"file": "gone.html", "with": ["x"], "without": []}}"#,
        )
        .expect("write");
        assert_eq!(Format::detect(d), Some(Format::Trafilatura));
        let r = evaluate(d, &Options::default()).expect("evaluates");
        assert_eq!(r.get("pages"), Some(1.0));
        assert_eq!(r.get("pages_en"), Some(1.0));
        assert_eq!(r.get("with_snippet_recall"), Some(1.0), "{}", r.render());
        assert_eq!(r.get("without_snippet_leak"), Some(0.0), "{}", r.render());
        assert_eq!(r.get("boilerplate_f1"), Some(1.0), "{}", r.render());
        assert!(r.notes[0].contains("1 missing"), "{:?}", r.notes);
    }

    #[test]
    fn language_from_attribute_or_stop_words() {
        assert_eq!(page_language(b"<html lang=\"de-DE\">", &[]), "de");
        let en = vec![
            "the cat and the dog went to the park with the ball for the day and the night"
                .to_string(),
        ];
        assert_eq!(page_language(b"<html>", &en), "en");
        assert_eq!(page_language(b"<html>", &["xyz".to_string()]), "?");
    }

    #[test]
    fn bad_json_names_the_file() {
        let tmp = tempfile::tempdir().expect("tempdir");
        std::fs::write(tmp.path().join("evaldata.json"), "[1,").expect("write");
        let e = evaluate(tmp.path(), &Options::default()).expect_err("fails");
        assert!(e.to_string().contains("evaldata.json"), "{e}");
    }
}

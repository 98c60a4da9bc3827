//! Self-contained HTML pages of evidence (`spinscan explain --html`).
//!
//! Article text is hostile: scraped pages carry `<script>`, event handlers and markup in their
//! text. Everything from an article goes through [`text`] (HTML-escaped) and lands in element
//! content or quoted attribute values only; the page has no scripts, no external resources and
//! a Content-Security-Policy that forbids both, so nothing an article holds can run or load.

use std::fmt::Write;

/// One row of the side-by-side view: an aligned sentence pair, or a sentence of one side
/// with no counterpart.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub a: Option<String>,
    pub b: Option<String>,
    /// `verbatim`, `spun`, `reworded`, or empty for an unaligned sentence.
    pub kind: String,
    pub similarity: Option<f32>,
}

/// The evidence for one pair of articles.
#[derive(Debug, Clone, Default)]
pub struct PairPage {
    pub a: String,
    pub b: String,
    /// Verdict and direction, one statement a line.
    pub summary: Vec<String>,
    pub rows: Vec<Row>,
    /// Signal name and value.
    pub signals: Vec<(String, String)>,
}

/// Names and numbers found in both texts: words that start with a capital letter or hold a
/// digit (what a reader checks first in a rewrite).
pub fn shared_facts(a: &str, b: &str) -> std::collections::HashSet<String> {
    let facts = |s: &str| -> std::collections::HashSet<String> {
        s.split(|c: char| !(c.is_alphanumeric() || c == '.' || c == ','))
            .map(|w| w.trim_matches(|c: char| c == '.' || c == ','))
            .filter(|w| {
                w.chars().next().is_some_and(char::is_uppercase)
                    || w.chars().any(|c| c.is_ascii_digit())
            })
            .map(str::to_string)
            .collect()
    };
    facts(a).intersection(&facts(b)).cloned().collect()
}

/// Escaped text with the words in `marked` wrapped in `<mark>`.
pub fn text_marked(s: &str, marked: &std::collections::HashSet<String>) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let core = word.trim_matches(|c: char| c == '.' || c == ',');
        if !core.is_empty() && marked.contains(core) {
            let start = word.find(core).unwrap_or(0);
            out.push_str(&text(&word[..start]));
            out.push_str("<mark>");
            out.push_str(&text(core));
            out.push_str("</mark>");
            out.push_str(&text(&word[start + core.len()..]));
        } else {
            out.push_str(&text(word));
        }
        word.clear();
    };
    for c in s.chars() {
        if c.is_alphanumeric() || c == '.' || c == ',' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push_str(&text(c.encode_utf8(&mut [0; 4])));
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Escapes text for element content and double-quoted attribute values.
pub fn text(s: &str) -> String {
    html_escape::encode_double_quoted_attribute(s).into_owned()
}

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2em;color:#222}\
h1{font-size:1.3em}table{border-collapse:collapse;width:100%}\
td,th{border-top:1px solid #ddd;padding:.35em .5em;vertical-align:top;text-align:left}\
td.k{white-space:nowrap;color:#555;font-size:.85em}\
tr.verbatim td.t{background:#fde2e2}tr.spun td.t{background:#fff1cc}\
tr.reworded td.t{background:#e6f0ff}tr.alone td.t{color:#999}\
tr.boilerplate td.t{text-decoration:line-through;color:#999;font-size:.9em}\
mark{background:#ffe36e;padding:0 1px}.sig td{border:none;padding:.1em .5em}ul{padding-left:1.2em}";

/// The page for one pair.
pub fn pair_page(p: &PairPage) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <title>spinscan: {} and {}</title><style>{STYLE}</style></head><body>\n",
        text(&p.a),
        text(&p.b)
    );
    let _ = write!(
        h,
        "<h1>spinscan evidence</h1>\n<p id=\"names\">a: <b>{}</b><br>b: <b>{}</b></p>\n<ul id=\"summary\">",
        text(&p.a),
        text(&p.b)
    );
    for line in &p.summary {
        let _ = write!(h, "<li>{}</li>", text(line));
    }
    h.push_str("</ul>\n<table id=\"alignment\"><tr><th>a</th><th></th><th>b</th></tr>\n");
    for r in &p.rows {
        let class = if r.kind.is_empty() { "alone" } else { &r.kind };
        let label = match r.similarity {
            Some(s) => format!("{} {:.2}", r.kind, s),
            None => r.kind.clone(),
        };
        let (a, b) = (r.a.as_deref().unwrap_or(""), r.b.as_deref().unwrap_or(""));
        let shared = if r.similarity.is_some() {
            shared_facts(a, b)
        } else {
            Default::default()
        };
        let _ = writeln!(
            h,
            "<tr class=\"{}\"><td class=\"t\">{}</td><td class=\"k\">{}</td><td class=\"t\">{}</td></tr>",
            text(class),
            text_marked(a, &shared),
            text(&label),
            text_marked(b, &shared)
        );
    }
    h.push_str("</table>\n<h2>Signals</h2>\n<table class=\"sig\" id=\"signals\">");
    for (name, value) in &p.signals {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td></tr>",
            text(name),
            text(value)
        );
    }
    h.push_str("</table>\n</body></html>\n");
    h
}

/// Rows for the boilerplate lines removed from each side (shown struck through, with their
/// type), before the article text.
pub fn boilerplate_rows(a: &[(String, &str)], b: &[(String, &str)]) -> Vec<Row> {
    let row = |text: &str, kind: &str, left: bool| Row {
        a: left.then(|| text.to_string()),
        b: (!left).then(|| text.to_string()),
        kind: format!("boilerplate {kind}"),
        similarity: None,
    };
    a.iter()
        .map(|(t, k)| row(t, k, true))
        .chain(b.iter().map(|(t, k)| row(t, k, false)))
        .collect()
}

/// The side-by-side rows: aligned pairs on one row, in order, with each side's unaligned
/// sentences on rows of their own before the next aligned pair.
pub fn rows(a: &[String], b: &[String], aligned: &[(usize, usize, &str, f32)]) -> Vec<Row> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    let alone_a = |k: usize| Row {
        a: Some(a[k].clone()),
        b: None,
        kind: String::new(),
        similarity: None,
    };
    let alone_b = |k: usize| Row {
        a: None,
        b: Some(b[k].clone()),
        kind: String::new(),
        similarity: None,
    };
    for &(x, y, kind, sim) in aligned {
        if x >= a.len() || y >= b.len() {
            continue;
        }
        out.extend((i..x).map(alone_a));
        out.extend((j..y).map(alone_b));
        out.push(Row {
            a: Some(a[x].clone()),
            b: Some(b[y].clone()),
            kind: kind.to_string(),
            similarity: Some(sim),
        });
        i = i.max(x + 1);
        j = j.max(y + 1);
    }
    out.extend((i..a.len()).map(alone_a));
    out.extend((j..b.len()).map(alone_b));
    out
}

/// The scan report's script (ours; article data reaches the page only as JSON text, and the
/// script writes it with `textContent`, never as markup).
const REPORT_SCRIPT: &str = include_str!("html/report.js");

const REPORT_STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#222}\
h1{font-size:1.35em}h2{font-size:1.1em;margin-top:1.6em}\
table{border-collapse:collapse;width:100%}td,th{border-top:1px solid #ddd;padding:.3em .45em;\
vertical-align:top;text-align:left}th{cursor:pointer;background:#f4f4f4;user-select:none}\
tr.pair:hover{background:#f3f7ff;cursor:pointer}td.n{text-align:right;white-space:nowrap}\
.fam{display:inline-block;vertical-align:top;margin:.4em 1em .8em 0;border:1px solid #ddd;\
padding:.4em;max-width:460px}.fam h3{font-size:.95em;margin:.1em 0}.muted{color:#888}\
#evidence td.t{width:45%}tr.verbatim td.t{background:#fde2e2}tr.spun td.t{background:#fff1cc}\
tr.reworded td.t{background:#e6f0ff}tr.alone td.t{color:#999}\
tr.boilerplate td.t{text-decoration:line-through;color:#999;font-size:.9em}\
mark{background:#ffe36e;padding:0 1px}.controls{margin:.6em 0}.controls *{margin-right:.6em}";

/// The report page: the data as JSON (escaped so that no article can end the data block) and
/// the script that draws it. `data` is what [`report_data`] builds.
pub fn scan_report(data: &serde_json::Value) -> String {
    use base64::Engine;
    use sha2::Digest;
    let json = data
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    let hash =
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(REPORT_SCRIPT));
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'sha256-{hash}'\">\
         <title>spinscan report</title><style>{REPORT_STYLE}</style></head><body>\n\
         <h1>spinscan report</h1>\n<div id=\"overview\"></div>\n\
         <h2>Families</h2>\n<div id=\"families\"></div>\n\
         <h2>Copy pairs</h2>\n<div class=\"controls\"><input id=\"search\" type=\"search\" \
         placeholder=\"search paths, titles, family\"><select id=\"relation\"><option value=\"\">any \
         relation</option></select><label>score at least <input id=\"minscore\" type=\"number\" \
         min=\"0\" max=\"1\" step=\"0.05\" value=\"0\"></label><span id=\"shown\"></span></div>\n\
         <table id=\"pairs\"></table>\n<h2 id=\"evidence-title\">Evidence</h2>\n\
         <div id=\"evidence\"><p class=\"muted\">Click a pair to see its evidence.</p></div>\n\
         <script type=\"application/json\" id=\"data\">{json}</script>\n\
         <script>{REPORT_SCRIPT}</script>\n</body></html>\n"
    )
}

/// What the report shows of a pair's evidence: the summary lines and the side-by-side rows.
pub struct ShownEvidence {
    pub summary: Vec<String>,
    pub rows: Vec<Row>,
}

/// The report's data: articles, copy pairs, families with their edges, the evidence of the
/// pairs in `evidence` (by index into `an.pairs`), and how many copy pairs have none.
pub fn report_data(
    an: &crate::pipeline::Analysis,
    evidence: &[(usize, ShownEvidence)],
    evidence_cap: usize,
) -> serde_json::Value {
    use serde_json::json;
    let copies: Vec<(usize, &crate::pipeline::Pair)> = an
        .pairs
        .iter()
        .enumerate()
        .filter(|(_, p)| p.score.relation.is_copy())
        .collect();
    // Only articles in a copy pair or a family are shown: the page grows with the copies,
    // not with the folder. `at[i]` is article i's place in the page's list.
    let mut at: Vec<Option<usize>> = vec![None; an.articles.len()];
    let mut shown_articles: Vec<usize> = Vec::new();
    let members = an.families.iter().flat_map(|f| f.members.iter().copied());
    let in_pairs = copies.iter().flat_map(|(_, p)| [p.score.a, p.score.b]);
    for i in members.chain(in_pairs) {
        let slot = &mut at[i as usize];
        if slot.is_none() {
            *slot = Some(shown_articles.len());
            shown_articles.push(i as usize);
        }
    }
    let idx = |i: u32| at[i as usize];
    let articles: Vec<serde_json::Value> = shown_articles
        .iter()
        .map(|&i| {
            let a = &an.articles[i];
            json!([
                a.path,
                a.meta.title.clone().unwrap_or_default(),
                a.meta.date.clone().unwrap_or_default(),
                a.meta.url.clone().unwrap_or_default(),
                a.role.as_str(),
                a.family.map(crate::report::family_name).unwrap_or_default(),
                a.marks.names().join(" "),
                a.generation,
                a.copied_from.and_then(idx),
            ])
        })
        .collect();
    let pairs: Vec<serde_json::Value> = copies
        .iter()
        .map(|(k, p)| {
            let d = p.direction;
            json!([
                k,
                idx(p.score.a),
                idx(p.score.b),
                (f64::from(p.score.score) * 1000.0).round() / 1000.0,
                p.score.relation.as_str(),
                d.and_then(|d| d.source).and_then(idx),
                d.map(|d| (f64::from(d.confidence) * 100.0).round() / 100.0),
                d.map(|d| d.evidence_names().join(";")).unwrap_or_default(),
            ])
        })
        .collect();
    let families: Vec<serde_json::Value> = an
        .families
        .iter()
        .enumerate()
        .map(|(id, f)| {
            json!({
                "name": crate::report::family_name(id),
                "members": f.members.iter().map(|&m| idx(m)).collect::<Vec<_>>(),
                "original": f.origin.original.and_then(idx),
                "outside": f.origin.source_outside_folder,
            })
        })
        .collect();
    let shown: serde_json::Map<String, serde_json::Value> = evidence
        .iter()
        .map(|(k, e)| {
            let rows: Vec<serde_json::Value> = e
                .rows
                .iter()
                .map(|r| {
                    json!([
                        r.a,
                        r.b,
                        r.kind,
                        r.similarity.map(|s| (f64::from(s) * 100.0).round() / 100.0)
                    ])
                })
                .collect();
            (k.to_string(), json!({"summary": e.summary, "rows": rows}))
        })
        .collect();
    json!({
        "articles": articles,
        "pairs": pairs,
        "families": families,
        "evidence": shown,
        "evidence_cap": evidence_cap,
        "total_articles": an.articles.len(),
        "copy_pairs": copies.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_escaped_everywhere() {
        let evil = "<script>alert(1)</script><img src=x onerror=\"alert(2)\"><svg onload=alert(3)>";
        let page = pair_page(&PairPage {
            a: evil.into(),
            b: "b.txt".into(),
            summary: vec![evil.into()],
            rows: vec![Row {
                a: Some(evil.into()),
                b: Some("</td></tr></table><script>x</script>".into()),
                kind: "spun".into(),
                similarity: Some(0.5),
            }],
            signals: vec![(evil.into(), evil.into())],
        });
        assert!(!page.contains("<script>"), "{page}");
        assert!(!page.contains("<img"), "{page}");
        assert!(!page.contains("<svg"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(
            page.contains("default-src 'none'"),
            "no script can load or run"
        );
    }

    #[test]
    fn shared_names_and_numbers_are_marked_and_markup_stays_escaped() {
        let a = "Mayor Idris Kalloway said 23 homes <b>flooded</b>.";
        let b = "Kalloway stated that 23 households were evacuated.";
        let shared = shared_facts(a, b);
        assert!(
            shared.contains("Kalloway") && shared.contains("23"),
            "{shared:?}"
        );
        assert!(!shared.contains("Mayor"), "only in a");
        let m = text_marked(a, &shared);
        assert!(
            m.contains("<mark>Kalloway</mark>") && m.contains("<mark>23</mark>"),
            "{m}"
        );
        assert!(m.contains("&lt;b&gt;flooded&lt;/b&gt;."), "{m}");
    }

    #[test]
    fn rows_put_aligned_pairs_side_by_side_and_unaligned_alone() {
        let a: Vec<String> = ["a0", "a1", "a2"].map(String::from).to_vec();
        let b: Vec<String> = ["b0", "b1"].map(String::from).to_vec();
        let r = rows(&a, &b, &[(1, 0, "spun", 0.6)]);
        let shown: Vec<(Option<&str>, Option<&str>)> =
            r.iter().map(|r| (r.a.as_deref(), r.b.as_deref())).collect();
        assert_eq!(
            shown,
            [
                (Some("a0"), None),
                (Some("a1"), Some("b0")),
                (Some("a2"), None),
                (None, Some("b1"))
            ]
        );
        assert_eq!(r[1].kind, "spun");
    }
}

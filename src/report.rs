//! Reports stage: the CSV files a user opens in a spreadsheet, and the summary line.
//!
//! Invariants: every file is written to a temporary file in the output folder and renamed
//! into place, so a reader (or a crash) never sees half a report; column names are stable;
//! RFC 4180 quoting; a cell that starts with `=`, `+`, `-`, `@` (or a tab or carriage return)
//! gets a leading `'` so no spreadsheet evaluates it as a formula.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::pipeline::{Analysis, Role};

pub const ARTICLES_COLUMNS: &[&str] = &[
    "path",
    "title",
    "date",
    "url",
    "author",
    "format",
    "lang",
    "words",
    "family",
    "role",
    "copied_from",
    "generation",
    "boilerplate_lines",
    "boilerplate_types",
    "farm_signals",
    "farm_score",
    "source_credit",
    "credited_url",
    "notes",
];

pub const PAIRS_COLUMNS: &[&str] = &[
    "a",
    "b",
    "score",
    "relation",
    "is_copy",
    "source",
    "direction_confidence",
    "direction_evidence",
    "containment_ab",
    "containment_ba",
    "jaccard5",
    "narration_shared",
    "cosine",
    "align_ab",
    "align_ba",
    "order",
    "aligned_sentences",
    "verbatim_sentences",
    "copied_run_words",
    "density",
    "edit_similarity",
    "kept_ab",
    "kept_ba",
    "quotes",
    "facts_shared",
    "fact_order",
    "fact_chain",
    "shape",
    "anchors_shared",
    "anchor_chain",
];

pub const FAMILIES_COLUMNS: &[&str] = &[
    "family",
    "size",
    "original",
    "source_outside_folder",
    "members",
];

pub const BOILERPLATE_COLUMNS: &[&str] = &["path", "line", "type", "text"];

/// Writes the four reports into `out` (created if missing).
pub fn write_all(analysis: &Analysis, out: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(out)
        .map_err(|e| anyhow::anyhow!("{}: cannot create folder: {e}", out.display()))?;
    write_csv(
        &out.join("articles.csv"),
        ARTICLES_COLUMNS,
        articles_rows(analysis),
    )?;
    write_csv(&out.join("pairs.csv"), PAIRS_COLUMNS, pairs_rows(analysis))?;
    write_csv(
        &out.join("families.csv"),
        FAMILIES_COLUMNS,
        families_rows(analysis),
    )?;
    write_csv(
        &out.join("boilerplate.csv"),
        BOILERPLATE_COLUMNS,
        boilerplate_rows(analysis),
    )?;
    Ok(())
}

/// Family label as shown in the reports: `F0001`, ...
pub fn family_name(index: usize) -> String {
    format!("F{:04}", index + 1)
}

fn articles_rows(an: &Analysis) -> Vec<Vec<String>> {
    an.articles
        .iter()
        .map(|a| {
            let mut types: Vec<&str> = a.boilerplate.iter().map(|b| b.kind.as_str()).collect();
            types.sort_unstable();
            types.dedup();
            let mut notes = Vec::new();
            if a.invalid_utf8 {
                notes.push("invalid UTF-8 replaced");
            }
            let read_as = a.legacy_charset.map(crate::ingest::read_as_note);
            notes.extend(read_as.as_deref());
            if a.role == Role::Copy
                && an.families[a.family.unwrap_or(0)]
                    .origin
                    .source_outside_folder
            {
                notes.push("source not in folder");
            }
            vec![
                a.path.clone(),
                a.meta.title.clone().unwrap_or_default(),
                a.meta.date.clone().unwrap_or_default(),
                a.meta.url.clone().unwrap_or_default(),
                a.meta.author.clone().unwrap_or_default(),
                a.format.to_string(),
                a.lang.to_string(),
                a.words.to_string(),
                a.family.map(family_name).unwrap_or_default(),
                a.role.as_str().to_string(),
                a.copied_from
                    .map(|i| an.articles[i as usize].path.clone())
                    .unwrap_or_default(),
                a.generation.map(|g| g.to_string()).unwrap_or_default(),
                a.boilerplate.len().to_string(),
                types.join(";"),
                a.marks.names().join(";"),
                format!("{:.1}", crate::attribution::farm_marks(a.marks)),
                a.meta.source_credit.clone().unwrap_or_default(),
                a.meta.credited_url.clone().unwrap_or_default(),
                notes.join("; "),
            ]
        })
        .collect()
}

/// Writes `new_pairs.csv` (the columns of pairs.csv): the pairs of `an` at the indices `which`.
pub fn write_new_pairs(an: &Analysis, which: &[usize], out: &Path) -> anyhow::Result<()> {
    let rows = pairs_rows(an);
    let rows = which.iter().filter_map(|&k| rows.get(k).cloned()).collect();
    write_csv(&out.join("new_pairs.csv"), PAIRS_COLUMNS, rows)
}

fn pairs_rows(an: &Analysis) -> Vec<Vec<String>> {
    let path = |i: u32| an.articles[i as usize].path.clone();
    an.pairs
        .iter()
        .map(|p| {
            let s = &p.score.signals;
            let f = |x: f32| format!("{x:.3}");
            vec![
                path(p.score.a),
                path(p.score.b),
                f(p.score.score),
                p.score.relation.as_str().to_string(),
                p.score.relation.is_copy().to_string(),
                p.direction
                    .and_then(|d| d.source)
                    .map(path)
                    .unwrap_or_default(),
                p.direction.map(|d| f(d.confidence)).unwrap_or_default(),
                p.direction
                    .map(|d| d.evidence_names().join(";"))
                    .unwrap_or_default(),
                f(s.containment_ab),
                f(s.containment_ba),
                f(s.jaccard5),
                s.narration_shared.to_string(),
                f(s.cosine),
                f(s.align_ab),
                f(s.align_ba),
                f(s.order),
                s.aligned_sentences.to_string(),
                s.verbatim_sentences.to_string(),
                s.copied_run_words.to_string(),
                f(s.density),
                f(s.edit_similarity),
                f(s.kept_ab),
                f(s.kept_ba),
                f(s.quotes),
                s.facts_shared.to_string(),
                f(s.fact_order),
                f(s.fact_chain),
                f(s.shape),
                s.anchors_shared.to_string(),
                f(s.anchor_chain),
            ]
        })
        .collect()
}

fn families_rows(an: &Analysis) -> Vec<Vec<String>> {
    an.families
        .iter()
        .enumerate()
        .map(|(i, fam)| {
            let members: Vec<&str> = fam
                .members
                .iter()
                .map(|&m| an.articles[m as usize].path.as_str())
                .collect();
            vec![
                family_name(i),
                fam.members.len().to_string(),
                fam.origin
                    .original
                    .map(|o| an.articles[o as usize].path.clone())
                    .unwrap_or_default(),
                fam.origin.source_outside_folder.to_string(),
                members.join(" "),
            ]
        })
        .collect()
}

fn boilerplate_rows(an: &Analysis) -> Vec<Vec<String>> {
    an.articles
        .iter()
        .flat_map(|a| {
            a.boilerplate.iter().map(|b| {
                vec![
                    a.path.clone(),
                    b.line.to_string(),
                    b.kind.as_str().to_string(),
                    b.text.clone(),
                ]
            })
        })
        .collect()
}

/// Makes a cell safe to open in a spreadsheet: a leading `=`, `+`, `-`, `@`, tab or carriage
/// return would start a formula, so such cells get a leading apostrophe.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// Writes a CSV file atomically: header, rows (cells neutralised), then rename into place.
pub fn write_csv(path: &Path, header: &[&str], rows: Vec<Vec<String>>) -> anyhow::Result<()> {
    write_atomically(path, |w| {
        let mut csv = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(w);
        csv.write_record(header)?;
        for row in rows {
            csv.write_record(row.iter().map(|c| neutralise(c).into_owned()))?;
        }
        csv.flush()?;
        Ok(())
    })
}

/// Writes `path` through a temporary file in the same folder, synced and renamed into place.
/// On any error the temporary file is removed and `path` is left as it was.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut io::BufWriter<&fs::File>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let tmp = temp_path(path);
    let result = (|| -> anyhow::Result<()> {
        let file = fs::File::create(&tmp)?;
        {
            let mut w = io::BufWriter::new(&file);
            write(&mut w)?;
            w.flush()?;
        }
        file.sync_all()?;
        fs::rename(&tmp, path)?;
        Ok(())
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        anyhow::bail!("{}: cannot write: {e}", path.display());
    }
    Ok(())
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// The summary printed after a scan.
pub fn summary(an: &Analysis, out: &Path) -> String {
    let copies = an.copy_pairs();
    let same_story = an
        .pairs
        .iter()
        .filter(|p| p.score.relation == crate::score::Relation::SameStory)
        .count();
    let in_families: usize = an.families.iter().map(|f| f.members.len()).sum();
    let bp: usize = an.articles.iter().map(|a| a.boilerplate.len()).sum();
    format!(
        "spinscan: {} articles read, {} problems, {} other files skipped; {} pairs compared\n\
         {} copy pairs in {} families ({} articles); {} same-story pairs (not copies)\n\
         {} boilerplate lines\n\
         reports: {}",
        an.articles.len(),
        an.problems.len(),
        an.skipped_other,
        an.pairs_scored,
        copies,
        an.families.len(),
        in_families,
        same_story,
        bp,
        out.display()
    )
}

/// Most copy pairs whose texts `report.html` embeds (the highest-scoring first); the page says
/// so, and `spinscan explain` shows any other pair.
pub const HTML_EVIDENCE_PAIRS: usize = 300;

/// Writes the evidence reports, `report.html` and `spans.csv`. The files of copy pairs are read
/// again once (the pipeline keeps no text), and each pair's evidence is computed once for both:
/// its spans, and for the highest-scoring pairs its texts side by side in the page. A file that
/// cannot be read again leaves its pairs without texts, not a report unwritten.
pub fn write_evidence(
    an: &Analysis,
    out: &Path,
    opts: &crate::pipeline::Options,
) -> anyhow::Result<()> {
    let (pairs, articles) = crate::spans::pairs_within_cap(an);
    let cleaned = crate::evidence::reread(an, &articles, opts);
    let lang = crate::features::LanguageChoice::parse(&opts.lang)?;
    let mut spans = crate::spans::Spans::default();
    let mut shown = Vec::new();
    for (rank, &k) in pairs.iter().enumerate() {
        let p = &an.pairs[k];
        let (Some(a), Some(b)) = (cleaned.get(&p.score.a), cleaned.get(&p.score.b)) else {
            continue;
        };
        let e = crate::evidence::pair(a, b, &opts.params, &lang);
        spans.add(an, &p.score, &e, opts);
        // `pairs` is sorted by score: the first ones are the page's.
        if rank < HTML_EVIDENCE_PAIRS {
            let mut summary = vec![crate::evidence::verdict_line(&p.score, None)];
            if let Some(d) = p.direction {
                summary.extend(crate::evidence::direction_lines(&p.score, &d));
            }
            let rows = crate::evidence::html_rows(&e);
            shown.push((k, crate::html::ShownEvidence { summary, rows }));
        }
    }
    let data = crate::html::report_data(an, &shown, HTML_EVIDENCE_PAIRS);
    let page = crate::html::scan_report(&data);
    write_atomically(&out.join("report.html"), |w| {
        w.write_all(page.as_bytes())?;
        Ok(())
    })?;
    spans.write(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("-2"), "'-2");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("plain, text"), "plain, text");
    }

    #[test]
    fn csv_is_quoted_and_written_atomically() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.csv");
        fs::write(&path, "old").expect("write");
        write_csv(
            &path,
            &["a", "b"],
            vec![vec!["x, \"y\"".into(), "=1+1".into()]],
        )
        .expect("writes");
        let text = fs::read_to_string(&path).expect("read");
        assert_eq!(text, "a,b\r\n\"x, \"\"y\"\"\",'=1+1\r\n");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).expect("ls").collect();
        assert_eq!(leftovers.len(), 1, "no temporary file left behind");
    }

    #[test]
    fn failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.csv");
        fs::write(&path, "old").expect("write");
        let r = write_atomically(&path, |_| anyhow::bail!("disk full"));
        assert!(r.is_err());
        assert_eq!(fs::read_to_string(&path).expect("read"), "old");
        assert_eq!(fs::read_dir(dir.path()).expect("ls").count(), 1);
    }
}

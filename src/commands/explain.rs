//! `spinscan explain A B`: why two articles are (or are not) a copy, on a terminal.

/// Usage text shown by `spinscan explain --help`.
pub const USAGE: &str = "\
Examples:
  spinscan explain data/sample/articles/a07.txt data/sample/articles/a09.txt
      The relation, who copied whom and why, the aligned sentences side by side, the signals.
  spinscan explain feed.jsonl#12 feed.jsonl#40
      Two records of a JSON-lines file (FILE#LINE, lines counted from 1).
  spinscan explain a.txt b.html --model my-model.tsv
      With a model file written by `spinscan fit`.
  spinscan explain a.txt b.txt --html pair.html
      Also write the evidence as one self-contained HTML page (no scripts, nothing loaded:
      it opens offline, from a mail attachment or a shared drive).

What it prints:
  relation, copy or not, and the copy model's probability beside its threshold;
  direction: the source, its confidence and the evidence that decided it, in words;
  aligned sentences: each pair on one row (a left, b right), with its similarity and kind
    (verbatim, reworded, spun); words the two share are marked on a terminal;
  the signals, and the model inputs that pushed the verdict most each way (for a pair that is
    not a copy: which evidence was missing).

The two files are read and cleaned as `scan` reads them (boilerplate removed), and words are
weighed by the background table and these two texts only: inside a folder, `scan` also weighs
words by the folder, so its score for the same pair can differ a little.

Exit codes: 0 not a copy, 1 a copy, 2 error (unreadable file, no such record).";

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use console::{style, Term};

use crate::cli::ExplainArgs;
use crate::commands::Outcome;

use spinscan::attribution::Direction;
use spinscan::evidence::{self, kind};
use spinscan::features::LanguageChoice;
use spinscan::html;
use spinscan::ingest;
use spinscan::pipeline::{self, Cleaned, Options};
use spinscan::report;
use spinscan::score::{self, model::CopyModel, PairScore, SentencePair, Signals};

pub fn run(args: &ExplainArgs) -> anyhow::Result<Outcome> {
    let mut params = score::Params::DEFAULT;
    if let Some(path) = &args.model {
        params.model = Some(CopyModel::load(path)?);
    }
    let opts = Options {
        params,
        ..Options::default()
    };
    let (a, b) = load_pair(&args.a, &args.b, &opts)?;
    let ev = evidence::pair(&a, &b, &params, &LanguageChoice::parse(&opts.lang)?);
    let view = View {
        names: [a.article.path.clone(), b.article.path.clone()],
        sentences: ev.sentences.clone(),
        width: Term::stdout()
            .size_checked()
            .map_or(100, |(_, w)| usize::from(w)),
    };
    let (pair, direction, aligned, inputs) = (ev.score, ev.direction, &ev.aligned, ev.inputs);
    let model = params.model();
    let mut out = String::new();
    view.verdict(&pair, model, &mut out);
    view.direction(&pair, &direction, &mut out);
    view.alignment(aligned, &mut out);
    view.signals(&pair.signals, &mut out);
    view.reasons(model, &inputs, pair.relation.is_copy(), &mut out);
    print!("{out}");
    if let Some(path) = &args.html {
        let page = view.page(&pair, model, &direction, evidence::html_rows(&ev));
        report::write_atomically(path, |w| {
            w.write_all(html::pair_page(&page).as_bytes())?;
            Ok(())
        })?;
    }
    Ok(if pair.relation.is_copy() {
        Outcome::CopiesFound
    } else {
        Outcome::NoCopies
    })
}

/// `FILE` or `FILE#LINE` (a JSON-lines record).
fn parse_spec(spec: &Path) -> (PathBuf, Option<String>) {
    let text = spec.to_string_lossy();
    if !spec.exists() {
        if let Some((file, line)) = text.rsplit_once('#') {
            if line.parse::<u64>().is_ok() {
                return (PathBuf::from(file), Some(line.to_string()));
            }
        }
    }
    (spec.to_path_buf(), None)
}

/// Reads and cleans both articles as `scan` does (boilerplate templates learned across the
/// files they come from).
fn load_pair(a: &Path, b: &Path, opts: &Options) -> anyhow::Result<(Cleaned, Cleaned)> {
    let specs = [parse_spec(a), parse_spec(b)];
    for (file, _) in &specs {
        std::fs::metadata(file)
            .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", file.display()))?;
    }
    // Articles are named by their path under their folder: two files of one name in two
    // folders are read apart, so that each name says which file it is.
    let (fa, fb) = (&specs[0].0, &specs[1].0);
    let together = fa == fb || fa.file_name() != fb.file_name();
    let mut cleaned_sets = Vec::new();
    if together {
        let mut files = vec![(ingest::folder_of(fa), fa.clone())];
        if fb != fa {
            files.push((ingest::folder_of(fb), fb.clone()));
        }
        cleaned_sets.push(pipeline::read_and_clean(&files, opts)?);
    } else {
        for f in [fa, fb] {
            cleaned_sets.push(pipeline::read_and_clean(
                &[(ingest::folder_of(f), f.clone())],
                opts,
            )?);
        }
    }
    let find = |(file, line): &(PathBuf, Option<String>), set: usize| -> anyhow::Result<Cleaned> {
        let (cleaned, problems) = &cleaned_sets[set.min(cleaned_sets.len() - 1)];
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let wanted = match line {
            Some(l) => format!("{name}#{l}"),
            None => name.clone(),
        };
        if let Some(c) = cleaned.iter().find(|c| c.article.path == wanted) {
            return Ok(c.clone());
        }
        let why = problems
            .iter()
            .find(|p| p.path.starts_with(&name))
            .map(|p| p.message.clone())
            .unwrap_or_else(|| "no article text found".into());
        anyhow::bail!(
            "{}: {why}",
            file.display().to_string()
                + &line.as_ref().map(|l| format!("#{l}")).unwrap_or_default()
        )
    };
    Ok((find(&specs[0], 0)?, find(&specs[1], 1)?))
}

/// What is printed, and how wide.
struct View {
    names: [String; 2],
    sentences: [Vec<String>; 2],
    width: usize,
}

impl View {
    fn verdict(&self, p: &PairScore, model: &CopyModel, out: &mut String) {
        out.push_str(&format!("a: {}\nb: {}\n\n", self.names[0], self.names[1]));
        out.push_str(&evidence::verdict_line(p, Some(model.threshold)));
        out.push('\n');
    }

    fn direction(&self, p: &PairScore, d: &Direction, out: &mut String) {
        for (k, line) in evidence::direction_lines(p, d).iter().enumerate() {
            let bullet = if k == 0 { "" } else { "  - " };
            out.push_str(&format!("{bullet}{line}\n"));
        }
        out.push('\n');
    }

    fn alignment(&self, aligned: &[SentencePair], out: &mut String) {
        let col = self.width.saturating_sub(7).max(40) / 2;
        let [sa, sb] = &self.sentences;
        out.push_str(&format!(
            "aligned sentences: {} pairs ({} sentences in a, {} in b)\n",
            aligned.len(),
            sa.len(),
            sb.len()
        ));
        for x in aligned {
            let (Some(ta), Some(tb)) = (sa.get(x.a), sb.get(x.b)) else {
                continue;
            };
            let kind = kind(x);
            out.push_str(&format!(
                "{}\n",
                style(format!(
                    "a{} ~ b{}  {kind}, similarity {:.2}",
                    x.a + 1,
                    x.b + 1,
                    x.similarity
                ))
                .dim()
            ));
            let shared = shared_words(ta, tb);
            let left = textwrap::wrap(ta, col);
            let right = textwrap::wrap(tb, col);
            for k in 0..left.len().max(right.len()) {
                let l = left.get(k).map(|c| c.to_string()).unwrap_or_default();
                let r = right.get(k).map(|c| c.to_string()).unwrap_or_default();
                let pad = col.saturating_sub(console::measure_text_width(&l));
                out.push_str(&format!(
                    "  {}{} | {}\n",
                    mark(&l, &shared),
                    " ".repeat(pad),
                    mark(&r, &shared)
                ));
            }
        }
        out.push('\n');
    }

    /// The evidence as an HTML page's content.
    fn page(
        &self,
        p: &PairScore,
        model: &CopyModel,
        d: &Direction,
        rows: Vec<html::Row>,
    ) -> html::PairPage {
        let mut summary = vec![evidence::verdict_line(p, Some(model.threshold))];
        summary.extend(evidence::direction_lines(p, d));
        html::PairPage {
            a: self.names[0].clone(),
            b: self.names[1].clone(),
            summary,
            rows,
            signals: signal_rows(&p.signals),
        }
    }

    fn signals(&self, s: &Signals, out: &mut String) {
        out.push_str("signals (a->b means the share of a found in b):\n");
        for (name, value) in signal_rows(s) {
            out.push_str(&format!("  {name:<44} {value}\n"));
        }
        out.push('\n');
    }

    /// The copy model's inputs that pushed the verdict most, each way.
    fn reasons(&self, model: &CopyModel, x: &score::model::Inputs, copy: bool, out: &mut String) {
        let mut contributions: Vec<(f32, &str)> = score::model::INPUTS
            .iter()
            .enumerate()
            .map(|(k, name)| {
                (
                    model.weight[k] * (x[k] - model.mean[k]) / model.scale[k],
                    *name,
                )
            })
            .collect();
        contributions.sort_by(|a, b| b.0.total_cmp(&a.0));
        let towards: Vec<String> = contributions
            .iter()
            .filter(|c| c.0 > 0.05)
            .take(4)
            .map(|c| format!("{} (+{:.2})", c.1, c.0))
            .collect();
        let against: Vec<String> = contributions
            .iter()
            .rev()
            .filter(|c| c.0 < -0.05)
            .take(4)
            .map(|c| format!("{} ({:.2})", c.1, c.0))
            .collect();
        out.push_str(&format!(
            "for a copy: {}\n",
            if towards.is_empty() {
                "nothing".into()
            } else {
                towards.join(", ")
            }
        ));
        out.push_str(&format!(
            "{}: {}\n",
            if copy {
                "against"
            } else {
                "missing or against"
            },
            if against.is_empty() {
                "nothing".into()
            } else {
                against.join(", ")
            }
        ));
    }
}

/// The signals as (name, value) rows, in words.
fn signal_rows(s: &Signals) -> Vec<(String, String)> {
    let rows = [
        (
            "word 5-grams of a in b / of b in a",
            format!("{:.3} / {:.3}", s.containment_ab, s.containment_ba),
        ),
        ("5-gram Jaccard", format!("{:.3}", s.jaccard5)),
        (
            "narration 5-grams shared (outside quotes)",
            s.narration_shared.to_string(),
        ),
        ("term cosine", format!("{:.3}", s.cosine)),
        (
            "in-order alignment a->b / b->a",
            format!("{:.3} / {:.3}", s.align_ab, s.align_ba),
        ),
        (
            "aligned / verbatim sentences",
            format!("{} / {}", s.aligned_sentences, s.verbatim_sentences),
        ),
        (
            "edit similarity of aligned sentences",
            format!("{:.3}", s.edit_similarity),
        ),
        (
            "names and numbers kept a->b / b->a",
            format!("{:.3} / {:.3}", s.kept_ab, s.kept_ba),
        ),
        ("quotes shared", format!("{:.3}", s.quotes)),
        (
            "facts shared, in the same order",
            format!("{} ({:.3})", s.facts_shared, s.fact_order),
        ),
    ];
    rows.into_iter().map(|(n, v)| (n.to_string(), v)).collect()
}

/// Lower-case words of at least four letters found in both sentences.
fn shared_words(a: &str, b: &str) -> HashSet<String> {
    let words = |s: &str| -> HashSet<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 4 || w.chars().any(|c| c.is_ascii_digit()))
            .map(str::to_lowercase)
            .collect()
    };
    let (wa, wb) = (words(a), words(b));
    wa.intersection(&wb).cloned().collect()
}

/// Underlines the shared words of a line (styles are dropped when not on a terminal).
fn mark(line: &str, shared: &HashSet<String>) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if shared.contains(&word.to_lowercase()) {
            out.push_str(&style(word.as_str()).underlined().cyan().to_string());
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in line.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_records_are_file_hash_line() {
        let (f, line) = parse_spec(Path::new("no/such/feed.jsonl#12"));
        assert_eq!(f, PathBuf::from("no/such/feed.jsonl"));
        assert_eq!(line.as_deref(), Some("12"));
        let (f, line) = parse_spec(Path::new("no/such/page#top.txt"));
        assert_eq!(f, PathBuf::from("no/such/page#top.txt"));
        assert_eq!(line, None);
    }
}

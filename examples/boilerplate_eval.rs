//! Line-level precision / recall / F1 of the boilerplate labeller against a labelled corpus.
//!
//! ```text
//! cargo run --release --example boilerplate_eval -- ../shared/eval/spun-dev [--errors] [--no-templates] [--only-templates]
//! ```
//!
//! Expects `<dir>/articles/*.txt` and `<dir>/labels/boilerplate_lines.csv`
//! (`file,line_number_1_based,type`). Per-type figures leave predicted `template` lines out
//! (they are no type's prediction); the overall "is boilerplate" figures count every label.
//! `--errors` lists every wrong line (`FP`/`FN`/`TYPE`) on stdout after the table.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use spinscan::boilerplate::{label_lines, mark_templates, Kind, Lexicon};

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn prf(&self) -> (f64, f64, f64) {
        let p = if self.tp + self.fp == 0 {
            0.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        };
        let r = if self.tp + self.fn_ == 0 {
            0.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        };
        let f = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        (p, r, f)
    }
}

fn main() -> Result<()> {
    let mut dir: Option<PathBuf> = None;
    let mut show_errors = false;
    let mut templates = true;
    let mut only_templates = false;
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--errors" => show_errors = true,
            "--no-templates" => templates = false,
            "--only-templates" => only_templates = true,
            _ if dir.is_none() => dir = Some(PathBuf::from(a)),
            _ => bail!("usage: boilerplate_eval <corpus-dir> [--errors] [--no-templates] [--only-templates]"),
        }
    }
    let dir = dir.context(
        "usage: boilerplate_eval <corpus-dir> [--errors] [--no-templates] [--only-templates]",
    )?;

    // Gold labels.
    let csv_path = dir.join("labels/boilerplate_lines.csv");
    let csv_text = std::fs::read_to_string(&csv_path)
        .with_context(|| format!("reading {}", csv_path.display()))?;
    let mut gold: HashMap<(String, usize), Kind> = HashMap::new();
    for (i, row) in csv_text.lines().enumerate().skip(1) {
        let f: Vec<&str> = row.split(',').collect();
        if f.len() != 3 {
            bail!("{}:{}: expected 3 fields", csv_path.display(), i + 1);
        }
        let kind = Kind::parse(f[2].trim())
            .with_context(|| format!("{}:{}: unknown type {}", csv_path.display(), i + 1, f[2]))?;
        gold.insert((f[0].to_string(), f[1].trim().parse()?), kind);
    }

    // Articles.
    let mut names: Vec<String> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir.join("articles"))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    entries.sort();
    for p in entries {
        names.push(p.file_name().unwrap().to_string_lossy().into_owned());
        texts.push(std::fs::read_to_string(&p)?);
    }

    let lex = Lexicon::english();
    let t0 = Instant::now();
    let articles: Vec<Vec<&str>> = texts.iter().map(|t| t.split('\n').collect()).collect();
    let mut labels: Vec<Vec<Option<Kind>>> = articles
        .iter()
        .map(|lines| label_lines(lines, &lex))
        .collect();
    if only_templates {
        // diagnostic: what cross-article detection alone finds
        for l in labels.iter_mut() {
            l.iter_mut().for_each(|x| *x = None);
        }
    }
    let t1 = Instant::now();
    if templates {
        mark_templates(&articles, &mut labels);
    }
    let t2 = Instant::now();
    let total_lines: usize = articles.iter().map(Vec::len).sum();

    let types: Vec<Kind> = Kind::ALL
        .into_iter()
        .filter(|&k| k != Kind::Template)
        .collect();
    let mut per: BTreeMap<Kind, Counts> = BTreeMap::new();
    let mut overall = Counts::default();
    let mut n_templates = 0usize;
    let mut template_on_gold = 0usize;
    let mut errors: Vec<String> = Vec::new();
    for (a, name) in names.iter().enumerate() {
        for (i, pred) in labels[a].iter().enumerate() {
            let g = gold.get(&(name.clone(), i + 1)).copied();
            let p = *pred;
            if p == Some(Kind::Template) {
                n_templates += 1;
                if g.is_some() {
                    template_on_gold += 1;
                }
            }
            match (g, p) {
                (Some(_), Some(_)) => overall.tp += 1,
                (None, Some(_)) => overall.fp += 1,
                (Some(_), None) => overall.fn_ += 1,
                (None, None) => {}
            }
            if show_errors && g != p {
                let what = match (g, p) {
                    (None, Some(_)) => "FP",
                    (Some(_), None) => "FN",
                    _ => "TYPE",
                };
                let gs = g.map_or("-", Kind::as_str);
                let ps = p.map_or("-", Kind::as_str);
                let text: String = articles[a][i].chars().take(140).collect();
                errors.push(format!(
                    "{what}\t{name}:{}\tgold={gs}\tpred={ps}\t{text}",
                    i + 1
                ));
            }
            let p_type = p.filter(|&k| k != Kind::Template);
            if g == p_type {
                if let Some(k) = g {
                    per.entry(k).or_default().tp += 1;
                }
                continue;
            }
            if let Some(k) = g {
                per.entry(k).or_default().fn_ += 1;
            }
            if let Some(k) = p_type {
                per.entry(k).or_default().fp += 1;
            }
        }
    }

    println!(
        "{} articles, {} lines; label_lines {:.0} ms, mark_templates {:.0} ms",
        names.len(),
        total_lines,
        (t1 - t0).as_secs_f64() * 1e3,
        (t2 - t1).as_secs_f64() * 1e3
    );
    println!(
        "{:<26} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7}",
        "type", "tp", "fp", "fn", "P", "R", "F1"
    );
    for k in types {
        let c = per.get(&k).copied().unwrap_or_default();
        let (p, r, f) = c.prf();
        println!(
            "{:<26} {:>6} {:>6} {:>6} {:>7.3} {:>7.3} {:>7.3}",
            k.as_str(),
            c.tp,
            c.fp,
            c.fn_,
            p,
            r,
            f
        );
    }
    let (p, r, f) = overall.prf();
    println!(
        "{:<26} {:>6} {:>6} {:>6} {:>7.3} {:>7.3} {:>7.3}",
        "overall (any label)", overall.tp, overall.fp, overall.fn_, p, r, f
    );
    println!(
        "template lines predicted: {n_templates} ({template_on_gold} on gold boilerplate lines)"
    );
    if show_errors {
        errors.sort();
        for e in errors {
            println!("{e}");
        }
    }
    Ok(())
}

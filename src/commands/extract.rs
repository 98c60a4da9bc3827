//! `spinscan extract`: write each article's clean body and its metadata, exactly as `scan`
//! sees them (same ingest, same boilerplate removal, templates learned across all inputs).

/// Usage text shown by `spinscan extract --help`.
pub const USAGE: &str = "\
Examples:
  spinscan extract data/sample
      Clean every article in the sample folder; texts go to ./spinscan-extract.
  spinscan extract crawl/2026-11 extra/page.html --out clean/
      Several inputs at once: folders are searched recursively, files are read as they are.
  spinscan extract feed.ndjson --text-field body --url-field link --date-field published
      A JSON-lines export whose records keep the text in \"body\".
  zcat crawl.jsonl.gz | spinscan extract - --out clean/
      JSON lines on standard input: line N is written as stdin/N.txt, named stdin.jsonl#N.

Output (in --out, default ./spinscan-extract):
  <path>.txt       one file per article: the clean body, one paragraph per line, boilerplate
                   and title removed. <path> is the article's path relative to the folder
                   given (or to a file's own folder) with its extension replaced by .txt:
                   news/a01.txt -> news/a01.txt, news/page.html -> news/page.txt
  <file>/<N>.txt   for JSON lines: line N of feed.jsonl -> feed/N.txt; for WARC: the record
                   at byte offset N of crawl.warc.gz -> crawl.warc/N.txt
                   When two inputs would get the same name (page.txt and page.html), the one
                   that is not .txt keeps its extension: page.html.txt, feed.jsonl/N.txt.
  metadata.csv     one row per article: path,format,title,date,url,author,boilerplate_lines
                   (path as in scan reports; FILE#LINE for JSON lines)

Each file is written to a temporary file and renamed into place; files from earlier runs that
this run does not write are left alone. Problems (unreadable files, bad JSON lines) go to
standard error, one line each naming the file (and line), and the other inputs are still
extracted.

Exit codes: 0 ran (even if some inputs were reported and skipped), 2 error (missing path,
unwritable output folder).";

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::cli::ExtractArgs;
use crate::commands::{stdin_to_file, Outcome, STDIN_NAME};
use spinscan::ingest::{self, InputFormat, Problem};
use spinscan::pipeline::{self, Cleaned, Options};
use spinscan::report;

/// Columns of `metadata.csv`.
pub const METADATA_COLUMNS: &[&str] = &[
    "path",
    "format",
    "title",
    "date",
    "url",
    "author",
    "boilerplate_lines",
];

pub fn run(args: &ExtractArgs) -> anyhow::Result<Outcome> {
    let opts = Options {
        lexicon: args.boilerplate_lexicon.clone(),
        progress: !args.quiet,
        json_fields: args.json.fields(),
        ..Options::default()
    };
    fs::create_dir_all(&args.out)
        .map_err(|e| anyhow::anyhow!("{}: cannot create folder: {e}", args.out.display()))?;
    // `-`: JSON lines on standard input, kept in a temporary file while the run reads them.
    let stdin_copy = if args.paths.iter().any(|p| p.as_os_str() == "-") {
        Some(stdin_to_file()?)
    } else {
        None
    };
    let paths: Vec<PathBuf> = args
        .paths
        .iter()
        .map(|p| match &stdin_copy {
            Some(dir) if p.as_os_str() == "-" => dir.path().join(STDIN_NAME),
            _ => p.clone(),
        })
        .collect();
    let mut inputs = collect_inputs(&paths, &args.out)?;
    let (cleaned, read_problems) = pipeline::read_and_clean(&inputs.files, &opts)?;

    let mut problems: Vec<String> = std::mem::take(&mut inputs.problems);
    problems.extend(read_problems.iter().map(|p| inputs.show(p)));
    for p in &problems {
        eprintln!("spinscan: {p}");
    }

    let names = output_names(&cleaned)?;
    let written: anyhow::Result<()> = cleaned
        .par_iter()
        .zip(names.par_iter())
        .try_for_each(|(c, name)| write_body(&args.out, name, &c.body));
    written?;
    let rows: Vec<Vec<String>> = cleaned.iter().map(metadata_row).collect();
    report::write_csv(&args.out.join("metadata.csv"), METADATA_COLUMNS, rows)?;

    if !args.quiet {
        let removed: usize = cleaned.iter().map(|c| c.article.boilerplate.len()).sum();
        let mut skipped = format!("{} other files skipped", inputs.skipped_other);
        if inputs.in_out > 0 {
            skipped.push_str(&format!(
                ", {} files inside the output folder skipped",
                inputs.in_out
            ));
        }
        println!(
            "spinscan: {} articles extracted from {} files, {} problems, {skipped}\n\
             {removed} boilerplate lines removed\n\
             output: {}",
            cleaned.len(),
            inputs.files.len(),
            problems.len(),
            args.out.display()
        );
    }
    Ok(Outcome::Extracted)
}

/// The files to read, as (root, file) pairs, and what was found on the way.
#[derive(Debug, Default)]
struct Inputs {
    files: Vec<(PathBuf, PathBuf)>,
    /// Each file's path relative to its root (as articles and problems name it) -> the root.
    roots: HashMap<String, PathBuf>,
    /// Problems found while walking folders, already rendered.
    problems: Vec<String>,
    skipped_other: usize,
    /// Article files inside the output folder (earlier extracts), not read again.
    in_out: usize,
}

impl Inputs {
    /// A problem from ingest, with its path shown from where the user pointed (`crawl/a.jsonl#3`
    /// rather than `a.jsonl#3`), so it names the file whichever input it came from.
    fn show(&self, p: &Problem) -> String {
        let file = match p.path.rsplit_once('#') {
            Some((f, line))
                if !line.is_empty()
                    && line.bytes().all(|b| b.is_ascii_digit())
                    && self.roots.contains_key(f) =>
            {
                f
            }
            _ => p.path.as_str(),
        };
        match self.roots.get(file) {
            Some(root) => format!("{}: {}", shown(root, &p.path), p.message),
            None => p.to_string(),
        }
    }
}

/// `root/rel` for messages; `rel` alone when the root is the current folder.
fn shown(root: &Path, rel: &str) -> String {
    if root == Path::new(".") || root.as_os_str().is_empty() {
        rel.to_string()
    } else {
        root.join(rel).display().to_string()
    }
}

/// Folders are walked (root = the folder); single files are read from their own folder. A
/// file named twice is read once; two different files that would share a path are an error.
fn collect_inputs(paths: &[PathBuf], out: &Path) -> anyhow::Result<Inputs> {
    let out_dir = fs::canonicalize(out).ok();
    let mut inputs = Inputs::default();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut origin: HashMap<String, PathBuf> = HashMap::new();
    for path in paths {
        let meta = fs::metadata(path)
            .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", path.display()))?;
        let candidates: Vec<(PathBuf, PathBuf)> = if meta.is_dir() {
            let found = ingest::discover(path)?;
            inputs.skipped_other += found.skipped_other;
            inputs.problems.extend(
                found
                    .problems
                    .iter()
                    .map(|p| format!("{}: {}", shown(path, &p.path), p.message)),
            );
            found.files.into_iter().map(|f| (path.clone(), f)).collect()
        } else {
            if InputFormat::of(path).is_none() {
                anyhow::bail!(
                    "{}: not an article file (expected .txt, .html, .htm, .jsonl, .ndjson or .warc, \
                     or one of them .gz or .zst)",
                    path.display()
                );
            }
            let root = ingest::folder_of(path);
            vec![(root, path.clone())]
        };
        for (root, file) in candidates {
            let canonical = fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
            if out_dir.as_ref().is_some_and(|o| canonical.starts_with(o)) {
                inputs.in_out += 1;
                continue;
            }
            if !seen.insert(canonical) {
                continue;
            }
            let rel = ingest::relative_path(&root, &file);
            if let Some(other) = origin.get(&rel) {
                anyhow::bail!(
                    "{} and {} would both be extracted as {rel:?}; extract them in separate runs \
                     (with different --out folders) or name their common parent folder",
                    other.display(),
                    file.display()
                );
            }
            origin.insert(rel.clone(), file.clone());
            inputs.roots.insert(rel, root.clone());
            inputs.files.push((root, file));
        }
    }
    Ok(inputs)
}

/// The output file of each article, relative to the output folder (see [`USAGE`]).
fn output_names(cleaned: &[Cleaned]) -> anyhow::Result<Vec<String>> {
    let name =
        |c: &Cleaned, keep_ext: bool| output_name(&c.article.path, c.article.format, keep_ext);
    let mut names: Vec<String> = cleaned.iter().map(|c| name(c, false)).collect();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for n in &names {
        *count.entry(n.as_str()).or_default() += 1;
    }
    let clash: Vec<bool> = names
        .iter()
        .map(|n| count.get(n.as_str()).copied().unwrap_or(0) > 1)
        .collect();
    for (i, c) in cleaned.iter().enumerate() {
        if clash[i] && c.article.format != "txt" {
            names[i] = name(c, true);
        }
    }
    let mut owner: HashMap<&str, &str> = HashMap::new();
    for (n, c) in names.iter().zip(cleaned) {
        if let Some(first) = owner.insert(n.as_str(), c.article.path.as_str()) {
            anyhow::bail!(
                "{first} and {} would both be extracted as {n:?}; extract them in separate runs",
                c.article.path
            );
        }
    }
    Ok(names)
}

/// `news/page.html` -> `news/page.txt` (`news/page.html.txt` with `keep_ext`); JSON lines
/// `feed.jsonl#12` -> `feed/12.txt` (`feed.jsonl/12.txt`).
fn output_name(path: &str, format: &str, keep_ext: bool) -> String {
    let strip = |p: &str| -> String {
        if keep_ext {
            return p.to_string();
        }
        let (dir, file) = match p.rsplit_once('/') {
            Some((d, f)) => (Some(d), f),
            None => (None, p),
        };
        let stem = match file.rfind('.') {
            Some(i) if i > 0 => &file[..i],
            _ => file,
        };
        match dir {
            Some(d) => format!("{d}/{stem}"),
            None => stem.to_string(),
        }
    };
    if format == "jsonl" || format == "warc" {
        if let Some((file, line)) = path.rsplit_once('#') {
            return format!("{}/{line}.txt", strip(file));
        }
    }
    format!("{}.txt", strip(path))
}

/// Writes one article's body, one paragraph per line, creating its folders.
fn write_body(out: &Path, name: &str, body: &[String]) -> anyhow::Result<()> {
    let mut path = out.to_path_buf();
    for part in name.split('/') {
        if part.is_empty() || part == "." || part == ".." {
            anyhow::bail!("{name:?}: not a safe output path");
        }
        path.push(part);
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| anyhow::anyhow!("{}: cannot create folder: {e}", parent.display()))?;
    }
    report::write_atomically(&path, |w| {
        for paragraph in body {
            writeln!(w, "{paragraph}")?;
        }
        Ok(())
    })
}

fn metadata_row(c: &Cleaned) -> Vec<String> {
    let a = &c.article;
    let m = &a.meta;
    vec![
        a.path.clone(),
        a.format.to_string(),
        m.title.clone().unwrap_or_default(),
        m.date.clone().unwrap_or_default(),
        m.url.clone().unwrap_or_default(),
        m.author.clone().unwrap_or_default(),
        a.boilerplate.len().to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_names_replace_the_extension() {
        assert_eq!(output_name("a01.txt", "txt", false), "a01.txt");
        assert_eq!(
            output_name("news/page.html", "html", false),
            "news/page.txt"
        );
        assert_eq!(
            output_name("news/page.html", "html", true),
            "news/page.html.txt"
        );
        assert_eq!(
            output_name("x/feed.jsonl#12", "jsonl", false),
            "x/feed/12.txt"
        );
        assert_eq!(
            output_name("x/feed.jsonl#12", "jsonl", true),
            "x/feed.jsonl/12.txt"
        );
        assert_eq!(output_name("v1.2/a.b.txt", "txt", false), "v1.2/a.b.txt");
        assert_eq!(output_name(".hidden.txt", "txt", false), ".hidden.txt");
        assert_eq!(output_name(".txt", "txt", false), ".txt.txt");
    }

    #[test]
    fn problems_name_the_input_they_came_from() {
        let mut inputs = Inputs::default();
        inputs
            .roots
            .insert("feed.jsonl".into(), PathBuf::from("crawl"));
        let p = Problem {
            path: "feed.jsonl#3".into(),
            message: "invalid JSON".into(),
        };
        assert_eq!(
            inputs.show(&p),
            format!(
                "{}: invalid JSON",
                Path::new("crawl").join("feed.jsonl#3").display()
            )
        );
        let other = Problem {
            path: "elsewhere.txt".into(),
            message: "empty file".into(),
        };
        assert_eq!(inputs.show(&other), "elsewhere.txt: empty file");
    }
}

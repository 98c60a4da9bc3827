//! Command-line flags, kept apart from the work they steer.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::commands;
use spinscan::ingest::JsonFields;

/// Find content-farm copies and spun (rewritten) news articles in folders of scraped articles.
#[derive(Debug, Parser)]
#[command(name = "spinscan", version, about, long_about = None, after_help = commands::EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan a folder of articles and write CSV reports of copies, families and boilerplate.
    #[command(after_long_help = commands::scan::USAGE)]
    Scan(ScanArgs),
    /// Measure spinscan on a labeled data set, with baselines beside it.
    #[command(after_long_help = commands::eval::USAGE)]
    Eval(EvalArgs),
    /// Write each article's clean body text (boilerplate removed) and its metadata, as scan
    /// sees them.
    #[command(after_long_help = commands::extract::USAGE)]
    Extract(ExtractArgs),
    /// Fit the copy model on labeled sets, cross-validated by story.
    #[command(after_long_help = commands::fit::USAGE)]
    Fit(FitArgs),
    /// Why two articles are (or are not) a copy: verdict, direction, aligned sentences.
    #[command(after_long_help = commands::explain::USAGE)]
    Explain(ExplainArgs),
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The first article: a file, or FILE#LINE for a JSON-lines record.
    #[arg(value_name = "A")]
    pub a: PathBuf,

    /// The second article, as A.
    #[arg(value_name = "B")]
    pub b: PathBuf,

    /// Copy model to use instead of the built-in one (a file `spinscan fit` wrote).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,

    /// Also write the evidence as one self-contained HTML page (written to a temporary file,
    /// then renamed into place).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

/// Field names of JSON-lines input, shared by `scan` and `extract`.
#[derive(Debug, Args)]
#[command(next_help_heading = "JSON-lines input (.jsonl, .ndjson)")]
pub struct JsonFieldArgs {
    /// Field holding the article text (required on every line; newlines are paragraph breaks).
    #[arg(long, value_name = "NAME", default_value = "text")]
    pub text_field: String,

    /// Field holding the page's URL.
    #[arg(long, value_name = "NAME", default_value = "url")]
    pub url_field: String,

    /// Field holding the title.
    #[arg(long, value_name = "NAME", default_value = "title")]
    pub title_field: String,

    /// Field holding the date (YYYY-MM-DD or an ISO timestamp).
    #[arg(long, value_name = "NAME", default_value = "date")]
    pub date_field: String,

    /// Field holding the author.
    #[arg(long, value_name = "NAME", default_value = "author")]
    pub author_field: String,
}

impl JsonFieldArgs {
    pub fn fields(&self) -> JsonFields {
        JsonFields {
            text: self.text_field.clone(),
            url: self.url_field.clone(),
            title: self.title_field.clone(),
            date: self.date_field.clone(),
            author: self.author_field.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Folders of articles (.txt, .html/.htm, .jsonl/.ndjson, .warc files, any of them .gz or .zst,
    /// searched recursively) and article files (a JSON-lines or WARC crawl, say), in any mix;
    /// or - alone for JSON lines on standard input. With --state: one folder.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Folder for the reports (created if missing; existing reports are replaced).
    #[arg(long, short, default_value = "spinscan-report")]
    pub out: PathBuf,

    /// Worker threads [default: all cores].
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,

    /// Language of the articles (stop words, stemming, background frequencies): `auto`
    /// detects each article's own, a code (de, fr, es, ...) forces one for all.
    #[arg(long, default_value = "auto")]
    pub lang: String,

    /// Extra boilerplate phrases, added to the built-in lexicon (same format as
    /// data/boilerplate/en.tsv).
    #[arg(long, value_name = "FILE")]
    pub boilerplate_lexicon: Option<PathBuf>,

    /// Score every pair of articles (the exact reference; quadratic). By default every pair is
    /// scored below 2,000 articles and a candidate index proposes pairs above that.
    #[arg(long, conflicts_with = "candidate_index")]
    pub all_pairs: bool,

    /// Use the candidate index whatever the folder size.
    #[arg(long)]
    pub candidate_index: bool,

    /// Copy model to use instead of the built-in one (a file `spinscan fit` wrote from your
    /// own labels).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,

    /// Cron mode: remember every article in this state file (SQLite, created if missing);
    /// read only new and changed files, compare them with everything seen before, and list
    /// the new copies in new_pairs.csv. Exit 1 only when there are new copies.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// With --state: when another run holds the state, wait this long for it to finish.
    #[arg(long, value_name = "SECONDS", default_value_t = 0, requires = "state")]
    pub wait: u64,

    /// No progress bar, no summary; problems are still reported on stderr.
    #[arg(long, short)]
    pub quiet: bool,

    /// Print each stage's wall time and the process's memory to stderr as it finishes.
    #[arg(long, short)]
    pub verbose: bool,

    #[command(flatten)]
    pub json: JsonFieldArgs,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Folders (searched recursively) or single article files, in any mix; - for JSON lines
    /// on standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Folder for the extracted texts and metadata.csv (created if missing; files of the same
    /// name are replaced, others are left alone).
    #[arg(long, short, default_value = "spinscan-extract")]
    pub out: PathBuf,

    /// Extra boilerplate phrases, added to the built-in lexicon (same format as
    /// data/boilerplate/en.tsv).
    #[arg(long, value_name = "FILE")]
    pub boilerplate_lexicon: Option<PathBuf>,

    /// No progress bar, no summary; problems are still reported on stderr.
    #[arg(long, short)]
    pub quiet: bool,

    #[command(flatten)]
    pub json: JsonFieldArgs,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A labeled data set: the spun-dev layout (articles/ + labels/), PAN13 text alignment,
    /// SemEval-2022 Task 8 or MSRP (detected from the folder's files).
    pub dir: PathBuf,

    /// Folder for eval.json and eval.csv.
    #[arg(long, short, default_value = "spinscan-eval")]
    pub out: PathBuf,

    /// Which families of a labeled set to measure on: all, fit or test (a fixed split by
    /// family, so thresholds fitted on one half are reported on the other), or fold:K/N (the
    /// stories `spinscan fit` holds out in fold K of N).
    #[arg(long, default_value = "all")]
    pub split: String,

    /// Fail (exit 1) when a figure falls below its floor; lines `metric,>=,value` or
    /// `metric,<=,value`.
    #[arg(long, value_name = "FILE")]
    pub floors: Option<PathBuf>,

    /// Override a scoring threshold, e.g. `--set rewrite_score=0.3` (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,

    /// Worker threads [default: all cores].
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,

    /// Print only the metrics, one `name value` per line (for scripts).
    #[arg(long)]
    pub metrics_only: bool,

    /// Copy model to use instead of the built-in one (a file `spinscan fit` wrote).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,

    /// Language of the articles: `auto` detects each article's own, a code forces one.
    #[arg(long, default_value = "auto")]
    pub lang: String,
}

#[derive(Debug, Args)]
pub struct FitArgs {
    /// Labeled sets: the spun-dev layout or real pages with a manifest.csv.
    #[arg(required = true, value_name = "SET")]
    pub sets: Vec<PathBuf>,

    /// Where to write the model fitted on all sets.
    #[arg(long, short, default_value = "data/model/copy.tsv")]
    pub out: PathBuf,

    /// Write every labeled pair with its inputs and held-out probability to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub dump_pairs: Option<PathBuf>,

    /// Also write each held-out fold's model here (fold-K.tsv).
    #[arg(long, value_name = "DIR")]
    pub fold_models: Option<PathBuf>,

    /// Folds of stories for cross-validation.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(2..))]
    pub folds: u32,

    /// How much a set counts, by its folder name, e.g. `--weight spun-dev=2` (repeatable;
    /// every set counts 1 otherwise, whatever its size).
    #[arg(long, value_name = "SET=WEIGHT")]
    pub weight: Vec<String>,

    /// L2 penalty on the standardised weights (30 did best in cross-validation, EVALUATION.md).
    #[arg(long, default_value_t = 30.0)]
    pub alpha: f64,

    /// Worker threads [default: all cores].
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
}

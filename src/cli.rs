//! Command-line flags, kept apart from the work they steer.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::commands;

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
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Folder of articles (.txt files, searched recursively).
    pub dir: PathBuf,

    /// Folder for the reports (created if missing; existing reports are replaced).
    #[arg(long, short, default_value = "spinscan-report")]
    pub out: PathBuf,

    /// Worker threads [default: all cores].
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,

    /// Language of the articles (stop words, stemming, background frequencies).
    #[arg(long, default_value = "en")]
    pub lang: String,

    /// Extra boilerplate phrases, added to the built-in lexicon (same format as
    /// data/boilerplate/en.tsv).
    #[arg(long, value_name = "FILE")]
    pub boilerplate_lexicon: Option<PathBuf>,

    /// No progress bar, no summary; problems are still reported on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

//! `spinscan scan`: find copies in a folder and write the reports.

/// Usage text shown by `spinscan scan --help`.
pub const USAGE: &str = "\
Examples:
  spinscan scan data/sample
      Scan the sample folder; reports go to ./spinscan-report.
  spinscan scan ~/scrapes/2026-11 --out reports/nov --threads 2
      Scan a folder of scraped articles with two threads.
  spinscan scan articles/ --quiet || echo \"copies found (exit 1) or error (exit 2)\"
  spinscan scan crawl/ --text-field body --url-field link --title-field headline
      Scan JSON-lines exports whose records keep the text in \"body\", the URL in \"link\".

Inputs: .txt (one article per file), .html/.htm (one page per file), .jsonl/.ndjson (one
JSON object per line; the article's path is FILE#LINE). Other files are skipped and counted.

Reports (CSV, UTF-8, one header row; paths relative to DIR):
  articles.csv     one row per article: metadata, family, role, boilerplate found
  pairs.csv        one row per related pair: score, relation, source, signals
  families.csv     one row per family of copies: members, likely original
  boilerplate.csv  one row per boilerplate line: path, line, type, text

Exit codes: 0 no copies found, 1 copies found, 2 error.";

use crate::cli::ScanArgs;
use crate::commands::{init_threads, Outcome};
use spinscan::candidates;
use spinscan::pipeline::{self, Options};
use spinscan::report;

pub fn run(args: &ScanArgs) -> anyhow::Result<Outcome> {
    init_threads(args.threads)?;
    // Features of large folders spill to a temporary file beside the reports: the output
    // folder is on a disk the user chose, where /tmp may be memory.
    let spill_dir = std::fs::create_dir_all(&args.out)
        .is_ok()
        .then(|| args.out.clone());
    let opts = Options {
        lang: args.lang.clone(),
        lexicon: args.boilerplate_lexicon.clone(),
        progress: !args.quiet,
        json_fields: args.json.fields(),
        candidates: if args.all_pairs {
            candidates::Strategy::AllPairs
        } else if args.candidate_index {
            candidates::Strategy::Index
        } else {
            candidates::Strategy::Auto
        },
        verbose: args.verbose,
        spill_dir,
        ..Options::default()
    };
    let analysis = pipeline::run(&args.dir, &opts)?;
    for p in &analysis.problems {
        eprintln!("spinscan: {p}");
    }
    report::write_all(&analysis, &args.out)?;
    if !args.quiet {
        println!("{}", report::summary(&analysis, &args.out));
    }
    Ok(if analysis.copy_pairs() > 0 {
        Outcome::CopiesFound
    } else {
        Outcome::NoCopies
    })
}

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

Cron mode (--state FILE): the state remembers every article; each run reads only new and
changed files, compares them with everything seen before, marks deleted files gone, rewrites
the full reports and adds new_pairs.csv (copies involving a new or changed article). The
summary is one line. Exit 1 means new copies were found.
  spinscan scan /srv/scrapes --state /var/lib/spinscan/state.db --out /srv/reports --wait 600

Exit codes: 0 no (new) copies found, 1 (new) copies found, 2 error.";

use crate::cli::ScanArgs;
use crate::commands::{init_threads, stdin_to_file, Outcome, STDIN_NAME};
use spinscan::score::{CopyModel, Params};
use std::time::Duration;

use spinscan::candidates;
use spinscan::incremental;
use spinscan::pipeline::{self, Options};
use spinscan::report;

pub fn run(args: &ScanArgs) -> anyhow::Result<Outcome> {
    init_threads(args.threads)?;
    // Features of large folders spill to a temporary file beside the reports: the output
    // folder is on a disk the user chose, where /tmp may be memory.
    let spill_dir = std::fs::create_dir_all(&args.out)
        .is_ok()
        .then(|| args.out.clone());
    let mut params = Params::DEFAULT;
    if let Some(path) = &args.model {
        params.model = Some(CopyModel::load(path)?);
    }
    let opts = Options {
        params,
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
    let stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    if stdin && args.paths.len() > 1 {
        anyhow::bail!("- (JSON lines on standard input) cannot be scanned with other paths");
    }
    if let Some(state) = &args.state {
        let [folder] = &args.paths[..] else {
            anyhow::bail!(
                "cron mode (--state) reads one folder, not {} paths",
                args.paths.len()
            );
        };
        if stdin {
            anyhow::bail!("cron mode (--state) reads a folder, not standard input");
        }
        let run = incremental::run(
            folder,
            state,
            &args.out,
            Duration::from_secs(args.wait),
            &opts,
        )?;
        for p in &run.problems {
            eprintln!("spinscan: {p}");
        }
        if !args.quiet {
            println!("{}", run.line(&args.out));
        }
        return Ok(if run.new_copies > 0 {
            Outcome::CopiesFound
        } else {
            Outcome::NoCopies
        });
    }
    // `-`: JSON lines on standard input, kept in a temporary file for the run (the reports'
    // evidence reads articles again); its articles are `stdin.jsonl#LINE`.
    let stdin_copy = if stdin { Some(stdin_to_file()?) } else { None };
    let inputs = match &stdin_copy {
        Some(dir) => vec![dir.path().join(STDIN_NAME)],
        None => args.paths.clone(),
    };
    let analysis = pipeline::run_paths(&inputs, &opts)?;
    for p in &analysis.problems {
        eprintln!("spinscan: {p}");
    }
    report::write_all(&analysis, &args.out)?;
    report::write_evidence(&analysis, &args.out, &opts)?;
    if !args.quiet {
        println!("{}", report::summary(&analysis, &args.out));
    }
    Ok(if analysis.copy_pairs() > 0 {
        Outcome::CopiesFound
    } else {
        Outcome::NoCopies
    })
}

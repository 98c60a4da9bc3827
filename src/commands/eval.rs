//! `spinscan eval`: measure spinscan on labeled data, with baselines beside it.

/// Usage text shown by `spinscan eval --help`.
pub const USAGE: &str = "\
Labeled sets (the format is detected from the folder):
  labeled   articles/*.txt + labels/{pairs,families,boilerplate_lines}.csv (spun-dev, data/sample):
            copy-pair precision/recall/F1 beside word 5-gram Jaccard and TF-IDF cosine baselines,
            recall per relation, false-positive rates on independent_same_story and
            unrelated_same_site, relation confusion, direction accuracy, family ARI,
            boilerplate-line precision/recall/F1 per type
  pan13     PAN13 text alignment (verbatim passages inside long documents): copy detection and
            direction, beside containment and Jaccard baselines
  semeval   SemEval-2022 Task 8 English pairs: how often same-story pairs that share no wording
            are wrongly called copies
  msrp      MSRP sentence pairs: precision/recall of the sentence-alignment scorer
  real-dev  real pages you collected for ../shared/eval/real-dev/families.csv, listed in
            DIR/manifest.csv (file,url,family,role,derives_from_url[,found]): copy pairs, the
            rewrite-vs-independent hard subset, direction and families, beside the baselines
  scrapinghub  Zyte article-extraction benchmark (ground-truth.json + html/*.html.gz): clean
            body vs articleBody with the benchmark's shingle metric, beside the extractor alone
            and published figures; line-level boilerplate precision/recall/F1
  trafilatura  trafilatura eval pages (evaldata.json + html/*.gz): line-level boilerplate
            from with/without snippets, snippet recall and leak of the clean body

Examples:
  spinscan eval ../shared/eval/spun-dev
  spinscan eval ../shared/eval/spun-dev --split test --floors .ci/floors-spun-dev.csv
  spinscan eval ../shared/eval/msrp-paraphrase --out reports/msrp
  spinscan eval data/sample --set rewrite_score=0.3 --metrics-only

Writes eval.json and eval.csv to --out. Exit codes: 0 ran (and every floor holds),
1 a figure fell below its floor, 2 error.";

use crate::cli::EvalArgs;
use crate::commands::{init_threads, name_and_number, Outcome};
use spinscan::eval::{self, labeled::Split, Format};
use spinscan::pipeline::Options;
use spinscan::score::{CopyModel, Params};

pub fn run(args: &EvalArgs) -> anyhow::Result<Outcome> {
    init_threads(args.threads)?;
    let mut params = Params::DEFAULT;
    for kv in &args.set {
        let (name, value) = name_and_number("--set", kv)?;
        params.set(&name, value as f32)?;
    }
    if let Some(path) = &args.model {
        params.model = Some(CopyModel::load(path)?);
    }
    let split = Split::parse(&args.split).ok_or_else(|| {
        anyhow::anyhow!(
            "--split {:?}: expected all, fit, test or fold:K/N",
            args.split
        )
    })?;
    let format = Format::detect(&args.dir).ok_or_else(|| {
        anyhow::anyhow!(
            "{}: not a labeled set this version reads (see spinscan eval --help)",
            args.dir.display()
        )
    })?;
    let floors = match &args.floors {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("{}: cannot read floors: {e}", path.display()))?;
            eval::parse_floors(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        }
        None => Vec::new(),
    };
    let opts = Options {
        params,
        lang: args.lang.clone(),
        ..Options::default()
    };
    let report = match format {
        Format::Labeled => eval::labeled::evaluate(&args.dir, &opts, split)?,
        Format::Pan13 => eval::pan13::evaluate(&args.dir, &params)?,
        Format::SemEval => eval::semeval::evaluate(&args.dir, &params)?,
        Format::Msrp => eval::msrp::evaluate(&args.dir, &params)?,
        Format::RealDev => eval::realdev::evaluate(&args.dir, &opts, split)?,
        Format::Scrapinghub => eval::scrapinghub::evaluate(&args.dir, &opts)?,
        Format::Trafilatura => eval::trafilatura::evaluate(&args.dir, &opts)?,
    };
    report.write(&args.out)?;
    if args.metrics_only {
        for (name, value) in &report.metrics {
            println!("{name} {value:.4}");
        }
    } else {
        print!("{}", report.render());
    }
    let broken = eval::check_floors(&report, &floors);
    for b in &broken {
        eprintln!("spinscan: floor broken: {b}");
    }
    Ok(if broken.is_empty() {
        Outcome::FloorsHold
    } else {
        Outcome::FloorBroken
    })
}

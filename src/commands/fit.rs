//! `spinscan fit`: fit the copy model on labeled sets, cross-validated by story.

/// Usage text shown by `spinscan fit --help`.
pub const USAGE: &str = "\
Fits the copy model (logistic regression over the pair signals) on one or more labeled sets:
the spun-dev layout (articles/ + labels/) or real pages with a manifest.csv (see spinscan eval
--help). Stories are split into folds by a hash of their id; every fold's model is fitted
without that fold's stories, its threshold chosen on its own training folds, and measured on
the held-out stories. The tables printed are those held-out figures; the model written is
fitted on everything.

Examples:
  spinscan fit ../shared/eval/spun-dev /tmp/real-dev /tmp/real-new /tmp/llm-dev --out data/model/copy.tsv
  spinscan fit my-labels --out my-model.tsv && spinscan scan DIR --model my-model.tsv

Fold K's model (written with --fold-models DIR as fold-K.tsv) measures the whole pipeline on
the stories it never saw: spinscan eval SET --model DIR/fold-K.tsv --split fold:K/N.";

use std::path::Path;

use crate::cli::FitArgs;
use crate::commands::{init_threads, name_and_number, Outcome};
use spinscan::eval::fit::{self, FitOptions};
use spinscan::eval::pairs;
use spinscan::pipeline::Options;
use spinscan::report::{write_atomically, write_csv};
use spinscan::score::model::INPUTS;

pub fn run(args: &FitArgs) -> anyhow::Result<Outcome> {
    init_threads(args.threads)?;
    let opts = Options::default();
    let mut weights = std::collections::HashMap::new();
    for kv in &args.weight {
        let (name, w) = name_and_number("--weight", kv)?;
        if w <= 0.0 {
            anyhow::bail!("--weight {kv:?}: a set's weight must be positive");
        }
        weights.insert(name, w);
    }
    let mut sets = Vec::new();
    for dir in &args.sets {
        for mut set in pairs::collect(dir, &opts)? {
            if let Some(w) = weights.get(set.name.as_str()) {
                set.weight = *w;
            }
            let positives = set.pairs.iter().filter(|p| p.positive).count();
            eprintln!(
                "spinscan fit: {} ({}): {} pairs, {} copies",
                set.name,
                dir.display(),
                set.pairs.len(),
                positives
            );
            sets.push(set);
        }
    }
    let fitted = fit::fit(
        &sets,
        FitOptions {
            folds: args.folds,
            alpha: args.alpha,
        },
    )?;
    for t in &fitted.tables {
        println!("{}", t.render());
    }
    let mut model = fitted.model;
    model.provenance = vec![
        "spinscan copy model: logistic regression over the pair signals (see src/score/model.rs)"
            .into(),
        format!(
            "fitted by `spinscan fit` ({} folds by story, alpha {}) on: {}",
            args.folds,
            args.alpha,
            sets.iter()
                .map(|s| format!(
                    "{} (weight {}, {} pairs, {} copies)",
                    s.name,
                    s.weight,
                    s.pairs.len(),
                    s.pairs.iter().filter(|p| p.positive).count()
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!(
            "held-out copy F1: {}",
            fitted
                .pooled
                .iter()
                .map(|(name, prf)| format!("{name} {:.3}", prf.f1()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        "format: threshold, bias, then input NAME MEAN SCALE WEIGHT (weights of standardised inputs)"
            .into(),
    ];
    write_model(&args.out, &model.to_text())?;
    eprintln!("spinscan fit: model written to {}", args.out.display());
    if let Some(path) = &args.dump_pairs {
        dump_pairs(path, &sets, &fitted.held_out)?;
    }
    if let Some(dir) = &args.fold_models {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("{}: cannot create folder: {e}", dir.display()))?;
        for (k, m) in fitted.fold_models.iter().enumerate() {
            let mut m = m.clone();
            m.provenance = vec![format!(
                "fold {k} of {}: fitted without the stories of fold {k}; measure it with --split fold:{k}/{}",
                args.folds, args.folds
            )];
            write_model(&dir.join(format!("fold-{k}.tsv")), &m.to_text())?;
        }
    }
    Ok(Outcome::Fitted)
}

/// Every labeled pair with its inputs and its held-out probability, for looking at errors.
fn dump_pairs(
    path: &Path,
    sets: &[pairs::LabeledSet],
    held_out: &[Vec<(f32, bool)>],
) -> anyhow::Result<()> {
    let mut header: Vec<&str> = vec![
        "set",
        "a",
        "b",
        "story_a",
        "story_b",
        "positive",
        "kind",
        "held_out_probability",
        "called_copy",
    ];
    header.extend(INPUTS);
    let mut rows = Vec::new();
    for (set, probs) in sets.iter().zip(held_out) {
        for (p, &(prob, verdict)) in set.pairs.iter().zip(probs) {
            let mut row = vec![
                set.name.clone(),
                p.paths[0].clone(),
                p.paths[1].clone(),
                p.stories[0].clone(),
                p.stories[1].clone(),
                p.positive.to_string(),
                p.kind.clone(),
                format!("{prob:.4}"),
                verdict.to_string(),
            ];
            row.extend(p.inputs.iter().map(|x| format!("{x:.4}")));
            rows.push(row);
        }
    }
    write_csv(path, &header, rows)
}

fn write_model(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| anyhow::anyhow!("{}: cannot create folder: {e}", parent.display()))?;
    }
    write_atomically(path, |w| {
        use std::io::Write;
        w.write_all(text.as_bytes())?;
        Ok(())
    })
}

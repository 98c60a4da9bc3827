//! One file per subcommand; shared plumbing here.

pub mod eval;
pub mod explain;
pub mod extract;
pub mod fit;
pub mod scan;

/// Exit codes, for cron jobs and scripts.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  scan: ran, found no copies      eval: ran, every floor holds    extract, fit: ran
     explain: not a copy
  1  scan: ran, found copies         eval: a figure fell below its floor
     explain: a copy
  2  error (bad arguments, missing folder, unwritable reports)";

/// The process exit status of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    NoCopies,
    CopiesFound,
    /// `extract`: ran (some inputs may have been reported and skipped).
    Extracted,
    /// `eval`: every floor holds.
    FloorsHold,
    /// `eval`: a figure fell below its floor.
    FloorBroken,
    /// `fit`: the model was written.
    Fitted,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::NoCopies | Outcome::FloorsHold | Outcome::Extracted | Outcome::Fitted => 0,
            Outcome::CopiesFound | Outcome::FloorBroken => 1,
        }
    }
}

/// The name JSON lines read from standard input (`-`) go by in the reports.
pub const STDIN_NAME: &str = "stdin.jsonl";

/// Copies standard input into `stdin.jsonl` in a new temporary folder (removed when dropped):
/// the reports read articles again after the run has read them once.
pub fn stdin_to_file() -> anyhow::Result<tempfile::TempDir> {
    let dir = tempfile::tempdir()
        .map_err(|e| anyhow::anyhow!("cannot make a temporary folder for standard input: {e}"))?;
    let mut file = std::fs::File::create(dir.path().join(STDIN_NAME))
        .map_err(|e| anyhow::anyhow!("cannot keep standard input: {e}"))?;
    std::io::copy(&mut std::io::stdin().lock(), &mut file)
        .map_err(|e| anyhow::anyhow!("standard input: cannot read: {e}"))?;
    Ok(dir)
}

/// Splits a `NAME=VALUE` flag value (`--set`, `--weight`) into the name and a number.
pub fn name_and_number(flag: &str, kv: &str) -> anyhow::Result<(String, f64)> {
    let (name, value) = kv
        .split_once('=')
        .ok_or_else(|| anyhow::anyhow!("{flag} {kv:?}: expected NAME=VALUE"))?;
    let value: f64 = value
        .trim()
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| anyhow::anyhow!("{flag} {kv:?}: {value:?} is not a number"))?;
    Ok((name.trim().to_string(), value))
}

/// Sets the size of the global thread pool (all cores when `None`).
pub fn init_threads(threads: Option<usize>) -> anyhow::Result<()> {
    if let Some(n) = threads {
        if n == 0 {
            anyhow::bail!("--threads must be at least 1");
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(|e| anyhow::anyhow!("cannot start {n} threads: {e}"))?;
    }
    Ok(())
}

//! spinscan: find content-farm copies and spun news articles. See README.md.
//!
//! This file is the table of contents: parse the flags, run the subcommand, map the outcome
//! to an exit code (0 no copies, 1 copies found, 2 error; `extract`: 0 ran, 2 error).

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: many small per-article vectors are allocated and freed across threads; glibc's
/// allocator keeps freed memory in per-thread arenas (see BENCHMARKS.md for the measurement).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    no_huge_pages();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match &cli.command {
        cli::Command::Scan(args) => commands::scan::run(args),
        cli::Command::Eval(args) => commands::eval::run(args),
        cli::Command::Extract(args) => commands::extract::run(args),
        cli::Command::Explain(args) => commands::explain::run(args),
        cli::Command::Fit(args) => commands::fit::run(args),
    };
    match result {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(e) => {
            eprintln!("spinscan: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Transparent huge pages off for this process. mimalloc asks the kernel for them, which then
/// zeroes two megabytes for each fresh region the allocator touches: with the many short-lived
/// per-article vectors of a scan that was a tenth of its CPU time (BENCHMARKS.md, "Speed").
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments and touches no memory of ours; if the
    // kernel refuses, nothing changes.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

//! A JSON-lines file, streamed: every line an article or a problem.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spinscan::ingest::{jsonl::read_jsonl, JsonFields};

fuzz_target!(|data: &[u8]| {
    let _ = read_jsonl("fuzz.jsonl", data, &JsonFields::default());
});

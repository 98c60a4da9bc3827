//! An HTML page: charset, main text, blocks, metadata.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = spinscan::ingest::html::parse_html("fuzz.html".into(), data);
});

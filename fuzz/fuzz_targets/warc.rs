//! A WARC file, plain or gzip member by member: records, HTTP bodies, resynchronising after
//! bad records.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = spinscan::ingest::warc::read_warc_from("fuzz.warc", std::io::Cursor::new(data));
});

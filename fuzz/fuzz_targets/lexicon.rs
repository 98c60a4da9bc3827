//! A user boilerplate lexicon file (`--boilerplate-lexicon`), then a line labelled with it.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(lex) = spinscan::boilerplate::Lexicon::parse(text) {
        let lines: Vec<&str> = text.lines().take(50).collect();
        let _ = spinscan::boilerplate::label_lines(&lines, &lex);
    }
});

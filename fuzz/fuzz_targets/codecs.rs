//! The state's blob codecs: a corrupt state must be an error, never a crash or a huge
//! allocation.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = spinscan::features::ArticleFeatures::decode(data);
    let _ = spinscan::features::DocFrequencies::decode(data);
    let _ = spinscan::score::Prepared::decode(data);
    let _ = spinscan::score::PairScore::decode(0, 1, data);
    let _ = spinscan::pipeline::Analysed::decode(data);
});

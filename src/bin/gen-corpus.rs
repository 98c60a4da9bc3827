//! gen-corpus: writes a synthetic corpus for benchmarks, with a known share of copies.
//!
//! Usage: gen-corpus --out DIR --n N [--copy-share 0.25] [--filler-share 0] [--seed 1]
//!
//! Stories are built from the sentences of the team's sample articles (data/sample), each
//! with its own invented names, numbers and swapped words, so unrelated stories do not match.
//! A share of the articles are copies of an earlier story: verbatim with content-farm
//! boilerplate, truncated, synonym-spun, or reworded (sentences dropped, words replaced, names
//! and numbers kept). Files go to DIR/NNNN/NNNNNNN.txt (1,000 per folder); the truth goes to
//! DIR/labels/copies.csv (copy,source,operation), which a scan skips (not .txt).
//!
//! `--filler-share F` makes that share of the articles word-chain filler instead: about 700
//! words walked along the sample's own word sequence, jumping between occurrences of a word, with
//! some words swapped. Filler shares the stories' vocabulary and short phrases but no source, so
//! it is the many-articles-one-vocabulary case (a crawl of one site's archive) for speed and for
//! false copies.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample/articles");
const BACKGROUND: &str = include_str!("../../data/background/wordfreq_en.tsv");

/// SplitMix64: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

struct Vocabulary {
    sentences: Vec<String>,
    /// The sample's words in reading order, for word-chain filler.
    sequence: Vec<String>,
    /// Where each word occurs in `sequence`.
    occurrences: std::collections::HashMap<String, Vec<usize>>,
    /// Mid-frequency English words, for swaps and filler.
    words: Vec<&'static str>,
}

impl Vocabulary {
    fn load() -> Result<Vocabulary, String> {
        let mut sentences = Vec::new();
        let dir = Path::new(SAMPLE);
        let mut files: Vec<PathBuf> = fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        files.sort();
        for f in files {
            let text = fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
            for line in text
                .lines()
                .map(str::trim)
                .filter(|l| l.split_whitespace().count() >= 12)
            {
                for s in line.split_inclusive(['.', '?', '!']) {
                    let s = s.trim();
                    if s.split_whitespace().count() >= 6 {
                        sentences.push(s.to_string());
                    }
                }
            }
        }
        let words: Vec<&'static str> = BACKGROUND
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split('\t').next())
            .skip(2_000)
            .take(30_000)
            .filter(|w| w.len() >= 4 && w.chars().all(|c| c.is_ascii_lowercase()))
            .collect();
        if sentences.is_empty() || words.is_empty() {
            return Err("no sample sentences or background words".into());
        }
        let sequence: Vec<String> = sentences
            .iter()
            .flat_map(|s| s.split_whitespace().map(str::to_string))
            .collect();
        let mut occurrences: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for (k, w) in sequence.iter().enumerate() {
            occurrences.entry(w.to_lowercase()).or_default().push(k);
        }
        Ok(Vocabulary {
            sentences,
            sequence,
            occurrences,
            words,
        })
    }
}

/// An invented proper name: two or three syllables.
fn name(rng: &mut Rng) -> String {
    const SYL: [&str; 24] = [
        "ka", "ver", "lo", "mir", "tan", "os", "bel", "dra", "quin", "sel", "vo", "ra", "nel",
        "thu", "gar", "is", "mon", "pe", "zor", "al", "wick", "fen", "dor", "ume",
    ];
    let n = 2 + rng.below(2);
    let mut s: String = (0..n).map(|_| SYL[rng.below(SYL.len())]).collect();
    if let Some(f) = s.get(..1) {
        s = f.to_uppercase() + &s[1..];
    }
    s
}

/// A filler sentence of mid-frequency words, so stories differ beyond their template sentences.
fn filler(rng: &mut Rng, v: &Vocabulary, names: &[String]) -> String {
    const GLUE: [&str; 10] = [
        "the", "of", "and", "to", "in", "that", "for", "with", "on", "by",
    ];
    let len = 10 + rng.below(14);
    let mut words: Vec<String> = (0..len)
        .map(|k| match (k % 3, rng.below(10)) {
            (0, _) => GLUE[rng.below(GLUE.len())].to_string(),
            (_, 0) => names[rng.below(names.len())].clone(),
            _ => v.words[rng.below(v.words.len())].to_string(),
        })
        .collect();
    if let Some(first) = words.first_mut() {
        let upper = first.get(..1).map(str::to_uppercase).unwrap_or_default();
        *first = upper + first.get(1..).unwrap_or("");
    }
    words.join(" ") + "."
}

/// Word-chain filler: about `words` words walked along the sample's word sequence; at each
/// step the walk may jump to another occurrence of the current word, and a share of the
/// lowercase words are swapped for background words, names for the article's own invented names
/// and numbers for others.
fn chain(rng: &mut Rng, v: &Vocabulary, words: usize) -> Vec<Vec<String>> {
    let mut paragraphs = Vec::new();
    let mut paragraph: Vec<String> = Vec::new();
    let mut sentence: Vec<String> = Vec::new();
    let names: Vec<String> = (0..8).map(|_| name(rng)).collect();
    let mut at = rng.below(v.sequence.len());
    for _ in 0..words {
        let w = &v.sequence[at];
        let core = w.trim_matches(|c: char| !c.is_alphanumeric());
        let capitalised = core.chars().next().is_some_and(char::is_uppercase);
        let word =
            if core.len() > 3 && core.chars().all(|c| c.is_ascii_lowercase()) && rng.chance(0.4) {
                w.replace(core, v.words[rng.below(v.words.len())])
            } else if capitalised && !sentence.is_empty() {
                w.replace(core, &names[rng.below(names.len())])
            } else if core.chars().any(|c| c.is_ascii_digit()) {
                w.replace(core, &(1 + rng.below(990)).to_string())
            } else {
                w.clone()
            };
        let ends = word.ends_with(['.', '?', '!']);
        sentence.push(word);
        if ends || sentence.len() > 40 {
            let mut s = sentence.join(" ");
            if !ends {
                s.push('.');
            }
            paragraph.push(s);
            sentence.clear();
            if paragraph.len() >= 2 + rng.below(3) {
                paragraphs.push(std::mem::take(&mut paragraph));
            }
        }
        at = if rng.chance(0.4) {
            let same = &v.occurrences[&v.sequence[at].to_lowercase()];
            same[rng.below(same.len())] + 1
        } else {
            at + 1
        };
        if at >= v.sequence.len() {
            at = rng.below(v.sequence.len());
        }
    }
    if !sentence.is_empty() {
        paragraph.push(sentence.join(" ") + ".");
    }
    if !paragraph.is_empty() {
        paragraphs.push(paragraph);
    }
    paragraphs
}

/// A story: paragraphs of sentences with this story's names and numbers.
fn story(rng: &mut Rng, v: &Vocabulary) -> Vec<Vec<String>> {
    let names: Vec<String> = (0..6).map(|_| name(rng)).collect();
    let paragraphs = 6 + rng.below(8);
    (0..paragraphs)
        .map(|_| {
            (0..2 + rng.below(3))
                .map(|_| {
                    if rng.chance(0.5) {
                        return filler(rng, v, &names);
                    }
                    let base = &v.sentences[rng.below(v.sentences.len())];
                    let mut out = Vec::new();
                    for (k, w) in base.split_whitespace().enumerate() {
                        let core = w.trim_matches(|c: char| !c.is_alphanumeric());
                        let word = if core.chars().any(|c| c.is_ascii_digit()) {
                            w.replace(core, &(1 + rng.below(990)).to_string())
                        } else if k > 0 && core.chars().next().is_some_and(char::is_uppercase) {
                            w.replace(core, &names[rng.below(names.len())])
                        } else if core.len() > 2 && rng.chance(0.7) {
                            w.replace(core, v.words[rng.below(v.words.len())])
                        } else {
                            w.to_string()
                        };
                        out.push(word);
                    }
                    out.join(" ")
                })
                .collect()
        })
        .collect()
}

/// Replaces a share of the lowercase words longer than three letters.
fn spin(rng: &mut Rng, v: &Vocabulary, s: &str, rate: f64) -> String {
    s.split_whitespace()
        .map(|w| {
            let core = w.trim_matches(|c: char| !c.is_alphanumeric());
            if core.len() > 3 && core.chars().all(|c| c.is_ascii_lowercase()) && rng.chance(rate) {
                w.replace(core, v.words[rng.below(v.words.len())])
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn render(title: &str, paragraphs: &[Vec<String>], farm: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(site) = farm {
        out.push_str("  • News\n  • World\n  • Business\n  • Sports\n\n");
        out.push_str(&format!(
            "Published on https://{site}.example/{} by Staff Writer on 2025-01-02\n\n",
            title.len()
        ));
    }
    out.push_str(title);
    out.push_str("\n\n");
    for p in paragraphs {
        out.push_str(&p.join(" "));
        out.push_str("\n\n");
    }
    if farm.is_some() {
        out.push_str("Share: Facebook | X | Email\n\nRecent Posts\nNo articles found.\n\nSource: Read Full Article\n");
    }
    out
}

const USAGE: &str =
    "usage: gen-corpus --out DIR --n N [--copy-share 0.25] [--filler-share 0] [--seed 1]";

struct Args {
    out: PathBuf,
    n: usize,
    copy_share: f64,
    filler_share: f64,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        out: PathBuf::new(),
        n: 0,
        copy_share: 0.25,
        filler_share: 0.0,
        seed: 1,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--out" => args.out = PathBuf::from(value()?),
            "--n" => {
                args.n = value()?
                    .parse()
                    .map_err(|_| "--n: not a number".to_string())?
            }
            "--copy-share" => {
                args.copy_share = value()?
                    .parse()
                    .map_err(|_| "--copy-share: not a number".to_string())?
            }
            "--filler-share" => {
                args.filler_share = value()?
                    .parse()
                    .map_err(|_| "--filler-share: not a number".to_string())?
            }
            "--seed" => {
                args.seed = value()?
                    .parse()
                    .map_err(|_| "--seed: not a number".to_string())?
            }
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if args.out.as_os_str().is_empty() || args.n == 0 {
        return Err(USAGE.into());
    }
    Ok(args)
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let v = Vocabulary::load()?;
    let mut rng = Rng(args.seed);
    fs::create_dir_all(args.out.join("labels"))
        .map_err(|e| format!("{}: {e}", args.out.display()))?;
    let labels_path = args.out.join("labels/copies.csv");
    let mut labels = std::io::BufWriter::new(
        fs::File::create(&labels_path).map_err(|e| format!("{}: {e}", labels_path.display()))?,
    );
    writeln!(labels, "copy,source,operation").map_err(|e| e.to_string())?;
    // Originals kept for copying: a bounded pool of recent stories (memory stays flat).
    let mut pool: Vec<(String, String, Vec<Vec<String>>)> = Vec::new();
    for k in 0..args.n {
        let path = format!("{:04}/{:07}.txt", k / 1000, k);
        let filler = args.filler_share > 0.0 && rng.chance(args.filler_share);
        let copy = !filler && !pool.is_empty() && rng.chance(args.copy_share);
        let text = if filler {
            let title = format!("{} {}", name(&mut rng), v.words[rng.below(v.words.len())]);
            let words = 550 + rng.below(300);
            render(&title, &chain(&mut rng, &v, words), None)
        } else if copy {
            let (src_path, title, paras) = &pool[rng.below(pool.len())];
            let (op, text) = match rng.below(4) {
                0 => ("verbatim", render(title, paras, Some("farm-daily"))),
                1 => {
                    let keep = (paras.len() * (5 + rng.below(4)) / 10).max(1);
                    ("partial", render(title, &paras[..keep], None))
                }
                2 => {
                    let spun: Vec<Vec<String>> = paras
                        .iter()
                        .map(|p| p.iter().map(|s| spin(&mut rng, &v, s, 0.3)).collect())
                        .collect();
                    (
                        "spin",
                        render(&spin(&mut rng, &v, title, 0.5), &spun, Some("spin-news")),
                    )
                }
                _ => {
                    let mut reworded: Vec<Vec<String>> = Vec::new();
                    for p in paras {
                        let mut kept = Vec::new();
                        for s in p {
                            if !rng.chance(0.2) {
                                kept.push(spin(&mut rng, &v, s, 0.6));
                            }
                        }
                        if !kept.is_empty() {
                            reworded.push(kept);
                        }
                    }
                    (
                        "rewrite",
                        render(&spin(&mut rng, &v, title, 0.7), &reworded, None),
                    )
                }
            };
            writeln!(labels, "{path},{src_path},{op}").map_err(|e| e.to_string())?;
            text
        } else {
            let paras = story(&mut rng, &v);
            let title = format!(
                "{} {} {}",
                name(&mut rng),
                v.words[rng.below(v.words.len())],
                name(&mut rng)
            );
            let text = render(&title, &paras, None);
            if pool.len() < 2_000 {
                pool.push((path.clone(), title, paras));
            } else {
                let slot = rng.below(pool.len());
                pool[slot] = (path.clone(), title, paras);
            }
            text
        };
        let file = args.out.join(&path);
        if let Some(dir) = file.parent() {
            if k % 1000 == 0 {
                fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
        }
        fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    labels.flush().map_err(|e| e.to_string())?;
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-corpus: {e}");
            ExitCode::from(2)
        }
    }
}

//! The pipeline: runs the stages in order over a folder and returns everything the reports
//! need. `scan` writes this [`Analysis`] out; `eval` compares it with labels. Both call [`run`],
//! so what is measured is what users get.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::attribution::{self, ArticleEvidence, Direction, Origin, PageMarks};
use crate::boilerplate::{self, Kind, Lexicon, TemplateInput};
use crate::features::{self, ArticleFeatures, DocFrequencies, Language, LanguageChoice, Weights};
use crate::ingest::{self, Article, JsonFields, Metadata, Problem};
use crate::score::{self, PairScore, Params, Prepared, Relation};
use std::collections::HashMap;

use crate::store::{self, BlobStore, Encoder};
use crate::{candidates, families};

/// How to run.
#[derive(Debug, Clone)]
pub struct Options {
    pub lang: String,
    /// A user lexicon added to the built-in boilerplate phrases.
    pub lexicon: Option<PathBuf>,
    pub params: Params,
    /// Show progress bars (only ever drawn on a terminal).
    pub progress: bool,
    /// Keep every article's features in the analysis (the evaluation's baselines use them).
    pub keep_features: bool,
    /// Field names for JSON-lines input.
    pub json_fields: JsonFields,
    /// How candidate pairs are chosen.
    pub candidates: candidates::Strategy,
    /// Report each stage's time and memory on standard error.
    pub verbose: bool,
    /// Where features go once they outgrow memory [default: the system's temporary folder].
    pub spill_dir: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lang: "auto".into(),
            lexicon: None,
            params: Params::DEFAULT,
            progress: false,
            keep_features: false,
            json_fields: JsonFields::default(),
            candidates: candidates::Strategy::Auto,
            verbose: false,
            spill_dir: None,
        }
    }
}

/// An article's role in the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The likely original of a family.
    Original,
    /// A member of a family that is not its original.
    Copy,
    /// In no family: nothing in the folder copies it or is copied by it.
    Independent,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Original => "original",
            Role::Copy => "copy",
            Role::Independent => "independent",
        }
    }
}

/// One boilerplate line, kept as evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoilerplateLine {
    /// 1-based line number in the file.
    pub line: usize,
    pub kind: Kind,
    pub text: String,
}

/// What the pipeline found about one article.
#[derive(Debug, Clone)]
pub struct Analysed {
    pub path: String,
    pub format: &'static str,
    pub meta: Metadata,
    pub invalid_utf8: bool,
    /// Not UTF-8 and no charset declared: the charset detected and read (`windows-1251`).
    pub legacy_charset: Option<&'static str>,
    /// The language the article was read in (ISO 639-1 code, see [`Language`]); empty until
    /// its features are extracted.
    pub lang: &'static str,
    pub words: u32,
    pub boilerplate: Vec<BoilerplateLine>,
    /// Content-farm marks found on the page (their weight: [`attribution::farm_marks`]).
    pub marks: PageMarks,
    /// Index into [`Analysis::families`] (families of two or more only).
    pub family: Option<usize>,
    pub role: Role,
    /// For a copy: the article it was most likely taken from (index into `articles`).
    pub copied_from: Option<u32>,
    /// How directly a family member derives from the family's source: 0 the original, 1 a
    /// first-hand copy (of the original, or of a source outside the folder), 2 a copy of a
    /// copy, and so on. Decided anew every run, like `family` and `role`.
    pub generation: Option<u32>,
}

impl Analysed {
    /// Writes what a persistent state keeps of an article's report row (family and role are
    /// decided anew every run).
    pub fn encode(&self, e: &mut Encoder) {
        e.str(&self.path);
        e.str(self.format);
        self.meta.encode(e);
        e.u32(u32::from(self.invalid_utf8));
        ingest::encode_charset(e, self.legacy_charset);
        e.str(self.lang);
        e.u32(self.words);
        e.u32(self.boilerplate.len() as u32);
        for b in &self.boilerplate {
            e.u32(b.line as u32);
            e.u32(Kind::ALL.iter().position(|&k| k == b.kind).unwrap_or(0) as u32);
            e.str(&b.text);
        }
        let m = self.marks;
        e.u32s(
            [
                m.credits_other_site,
                m.bare_source_line,
                m.read_more,
                m.related_links,
                m.share_bar,
                m.author_bio,
                m.dateline,
            ]
            .map(u32::from),
        );
    }

    pub fn decode(blob: &[u8]) -> std::io::Result<Analysed> {
        let mut d = store::Decoder::new(blob);
        let path = d.string()?;
        let format = match d.string()?.as_str() {
            "html" => "html",
            "jsonl" => "jsonl",
            "warc" => "warc",
            _ => "txt",
        };
        let meta = Metadata::decode(&mut d)?;
        let invalid_utf8 = d.u32()? != 0;
        let legacy_charset = ingest::decode_charset(&mut d)?;
        let lang = Language::by_code(&d.string()?).map_or("en", |l| l.code);
        let words = d.u32()?;
        let n = d.u32()? as usize;
        let mut boilerplate = Vec::with_capacity(n.min(blob.len()));
        for _ in 0..n {
            let line = d.u32()? as usize;
            let kind = Kind::ALL
                .get(d.u32()? as usize)
                .copied()
                .unwrap_or(Kind::Template);
            boilerplate.push(BoilerplateLine {
                line,
                kind,
                text: d.string()?,
            });
        }
        let m = d.u32s()?;
        let flag = |k: usize| m.get(k).is_some_and(|&x| x != 0);
        d.finish()?;
        Ok(Analysed {
            path,
            format,
            meta,
            invalid_utf8,
            legacy_charset,
            lang,
            words,
            boilerplate,
            marks: PageMarks {
                credits_other_site: flag(0),
                bare_source_line: flag(1),
                read_more: flag(2),
                related_links: flag(3),
                share_bar: flag(4),
                author_bio: flag(5),
                dateline: flag(6),
            },
            family: None,
            role: Role::Independent,
            copied_from: None,
            generation: None,
        })
    }
}

/// A scored pair with the direction decided for copies.
#[derive(Debug, Clone)]
pub struct Pair {
    pub score: PairScore,
    pub direction: Option<Direction>,
}

/// A family of two or more articles.
#[derive(Debug, Clone)]
pub struct Family {
    pub members: Vec<u32>,
    pub origin: Origin,
}

/// Everything a run found.
#[derive(Debug, Default)]
pub struct Analysis {
    pub root: PathBuf,
    pub articles: Vec<Analysed>,
    /// Pairs whose relation is not `unrelated`, sorted by (a, b).
    pub pairs: Vec<Pair>,
    pub families: Vec<Family>,
    pub problems: Vec<Problem>,
    pub skipped_other: usize,
    /// Pairs scored: all pairs, or those the candidate index proposed.
    pub pairs_scored: u64,
    /// Every article's features, when [`Options::keep_features`] asked for them.
    pub features: Vec<ArticleFeatures>,
}

impl Analysis {
    /// Article numbers by path (relative to the scanned folder), for joining labels.
    pub fn index_by_path(&self) -> HashMap<&str, u32> {
        self.articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a.path.as_str(), i as u32))
            .collect()
    }

    pub fn copy_pairs(&self) -> usize {
        self.pairs
            .iter()
            .filter(|p| p.score.relation.is_copy())
            .count()
    }
}

/// Files handled together in one parallel batch: enough to keep every core busy, few enough
/// that a batch's text and features stay small next to the memory budget.
const BATCH_FILES: usize = 2_048;

/// Articles whose features set the folder's word weights: every article of a folder up to
/// this size (exact weights), a regular sample of a larger one. A word's folder weight moves
/// with the share of articles using it, which a sample this size measures to within a few
/// per cent; rare words, which matter most, are rare in the sample too. Keeping the sample
/// small is what lets a large folder be read once more, not twice, after the boilerplate.
const WEIGHT_SAMPLE: usize = 20_000;

/// Runs every stage over the articles under `input` (a folder or one article file).
pub fn run(input: &Path, opts: &Options) -> anyhow::Result<Analysis> {
    run_paths(&[input.to_path_buf()], opts)
}

/// Runs every stage over the articles of several inputs, folders and files mixed: one folder
/// of reports, article paths relative to the inputs' nearest common folder.
///
/// Memory stays bounded by streaming: articles are read in batches, twice (once to find
/// boilerplate templates across the folder, once to clean and extract features), and each
/// article's features and scoring form go to a [`BlobStore`] (in memory while small, in a
/// temporary file beyond that). What stays in memory per article is its report row, its
/// boilerplate lines and its candidate signature.
pub fn run_paths(paths: &[PathBuf], opts: &Options) -> anyhow::Result<Analysis> {
    let lang = LanguageChoice::parse(&opts.lang)?;
    let clock = StageClock::new(opts.verbose);
    let (root, found) = inputs(paths)?;
    let root = root.as_path();
    clock.done("discover", format_args!("{} files", found.files.len()));
    let files: Vec<(PathBuf, PathBuf)> = found
        .files
        .iter()
        .map(|f| (root.to_path_buf(), f.clone()))
        .collect();
    let lexicon = load_lexicon(opts)?;
    let spill_dir = opts.spill_dir.clone().unwrap_or_else(std::env::temp_dir);

    // Boilerplate: line labels, then templates across the whole folder.
    let (reading, mut problems) = read_files(&files, opts, &lexicon, &spill_dir)?;
    problems.splice(0..0, found.problems);
    clock.done(
        "boilerplate",
        format_args!(
            "{} articles, {} MB kept",
            reading.labels.len(),
            reading.articles.bytes() >> 20
        ),
    );

    // Word weights from a sample of the folder (all of it up to WEIGHT_SAMPLE articles). The
    // sample's articles keep their cleaned report row and features, so the next pass does not
    // read and clean them again: in a folder up to that size each article is cleaned once.
    let total = reading.labels.len();
    let stride = total.div_ceil(WEIGHT_SAMPLE).max(1);
    let sample_ids: Vec<usize> = (0..total).step_by(stride).collect();
    let mut sample: HashMap<usize, (Analysed, ArticleFeatures)> = HashMap::new();
    let mut df = DocFrequencies::default();
    let bar = progress(opts.progress, sample_ids.len() as u64, "weighing");
    clean_articles(&reading, &sample_ids, &bar, |batch| {
        let done: Vec<(usize, (Analysed, ArticleFeatures))> = batch
            .into_par_iter()
            .map(|(id, c)| (id, (c.article, extract_body(&c.body, &lang))))
            .collect();
        for (_, (_, feats)) in &done {
            df.add(feats);
        }
        sample.extend(done);
    })?;
    bar.finish_and_clear();
    let weights = Weights::from_sample(df, total);
    clock.done("weights", format_args!("from {} articles", sample.len()));

    // Features of the articles outside the sample, scoring forms and candidate signatures, one
    // batch at a time. Only the scoring forms are kept (in the blob store), and the signatures.
    let use_index = opts.candidates.uses_index(total);
    let mut prepared_store = BlobStore::new(&spill_dir, store::DEFAULT_MEMORY_BUDGET);
    let mut analysed: Vec<Analysed> = Vec::with_capacity(total);
    let mut signatures = Vec::with_capacity(if use_index { total } else { 0 });
    let mut kept_features = Vec::new();
    let mut io_error = None;
    let bar = progress(opts.progress, total as u64, "analysing");
    let all: Vec<usize> = (0..total).collect();
    for ids in all.chunks(BATCH_ARTICLES) {
        let unsampled: Vec<usize> = ids
            .iter()
            .copied()
            .filter(|id| !sample.contains_key(id))
            .collect();
        let mut cleaned: HashMap<usize, Cleaned> = HashMap::with_capacity(unsampled.len());
        clean_articles(&reading, &unsampled, &bar, |batch| cleaned.extend(batch))?;
        let mut batch: Vec<(Analysed, Result<ArticleFeatures, Vec<String>>)> =
            Vec::with_capacity(ids.len());
        for id in ids {
            batch.push(match (sample.remove(id), cleaned.remove(id)) {
                (Some((a, feats)), _) => (a, Ok(feats)),
                (None, Some(c)) => (c.article, Err(c.body)),
                (None, None) => anyhow::bail!("article {id} was neither weighed nor cleaned"),
            });
        }
        bar.inc((ids.len() - unsampled.len()) as u64);
        let done: Vec<_> = batch
            .into_par_iter()
            .map(|(mut a, feats)| {
                let feats = feats.unwrap_or_else(|body| extract_body(&body, &lang));
                a.words = feats.words;
                a.lang = Language::get(feats.lang).code;
                let sig = use_index.then(|| candidates::signature(&feats));
                let keep = opts.keep_features.then(|| feats.clone());
                let mut e = Encoder::default();
                Prepared::from_features(feats, &weights).encode(&mut e);
                (a, sig, keep, e.bytes)
            })
            .collect();
        for (a, sig, keep, blob) in done {
            if let Err(e) = prepared_store.push(&blob) {
                io_error.get_or_insert(e);
            }
            analysed.push(a);
            signatures.extend(sig);
            kept_features.extend(keep);
        }
    }
    bar.finish_and_clear();
    drop(reading);
    if let Some(e) = io_error.or_else(|| prepared_store.seal().err()) {
        anyhow::bail!("cannot keep scoring forms: {e}");
    }
    let signatures = use_index.then_some(signatures);
    clock.done(
        "features",
        format_args!("{} MB of scoring forms", prepared_store.bytes() >> 20),
    );
    // Candidates and pair scoring.
    let pairs: Option<Vec<(u32, u32)>> = signatures.map(|sigs| candidates::propose(&sigs));
    if let Some(p) = &pairs {
        clock.done("candidates", format_args!("{} pairs", p.len()));
    }
    let (mut scored, total) = score_pairs(&prepared_store, pairs, opts)?;
    scored.sort_by_key(|p| (p.a, p.b));
    clock.done("score", format_args!("{} related pairs", scored.len()));

    let mut analysis = assemble(analysed, scored, &opts.params);
    analysis.root = root.to_path_buf();
    problems.sort_by(|a, b| a.path.cmp(&b.path));
    analysis.problems = problems;
    analysis.skipped_other = found.skipped_other;
    analysis.pairs_scored = total;
    analysis.features = kept_features;
    clock.done(
        "families",
        format_args!("{} families", analysis.families.len()),
    );
    Ok(analysis)
}

/// Families and attribution over scored pairs (sorted by (a, b), related pairs only): the
/// last stages, shared by a full scan and an incremental one.
pub fn assemble(
    mut analysed: Vec<Analysed>,
    mut scored: Vec<PairScore>,
    params: &Params,
) -> Analysis {
    let n = analysed.len();
    families::link_siblings(&mut scored, params.model(), |a, b| {
        analysed[a as usize].lang == analysed[b as usize].lang
    });
    scored.retain(|p| p.relation != Relation::Unrelated);
    let evidence = evidence(&analysed, &scored);
    let groups = families::group(n, &scored);
    let direction_weights = attribution::weights(params.model());
    let pairs: Vec<Pair> = scored
        .into_iter()
        .map(|s| {
            let direction = s.relation.is_copy().then(|| {
                let (a, b) = (&evidence[s.a as usize], &evidence[s.b as usize]);
                attribution::decide(&s, &attribution::inputs(&s, a, b), &direction_weights)
            });
            Pair {
                score: s,
                direction,
            }
        })
        .collect();
    // Each family's directed pairs, gathered in one pass over the pairs.
    let groups: Vec<Vec<u32>> = groups.into_iter().filter(|m| m.len() >= 2).collect();
    let mut family_of: Vec<Option<usize>> = vec![None; n];
    for (id, members) in groups.iter().enumerate() {
        for &m in members {
            family_of[m as usize] = Some(id);
        }
    }
    let mut inside: Vec<Vec<(&PairScore, Direction)>> = vec![Vec::new(); groups.len()];
    for p in &pairs {
        let (fa, fb) = (family_of[p.score.a as usize], family_of[p.score.b as usize]);
        if let (Some(fa), Some(fb), Some(d)) = (fa, fb, p.direction) {
            if fa == fb {
                inside[fa].push((&p.score, d));
            }
        }
    }
    let mut fams = Vec::with_capacity(groups.len());
    for (id, (members, inside)) in groups.into_iter().zip(inside).enumerate() {
        let origin = attribution::origin(&members, &inside);
        for &m in &members {
            let a = &mut analysed[m as usize];
            a.family = Some(id);
            a.role = if origin.original == Some(m) {
                Role::Original
            } else {
                Role::Copy
            };
            a.copied_from = inside
                .iter()
                .filter(|(p, d)| (p.a == m || p.b == m) && d.source.is_some_and(|s| s != m))
                .max_by(|x, y| x.0.score.total_cmp(&y.0.score))
                .and_then(|(_, d)| d.source);
        }
        for (m, g) in generations(&members, origin.original, &analysed) {
            analysed[m as usize].generation = Some(g);
        }
        fams.push(Family { members, origin });
    }

    Analysis {
        articles: analysed,
        pairs,
        families: fams,
        ..Analysis::default()
    }
}

/// Each member's generation: the number of `copied_from` steps to the family's original, or,
/// where the chain does not reach it (a source outside the folder, a loop), one more than the
/// steps taken before it stops.
fn generations(members: &[u32], original: Option<u32>, analysed: &[Analysed]) -> Vec<(u32, u32)> {
    members
        .iter()
        .map(|&m| {
            let mut seen = vec![m];
            let mut cur = m;
            let g = loop {
                if Some(cur) == original {
                    break seen.len() as u32 - 1;
                }
                match analysed[cur as usize].copied_from {
                    Some(next) if members.contains(&next) && !seen.contains(&next) => {
                        seen.push(next);
                        cur = next;
                    }
                    _ => break seen.len() as u32,
                }
            };
            (m, g)
        })
        .collect()
}

/// The folder reports are relative to, and the article files. One folder: its files (searched
/// recursively), paths relative to it. One article file (a `.jsonl` crawl, say): paths
/// relative to its own folder. Several inputs: the files of each, read once each, paths
/// relative to the nearest folder that holds them all.
fn inputs(paths: &[PathBuf]) -> anyhow::Result<(PathBuf, ingest::Discovery)> {
    let mut each: Vec<(PathBuf, ingest::Discovery)> = paths
        .iter()
        .map(|p| input_files(p))
        .collect::<anyhow::Result<_>>()?;
    if each.len() == 1 {
        if let Some(one) = each.pop() {
            return Ok(one);
        }
    }
    let roots: Vec<PathBuf> = each.iter().map(|(r, _)| r.clone()).collect();
    let root = common_folder(&roots)?;
    let mut all = ingest::Discovery::default();
    let mut seen = std::collections::HashSet::new();
    for (input_root, found) in each {
        // A folder's problems name files relative to it; name them from the common folder.
        for mut p in found.problems {
            p.path = ingest::relative_path(&root, &absolute(&input_root.join(&p.path))?);
            all.problems.push(p);
        }
        all.skipped_other += found.skipped_other;
        for f in found.files {
            // A file named twice (itself and through its folder) is read once.
            if seen.insert(std::fs::canonicalize(&f).unwrap_or_else(|_| f.clone())) {
                all.files.push(absolute(&f)?);
            }
        }
    }
    all.files
        .sort_by_cached_key(|f| ingest::relative_path(&root, f));
    Ok((root, all))
}

/// One input's folder and files.
fn input_files(input: &Path) -> anyhow::Result<(PathBuf, ingest::Discovery)> {
    let meta = std::fs::metadata(input)
        .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", input.display()))?;
    if meta.is_dir() {
        return Ok((input.to_path_buf(), ingest::discover(input)?));
    }
    if ingest::InputFormat::of(input).is_none() {
        anyhow::bail!(
            "{}: not a folder or an article file (.txt, .html, .htm, .jsonl, .ndjson, .warc, \
             or one of them .gz or .zst)",
            input.display()
        );
    }
    let found = ingest::Discovery {
        files: vec![input.to_path_buf()],
        ..Default::default()
    };
    Ok((ingest::folder_of(input), found))
}

/// The nearest folder holding all of `folders` (made absolute, not resolved through links).
fn common_folder(folders: &[PathBuf]) -> anyhow::Result<PathBuf> {
    let mut common: Option<PathBuf> = None;
    for f in folders {
        let f = absolute(f)?;
        common = Some(match common {
            None => f,
            Some(c) => c
                .components()
                .zip(f.components())
                .take_while(|(x, y)| x == y)
                .map(|(x, _)| x)
                .collect(),
        });
    }
    common.ok_or_else(|| anyhow::anyhow!("no input given"))
}

fn absolute(p: &Path) -> anyhow::Result<PathBuf> {
    std::path::absolute(p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))
}

/// What attribution knows of each article: its metadata, page marks and length, and whether
/// the scored pairs make it a mashup.
pub fn evidence(analysed: &[Analysed], scored: &[PairScore]) -> Vec<ArticleEvidence> {
    let mut evidence: Vec<ArticleEvidence> = analysed.iter().map(ArticleEvidence::of).collect();
    for i in composites(analysed.len(), scored) {
        evidence[i].composite = true;
    }
    evidence
}

/// Features of an article's clean body (one paragraph per entry), in the language `lang`
/// gives for it.
pub fn extract_body(body: &[String], lang: &LanguageChoice) -> ArticleFeatures {
    let body: Vec<&str> = body.iter().map(String::as_str).collect();
    features::extract(&body, lang.of(&body))
}

/// Scores the proposed pairs (every pair when `pairs` is None) and keeps the related ones.
fn score_pairs(
    store: &BlobStore,
    pairs: Option<Vec<(u32, u32)>>,
    opts: &Options,
) -> anyhow::Result<(Vec<PairScore>, u64)> {
    let n = store.len();
    let params = opts.params;
    let decode = |id: usize, buf: &mut Vec<u8>| -> anyhow::Result<Prepared> {
        store
            .read(id, buf)
            .and_then(|_| Prepared::decode(buf))
            .map_err(|e| anyhow::anyhow!("cannot read back scoring form {id}: {e}"))
    };
    let keep = |s: PairScore| score::is_kept(&s, &params).then_some(s);
    // Every article in memory when they fit (or when every pair is compared anyway).
    let resident: Option<Vec<Prepared>> = if store.in_memory() || pairs.is_none() {
        Some(
            (0..n)
                .into_par_iter()
                .map(|id| decode(id, &mut Vec::new()))
                .collect::<anyhow::Result<_>>()?,
        )
    } else {
        None
    };
    match (pairs, resident) {
        (None, Some(all)) => {
            let total = candidates::all_pairs_count(n);
            let bar = progress(opts.progress, total, "comparing");
            let scored = candidates::all_pairs(n)
                .filter_map(|(i, j)| {
                    if j == i + 1 {
                        bar.inc((n - 1 - i as usize) as u64);
                    }
                    let (a, b) = (&all[i as usize], &all[j as usize]);
                    keep(score::score_pair(i, j, a, b, &params))
                })
                .collect();
            bar.finish_and_clear();
            Ok((scored, total))
        }
        (Some(pairs), Some(all)) => {
            let bar = progress(opts.progress, pairs.len() as u64, "comparing");
            let scored = pairs
                .par_iter()
                .filter_map(|&(i, j)| {
                    bar.inc(1);
                    let (a, b) = (&all[i as usize], &all[j as usize]);
                    keep(score::score_pair(i, j, a, b, &params))
                })
                .collect();
            bar.finish_and_clear();
            Ok((scored, pairs.len() as u64))
        }
        (Some(pairs), None) => {
            // Pairs come sorted by their first article: read it once per run of pairs.
            let bar = progress(opts.progress, pairs.len() as u64, "comparing");
            let scored: Vec<Vec<PairScore>> = pairs
                .par_chunk_by(|x, y| x.0 == y.0)
                .map(|group| {
                    let mut buf = Vec::new();
                    let i = group[0].0;
                    let a = decode(i as usize, &mut buf)?;
                    let mut out = Vec::new();
                    for &(_, j) in group {
                        let b = decode(j as usize, &mut buf)?;
                        out.extend(keep(score::score_pair(i, j, &a, &b, &params)));
                    }
                    bar.inc(group.len() as u64);
                    Ok(out)
                })
                .collect::<anyhow::Result<_>>()?;
            bar.finish_and_clear();
            Ok((scored.into_iter().flatten().collect(), pairs.len() as u64))
        }
        (None, None) => unreachable!("all-pairs always decodes every article"),
    }
}

/// An article after ingest and boilerplate: what the reports say about it, and the clean
/// body text (one paragraph per entry) the features are built from.
#[derive(Debug, Clone)]
pub struct Cleaned {
    pub article: Analysed,
    pub body: Vec<String>,
}

/// Ingest and boilerplate for a list of (root, file) pairs: reads every file, labels
/// boilerplate (templates across all of them), picks titles, and keeps each article's clean
/// body. `spinscan extract` shows exactly this; `run` builds features from it the same way,
/// one batch at a time.
pub fn read_and_clean(
    files: &[(PathBuf, PathBuf)],
    opts: &Options,
) -> anyhow::Result<(Vec<Cleaned>, Vec<Problem>)> {
    let lexicon = load_lexicon(opts)?;
    let spill_dir = opts.spill_dir.clone().unwrap_or_else(std::env::temp_dir);
    let (reading, problems) = read_files(files, opts, &lexicon, &spill_dir)?;
    let mut cleaned = Vec::with_capacity(reading.labels.len());
    let bar = progress(opts.progress, reading.labels.len() as u64, "cleaning");
    let ids: Vec<usize> = (0..reading.labels.len()).collect();
    clean_articles(&reading, &ids, &bar, |batch| {
        cleaned.extend(batch.into_iter().map(|(_, c)| c))
    })?;
    bar.finish_and_clear();
    Ok((cleaned, problems))
}

pub(crate) fn load_lexicon(opts: &Options) -> anyhow::Result<Lexicon> {
    let mut lexicon = Lexicon::builtin();
    if let Some(path) = &opts.lexicon {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("{}: cannot read lexicon: {e}", path.display()))?;
        let user = Lexicon::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        lexicon.extend(user);
    }
    Ok(lexicon)
}

/// What the first reading keeps of every article: the article itself (in a blob store, so
/// the second pass need not read the files again) and its line labels.
pub(crate) struct Reading {
    pub(crate) articles: BlobStore,
    pub(crate) labels: Vec<Vec<Option<Kind>>>,
}

/// Line labels of one article from the rules alone (lexicon, line shape, the HTML
/// extractor's verdict); templates across articles come after.
fn label_article(a: &Article, lexicon: &Lexicon) -> Vec<Option<Kind>> {
    let lines: Vec<&str> = a.lines.iter().map(String::as_str).collect();
    let mut l = boilerplate::label_lines(&lines, lexicon);
    // Lines an HTML extractor left out of the body are boilerplate even when no rule names
    // their type.
    for (i, outside) in a.outside_body.iter().enumerate() {
        if *outside && l[i].is_none() && !lines[i].trim().is_empty() {
            l[i] = Some(boilerplate::kind_of_discarded(lines[i]));
        }
    }
    l
}

/// First reading: every article's line labels, then templates across all of them. Each
/// article goes to the blob store as read; only its labels and a text-free template summary
/// stay in memory.
pub(crate) fn read_files(
    files: &[(PathBuf, PathBuf)],
    opts: &Options,
    lexicon: &Lexicon,
    spill_dir: &Path,
) -> anyhow::Result<(Reading, Vec<Problem>)> {
    let bar = progress(opts.progress, files.len() as u64, "reading");
    let mut problems = Vec::new();
    let mut articles = BlobStore::new(spill_dir, store::DEFAULT_MEMORY_BUDGET);
    let mut labels = Vec::new();
    let mut inputs: Vec<TemplateInput> = Vec::new();
    for batch in files.chunks(BATCH_FILES) {
        let read: Vec<(Vec<FirstReading>, Vec<Problem>)> = batch
            .par_iter()
            .map(|(root, f)| {
                let (found, mut probs) = ingest::read_file(root, f, &opts.json_fields);
                let done = found
                    .iter()
                    .map(|a| {
                        if a.invalid_utf8 {
                            probs.push(Problem {
                                path: a.path.clone(),
                                message: "invalid UTF-8; bad bytes replaced".into(),
                            });
                        }
                        if let Some(charset) = a.legacy_charset {
                            probs.push(Problem {
                                path: a.path.clone(),
                                message: format!(
                                    "not UTF-8 and no charset declared; read as {} (detected)",
                                    ingest::charset_label(charset)
                                ),
                            });
                        }
                        let l = label_article(a, lexicon);
                        let lines: Vec<&str> = a.lines.iter().map(String::as_str).collect();
                        let t = boilerplate::template_input(&lines, &l);
                        let mut e = Encoder::default();
                        a.encode(&mut e);
                        (e.bytes, l, t)
                    })
                    .collect();
                bar.inc(1);
                (done, probs)
            })
            .collect();
        for (done, probs) in read {
            for (blob, l, t) in done {
                articles
                    .push(&blob)
                    .map_err(|e| anyhow::anyhow!("cannot keep articles: {e}"))?;
                labels.push(l);
                inputs.push(t);
            }
            problems.extend(probs);
        }
    }
    articles
        .seal()
        .map_err(|e| anyhow::anyhow!("cannot keep articles: {e}"))?;
    bar.finish_and_clear();
    boilerplate::mark_templates_from(&inputs, &mut labels);
    Ok((Reading { articles, labels }, problems))
}

/// One article after the first reading: its blob, its line labels, and what template
/// detection needs.
type FirstReading = (Vec<u8>, Vec<Option<Kind>>, TemplateInput);

/// Articles handled together in one parallel batch of the second pass.
const BATCH_ARTICLES: usize = 4_096;

/// Second pass over the articles `ids` (in order), one batch at a time: each article taken
/// from the blob store and cleaned with its labels; `sink` gets every batch in order, each
/// article with its id.
pub(crate) fn clean_articles(
    reading: &Reading,
    ids: &[usize],
    bar: &ProgressBar,
    mut sink: impl FnMut(Vec<(usize, Cleaned)>),
) -> anyhow::Result<()> {
    for batch in ids.chunks(BATCH_ARTICLES) {
        let done: Vec<(usize, Cleaned)> = batch
            .par_iter()
            .map(|&id| {
                let mut buf = Vec::new();
                let a = reading
                    .articles
                    .read(id, &mut buf)
                    .and_then(|_| Article::decode(&buf))
                    .map_err(|e| anyhow::anyhow!("cannot read back article {id}: {e}"))?;
                bar.inc(1);
                Ok((id, clean_article(a, &reading.labels[id])))
            })
            .collect::<anyhow::Result<_>>()?;
        sink(done);
    }
    Ok(())
}

/// Title, boilerplate evidence and clean body of one article. The raw lines are dropped here.
fn clean_article(mut a: Article, labels: &[Option<Kind>]) -> Cleaned {
    let is_bp = |i: usize| labels.get(i).copied().flatten().is_some();
    let title = ingest::title_line(&a.lines, is_bp);
    if let Some(t) = title {
        if a.meta.title.is_none() {
            a.meta.title = Some(a.lines[t].trim().to_string());
        }
    }
    // A line repeating the title known from metadata (HTML, JSON lines) is the headline, not body.
    let known_title = a.meta.title.as_deref().map(str::trim).unwrap_or("");
    let body: Vec<String> = a
        .lines
        .iter()
        .enumerate()
        .filter(|&(i, l)| {
            !is_bp(i) && Some(i) != title && !l.trim().is_empty() && l.trim() != known_title
        })
        .map(|(_, l)| l.trim().to_string())
        .collect();
    if a.meta.title.is_none() {
        a.meta.title = body.first().map(|p| first_words(p, 12));
    }
    let boilerplate: Vec<BoilerplateLine> = labels
        .iter()
        .enumerate()
        .filter_map(|(i, k)| {
            k.map(|kind| BoilerplateLine {
                line: i + 1,
                kind,
                text: a.lines[i].trim().to_string(),
            })
        })
        .collect();
    let has = |k: Kind| boilerplate.iter().any(|b| b.kind == k);
    let marks = PageMarks {
        credits_other_site: a.meta.credited_site().is_some(),
        bare_source_line: a.meta.source_credit.is_some(),
        read_more: has(Kind::ReadMore),
        related_links: has(Kind::RelatedLinks),
        share_bar: has(Kind::ShareBar),
        author_bio: has(Kind::AuthorBio),
        dateline: body.first().is_some_and(|p| attribution::has_dateline(p)),
    };
    Cleaned {
        article: Analysed {
            path: a.path,
            format: a.format,
            meta: a.meta,
            invalid_utf8: a.invalid_utf8,
            legacy_charset: a.legacy_charset,
            lang: "",
            words: 0,
            boilerplate,
            marks,
            family: None,
            role: Role::Independent,
            copied_from: None,
            generation: None,
        },
        body,
    }
}

/// Articles stitched from verbatim parts of two or more articles that are not copies of each
/// other (mashups): each part is a partial copy that covers only some of the article.
fn composites(n: usize, pairs: &[PairScore]) -> Vec<usize> {
    use std::collections::HashSet;
    /// A partner containing more than this share of the article is its whole source, not a part.
    const PART: f32 = 0.8;
    let copies: HashSet<(u32, u32)> = pairs
        .iter()
        .filter(|p| p.relation.is_copy())
        .map(|p| (p.a, p.b))
        .collect();
    let related = |x: u32, y: u32| copies.contains(&(x.min(y), x.max(y)));
    let mut parts: Vec<Vec<u32>> = vec![Vec::new(); n];
    for p in pairs.iter().filter(|p| p.relation == Relation::PartialCopy) {
        if p.signals.containment_ab < PART {
            parts[p.a as usize].push(p.b);
        }
        if p.signals.containment_ba < PART {
            parts[p.b as usize].push(p.a);
        }
    }
    (0..n)
        .filter(|&i| {
            let ps = &parts[i];
            ps.iter()
                .enumerate()
                .any(|(k, &x)| ps[k + 1..].iter().any(|&y| !related(x, y)))
        })
        .collect()
}

fn first_words(p: &str, n: usize) -> String {
    let words: Vec<&str> = p.split_whitespace().collect();
    if words.len() <= n {
        words.join(" ")
    } else {
        format!("{} ...", words[..n].join(" "))
    }
}

/// Prepares standalone texts for pairwise scoring, outside a folder scan (evaluation sets of
/// sentence pairs or book-length documents). Paragraphs are blocks separated by blank lines, so
/// hard-wrapped text is joined back; no boilerplate detection. Word weights come from the
/// background table blended with these texts' own statistics, as in a scan.
pub fn prepare_texts(texts: &[&str], lang: &LanguageChoice) -> Vec<Prepared> {
    let feats: Vec<ArticleFeatures> = texts
        .par_iter()
        .map(|t| {
            let paragraphs: Vec<String> = t
                .split("\n\n")
                .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|p| !p.is_empty())
                .collect();
            let refs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
            features::extract(&refs, lang.of(&refs))
        })
        .collect();
    let weights = Weights::from_articles(&feats);
    feats
        .par_iter()
        .map(|f| Prepared::new(f, &weights))
        .collect()
}

/// A progress bar on standard error, drawn only when asked for and standard error is a terminal.
pub fn progress(enabled: bool, len: u64, what: &'static str) -> ProgressBar {
    if !enabled || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what);
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Stage timings for `--verbose`: wall time since the run started and the process's resident
/// memory (now and peak, from /proc where there is one) after each stage.
pub struct StageClock {
    start: std::time::Instant,
    enabled: bool,
}

impl StageClock {
    pub fn new(enabled: bool) -> StageClock {
        StageClock {
            start: std::time::Instant::now(),
            enabled,
        }
    }

    pub fn done(&self, stage: &str, detail: std::fmt::Arguments) {
        if !self.enabled {
            return;
        }
        let (rss, peak) = memory_mb();
        eprintln!(
            "spinscan: {:>8.2}s  {stage:<12} rss {rss} MB, peak {peak} MB  {detail}",
            self.start.elapsed().as_secs_f64()
        );
    }
}

/// Resident and peak resident memory in MB (VmRSS, VmHWM), or zeros where /proc is missing.
fn memory_mb() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

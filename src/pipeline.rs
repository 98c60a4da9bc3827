//! The pipeline: runs the stages in order over a folder and returns everything the reports
//! need. `scan` writes this [`Analysis`] out; `eval` compares it with labels. Both call [`run`],
//! so what is measured is what users get.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::attribution::{self, ArticleEvidence, Direction, Origin, PageMarks};
use crate::boilerplate::{self, Kind, Lexicon};
use crate::features::{self, ArticleFeatures, Language, Weights};
use crate::ingest::{self, Article, JsonFields, Metadata, Problem};
use crate::score::{self, PairScore, Params, Prepared, Relation};
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
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lang: "en".into(),
            lexicon: None,
            params: Params::DEFAULT,
            progress: false,
            keep_features: false,
            json_fields: JsonFields::default(),
            candidates: candidates::Strategy::Auto,
            verbose: false,
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
    pub words: u32,
    pub boilerplate: Vec<BoilerplateLine>,
    /// Content-farm marks found on the page (their weight: [`attribution::farm_marks`]).
    pub marks: PageMarks,
    /// Index into [`Analysis::families`] (families of two or more only).
    pub family: Option<usize>,
    pub role: Role,
    /// For a copy: the article it was most likely taken from (index into `articles`).
    pub copied_from: Option<u32>,
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
    pub fn copy_pairs(&self) -> usize {
        self.pairs
            .iter()
            .filter(|p| p.score.relation.is_copy())
            .count()
    }
}

/// Runs every stage over the articles under `root`.
pub fn run(root: &Path, opts: &Options) -> anyhow::Result<Analysis> {
    let lang = Language::new(&opts.lang)?;
    let clock = StageClock::new(opts.verbose);
    let found = ingest::discover(root)?;
    clock.done("discover", format_args!("{} files", found.files.len()));
    let files: Vec<(PathBuf, PathBuf)> = found
        .files
        .iter()
        .map(|f| (root.to_path_buf(), f.clone()))
        .collect();
    let (cleaned, mut problems) = read_and_clean(&files, opts)?;
    problems.splice(0..0, found.problems);
    clock.done("clean", format_args!("{} articles", cleaned.len()));

    // Features.
    let bar = progress(opts.progress, cleaned.len() as u64, "analysing");
    let extracted: Vec<(Analysed, ArticleFeatures)> = cleaned
        .into_par_iter()
        .map(|c| {
            let body: Vec<&str> = c.body.iter().map(String::as_str).collect();
            let feats = features::extract(&body, &lang);
            let mut analysed = c.article;
            analysed.words = feats.words;
            bar.inc(1);
            (analysed, feats)
        })
        .collect();
    bar.finish_and_clear();
    let (mut analysed, feats): (Vec<Analysed>, Vec<ArticleFeatures>) =
        extracted.into_iter().unzip();
    clock.done("features", format_args!(""));
    let weights = Weights::from_articles(&feats);
    let mut evidence: Vec<ArticleEvidence> = analysed
        .iter()
        .map(|a| ArticleEvidence {
            date: a.meta.date.clone(),
            farm: attribution::farm_marks(a.marks),
            own_site: a.meta.own_site(),
            credited_site: a.meta.credited_site(),
            composite: false,
        })
        .collect();
    // Candidate signatures come from the features, before they are taken over.
    let signatures: Option<Vec<candidates::Signature>> = opts
        .candidates
        .uses_index(feats.len())
        .then(|| feats.par_iter().map(candidates::signature).collect());
    let (prepared, kept_features): (Vec<Prepared>, Vec<ArticleFeatures>) = if opts.keep_features {
        (
            feats
                .par_iter()
                .map(|f| Prepared::new(f, &weights))
                .collect(),
            feats,
        )
    } else {
        let prepared = feats
            .into_par_iter()
            .map(|f| Prepared::from_features(f, &weights))
            .collect();
        (prepared, Vec::new())
    };
    clock.done("prepare", format_args!(""));

    // Candidates and pair scoring.
    let n = prepared.len();
    let params = opts.params;
    let score = |(i, j): (u32, u32)| {
        let s = score::score_pair(i, j, &prepared[i as usize], &prepared[j as usize], &params);
        (s.relation != Relation::Unrelated).then_some(s)
    };
    let (mut scored, total): (Vec<PairScore>, u64) = if let Some(signatures) = &signatures {
        let pairs = candidates::propose(signatures);
        clock.done("candidates", format_args!("{} pairs", pairs.len()));
        let bar = progress(opts.progress, pairs.len() as u64, "comparing");
        let scored = pairs
            .par_iter()
            .filter_map(|&p| {
                bar.inc(1);
                score(p)
            })
            .collect();
        bar.finish_and_clear();
        (scored, pairs.len() as u64)
    } else {
        let total = candidates::all_pairs_count(n);
        let bar = progress(opts.progress, total, "comparing");
        let scored = candidates::all_pairs(n)
            .filter_map(|(i, j)| {
                if j == i + 1 {
                    bar.inc((n - 1 - i as usize) as u64);
                }
                score((i, j))
            })
            .collect();
        bar.finish_and_clear();
        (scored, total)
    };
    scored.sort_by_key(|p| (p.a, p.b));
    clock.done("score", format_args!("{} related pairs", scored.len()));

    // Families and attribution.
    for i in composites(n, &scored) {
        evidence[i].composite = true;
    }
    let groups = families::group(n, &scored);
    let pairs: Vec<Pair> = scored
        .into_iter()
        .map(|s| {
            let direction = s.relation.is_copy().then(|| {
                attribution::direction(&s, &evidence[s.a as usize], &evidence[s.b as usize])
            });
            Pair {
                score: s,
                direction,
            }
        })
        .collect();
    let mut fams = Vec::new();
    for members in groups.into_iter().filter(|m| m.len() >= 2) {
        let inside: Vec<(&PairScore, Direction)> = pairs
            .iter()
            .filter(|p| {
                members.binary_search(&p.score.a).is_ok()
                    && members.binary_search(&p.score.b).is_ok()
            })
            .filter_map(|p| p.direction.map(|d| (&p.score, d)))
            .collect();
        let origin = attribution::origin(&members, &inside);
        let id = fams.len();
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
        fams.push(Family { members, origin });
    }

    problems.sort_by(|a, b| a.path.cmp(&b.path));
    clock.done("families", format_args!("{} families", fams.len()));
    Ok(Analysis {
        root: root.to_path_buf(),
        articles: analysed,
        pairs,
        families: fams,
        problems,
        skipped_other: found.skipped_other,
        pairs_scored: total,
        features: kept_features,
    })
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
/// body. `spinscan extract` shows exactly this; `run` builds features from it.
pub fn read_and_clean(
    files: &[(PathBuf, PathBuf)],
    opts: &Options,
) -> anyhow::Result<(Vec<Cleaned>, Vec<Problem>)> {
    let mut lexicon = Lexicon::english();
    if let Some(path) = &opts.lexicon {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("{}: cannot read lexicon: {e}", path.display()))?;
        let user = Lexicon::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        lexicon.extend(user);
    }
    let mut problems = Vec::new();
    let bar = progress(opts.progress, files.len() as u64, "reading");
    let read: Vec<(Vec<Article>, Vec<Problem>)> = files
        .par_iter()
        .map(|(root, f)| {
            let r = ingest::read_file(root, f, &opts.json_fields);
            bar.inc(1);
            r
        })
        .collect();
    bar.finish_and_clear();
    let clock = StageClock::new(opts.verbose);
    clock.done("read", format_args!(""));
    let mut articles = Vec::with_capacity(read.len());
    for (arts, probs) in read {
        problems.extend(probs);
        for a in arts {
            if a.invalid_utf8 {
                problems.push(Problem {
                    path: a.path.clone(),
                    message: "invalid UTF-8; bad bytes replaced".into(),
                });
            }
            articles.push(a);
        }
    }

    let mut labels: Vec<Vec<Option<Kind>>> = articles
        .par_iter()
        .map(|a| {
            let lines: Vec<&str> = a.lines.iter().map(String::as_str).collect();
            let mut l = boilerplate::label_lines(&lines, &lexicon);
            // Lines an HTML extractor left out of the body are boilerplate even when no
            // rule names their type.
            for (i, outside) in a.outside_body.iter().enumerate() {
                if *outside && l[i].is_none() && !lines[i].trim().is_empty() {
                    l[i] = Some(boilerplate::kind_of_discarded(lines[i]));
                }
            }
            l
        })
        .collect();
    clock.done("label", format_args!(""));
    {
        let all: Vec<Vec<&str>> = articles
            .iter()
            .map(|a| a.lines.iter().map(String::as_str).collect())
            .collect();
        boilerplate::mark_templates(&all, &mut labels);
    }
    clock.done("templates", format_args!(""));
    let cleaned = articles
        .into_par_iter()
        .zip(labels.into_par_iter())
        .map(|(a, l)| clean_article(a, &l))
        .collect();
    Ok((cleaned, problems))
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
    };
    Cleaned {
        article: Analysed {
            path: a.path,
            format: a.format,
            meta: a.meta,
            invalid_utf8: a.invalid_utf8,
            words: 0,
            boilerplate,
            marks,
            family: None,
            role: Role::Independent,
            copied_from: None,
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
pub fn prepare_texts(texts: &[&str], lang: &Language) -> Vec<Prepared> {
    let feats: Vec<ArticleFeatures> = texts
        .par_iter()
        .map(|t| {
            let paragraphs: Vec<String> = t
                .split("\n\n")
                .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|p| !p.is_empty())
                .collect();
            let refs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
            features::extract(&refs, lang)
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

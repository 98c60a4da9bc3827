//! Incremental runs against a persistent state (`spinscan scan DIR --state FILE`): the cron
//! mode. Only new and changed files are read; they are compared with everything indexed
//! before (by the same candidate rule as a full scan) and with each other; old text is never
//! read again. The full reports are rebuilt from the state, and `new_pairs.csv` holds the
//! copies that involve an article new or changed in this run.
//!
//! Order of a run, and what a crash at each point leaves (see [`crate::state`]):
//! lock -> read new files -> write the state in one transaction -> commit -> write the reports
//! (each to a temporary file, renamed) -> mark the run reported. A crash before the commit
//! leaves the state as it was; after it, the next run reports this run's pairs again.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, UNIX_EPOCH};

use rayon::prelude::*;
use rusqlite::{params, OptionalExtension, TransactionBehavior};

use crate::candidates::{self, Signature};
use crate::features::{ArticleFeatures, DocFrequencies, LanguageChoice, Weights};
use crate::ingest::{self, Problem};
use crate::pipeline::{self, Analysed, Analysis, Options};
use crate::report;
use crate::score::{self, PairScore, Params, Prepared};
use crate::state::{lock, State};
use crate::store::Encoder;
use crate::text::hash64;

/// What an incremental run did, for the summary line and the exit code.
#[derive(Debug, Default)]
pub struct RunSummary {
    pub new_files: usize,
    pub changed_files: usize,
    pub gone_files: usize,
    pub unchanged_files: usize,
    /// Live articles in the state after the run.
    pub indexed: usize,
    /// Copy pairs written to new_pairs.csv.
    pub new_copies: usize,
    pub problems: Vec<Problem>,
    pub seconds: f64,
}

impl RunSummary {
    pub fn line(&self, out: &Path) -> String {
        format!(
            "spinscan: {} new, {} changed, {} gone, {} unchanged files; {} articles indexed; {} new copy pairs -> {} ({:.1} s)",
            self.new_files,
            self.changed_files,
            self.gone_files,
            self.unchanged_files,
            self.indexed,
            self.new_copies,
            out.join("new_pairs.csv").display(),
            self.seconds
        )
    }
}

/// The file an article came from: its path, or for a JSON-lines record (`FILE#LINE`) the
/// part before the line number. A `#` in a plain file's name stays.
fn file_of(article: &str) -> String {
    if let Some((file, line)) = article.rsplit_once('#') {
        // A record of a JSON-lines file (`#LINE`) or of a WARC file (`#OFFSET`).
        let records = matches!(
            ingest::InputFormat::of(Path::new(file)),
            Some(ingest::InputFormat::JsonLines | ingest::InputFormat::Warc)
        );
        if records && !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit()) {
            return file.to_string();
        }
    }
    article.to_string()
}

/// Test hooks: `SPINSCAN_PAUSE_AT=POINT:MILLIS` sleeps at a point, `SPINSCAN_ABORT_AT=POINT`
/// aborts the process there (as kill -9 would). Points: `locked`, `indexed`, `committed`,
/// `reported`.
fn checkpoint(point: &str) {
    if let Ok(v) = std::env::var("SPINSCAN_PAUSE_AT") {
        if let Some((p, ms)) = v.split_once(':') {
            if p == point {
                std::thread::sleep(Duration::from_millis(ms.parse().unwrap_or(0)));
            }
        }
    }
    if std::env::var("SPINSCAN_ABORT_AT").is_ok_and(|p| p == point) {
        std::process::abort();
    }
}

/// A file found on disk: relative path, path, and (size, modification time in ns) when it
/// could be read.
type Stat = (String, PathBuf, Option<(u64, i64)>);

/// A new article as it goes into the state: path, report row, features and signature blobs,
/// and the features themselves (for the document frequencies).
type Indexed = (String, Vec<u8>, Vec<u8>, Vec<u8>, ArticleFeatures);

/// A file on disk as the state remembers it.
struct Known {
    size: u64,
    mtime_ns: i64,
    hash: i64,
}

fn sql(e: rusqlite::Error) -> anyhow::Error {
    anyhow::anyhow!("state: {e}")
}

/// Runs an incremental scan of `root` against the state at `state_path` and writes the
/// reports into `out`.
pub fn run(
    root: &Path,
    state_path: &Path,
    out: &Path,
    wait: Duration,
    opts: &Options,
) -> anyhow::Result<RunSummary> {
    let started = Instant::now();
    let lang = LanguageChoice::parse(&opts.lang)?;
    let _lock = lock::acquire(state_path, wait)?;
    checkpoint("locked");
    let mut state = State::open_or_create(state_path)?;
    let mut summary = RunSummary::default();
    let found = ingest::discover(root)?;
    summary.problems.extend(found.problems);

    let tx = state
        .conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sql)?;
    tx.execute(
        "INSERT INTO runs (started, root) VALUES (?1, ?2)",
        params![lock::utc_now(), root.display().to_string()],
    )
    .map_err(sql)?;
    let run_id = tx.last_insert_rowid();

    // Which files are new, changed, unchanged or gone.
    let mut known: HashMap<String, Known> = HashMap::new();
    {
        let mut q = tx
            .prepare("SELECT path, size, mtime_ns, hash FROM files WHERE gone_run IS NULL")
            .map_err(sql)?;
        let rows = q
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    Known {
                        size: r.get::<_, i64>(1)? as u64,
                        mtime_ns: r.get(2)?,
                        hash: r.get(3)?,
                    },
                ))
            })
            .map_err(sql)?;
        for row in rows {
            let (p, k) = row.map_err(sql)?;
            known.insert(p, k);
        }
    }
    let stats: Vec<Stat> = found
        .files
        .par_iter()
        .map(|f| {
            let rel = ingest::relative_path(root, f);
            let meta = std::fs::metadata(f).ok().map(|m| {
                let mtime = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos() as i64);
                (m.len(), mtime)
            });
            (rel, f.clone(), meta)
        })
        .collect();
    let on_disk: HashSet<&str> = stats.iter().map(|s| s.0.as_str()).collect();
    let gone: Vec<String> = known
        .keys()
        .filter(|p| !on_disk.contains(p.as_str()))
        .cloned()
        .collect();
    // Files whose size or time moved are hashed: same bytes means only touched.
    let candidates: Vec<(String, PathBuf, u64, i64, bool)> = stats
        .into_iter()
        .filter_map(|(rel, f, meta)| {
            let (size, mtime) = meta?;
            match known.get(&rel) {
                Some(k) if k.size == size && k.mtime_ns == mtime => None,
                Some(_) => Some((rel, f, size, mtime, true)),
                None => Some((rel, f, size, mtime, false)),
            }
        })
        .collect();
    let hashed: Vec<(String, PathBuf, u64, i64, bool, i64)> = candidates
        .into_par_iter()
        .map(|(rel, f, size, mtime, was_known)| {
            let h = std::fs::read(&f).map_or(0, |b| hash64(&b) as i64);
            (rel, f, size, mtime, was_known, h)
        })
        .collect();
    let mut to_read: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut changed: Vec<String> = Vec::new();
    let mut file_rows: Vec<(String, u64, i64, i64)> = Vec::new();
    for (rel, f, size, mtime, was_known, h) in hashed {
        let same = was_known && known.get(&rel).is_some_and(|k| k.hash == h);
        file_rows.push((rel.clone(), size, mtime, h));
        if same {
            continue; // touched, not changed
        }
        if was_known {
            changed.push(rel);
            summary.changed_files += 1;
        } else {
            summary.new_files += 1;
        }
        to_read.push((root.to_path_buf(), f));
    }
    summary.gone_files = gone.len();
    summary.unchanged_files = found.files.len() - summary.new_files - summary.changed_files;

    // Document frequencies over the live articles: take out what leaves the folder.
    let mut df = match tx
        .query_row("SELECT value FROM meta WHERE key = 'df'", [], |r| {
            r.get::<_, Vec<u8>>(0)
        })
        .optional()
        .map_err(sql)?
    {
        Some(blob) => DocFrequencies::decode(&blob)
            .map_err(|e| anyhow::anyhow!("state: document frequencies: {e}"))?,
        None => DocFrequencies::default(),
    };
    for file in gone.iter().chain(&changed) {
        let mut q = tx
            .prepare(
                "SELECT a.path, f.blob FROM articles a JOIN features f ON f.path = a.path
                 WHERE a.file = ?1",
            )
            .map_err(sql)?;
        let old: Vec<(String, Vec<u8>)> = q
            .query_map([file], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(sql)?
            .collect::<Result<_, _>>()
            .map_err(sql)?;
        for (path, blob) in old {
            if let Ok(f) = ArticleFeatures::decode(&blob) {
                df.remove(&f);
            }
            tx.execute("DELETE FROM pairs WHERE a = ?1 OR b = ?1", [&path])
                .map_err(sql)?;
        }
        tx.execute(
            "DELETE FROM features WHERE path IN (SELECT path FROM articles WHERE file = ?1)",
            [file],
        )
        .map_err(sql)?;
        tx.execute("DELETE FROM articles WHERE file = ?1", [file])
            .map_err(sql)?;
    }
    for file in &gone {
        tx.execute(
            "UPDATE files SET gone_run = ?2 WHERE path = ?1",
            params![file, run_id],
        )
        .map_err(sql)?;
    }
    {
        let mut upsert = tx
            .prepare(
                "INSERT INTO files (path, size, mtime_ns, hash, gone_run) VALUES (?1, ?2, ?3, ?4, NULL)
                 ON CONFLICT(path) DO UPDATE SET size = ?2, mtime_ns = ?3, hash = ?4, gone_run = NULL",
            )
            .map_err(sql)?;
        for (rel, size, mtime, h) in &file_rows {
            upsert
                .execute(params![rel, *size as i64, mtime, h])
                .map_err(sql)?;
        }
    }

    // Read, clean and extract the new and changed files; keep them in the state.
    let lexicon = pipeline::load_lexicon(opts)?;
    let spill_dir = opts.spill_dir.clone().unwrap_or_else(std::env::temp_dir);
    let (reading, problems) = pipeline::read_files(&to_read, opts, &lexicon, &spill_dir)?;
    summary.problems.extend(problems);
    // Each batch goes straight into the state: a first index of a million articles does not
    // fit in memory. Signatures depend on the article alone, so they go in with it.
    let ids: Vec<usize> = (0..reading.labels.len()).collect();
    let bar = pipeline::progress(opts.progress, ids.len() as u64, "analysing");
    let mut insert_error = None;
    let mut insert = tx
        .prepare(
            "INSERT OR REPLACE INTO articles (path, file, run, signature, analysed)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .map_err(sql)?;
    let mut insert_features = tx
        .prepare("INSERT OR REPLACE INTO features (path, blob) VALUES (?1, ?2)")
        .map_err(sql)?;
    pipeline::clean_articles(&reading, &ids, &bar, |batch| {
        let done: Vec<Indexed> = batch
            .into_par_iter()
            .map(|(_, c)| {
                let feats = pipeline::extract_body(&c.body, &lang);
                let mut a = c.article;
                a.words = feats.words;
                a.lang = crate::features::Language::get(feats.lang).code;
                let (mut ea, mut ef, mut es) =
                    (Encoder::default(), Encoder::default(), Encoder::default());
                a.encode(&mut ea);
                feats.encode(&mut ef);
                candidates::signature(&feats).encode(&mut es);
                (a.path, ea.bytes, ef.bytes, es.bytes, feats)
            })
            .collect();
        for (path, analysed, features, signature, feats) in done {
            df.add(&feats);
            let r = insert
                .execute(params![path, file_of(&path), run_id, signature, analysed])
                .and_then(|_| insert_features.execute(params![path, features]));
            if let Err(e) = r {
                insert_error.get_or_insert(e);
            }
        }
    })?;
    bar.finish_and_clear();
    drop(insert);
    drop(insert_features);
    drop(reading);
    if let Some(e) = insert_error {
        return Err(sql(e));
    }
    let mut e = Encoder::default();
    df.encode(&mut e);
    tx.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('df', ?1)",
        [e.bytes],
    )
    .map_err(sql)?;
    let weights = Weights::from_df(df);

    // Candidates: every live article's signature, in path order (article numbering).
    let mut rows: Vec<(String, bool, Vec<u8>)> = Vec::new();
    {
        // Storage order, sorted here: reading in path order would seek row by row.
        let mut q = tx
            .prepare("SELECT path, run, signature FROM articles")
            .map_err(sql)?;
        let mut cursor = q.query([]).map_err(sql)?;
        while let Some(r) = cursor.next().map_err(sql)? {
            rows.push((r.get(0)?, r.get::<_, i64>(1)? == run_id, r.get(2)?));
        }
    }
    rows.par_sort_unstable_by(|x, y| x.0.cmp(&y.0));
    let signatures: Vec<Signature> = rows
        .par_iter()
        .map(|(path, _, blob)| {
            Signature::decode(blob).map_err(|e| anyhow::anyhow!("state: signature of {path}: {e}"))
        })
        .collect::<anyhow::Result<_>>()?;
    let is_new: Vec<bool> = rows.iter().map(|r| r.1).collect();
    let paths: Vec<String> = rows.into_iter().map(|r| r.0).collect();
    let pairs = candidates::propose_involving(&signatures, &is_new);
    drop(signatures);

    // Score them, a chunk of pairs at a time (features loaded from the state).
    let params_ = opts.params;
    let mut found_pairs: Vec<PairScore> = Vec::new();
    for chunk in pairs.chunks(20_000) {
        let mut need: Vec<u32> = chunk.iter().flat_map(|&(a, b)| [a, b]).collect();
        need.sort_unstable();
        need.dedup();
        let mut blobs: Vec<(u32, Vec<u8>)> = Vec::with_capacity(need.len());
        {
            let mut q = tx
                .prepare("SELECT blob FROM features WHERE path = ?1")
                .map_err(sql)?;
            for &i in &need {
                let blob: Vec<u8> = q
                    .query_row([&paths[i as usize]], |r| r.get(0))
                    .map_err(sql)?;
                blobs.push((i, blob));
            }
        }
        let prepared: HashMap<u32, Prepared> = blobs
            .into_par_iter()
            .map(|(i, blob)| {
                ArticleFeatures::decode(&blob)
                    .map(|f| (i, Prepared::from_features(f, &weights)))
                    .map_err(|e| anyhow::anyhow!("state: features of {}: {e}", paths[i as usize]))
            })
            .collect::<anyhow::Result<_>>()?;
        found_pairs.extend(
            chunk
                .par_iter()
                .filter_map(|&(i, j)| {
                    let s = score::score_pair(i, j, &prepared[&i], &prepared[&j], &params_);
                    score::is_kept(&s, &params_).then_some(s)
                })
                .collect::<Vec<_>>(),
        );
    }
    {
        let mut insert = tx
            .prepare("INSERT OR REPLACE INTO pairs (a, b, run, pair) VALUES (?1, ?2, ?3, ?4)")
            .map_err(sql)?;
        for p in &found_pairs {
            let mut e = Encoder::default();
            p.encode(&mut e);
            insert
                .execute(params![
                    paths[p.a as usize],
                    paths[p.b as usize],
                    run_id,
                    e.bytes
                ])
                .map_err(sql)?;
        }
    }
    summary.indexed = paths.len();
    let new_copies = found_pairs.iter().filter(|p| p.relation.is_copy()).count();
    tx.execute(
        "UPDATE runs SET finished = ?2, new_files = ?3, changed_files = ?4, gone_files = ?5,
         articles = ?6, new_copies = ?7 WHERE id = ?1",
        params![
            run_id,
            lock::utc_now(),
            summary.new_files as i64,
            summary.changed_files as i64,
            summary.gone_files as i64,
            paths.len() as i64,
            new_copies as i64
        ],
    )
    .map_err(sql)?;
    checkpoint("indexed");
    tx.commit().map_err(sql)?;
    checkpoint("committed");

    // Reports from the state: every live article and pair; the new pairs are those of runs
    // whose reports were not delivered yet (this one, and any that crashed after committing).
    let analysis = load_analysis(&state, root, &paths, &opts.params)?;
    let unreported: HashSet<i64> = {
        let mut q = state
            .conn
            .prepare("SELECT id FROM runs WHERE reported = 0")
            .map_err(sql)?;
        let ids = q
            .query_map([], |r| r.get(0))
            .map_err(sql)?
            .collect::<Result<_, _>>()
            .map_err(sql)?;
        ids
    };
    let pair_runs = pair_runs(&state, &paths)?;
    let which: Vec<usize> = analysis
        .pairs
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            p.score.relation.is_copy()
                && pair_runs
                    .get(&(p.score.a, p.score.b))
                    .is_some_and(|r| unreported.contains(r))
        })
        .map(|(k, _)| k)
        .collect();
    report::write_all(&analysis, out)?;
    report::write_evidence(&analysis, out, opts)?;
    report::write_new_pairs(&analysis, &which, out)?;
    checkpoint("reported");
    state
        .conn
        .execute("UPDATE runs SET reported = 1 WHERE reported = 0", [])
        .map_err(sql)?;
    summary.new_copies = which.len();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Which run found each stored pair, by article numbers.
fn pair_runs(state: &State, paths: &[String]) -> anyhow::Result<HashMap<(u32, u32), i64>> {
    let index: HashMap<&str, u32> = paths
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i as u32))
        .collect();
    let mut q = state
        .conn
        .prepare("SELECT a, b, run FROM pairs")
        .map_err(sql)?;
    let mut out = HashMap::new();
    let mut rows = q.query([]).map_err(sql)?;
    while let Some(r) = rows.next().map_err(sql)? {
        let (a, b): (String, String) = (r.get(0)?, r.get(1)?);
        if let (Some(&i), Some(&j)) = (index.get(a.as_str()), index.get(b.as_str())) {
            out.insert((i.min(j), i.max(j)), r.get(2)?);
        }
    }
    Ok(out)
}

/// The whole folder as the state knows it, families and attribution included.
fn load_analysis(
    state: &State,
    root: &Path,
    paths: &[String],
    params: &Params,
) -> anyhow::Result<Analysis> {
    let index: HashMap<&str, u32> = paths
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i as u32))
        .collect();
    let mut rows: Vec<(String, Vec<u8>)> = Vec::with_capacity(paths.len());
    {
        let mut q = state
            .conn
            .prepare("SELECT path, analysed FROM articles")
            .map_err(sql)?;
        let mut cursor = q.query([]).map_err(sql)?;
        while let Some(r) = cursor.next().map_err(sql)? {
            rows.push((r.get(0)?, r.get(1)?));
        }
    }
    rows.par_sort_unstable_by(|x, y| x.0.cmp(&y.0));
    let articles: Vec<Analysed> = rows
        .par_iter()
        .map(|(path, blob)| {
            Analysed::decode(blob).map_err(|e| anyhow::anyhow!("state: report row of {path}: {e}"))
        })
        .collect::<anyhow::Result<_>>()?;
    let mut scored: Vec<PairScore> = Vec::new();
    {
        let mut q = state
            .conn
            .prepare("SELECT a, b, pair FROM pairs")
            .map_err(sql)?;
        let mut rows = q.query([]).map_err(sql)?;
        while let Some(r) = rows.next().map_err(sql)? {
            let (a, b): (String, String) = (r.get(0)?, r.get(1)?);
            let blob: Vec<u8> = r.get(2)?;
            if let (Some(&i), Some(&j)) = (index.get(a.as_str()), index.get(b.as_str())) {
                let (i, j) = (i.min(j), i.max(j));
                scored.push(
                    PairScore::decode(i, j, &blob)
                        .map_err(|e| anyhow::anyhow!("state: pair {a} / {b}: {e}"))?,
                );
            }
        }
    }
    scored.sort_by_key(|p| (p.a, p.b));
    let mut analysis = pipeline::assemble(articles, scored, params);
    analysis.root = root.to_path_buf();
    Ok(analysis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_map_to_their_files() {
        assert_eq!(file_of("feeds/crawl.jsonl#12"), "feeds/crawl.jsonl");
        assert_eq!(file_of("news/a#1.txt"), "news/a#1.txt");
        assert_eq!(file_of("news/a.txt"), "news/a.txt");
        assert_eq!(file_of("x.ndjson#3"), "x.ndjson");
    }
}

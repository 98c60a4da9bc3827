//! Cross-article template lines: a line that recurs in articles that have nothing else in
//! common is site chrome; a line that recurs in copies of one story is copied content.

use std::collections::HashMap;

use rayon::prelude::*;

use super::lexicon::for_each_word;
use super::line::is_stopword_packed;
use super::Kind;

/// Content-word overlap (shared words / words of the smaller article, the recurring line's own
/// words left out) below which two articles count as unrelated.
const UNRELATED_OVERLAP: f32 = 0.15;
/// Articles of one recurring line that are compared with others.
const MAX_ARTICLES: usize = 24;
/// Partners each examined article is compared with.
const PARTNERS: usize = 4;
/// Fewer content words than this and an article says too little to judge relatedness.
const MIN_WORDS: usize = 12;
/// Longer recurring lines are copied paragraphs, not site chrome.
const MAX_LINE_WORDS: usize = 40;

/// What template detection keeps of one article: hashes only, no text.
///
/// Built by [`template_input`] right after the article's lines are labelled; the text can then
/// be dropped. [`mark_templates_from`] needs, per article, only
/// - its content words (of the lines no rule labelled), to tell whether two articles are
///   related: kept as a set of 32-bit hashes, Elias–Fano coded (about 3.3 bytes a word);
/// - its candidate template lines (unlabelled, short, not reported speech): per line the key
///   (hash of its normalised words), its index, and which of the article's content words are
///   its own (indices into the word set), so that the words of the lines two articles share can
///   be left out of their comparison.
#[derive(Debug, Clone, Default)]
pub struct TemplateInput {
    words: HashSet32,
    /// Candidate line keys, sorted (a key recurs when the article repeats a line).
    keys: Box<[u64]>,
    /// Per entry of `keys`, in the same order, as LEB128 varints: the line index, the number of
    /// its own content words, then their indices into `words` (ascending, as deltas).
    lines: Box<[u8]>,
}

impl TemplateInput {
    /// Heap and inline bytes this input occupies.
    pub fn size_bytes(&self) -> usize {
        std::mem::size_of::<TemplateInput>()
            + self.words.bits.len() * 8
            + self.keys.len() * 8
            + self.lines.len()
    }

    /// Number of distinct content words.
    fn n_words(&self) -> usize {
        self.words.n as usize
    }

    /// Candidate lines in key order: (key, line index, byte offset of its word list in `lines`).
    fn entries(&self) -> impl Iterator<Item = (u64, u32, usize)> + '_ {
        let mut pos = 0;
        self.keys.iter().map(move |&k| {
            let line = read_varint(&self.lines, &mut pos);
            let at = pos;
            let n = read_varint(&self.lines, &mut pos);
            for _ in 0..n {
                read_varint(&self.lines, &mut pos);
            }
            (k, line, at)
        })
    }

    /// Mark in `seen` the word indices of the candidate line whose word list starts at `at`;
    /// returns how many were newly marked.
    fn mark_line_words(&self, at: usize, seen: &mut [bool]) -> usize {
        let mut pos = at;
        let n = read_varint(&self.lines, &mut pos);
        let (mut idx, mut new) = (0usize, 0usize);
        for _ in 0..n {
            idx += read_varint(&self.lines, &mut pos) as usize; // deltas from 0
            if let Some(s) = seen.get_mut(idx) {
                if !*s {
                    *s = true;
                    new += 1;
                }
            }
        }
        new
    }
}

fn push_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a varint written by [`push_varint`]; the buffers are built here, so they are well formed
/// (a truncated one reads as the bits present).
fn read_varint(buf: &[u8], pos: &mut usize) -> u32 {
    let mut v = 0u32;
    let mut shift = 0;
    while let Some(&b) = buf.get(*pos) {
        *pos += 1;
        v |= u32::from(b & 0x7f) << shift;
        if b & 0x80 == 0 || shift >= 28 {
            break;
        }
        shift += 7;
    }
    v
}

/// A set of 32-bit hashes, Elias–Fano coded: each value's low `low` bits packed, then its high
/// bits in unary (bucket counts), about 2 + log2(2^32 / n) bits per value.
#[derive(Debug, Clone, Default)]
struct HashSet32 {
    n: u32,
    low: u32,
    bits: Box<[u64]>,
}

impl HashSet32 {
    /// `sorted` must be ascending without duplicates.
    fn encode(sorted: &[u32]) -> HashSet32 {
        let n = sorted.len();
        if n == 0 {
            return HashSet32::default();
        }
        let ceil_log2 = usize::BITS - (n - 1).leading_zeros(); // 0 for n == 1
        let low = 32u32.saturating_sub(ceil_log2);
        let buckets = 1usize << (32 - low);
        let total = n * low as usize + n + buckets;
        let mut bits = vec![0u64; total.div_ceil(64)];
        let mask = if low == 32 {
            u64::from(u32::MAX)
        } else {
            (1u64 << low) - 1
        };
        let high_start = n * low as usize;
        for (i, &v) in sorted.iter().enumerate() {
            let v = u64::from(v);
            let lo = v & mask;
            if low > 0 {
                let p = i * low as usize;
                bits[p / 64] |= lo << (p % 64);
                if p % 64 + low as usize > 64 {
                    bits[p / 64 + 1] |= lo >> (64 - p % 64);
                }
            }
            let hi = (v >> low) as usize;
            let p = high_start + hi + i;
            bits[p / 64] |= 1 << (p % 64);
        }
        HashSet32 {
            n: n as u32,
            low,
            bits: bits.into_boxed_slice(),
        }
    }

    /// The values, ascending, into `out` (cleared first).
    fn decode(&self, out: &mut Vec<u32>) {
        out.clear();
        let n = self.n as usize;
        if n == 0 {
            return;
        }
        let low = self.low as usize;
        let mask = if low == 32 {
            u64::from(u32::MAX)
        } else {
            (1u64 << low) - 1
        };
        let high_start = n * low;
        let mut i = 0;
        let mut w = high_start / 64;
        let mut word = self.bits[w] & (u64::MAX << (high_start % 64));
        while i < n {
            while word == 0 {
                w += 1;
                word = self.bits[w];
            }
            let p = w * 64 + word.trailing_zeros() as usize;
            word &= word - 1;
            let hi = (p - high_start - i) as u64;
            let lo = if low == 0 {
                0
            } else {
                let q = i * low;
                let mut x = self.bits[q / 64] >> (q % 64);
                if q % 64 + low > 64 {
                    x |= self.bits[q / 64 + 1] << (64 - q % 64);
                }
                x & mask
            };
            out.push(((hi << low) | lo) as u32);
            i += 1;
        }
    }
}

/// SplitMix64 finaliser: spreads every input bit over the whole output.
fn mix(mut h: u64) -> u64 {
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// A word's bytes taken one at a time: its 64-bit hash (eight bytes at a time; only compared
/// within one run, never stored, so it need not match [`crate::text::hash64`]), its first
/// eight bytes packed as [`is_stopword_packed`] wants them, and its length.
#[derive(Default)]
struct WordHash {
    h: u64,
    cur: u64,
    first8: u64,
    len: usize,
}

impl WordHash {
    #[inline]
    fn push(&mut self, b: u8) {
        self.cur |= u64::from(b) << (8 * (self.len % 8));
        self.len += 1;
        if self.len.is_multiple_of(8) {
            if self.len == 8 {
                self.first8 = self.cur;
            }
            self.h = (self.h ^ self.cur).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            self.h ^= self.h >> 32;
            self.cur = 0;
        }
    }

    /// The first eight bytes, zero-padded: the whole word when it has at most eight.
    fn packed(&self) -> u64 {
        if self.len < 8 {
            self.cur
        } else {
            self.first8
        }
    }

    fn finish(&self) -> u64 {
        // cur holds the last 0..=7 bytes; the length keeps "ab" and "ab\0" apart
        mix(self.h ^ (self.cur << 8) ^ self.len as u64)
    }
}

/// [`WordHash`] of a whole word.
fn word_hash(w: &[u8]) -> WordHash {
    let mut h = WordHash::default();
    for &b in w {
        h.push(b);
    }
    h
}

/// Packed (as [`WordHash::packed`]) reporting verbs: a quoted line with one is reported speech.
const SPEECH: [u64; 5] = [
    pack(b"said"),
    pack(b"says"),
    pack(b"told"),
    pack(b"claimed"),
    pack(b"added"),
];

const fn pack(w: &[u8]) -> u64 {
    let mut v = 0u64;
    let mut i = 0;
    while i < w.len() {
        v |= (w[i] as u64) << (8 * i);
        i += 1;
    }
    v
}

/// Running state of [`scan_line`].
struct LineScan {
    key: u64,
    n: usize,
    letters: usize,
    speech: bool,
}

impl LineScan {
    fn new() -> LineScan {
        LineScan {
            key: 0x243f_6a88_85a3_08d3,
            n: 0,
            letters: 0,
            speech: false,
        }
    }

    /// The words of an ASCII line, split as [`for_each_word`] does (letters and digits, an
    /// apostrophe inside a word dropped, `&` and `+` words of their own), byte by byte.
    fn ascii_words(&mut self, b: &[u8], words: &mut Vec<u32>) {
        let mut w = WordHash::default();
        let mut alpha = 0;
        for (i, &c) in b.iter().enumerate() {
            if c.is_ascii_alphanumeric() {
                w.push(c.to_ascii_lowercase());
                alpha += usize::from(c.is_ascii_alphabetic());
            } else if c == b'\'' && w.len > 0 && b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
            {
                // apostrophe inside a word: dropped
            } else {
                if w.len > 0 {
                    self.word(&w, w.len, alpha, words);
                    w = WordHash::default();
                    alpha = 0;
                }
                if c == b'&' || c == b'+' {
                    self.word(&word_hash(&[c]), 1, 0, words);
                }
            }
        }
        if w.len > 0 {
            self.word(&w, w.len, alpha, words);
        }
    }

    /// The words of any line, through [`for_each_word`].
    fn any_words(&mut self, line: &str, buf: &mut String, words: &mut Vec<u32>) {
        for_each_word(line, buf, |w| {
            let w = w.word;
            let alpha = w.chars().filter(|c| c.is_alphabetic()).count();
            self.word(&word_hash(w.as_bytes()), w.chars().count(), alpha, words);
        });
    }

    /// One normalised word (its lower-case bytes hashed in `w`) of `chars` characters, `alpha`
    /// of them letters.
    #[inline]
    fn word(&mut self, w: &WordHash, chars: usize, alpha: usize, words: &mut Vec<u32>) {
        self.n += 1;
        self.letters += alpha;
        let h = w.finish();
        let short = w.len <= 8;
        if chars >= 3 && alpha == chars && !(short && is_stopword_packed(w.packed())) {
            words.push((h >> 32) as u32);
        }
        self.speech |= w.len <= 7 && SPEECH.contains(&w.packed());
        self.key = (self.key.rotate_left(23) ^ h).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// One pass over a line: its content-word hashes (32-bit) appended to `words`, and its key
/// (hash of its sequence of normalised words) when it may be a template line: 2..=40 words, at
/// least 8 letters, and not reported speech.
///
/// An ASCII line is split by [`LineScan::ascii_words`], cheaper than the general path.
fn scan_line(line: &str, buf: &mut String, words: &mut Vec<u32>) -> Option<u64> {
    let mut st = LineScan::new();
    if line.is_ascii() {
        st.ascii_words(line.as_bytes(), words);
    } else {
        st.any_words(line, buf, words);
    }
    let n = st.n;
    if line.len() > MAX_LINE_WORDS * 16 || !(2..=MAX_LINE_WORDS).contains(&n) || st.letters < 8 {
        return None;
    }
    // Reported speech recurs because a story was copied, not because a site repeats it.
    let quoted = line.contains(['"', '“', '”']);
    if quoted && (st.speech || n >= 12) {
        return None;
    }
    Some(mix(st.key ^ n as u64))
}

/// What [`mark_templates_from`] needs of one article: `lines[i]` is line i+1, `labels[i]` its
/// label from label_lines (lines already labelled take no part). Built per article, in
/// parallel; afterwards the article's text can be dropped.
pub fn template_input(lines: &[&str], labels: &[Option<Kind>]) -> TemplateInput {
    let mut buf = String::new();
    let mut words: Vec<u32> = Vec::new();
    // (key, line index, range of the line's own words in `words`)
    let mut cands: Vec<(u64, u32, u32, u32)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !labels.get(i).is_some_and(Option::is_none) {
            continue;
        }
        let from = words.len();
        if let Some(k) = scan_line(line, &mut buf, &mut words) {
            cands.push((k, i as u32, from as u32, words.len() as u32));
        }
    }
    // The candidates' own words, kept aside before `words` is sorted; each candidate's range
    // now points into `own`.
    let mut own: Vec<u32> = Vec::new();
    for c in &mut cands {
        let (a, b) = (c.2 as usize, c.3 as usize);
        c.2 = own.len() as u32;
        own.extend_from_slice(&words[a..b]);
        c.3 = own.len() as u32;
    }
    words.sort_unstable();
    words.dedup();
    cands.sort_unstable_by_key(|c| (c.0, c.1));
    let mut keys = Vec::with_capacity(cands.len());
    let mut blob = Vec::new();
    let mut idx: Vec<u32> = Vec::new();
    for &(k, line, a, b) in &cands {
        keys.push(k);
        push_varint(&mut blob, line);
        idx.clear();
        for h in &own[a as usize..b as usize] {
            // present: `words` holds every word of every candidate line
            idx.push(words.binary_search(h).unwrap_or_else(|e| e) as u32);
        }
        idx.sort_unstable();
        idx.dedup();
        push_varint(&mut blob, idx.len() as u32);
        let mut prev = 0;
        for &i in &idx {
            push_varint(&mut blob, i - prev);
            prev = i;
        }
    }
    TemplateInput {
        words: HashSet32::encode(&words),
        keys: keys.into_boxed_slice(),
        lines: blob.into_boxed_slice(),
    }
}

/// Cross-folder template detection: a line (still None) whose normalised text recurs in >= 2
/// articles that are otherwise unrelated (low content-word overlap outside that line) becomes
/// Kind::Template. A line recurring across copies of ONE story (articles whose other content words
/// overlap a lot, e.g. verbatim copies or rewrites sharing a quote) is copied content and must stay None.
/// `articles[k]` are article k's lines, `labels[k]` its labels from label_lines (modified in place).
///
/// Builds a [`template_input`] per article and calls [`mark_templates_from`].
pub fn mark_templates(articles: &[Vec<&str>], labels: &mut [Vec<Option<Kind>>]) {
    let inputs: Vec<TemplateInput> = articles
        .par_iter()
        .zip(labels.par_iter())
        .map(|(lines, l)| template_input(lines, l))
        .collect();
    mark_templates_from(&inputs, labels);
}

/// Scratch space of one worker comparing articles.
#[derive(Default)]
struct Scratch {
    wx: Vec<u32>,
    wy: Vec<u32>,
    seen: Vec<bool>,
}

/// Two articles are unrelated when, leaving out every line they share word for word, what
/// remains is substantial and has little in common. Copies of one story have little left
/// once their shared lines are gone (or share much of what is left), so they stay related;
/// two stories from one site that share a block of chrome show their different remainder.
///
/// The shared lines' words are in both articles' word sets (the lines are unlabelled in both),
/// so leaving them out takes the same number `e` from each set and from their intersection.
fn unrelated(x: &TemplateInput, y: &TemplateInput, s: &mut Scratch) -> bool {
    let (lx, ly) = (x.n_words(), y.n_words());
    s.seen.clear();
    s.seen.resize(lx, false);
    let mut e = 0usize;
    let mut ey = y.keys.iter().peekable();
    for (k, _, at) in x.entries() {
        while ey.next_if(|&&ky| ky < k).is_some() {}
        if ey.peek().is_some_and(|&&ky| ky == k) {
            e += x.mark_line_words(at, &mut s.seen);
        }
    }
    let nx = lx.saturating_sub(e);
    let ny = ly.saturating_sub(e);
    // Too little left besides the shared lines to judge: treat as related.
    if nx.min(ny) < MIN_WORDS || nx * 2 < lx || ny * 2 < ly {
        return false;
    }
    x.words.decode(&mut s.wx);
    y.words.decode(&mut s.wy);
    let shared = crate::text::intersect_count(&s.wx, &s.wy).saturating_sub(e);
    (shared as f32) < UNRELATED_OVERLAP * nx.min(ny) as f32
}

/// The articles (of `arts`, sorted) whose copy of a recurring line is a template: those found
/// unrelated to a partner; all of them when the line is in very many articles, often unrelated.
/// Depends on `arts` only, so lines recurring in the same articles share one verdict.
fn template_articles(arts: &[u32], inputs: &[TemplateInput], s: &mut Scratch) -> Vec<u32> {
    let examined = &arts[..arts.len().min(MAX_ARTICLES)];
    let m = examined.len();
    let mut witness = vec![false; m];
    let (mut pairs, mut unrel) = (0usize, 0usize);
    let sampling = arts.len() > m;
    // (smaller, larger) -> verdict; few pairs per line, so a list
    let mut verdicts: Vec<((u32, u32), bool)> = Vec::new();
    for i in 0..m {
        for d in 1..=PARTNERS.min(m - 1) {
            if witness[i] && !sampling {
                break;
            }
            let j = (i + d) % m;
            pairs += 1;
            let (x, y) = (examined[i], examined[j]);
            let key = (x.min(y), x.max(y));
            let u = match verdicts.iter().find(|(p, _)| *p == key) {
                Some(&(_, u)) => u,
                None => {
                    let u = unrelated(&inputs[key.0 as usize], &inputs[key.1 as usize], s);
                    verdicts.push((key, u));
                    u
                }
            };
            if u {
                unrel += 1;
                witness[i] = true;
                witness[j] = true;
            }
        }
    }
    if sampling && pairs > 0 && unrel * 10 >= pairs * 3 {
        // a line in very many articles, often unrelated: site-wide template
        return arts.to_vec();
    }
    examined
        .iter()
        .zip(&witness)
        .filter(|(_, &w)| w)
        .map(|(&a, _)| a)
        .collect()
}

/// [`mark_templates`] from the articles' [`template_input`]s: same verdicts, no text.
/// `inputs[k]` and `labels[k]` belong to article k; lines judged template are set to
/// Kind::Template where still None.
pub fn mark_templates_from(inputs: &[TemplateInput], labels: &mut [Vec<Option<Kind>>]) {
    let na = inputs.len().min(labels.len());
    // Every candidate line: (key, article, line), grouped by key, articles and lines ascending.
    let mut occ: Vec<(u64, u32, u32)> = inputs[..na]
        .par_iter()
        .enumerate()
        .flat_map_iter(|(a, inp)| inp.entries().map(move |(k, l, _)| (k, a as u32, l)))
        .collect();
    occ.par_sort_unstable();
    // Recurring lines: runs of one key spanning at least two articles, with their articles.
    let mut groups: Vec<(Vec<u32>, std::ops::Range<usize>)> = Vec::new();
    let mut start = 0;
    while start < occ.len() {
        let k = occ[start].0;
        let mut end = start + 1;
        while end < occ.len() && occ[end].0 == k {
            end += 1;
        }
        let run = &occ[start..end];
        if run.iter().any(|o| o.1 != run[0].1) {
            let mut arts: Vec<u32> = run.iter().map(|o| o.1).collect();
            arts.dedup(); // sorted within the run
            groups.push((arts, start..end));
        }
        start = end;
    }
    if groups.is_empty() {
        return;
    }
    // One verdict per distinct set of articles.
    let mut by_arts: HashMap<&[u32], usize> = HashMap::new();
    let mut distinct: Vec<&[u32]> = Vec::new();
    let group_set: Vec<usize> = groups
        .iter()
        .map(|(arts, _)| {
            *by_arts.entry(arts.as_slice()).or_insert_with(|| {
                distinct.push(arts.as_slice());
                distinct.len() - 1
            })
        })
        .collect();
    let marked: Vec<Vec<u32>> = distinct
        .par_iter()
        .map_init(Scratch::default, |s, arts| {
            template_articles(arts, inputs, s)
        })
        .collect();
    for ((_, range), &set) in groups.iter().zip(&group_set) {
        let m = &marked[set];
        if m.is_empty() {
            continue;
        }
        for &(_, a, l) in &occ[range.clone()] {
            if m.binary_search(&a).is_ok() {
                if let Some(slot) = labels[a as usize].get_mut(l as usize) {
                    if slot.is_none() {
                        *slot = Some(Kind::Template);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_set_round_trip() {
        let mut x: u64 = 7;
        for n in [0usize, 1, 2, 3, 100, 255, 256, 257, 1000] {
            let mut v: Vec<u32> = (0..n)
                .map(|_| {
                    x = mix(x.wrapping_add(1));
                    x as u32
                })
                .collect();
            v.extend([0, u32::MAX].iter().take(n.min(2)));
            v.sort_unstable();
            v.dedup();
            let set = HashSet32::encode(&v);
            let mut out = Vec::new();
            set.decode(&mut out);
            assert_eq!(out, v);
            assert_eq!(set.n as usize, v.len());
        }
    }

    #[test]
    fn ascii_split_matches_general_split() {
        let lines = [
            "Don't miss it: the U.S. & Canada's 2nd-best +plus ''quoted'' rock'n'roll end'",
            "Subscribe to the Quillmoor Courier evening digest today",
            "'  a  ' x' 'y ab'cd 'ef' 7&8 M+S HELLO world's",
            "",
            "...",
        ];
        for l in lines {
            let (mut a, mut b) = (LineScan::new(), LineScan::new());
            let (mut wa, mut wb) = (Vec::new(), Vec::new());
            a.ascii_words(l.as_bytes(), &mut wa);
            b.any_words(l, &mut String::new(), &mut wb);
            assert_eq!(
                (a.key, a.n, a.letters, a.speech),
                (b.key, b.n, b.letters, b.speech)
            );
            assert_eq!(wa, wb, "{l}");
        }
    }

    #[test]
    fn varint_round_trip() {
        let vals = [0u32, 1, 127, 128, 300, 16_383, 16_384, u32::MAX];
        let mut buf = Vec::new();
        for &v in &vals {
            push_varint(&mut buf, v);
        }
        let mut pos = 0;
        for &v in &vals {
            assert_eq!(read_varint(&buf, &mut pos), v);
        }
        assert_eq!(pos, buf.len());
    }
}

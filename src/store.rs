//! Blob store: what a stage keeps of every article between passes, as bytes, in memory while
//! small and in an unnamed temporary file once it grows past a budget.
//!
//! A million articles' features do not fit in a few gigabytes of memory, but each pair of
//! articles needs only its own two. So the features and scoring forms are written here, one
//! blob per article in article order, and read back by id when a pair is scored. Reads are
//! positioned (`pread`), so scoring threads share one file without locks; the operating
//! system's page cache keeps hot blobs in memory without counting them against the process.
//!
//! Invariant: blobs are appended in article order, so blob `k` belongs to article `k`.
//! The temporary file has no name (it is unlinked at creation where the platform allows), so
//! a killed run leaves nothing behind.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Bytes a store keeps in memory before moving to a temporary file.
pub const DEFAULT_MEMORY_BUDGET: usize = 256 << 20;

/// Blobs in article order.
pub struct BlobStore {
    /// Start of each blob, plus the end of the last one.
    offsets: Vec<u64>,
    memory: Vec<u8>,
    /// Buffered: a million small appends must not be a million system calls. Flushed by
    /// [`BlobStore::seal`] before anything is read back.
    file: Option<BufWriter<File>>,
    /// Where the temporary file goes.
    dir: PathBuf,
    budget: usize,
}

impl BlobStore {
    /// A store that spills to a temporary file in `dir` once it holds more than `budget` bytes.
    pub fn new(dir: &Path, budget: usize) -> BlobStore {
        BlobStore {
            offsets: vec![0],
            memory: Vec::new(),
            file: None,
            dir: dir.to_path_buf(),
            budget,
        }
    }

    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Total bytes stored.
    pub fn bytes(&self) -> u64 {
        self.offsets.last().copied().unwrap_or(0)
    }

    /// True while every blob is in memory.
    pub fn in_memory(&self) -> bool {
        self.file.is_none()
    }

    /// Appends the next article's blob.
    pub fn push(&mut self, blob: &[u8]) -> io::Result<()> {
        let end = self.bytes() + blob.len() as u64;
        if let Some(file) = &mut self.file {
            file.write_all(blob)?;
        } else if self.memory.len() + blob.len() > self.budget {
            let file = tempfile::tempfile_in(&self.dir).map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!(
                        "{}: cannot create a temporary file: {e}",
                        self.dir.display()
                    ),
                )
            })?;
            let mut file = BufWriter::with_capacity(1 << 20, file);
            file.write_all(&self.memory)?;
            file.write_all(blob)?;
            self.memory = Vec::new();
            self.file = Some(file);
        } else {
            if self.memory.capacity() == 0 {
                // Reserved once (address space only; pages are touched as blobs arrive):
                // growing by doubling would briefly hold the old and the new buffer.
                self.memory.reserve_exact(self.budget.max(blob.len()));
            }
            self.memory.extend_from_slice(blob);
        }
        self.offsets.push(end);
        Ok(())
    }

    /// Ends writing: everything pushed can be read back from here on.
    pub fn seal(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(file) => file.flush(),
            None => Ok(()),
        }
    }

    /// Reads blob `id` into `buf` (replacing its contents). Call [`BlobStore::seal`] first.
    pub fn read(&self, id: usize, buf: &mut Vec<u8>) -> io::Result<()> {
        let (start, end) = match (self.offsets.get(id), self.offsets.get(id + 1)) {
            (Some(&s), Some(&e)) => (s, e),
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("no blob {id} in the store"),
                ))
            }
        };
        buf.clear();
        match &self.file {
            None => buf.extend_from_slice(&self.memory[start as usize..end as usize]),
            Some(file) => {
                buf.resize((end - start) as usize, 0);
                read_exact_at(file.get_ref(), buf, start)?;
            }
        }
        Ok(())
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

/// Writes plain values into a blob: little-endian numbers, slices prefixed by their length.
#[derive(Default)]
pub struct Encoder {
    pub bytes: Vec<u8>,
}

impl Encoder {
    pub fn u32(&mut self, x: u32) {
        self.bytes.extend_from_slice(&x.to_le_bytes());
    }

    pub fn f32(&mut self, x: f32) {
        self.bytes.extend_from_slice(&x.to_le_bytes());
    }

    /// A length-prefixed run of values; the length is patched in after them.
    fn run<T>(&mut self, xs: impl IntoIterator<Item = T>, put: impl Fn(&mut Vec<u8>, T)) {
        let at = self.bytes.len();
        self.u32(0);
        let mut n = 0u32;
        for x in xs {
            put(&mut self.bytes, x);
            n += 1;
        }
        self.bytes[at..at + 4].copy_from_slice(&n.to_le_bytes());
    }

    pub fn str(&mut self, x: &str) {
        self.u32(x.len() as u32);
        self.bytes.extend_from_slice(x.as_bytes());
    }

    /// An optional string: a presence byte, then the string.
    pub fn opt_str(&mut self, x: Option<&str>) {
        self.bytes.push(u8::from(x.is_some()));
        if let Some(x) = x {
            self.str(x);
        }
    }

    pub fn u32s(&mut self, xs: impl IntoIterator<Item = u32>) {
        self.run(xs, |b, x| b.extend_from_slice(&x.to_le_bytes()));
    }

    pub fn f32s(&mut self, xs: impl IntoIterator<Item = f32>) {
        self.run(xs, |b, x| b.extend_from_slice(&x.to_le_bytes()));
    }

    pub fn u16s(&mut self, xs: impl IntoIterator<Item = u16>) {
        self.run(xs, |b, x| b.extend_from_slice(&x.to_le_bytes()));
    }

    pub fn u64s(&mut self, xs: impl IntoIterator<Item = u64>) {
        self.run(xs, |b, x| b.extend_from_slice(&x.to_le_bytes()));
    }
}

/// Reads back what an [`Encoder`] wrote, in the same order. A short or malformed blob is an
/// error, never a panic (blobs may come from a file another run wrote).
pub struct Decoder<'a> {
    bytes: &'a [u8],
}

fn truncated() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "truncated feature blob")
}

impl<'a> Decoder<'a> {
    pub fn new(bytes: &'a [u8]) -> Decoder<'a> {
        Decoder { bytes }
    }

    fn take(&mut self, n: usize) -> io::Result<&'a [u8]> {
        if self.bytes.len() < n {
            return Err(truncated());
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    pub fn u32(&mut self) -> io::Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn f32(&mut self) -> io::Result<f32> {
        Ok(f32::from_bits(self.u32()?))
    }

    fn count(&mut self, width: usize) -> io::Result<(usize, &'a [u8])> {
        let n = self.u32()? as usize;
        let bytes = self.take(n.checked_mul(width).ok_or_else(truncated)?)?;
        Ok((n, bytes))
    }

    pub fn string(&mut self) -> io::Result<String> {
        let (_, b) = self.count(1)?;
        String::from_utf8(b.to_vec())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "blob string not UTF-8"))
    }

    pub fn opt_string(&mut self) -> io::Result<Option<String>> {
        match self.take(1)?[0] {
            0 => Ok(None),
            _ => self.string().map(Some),
        }
    }

    pub fn u32s(&mut self) -> io::Result<Vec<u32>> {
        let (_, b) = self.count(4)?;
        Ok(b.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    pub fn f32s(&mut self) -> io::Result<Vec<f32>> {
        Ok(self.u32s()?.into_iter().map(f32::from_bits).collect())
    }

    pub fn u16s(&mut self) -> io::Result<Vec<u16>> {
        let (_, b) = self.count(2)?;
        Ok(b.chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect())
    }

    pub fn u64s(&mut self) -> io::Result<Vec<u64>> {
        let (_, b) = self.count(8)?;
        Ok(b.chunks_exact(8)
            .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect())
    }

    /// Nothing may be left over: a blob of another layout must not decode as this one.
    pub fn finish(self) -> io::Result<()> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "feature blob longer than its layout",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_read_back_in_memory_and_after_spilling() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = BlobStore::new(dir.path(), 10);
        store.push(b"abcd").expect("push");
        assert!(store.in_memory());
        store.push(b"efghij").expect("push");
        store.push(b"klmnopq").expect("push"); // over budget: moves to a file
        assert!(!store.in_memory());
        store.push(b"").expect("push");
        store.seal().expect("seal");
        let mut buf = Vec::new();
        for (id, want) in [&b"abcd"[..], b"efghij", b"klmnopq", b""]
            .iter()
            .enumerate()
        {
            store.read(id, &mut buf).expect("read");
            assert_eq!(&buf[..], *want);
        }
        assert!(store.read(4, &mut buf).is_err());
        assert_eq!(store.len(), 4);
    }

    #[test]
    fn codec_round_trips_and_rejects_truncated_blobs() {
        let mut e = Encoder::default();
        e.u32(7);
        e.f32(1.5);
        e.u32s([1u32, 2, 3]);
        e.u16s([9u16]);
        e.u64s([u64::MAX]);
        e.str("héllo");
        e.opt_str(None);
        e.opt_str(Some(""));
        let mut d = Decoder::new(&e.bytes);
        assert_eq!(d.u32().expect("u32"), 7);
        assert_eq!(d.f32().expect("f32"), 1.5);
        assert_eq!(d.u32s().expect("u32s"), vec![1, 2, 3]);
        assert_eq!(d.u16s().expect("u16s"), vec![9]);
        assert_eq!(d.u64s().expect("u64s"), vec![u64::MAX]);
        assert_eq!(d.string().expect("str"), "héllo");
        assert_eq!(d.opt_string().expect("none"), None);
        assert_eq!(d.opt_string().expect("some"), Some(String::new()));
        d.finish().expect("all read");
        let cut = &e.bytes[..e.bytes.len() - 3];
        let mut d = Decoder::new(cut);
        d.u32().expect("u32");
        d.f32().expect("f32");
        d.u32s().expect("u32s");
        d.u16s().expect("u16s");
        d.u64s().expect("u64s");
        d.string().expect("str");
        d.opt_string().expect("none");
        assert!(
            d.opt_string().is_err(),
            "a cut string is an error, not a panic"
        );
    }
}

//! Opening an input: content hashing, transparent gzip/zstd, and the sniffing head.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Wraps the raw file: hashes every byte (for the manifest) and counts bytes (for progress).
pub struct HashingReader<R> {
    inner: R,
    hasher: blake3::Hasher,
    bytes: u64,
    progress: Option<Arc<AtomicU64>>,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        if let Some(p) = &self.progress {
            p.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// Shared view of the hashing state once reading is done.
#[derive(Clone, Debug, Default)]
pub struct RawStats {
    /// Raw bytes read.
    pub bytes: u64,
    /// BLAKE3 of the raw file, hex.
    pub blake3: String,
}

/// The raw input: a file, or bytes held in memory (fuzzing, bindings).
pub type RawInput = Box<dyn Read + Send>;

/// The hashing reader beneath the decompressor, shared so its totals can be read at the end.
pub type SharedHasher = Arc<std::sync::Mutex<Option<HashingReader<RawInput>>>>;

/// Compression detected from magic bytes, never from the file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// Not compressed.
    None,
    /// gzip.
    Gzip,
    /// zstd.
    Zstd,
}

impl Compression {
    /// The value as the config spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }
}

/// Reddit dumps are compressed with `--long=31`; allow the largest window.
const ZSTD_WINDOW_LOG_MAX: u32 = 31;

/// A reader whose bytes are also hashed: a tiny adapter so the hashing state
/// survives the decoder that owns the reader.
struct Tee {
    shared: SharedHasher,
}

impl Read for Tee {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut guard = self
            .shared
            .lock()
            .map_err(|_| io::Error::other("hasher lock poisoned"))?;
        match guard.as_mut() {
            Some(r) => r.read(buf),
            None => Ok(0),
        }
    }
}

/// An opened input: decoded byte stream plus the handle to collect raw stats at the end.
pub struct Opened {
    /// The decompressed content.
    pub reader: Box<dyn BufRead + Send>,
    /// The compression found.
    pub compression: Compression,
    /// The raw byte count and hash, complete once the reader is drained.
    pub raw: RawHandle,
}

/// Collects the raw file's hash and size once the decoded stream is done.
pub struct RawHandle {
    shared: SharedHasher,
}

impl RawHandle {
    /// Hash and size of the raw file. Reads whatever the decoder left unread so
    /// the content hash always covers the whole file.
    pub fn finish(self) -> RawStats {
        let mut guard = match self.shared.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        match guard.take() {
            Some(mut r) => {
                let _ = io::copy(&mut r, &mut io::sink());
                RawStats {
                    bytes: r.bytes,
                    blake3: r.hasher.finalize().to_hex().to_string(),
                }
            }
            None => RawStats::default(),
        }
    }
}

/// Open an input, decompressing by content (gzip, zstd), counting raw bytes into `progress`.
pub fn open(path: &Path, progress: Option<Arc<AtomicU64>>) -> io::Result<Opened> {
    open_reader(Box::new(File::open(path)?), progress)
}

/// Open any raw byte source: compression by magic bytes, hashing, buffering.
pub fn open_reader(inner: RawInput, progress: Option<Arc<AtomicU64>>) -> io::Result<Opened> {
    let shared: SharedHasher = Arc::new(std::sync::Mutex::new(Some(HashingReader {
        inner,
        hasher: blake3::Hasher::new(),
        bytes: 0,
        progress,
    })));
    let mut raw = BufReader::with_capacity(
        256 * 1024,
        Tee {
            shared: shared.clone(),
        },
    );
    let magic = raw.fill_buf()?;
    let compression = if magic.starts_with(&[0x1f, 0x8b]) {
        Compression::Gzip
    } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Compression::Zstd
    } else {
        Compression::None
    };
    let mut reader: Box<dyn BufRead + Send> = match compression {
        Compression::None => Box::new(raw),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            256 * 1024,
            flate2::bufread::MultiGzDecoder::new(raw),
        )),
        Compression::Zstd => {
            let mut d = zstd::stream::read::Decoder::with_buffer(raw)?;
            d.window_log_max(ZSTD_WINDOW_LOG_MAX)?;
            Box::new(BufReader::with_capacity(256 * 1024, d))
        }
    };
    // A UTF-16 export (byte order mark first) is read as UTF-8 from here on; every
    // reader after this sees one encoding.
    let head = reader.fill_buf()?;
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        let decoded = encoding_rs_io::DecodeReaderBytesBuilder::new()
            .bom_sniffing(true)
            .build(reader);
        reader = Box::new(BufReader::with_capacity(256 * 1024, decoded));
    }
    Ok(Opened {
        reader,
        compression,
        raw: RawHandle { shared },
    })
}

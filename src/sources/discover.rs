//! Walking the input paths: every real file and folder once, the output never, every
//! path that cannot be walked recorded as a reject.

use super::*;

/// What walking the input paths found.
#[derive(Default)]
pub struct Discovered {
    /// Files to read, sorted.
    pub files: Vec<PathBuf>,
    /// Paths that could not be walked (missing, unreadable, broken links): one
    /// file-level reject each.
    pub rejects: Vec<Reject>,
    /// Manifest entries of those paths and of entries not followed (a link to a
    /// directory or file already visited).
    pub reports: Vec<FileReport>,
}

impl Discovered {
    fn reject(&mut self, path: &Path, reason: String) {
        let file = path.display().to_string();
        self.reports.push(FileReport {
            path: file.clone(),
            error: Some(reason.clone()),
            rejects: 1,
            records: 1,
            ..FileReport::default()
        });
        self.rejects
            .push(file_reject(&file, None, 0, PositionKind::File, reason));
    }

    fn skip(&mut self, path: &Path, reason: String) {
        self.reports.push(FileReport {
            path: path.display().to_string(),
            skipped: Some(reason),
            ..FileReport::default()
        });
    }
}

/// Identity of a file or directory, so every real one is visited once however many
/// links lead to it (a link to `.` or `..` would otherwise be followed in a cycle):
/// device and inode on Unix, the canonical path elsewhere.
#[cfg(unix)]
type FileKey = (u64, u64);
#[cfg(not(unix))]
type FileKey = PathBuf;

#[cfg(unix)]
fn identity(_: &Path, m: &std::fs::Metadata) -> Option<FileKey> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(p: &Path, _: &std::fs::Metadata) -> Option<FileKey> {
    std::fs::canonicalize(p).ok()
}

/// What kind of file a path that is neither a regular file nor a folder is.
#[cfg(unix)]
fn special_kind(m: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = m.file_type();
    if t.is_fifo() {
        "a named pipe"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::Metadata) -> &'static str {
    "a special file"
}

/// A path the walk was meant to read and cannot: recorded as a file-level reject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    Missing,
    BrokenLink,
    PermissionDenied,
    /// A named pipe, device or socket (its kind).
    NotRegular(&'static str),
    /// Any other I/O error, as the system words it.
    Unreadable(String),
}

impl Problem {
    fn from_io(e: &std::io::Error) -> Problem {
        match e.kind() {
            std::io::ErrorKind::NotFound => Problem::Missing,
            std::io::ErrorKind::PermissionDenied => Problem::PermissionDenied,
            _ => Problem::Unreadable(e.to_string()),
        }
    }

    /// The reject's reason.
    pub fn reason(&self) -> String {
        match self {
            Problem::Missing => "input path does not exist".into(),
            Problem::BrokenLink => "broken symbolic link".into(),
            Problem::PermissionDenied => "cannot read input path: permission denied".into(),
            // A named pipe would block the run (holding the output lock), a device
            // could be endless: only regular files hold exports.
            Problem::NotRegular(kind) => {
                format!("not a regular file ({kind}): only regular files are read")
            }
            Problem::Unreadable(e) => format!("cannot read input path: {e}"),
        }
    }
}

/// A path the walk leaves alone on purpose: listed in the manifest, not a reject.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skip {
    /// The output directory (never read as input).
    Output,
    /// A directory reached again through another path.
    DirectoryVisited,
    /// A file reached again through another path.
    FileVisited,
}

impl Skip {
    pub fn reason(self) -> &'static str {
        match self {
            Skip::Output => "the output directory is never read as input",
            Skip::DirectoryVisited => {
                "directory already visited through another path (link cycle or duplicate)"
            }
            Skip::FileVisited => "file already read through another path (link or duplicate)",
        }
    }
}

/// What the walk does with one path.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Read,
    Walk,
    /// A hidden entry of a walked folder: not an input, not reported.
    Ignore,
    Skip(Skip),
    Reject(Problem),
}

/// Walks input paths: each real directory and file once, `exclude`d directories (the
/// output) never, problems recorded instead of aborting.
struct Walker {
    seen: std::collections::HashSet<FileKey>,
    excluded: std::collections::HashSet<FileKey>,
    found: Discovered,
}

impl Walker {
    /// Every rule, in order: a hidden entry of a walked folder (`.name`) is ignored (a
    /// path given in `input.paths` never is); a path that cannot be stat'ed is a
    /// reject (a broken link named so); the output is skipped; a real file or folder
    /// met before is skipped; a regular file is read, a folder walked, anything else a
    /// reject.
    fn skip_reason(&mut self, p: &Path, given: bool) -> Verdict {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden && !given {
            return Verdict::Ignore;
        }
        let meta = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) => {
                let is_link =
                    std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
                return Verdict::Reject(if is_link && e.kind() == std::io::ErrorKind::NotFound {
                    Problem::BrokenLink
                } else {
                    Problem::from_io(&e)
                });
            }
        };
        if let Some(id) = identity(p, &meta) {
            if self.excluded.contains(&id) {
                return Verdict::Skip(Skip::Output);
            }
            if !self.seen.insert(id) {
                return Verdict::Skip(if meta.is_dir() {
                    Skip::DirectoryVisited
                } else {
                    Skip::FileVisited
                });
            }
        }
        if meta.is_file() {
            Verdict::Read
        } else if meta.is_dir() {
            Verdict::Walk
        } else {
            Verdict::Reject(Problem::NotRegular(special_kind(&meta)))
        }
    }

    fn visit(&mut self, p: &Path, given: bool) {
        match self.skip_reason(p, given) {
            Verdict::Ignore => {}
            Verdict::Read => self.found.files.push(p.to_path_buf()),
            Verdict::Skip(why) => self.found.skip(p, why.reason().into()),
            Verdict::Reject(problem) => self.found.reject(p, problem.reason()),
            Verdict::Walk => self.walk(p),
        }
    }

    fn walk(&mut self, p: &Path) {
        let entries = match std::fs::read_dir(p) {
            Ok(rd) => rd,
            Err(e) => {
                self.found.reject(p, Problem::from_io(&e).reason());
                return;
            }
        };
        let mut listed = Vec::new();
        for e in entries {
            match e {
                Ok(e) => listed.push(e.path()),
                // The folder's listing broke off: what it did list is still read.
                Err(e) => self.found.reject(p, Problem::from_io(&e).reason()),
            }
        }
        listed.sort();
        for e in listed {
            self.visit(&e, false);
        }
    }
}

/// List input files: files as given, directories walked recursively in sorted order
/// (hidden entries skipped) so runs are deterministic. Every real directory and file
/// is visited once; directories in `exclude` (the output) are never entered. A path
/// that cannot be read is recorded, not fatal.
pub fn discover(paths: &[PathBuf], exclude: &[PathBuf], base: Option<&Path>) -> Discovered {
    let mut w = Walker {
        seen: Default::default(),
        excluded: exclude
            .iter()
            .filter_map(|p| identity(p, &std::fs::metadata(p).ok()?))
            .collect(),
        found: Discovered::default(),
    };
    let mut paths = paths.to_vec();
    paths.sort();
    paths.dedup();
    for p in &paths {
        w.visit(p, true);
    }
    let mut found = w.found;
    for r in &mut found.reports {
        r.path = crate::config::display_path(base, Path::new(&r.path));
    }
    for r in &mut found.rejects {
        r.source_file = crate::config::display_path(base, Path::new(&r.source_file));
    }
    found.files.sort();
    found.reports.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(found: &Discovered, root: &Path) -> Vec<String> {
        found
            .files
            .iter()
            .map(|f| f.strip_prefix(root).unwrap_or(f).display().to_string())
            .collect()
    }

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        for f in [
            "b.json",
            "a.csv",
            "sub/c.ndjson",
            "sub/deeper/d.js",
            ".hidden",
            "sub/.x.csv",
        ] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(&p, "x").expect("write");
        }
        std::fs::create_dir_all(dir.path().join(".git/objects")).expect("mkdir");
        std::fs::write(dir.path().join(".git/objects/o.json"), "x").expect("write");
        dir
    }

    /// Sorted, recursive, hidden entries of walked folders left out; a file given
    /// directly and twice is read once.
    #[test]
    fn walks_sorted_without_hidden_entries() {
        let dir = tree();
        let root = dir.path();
        let found = discover(&[root.to_path_buf()], &[], None);
        assert_eq!(
            names(&found, root),
            ["a.csv", "b.json", "sub/c.ndjson", "sub/deeper/d.js"]
        );
        assert!(found.rejects.is_empty() && found.reports.is_empty());
        let hidden = root.join(".hidden");
        let found = discover(&[hidden.clone(), hidden.clone()], &[], None);
        assert_eq!(found.files, [hidden], "a hidden path given is read, once");
    }

    /// The output is never read, and is named in the manifest.
    #[test]
    fn the_output_is_skipped() {
        let dir = tree();
        let root = dir.path();
        let found = discover(&[root.to_path_buf()], &[root.join("sub")], None);
        assert_eq!(names(&found, root), ["a.csv", "b.json"]);
        assert_eq!(found.reports.len(), 1);
        assert_eq!(
            found.reports[0].skipped.as_deref(),
            Some(Skip::Output.reason())
        );
    }

    /// A missing path is a reject naming the problem; the rest is still walked.
    #[test]
    fn a_missing_path_is_a_reject() {
        let dir = tree();
        let root = dir.path();
        let gone = root.join("gone.json");
        let found = discover(&[gone, root.join("sub")], &[], None);
        assert_eq!(names(&found, root), ["sub/c.ndjson", "sub/deeper/d.js"]);
        assert_eq!(found.rejects.len(), 1);
        assert_eq!(found.rejects[0].reason, Problem::Missing.reason());
        assert_eq!(
            found.reports[0].error.as_deref(),
            Some("input path does not exist")
        );
    }

    /// Links: a cycle is walked once, a file reached twice is read once, a broken
    /// link and an entry that cannot be read (a link to itself) are rejects, a named
    /// pipe is a reject naming its type; everything else in the folder is read.
    #[cfg(unix)]
    #[test]
    fn links_cycles_and_unreadable_entries() {
        use std::os::unix::fs::symlink;
        let dir = tree();
        let root = dir.path();
        symlink(root, root.join("sub/loop")).expect("cycle");
        symlink(root.join("a.csv"), root.join("z-again.csv")).expect("link");
        symlink(root.join("nowhere"), root.join("broken.json")).expect("broken");
        symlink(root.join("self.json"), root.join("self.json")).expect("self");
        let fifo = root.join("pipe.ndjson");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        let found = discover(&[root.to_path_buf()], &[], None);
        assert_eq!(
            names(&found, root),
            ["a.csv", "b.json", "sub/c.ndjson", "sub/deeper/d.js"]
        );
        let mut rejects: Vec<(String, String)> = found
            .rejects
            .iter()
            .map(|r| {
                // (reject paths are shown relative to the working directory)
                let file = Path::new(&r.source_file).file_name().unwrap_or_default();
                (file.to_string_lossy().to_string(), r.reason.clone())
            })
            .collect();
        rejects.sort();
        let files: Vec<&str> = rejects.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(files, ["broken.json", "pipe.ndjson", "self.json"]);
        assert_eq!(rejects[0].1, Problem::BrokenLink.reason());
        assert_eq!(rejects[1].1, Problem::NotRegular("a named pipe").reason());
        // (ELOOP: too many levels of symbolic links)
        assert!(
            rejects[2].1.starts_with("cannot read input path: "),
            "{:?}",
            rejects[2]
        );
        let skipped: Vec<&str> = found
            .reports
            .iter()
            .filter_map(|r| r.skipped.as_deref())
            .collect();
        assert_eq!(
            skipped
                .iter()
                .filter(|s| **s == Skip::DirectoryVisited.reason())
                .count(),
            1
        );
        assert_eq!(
            skipped
                .iter()
                .filter(|s| **s == Skip::FileVisited.reason())
                .count(),
            1
        );
    }
}

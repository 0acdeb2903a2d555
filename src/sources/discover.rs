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
/// links lead to it (a link to `.` or `..` would otherwise be followed in a cycle).
#[cfg(unix)]
pub(super) fn identity(m: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

#[cfg(not(unix))]
pub(super) fn identity(_: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
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

/// Walks input paths: each real directory and file once, `exclude`d directories (the
/// output) never, problems recorded instead of aborting.
pub(super) struct Walker {
    seen: std::collections::HashSet<(u64, u64)>,
    excluded: std::collections::HashSet<(u64, u64)>,
    found: Discovered,
}

impl Walker {
    fn reason(e: &std::io::Error) -> String {
        match e.kind() {
            std::io::ErrorKind::NotFound => "input path does not exist".to_string(),
            std::io::ErrorKind::PermissionDenied => {
                "cannot read input path: permission denied".to_string()
            }
            _ => format!("cannot read input path: {e}"),
        }
    }

    fn visit(&mut self, p: &Path) {
        let meta = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) => {
                let is_link =
                    std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
                let reason = if is_link && e.kind() == std::io::ErrorKind::NotFound {
                    "broken symbolic link".to_string()
                } else {
                    Walker::reason(&e)
                };
                self.found.reject(p, reason);
                return;
            }
        };
        let id = identity(&meta);
        if cfg!(unix) && self.excluded.contains(&id) {
            self.found
                .skip(p, "the output directory is never read as input".into());
            return;
        }
        if cfg!(unix) && !self.seen.insert(id) {
            self.found.skip(
                p,
                if meta.is_dir() {
                    "directory already visited through another path (link cycle or duplicate)"
                } else {
                    "file already read through another path (link or duplicate)"
                }
                .into(),
            );
            return;
        }
        if meta.is_file() {
            self.found.files.push(p.to_path_buf());
            return;
        }
        if !meta.is_dir() {
            // A named pipe would block the run (holding the output lock), a device
            // could be endless: only regular files hold exports.
            let reason = format!(
                "not a regular file ({}): only regular files are read",
                special_kind(&meta)
            );
            self.found.reject(p, reason);
            return;
        }
        let entries = match std::fs::read_dir(p) {
            Ok(rd) => rd,
            Err(e) => {
                self.found.reject(p, Walker::reason(&e));
                return;
            }
        };
        let mut listed = Vec::new();
        for e in entries {
            match e {
                Ok(e) => listed.push(e.path()),
                // The folder's listing broke off: what it did list is still read.
                Err(e) => self.found.reject(p, Walker::reason(&e)),
            }
        }
        let mut entries = listed;
        entries.sort();
        for e in entries {
            let hidden = e
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if !hidden {
                self.visit(&e);
            }
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
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| identity(&m))
            .collect(),
        found: Discovered::default(),
    };
    let mut paths = paths.to_vec();
    paths.sort();
    paths.dedup();
    for p in &paths {
        w.visit(p);
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

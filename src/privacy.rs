//! Pseudonymisation of members of the public with a keyed hash (BLAKE3 keyed mode).
//! The same key gives the same pseudonym across runs, so analysts can count
//! unique authors without ever seeing who they are.

use crate::config::PrivacyConfig;
use std::path::Path;

#[derive(Clone)]
pub struct Pseudonymiser {
    key: [u8; 32],
    /// Key of [`Pseudonymiser::seal`], derived from `key`.
    seal: [u8; 32],
    keep_raw: bool,
}

/// Prefix of a sealed value (see [`Pseudonymiser::seal`]).
const SEALED: &str = "sealed:";

/// A value as stored in binary columns: a sealed link as its bytes after a 1 (half the
/// size of its hex), anything else as its UTF-8 after a 0.
pub fn pack_link(value: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + value.len());
    match value.strip_prefix(SEALED).and_then(|h| hex::decode(h).ok()) {
        Some(b) => {
            out.push(1);
            out.extend(b);
        }
        None => {
            out.push(0);
            out.extend(value.bytes());
        }
    }
    out
}

/// The value [`pack_link`] packed; `None` when the bytes are not such a value.
pub fn unpack_link(packed: &[u8]) -> Option<String> {
    match packed.split_first()? {
        (1, b) => Some(sealed_text(b)),
        (0, b) => String::from_utf8(b.to_vec()).ok(),
        _ => None,
    }
}

/// `sealed:` and the sealed bytes in lower-case hex.
fn sealed_text(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(SEALED.len() + 2 * bytes.len());
    out.push_str(SEALED);
    out.push_str(&hex::encode(bytes));
    out
}

/// Where the key came from, reported in the manifest (never the key itself).
#[derive(Clone, Debug, PartialEq)]
pub enum KeySource {
    Env(String),
    File(String),
    Generated(String),
}

impl Pseudonymiser {
    pub fn from_secret(secret: &[u8], keep_raw: bool) -> Pseudonymiser {
        Self::from_key(
            blake3::derive_key("socialpulse 2026 author pseudonym v1", secret),
            keep_raw,
        )
    }

    fn from_key(key: [u8; 32], keep_raw: bool) -> Pseudonymiser {
        Pseudonymiser {
            key,
            seal: blake3::derive_key("socialpulse 2026 working link seal v1", &key),
            keep_raw,
        }
    }

    /// A working link that may name a member of the public, sealed for the nightly
    /// state: `sealed:` + hex of a synthetic IV (keyed hash of the link) and the link
    /// XOR a keyed BLAKE3 stream from it. Deterministic, so snapshots stay byte-equal;
    /// readers of a snapshot without the key learn nothing but the length. Opened
    /// only where an operational column is written ([`Pseudonymiser::open`]).
    pub fn seal(&self, plain: &str) -> String {
        let hash = blake3::keyed_hash(&self.seal, plain.as_bytes());
        let iv = &hash.as_bytes()[..16];
        let mut sealed = iv.to_vec();
        sealed.extend(
            plain
                .bytes()
                .zip(self.stream(iv, plain.len()))
                .map(|(a, b)| a ^ b),
        );
        sealed_text(&sealed)
    }

    /// The link [`Pseudonymiser::seal`] sealed with this key; a value that is not
    /// sealed is returned as it is; one sealed with another key (or damaged) is `None`.
    pub fn open<'a>(&self, value: &'a str) -> Option<std::borrow::Cow<'a, str>> {
        let Some(hex) = value.strip_prefix(SEALED) else {
            return Some(std::borrow::Cow::Borrowed(value));
        };
        let bytes = hex::decode(hex).ok()?;
        if bytes.len() < 16 {
            return None;
        }
        let (iv, ct) = bytes.split_at(16);
        let plain: Vec<u8> = ct
            .iter()
            .zip(self.stream(iv, ct.len()))
            .map(|(a, b)| a ^ b)
            .collect();
        let authentic = &blake3::keyed_hash(&self.seal, &plain).as_bytes()[..16] == iv;
        let plain = String::from_utf8(plain).ok()?;
        authentic.then_some(std::borrow::Cow::Owned(plain))
    }

    fn stream(&self, iv: &[u8], len: usize) -> Vec<u8> {
        let mut h = blake3::Hasher::new_keyed(&self.seal);
        h.update(b"stream");
        h.update(iv);
        let mut out = vec![0u8; len];
        h.finalize_xof().fill(&mut out);
        out
    }

    /// The derived key and the raw-identity option, for handing the same pseudonymiser
    /// to worker processes (the Spark path's executors). As secret as the key.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = self.key.to_vec();
        v.push(u8::from(self.keep_raw));
        v
    }

    /// The inverse of [`Pseudonymiser::to_bytes`].
    pub fn from_bytes(b: &[u8]) -> Result<Pseudonymiser, String> {
        if b.len() != 33 {
            return Err(format!("pseudonymiser state of {} bytes, not 33", b.len()));
        }
        let mut key = [0u8; 32];
        key.copy_from_slice(&b[..32]);
        Ok(Self::from_key(key, b[32] != 0))
    }

    /// Key from the environment variable, else the key file, else a key generated
    /// once and stored under `state_dir` so reruns stay deterministic. A key shorter
    /// than [`MIN_KEY_BYTES`] (blank included) or a named key file that is missing is
    /// [`KeyError::Unusable`].
    pub fn from_config(
        cfg: &PrivacyConfig,
        state_dir: &Path,
    ) -> Result<(Pseudonymiser, KeySource), KeyError> {
        if let Some(v) = std::env::var_os(&cfg.key_env) {
            // Set but empty is what `KEY=$(cat missing-file)` gives: a mistake, not a
            // request for the key file or a generated key (which would change every
            // pseudonym of an existing output).
            let v = v.to_string_lossy();
            if v.trim().is_empty() {
                return Err(KeyError::Unusable(format!(
                    "${} is set but empty: give it the key, or unset it to use {}",
                    cfg.key_env,
                    match &cfg.key_file {
                        Some(f) => format!("the key file {}", f.display()),
                        None => "the key generated under the output".to_string(),
                    }
                )));
            }
            check_key(v.trim().as_bytes(), &format!("${}", cfg.key_env))?;
            return Ok((
                Self::from_secret(v.as_bytes(), cfg.keep_public_identities),
                KeySource::Env(cfg.key_env.clone()),
            ));
        }
        let file = cfg
            .key_file
            .clone()
            .unwrap_or_else(|| state_dir.join("pseudonym.key"));
        if file.exists() {
            let secret =
                crate::config::read_regular(&file, "key file").map_err(KeyError::Unusable)?;
            let secret = trim_ascii(&secret);
            check_key(secret, &format!("key file {}", file.display()))?;
            let source = if cfg.key_file.is_some() {
                KeySource::File(file.display().to_string())
            } else {
                KeySource::Generated(file.display().to_string())
            };
            return Ok((
                Self::from_secret(secret, cfg.keep_public_identities),
                source,
            ));
        }
        if cfg.key_file.is_some() {
            return Err(KeyError::Unusable(format!(
                "key file {} does not exist (privacy.key_file)",
                file.display()
            )));
        }
        let secret = random_secret();
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| KeyError::Io(format!("cannot create {}: {e}", dir.display())))?;
        }
        std::fs::write(&file, secret.as_bytes())
            .map_err(|e| KeyError::Io(format!("cannot write key file {}: {e}", file.display())))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600));
        }
        Ok((
            Self::from_secret(secret.as_bytes(), cfg.keep_public_identities),
            KeySource::Generated(file.display().to_string()),
        ))
    }

    /// Pseudonym of one identity on one platform: `p_` + 16 hex digits (64 bits).
    /// A keyed hash that names the key and nothing else (whatever
    /// `keep_public_identities` says), for telling whether two runs used one key.
    pub fn key_id(&self) -> String {
        let h = blake3::keyed_hash(&self.key, b"socialpulse key id");
        hex::encode(&h.as_bytes()[..8])
    }

    pub fn pseudonym(&self, platform: &str, identity: &str) -> String {
        if self.keep_raw {
            return identity.to_string();
        }
        let mut h = blake3::Hasher::new_keyed(&self.key);
        h.update(platform.as_bytes());
        h.update(&[0]);
        h.update(crate::text::lowercase(identity).as_bytes());
        let mut out = String::with_capacity(18);
        out.push_str("p_");
        out.push_str(&hex::encode(&h.finalize().as_bytes()[..8]));
        out
    }

    pub fn keeps_raw(&self) -> bool {
        self.keep_raw
    }
}

/// A link to a member of the public's post that names no one: X's handle-free status
/// link, or the source link when it holds no identity; otherwise none. `identities` are
/// the author's raw handle and id.
pub fn public_link(
    platform: &str,
    post_id: &str,
    url: Option<&str>,
    identities: &[&str],
) -> Option<String> {
    if platform == "twitter" {
        return (!post_id.is_empty() && post_id.bytes().all(|b| b.is_ascii_digit()))
            .then(|| format!("https://x.com/i/status/{post_id}"));
    }
    let url = url?;
    let lower = url.to_lowercase();
    // Path segments that name a person on the platforms we read.
    let names_someone = ["/@", "/profile/", "/user/", "/users/", "/u/", "did:"]
        .iter()
        .any(|m| lower.contains(m))
        || names_in_path(&lower)
        || identities
            .iter()
            .map(|i| i.trim_start_matches('@').to_lowercase())
            .any(|i| i.len() >= 2 && lower.contains(&i));
    (!names_someone).then(|| url.to_string())
}

/// A link a post holds (`posts.urls`) made to name no one, as `posts.url` is: an X
/// status link becomes its handle-free form; a link to a profile, or to anything under
/// a person's name, becomes its site alone (`https://www.reddit.com/`); any other link
/// stays. `keep(name)` keeps a link naming an own account.
pub fn safe_url(url: &str, keep: impl Fn(&str) -> bool) -> String {
    let lower = url.to_lowercase();
    let (scheme, rest) = lower.split_once("://").unwrap_or(("https", lower.as_str()));
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let path: Vec<&str> = rest[host.len()..]
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let site = || {
        let h = &url[url.len() - rest.len()..][..host.len()];
        format!("{scheme}://{h}/")
    };
    let is_x = matches!(
        host.trim_start_matches("www.")
            .trim_start_matches("mobile."),
        "x.com" | "twitter.com"
    );
    if is_x {
        return match path.as_slice() {
            [] => url.to_string(),
            ["i", ..] | ["hashtag", ..] | ["search", ..] | ["home"] | ["explore", ..] => {
                url.to_string()
            }
            [_, "status", id, ..] if id.bytes().all(|b| b.is_ascii_digit()) => {
                format!("https://x.com/i/status/{id}")
            }
            [name, ..] if keep(name) => url.to_string(),
            _ => site(),
        };
    }
    let named = public_link("", "", Some(&lower), &[]).is_none();
    if !named {
        return url.to_string();
    }
    // The name a profile link carries: kept when it is ours.
    let name = path
        .iter()
        .position(|s| matches!(*s, "user" | "users" | "u" | "profile"))
        .and_then(|i| path.get(i + 1))
        .copied()
        .or_else(|| path.iter().find_map(|s| s.strip_prefix('@')));
    match name {
        Some(n) if keep(n) => url.to_string(),
        _ => site(),
    }
}

/// Facebook links name their page or person in the first path segment
/// (`facebook.com/<name>/posts/<id>`, also `videos`, `photos`), whatever the export
/// calls the author; `permalink.php` and `story.php` links carry ids only.
fn names_in_path(lower_url: &str) -> bool {
    let Some((_, rest)) = lower_url.split_once("facebook.com/") else {
        return false;
    };
    let mut segments = rest.split('/');
    let first = segments.next().unwrap_or("");
    let kind = segments.next().unwrap_or("");
    !first.is_empty()
        && !first.ends_with(".php")
        && matches!(kind, "posts" | "videos" | "photos" | "reels")
}

/// Replace the DID of an AT URI (`at://did:plc:…/collection/rkey`) with its pseudonym,
/// unless `keep(did)`: the same DID always maps to the same pseudonym, so post ids,
/// replies and threads still join.
pub fn at_uri(pseudo: &Pseudonymiser, uri: &str, keep: impl Fn(&str) -> bool) -> Option<String> {
    let rest = uri.strip_prefix("at://")?;
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    if !authority.starts_with("did:") || keep(authority) || pseudo.keeps_raw() {
        return None;
    }
    let sep = if path.is_empty() { "" } else { "/" };
    Some(format!(
        "at://{}{sep}{path}",
        pseudo.pseudonym("bluesky", authority)
    ))
}

fn handle_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-'
}

/// `@handle`, `@handle@instance` and Reddit's `u/name` in a text, each replaced by
/// `@` / `u/` + the handle's pseudonym unless `keep(handle)` (own accounts). Text
/// without `@` or `u/` is returned as it is, without a copy.
pub fn mentions_in_text(
    text: &str,
    platform: &str,
    pseudo: &Pseudonymiser,
    keep: impl Fn(&str) -> bool,
) -> Option<String> {
    if pseudo.keeps_raw() {
        return None;
    }
    // Forms that hide a handle from the byte scan (a full-width or small `@`, a
    // zero-width character after one): the text is folded first (NFKC, zero-width
    // characters removed), and the folded text is what is kept.
    let folded = folds_a_handle(text).then(|| fold(text));
    let text = folded.as_deref().unwrap_or(text);
    match replace_mentions(text, platform, pseudo, keep) {
        Some(t) => Some(t),
        None => folded,
    }
}

/// Characters that take no space: inside a handle they hide it from a match.
fn zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'
    )
}

/// Whether a text holds a form of `@` other than the ASCII one, or a zero-width
/// character: only then is it folded (other texts are kept byte for byte).
fn folds_a_handle(text: &str) -> bool {
    !text.is_ascii()
        && text
            .chars()
            .any(|c| matches!(c, '\u{ff20}' | '\u{fe6b}') || zero_width(c))
}

fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfkc().filter(|c| !zero_width(*c)).collect()
}

fn replace_mentions(
    text: &str,
    platform: &str,
    pseudo: &Pseudonymiser,
    keep: impl Fn(&str) -> bool,
) -> Option<String> {
    if !(text.contains('@') || text.contains("u/")) {
        return None;
    }
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut i = 0;
    let mut changed = false;
    while i < b.len() {
        let marker = if b[i] == b'@' {
            1
        } else if b[i] == b'u' && b.get(i + 1) == Some(&b'/') {
            2
        } else {
            i += 1;
            continue;
        };
        // A mention starts a word: not inside an e-mail address or a URL path. `.@name`
        // (X's reply to all) and `/u/name` (Reddit's written form) start one too when
        // their first character does.
        let word_start =
            |j: usize| j == 0 || !(handle_byte(b[j - 1]) || matches!(b[j - 1], b'/' | b'@'));
        let starts_word = word_start(i)
            || (marker == 1 && b[i - 1] == b'.' && word_start(i - 1))
            || (marker == 2 && b[i - 1] == b'/' && word_start(i - 1));
        let start = i + marker;
        let mut end = start;
        while end < b.len() && (handle_byte(b[end]) || (b[end] == b'@' && marker == 1)) {
            end += 1;
        }
        // Trailing dots and dashes end a sentence, not a handle.
        while end > start && matches!(b[end - 1], b'.' | b'-' | b'@') {
            end -= 1;
        }
        if !starts_word || end == start {
            i = start.max(i + 1);
            continue;
        }
        let handle = &text[start..end];
        if !keep(handle) {
            out.push_str(&text[last..start]);
            out.push_str(&pseudo.pseudonym(platform, handle));
            last = end;
            changed = true;
        }
        i = end;
    }
    if !changed {
        return None;
    }
    out.push_str(&text[last..]);
    Some(out)
}

/// A reject's excerpt without the values in it: letters and digits of JSON string and
/// number values (and of every non-JSON line, e.g. CSV) become `x` and `0`; object keys,
/// punctuation and layout stay, so the excerpt still shows why the record broke.
pub fn mask_excerpt(raw: &str) -> String {
    let json = raw.trim_start().starts_with(['{', '[']);
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    let mask = |c: char| {
        if c.is_ascii_digit() {
            '0'
        } else if c.is_alphanumeric() {
            'x'
        } else {
            c
        }
    };
    while i < chars.len() {
        let c = chars[i];
        if json && c == '"' {
            // A string: a key when the next non-space character after it is ':'.
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                j += if chars[j] == '\\' { 2 } else { 1 };
            }
            let end = j.min(chars.len());
            let mut k = end + 1;
            while k < chars.len() && chars[k].is_whitespace() {
                k += 1;
            }
            let is_key = chars.get(k) == Some(&':');
            out.push('"');
            for &ch in &chars[i + 1..end] {
                out.push(if is_key { ch } else { mask(ch) });
            }
            if end < chars.len() {
                out.push('"');
            }
            i = end + 1;
        } else if json && !c.is_alphanumeric() {
            out.push(c);
            i += 1;
        } else if json {
            // Bare words: literals (true, false, null) and numbers.
            let mut j = i;
            while j < chars.len() && chars[j].is_alphanumeric() {
                j += 1;
            }
            let word: String = chars[i..j].iter().collect();
            if matches!(word.as_str(), "true" | "false" | "null") {
                out.push_str(&word);
            } else {
                out.extend(word.chars().map(mask));
            }
            i = j;
        } else {
            out.push(mask(c));
            i += 1;
        }
    }
    out
}

/// A reject reason with the values it quotes masked: `"…"` strings and backticked
/// numbers (serde's `invalid type: string "x"`, `integer `3000000001``) become `"…"`,
/// so a misaligned column's handle or name never reaches `rejects` or the report.
/// Backticked names (serde's field names) stay.
pub fn value_free(reason: &str) -> std::borrow::Cow<'_, str> {
    if !reason.contains('"') && !reason.contains('`') {
        return std::borrow::Cow::Borrowed(reason);
    }
    let mut out = String::with_capacity(reason.len());
    let mut chars = reason.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let mut escaped = false;
                for d in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if d == '\\' {
                        escaped = true;
                    } else if d == '"' {
                        break;
                    }
                }
                out.push_str("\"…\"");
            }
            '`' => {
                let quoted: String = chars.by_ref().take_while(|d| *d != '`').collect();
                let number = !quoted.is_empty()
                    && quoted
                        .chars()
                        .all(|d| d.is_ascii_digit() || matches!(d, '-' | '+' | '.' | 'e' | 'E'));
                if number {
                    out.push_str("`…`");
                } else {
                    out.push('`');
                    out.push_str(&quoted);
                    out.push('`');
                }
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The shortest key accepted, in bytes (after surrounding whitespace): a shorter one can
/// be guessed, and every pseudonym recomputed from the public's handles.
pub const MIN_KEY_BYTES: usize = 16;

/// Why no pseudonymiser could be made.
#[derive(Clone, Debug, PartialEq)]
pub enum KeyError {
    /// The configured key cannot be used (missing, empty, too short): a usage error.
    Unusable(String),
    /// The generated key could not be stored.
    Io(String),
}

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyError::Unusable(m) | KeyError::Io(m) => f.write_str(m),
        }
    }
}

fn check_key(secret: &[u8], what: &str) -> Result<(), KeyError> {
    if secret.is_empty() {
        return Err(KeyError::Unusable(format!(
            "{what} is empty: a key needs at least {MIN_KEY_BYTES} bytes"
        )));
    }
    if secret.len() < MIN_KEY_BYTES {
        return Err(KeyError::Unusable(format!(
            "{what} holds {} bytes; a key needs at least {MIN_KEY_BYTES}",
            secret.len()
        )));
    }
    Ok(())
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &b[start..end]
}

/// 256 bits from the OS-seeded std hasher keys plus time and pid; no extra crate needed.
fn random_secret() -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut h = blake3::Hasher::new();
    for i in 0..8u64 {
        let mut s = RandomState::new().build_hasher();
        s.write_u64(i);
        h.update(&s.finish().to_le_bytes());
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    h.update(&now.to_le_bytes());
    h.update(&std::process::id().to_le_bytes());
    h.finalize().to_hex().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_links_unpack_to_themselves() {
        let a = Pseudonymiser::from_secret(b"key-a-0123456789", false);
        let sealed = a.seal("https://x.com/rider42/status/1");
        let packed = pack_link(&sealed);
        assert_eq!(packed.len(), 1 + (sealed.len() - "sealed:".len()) / 2);
        for v in [
            sealed.as_str(),
            "https://x.com/i/status/1",
            "sealed:abc",
            "sealed:zz",
            "",
        ] {
            assert_eq!(unpack_link(&pack_link(v)).as_deref(), Some(v));
        }
        assert_eq!(unpack_link(&[]), None);
        assert_eq!(unpack_link(&[2, 0]), None);
    }

    #[test]
    fn sealed_links_open_with_their_key_only() {
        let a = Pseudonymiser::from_secret(b"key-a-0123456789", false);
        let b = Pseudonymiser::from_secret(b"key-b-0123456789", false);
        let link = "https://mastodon.example/@rider42/113400000000000001";
        let sealed = a.seal(link);
        assert!(sealed.starts_with("sealed:") && !sealed.contains("rider"));
        assert_eq!(sealed, a.seal(link), "deterministic");
        assert_ne!(
            sealed,
            a.seal("https://mastodon.example/@rider43/113400000000000001")
        );
        assert_eq!(a.open(&sealed).as_deref(), Some(link));
        assert_eq!(b.open(&sealed), None);
        assert_eq!(
            a.open("https://x.com/i/status/1").as_deref(),
            Some("https://x.com/i/status/1")
        );
        let round = Pseudonymiser::from_bytes(&a.to_bytes()).expect("bytes");
        assert_eq!(round.open(&sealed).as_deref(), Some(link));
        let mut damaged = sealed.clone();
        damaged.replace_range(sealed.len() - 2.., "00");
        assert_eq!(a.open(&damaged), None);
    }

    #[test]
    fn reasons_lose_their_values() {
        assert_eq!(
            value_free("unparseable timestamp \"rider \\\"42\\\"\" (format auto)"),
            "unparseable timestamp \"…\" (format auto)"
        );
        assert_eq!(
            value_free("invalid type: integer `3000000001`, expected a string at line 1 column 9"),
            "invalid type: integer `…`, expected a string at line 1 column 9"
        );
        assert_eq!(value_free("missing field `id`"), "missing field `id`");
        assert_eq!(value_free("the row has 3 fields"), "the row has 3 fields");
    }

    #[test]
    fn pseudonyms_are_keyed_stable_and_case_insensitive() {
        let a = Pseudonymiser::from_secret(b"k1", false);
        let b = Pseudonymiser::from_secret(b"k2", false);
        let p = a.pseudonym("twitter", "JaneRider");
        assert_eq!(p, a.pseudonym("twitter", "janerider"));
        assert_ne!(p, b.pseudonym("twitter", "JaneRider"));
        assert_ne!(p, a.pseudonym("mastodon", "JaneRider"));
        assert!(p.starts_with("p_") && p.len() == 18);
        let raw = Pseudonymiser::from_secret(b"k1", true);
        assert_eq!(raw.pseudonym("twitter", "JaneRider"), "JaneRider");
    }

    #[test]
    fn links_of_the_public_name_no_one() {
        let ids = ["rider498", "3000000498"];
        assert_eq!(
            public_link(
                "twitter",
                "562",
                Some("https://x.com/rider498/status/562"),
                &ids
            ),
            Some("https://x.com/i/status/562".into())
        );
        assert_eq!(
            public_link(
                "mastodon",
                "1",
                Some("https://transit.social/@rider478/1"),
                &ids
            ),
            None
        );
        assert_eq!(
            public_link(
                "bluesky",
                "at://did:plc:x/app.bsky.feed.post/3k",
                Some("https://bsky.app/profile/rider478.bsky.social/post/3k"),
                &ids
            ),
            None
        );
        let reddit = "https://www.reddit.com/r/transit/comments/abc/late_again/";
        assert_eq!(
            public_link("reddit", "t3_abc", Some(reddit), &ids),
            Some(reddit.into())
        );
        assert_eq!(
            public_link(
                "instagram",
                "9",
                Some("https://example.com/p/rider498"),
                &ids
            ),
            None
        );
        // A Facebook post link carries its page's or person's vanity name, which need
        // not be the display name the export gives as author (CrowdTangle).
        assert_eq!(
            public_link(
                "facebook",
                "5647382910",
                Some("https://www.facebook.com/HarbourCityNews/posts/5647382910"),
                &["Harbour City News", "100000000000002"]
            ),
            None
        );
        let shortcode = "https://www.instagram.com/p/DBh4rb0urE4t/";
        assert_eq!(
            public_link("instagram", "DBh4rb0urE4t", Some(shortcode), &ids),
            Some(shortcode.into())
        );
    }

    #[test]
    fn at_uris_keep_their_shape_and_join() {
        let p = Pseudonymiser::from_secret(b"k", false);
        let a = at_uri(&p, "at://did:plc:rider478/app.bsky.feed.post/3kq", |_| {
            false
        })
        .expect("pseudonymised");
        let b = at_uri(&p, "at://did:plc:RIDER478/app.bsky.feed.post/3kz", |_| {
            false
        })
        .expect("pseudonymised");
        assert!(
            a.starts_with("at://p_") && a.ends_with("/app.bsky.feed.post/3kq"),
            "{a}"
        );
        assert_eq!(a.split('/').nth(2), b.split('/').nth(2));
        assert_eq!(
            at_uri(&p, "at://did:plc:own/x/1", |d| d == "did:plc:own"),
            None
        );
        assert_eq!(at_uri(&p, "https://example.com/x", |_| false), None);
    }

    #[test]
    fn mentions_in_text_are_pseudonymised() {
        let p = Pseudonymiser::from_secret(b"k", false);
        let own = |h: &str| h.eq_ignore_ascii_case("NorthlineTransit");
        let got = mentions_in_text(
            "@rider357 sorry! cc @NorthlineTransit, @jo@mastodon.social and u/gus. mail a@b.nz",
            "twitter",
            &p,
            own,
        )
        .expect("changed");
        let want = format!(
            "@{} sorry! cc @NorthlineTransit, @{} and u/{}. mail a@b.nz",
            p.pseudonym("twitter", "rider357"),
            p.pseudonym("twitter", "jo@mastodon.social"),
            p.pseudonym("twitter", "gus")
        );
        assert_eq!(got, want);
        assert_eq!(
            mentions_in_text("no handles here", "twitter", &p, own),
            None
        );
        assert_eq!(
            mentions_in_text("hi @NorthlineTransit", "twitter", &p, own),
            None
        );
        let raw = Pseudonymiser::from_secret(b"k", true);
        assert_eq!(mentions_in_text("@rider357 hi", "twitter", &raw, own), None);
    }

    /// The forms that once slipped through: `.@name`, `/u/name`, a full-width `＠`, and
    /// a zero-width space after the `@`; a URL path and an e-mail still are not handles.
    #[test]
    fn handles_in_other_written_forms_are_pseudonymised() {
        let p = Pseudonymiser::from_secret(b"k", false);
        let own = |h: &str| h.eq_ignore_ascii_case("NorthlineTransit");
        let ps = |h: &str| p.pseudonym("twitter", h);
        for (text, want) in [
            (
                ".@rider103 is right",
                format!(".@{} is right", ps("rider103")),
            ),
            (
                "ask /u/rider106 now",
                format!("ask /u/{} now", ps("rider106")),
            ),
            ("\u{ff20}rider101 said", format!("@{} said", ps("rider101"))),
            ("@\u{200b}rider112 saw", format!("@{} saw", ps("rider112"))),
            ("\u{fe6b}rider113!", format!("@{}!", ps("rider113"))),
        ] {
            assert_eq!(
                mentions_in_text(text, "twitter", &p, own),
                Some(want),
                "{text:?}"
            );
        }
        // Folded even when the handle is ours: the text is kept folded.
        assert_eq!(
            mentions_in_text("\u{ff20}NorthlineTransit hi", "twitter", &p, own).as_deref(),
            Some("@NorthlineTransit hi")
        );
        for text in ["see example.org/u/abc", "mail a.@b", "https://x.org/@name"] {
            assert_eq!(mentions_in_text(text, "twitter", &p, own), None, "{text}");
        }
    }

    #[test]
    fn links_in_posts_name_no_one() {
        let own = |n: &str| n.eq_ignore_ascii_case("NorthlineTransit");
        for (url, want) in [
            (
                "https://x.com/rider107/status/1853700000000000123?s=20",
                "https://x.com/i/status/1853700000000000123",
            ),
            (
                "https://twitter.com/rider107/status/18537/photo/1",
                "https://x.com/i/status/18537",
            ),
            ("https://twitter.com/rider110", "https://twitter.com/"),
            (
                "https://www.reddit.com/user/rider108/",
                "https://www.reddit.com/",
            ),
            (
                "https://old.reddit.com/u/rider108",
                "https://old.reddit.com/",
            ),
            (
                "https://bsky.app/profile/rider109.bsky.social/post/3l2abc",
                "https://bsky.app/",
            ),
            (
                "https://mastodon.social/@rider111/11341",
                "https://mastodon.social/",
            ),
            (
                "https://www.facebook.com/Rider.Name/posts/123",
                "https://www.facebook.com/",
            ),
            (
                "https://northline.example/timetables",
                "https://northline.example/timetables",
            ),
            ("https://x.com/i/status/123", "https://x.com/i/status/123"),
            (
                "https://x.com/hashtag/ferries",
                "https://x.com/hashtag/ferries",
            ),
            (
                "https://x.com/NorthlineTransit",
                "https://x.com/NorthlineTransit",
            ),
            (
                "https://www.reddit.com/user/NorthlineTransit/",
                "https://www.reddit.com/user/NorthlineTransit/",
            ),
        ] {
            assert_eq!(safe_url(url, own), want, "{url}");
        }
    }

    #[test]
    fn masked_excerpts_keep_keys_and_shape() {
        assert_eq!(
            mask_excerpt(
                r#"{"user": {"screen_name": "rider498", "id": 3000000498, "ok": true}, "text": "hi @rider"#
            ),
            r#"{"user": {"screen_name": "xxxxx000", "id": 0000000000, "ok": true}, "text": "xx @xxxxx"#
        );
        assert_eq!(
            mask_excerpt("ig_1,Instagram,,harbour.hannah"),
            "xx_0,xxxxxxxxx,,xxxxxxx.xxxxxx"
        );
    }
}

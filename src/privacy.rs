//! Pseudonymisation of members of the public with a keyed hash (BLAKE3 keyed mode).
//! The same key gives the same pseudonym across runs, so analysts can count
//! unique authors without ever seeing who they are.

use crate::config::PrivacyConfig;
use std::path::Path;

#[derive(Clone)]
pub struct Pseudonymiser {
    key: [u8; 32],
    keep_raw: bool,
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
        Pseudonymiser {
            key: blake3::derive_key("socialpulse 2026 author pseudonym v1", secret),
            keep_raw,
        }
    }

    /// Key from the environment variable, else the key file, else a key generated
    /// once and stored under `state_dir` so reruns stay deterministic.
    pub fn from_config(
        cfg: &PrivacyConfig,
        state_dir: &Path,
    ) -> Result<(Pseudonymiser, KeySource), String> {
        if let Ok(v) = std::env::var(&cfg.key_env) {
            if !v.is_empty() {
                return Ok((
                    Self::from_secret(v.as_bytes(), cfg.keep_public_identities),
                    KeySource::Env(cfg.key_env.clone()),
                ));
            }
        }
        let file = cfg
            .key_file
            .clone()
            .unwrap_or_else(|| state_dir.join("pseudonym.key"));
        if file.exists() {
            let secret = std::fs::read(&file)
                .map_err(|e| format!("cannot read key file {}: {e}", file.display()))?;
            let source = if cfg.key_file.is_some() {
                KeySource::File(file.display().to_string())
            } else {
                KeySource::Generated(file.display().to_string())
            };
            return Ok((
                Self::from_secret(trim_ascii(&secret), cfg.keep_public_identities),
                source,
            ));
        }
        if cfg.key_file.is_some() {
            return Err(format!("key file {} does not exist", file.display()));
        }
        let secret = random_secret();
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        std::fs::write(&file, secret.as_bytes())
            .map_err(|e| format!("cannot write key file {}: {e}", file.display()))?;
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
    pub fn pseudonym(&self, platform: &str, identity: &str) -> String {
        if self.keep_raw {
            return identity.to_string();
        }
        let mut h = blake3::Hasher::new_keyed(&self.key);
        h.update(platform.as_bytes());
        h.update(&[0]);
        h.update(identity.to_lowercase().as_bytes());
        let hex = h.finalize().to_hex();
        format!("p_{}", &hex[..16])
    }

    pub fn keeps_raw(&self) -> bool {
        self.keep_raw
    }
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
}

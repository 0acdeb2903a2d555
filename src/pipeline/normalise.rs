//! Normalisation: direction, account attribution and pseudonyms of the public.

use crate::config::Config;
use crate::model::{Direction, Draft, Kind, Post};
use crate::privacy::{self, Pseudonymiser};
use rustc_hash::FxHashMap;

/// Who the organisation is: own accounts per platform, for direction and attribution.
pub struct Accounts {
    /// Followers-only and direct messages are withheld from the public metrics.
    withhold_private: bool,
    /// Lower-cased handle or id -> (platform or "", display handle) pairs: keyed by the
    /// handle alone so a lookup borrows the text it is given (most posts are checked
    /// several times, and few handles are ours).
    own: FxHashMap<String, Vec<(String, String)>>,
    /// platform -> default account for inbound posts that address no own account.
    defaults: FxHashMap<String, String>,
}

impl Accounts {
    pub fn from_config(cfg: &Config) -> Accounts {
        let mut own = FxHashMap::default();
        let mut defaults = FxHashMap::default();
        for a in &cfg.accounts {
            let handle = a.handle.trim_start_matches('@').to_string();
            let platform = a.platform.to_lowercase();
            let keys = std::iter::once(handle.to_lowercase())
                .chain(a.id.as_ref().map(|i| i.to_lowercase()));
            for key in keys {
                let names: &mut Vec<(String, String)> = own.entry(key).or_default();
                // A later declaration of the same (platform, key) replaces the earlier one.
                match names.iter_mut().find(|(p, _)| *p == platform) {
                    Some(slot) => slot.1 = handle.clone(),
                    None => names.push((platform.clone(), handle.clone())),
                }
            }
            // Only a declared default takes posts that address no own account.
            if a.default {
                defaults.insert(platform.clone(), handle.clone());
            }
        }
        Accounts {
            own,
            defaults,
            withhold_private: cfg.privacy.private_messages
                == crate::config::PrivateMessages::Exclude,
        }
    }

    /// The own account's display handle if `who` (handle or id) is one of ours.
    pub fn own(&self, platform: &str, who: &str) -> Option<&str> {
        let who = who.trim_start_matches('@');
        let names = self.own.get(crate::text::lowercase(who).as_ref())?;
        let on = |p: &str| names.iter().find(|(q, _)| q == p).map(|(_, h)| h.as_str());
        on(platform).or_else(|| on(""))
    }

    /// Whether `account` (a post's account) is declared in `[[accounts]]` for `platform`.
    pub fn declared(&self, platform: &str, account: &str) -> bool {
        self.own(platform, account).is_some()
    }

    /// Whether `who` (handle or id) is one of ours on any platform: a link in a post
    /// may point to another platform than the post's.
    pub fn is_own_anywhere(&self, who: &str) -> bool {
        self.own
            .contains_key(crate::text::lowercase(who.trim_start_matches('@')).as_ref())
    }

    /// Whether any account is declared.
    pub fn any_declared(&self) -> bool {
        !self.own.is_empty()
    }

    fn default_for(&self, platform: &str) -> Option<&str> {
        self.defaults
            .get(platform)
            .or_else(|| self.defaults.get(""))
            .map(String::as_str)
    }
}

/// Decide direction and account, then pseudonymise the public (see docs/privacy.md).
pub fn normalise(d: Draft, accounts: &Accounts, pseudo: &Pseudonymiser) -> Post {
    let mut p = d.post;
    p.withheld =
        accounts.withhold_private && matches!(p.visibility.as_deref(), Some("private" | "direct"));
    let own_author = p
        .author_handle
        .as_deref()
        .and_then(|h| accounts.own(&p.platform, h))
        .or_else(|| {
            p.author_id
                .as_deref()
                .and_then(|i| accounts.own(&p.platform, i))
        })
        .map(str::to_string);
    // The own page or profile the export names: a declared one by its declared name,
    // any other as the export writes it (the run's warnings count those).
    let named = d.named_account.as_deref().map(|a| {
        accounts
            .own(&p.platform, a)
            .map_or_else(|| a.to_string(), str::to_string)
    });
    // A post by the very page it is in is the page's own.
    let by_named = named.is_some()
        && [p.author_handle.as_deref(), p.author_id.as_deref()]
            .into_iter()
            .flatten()
            .any(|w| {
                d.named_account
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(w))
            });
    let outbound = match d.direction {
        Some(dir) => dir == Direction::Outbound,
        None => d.by_owner || own_author.is_some() || by_named,
    };
    p.direction = if outbound {
        Direction::Outbound
    } else {
        Direction::Inbound
    };
    if outbound {
        p.account = own_author
            .or_else(|| named.clone())
            .or_else(|| p.author_handle.clone())
            .or_else(|| accounts.default_for(&p.platform).map(str::to_string));
        if p.author_handle.is_none() {
            p.author_handle = p.account.clone();
        }
        if p.author_id.is_none() {
            p.author_id = p.author_handle.clone();
        }
        // Our repost links to someone else's post, whose link may name them.
        if p.kind == Kind::Repost && !pseudo.keeps_raw() && p.platform != "twitter" {
            let safe = privacy::public_link(&p.platform, &p.post_id, p.url.as_deref(), &[]);
            if safe != p.url {
                p.link = std::mem::replace(&mut p.url, safe).map(|raw| pseudo.seal(&raw));
            }
        }
    } else {
        let addressed = d
            .addressed_to
            .iter()
            .find_map(|h| accounts.own(&p.platform, h));
        p.addressed =
            named.is_some() || addressed.is_some() || p.visibility.as_deref() == Some("direct");
        p.account = named.or_else(|| {
            addressed
                .or_else(|| accounts.default_for(&p.platform))
                .map(str::to_string)
        });
        if !pseudo.keeps_raw() {
            // The working link stays, sealed, for the operational tables; `url` names no
            // one.
            let raw: Vec<&str> = [p.author_handle.as_deref(), p.author_id.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            let safe = privacy::public_link(&p.platform, &p.post_id, p.url.as_deref(), &raw);
            if safe != p.url {
                p.link = std::mem::replace(&mut p.url, safe).map(|raw| pseudo.seal(&raw));
            }
        }
        p.author_id = p
            .author_id
            .as_deref()
            .map(|a| pseudo.pseudonym(&p.platform, a));
        p.author_handle = p
            .author_handle
            .as_deref()
            .map(|a| pseudo.pseudonym(&p.platform, a));
    }
    // Mentions of members of the public are identities too, in the list and in the text.
    for m in &mut p.mentions {
        if accounts.own(&p.platform, m).is_none() {
            *m = pseudo.pseudonym(&p.platform, m);
        }
    }
    let own = |h: &str| accounts.own(&p.platform, h).is_some();
    if let Some(t) = privacy::mentions_in_text(&p.text, &p.platform, pseudo, own) {
        p.text = t;
    }
    // Links in the post name no one either, as `url` does not.
    if !pseudo.keeps_raw() {
        for u in &mut p.urls {
            let safe = privacy::safe_url(u, |n| accounts.is_own_anywhere(n));
            if safe != *u {
                *u = safe;
            }
        }
    }
    // Ids that embed an identity (Bluesky AT URIs carry the author's DID).
    let own_did = |did: &str| accounts.own(&p.platform, did).is_some();
    let ids = [
        Some(&mut p.post_id),
        p.reply_to_id.as_mut(),
        p.conversation_id.as_mut(),
    ];
    for id in ids.into_iter().flatten() {
        if let Some(safe) = privacy::at_uri(pseudo, id, own_did) {
            *id = safe;
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AccountConfig;

    fn accounts(entries: &[(&str, &str, bool)]) -> Accounts {
        let mut cfg = Config::default();
        for &(platform, handle, default) in entries {
            cfg.accounts.push(AccountConfig {
                platform: platform.into(),
                handle: handle.into(),
                default,
                ..AccountConfig::default()
            });
        }
        Accounts::from_config(&cfg)
    }

    /// docs/configuration.md: `accounts[].default` is false unless set, so a post that
    /// addresses no own account has no account unless one is declared default.
    #[test]
    fn only_a_declared_default_takes_unaddressed_posts() {
        let a = accounts(&[
            ("twitter", "AgencyHelp", false),
            ("twitter", "Agency", false),
        ]);
        assert_eq!(a.default_for("twitter"), None);
        let a = accounts(&[
            ("twitter", "AgencyHelp", false),
            ("twitter", "Agency", true),
        ]);
        assert_eq!(a.default_for("twitter"), Some("Agency"));
        assert_eq!(a.default_for("reddit"), None);
        let a = accounts(&[("twitter", "AgencyHelp", false), ("", "Agency", true)]);
        assert_eq!(a.default_for("twitter"), Some("Agency"));
        assert_eq!(a.default_for("reddit"), Some("Agency"));
    }
}

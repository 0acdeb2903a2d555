//! Signs that a run read its inputs but not as the user meant, recorded in `_run.json`
//! (`warnings`) and printed: a scheduler sees them even when the exit code is 0.

use super::normalise::Accounts;
use crate::model::{Direction, Draft, FileReport, Kind, Post, ReasonCount, Reject};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Replies below this many are too few to judge whether ids link.
const MIN_REPLIES: usize = 10;

/// Inputs that could not be read whole (their `error` is set).
pub fn lost_inputs(inputs: &[FileReport]) -> Option<String> {
    let lost: Vec<&str> = inputs
        .iter()
        .filter(|i| i.error.is_some())
        .map(|i| i.path.as_str())
        .collect();
    if lost.is_empty() {
        return None;
    }
    let mut named: Vec<String> = lost.iter().take(5).map(|p| p.to_string()).collect();
    if lost.len() > 5 {
        named.push(format!("and {} more", lost.len() - 5));
    }
    Some(format!(
        "{} input(s) could not be read whole, so part or all of them is in no table (see inputs[].error and rejects; they are read again next run): {}",
        lost.len(),
        named.join(", ")
    ))
}

/// What the readers noticed about whole files (`FileReport::notes`), one warning per
/// note naming its file.
pub fn file_notes(inputs: &[FileReport]) -> Vec<String> {
    inputs
        .iter()
        .flat_map(|i| i.notes.iter().map(move |n| format!("{}: {n}", i.path)))
        .collect()
}

/// `replies` own replies and thread continuations are known (the response index) and
/// `responded` items were answered: none answered means the ids do not link.
pub fn unlinked_replies(replies: usize, responded: u64) -> Option<String> {
    (replies >= MIN_REPLIES && responded == 0).then(|| {
        format!(
            "none of the {replies} replies by own accounts answers a post read: their reply or thread ids match no post id. \
             Check that the id columns are written alike (a spreadsheet or pandas writes ids as floats, 3.0 or 1.2e+18; integer-valued ones are read back, rounded ones cannot be)"
        )
    })
}

/// What the posts read in a run say about the setup, gathered batch by batch while
/// they are read (pass 1) and turned into warnings at the end: own pages the export
/// names that `[[accounts]]` does not declare, inbound posts no account takes, no
/// outbound post at all, replies to themselves.
#[derive(Default)]
pub struct Audit(Mutex<Seen>);

#[derive(Default)]
struct Seen {
    self_replies: u64,
    outbound: u64,
    inbound: u64,
    inbound_without_account: u64,
    /// (platform, account) -> posts, for accounts not in `[[accounts]]`.
    undeclared: BTreeMap<(String, String), u64>,
}

impl Audit {
    /// Drop the reply link of drafts that reply to themselves (a post is never its own
    /// parent; an export that writes the post's own link as its parent means none),
    /// counting them.
    pub fn self_replies(&self, drafts: &mut [Draft]) {
        let mut n = 0;
        for d in drafts {
            let p = &mut d.post;
            if p.reply_to_id.as_deref() == Some(p.post_id.as_str()) {
                p.reply_to_id = None;
                if p.kind == Kind::Reply {
                    p.kind = Kind::Original;
                }
                n += 1;
            }
        }
        if n > 0 {
            self.with(|s| s.self_replies += n);
        }
    }

    /// Count a batch of normalised posts.
    pub fn posts(&self, posts: &[Post], accounts: &Accounts) {
        let mut batch = Seen::default();
        for p in posts {
            match p.direction {
                Direction::Outbound => batch.outbound += 1,
                Direction::Inbound => {
                    batch.inbound += 1;
                    batch.inbound_without_account += u64::from(p.account.is_none());
                }
            }
            if let Some(a) = p.account.as_deref() {
                if !accounts.declared(&p.platform, a) {
                    *batch
                        .undeclared
                        .entry((p.platform.clone(), a.to_string()))
                        .or_default() += 1;
                }
            }
        }
        self.with(|s| {
            s.outbound += batch.outbound;
            s.inbound += batch.inbound;
            s.inbound_without_account += batch.inbound_without_account;
            for (k, n) in batch.undeclared {
                *s.undeclared.entry(k).or_default() += n;
            }
        });
    }

    fn with(&self, f: impl FnOnce(&mut Seen)) {
        match self.0.lock() {
            Ok(mut s) => f(&mut s),
            Err(p) => f(&mut p.into_inner()),
        }
    }

    /// The warnings of what was seen; `declared` is whether `[[accounts]]` has any entry.
    pub fn warnings(self, declared: bool) -> Vec<String> {
        let s = match self.0.into_inner() {
            Ok(s) => s,
            Err(p) => p.into_inner(),
        };
        let mut out = Vec::new();
        if !s.undeclared.is_empty() {
            let total: u64 = s.undeclared.values().sum();
            let mut named: Vec<String> = s
                .undeclared
                .iter()
                .take(10)
                .map(|((platform, account), n)| format!("{platform}:{account} ({n})"))
                .collect();
            if s.undeclared.len() > 10 {
                named.push(format!("and {} more", s.undeclared.len() - 10));
            }
            out.push(format!(
                "{total} post(s) belong to {} own page(s) or profile(s) the exports name that [[accounts]] does not declare; they are counted under the names the exports give: {}",
                s.undeclared.len(),
                named.join(", ")
            ));
        }
        if s.outbound == 0 && !declared && s.inbound > 0 {
            out.push(format!(
                "no post is outbound and no [[accounts]] are declared: all {} posts read count as the public's, so no response can be found; declare the organisation's accounts, or map a direction column",
                s.inbound
            ));
        }
        if s.inbound_without_account > 0 {
            out.push(format!(
                "{} of {} inbound post(s) have no account: they name or address no own account and no default account takes them (set accounts[].default, or map the export's page column as the mapping's account)",
                s.inbound_without_account, s.inbound
            ));
        }
        if s.self_replies > 0 {
            out.push(format!(
                "{} post(s) named themselves as the post they reply to: that link was dropped (a post is never its own reply)",
                s.self_replies
            ));
        }
        out
    }
}

/// The `n` commonest kinds of reason among `rejects` (particulars cut off, as the
/// report's data-quality table groups them), most frequent first, ties by reason.
pub fn commonest_reasons(rejects: &[Reject], n: usize) -> Vec<ReasonCount> {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for r in rejects {
        *counts
            .entry(crate::report::data::reason_kind(&r.reason))
            .or_default() += 1;
    }
    let mut v: Vec<ReasonCount> = counts
        .into_iter()
        .map(|(reason, rejects)| ReasonCount { reason, rejects })
        .collect();
    v.sort_by(|a, b| {
        b.rejects
            .cmp(&a.rejects)
            .then_with(|| a.reason.cmp(&b.reason))
    });
    v.truncate(n);
    v
}

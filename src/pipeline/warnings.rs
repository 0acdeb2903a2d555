//! Signs that a run read its inputs but not as the user meant, recorded in `_run.json`
//! (`warnings`) and printed: a scheduler sees them even when the exit code is 0.

use crate::model::FileReport;

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

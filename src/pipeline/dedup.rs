//! Deduplication of overlapping exports by a total order on the copies of a post.

use crate::model::Post;
use rustc_hash::FxHashMap;

/// Deterministic choice between two copies of the same post: more known counters,
/// then higher engagement (the later export), then the first by (source_file, position).
pub fn better_copy(a: &Post, b: &Post) -> bool {
    let (ka, kb) = (copy_rank(a), copy_rank(b));
    if ka != kb {
        return ka > kb;
    }
    (&a.source_file, a.source_position) < (&b.source_file, b.source_position)
}

/// The first keys of the copy order, higher is better: counters known, then their sum.
/// Ties go to the first copy by (source_file, source_position). The Spark path orders
/// its deduplication window by these values.
pub fn copy_rank(p: &Post) -> (usize, i64) {
    (p.counts.known_fields(), p.counts.known_total())
}

/// Keep one copy per (platform, post_id) by [`better_copy`], ordered by time then id.
///
/// Works on indices so each (large) post moves once, not at every swap of a sort. The
/// best copy of each id is found through a hash map in one pass (a sort by the string
/// keys cost more than the rest of the day's deduplication).
pub fn dedup(posts: Vec<Post>) -> Vec<Post> {
    let mut best: FxHashMap<(&str, &str), usize> =
        FxHashMap::with_capacity_and_hasher(posts.len(), Default::default());
    for (i, p) in posts.iter().enumerate() {
        match best.entry((p.platform.as_str(), p.post_id.as_str())) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(i);
            }
            // Indices rise, so on a tie the earlier copy (the one kept) stays.
            std::collections::hash_map::Entry::Occupied(mut o) => {
                if better_copy(p, &posts[*o.get()]) {
                    o.insert(i);
                }
            }
        }
    }
    let mut keep: Vec<usize> = best.into_values().collect();
    keep.sort_unstable_by(|&a, &b| {
        let (pa, pb) = (&posts[a], &posts[b]);
        (pa.created_at, &pa.platform, &pa.post_id).cmp(&(pb.created_at, &pb.platform, &pb.post_id))
    });
    let mut slots: Vec<Option<Post>> = posts.into_iter().map(Some).collect();
    // Sized up front: collecting from `filter_map` would grow (and copy) the posts.
    let mut out = Vec::with_capacity(keep.len());
    out.extend(keep.iter().filter_map(|&i| slots[i].take()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::XorShift;

    /// The rule written as a sort: each id's copies ordered best first (ties by index),
    /// the first kept, then ordered by time and id.
    fn dedup_by_sort(posts: &[Post]) -> Vec<(String, String, String, u64)> {
        let mut order: Vec<usize> = (0..posts.len()).collect();
        order.sort_by(|&a, &b| {
            let (pa, pb) = (&posts[a], &posts[b]);
            (&pa.platform, &pa.post_id)
                .cmp(&(&pb.platform, &pb.post_id))
                .then_with(|| {
                    if better_copy(pa, pb) {
                        std::cmp::Ordering::Less
                    } else if better_copy(pb, pa) {
                        std::cmp::Ordering::Greater
                    } else {
                        a.cmp(&b)
                    }
                })
        });
        order.dedup_by(|b, a| {
            (&posts[*a].platform, &posts[*a].post_id) == (&posts[*b].platform, &posts[*b].post_id)
        });
        order.sort_by_key(|&i| (posts[i].created_at, &posts[i].platform, &posts[i].post_id));
        order.iter().map(|&i| key(&posts[i])).collect()
    }

    fn key(p: &Post) -> (String, String, String, u64) {
        (
            p.platform.clone(),
            p.post_id.clone(),
            p.source_file.clone(),
            p.source_position,
        )
    }

    #[test]
    fn dedup_keeps_what_the_sorted_rule_keeps() {
        let mut rng = XorShift(0x6a09_e667_f3bc_c909);
        for round in 0..200 {
            let n = 1 + rng.below(60);
            let posts: Vec<Post> = (0..n)
                .map(|_| {
                    let id = rng.below(12);
                    let platform = ["twitter", "mastodon"][rng.below(2)];
                    // A post's creation time is the same in every export.
                    let mut p = Post::new(
                        platform,
                        id.to_string(),
                        (id as i64 % 5) * 1_000,
                        String::new(),
                    );
                    let mut count = || [None, Some(0), Some(3), Some(7)][rng.below(4)];
                    p.counts.likes = count();
                    p.counts.reposts = count();
                    p.counts.views = count();
                    p.source_file = ["a.ndjson", "b.ndjson"][rng.below(2)].to_string();
                    p.source_position = rng.below(4) as u64;
                    p
                })
                .collect();
            let want = dedup_by_sort(&posts);
            let got: Vec<_> = dedup(posts).iter().map(key).collect();
            assert_eq!(got, want, "round {round}");
        }
    }
}

//! Metric tables on hand-made posts, with every expected value worked out by hand in
//! the comments (not taken from the program's output).

mod common;
use chrono::NaiveDate;
use chrono_tz::Tz;
use common::*;
use socialpulse::metrics::daily_sentiment::Row;
use socialpulse::metrics::Accumulators;
use socialpulse::model::{Direction, Kind, Post, Sentiment};

fn p(
    platform: &str,
    account: &str,
    dir: Direction,
    kind: Kind,
    author: &str,
    at: &str,
    compound: Option<f64>,
) -> Post {
    let mut post = Post::new(platform, format!("{author}-{at}"), ts(at), "x".into());
    post.account = Some(account.into());
    post.direction = dir;
    post.kind = kind;
    post.author_id = Some(author.into());
    match compound {
        Some(c) => {
            post.sentiment = Some(Sentiment {
                neg: 0.0,
                neu: 0.0,
                pos: 0.0,
                compound: c,
            });
            post.sentiment_label = Some(
                if c >= 0.05 {
                    "positive"
                } else if c <= -0.05 {
                    "negative"
                } else {
                    "neutral"
                }
                .into(),
            );
        }
        None => post.sentiment_skipped = Some("lang:es".into()),
    }
    post
}

fn posts() -> Vec<Post> {
    use Direction::*;
    use Kind::*;
    vec![
        // 1: 10:30Z on 3 Nov = 23:30 on 3 Nov in Auckland (NZDT, UTC+13).
        p(
            "twitter",
            "NorthlineTransit",
            Inbound,
            Original,
            "A",
            "2026-11-03T10:30:00Z",
            Some(-0.5),
        ),
        // 2: 11:30Z on 3 Nov = 00:30 on 4 Nov in Auckland: across the time-zone boundary.
        p(
            "twitter",
            "NorthlineTransit",
            Inbound,
            Original,
            "B",
            "2026-11-03T11:30:00Z",
            Some(0.6),
        ),
        // 3: author A again, a reply, 4 Nov in both zones.
        p(
            "twitter",
            "NorthlineTransit",
            Inbound,
            Reply,
            "A",
            "2026-11-04T01:00:00Z",
            Some(0.0),
        ),
        // 4: our reply.
        p(
            "twitter",
            "NorthlineTransit",
            Outbound,
            Reply,
            "NorthlineTransit",
            "2026-11-04T02:00:00Z",
            Some(0.4),
        ),
        // 5: Spanish, skipped.
        p(
            "twitter",
            "NorthlineTransit",
            Inbound,
            Original,
            "C",
            "2026-11-04T03:00:00Z",
            None,
        ),
        // 6: another platform and account.
        p(
            "mastodon",
            "northline",
            Inbound,
            Original,
            "D",
            "2026-11-04T04:00:00Z",
            Some(-0.2),
        ),
    ]
}

fn acc(posts: &[Post], tz: Tz) -> Accumulators {
    let mut a = Accumulators::default();
    for x in posts {
        a.add(x, tz);
    }
    a
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

#[test]
fn daily_volume_in_the_reporting_time_zone() {
    let a = acc(&posts(), Tz::Pacific__Auckland);
    let rows: Vec<(String, String, &str, &str, u64, u64, u64)> = a
        .volume
        .rows()
        .into_iter()
        .map(|(k, posts, unique, new)| (k.0.to_string(), k.1, k.3, k.4, posts, unique, new))
        .collect();
    let r =
        |date: &str, pl: &str, dir: &'static str, kind: &'static str, n: u64, u: u64, new: u64| {
            (date.to_string(), pl.to_string(), dir, kind, n, u, new)
        };
    assert_eq!(
        rows,
        vec![
            // 3 Nov: only post 1 (A, first appearance).
            r("2026-11-03", "twitter", "inbound", "original", 1, 1, 1),
            // 4 Nov: mastodon post 6 (D, new).
            r("2026-11-04", "mastodon", "inbound", "original", 1, 1, 1),
            // 4 Nov twitter inbound originals: posts 2 (B) and 5 (C), both new.
            r("2026-11-04", "twitter", "inbound", "original", 2, 2, 2),
            // Post 3: A's second day, so not new.
            r("2026-11-04", "twitter", "inbound", "reply", 1, 1, 0),
            r("2026-11-04", "twitter", "outbound", "reply", 1, 1, 1),
        ]
    );
    // In UTC, post 2 belongs to 3 Nov: two originals that day, none on 4 Nov besides post 5.
    let utc = acc(&posts(), Tz::UTC);
    let first = &utc.volume.rows()[0];
    assert_eq!(
        (first.0 .0, first.1, first.2, first.3),
        (d("2026-11-03"), 2, 2, 2)
    );
}

#[test]
fn daily_sentiment_worked_by_hand() {
    let a = acc(&posts(), Tz::Pacific__Auckland);
    let rows = a.sentiment.rows();
    let find = |date: &str, platform: &str, dir: &str| -> Row {
        rows.iter()
            .find(|r| r.key.0 == d(date) && r.key.1 == platform && r.key.3 == dir)
            .cloned()
            .unwrap_or_else(|| panic!("no row {date} {platform} {dir}"))
    };
    // 3 Nov inbound twitter: post 1 only (-0.5, negative): net = (0 - 1) / 1 = -1.
    let r = find("2026-11-03", "twitter", "inbound");
    assert_eq!((r.posts, r.scored, r.skipped), (1, 1, 0));
    assert_eq!(
        (r.mean, r.median, r.net),
        (Some(-0.5), Some(-0.5), Some(-1.0))
    );
    assert_eq!(
        (r.positive_share, r.neutral_share, r.negative_share),
        (Some(0.0), Some(0.0), Some(1.0))
    );
    // 4 Nov inbound twitter: posts 2 (0.6), 3 (0.0), 5 (skipped).
    // mean = (0.6 + 0.0) / 2 = 0.3; median of {0.0, 0.6} = 0.3; shares 1/2 positive,
    // 1/2 neutral; net = (1 - 0) / (1 + 0) = 1.
    let r = find("2026-11-04", "twitter", "inbound");
    assert_eq!((r.posts, r.scored, r.skipped), (3, 2, 1));
    assert_eq!((r.mean, r.median, r.net), (Some(0.3), Some(0.3), Some(1.0)));
    assert_eq!(
        (r.positive_share, r.neutral_share, r.negative_share),
        (Some(0.5), Some(0.5), Some(0.0))
    );
    // 4 Nov outbound: post 4 (0.4).
    let r = find("2026-11-04", "twitter", "outbound");
    assert_eq!((r.mean, r.net), (Some(0.4), Some(1.0)));
    // A group with only neutral or skipped posts has no net sentiment (null, not 0).
    let only_skipped = acc(&posts()[4..5], Tz::UTC).sentiment.rows();
    assert_eq!(
        (
            only_skipped[0].scored,
            only_skipped[0].mean,
            only_skipped[0].net
        ),
        (0, None, None)
    );
}

#[test]
fn accumulators_merge_like_a_single_pass() {
    let all = posts();
    let whole = acc(&all, Tz::Pacific__Auckland);
    // Any split, merged in any order, gives the same tables.
    let merged = acc(&all[3..], Tz::Pacific__Auckland).merge(acc(&all[..3], Tz::Pacific__Auckland));
    assert_eq!(whole.volume.rows(), merged.volume.rows());
    assert_eq!(whole.sentiment.rows(), merged.sentiment.rows());
}

fn item(id: &str, at: &str, q: bool, c: bool, i: bool) -> Post {
    let mut x = p(
        "twitter",
        "NorthlineTransit",
        Direction::Inbound,
        Kind::Original,
        id,
        at,
        Some(0.0),
    );
    x.post_id = id.into();
    x.listening.is_question = q;
    x.listening.is_complaint = c;
    x.listening.info_request = i;
    // As the analysis decides it under `responsiveness.scope = "flagged"`.
    x.listening.needs_response = q || c || i;
    x
}

fn answer(
    platform: &str,
    id: &str,
    at: &str,
    reply_to: Option<&str>,
    conversation: Option<&str>,
) -> Post {
    let mut x = p(
        platform,
        "NorthlineTransit",
        Direction::Outbound,
        Kind::Reply,
        "NorthlineTransit",
        at,
        Some(0.3),
    );
    x.post_id = id.into();
    x.reply_to_id = reply_to.map(str::to_string);
    x.conversation_id = conversation.map(str::to_string);
    x
}

fn service_posts() -> Vec<Post> {
    vec![
        // Our reply appears in the archive before the question it answers, across midnight:
        // question 23:50, answer 00:20 next day = 30 minutes.
        answer(
            "twitter",
            "r1",
            "2026-11-04T00:20:00Z",
            Some("q1"),
            Some("q1"),
        ),
        item("q1", "2026-11-03T23:50:00Z", true, false, false),
        // Complaint answered inside its thread (conversation_id) two hours later: 120 minutes.
        item("c1", "2026-11-03T10:00:00Z", false, true, false),
        answer(
            "twitter",
            "r2",
            "2026-11-03T12:00:00Z",
            Some("someone-else"),
            Some("c1"),
        ),
        // Information request never answered on its platform (a Mastodon reply does not count).
        item("i1", "2026-11-03T09:00:00Z", false, false, true),
        answer("mastodon", "r3", "2026-11-04T09:00:00Z", Some("i1"), None),
        // An inbound post that needs no response, answered anyway: not counted.
        item("n1", "2026-11-03T08:00:00Z", false, false, false),
        answer("twitter", "r4", "2026-11-03T08:05:00Z", Some("n1"), None),
    ]
}

/// A platform and account whose items no own reply answers on any day has no rate (not
/// 0), with the reason; another account of the same platform with one answered item on
/// one day is measured on every day, its unanswered days at 0.
#[test]
fn a_rate_nothing_links_to_is_not_measured() {
    use socialpulse::metrics::responsiveness::{rows, NO_LINKED_RESPONSE};
    let mut posts = vec![
        item("a1", "2026-11-03T09:00:00Z", true, false, false),
        item("a2", "2026-11-04T09:00:00Z", true, false, false),
        item("b1", "2026-11-03T10:00:00Z", true, false, false),
        item("b2", "2026-11-04T10:00:00Z", true, false, false),
        answer("twitter", "r1", "2026-11-03T10:30:00Z", Some("b1"), None),
    ];
    for x in &mut posts[..2] {
        x.account = Some("NorthlineFerries".into());
    }
    let a = acc(&posts, Tz::UTC);
    type Got<'a> = (
        String,
        Option<String>,
        u64,
        u64,
        Option<f64>,
        Option<&'a str>,
    );
    let got: Vec<Got> = rows(&a.responsiveness, Tz::UTC)
        .into_iter()
        .map(|r| {
            (
                r.date.to_string(),
                r.account,
                r.needs_response,
                r.responded,
                r.response_rate,
                r.unmeasured_reason,
            )
        })
        .collect();
    let ferries = Some("NorthlineFerries".to_string());
    let transit = Some("NorthlineTransit".to_string());
    assert_eq!(
        got,
        vec![
            (
                "2026-11-03".into(),
                ferries.clone(),
                1,
                0,
                None,
                Some(NO_LINKED_RESPONSE)
            ),
            ("2026-11-03".into(), transit.clone(), 1, 1, Some(1.0), None),
            (
                "2026-11-04".into(),
                ferries,
                1,
                0,
                None,
                Some(NO_LINKED_RESPONSE)
            ),
            ("2026-11-04".into(), transit, 1, 0, Some(0.0), None),
        ]
    );
}

#[test]
fn responsiveness_worked_by_hand() {
    use socialpulse::metrics::responsiveness::rows;
    let a = acc(&service_posts(), Tz::UTC);
    let r = rows(&a.responsiveness, Tz::UTC);
    assert_eq!(r.len(), 1);
    let r = &r[0];
    assert_eq!((r.date, r.platform.as_str()), (d("2026-11-03"), "twitter"));
    // Needing a response: q1, c1, i1; answered: q1 (30 min), c1 (120 min).
    assert_eq!((r.needs_response, r.responded, r.unanswered), (3, 2, 1));
    assert_eq!(r.response_rate, Some(2.0 / 3.0));
    assert_eq!(r.unmeasured_reason, None);
    // Median of {30, 120} = 75; p90 = 30 + 0.9 * (120 - 30) = 111.
    assert_eq!((r.median_minutes, r.p90_minutes), (Some(75.0), Some(111.0)));

    // In Auckland, q1 (23:50Z) falls on 4 Nov: two groups.
    let nz = rows(&a.responsiveness, Tz::Pacific__Auckland);
    let summary: Vec<(String, u64, u64, Option<f64>)> = nz
        .iter()
        .map(|r| {
            (
                r.date.to_string(),
                r.needs_response,
                r.responded,
                r.median_minutes,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("2026-11-03".into(), 2, 1, Some(120.0)),
            ("2026-11-04".into(), 1, 1, Some(30.0))
        ]
    );

    // Unanswered: i1, aged from the latest post in the data (r3, 4 Nov 09:00) = 24 hours.
    let open: Vec<_> = a
        .responsiveness
        .unanswered()
        .into_iter()
        .map(|i| a.responsiveness.view(i))
        .collect();
    assert_eq!(open.len(), 1);
    assert_eq!((open[0].platform, open[0].post_id), ("twitter", "i1"));
    assert_eq!(open[0].reasons(), ["info_request"]);
    assert_eq!(
        (a.responsiveness.reference_time() - open[0].created_at) / 3_600_000_000,
        24
    );
}

/// Every fixture post, plus a second stream (another platform and account) so stream
/// ids differ per part; one of its items has a URL and one none, for the arena round trip.
fn merge_fixture() -> Vec<Post> {
    let mut posts = service_posts();
    posts.extend(self::posts());
    for (id, url) in [("m1", Some("https://transit.social/@a/m1")), ("m2", None)] {
        let mut extra = item(id, "2026-11-03T10:00:00Z", true, true, false);
        extra.platform = "mastodon".into();
        extra.account = Some("northline@transit.social".into());
        extra.url = url.map(Into::into);
        posts.insert(0, extra);
    }
    posts
}

/// `merged` must give the same responsiveness and unanswered tables as `whole`.
fn assert_same_responsiveness(merged: &Accumulators, whole: &Accumulators, tz: Tz, split: usize) {
    use socialpulse::metrics::responsiveness::{rows, unanswered_batch};
    assert_eq!(
        rows(&merged.responsiveness, tz),
        rows(&whole.responsiveness, tz),
        "split at {split}"
    );
    assert_eq!(
        unanswered_batch(&merged.responsiveness),
        unanswered_batch(&whole.responsiveness),
        "split at {split}"
    );
}

/// Accumulators folded over parts and merged (as rayon does) give the same tables as
/// one accumulator over everything, whatever the split: interned streams and arena
/// offsets are remapped on merge, author lists deduplicated.
#[test]
fn merged_accumulators_equal_a_single_pass() {
    let posts = merge_fixture();
    let whole = acc(&posts, Tz::UTC);
    for split in 0..=posts.len() {
        let (a, b) = posts.split_at(split);
        // The later part first, so its streams are interned first.
        let mut merged = acc(b, Tz::UTC).merge(acc(a, Tz::UTC));
        merged.finish();
        assert_eq!(
            merged.volume.rows(),
            whole.volume.rows(),
            "split at {split}"
        );
        assert_same_responsiveness(&merged, &whole, Tz::UTC, split);
    }
}

/// A streaming run indexes every response while reading, then settles each day's items
/// against that index (answered ones become durations): the tables must not change.
#[test]
fn settled_days_equal_matching_at_the_end() {
    use socialpulse::metrics::responsiveness::{response_targets, ResponseIndex};
    let posts = merge_fixture();
    let mut found = Vec::new();
    for p in &posts {
        response_targets(p, |k, t| found.push((k, t)));
    }
    let index = ResponseIndex::new(found);
    for tz in [Tz::UTC, Tz::Pacific__Auckland] {
        let whole = acc(&posts, tz);
        for split in 0..=posts.len() {
            let (a, b) = posts.split_at(split);
            let mut parts = [acc(a, tz), acc(b, tz)];
            for p in &mut parts {
                p.responsiveness.settle(&index, tz);
            }
            let [a, b] = parts;
            let mut merged = b.merge(a);
            merged.finish();
            assert_same_responsiveness(&merged, &whole, tz, split);
        }
    }
}

#[test]
fn engagement_worked_by_hand() {
    use socialpulse::metrics::engagement::engagement;
    let mut r1 = answer("twitter", "r1", "2026-11-04T00:20:00Z", Some("q1"), None);
    r1.counts.likes = Some(2);
    r1.counts.views = Some(100);
    let mut o2 = answer("twitter", "o2", "2026-11-04T05:00:00Z", None, None);
    o2.counts.likes = Some(10);
    o2.counts.reposts = Some(3);
    o2.counts.replies = Some(1);
    let inbound = item("q1", "2026-11-03T23:50:00Z", true, false, false);
    let a = acc(&[r1, o2, inbound], Tz::UTC);
    let groups: Vec<_> = a.engagement.groups().iter().collect();
    assert_eq!(groups.len(), 1, "inbound posts do not count");
    let g = groups[0].1;
    assert_eq!(
        (g.posts, g.likes, g.reposts, g.replies, g.quotes, g.views),
        (2, Some(12), Some(3), Some(1), None, Some(100))
    );
    // engagement = 12 + 3 + 1 = 16 (quotes unknown); per post 8.
    assert_eq!(engagement(g), Some(16));
    // Rate by views only over posts with views: r1's 2 / 100 views.
    assert_eq!(g.engagement_with_views, 2);
    let followers = vec![
        socialpulse::config::FollowerCount {
            platform: "twitter".into(),
            account: "NorthlineTransit".into(),
            date: "2026-10-01".into(),
            count: 1000,
        },
        socialpulse::config::FollowerCount {
            platform: "twitter".into(),
            account: "NorthlineTransit".into(),
            date: "2026-11-04".into(),
            count: 3200,
        },
        socialpulse::config::FollowerCount {
            platform: "twitter".into(),
            account: "NorthlineTransit".into(),
            date: "2026-12-01".into(),
            count: 9999,
        },
    ];
    let batch = socialpulse::metrics::engagement::batch(&a.engagement, &followers).expect("batch");
    let col = |n: &str| {
        batch
            .column_by_name(n)
            .and_then(|c| {
                c.as_any()
                    .downcast_ref::<arrow::array::Float64Array>()
                    .map(|a| a.value(0))
            })
            .expect("float column")
    };
    assert_eq!(col("engagement_per_post"), 8.0);
    assert_eq!(col("engagement_rate_views"), 0.02);
    assert_eq!(col("amplification_rate"), 1.5);
    // Followers on 4 Nov: the 4 Nov entry (3,200), not the later one; rate = 16 / 3200 = 0.005.
    assert_eq!(col("engagement_rate_followers"), 0.005);
    assert_eq!(col("conversation_rate"), 0.5);

    // No views anywhere: the rate is null, not 0.
    let mut o3 = answer("twitter", "o3", "2026-11-05T05:00:00Z", None, None);
    o3.counts.likes = Some(1);
    let b = socialpulse::metrics::engagement::batch(&acc(&[o3], Tz::UTC).engagement, &[])
        .expect("batch");
    use arrow::array::Array;
    assert!(b
        .column_by_name("engagement_rate_views")
        .expect("col")
        .is_null(0));
    assert!(b.column_by_name("views").expect("col").is_null(0));
    assert!(
        b.column_by_name("engagement_rate_followers")
            .expect("col")
            .is_null(0),
        "no follower count configured"
    );
}

#[test]
fn topic_daily_spike_worked_by_hand() {
    // Inbound posts about "delays": 1, 3, 1 on three quiet days, then 12 on the fourth;
    // one post a day about "fares". Every post scored neutral except the spike day's,
    // which are negative (-0.5).
    let mut all = Vec::new();
    for (day, n) in [
        ("2026-11-01", 1),
        ("2026-11-02", 3),
        ("2026-11-03", 1),
        ("2026-11-04", 12),
    ] {
        for i in 0..n {
            let c = if day == "2026-11-04" { -0.5 } else { 0.0 };
            let mut x = p(
                "twitter",
                "NorthlineTransit",
                Direction::Inbound,
                Kind::Original,
                &format!("u{i}"),
                &format!("{day}T0{}:00:00Z", i % 10),
                Some(c),
            );
            x.listening.topics = vec!["delays".into()];
            all.push(x);
        }
        let mut f = p(
            "twitter",
            "NorthlineTransit",
            Direction::Inbound,
            Kind::Original,
            "f",
            &format!("{day}T12:00:00Z"),
            Some(0.0),
        );
        f.listening.topics = vec!["fares".into()];
        all.push(f);
    }
    let rows = acc(&all, Tz::UTC).topics.rows(28, 5);
    let delays: Vec<_> = rows.iter().filter(|r| r.topic == "delays").collect();
    // Day 1: no history → no score.
    assert_eq!((delays[0].spike_score, delays[0].spike), (None, false));
    // Day 2: history [1]: μ = 1, σ = 0 → floor 1: (3 − 1) / 1 = 2.
    assert_eq!(delays[1].spike_score, Some(2.0));
    // Day 4: history [1, 3, 1]: μ = 5/3, σ = sqrt(((1−5/3)² + (3−5/3)² + (1−5/3)²)/3) = sqrt(8/9) = 0.9428 → floor 1;
    // score = 12 − 5/3 = 10.333..; volume 12 ≥ 5 → spike.
    assert!((delays[3].spike_score.expect("score") - (12.0 - 5.0 / 3.0)).abs() < 1e-12);
    assert!(delays[3].spike);
    // Share of inbound: 12 of 13 inbound posts that day; mean compound −0.5, net −1.
    assert_eq!(delays[3].share, 12.0 / 13.0);
    assert_eq!(
        (delays[3].mean_compound, delays[3].net_sentiment),
        (Some(-0.5), Some(-1.0))
    );
    // Steady "fares": score 0 every day after the first, never a spike; all neutral → net null.
    let fares: Vec<_> = rows.iter().filter(|r| r.topic == "fares").collect();
    assert_eq!(fares[3].spike_score, Some(0.0));
    assert!(!fares[3].spike);
    assert_eq!(fares[3].net_sentiment, None);
}

#[test]
fn cost_benefit_worked_by_hand() {
    use socialpulse::config::{CostConfig, CostItem};
    use socialpulse::metrics::cost_benefit::rows;
    let mut posts = Vec::new();
    for (i, at) in [
        "2026-11-03T01:00:00Z",
        "2026-11-03T02:00:00Z",
        "2026-11-03T03:00:00Z",
        "2026-11-04T01:00:00Z",
    ]
    .iter()
    .enumerate()
    {
        let mut o = answer(
            "twitter",
            &format!("o{i}"),
            at,
            if i == 0 { Some("q") } else { None },
            None,
        );
        o.counts.likes = (i < 3).then_some(1);
        posts.push(o);
    }
    posts.push(item("q", "2026-11-03T00:30:00Z", true, false, false));
    posts.push(answer("mastodon", "m1", "2026-11-03T05:00:00Z", None, None));
    let cfg = CostConfig {
        period: socialpulse::config::Period::Month,
        currency: "NZD".into(),
        staff_hours_per_day: 2.0,
        hourly_cost: 50.0,
        value_per_resolved_inquiry: 12.0,
        items: vec![
            CostItem {
                name: "tool".into(),
                amount: 300.0,
                per: socialpulse::config::Period::Month,
                platform: String::new(),
            },
            CostItem {
                name: "ads".into(),
                amount: 10.0,
                per: socialpulse::config::Period::Day,
                platform: "twitter".into(),
            },
        ],
    };
    let r = rows(&acc(&posts, Tz::UTC), &cfg, Tz::UTC);
    let mastodon = r
        .iter()
        .find(|x| x.platform == "mastodon")
        .expect("mastodon");
    let twitter = r.iter().find(|x| x.platform == "twitter").expect("twitter");
    // Two active days in November: staff = 2 h × 50 × 2 = 200; tool = 300 × 2/30 = 20;
    // ads = 10 × 2 = 20, Twitter only. Outbound posts: Twitter 4, Mastodon 1 → shares 0.8 / 0.2.
    assert_eq!(
        (
            twitter.active_days,
            twitter.outbound_posts,
            mastodon.outbound_posts
        ),
        (2, 4, 1)
    );
    assert_eq!(
        (twitter.allocation_share, mastodon.allocation_share),
        (0.8, 0.2)
    );
    assert_eq!((twitter.staff_cost, mastodon.staff_cost), (160.0, 40.0));
    // Twitter other = 20 × 0.8 + 20 × 1.0 = 36; Mastodon other = 20 × 0.2 = 4.
    assert!((twitter.other_cost - 36.0).abs() < 1e-9 && (mastodon.other_cost - 4.0).abs() < 1e-9);
    assert!((twitter.total_cost - 196.0).abs() < 1e-9);
    // Engagements 3 (likes on three posts); one answered question → value 12.
    assert_eq!(
        (
            twitter.engagements,
            twitter.responses,
            twitter.estimated_value
        ),
        (3, 1, 12.0)
    );
    assert_eq!((mastodon.responses, mastodon.estimated_value), (0, 0.0));
    assert_eq!(twitter.period_start, d("2026-11-01"));
}

/// Every configured cost lands in the table: a platform item in a period where that
/// platform has no group gets a row of its own, and a period with inbound posts only
/// shares cost equally. Worked by hand per period, month and day grains.
#[test]
fn cost_benefit_keeps_every_configured_cost() {
    use socialpulse::config::{CostConfig, CostItem};
    use socialpulse::metrics::cost_benefit::rows;
    // November: Twitter outbound on 3 and 4 Nov, Mastodon outbound on 4 Nov.
    // December: one inbound Twitter post on 1 Dec (no outbound post at all).
    // No "threads" post anywhere.
    let posts = vec![
        answer("twitter", "o1", "2026-11-03T01:00:00Z", None, None),
        answer("twitter", "o2", "2026-11-04T01:00:00Z", None, None),
        answer("mastodon", "m1", "2026-11-04T02:00:00Z", None, None),
        item("q", "2026-12-01T00:30:00Z", true, false, false),
    ];
    use socialpulse::config::Period;
    let item_of = |name: &str, amount: f64, per: Period, platform: &str| CostItem {
        name: name.into(),
        amount,
        per,
        platform: platform.into(),
    };
    let mut cfg = CostConfig {
        period: socialpulse::config::Period::Month,
        currency: "NZD".into(),
        staff_hours_per_day: 1.0,
        hourly_cost: 30.0,
        value_per_resolved_inquiry: 0.0,
        items: vec![
            item_of("threads ads", 310.0, Period::Month, "Threads"),
            item_of("mastodon hosting", 5.0, Period::Day, "mastodon"),
            item_of("tool", 62.0, Period::Month, ""),
        ],
    };
    let total = |rs: &[socialpulse::metrics::cost_benefit::Row], period: &str| -> f64 {
        rs.iter()
            .filter(|r| r.period_start == d(period))
            .map(|r| r.total_cost)
            .sum()
    };
    let r = rows(&acc(&posts, Tz::UTC), &cfg, Tz::UTC);
    // November, 2 active days of 30: staff 1 × 30 × 2 = 60; threads 310 × 2/30 = 20.6667;
    // hosting 5 × 2 = 10; tool 62 × 2/30 = 4.1333. Configured total 94.8.
    assert!((total(&r, "2026-11-01") - 94.8).abs() < 1e-9, "{r:?}");
    // December, 1 active day of 31: staff 30; threads 310/31 = 10; hosting 5; tool 2.
    // Configured total 47.
    assert!((total(&r, "2026-12-01") - 47.0).abs() < 1e-9, "{r:?}");
    let threads: Vec<_> = r.iter().filter(|x| x.platform == "threads").collect();
    assert_eq!(threads.len(), 2, "one cost-only row per active month");
    assert_eq!(
        (
            threads[0].account.clone(),
            threads[0].outbound_posts,
            threads[0].allocation_share,
            threads[0].staff_cost
        ),
        (None, 0, 0.0, 0.0)
    );
    assert!((threads[0].other_cost - 310.0 * 2.0 / 30.0).abs() < 1e-9);
    assert!((threads[1].other_cost - 10.0).abs() < 1e-9);
    // November: Twitter 2 outbound, Mastodon 1 → shares 2/3 and 1/3 of staff and tool;
    // hosting all Mastodon's. Mastodon = 60/3 + 4.1333/3 + 10 = 31.3778.
    let nov_mastodon = r
        .iter()
        .find(|x| x.platform == "mastodon" && x.period_start == d("2026-11-01"))
        .expect("mastodon in November");
    assert!((nov_mastodon.total_cost - (20.0 + 62.0 * 2.0 / 30.0 / 3.0 + 10.0)).abs() < 1e-9);
    // December has no Mastodon group: hosting gets its own row, 5.
    let dec_mastodon = r
        .iter()
        .find(|x| x.platform == "mastodon" && x.period_start == d("2026-12-01"))
        .expect("mastodon hosting row in December");
    assert_eq!(
        (dec_mastodon.other_cost, dec_mastodon.staff_cost),
        (5.0, 0.0)
    );
    // December's only activity group (inbound Twitter) takes the whole staff and tool cost.
    let dec_twitter = r
        .iter()
        .find(|x| x.platform == "twitter" && x.period_start == d("2026-12-01"))
        .expect("twitter in December");
    assert_eq!(
        (dec_twitter.allocation_share, dec_twitter.total_cost),
        (1.0, 32.0)
    );

    // Daily periods: each active day carries its own configured cost.
    cfg.period = socialpulse::config::Period::Day;
    let r = rows(&acc(&posts, Tz::UTC), &cfg, Tz::UTC);
    // 3 Nov: staff 30, threads 310/30, hosting 5 (own row: no Mastodon post that day),
    // tool 62/30.
    let nov3 = 30.0 + 310.0 / 30.0 + 5.0 + 62.0 / 30.0;
    assert!((total(&r, "2026-11-03") - nov3).abs() < 1e-9, "{r:?}");
    assert!((total(&r, "2026-11-04") - nov3).abs() < 1e-9);
    assert!((total(&r, "2026-12-01") - 47.0).abs() < 1e-9);
    assert_eq!(r.iter().filter(|x| x.platform == "threads").count(), 3);
}

/// The documented edge of indexing responses before de-duplication: two copies of one
/// reply that disagree on the post they answer both count as answers.
#[test]
fn disagreeing_copies_of_a_reply_both_answer() {
    use socialpulse::metrics::responsiveness::{response_targets, rows, ResponseIndex};
    let posts = vec![
        item("q1", "2026-11-03T09:00:00Z", true, false, false),
        item("q2", "2026-11-03T09:05:00Z", true, false, false),
        answer("twitter", "r1", "2026-11-03T09:30:00Z", Some("q1"), None),
    ];
    let mut other_copy = posts[2].clone();
    other_copy.reply_to_id = Some("q2".into());
    let mut found = Vec::new();
    for p in posts.iter().chain([&other_copy]) {
        response_targets(p, |k, t| found.push((k, t)));
    }
    // De-duplication keeps one copy of r1; the index saw both.
    let mut a = acc(&posts, Tz::UTC);
    a.responsiveness.settle(&ResponseIndex::new(found), Tz::UTC);
    let r = rows(&a.responsiveness, Tz::UTC);
    assert_eq!((r[0].needs_response, r[0].responded), (2, 2));
    assert_eq!(
        (r[0].median_minutes, r[0].p90_minutes),
        (Some(27.5), Some(29.5))
    );
}

/// docs/data-dictionary.md, `cost_benefit`, the readings settled:
/// - a day holding only withheld posts (direct messages) is not active;
/// - a group made only of direct messages gets a row in an active period (its answered
///   messages are value delivered) and shares cost as any inbound-only group;
/// - two items of a platform with no group in the period share one cost-only row.
#[test]
fn cost_benefit_direct_messages_and_items_without_posts() {
    use socialpulse::config::{CostConfig, CostItem, Period};
    use socialpulse::metrics::cost_benefit::rows;
    let mut dm = item("dm1", "2026-11-04T09:00:00Z", true, false, false);
    dm.platform = "facebook".into();
    dm.account = Some("Northline Transit".into());
    dm.visibility = Some("direct".into());
    dm.withheld = true;
    let mut reply = answer("facebook", "r1", "2026-11-04T09:30:00Z", Some("dm1"), None);
    reply.account = Some("Northline Transit".into());
    reply.visibility = Some("direct".into());
    reply.withheld = true;
    let posts = vec![
        answer("twitter", "o1", "2026-11-03T01:00:00Z", None, None),
        dm,
        reply,
    ];
    let item_of = |name: &str, amount: f64| CostItem {
        name: name.into(),
        amount,
        per: Period::Day,
        platform: "threads".into(),
    };
    let cfg = CostConfig {
        period: Period::Month,
        currency: "NZD".into(),
        staff_hours_per_day: 1.0,
        hourly_cost: 30.0,
        value_per_resolved_inquiry: 10.0,
        items: vec![item_of("threads ads", 4.0), item_of("threads boost", 6.0)],
    };
    let r = rows(&acc(&posts, Tz::UTC), &cfg, Tz::UTC);
    type Got = (String, Option<String>, u32, u64, u64, f64, f64);
    let got: Vec<Got> = r
        .iter()
        .map(|x| {
            (
                x.platform.clone(),
                x.account.clone(),
                x.active_days,
                x.outbound_posts,
                x.responses,
                x.staff_cost,
                x.other_cost,
            )
        })
        .collect();
    // One active day (3 Nov; 4 Nov holds only withheld posts): staff 1 × 30 × 1 = 30, all
    // Twitter's (the only outbound post). The direct-message group: a row, its answered
    // message counted, no share of cost. Threads: one row, 4 + 6 for one active day.
    assert_eq!(
        got,
        vec![
            (
                "facebook".to_string(),
                Some("Northline Transit".to_string()),
                1,
                0,
                1,
                0.0,
                0.0
            ),
            ("threads".to_string(), None, 1, 0, 0, 0.0, 10.0),
            (
                "twitter".to_string(),
                Some("NorthlineTransit".to_string()),
                1,
                1,
                0,
                30.0,
                0.0
            ),
        ]
    );
}

//! Every supported archive format, read from its fixture, normalised to exact values.

mod common;
use common::*;
use socialpulse::model::{Direction, Kind};

#[test]
fn x_account_archive() {
    let c = fixtures(&["twitter-archive"]);
    assert_eq!(c.posts.len(), 5);
    assert!(c.rejects.is_empty(), "{:?}", c.rejects);
    // account.js, like.js and note-tweet.js are recognised and skipped, not rejected.
    let skipped: Vec<_> = c
        .inputs
        .iter()
        .filter(|i| i.skipped.is_some())
        .map(|i| i.path.rsplit('/').next().unwrap_or(""))
        .collect();
    assert_eq!(skipped, vec!["account.js", "like.js", "note-tweet.js"]);
    // A long post: tweets.js holds its first 274 characters, `…` and a t.co link;
    // note-tweet.js, created the same second, the whole text.
    let long = find(&c, "1854600000000000006");
    assert_eq!(
        long.text,
        "Timetable change from Monday 16 November: the 25 and 27 will run every 10 minutes at peak, \
the Night Owl extends to Kingsland, and the Red Line adds two late trains on Fridays and Saturdays. \
Route 9 will no longer stop at Quay St while the bridge works continue; use the temporary stop on Albert St. \
Full details and printable timetables are on our website."
    );
    assert_eq!(long.counts.likes, Some(9));

    let alert = find(&c, "1853100000000000001");
    assert_eq!(alert.platform, "twitter");
    assert_eq!(alert.created_at, ts("2026-11-02T19:04:10Z"));
    assert_eq!(alert.text, "#NorthlineAlerts Red Line trains are delayed ~15 min between Central & Harbour due to a signal fault. https://t.co/abc123");
    assert_eq!(alert.direction, Direction::Outbound);
    assert_eq!(alert.account.as_deref(), Some("NorthlineTransit"));
    assert_eq!(alert.author_id.as_deref(), Some("1400000000000000001"));
    assert_eq!(alert.author_handle.as_deref(), Some("NorthlineTransit"));
    assert_eq!(alert.kind, Kind::Original);
    assert_eq!(
        alert.url.as_deref(),
        Some("https://x.com/NorthlineTransit/status/1853100000000000001")
    );
    assert_eq!(
        (alert.counts.likes, alert.counts.reposts),
        (Some(12), Some(4))
    );
    // The archive has no reply, quote or view counts: null, never a fake zero.
    assert_eq!(
        (
            alert.counts.replies,
            alert.counts.quotes,
            alert.counts.views
        ),
        (None, None, None)
    );
    assert_eq!(alert.hashtags, strings(&["NorthlineAlerts"]));
    assert_eq!(alert.urls, strings(&["https://northline.example/alerts"]));
    assert_eq!(alert.lang.as_deref(), Some("en"));
    assert_eq!(alert.source_position, 0);

    let reply = find(&c, "1853300000000000003");
    assert_eq!(reply.kind, Kind::Reply);
    assert_eq!(reply.reply_to_id.as_deref(), Some("1853200000000000002"));
    assert_eq!(reply.created_at, ts("2026-11-03T00:10:00Z"));
    // A member of the public mentioned by us is pseudonymised in `mentions`.
    assert_eq!(
        reply.mentions,
        vec![pseudo().pseudonym("twitter", "jane_rides")]
    );

    let rt = find(&c, "1853400000000000004");
    assert_eq!(rt.kind, Kind::Repost);
    assert_eq!(rt.counts.reposts, Some(7));

    let part1 = find(&c, "1853500000000000005");
    assert!(part1.source_file.ends_with("tweets-part1.js"));
    assert_eq!(
        part1.text,
        "Fares are free this Saturday for the harbour festival – enjoy the ride! 🎉"
    );
}

#[test]
fn twitter_api_v2_pages_and_flattened_lines() {
    let c = fixtures(&["twitter-api/search-pages.jsonl"]);
    assert_eq!(c.posts.len(), 4);
    assert!(
        c.rejects.is_empty(),
        "an empty page is not a reject: {:?}",
        c.rejects
    );
    let jane = find(&c, "1853200000000000002");
    assert_eq!(jane.created_at, ts("2026-11-02T23:52:13Z"));
    assert_eq!(jane.direction, Direction::Inbound);
    assert_eq!(jane.account.as_deref(), Some("NorthlineTransit"));
    assert_eq!(
        jane.author_id,
        Some(pseudo().pseudonym("twitter", "2200000000000000002"))
    );
    assert_eq!(
        jane.author_handle,
        Some(pseudo().pseudonym("twitter", "jane_rides"))
    );
    // The public's link names no one; the working link stays for the operational tables.
    assert_eq!(
        jane.url.as_deref(),
        Some("https://x.com/i/status/1853200000000000002")
    );
    // (sealed with the key until an operational table is written)
    assert_eq!(
        jane.working_link()
            .and_then(|l| pseudo().open(l))
            .as_deref(),
        Some("https://x.com/jane_rides/status/1853200000000000002")
    );
    assert!(jane.text.contains("late for work & nobody"));
    let k = &jane.counts;
    assert_eq!(
        (k.likes, k.reposts, k.replies, k.quotes, k.views),
        (Some(3), Some(1), Some(1), Some(0), Some(812))
    );
    assert_eq!(jane.source_position, 1, "line number of the page");

    let reply = find(&c, "1853300000000000003");
    assert_eq!(reply.direction, Direction::Outbound);
    assert_eq!(reply.kind, Kind::Reply);
    assert_eq!(reply.reply_to_id.as_deref(), Some("1853200000000000002"));
    assert_eq!(
        reply.conversation_id.as_deref(),
        Some("1853200000000000002")
    );
    assert_eq!(reply.author_handle.as_deref(), Some("NorthlineTransit"));

    let maria = find(&c, "1853350000000000008");
    assert_eq!(maria.lang.as_deref(), Some("es"));
    assert_eq!(maria.counts.views, None, "impression_count absent → null");
    assert_eq!(maria.sentiment, None);
    assert_eq!(maria.sentiment_skipped.as_deref(), Some("lang:es"));

    let flat = fixtures(&["twitter-api/flattened.jsonl.gz"]);
    assert_eq!(flat.posts.len(), 2);
    let quote = find(&flat, "1853600000000000010");
    assert_eq!(quote.kind, Kind::Quote);
    assert_eq!(quote.hashtags, strings(&["buslanes"]));
    assert_eq!(
        quote.author_handle,
        Some(pseudo().pseudonym("twitter", "urbanist_kate"))
    );
    assert_eq!(
        quote.account.as_deref(),
        Some("NorthlineTransit"),
        "default account for unaddressed inbound"
    );
}

#[test]
fn overlapping_exports_deduplicate_deterministically() {
    let c = fixtures(&["twitter-archive", "twitter-api"]);
    // 5 archive + 4 pages + 2 flattened + 3 mentions, minus 2 duplicates.
    assert_eq!(c.posts.len(), 12);
    // Jane's tweet: the flattened copy has the same counters known and more engagement.
    assert_eq!(find(&c, "1853200000000000002").counts.likes, Some(9));
    // Our reply: the API copy knows more counters (views) than the archive copy.
    let reply = find(&c, "1853300000000000003");
    assert_eq!(reply.counts.views, Some(230));
    assert!(reply.source_file.ends_with("search-pages.jsonl"));
    // Output order: by time, then platform, then id.
    let times: Vec<i64> = c.posts.iter().map(|p| p.created_at).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
}

#[test]
fn mastodon_outbox_and_api() {
    let c = fixtures(&["mastodon/outbox.json"]);
    assert_eq!(c.posts.len(), 3, "the Delete activity carries no post");
    let alert = find(&c, "113400000000000001");
    assert_eq!(alert.text, "Red Line trains are delayed about 15 minutes between Central & Harbour due to a signal fault. #NorthlineAlerts");
    assert_eq!(alert.created_at, ts("2026-11-02T19:05:00Z"));
    assert_eq!(alert.direction, Direction::Outbound);
    assert_eq!(alert.account.as_deref(), Some("northline"));
    assert_eq!(
        alert.url.as_deref(),
        Some("https://transit.social/@northline/113400000000000001")
    );
    assert_eq!(alert.hashtags, strings(&["NorthlineAlerts"]));
    assert_eq!(alert.lang.as_deref(), Some("en"));
    assert_eq!(alert.counts.likes, None);
    let reply = find(&c, "113400000000000002");
    assert_eq!(
        reply.text,
        format!(
            "@{} Thanks for the heads-up!\nWe've asked the depot to check the heating on that bus.",
            pseudo().pseudonym("mastodon", "busfan")
        )
    );
    assert_eq!(reply.kind, Kind::Reply);
    assert_eq!(reply.reply_to_id.as_deref(), Some("113399999000000001"));
    let boost = find(&c, "113400000000000003");
    assert_eq!(boost.kind, Kind::Repost);
    assert_eq!(boost.text, "");
    assert_eq!(boost.sentiment_skipped.as_deref(), Some("no_text"));

    let api = fixtures(&["mastodon/statuses.json"]);
    assert_eq!(api.posts.len(), 2);
    let busfan = find(&api, "113399999000000001");
    assert_eq!(busfan.direction, Direction::Inbound);
    assert_eq!(busfan.account.as_deref(), Some("northline"));
    assert_eq!(
        busfan.text,
        "@northline the heating on bus 4411 is broken, it's freezing in here 🥶"
    );
    assert_eq!(busfan.created_at, ts("2026-11-02T23:58:41Z"));
    let k = &busfan.counts;
    assert_eq!(
        (k.likes, k.reposts, k.replies, k.quotes, k.views),
        (Some(2), Some(0), Some(1), None, None)
    );
    assert_eq!(
        busfan.author_id,
        Some(pseudo().pseudonym("mastodon", "109000000000000501"))
    );
    let lena = find(&api, "113400500000000002");
    assert_eq!(lena.hashtags, strings(&["nightbus"]));
    assert_eq!(lena.lang, None);
    assert_eq!(
        lena.mentions,
        strings(&["northline"]),
        "own accounts stay readable"
    );
}

#[test]
fn meta_posts_and_comments_with_mojibake() {
    let c = fixtures(&["facebook"]);
    assert_eq!(c.posts.len(), 5);
    let fares = c
        .posts
        .iter()
        .find(|p| p.text.starts_with("Fares"))
        .expect("fares post");
    assert_eq!(fares.text, "Fares are free this Saturday for the harbour festival – we’re running extra trains all day! 🎉");
    assert_eq!(fares.created_at, ts("2026-11-02T19:00:00Z"));
    assert_eq!(fares.platform, "facebook");
    assert!(fares.post_id.starts_with("fb_") && fares.post_id.len() == 23);
    assert_eq!(fares.direction, Direction::Outbound);
    assert_eq!(fares.account.as_deref(), Some("Northline Transit"));
    assert_eq!(fares.urls, strings(&["https://northline.example/festival"]));
    // A photo-only post keeps its row, with empty text.
    let photo = c
        .posts
        .iter()
        .find(|p| p.created_at == ts("2026-11-03T22:46:40Z"))
        .expect("photo post");
    assert_eq!(photo.text, "");
    assert_eq!(photo.direction, Direction::Outbound);

    let aroha = c
        .posts
        .iter()
        .find(|p| p.text.starts_with("Thanks for the update"))
        .expect("comment");
    assert_eq!(
        aroha.text,
        "Thanks for the update! Will the 25 still run on Sunday’s timetable?"
    );
    assert_eq!(aroha.kind, Kind::Comment);
    assert_eq!(aroha.direction, Direction::Inbound);
    assert_eq!(aroha.account.as_deref(), Some("Northline Transit"));
    assert_eq!(
        aroha.author_handle,
        Some(pseudo().pseudonym("facebook", "Aroha Ngāta"))
    );
    let answer = c
        .posts
        .iter()
        .find(|p| p.text.starts_with("Yes"))
        .expect("our answer");
    assert_eq!(answer.direction, Direction::Outbound);
    assert_eq!(answer.created_at, ts("2026-11-04T00:20:00Z"));

    assert_eq!(c.rejects.len(), 1);
    assert_eq!(c.rejects[0].position, 2);
    assert_eq!(c.rejects[0].reason, "comment entry without data[].comment");
    assert!(c.rejects[0].source_file.ends_with("comments.json"));
}

#[test]
fn reddit_submissions_and_zstd_comments() {
    let c = fixtures(&["reddit"]);
    assert_eq!(c.posts.len(), 5);
    assert!(c.inputs.iter().any(|i| i.compression == "zstd"));
    let sub = find(&c, "t3_1gq7abc");
    assert_eq!(sub.text, "Weekend works: Red Line replaced by buses 7–8 November\n\nBuses replace trains between Central and Harbour all weekend. Allow an extra 20 minutes. Questions? Ask below & we'll answer.");
    assert_eq!(sub.created_at, ts("2026-11-03T08:00:00Z"));
    assert_eq!(sub.direction, Direction::Outbound);
    assert_eq!(sub.conversation_id.as_deref(), Some("t3_1gq7abc"));
    assert_eq!((sub.counts.likes, sub.counts.replies), (Some(57), Some(2)));
    assert_eq!(sub.url.as_deref(), Some("https://www.reddit.com/r/northline/comments/1gq7abc/weekend_works_red_line_replaced_by_buses/"));
    // created_utc as a string.
    let rant = find(&c, "t3_1gq9xyz");
    assert_eq!(rant.created_at, ts("2026-11-04T03:00:00Z"));
    assert_eq!(rant.direction, Direction::Inbound);
    assert_eq!(
        rant.account.as_deref(),
        Some("NorthlineTransit"),
        "u/NorthlineTransit is addressed"
    );
    // Comments from the .zst dump: t1_/t3_ links, fractional string timestamp.
    let ours = find(&c, "t1_lw1bbbb");
    assert_eq!(ours.reply_to_id.as_deref(), Some("t1_lw1aaaa"));
    assert_eq!(ours.conversation_id.as_deref(), Some("t3_1gq7abc"));
    assert_eq!(ours.created_at, ts("2026-11-03T10:00:00Z"));
    assert_eq!(ours.kind, Kind::Comment);
    assert_eq!(ours.direction, Direction::Outbound);
    let deleted = find(&c, "t1_lw1cccc");
    assert_eq!(
        (
            deleted.author_id.as_deref(),
            deleted.author_handle.as_deref()
        ),
        (None, None)
    );
}

#[test]
fn bluesky_feed_and_search() {
    let c = fixtures(&["bluesky/author_feed.json"]);
    assert_eq!(
        c.posts.len(),
        4,
        "reply, original, reposted post and the repost itself"
    );
    let reply = find(
        &c,
        "at://did:plc:northline0000000000000001/app.bsky.feed.post/3kznl00002",
    );
    assert_eq!(reply.kind, Kind::Reply);
    // The public's DID in an AT URI is pseudonymised (own accounts' stay).
    let ria = pseudo().pseudonym("bluesky", "did:plc:rider000000000000000000ria");
    assert_eq!(
        reply.reply_to_id,
        Some(format!("at://{ria}/app.bsky.feed.post/3kzria0001"))
    );
    assert_eq!(reply.conversation_id, reply.reply_to_id);
    assert_eq!(reply.direction, Direction::Outbound);
    assert_eq!(reply.created_at, ts("2026-11-04T01:05:00Z"));
    assert_eq!(
        reply.url.as_deref(),
        Some("https://bsky.app/profile/northlinetransit.bsky.social/post/3kznl00002")
    );
    let orig = find(
        &c,
        "at://did:plc:northline0000000000000001/app.bsky.feed.post/3kznl00001",
    );
    let k = &orig.counts;
    assert_eq!(
        (k.likes, k.reposts, k.replies, k.quotes, k.views),
        (Some(18), Some(5), Some(2), Some(1), None)
    );
    assert_eq!(orig.hashtags, strings(&["nightbus"]));
    assert_eq!(orig.urls, strings(&["https://northline.example/night"]));
    let council = pseudo().pseudonym("bluesky", "did:plc:council0000000000000000001");
    let repost = find(
        &c,
        &format!(
            "at://{council}/app.bsky.feed.post/3kzcc00009#repost:did:plc:northline0000000000000001"
        ),
    );
    assert_eq!(repost.kind, Kind::Repost);
    assert_eq!(repost.direction, Direction::Outbound);
    assert_eq!(repost.created_at, ts("2026-11-03T08:40:00Z"));

    let s = fixtures(&["bluesky/search_northline.json"]);
    assert_eq!(s.posts.len(), 2);
    let ben = pseudo().pseudonym("bluesky", "did:plc:rider000000000000000000ben");
    let quote = find(&s, &format!("at://{ben}/app.bsky.feed.post/3kzben0001"));
    assert_eq!(quote.kind, Kind::Quote);
    let ria = find(&s, &format!("at://{ria}/app.bsky.feed.post/3kzria0001"));
    assert_eq!(ria.direction, Direction::Inbound);
    assert_eq!(ria.account.as_deref(), Some("northlinetransit.bsky.social"));
    assert_eq!(ria.mentions, strings(&["northlinetransit.bsky.social"]));
}

/// Sprout Social's inbox export reads through its built-in preset, no mapping needed.
#[test]
fn sprout_social_csv_through_its_preset() {
    let c = fixtures(&["listening/sprout_inbox_export.csv"]);
    assert_eq!(c.posts.len(), 3);
    let hannah = find(&c, "ig_17900000000000001");
    assert_eq!(hannah.platform, "instagram");
    assert_eq!(hannah.created_at, ts("2026-11-03T06:45:00Z"));
    assert_eq!(hannah.kind, Kind::Comment);
    assert_eq!(hannah.direction, Direction::Inbound);
    assert_eq!(hannah.account.as_deref(), Some("northlinetransit"));
    assert_eq!(hannah.counts.likes, Some(14));
    assert_eq!(hannah.counts.views, None, "empty cell → null");
    assert_eq!(hannah.source_position, 2);
    let hiring = find(&c, "li_7260000000000000003");
    assert_eq!(hiring.platform, "linkedin");
    assert_eq!(hiring.direction, Direction::Outbound);
    let k = &hiring.counts;
    assert_eq!(
        (k.likes, k.replies, k.reposts, k.views),
        (Some(48), Some(6), Some(1204), Some(12500))
    );
    assert_eq!(c.rejects.len(), 1);
    assert_eq!(c.rejects[0].position, 5);
    assert_eq!(c.rejects[0].reason, "missing timestamp (Timestamp (UTC))");
}

/// Brandwatch mentions (API JSON lines) read through their built-in preset.
#[test]
fn brandwatch_ndjson_through_its_preset() {
    let c = fixtures(&["listening/brandwatch_mentions.ndjson"]);
    assert_eq!(c.posts.len(), 2);
    let news = find(&c, "bw-0001");
    assert_eq!(news.platform, "news");
    assert_eq!(
        news.created_at,
        ts("2026-11-02T21:00:00Z"),
        "+13:00 converted to UTC"
    );
    let k = &news.counts;
    assert_eq!(
        (k.likes, k.reposts, k.views),
        (None, Some(22), Some(5400)),
        "null stays null"
    );
    assert_eq!(news.account.as_deref(), Some("Northline Transit"));
    let reasons: Vec<(u64, &str)> = c
        .rejects
        .iter()
        .map(|r| (r.position, r.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 2);
    assert_eq!(reasons[0].0, 3);
    assert!(
        reasons[0]
            .1
            .starts_with("invalid JSON: EOF while parsing a string"),
        "{reasons:?}"
    );
    assert_eq!(reasons[1], (4, "missing timestamp (date)"));
}

#[test]
fn sentiment_is_wired_into_posts() {
    let c = fixtures(&["twitter-archive/data/tweets-part1.js"]);
    let p = &c.posts[0];
    let want = socialpulse::analysis::vader::vader().polarity_scores(&p.text);
    let s = p.sentiment.expect("scored");
    assert_eq!(
        (s.neg, s.neu, s.pos, s.compound),
        (want.neg, want.neu, want.pos, want.compound)
    );
    assert_eq!(p.sentiment_label.as_deref(), Some("positive"));
}

/// Twitter API v1.1: a REST timeline in extended mode, a `search/tweets` response in
/// compatibility mode, and a streaming capture with control messages and a cut line.
#[test]
fn twitter_api_v1_rest_search_and_stream() {
    let c = fixtures(&["twitter-v1/user_timeline.json"]);
    assert!(c.rejects.is_empty(), "{:?}", c.rejects);
    let ids: Vec<(&str, u64)> = {
        let mut v: Vec<_> = c
            .posts
            .iter()
            .map(|p| (p.post_id.as_str(), p.source_position))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        ids,
        [
            ("1861000000000000001", 0),
            ("1861000000000000002", 1),
            ("1861000000000000003", 2),
            ("1861000000000000004", 3)
        ]
    );
    let alert = find(&c, "1861000000000000001");
    assert_eq!(
        (alert.kind, alert.direction, alert.account.as_deref()),
        (
            Kind::Original,
            Direction::Outbound,
            Some("NorthlineTransit")
        )
    );
    assert_eq!(alert.created_at, ts("2026-11-07T09:00:00Z"));
    assert_eq!(
        alert.text,
        "Night buses run every 20 minutes this weekend. #NorthlineAlerts https://t.co/nl1"
    );
    assert_eq!(alert.hashtags, strings(&["NorthlineAlerts"]));
    assert_eq!(alert.urls, strings(&["https://northline.example/night"]));
    let k = &alert.counts;
    assert_eq!(
        (k.likes, k.reposts, k.replies, k.quotes, k.views),
        (Some(11), Some(4), None, None, None)
    );
    assert_eq!(
        alert.url.as_deref(),
        Some("https://x.com/NorthlineTransit/status/1861000000000000001")
    );
    assert_eq!(alert.lang.as_deref(), Some("en"));
    // display_text_range drops the leading @-reply.
    let reply = find(&c, "1861000000000000002");
    assert_eq!(reply.kind, Kind::Reply);
    assert_eq!(reply.reply_to_id.as_deref(), Some("1861000000000000103"));
    assert_eq!(
        reply.text,
        "Sorry about the wait, the 25 was held at Central by a signal fault."
    );
    assert_eq!(
        reply.mentions,
        [pseudo().pseudonym("twitter", "kea_commuter")]
    );
    // A retweet carries the retweeted status's full text, not the truncated one.
    let rt = find(&c, "1861000000000000003");
    assert_eq!(rt.kind, Kind::Repost);
    assert_eq!(
        rt.text,
        format!(
            "RT @{}: Harbour Bridge closes to traffic on Sunday from 6am; Northline buses detour via Quay St. Plan ahead!",
            pseudo().pseudonym("twitter", "HarbourCouncil")
        )
    );
    let quote = find(&c, "1861000000000000004");
    assert_eq!(quote.kind, Kind::Quote);
    assert_eq!(
        quote.text,
        "Good news for riders: the lift at Central is fixed."
    );
    // The quoted status's link names its author (a member of the public): its
    // handle-free form, as `url` gets.
    assert_eq!(
        quote.urls,
        strings(&["https://x.com/i/status/1861000000000000202"])
    );

    let s = fixtures(&["twitter-v1/search_tweets.json"]);
    assert!(s.rejects.is_empty(), "{:?}", s.rejects);
    assert_eq!(s.posts.len(), 2);
    let kea = find(&s, "1861000000000000103");
    assert_eq!(
        (kea.kind, kea.direction, kea.account.as_deref()),
        (Kind::Original, Direction::Inbound, Some("NorthlineTransit"))
    );
    assert_eq!(
        kea.author_id,
        Some(pseudo().pseudonym("twitter", "2300000000000000007"))
    );
    assert_eq!(
        kea.author_handle,
        Some(pseudo().pseudonym("twitter", "kea_commuter"))
    );
    assert_eq!(
        kea.text,
        "@NorthlineTransit is the 25 running today? Stop 4410 shows nothing"
    );
    assert_eq!(
        kea.url.as_deref(),
        Some("https://x.com/i/status/1861000000000000103")
    );
    assert!(kea.listening.is_question);
    let es = find(&s, "1861000000000000104");
    assert_eq!(es.lang.as_deref(), Some("es"));
    assert_eq!(es.sentiment_skipped.as_deref(), Some("lang:es"));

    let st = fixtures(&["twitter-v1/stream-2026-11-08.jsonl"]);
    assert_eq!(st.posts.len(), 2);
    let long = find(&st, "1861000000000000105");
    assert_eq!(
        long.text,
        "third morning in a row the 7:40 from Kingsland has not turned up and nobody at the depot answers the phone. I have been late to work all week and the app still shows it as on time. Please fix this, it is unacceptable."
    );
    assert_eq!(
        (long.counts.replies, long.counts.quotes),
        (Some(0), Some(0))
    );
    assert!(long.listening.is_complaint);
    assert_eq!(long.source_position, 1);
    let thanks = find(&st, "1861000000000000106");
    assert_eq!(
        thanks.text,
        "Thanks @NorthlineTransit, the replacement bus was quick today 👍"
    );
    assert_eq!(thanks.source_position, 4);
    // Control messages (delete, limit, warning) are neither posts nor rejects.
    assert_eq!(st.rejects.len(), 1, "{:?}", st.rejects);
    assert_eq!(st.rejects[0].position, 5);
    assert!(st.rejects[0].reason.starts_with("invalid JSON"));
    let report = &st.inputs[0];
    assert_eq!(
        (
            report.format.as_str(),
            report.posts,
            report.rejects,
            report.skipped_records,
            report.records
        ),
        ("twitter-v1", 2, 1, 3, 6)
    );
}

/// Files that hold no posts are one skipped entry each, never a reject per row; single
/// status objects read like arrays of one.
#[test]
fn counts_files_are_skipped_and_single_statuses_read() {
    let c = fixtures(&["twitter-api/counts-northline.jsonl"]);
    assert!(
        c.posts.is_empty() && c.rejects.is_empty(),
        "{:?}",
        c.rejects
    );
    let r = &c.inputs[0];
    assert_eq!(
        (r.format.as_str(), r.skipped.as_deref(), r.records),
        (
            "twitter-v2-counts",
            Some("tweet counts (twarc2 counts): holds no posts"),
            0
        )
    );
    // The same response saved as one pretty-printed document.
    let dir = tempfile::tempdir().expect("tempdir");
    let first = std::fs::read_to_string(root().join("fixtures/twitter-api/counts-northline.jsonl"))
        .expect("fixture");
    let doc: serde_json::Value =
        serde_json::from_str(first.lines().next().expect("line")).expect("json");
    let pretty = dir.path().join("counts.json");
    std::fs::write(&pretty, serde_json::to_string_pretty(&doc).expect("json")).expect("write");
    let c = collect_paths(&[pretty]);
    assert!(c.posts.is_empty() && c.rejects.is_empty());
    assert_eq!(
        c.inputs[0].skipped.as_deref(),
        Some("tweet counts (twarc2 counts): holds no posts")
    );

    let m = fixtures(&["mastodon/status_113410000000000021.json"]);
    assert!(m.rejects.is_empty(), "{:?}", m.rejects);
    let tui = find(&m, "113410000000000021");
    assert_eq!(tui.direction, Direction::Inbound);
    assert_eq!(tui.account.as_deref(), Some("northline"));
    assert_eq!(tui.text, "@northline when does the Kingsland lift reopen?");
    assert!(tui.listening.is_question);
    assert_eq!(tui.counts.likes, Some(2));
    assert_eq!(m.inputs[0].format, "mastodon-api");

    // An X v1.1 status saved alone (`statuses/show`), pretty-printed.
    let timeline: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("fixtures/twitter-v1/user_timeline.json"))
            .expect("fixture"),
    )
    .expect("json");
    let one = dir.path().join("status.json");
    std::fs::write(
        &one,
        serde_json::to_string_pretty(&timeline[1]).expect("json"),
    )
    .expect("write");
    let s = collect_paths(&[one]);
    assert_eq!(s.posts.len(), 1, "{:?} {:?}", s.inputs, s.rejects);
    assert_eq!(s.posts[0].post_id, "1861000000000000002");
    assert_eq!(s.inputs[0].format, "twitter-v1");
}

/// YouTube Data API v3: a `commentThreads.list` response (top-level comments with their
/// replies, one without a date) and a `comments.list` response on one line.
#[test]
fn youtube_comment_threads_and_comments() {
    let c = fixtures(&["youtube/commentThreads_nL7kTimetab.json"]);
    assert_eq!(c.posts.len(), 4);
    assert_eq!(c.rejects.len(), 1, "{:?}", c.rejects);
    assert_eq!(
        (c.rejects[0].position, c.rejects[0].reason.as_str()),
        (2, "comment without publishedAt")
    );
    let q = find(&c, "UgxRiderQuestion01");
    assert_eq!(q.platform, "youtube");
    assert_eq!(
        (q.kind, q.direction, q.account.as_deref()),
        (Kind::Comment, Direction::Inbound, Some("NorthlineTransit"))
    );
    assert_eq!(q.text, "Does the new timetable change the 25 on Sundays?");
    assert_eq!(q.created_at, ts("2026-11-10T07:30:00Z"));
    assert_eq!(q.conversation_id.as_deref(), Some("nL7kTimetab"));
    assert_eq!((q.counts.likes, q.counts.replies), (Some(4), Some(2)));
    assert_eq!(
        q.author_id,
        Some(pseudo().pseudonym("youtube", "UCriderAroha0000000000001"))
    );
    assert_eq!(
        q.author_handle,
        Some(pseudo().pseudonym("youtube", "aroha-rides"))
    );
    // The comment's link names the video and the comment, not the author: it stays.
    assert_eq!(
        q.url.as_deref(),
        Some("https://www.youtube.com/watch?v=nL7kTimetab&lc=UgxRiderQuestion01")
    );
    assert!(q.listening.is_question);
    // The channel's own reply is outbound and answers the question.
    let a = find(&c, "UgxRiderQuestion01.A1");
    assert_eq!(
        (a.kind, a.direction, a.reply_to_id.as_deref()),
        (Kind::Reply, Direction::Outbound, Some("UgxRiderQuestion01"))
    );
    assert_eq!(a.author_handle.as_deref(), Some("NorthlineTransit"));
    assert_eq!(
        a.url.as_deref(),
        Some("https://www.youtube.com/watch?v=nL7kTimetab&lc=UgxRiderQuestion01.A1")
    );
    let k = find(&c, "UgzRiderComplaint2");
    assert!(k.listening.is_complaint);

    let r = fixtures(&["youtube/comments_replies.jsonl"]);
    assert_eq!(r.posts.len(), 1);
    assert_eq!(r.inputs[0].format, "youtube");
    let night = find(&r, "UgxRiderQuestion01.A3");
    assert_eq!(
        (
            night.kind,
            night.reply_to_id.as_deref(),
            night.source_position
        ),
        (Kind::Reply, Some("UgxRiderQuestion01"), 1)
    );
}

/// Telegram Desktop's channel export: text entities joined, UTC from `date_unixtime`
/// (the `date` field is the exporting machine's local time, here 13 hours ahead),
/// replies, forwards, reactions; service messages skipped; a message without a date
/// rejected at its index.
#[test]
fn telegram_desktop_channel_export() {
    let c = fixtures(&["telegram/result.json"]);
    assert_eq!(c.inputs[0].format, "telegram");
    let ids: Vec<&str> = c.posts.iter().map(|p| p.post_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "1780000001/2",
            "1780000001/3",
            "1780000001/4",
            "1780000001/5"
        ]
    );
    assert_eq!(c.rejects.len(), 1, "{:?}", c.rejects);
    assert_eq!(
        (c.rejects[0].position, c.rejects[0].reason.as_str()),
        (6, "message without a readable date_unixtime or date")
    );
    let update = find(&c, "1780000001/2");
    assert_eq!(update.platform, "telegram");
    assert_eq!(update.created_at, ts("2026-11-09T19:00:00Z"));
    assert_eq!(
        update.text,
        "Service update: Red Line trains run every 10 minutes from Monday. Details: https://northline.example/red"
    );
    assert_eq!(
        (update.kind, update.direction, update.account.as_deref()),
        (
            Kind::Original,
            Direction::Outbound,
            Some("Northline Transit")
        )
    );
    assert_eq!(update.counts.likes, Some(17));
    assert_eq!(update.urls, strings(&["https://northline.example/red"]));
    let q = find(&c, "1780000001/3");
    assert_eq!(
        (q.kind, q.direction, q.reply_to_id.as_deref()),
        (Kind::Reply, Direction::Inbound, Some("1780000001/2"))
    );
    assert_eq!(q.account.as_deref(), Some("Northline Transit"));
    assert_eq!(
        q.author_id,
        Some(pseudo().pseudonym("telegram", "user5550001"))
    );
    assert!(q.listening.is_question);
    assert_eq!(q.counts.likes, None);
    let answer = find(&c, "1780000001/4");
    assert_eq!(
        (answer.direction, answer.reply_to_id.as_deref()),
        (Direction::Outbound, Some("1780000001/3"))
    );
    assert_eq!(find(&c, "1780000001/5").kind, Kind::Repost);
}

/// Bluesky beyond the API's feed pages: the Python SDK's snake_case dump of
/// `getAuthorFeed`, a `getPostThread` (parent, node, replies; a not-found reply passed
/// over), and `listRecords` of a repository (a like record holds no post).
#[test]
fn bluesky_sdk_dumps_threads_and_repository_records() {
    let kai = |rk: &str| {
        format!(
            "at://{}/app.bsky.feed.post/{rk}",
            pseudo().pseudonym("bluesky", "did:plc:rider000000000000000000kai")
        )
    };
    let own = |rk: &str| format!("at://did:plc:northline0000000000000001/app.bsky.feed.post/{rk}");

    let f = fixtures(&["bluesky/sdk_author_feed.json"]);
    assert!(f.rejects.is_empty(), "{:?}", f.rejects);
    assert_eq!(f.posts.len(), 2);
    let owl = find(&f, &own("3l2nl00010"));
    assert_eq!(owl.created_at, ts("2026-11-10T21:00:00Z"));
    assert_eq!(owl.direction, Direction::Outbound);
    assert_eq!(owl.hashtags, strings(&["nightbus"]));
    assert_eq!(
        (owl.counts.likes, owl.counts.reposts, owl.counts.replies),
        (Some(21), Some(1), Some(0))
    );
    assert_eq!(owl.lang.as_deref(), Some("en"));
    let reply = find(&f, &own("3l2nl00011"));
    assert_eq!(reply.kind, Kind::Reply);
    assert_eq!(reply.reply_to_id, Some(kai("3l2kai0001")));

    let t = fixtures(&["bluesky/thread_3l2nl00012.json"]);
    assert!(t.rejects.is_empty(), "{:?}", t.rejects);
    let order: Vec<(String, u64)> = {
        let mut v: Vec<_> = t
            .posts
            .iter()
            .map(|p| (p.post_id.clone(), p.source_position))
            .collect();
        v.sort_by_key(|x| x.1);
        v
    };
    assert_eq!(
        order,
        [
            (kai("3l2kai0001"), 0),
            (own("3l2nl00012"), 1),
            (kai("3l2kai0002"), 2)
        ]
    );
    let question = find(&t, &kai("3l2kai0001"));
    assert_eq!(question.direction, Direction::Inbound);
    assert!(question.listening.is_question);
    assert_eq!(
        question.account.as_deref(),
        Some("northlinetransit.bsky.social")
    );

    let r = fixtures(&["bluesky/records_northline.json"]);
    assert!(r.rejects.is_empty(), "{:?}", r.rejects);
    assert_eq!(r.posts.len(), 2, "the like record is not a post");
    let lift = find(&r, &own("3l2nl00013"));
    assert_eq!(lift.direction, Direction::Outbound);
    assert_eq!(lift.text, "Lift at Kingsland back in service.");
    assert_eq!(
        lift.author_id.as_deref(),
        Some("did:plc:northline0000000000000001")
    );
    let survey = find(&r, &own("3l2nl00014"));
    assert_eq!(survey.reply_to_id, Some(own("3l2nl00013")));
}

/// Instagram's "Download Your Information": posts (the newer single-media layout with the
/// caption on the media, the older one with the group's title), comments in
/// `post_comments_1.json` and the older `comments.json`; mojibake repaired; everything
/// the account's own.
#[test]
fn instagram_download_your_information() {
    let p = fixtures(&["instagram/posts_1.json"]);
    assert!(p.rejects.is_empty(), "{:?}", p.rejects);
    assert_eq!(p.inputs[0].format, "instagram-posts");
    let mut texts: Vec<(&str, i64)> = p
        .posts
        .iter()
        .map(|x| (x.text.as_str(), x.created_at))
        .collect();
    texts.sort();
    assert_eq!(
        texts,
        [
            (
                "Kingsland’s new lift is open — step-free from street to platform 🎉",
                ts("2026-11-11T23:00:00Z")
            ),
            (
                "Meet the drivers of the Māori language week buses",
                ts("2026-11-12T02:00:00Z")
            ),
        ]
    );
    for x in &p.posts {
        assert_eq!(
            (
                x.platform.as_str(),
                x.direction,
                x.kind,
                x.account.as_deref()
            ),
            (
                "instagram",
                Direction::Outbound,
                Kind::Original,
                Some("northlinetransit")
            )
        );
        assert!(x.post_id.starts_with("ig_"), "{}", x.post_id);
    }

    let c = fixtures(&["instagram/post_comments_1.json", "instagram/comments.json"]);
    assert_eq!(c.posts.len(), 3);
    assert_eq!(c.rejects.len(), 1, "{:?}", c.rejects);
    assert_eq!(
        (c.rejects[0].position, c.rejects[0].reason.as_str()),
        (2, "comment without Time")
    );
    let thanks = c
        .posts
        .iter()
        .find(|x| x.text.starts_with("Thanks for the photo"))
        .expect("comment");
    assert_eq!(
        thanks.text,
        "Thanks for the photo! We’ll pass it on to the team 💙"
    );
    assert_eq!(
        (thanks.kind, thanks.direction, thanks.created_at),
        (
            Kind::Comment,
            Direction::Outbound,
            ts("2026-11-12T04:00:00Z")
        )
    );
    let formats: Vec<&str> = c.inputs.iter().map(|i| i.format.as_str()).collect();
    assert_eq!(formats, ["instagram-comments", "instagram-comments"]);
    // The same record in two exports gets the same id.
    let again = fixtures(&["instagram/post_comments_1.json"]);
    let ids = |c: &socialpulse::pipeline::Collected| {
        let mut v: Vec<String> = c.posts.iter().map(|x| x.post_id.clone()).collect();
        v.sort();
        v
    };
    let first = fixtures(&["instagram/post_comments_1.json"]);
    assert_eq!(ids(&again), ids(&first));
}

/// Mastodon visibility: a column of `posts`; followers-only and direct messages stay out of
/// the public metrics and their text is not written, but the agency's direct reply still
/// answers the question; `privacy.private_messages = "include"` treats them as public.
#[test]
fn mastodon_visibility_keeps_private_messages_out_of_public_metrics() {
    use socialpulse::metrics::responsiveness;
    let c = fixtures(&["mastodon/direct_and_private.json"]);
    assert!(c.rejects.is_empty(), "{:?}", c.rejects);
    let vis: Vec<(&str, Option<&str>, bool)> = c
        .posts
        .iter()
        .map(|p| (p.post_id.as_str(), p.visibility.as_deref(), p.withheld))
        .collect();
    assert_eq!(
        vis,
        [
            ("113420000000000031", Some("direct"), true),
            ("113420000000000032", Some("direct"), true),
            ("113420000000000033", Some("private"), true),
            ("113420000000000034", Some("unlisted"), false),
        ]
    );
    // Only the unlisted post is counted in the public metrics.
    let volume: u64 = c.metrics.volume.rows().iter().map(|r| r.1).sum();
    assert_eq!(volume, 1);
    // The direct question was answered 40 minutes later by a direct reply.
    let mut m = c.metrics.clone();
    m.finish();
    let rows = responsiveness::rows(&m.responsiveness, chrono_tz::Tz::UTC);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (
            rows[0].needs_response,
            rows[0].responded,
            rows[0].median_minutes
        ),
        (2, 1, Some(40.0))
    );
    // No text is written for withheld messages.
    let batch = socialpulse::sinks::posts::batch(&c.posts, Default::default()).expect("batch");
    let text = batch
        .column_by_name("text")
        .and_then(|t| {
            t.as_any()
                .downcast_ref::<arrow::array::StringArray>()
                .cloned()
        })
        .expect("text");
    let written: Vec<Option<&str>> = text.iter().collect();
    assert_eq!(
        written,
        [
            None,
            None,
            None,
            Some("Unlisted: lovely driver on the 27 today.")
        ]
    );

    let mut cfg = config_for(&[root().join("fixtures/mastodon/direct_and_private.json")]);
    cfg.privacy.private_messages = socialpulse::config::PrivateMessages::Include;
    let all = socialpulse::pipeline::collect(&cfg, &pseudo()).expect("collect");
    assert!(all.posts.iter().all(|p| !p.withheld));
    let volume: u64 = all.metrics.volume.rows().iter().map(|r| r.1).sum();
    assert_eq!(volume, 4);
}

/// A user's `[[mappings]]` entry that matches a file wins over the built-in preset.
#[test]
fn a_users_mapping_wins_over_a_preset() {
    let mut cfg = config_for(&[root().join("fixtures/listening/sprout_inbox_export.csv")]);
    cfg.mappings.push(socialpulse::config::MappingConfig {
        name: "inbox".into(),
        platform: Some("linkedin".into()),
        id: "Message ID".into(),
        text: "Message".into(),
        timestamp: "Timestamp (UTC)".into(),
        timestamp_format: "%m/%d/%Y %H:%M".into(),
        ..Default::default()
    });
    let c = socialpulse::pipeline::collect(&cfg, &pseudo()).expect("collect");
    assert_eq!(c.inputs[0].format, "generic-csv");
    assert!(c.posts.iter().all(|p| p.platform == "linkedin"));
    let plain = fixtures(&["listening/sprout_inbox_export.csv"]);
    assert_eq!(plain.inputs[0].format, "sprout-social");
}

/// CrowdTangle's Facebook export: id from the post URL, `Post Created` in the
/// dashboard's zone (NZDT, UTC+13) turned into UTC, counts with thousands separators.
#[test]
fn crowdtangle_facebook_csv() {
    let c = fixtures(&["crowdtangle/facebook_northline_2026-11.csv"]);
    assert_eq!(c.inputs[0].format, "crowdtangle-facebook");
    assert_eq!(c.posts.len(), 2);
    let own = find(&c, "1029384756");
    assert_eq!(own.platform, "facebook");
    assert_eq!(own.created_at, ts("2026-11-02T19:15:42Z"));
    assert_eq!(own.direction, Direction::Outbound);
    assert_eq!(own.author_handle.as_deref(), Some("Northline Transit"));
    assert_eq!(
        own.url.as_deref(),
        Some("https://www.facebook.com/NorthlineTransit/posts/1029384756")
    );
    let k = &own.counts;
    assert_eq!(
        (k.likes, k.replies, k.reposts, k.views),
        (Some(40), Some(12), Some(5), Some(0))
    );
    assert_eq!(own.source_position, 2);
    let news = find(&c, "5647382910");
    assert_eq!(news.created_at, ts("2026-11-04T04:40:05Z"));
    assert_eq!(news.direction, Direction::Inbound);
    assert!(news
        .text
        .starts_with("Northline Transit will close the Red Line"));
    assert_eq!(c.rejects.len(), 1);
    assert_eq!(
        (c.rejects[0].position, c.rejects[0].reason.as_str()),
        (4, "missing id (@id)"),
        "the third row (line 4, CRLF endings) has no URL to take its id from"
    );
    assert_eq!(c.rejects[0].format.as_deref(), Some("crowdtangle-facebook"));
}

/// CrowdTangle's Instagram export, with the byte order mark its files start with.
#[test]
fn crowdtangle_instagram_csv() {
    let c = fixtures(&["crowdtangle/instagram_northline_2026-11.csv"]);
    assert_eq!(c.inputs[0].format, "crowdtangle-instagram");
    assert!(c.rejects.is_empty(), "{:?}", c.rejects);
    assert_eq!(c.posts.len(), 2);
    let murals = find(&c, "DBn0rthL1n3");
    assert_eq!(murals.platform, "instagram");
    assert_eq!(murals.created_at, ts("2026-11-03T05:30:00Z"));
    assert_eq!(murals.direction, Direction::Outbound);
    assert_eq!(murals.account.as_deref(), Some("northlinetransit"));
    assert_eq!(
        (
            murals.counts.likes,
            murals.counts.replies,
            murals.counts.views
        ),
        (Some(201), Some(14), None)
    );
    assert_eq!(murals.hashtags, strings(&["HarbourCity"]));
    let lunch = find(&c, "DBh4rb0urE4t");
    assert_eq!(lunch.direction, Direction::Inbound);
    assert_eq!(lunch.account.as_deref(), Some("northlinetransit"));
    assert!(lunch.listening.is_question);
}

/// Meta Content Library's CSV download: dotted columns, offsets in `creation_time`.
#[test]
fn meta_content_library_csv() {
    let c = fixtures(&["meta-content-library/facebook_posts_northline.csv"]);
    assert_eq!(c.inputs[0].format, "meta-content-library");
    assert!(c.rejects.is_empty(), "{:?}", c.rejects);
    assert_eq!(c.posts.len(), 2);
    let ferry = find(&c, "861234567890123");
    assert_eq!(ferry.platform, "facebook");
    assert_eq!(ferry.created_at, ts("2026-11-06T06:45:10Z"));
    assert_eq!(ferry.direction, Direction::Outbound);
    assert_eq!(ferry.lang.as_deref(), Some("en"));
    assert_eq!(ferry.url, None, "mcl_url opens the Content Library only");
    let k = &ferry.counts;
    assert_eq!(
        (k.likes, k.replies, k.reposts, k.views),
        (Some(28), Some(6), Some(3), None)
    );
    let wait = find(&c, "861234567890456");
    assert_eq!(wait.direction, Direction::Inbound);
    assert!(wait.listening.is_complaint);
}

/// CrowdTangle's search export: 41 columns, the dashboard's zone abbreviation (BRT),
/// numbers in its locale (`407.137` thousands, `1,4` decimal); an ambiguous zone (CST)
/// is a reject naming it unless `input.timezone` settles it.
#[test]
fn crowdtangle_search_export_in_another_locale_and_zone() {
    let c = fixtures(&["crowdtangle/search_export_brt.csv"]);
    let rows: Vec<(&str, i64, Option<i64>, Option<i64>)> = c
        .posts
        .iter()
        .map(|p| {
            (
                p.post_id.as_str(),
                p.created_at,
                p.counts.likes,
                p.counts.replies,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "2039485761",
                ts("2026-11-05T21:02:45Z"),
                Some(1010),
                Some(88)
            ),
            ("5647382911", ts("2026-11-06T10:30:00Z"), Some(18), Some(9)),
        ]
    );
    assert_eq!(c.rejects.len(), 1, "{:?}", c.rejects);
    assert_eq!(c.rejects[0].position, 4);
    assert_eq!(
        c.rejects[0].reason,
        "ambiguous time zone abbreviation CST (US Central, China or Cuba): set input.timezone to the export's zone"
    );
    let mut cfg = config_for(&[root().join("fixtures/crowdtangle/search_export_brt.csv")]);
    cfg.input.timezone = Some("America/Chicago".parse().expect("zone"));
    let settled = socialpulse::pipeline::collect(&cfg, &pseudo()).expect("collect");
    assert!(settled.rejects.is_empty(), "{:?}", settled.rejects);
    let lakeside = find(&settled, "7000000001");
    assert_eq!(lakeside.created_at, ts("2026-11-06T14:00:00Z"));
    // A time in the hour Chicago's clocks skip (8 March 2026, 02:00 to 03:00): a reject
    // that says so, not one asking for the zone already given.
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(root().join("fixtures/crowdtangle/search_export_brt.csv"))
        .expect("fixture")
        .replace("2026-11-06 08:00:00 CST", "2026-03-08 02:30:00 CST");
    let gap = write(dir.path(), "search_export_gap.csv", text.as_bytes());
    cfg.input.paths = vec![gap];
    let c = socialpulse::pipeline::collect(&cfg, &pseudo()).expect("collect");
    assert_eq!(c.rejects.len(), 1, "{:?}", c.rejects);
    assert_eq!(
        c.rejects[0].reason,
        "local time 2026-03-08 02:30:00 does not exist in America/Chicago (input.timezone): the clocks skip it when daylight saving starts"
    );
}

/// Hootsuite's Facebook exports: the page's own posts (outbound) and what the public
/// sent it (inbound; a private message is a direct message, withheld).
#[test]
fn hootsuite_posts_and_inbound_messages() {
    let c = fixtures(&[
        "hootsuite/posts_northline_2026-11.csv",
        "hootsuite/inbound_northline_2026-11.csv",
    ]);
    assert!(c.rejects.is_empty(), "{:?}", c.rejects);
    type Row<'a> = (
        &'a str,
        &'a str,
        Direction,
        Kind,
        Option<&'a str>,
        Option<&'a str>,
        i64,
    );
    let mut rows: Vec<Row> = c
        .posts
        .iter()
        .map(|p| {
            (
                p.post_id.as_str(),
                p.platform.as_str(),
                p.direction,
                p.kind,
                p.account.as_deref(),
                p.visibility.as_deref(),
                p.created_at,
            )
        })
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        [
            (
                "104857600000001_200000000000001",
                "facebook",
                Direction::Outbound,
                Kind::Original,
                Some("Northline Transit"),
                None,
                ts("2026-11-03T19:30:00Z")
            ),
            (
                "104857600000001_200000000000002",
                "facebook",
                Direction::Outbound,
                Kind::Original,
                Some("Northline Transit"),
                None,
                ts("2026-11-05T02:05:12Z")
            ),
            (
                "104857600000001_300000000000002",
                "facebook",
                Direction::Inbound,
                Kind::Original,
                Some("Northline Transit"),
                Some("public"),
                ts("2026-11-04T07:45:09Z")
            ),
            (
                "104857600000002_300000000000005",
                "facebook",
                Direction::Inbound,
                Kind::Original,
                Some("Northline Ferries"),
                Some("public"),
                ts("2026-11-05T09:02:47Z")
            ),
            (
                "200000000000001_300000000000001",
                "facebook",
                Direction::Inbound,
                Kind::Comment,
                Some("Northline Transit"),
                Some("public"),
                ts("2026-11-03T20:02:41Z")
            ),
            (
                "200000000000010_300000000000004",
                "facebook",
                Direction::Inbound,
                Kind::Comment,
                Some("Northline Ferries"),
                Some("public"),
                ts("2026-11-05T06:31:20Z")
            ),
            (
                "m_mid.300000000000003",
                "facebook",
                Direction::Inbound,
                Kind::Original,
                Some("Northline Transit"),
                Some("direct"),
                ts("2026-11-04T21:13:55Z")
            ),
        ]
    );
    let post = find(&c, "104857600000001_200000000000001");
    assert_eq!(
        (post.counts.likes, post.counts.replies, post.counts.reposts),
        (Some(48), Some(12), Some(9))
    );
    // The public's names are pseudonyms; the private message is withheld.
    let dm = find(&c, "m_mid.300000000000003");
    assert!(dm.withheld);
    assert_eq!(
        dm.author_handle,
        Some(pseudo().pseudonym("facebook", "Mere Tane"))
    );
    for p in &c.posts {
        for name in ["Aroha", "Tom Becker", "Mere Tane", "Sam Rua", "Lee Harper"] {
            assert!(!format!("{p:?}").contains(name), "{name} in {p:?}");
        }
    }
}

/// Talkwalker's document export: no id column (the X status number, else the URL), the
/// platform from `source_type`, day-first two-digit-year times or epoch milliseconds,
/// `parent_url` the post replied to.
#[test]
fn talkwalker_documents() {
    let c = fixtures(&["talkwalker/northline_documents.csv"]);
    assert!(c.rejects.is_empty(), "{:?}", c.rejects);
    type Row<'a> = (
        &'a str,
        &'a str,
        Direction,
        i64,
        Option<&'a str>,
        Option<&'a str>,
    );
    let rows: Vec<Row> = c
        .posts
        .iter()
        .map(|p| {
            (
                p.post_id.as_str(),
                p.platform.as_str(),
                p.direction,
                p.created_at,
                p.reply_to_id.as_deref(),
                p.lang.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "1853700000000000101",
                "twitter",
                Direction::Inbound,
                ts("2026-11-04T07:50:41Z"),
                None,
                Some("en")
            ),
            (
                "1853700000000000102",
                "twitter",
                Direction::Outbound,
                ts("2026-11-04T08:02:58Z"),
                Some("1853700000000000101"),
                Some("en")
            ),
            (
                "1853700000000000103",
                "twitter",
                Direction::Inbound,
                ts("2026-11-04T08:20:11Z"),
                None,
                Some("en")
            ),
            (
                "https://www.instagram.com/p/DCn0rthT4lk/",
                "instagram",
                Direction::Inbound,
                ts("2026-11-05T10:10:00Z"),
                None,
                Some("en")
            ),
        ]
    );
    // `parent_url` is the post's own `url` on an original and the original's on a
    // repost: only the agency's answer is a reply.
    let kinds: Vec<(&str, Kind, Option<&str>)> = c
        .posts
        .iter()
        .map(|p| (p.post_id.as_str(), p.kind, p.reply_to_id.as_deref()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("1853700000000000101", Kind::Original, None),
            (
                "1853700000000000102",
                Kind::Reply,
                Some("1853700000000000101")
            ),
            ("1853700000000000103", Kind::Repost, None),
            (
                "https://www.instagram.com/p/DCn0rthT4lk/",
                Kind::Original,
                None
            ),
        ]
    );
    assert_eq!(
        c.posts[0].author_handle,
        Some(pseudo().pseudonym("twitter", "kea_commuter"))
    );
}

/// The Hootsuite posts export as a workbook (what the tool's "download as Excel" gives:
/// dates as Excel date cells, counts and ids as numbers where they are numbers) reads to
/// exactly the posts of its CSV; a second sheet no layout knows is skipped; a damaged
/// workbook is one reject.
#[test]
fn an_xlsx_export_reads_as_its_csv() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let csv_path = root().join("fixtures/hootsuite/posts_northline_2026-11.csv");
    let text = std::fs::read_to_string(&csv_path).expect("csv");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rdr
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let mut book = Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("About").expect("name");
    notes
        .write_string(0, 0, "Exported from Hootsuite Analytics")
        .expect("cell");
    let sheet = book.add_worksheet();
    sheet.set_name("Posts").expect("name");
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, h).expect("header");
    }
    for (r, rec) in rdr.records().enumerate() {
        let rec = rec.expect("row");
        for (c, v) in rec.iter().enumerate() {
            let (row, col) = (r as u32 + 1, c as u16);
            if header[c] == "Date (GMT)" {
                let at = ExcelDateTime::parse_from_str(v).expect("date");
                sheet
                    .write_datetime_with_format(row, col, &at, &date)
                    .expect("date");
            } else if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
                sheet
                    .write_number(row, col, v.parse::<f64>().expect("n"))
                    .expect("n");
            } else {
                sheet.write_string(row, col, v).expect("s");
            }
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let xlsx = dir.path().join("posts_northline_2026-11.xlsx");
    std::fs::write(&xlsx, book.save_to_buffer().expect("xlsx")).expect("write");
    let from_csv = collect_paths(&[csv_path]);
    let from_xlsx = collect_paths(std::slice::from_ref(&xlsx));
    assert!(from_xlsx.rejects.is_empty(), "{:?}", from_xlsx.rejects);
    let strip = |c: &socialpulse::pipeline::Collected| -> Vec<String> {
        c.posts
            .iter()
            .map(|p| {
                let mut p = p.clone();
                p.source_file = String::new();
                p.source_position = 0;
                format!("{p:?}")
            })
            .collect()
    };
    assert_eq!(strip(&from_xlsx), strip(&from_csv));
    assert_eq!(from_xlsx.posts.len(), 2);
    // A damaged workbook: one reject, no crash.
    let mut bytes = std::fs::read(&xlsx).expect("read");
    bytes.truncate(bytes.len() / 2);
    let cut = write(dir.path(), "cut.xlsx", &bytes);
    let got = collect_paths(&[cut]);
    assert!(got.posts.is_empty());
    assert_eq!(got.rejects.len(), 1, "{:?}", got.rejects);
    assert!(
        got.rejects[0].reason.starts_with("not a readable workbook"),
        "{}",
        got.rejects[0].reason
    );
}

/// Meta Threads' "Download your information" `threads_and_replies.json`: the account's
/// own posts and replies, Meta's mojibake repaired, a multi-media post's text from the
/// item's `title`.
#[test]
fn threads_posts_and_replies() {
    let c = fixtures(&["threads/your_instagram_activity/threads/threads_and_replies.json"]);
    assert!(c.rejects.is_empty(), "{:?}", c.rejects);
    let rows: Vec<(&str, Direction, Kind, i64, &str)> = c
        .posts
        .iter()
        .map(|p| {
            (
                p.platform.as_str(),
                p.direction,
                p.kind,
                p.created_at,
                p.text.as_str(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "threads",
                Direction::Outbound,
                Kind::Original,
                ts("2026-11-03T08:00:00Z"),
                "Weekend works on the Red Line: buses replace trains 7–8 November. Plan ahead 🚌"
            ),
            (
                "threads",
                Direction::Outbound,
                Kind::Reply,
                ts("2026-11-03T10:00:00Z"),
                "Yes, the replacement buses are step-free and take bikes on the rack 👍"
            ),
            (
                "threads",
                Direction::Outbound,
                Kind::Original,
                ts("2026-11-04T13:46:40Z"),
                "Harbour station's new murals, by students of Kōwhai College"
            ),
        ]
    );
    assert!(c.posts.iter().all(|p| p.post_id.starts_with("th_")));
    assert!(c
        .posts
        .iter()
        .all(|p| p.account.as_deref() == Some("Northline Transit")));
}

//! Chain mappings on SQLite and (when DEVZONE_TEST_POSTGRES_URL is set) PostgreSQL: rule
//! suggestions, review, a second run that keeps what officers decided, a zone's own taxonomy
//! version that drops a node, and the figures of the gap analysis.

use devzone_core::chain::shipped;
use devzone_core::chain::taxonomy::Taxonomy;
use devzone_db::Actor;
use devzone_db::repo::chains;
use devzone_db::testing::all;

#[tokio::test]
async fn suggestions_reviews_and_outdated_nodes() {
    for t in all().await {
        let db = &t.db;
        // The demo loader runs the rules and confirms some; start from its state.
        devzone_db::demo::load(db, 200, &mut |_, _| {})
            .await
            .unwrap();
        let actor = Actor::system("test");
        let zone = 1;
        let waiting = chains::mappings(&db.conn, zone, None, None, Some(chains::SUGGESTED))
            .await
            .unwrap();
        let confirmed = chains::mappings(&db.conn, zone, None, None, Some(chains::CONFIRMED))
            .await
            .unwrap();
        assert!(!waiting.is_empty() && !confirmed.is_empty(), "{}", t.label);
        assert!(
            waiting
                .iter()
                .all(|m| m.evidence.starts_with('[') && m.confidence.is_some())
        );
        // Reject one, confirm two; a second run keeps both decisions.
        let reject = waiting[0].id;
        let confirm: Vec<i64> = waiting[1..3].iter().map(|m| m.id).collect();
        assert_eq!(
            chains::review(&db.conn, &actor, zone, &[reject], chains::REJECTED)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            chains::review(&db.conn, &actor, zone, &confirm, chains::CONFIRMED)
                .await
                .unwrap(),
            2
        );
        // Another zone's mapping ids are ignored.
        let other = chains::mappings(&db.conn, 2, None, None, Some(chains::SUGGESTED))
            .await
            .unwrap();
        assert_eq!(
            chains::review(&db.conn, &actor, zone, &[other[0].id], chains::CONFIRMED)
                .await
                .unwrap(),
            0
        );
        let again = chains::suggest(&db.conn, &actor, zone).await.unwrap();
        assert!(again.already_reviewed >= 3, "{}: {again:?}", t.label);
        let after = chains::mappings(&db.conn, zone, None, None, None)
            .await
            .unwrap();
        let state_of = |id: i64| after.iter().find(|m| m.id == id).map(|m| m.state.clone());
        assert_eq!(
            state_of(reject).as_deref(),
            Some(chains::REJECTED),
            "{}",
            t.label
        );
        assert!(
            confirm
                .iter()
                .all(|id| state_of(*id).as_deref() == Some(chains::CONFIRMED))
        );
        assert!(
            chains::review(&db.conn, &actor, zone, &confirm, "maybe")
                .await
                .is_err()
        );

        // The zone's own version of the Beijing taxonomy without one node that has a
        // confirmed enterprise: the mapping stays, and the node is gone from the taxonomy.
        let bj = shipped::get("beijing-future").unwrap();
        let m = after
            .iter()
            .find(|m| {
                m.state == chains::CONFIRMED
                    && m.taxonomy == "beijing-future"
                    && bj.node(&m.node_id).is_some_and(|n| n.parent.is_some())
            })
            .expect("a confirmed Beijing mapping");
        let source = include_str!("../../../core/chains/beijing-future.toml");
        let start = source.find(&format!("id = \"{}\"", m.node_id)).unwrap();
        let block_start = source[..start].rfind("[[node]]").unwrap();
        let block_end = source[start..]
            .find("[[node]]")
            .map(|i| start + i)
            .unwrap_or(source.len());
        let mut edited = format!("{}{}", &source[..block_start], &source[block_end..]);
        // Edges to the removed node go too.
        edited = edited
            .replace(&format!("\"{}\", ", m.node_id), "")
            .replace(&format!(", \"{}\"", m.node_id), "")
            .replace(&format!("[\"{}\"]", m.node_id), "[]");
        edited = edited.replace("version = \"2024.1\"", "version = \"2024.2\"");
        let parsed = Taxonomy::parse(&edited).expect("the edited taxonomy loads");
        chains::save_taxonomy(&db.conn, &actor, zone, &parsed, &edited)
            .await
            .unwrap();
        let now = chains::taxonomy(&db.conn, zone, "beijing-future")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(now.version, "2024.2");
        assert!(now.node(&m.node_id).is_none());
        let kept = chains::mappings(
            &db.conn,
            zone,
            Some("beijing-future"),
            Some(&m.node_id),
            None,
        )
        .await
        .unwrap();
        assert!(
            kept.iter()
                .any(|k| k.id == m.id && k.state == chains::CONFIRMED),
            "{}",
            t.label
        );
        // Other zones still use the shipped version.
        assert!(
            chains::taxonomy(&db.conn, 2, "beijing-future")
                .await
                .unwrap()
                .unwrap()
                .node(&m.node_id)
                .is_some()
        );

        // The gap analysis reads the confirmed members with their figures.
        let (members, _) = chains::members(&db.conn, zone, "sei2018").await.unwrap();
        let all_members: Vec<_> = members.values().flatten().collect();
        assert!(
            all_members.iter().any(|m| m.revenue.is_some()),
            "{}",
            t.label
        );
    }
}

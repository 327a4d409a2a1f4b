//! Chain taxonomies: the loader's refusals with node and line, the shipped taxonomies, and
//! the evidence behind suggestions.

use devzone_core::chain::shipped;
use devzone_core::chain::suggest::{Evidence, Matcher, Source, Subject};
use devzone_core::chain::taxonomy::{Level, Stream, Taxonomy};

const HEAD: &str = "id = \"t\"\nname = \"T\"\nversion = \"1\"\n";

fn refused(body: &str) -> (Option<usize>, &'static str, String) {
    let e = Taxonomy::parse(&format!("{HEAD}{body}")).unwrap_err();
    (e.line, e.rule, e.message)
}

#[test]
fn the_loader_names_the_node_and_the_line() {
    // Lines: 1-3 head, 4 [[node]] a, 8 [[node]] b …
    let two_parents = "[[node]]\nid = \"a\"\nname = \"A\"\nlevel = \"area\"\n[[node]]\nid = \"b\"\nname = \"B\"\nlevel = \"node\"\nparent = [\"a\", \"c\"]\n";
    let (line, rule, msg) = refused(two_parents);
    assert_eq!((line, rule), (Some(8), "chain.two_parents"));
    assert!(msg.contains("node b") && msg.contains("a, c"), "{msg}");

    let duplicate = "[[node]]\nid = \"a\"\nname = \"A\"\nlevel = \"area\"\n[[node]]\nid = \"a\"\nname = \"A2\"\nlevel = \"area\"\n";
    let (line, rule, msg) = refused(duplicate);
    assert_eq!((line, rule), (Some(8), "chain.duplicate_id"));
    assert!(msg.contains("first on line 4"), "{msg}");

    let cycle = "[[node]]\nid = \"a\"\nname = \"A\"\nlevel = \"node\"\nparent = \"b\"\n[[node]]\nid = \"b\"\nname = \"B\"\nlevel = \"node\"\nparent = \"a\"\n";
    let (line, rule, msg) = refused(cycle);
    assert_eq!((line, rule), (Some(4), "chain.cycle"));
    assert!(msg.contains("a → b → a"), "{msg}");

    let code = "[[node]]\nid = \"a\"\nname = \"A\"\nlevel = \"node\"\nindustry_codes = [\"3491\", \"9999\"]\n";
    let (line, rule, msg) = refused(code);
    assert_eq!((line, rule), (Some(4), "chain.industry_code"));
    assert!(msg.contains("9999"), "{msg}");

    let orphan = "[[node]]\nid = \"a\"\nname = \"A\"\nlevel = \"node\"\nparent = \"nowhere\"\n";
    assert_eq!(refused(orphan).1, "chain.unknown_parent");

    let (line, rule, _) = refused("");
    assert_eq!((line, rule), (None, "chain.empty"));

    let (line, rule, _) = refused("[[node]]\nid = \"a\"\nname = \"A\"\nlevel = \"galaxy\"\n");
    assert_eq!((line, rule), (Some(7), "chain.syntax"));

    // "Supplies" may go round: real chains do.
    let loop_ok = "[[node]]\nid = \"a\"\nname = \"A\"\nlevel = \"node\"\nsupplies = [\"b\"]\n[[node]]\nid = \"b\"\nname = \"B\"\nlevel = \"node\"\nsupplies = [\"a\"]\n";
    assert!(Taxonomy::parse(&format!("{HEAD}{loop_ok}")).is_ok());
}

#[test]
fn shipped_taxonomies_cover_the_twenty_tracks_and_five_detailed_chains() {
    let bj = shipped::get("beijing-future").unwrap();
    let areas: Vec<&str> = bj.of_level(Level::Area).map(|n| n.name.as_str()).collect();
    assert_eq!(
        areas,
        [
            "未来信息",
            "未来健康",
            "未来制造",
            "未来能源",
            "未来材料",
            "未来空间"
        ]
    );
    assert_eq!(bj.of_level(Level::Track).count(), 20);
    let ivd = shipped::get("suzhou-ivd").unwrap();
    for (t, chain) in [
        (bj, "humanoid-chain"),
        (bj, "space-chain"),
        (bj, "hydrogen-chain"),
        (bj, "storage-chain"),
        (ivd, "ivd-chain"),
    ] {
        let nodes = t.descendants(chain);
        assert!(nodes.len() >= 15, "{chain}: {}", nodes.len());
        for s in [Stream::Upstream, Stream::Midstream, Stream::Downstream] {
            assert!(
                nodes.iter().any(|n| n.stream == Some(s)),
                "{chain} lacks {s:?}"
            );
        }
        assert!(
            nodes
                .iter()
                .all(|n| !n.keywords.is_empty() && !n.industry_codes.is_empty())
        );
    }
    let sei = shipped::get("sei2018").unwrap();
    assert_eq!(sei.of_level(Level::Area).count(), 9);
    assert!(sei.of_level(Level::Node).count() >= 150);
    let total: usize = shipped::all().iter().map(|t| t.nodes.len()).sum();
    assert!(total >= 200, "{total}");
}

#[test]
fn suggestions_carry_their_evidence() {
    let bj = shipped::get("beijing-future").unwrap();
    let m = Matcher::new(bj);
    let s = m.suggest(&Subject {
        id: 7,
        name: "北京某某精密传动科技有限公司",
        industry_code: "3453",
        business_scope: "研发、生产谐波减速器、RV减速器；销售机械设备；技术开发、技术服务。",
        products: "谐波减速器",
    });
    let reducer = s
        .iter()
        .find(|x| x.node_id == "hr-reducer")
        .expect("the reducer node");
    assert_eq!(s[0].node_id, "hr-reducer", "{s:?}");
    assert!(reducer.evidence.contains(&Evidence {
        source: Source::Products,
        term: "谐波减速器".into()
    }));
    assert!(reducer.evidence.contains(&Evidence {
        source: Source::Scope,
        term: "RV减速器".into()
    }));
    assert!(reducer.evidence.contains(&Evidence {
        source: Source::IndustryCode,
        term: "3453".into()
    }));
    // Products 谐波减速器 (0.5), scope 谐波减速器 and RV减速器 (0.35 each), class 3453 (0.3):
    // 1 − 0.5 × 0.65 × 0.65 × 0.7 = 1 − 0.1479 = 0.85.
    assert_eq!(reducer.evidence.len(), 4);
    assert_eq!(reducer.confidence, 0.85);
    // An unrelated enterprise gets nothing from this taxonomy.
    let none = m.suggest(&Subject {
        id: 8,
        name: "某某餐饮管理有限公司",
        industry_code: "6210",
        business_scope: "餐饮服务；食品销售。",
        products: "",
    });
    assert!(none.is_empty(), "{none:?}");
    // A class that indicates a single node counts alone, at its weight.
    let by_code = m.suggest(&Subject {
        id: 9,
        name: "某公司",
        industry_code: "3492",
        business_scope: "",
        products: "",
    });
    assert_eq!(by_code.len(), 1);
    assert_eq!(
        (by_code[0].node_id.as_str(), by_code[0].confidence),
        ("hr-special", 0.3)
    );
}

mod gaps {
    use devzone_core::chain::gap::{Member, Status, Thresholds, analyse, targets};
    use devzone_core::chain::taxonomy::Taxonomy;
    use std::collections::BTreeMap;

    const CHAIN: &str = r#"
id = "t"
name = "T"
version = "1"

[[node]]
id = "c"
name = "链"
level = "chain"

[[node]]
id = "up"
name = "材料"
level = "node"
parent = "c"
stream = "upstream"
products = ["材料甲"]
keywords = ["材料"]
supplies = ["mid"]

[[node]]
id = "mid"
name = "部件"
level = "node"
parent = "c"
stream = "midstream"
supplies = ["down"]

[[node]]
id = "down"
name = "整机"
level = "node"
parent = "c"
stream = "downstream"
"#;

    fn member(id: i64, revenue: f64, q: &[&str]) -> Member {
        Member {
            enterprise_id: id,
            name: format!("E{id}"),
            revenue: Some(revenue),
            tax: Some(revenue / 20.0),
            employees: Some(100.0),
            qualifications: q.iter().map(|s| s.to_string()).collect(),
            flagged: false,
        }
    }

    #[test]
    fn thresholds_decide_strong_weak_and_missing() {
        let t = Taxonomy::parse(CHAIN).unwrap();
        let th = Thresholds {
            strong_min_enterprises: 3,
            leading_revenue: 1.0e9,
            weak_min_enterprises: 1,
        };
        let mut members = BTreeMap::new();
        // mid: two small members → weak (2 < 3, no leader).
        members.insert(
            "mid".to_string(),
            vec![
                member(1, 5.0e7, &["high_tech"]),
                member(2, 3.0e7, &["high_tech", "srdi_sme"]),
            ],
        );
        // down: one member at exactly the leading revenue → strong.
        members.insert("down".to_string(), vec![member(3, 1.0e9, &[])]);
        let suggested = BTreeMap::from([("up".to_string(), 4usize)]);
        let g = analyse(&t, "c", &members, &suggested, &th);
        let by = |id: &str| g.iter().find(|x| x.node_id == id).unwrap();
        assert_eq!(by("up").status, Status::Missing);
        assert_eq!(by("up").suggested, 4);
        assert_eq!(by("mid").status, Status::Weak);
        assert_eq!(by("mid").revenue, 8.0e7);
        // 5.0e7 / 20 + 3.0e7 / 20 = 2.5e6 + 1.5e6
        assert_eq!(by("mid").tax, 4.0e6);
        assert_eq!(by("mid").employees, 200.0);
        assert_eq!(by("mid").qualifications.get("high_tech"), Some(&2));
        assert_eq!(by("down").status, Status::Strong);
        assert_eq!(by("down").leaders.len(), 1);
        // Three members make mid strong too.
        members.get_mut("mid").unwrap().push(member(4, 1.0e6, &[]));
        let g = analyse(&t, "c", &members, &suggested, &th);
        assert_eq!(
            g.iter().find(|x| x.node_id == "mid").unwrap().status,
            Status::Strong
        );
        // The target list: the missing node, why (it supplies 部件) and whom to attract.
        let list = targets(&t, &g);
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].node_id, "up");
        assert_eq!(list[0].supplies, ["部件"]);
        assert!(list[0].attract.contains(&"材料甲".to_string()));
        // With a higher weak threshold, a single-member node counts as missing.
        let strict = Thresholds {
            weak_min_enterprises: 2,
            leading_revenue: 1.0e12,
            ..th
        };
        let g = analyse(&t, "c", &members, &suggested, &strict);
        assert_eq!(
            g.iter().find(|x| x.node_id == "down").unwrap().status,
            Status::Missing
        );
    }
}

mod targets {
    use chrono::NaiveDate;
    use devzone_core::chain::target::{plan_by_year, progress};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn straight_line_from_baseline_to_target() {
        // 30 parks by 2030-12-31 from 10 on 2024-12-31: 2,191 days. On 2027-12-31 (1,095
        // days in) the line stands at 10 + 20 × 1095 / 2191 = 19.995…
        let p = progress(
            10.0,
            d("2024-12-31"),
            30.0,
            d("2030-12-31"),
            20.0,
            d("2027-12-31"),
        );
        assert!((p.expected - (10.0 + 20.0 * 1095.0 / 2191.0)).abs() < 1e-9);
        assert!(p.on_track);
        assert_eq!(p.achieved, 0.5);
        let behind = progress(
            10.0,
            d("2024-12-31"),
            30.0,
            d("2030-12-31"),
            19.0,
            d("2027-12-31"),
        );
        assert!(!behind.on_track);
        assert_eq!(behind.achieved, 0.45);
        // Before the baseline the expectation is the baseline; after the deadline, the target.
        assert_eq!(
            progress(
                10.0,
                d("2024-12-31"),
                30.0,
                d("2030-12-31"),
                10.0,
                d("2024-01-01")
            )
            .expected,
            10.0
        );
        assert_eq!(
            progress(
                10.0,
                d("2024-12-31"),
                30.0,
                d("2030-12-31"),
                31.0,
                d("2032-01-01")
            )
            .expected,
            30.0
        );
        // A reduction is on track at or below its line.
        let down = progress(
            100.0,
            d("2025-01-01"),
            50.0,
            d("2026-01-01"),
            70.0,
            d("2025-07-02"),
        );
        assert!((down.expected - 75.0).abs() < 0.1, "{}", down.expected);
        assert!(down.on_track);
        // The plan by year ends at the target on the deadline.
        let plan = plan_by_year(10.0, d("2024-12-31"), 30.0, d("2030-12-31"));
        assert_eq!(plan.first(), Some(&(2024, 10.0)));
        assert_eq!(plan.last(), Some(&(2030, 30.0)));
        assert_eq!(plan.len(), 7);
    }
}

#[test]
fn location_quotients_by_hand() {
    use devzone_core::chain::lq::quotients;
    use std::collections::BTreeMap;
    let zone = BTreeMap::from([
        ("39".to_string(), 600.0),
        ("27".to_string(), 300.0),
        ("13".to_string(), 100.0),
    ]);
    let province = BTreeMap::from([
        ("39".to_string(), 2_000.0),
        ("27".to_string(), 3_000.0),
        ("13".to_string(), 5_000.0),
    ]);
    let q = quotients(&zone, &province);
    // 39: (600/1000) / (2000/10000) = 0.6 / 0.2 = 3.0; 27: 0.3 / 0.3 = 1.0; 13: 0.1 / 0.5 = 0.2
    let lq: Vec<(&str, f64)> = q
        .iter()
        .map(|x| (x.division.as_str(), (x.lq * 1e9).round() / 1e9))
        .collect();
    assert_eq!(lq, [("39", 3.0), ("27", 1.0), ("13", 0.2)]);
    assert!(quotients(&BTreeMap::new(), &province).is_empty());
}

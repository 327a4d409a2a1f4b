//! Every text format devzone reads from users, fed what an attacker or a careless editor
//! would: the shipped files with bytes changed, cut or repeated, and arbitrary text. Each
//! reader must answer Ok or an error, never panic. CI runs these with the default number
//! of cases; `PROPTEST_CASES=100000 cargo test --workspace --test it hostile_text` runs them longer.

use devzone_core::chain::taxonomy::Taxonomy;
use devzone_core::evaluation::Scheme;
use devzone_core::land::geometry::Boundary;
use proptest::prelude::*;

const TAXONOMY: &str = include_str!("../../chains/suzhou-ivd.toml");
const SCHEME: &str = include_str!("../../src/evaluation/schemes/default.toml");
const GEOJSON: &str = r#"{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[120.1,31.1],[120.2,31.1],[120.2,31.2],[120.1,31.2],[120.1,31.1]],[[120.12,31.12],[120.13,31.12],[120.13,31.13],[120.12,31.12]]]]}}"#;

/// `base` with some bytes replaced, a piece cut out and a piece repeated, kept UTF-8.
fn mutate(
    base: &str,
    edits: &[(usize, u8)],
    cut: (usize, usize),
    repeat: (usize, usize, u8),
) -> String {
    let mut b = base.as_bytes().to_vec();
    let n = b.len();
    for &(i, v) in edits {
        b[i % n] = v;
    }
    let (a, len) = (cut.0 % n, cut.1 % 64);
    let end = (a + len).min(b.len());
    b.drain(a..end);
    if !b.is_empty() {
        let (a, len, times) = (repeat.0 % b.len(), repeat.1 % 64, repeat.2 % 8);
        let piece: Vec<u8> = b[a..(a + len).min(b.len())].to_vec();
        for _ in 0..times {
            b.splice(a..a, piece.iter().copied());
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8)>> {
    proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6)
}

/// The number of cases: `PROPTEST_CASES` when set (a longer fuzzing run), else `default`.
fn cases(default: u32) -> ProptestConfig {
    ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default),
    )
}

proptest! {
    #![proptest_config(cases(300))]

    #[test]
    fn taxonomies_never_panic(e in edits(), cut in (any::<usize>(), any::<usize>()), rep in (any::<usize>(), any::<usize>(), any::<u8>())) {
        let _ = Taxonomy::parse(&mutate(TAXONOMY, &e, cut, rep));
    }

    #[test]
    fn schemes_never_panic(e in edits(), cut in (any::<usize>(), any::<usize>()), rep in (any::<usize>(), any::<usize>(), any::<u8>())) {
        let _ = Scheme::parse(&mutate(SCHEME, &e, cut, rep));
    }

    #[test]
    fn boundaries_never_panic(e in edits(), cut in (any::<usize>(), any::<usize>()), rep in (any::<usize>(), any::<usize>(), any::<u8>())) {
        let text = mutate(GEOJSON, &e, cut, rep);
        if let Ok(b) = Boundary::parse(&text) {
            let _ = (b.area_m2(), b.extent(), b.to_geojson());
        }
        let _ = Boundary::parse_stored(&text).map(|b| b.area_m2());
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,400}") {
        let _ = Taxonomy::parse(&s);
        let _ = Scheme::parse(&s);
        let _ = Boundary::parse(&s);
    }

    /// Numbers at the edges of f64 in a boundary: refused or measured, never a panic.
    #[test]
    fn extreme_coordinates_never_panic(x in any::<f64>(), y in any::<f64>()) {
        let text = format!(r#"{{"type":"Polygon","coordinates":[[[{x},{y}],[120.2,31.1],[120.2,31.2],[{x},{y}]]]}}"#);
        if let Ok(b) = Boundary::parse(&text) {
            let _ = b.area_m2();
        }
    }
}

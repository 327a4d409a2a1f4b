//! Plot and park boundaries: GeoJSON polygons read, checked and measured.
//!
//! Boundaries hold at most [`MAX_VERTICES`] positions: closed rings of at least four
//! positions, coordinates inside China's extent, no ring crossing itself (found by a sweep
//! over the edges' longitude intervals, not by testing every pair). The check runs when a
//! boundary is saved; stored boundaries are read back with [`Boundary::parse_stored`],
//! which does not repeat it. Areas are
//! computed on a local equirectangular projection around the polygon's centre, which for a
//! plot a few kilometres across is within a fraction of a per cent of the geodesic area.

use serde_json::Value;

/// Mean Earth radius in metres (IUGG).
const EARTH_RADIUS_M: f64 = 6_371_008.8;
/// Square metres in one mu (10,000 / 15).
pub const M2_PER_MU: f64 = 10_000.0 / 15.0;
/// Positions a boundary may hold, over all its rings: a surveyed plot has tens to a few
/// hundred; this leaves room for park outlines traced from a map.
pub const MAX_VERTICES: usize = 10_000;
/// China's extent, generously: longitude 73–136 °E, latitude 3–54 °N.
const LON_RANGE: (f64, f64) = (73.0, 136.0);
const LAT_RANGE: (f64, f64) = (3.0, 54.0);

/// Why a boundary was refused. Messages are keys under `geo.` in the locales, with the
/// position where it makes sense.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GeoError {
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("geometry type {0} is not Polygon or MultiPolygon")]
    WrongType(String),
    #[error("coordinates are missing or not numbers")]
    BadCoordinates,
    #[error("ring {ring} has {points} positions; at least 4 are needed")]
    TooFewPoints { ring: usize, points: usize },
    #[error("ring {ring} is not closed: its last position differs from its first")]
    NotClosed { ring: usize },
    #[error("position {lon}, {lat} (ring {ring}) lies outside China")]
    OutsideChina { ring: usize, lon: f64, lat: f64 },
    #[error("ring {ring} crosses itself between edges {a} and {b}")]
    SelfIntersecting { ring: usize, a: usize, b: usize },
    #[error("ring {ring} encloses no area")]
    Degenerate { ring: usize },
    #[error("the boundary has {count} positions; at most {MAX_VERTICES} are accepted")]
    TooManyVertices { count: usize },
}

impl GeoError {
    /// The rule id (`rule.geojson.*` in the locales).
    pub fn rule(&self) -> &'static str {
        match self {
            GeoError::NotJson(_) => "geojson.syntax",
            GeoError::WrongType(_) | GeoError::BadCoordinates => "geojson.polygon",
            GeoError::TooFewPoints { .. } | GeoError::NotClosed { .. } => "geojson.ring",
            GeoError::OutsideChina { .. } => "geojson.outside_china",
            GeoError::SelfIntersecting { .. } => "geojson.self_intersecting",
            GeoError::Degenerate { .. } => "geojson.degenerate",
            GeoError::TooManyVertices { .. } => "geojson.too_many_vertices",
        }
    }

    /// The figures the message names: the ring, the position or the crossing edges.
    pub fn detail(&self) -> String {
        match self {
            GeoError::NotJson(e) => e.clone(),
            GeoError::WrongType(t) => t.clone(),
            GeoError::BadCoordinates => String::new(),
            GeoError::TooFewPoints { ring, .. }
            | GeoError::NotClosed { ring }
            | GeoError::Degenerate { ring } => ring.to_string(),
            GeoError::OutsideChina { lon, lat, .. } => format!("{lon}, {lat}"),
            GeoError::SelfIntersecting { ring, a, b } => format!("{ring}: {a} × {b}"),
            GeoError::TooManyVertices { count } => format!("{count} > {MAX_VERTICES}"),
        }
    }
}

/// A ring of (longitude, latitude) positions, closed (first = last).
pub type Ring = Vec<(f64, f64)>;

/// A checked boundary: polygons, each an outer ring followed by its holes.
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    pub polygons: Vec<Vec<Ring>>,
}

/// An extent in degrees: (min lon, min lat, max lon, max lat).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extent {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl Extent {
    pub fn of<'a>(points: impl IntoIterator<Item = &'a (f64, f64)>) -> Option<Extent> {
        let mut e: Option<Extent> = None;
        for &(lon, lat) in points {
            e = Some(match e {
                None => Extent {
                    min_lon: lon,
                    min_lat: lat,
                    max_lon: lon,
                    max_lat: lat,
                },
                Some(x) => Extent {
                    min_lon: x.min_lon.min(lon),
                    min_lat: x.min_lat.min(lat),
                    max_lon: x.max_lon.max(lon),
                    max_lat: x.max_lat.max(lat),
                },
            });
        }
        e
    }

    pub fn union(self, o: Extent) -> Extent {
        Extent {
            min_lon: self.min_lon.min(o.min_lon),
            min_lat: self.min_lat.min(o.min_lat),
            max_lon: self.max_lon.max(o.max_lon),
            max_lat: self.max_lat.max(o.max_lat),
        }
    }

    pub fn centre(&self) -> (f64, f64) {
        (
            (self.min_lon + self.max_lon) / 2.0,
            (self.min_lat + self.max_lat) / 2.0,
        )
    }
}

impl Boundary {
    /// Reads a GeoJSON geometry (or a Feature wrapping one) and checks it.
    pub fn parse(text: &str) -> Result<Boundary, GeoError> {
        let b = Self::read(text)?;
        b.check()?;
        Ok(b)
    }

    /// Reads a boundary that was checked when it was saved (pages drawing maps call this
    /// on every view; the check is not repeated).
    pub fn parse_stored(text: &str) -> Option<Boundary> {
        Self::read(text).ok()
    }

    /// Reads the polygons and refuses more than [`MAX_VERTICES`] positions.
    fn read(text: &str) -> Result<Boundary, GeoError> {
        let v: Value = serde_json::from_str(text).map_err(|e| GeoError::NotJson(e.to_string()))?;
        let geometry = match v.get("type").and_then(Value::as_str) {
            Some("Feature") => v.get("geometry").cloned().unwrap_or(Value::Null),
            _ => v,
        };
        let kind = geometry
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let coords = geometry
            .get("coordinates")
            .ok_or(GeoError::BadCoordinates)?;
        let polygons = match kind.as_str() {
            "Polygon" => vec![polygon(coords)?],
            "MultiPolygon" => coords
                .as_array()
                .ok_or(GeoError::BadCoordinates)?
                .iter()
                .map(polygon)
                .collect::<Result<_, _>>()?,
            _ => return Err(GeoError::WrongType(kind)),
        };
        if polygons.is_empty() {
            return Err(GeoError::BadCoordinates);
        }
        let count: usize = polygons.iter().flatten().map(Vec::len).sum();
        if count > MAX_VERTICES {
            return Err(GeoError::TooManyVertices { count });
        }
        Ok(Boundary { polygons })
    }

    fn rings(&self) -> impl Iterator<Item = &Ring> {
        self.polygons.iter().flatten()
    }

    fn check(&self) -> Result<(), GeoError> {
        for (i, ring) in self.rings().enumerate() {
            let n = i + 1;
            if ring.len() < 4 {
                return Err(GeoError::TooFewPoints {
                    ring: n,
                    points: ring.len(),
                });
            }
            if ring.first() != ring.last() {
                return Err(GeoError::NotClosed { ring: n });
            }
            for &(lon, lat) in ring {
                if !(LON_RANGE.0..=LON_RANGE.1).contains(&lon)
                    || !(LAT_RANGE.0..=LAT_RANGE.1).contains(&lat)
                {
                    return Err(GeoError::OutsideChina { ring: n, lon, lat });
                }
            }
            if let Some((a, b)) = self_intersection(ring) {
                return Err(GeoError::SelfIntersecting { ring: n, a, b });
            }
            if shoelace(ring).abs() < 1e-14 {
                return Err(GeoError::Degenerate { ring: n });
            }
        }
        Ok(())
    }

    pub fn extent(&self) -> Extent {
        Extent::of(self.rings().flatten()).expect("a checked boundary has positions")
    }

    /// The area in square metres: outer rings minus holes.
    pub fn area_m2(&self) -> f64 {
        let (lon0, lat0) = self.extent().centre();
        let k = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
        let cos = lat0.to_radians().cos();
        let project = |r: &Ring| -> Ring {
            r.iter()
                .map(|&(lon, lat)| ((lon - lon0) * k * cos, (lat - lat0) * k))
                .collect()
        };
        self.polygons
            .iter()
            .map(|rings| {
                let mut it = rings.iter();
                let outer = it
                    .next()
                    .map(|r| shoelace(&project(r)).abs())
                    .unwrap_or(0.0);
                outer - it.map(|r| shoelace(&project(r)).abs()).sum::<f64>()
            })
            .sum()
    }

    /// The boundary as GeoJSON text (a Polygon when there is one polygon).
    pub fn to_geojson(&self) -> String {
        let rings = |p: &Vec<Ring>| {
            Value::Array(
                p.iter()
                    .map(|r| {
                        Value::Array(r.iter().map(|&(x, y)| serde_json::json!([x, y])).collect())
                    })
                    .collect(),
            )
        };
        let v = if self.polygons.len() == 1 {
            serde_json::json!({"type": "Polygon", "coordinates": rings(&self.polygons[0])})
        } else {
            serde_json::json!({"type": "MultiPolygon",
                "coordinates": self.polygons.iter().map(rings).collect::<Vec<_>>()})
        };
        v.to_string()
    }

    /// A rectangle, for generated data and tests.
    pub fn rectangle(min_lon: f64, min_lat: f64, max_lon: f64, max_lat: f64) -> Boundary {
        Boundary {
            polygons: vec![vec![vec![
                (min_lon, min_lat),
                (max_lon, min_lat),
                (max_lon, max_lat),
                (min_lon, max_lat),
                (min_lon, min_lat),
            ]]],
        }
    }
}

fn polygon(v: &Value) -> Result<Vec<Ring>, GeoError> {
    let rings = v.as_array().ok_or(GeoError::BadCoordinates)?;
    if rings.is_empty() {
        return Err(GeoError::BadCoordinates);
    }
    rings
        .iter()
        .map(|r| {
            r.as_array()
                .ok_or(GeoError::BadCoordinates)?
                .iter()
                .map(|p| {
                    let p = p.as_array().ok_or(GeoError::BadCoordinates)?;
                    match (
                        p.first().and_then(Value::as_f64),
                        p.get(1).and_then(Value::as_f64),
                    ) {
                        (Some(x), Some(y)) if x.is_finite() && y.is_finite() => Ok((x, y)),
                        _ => Err(GeoError::BadCoordinates),
                    }
                })
                .collect()
        })
        .collect()
}

/// Twice the signed area of a closed ring in its own units.
fn shoelace(r: &[(f64, f64)]) -> f64 {
    r.windows(2)
        .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
        .sum::<f64>()
        / 2.0
}

/// The first pair of non-adjacent edges (1-based, in order) that touch or cross, if any.
/// Edges are swept in order of their western end; only edges whose longitude and
/// latitude intervals overlap are tested, so a ring of thousands of positions takes
/// milliseconds rather than the seconds that testing every pair costs.
fn self_intersection(r: &[(f64, f64)]) -> Option<(usize, usize)> {
    let n = r.len() - 1; // edges
    let span = |i: usize| {
        let (a, b) = (r[i], r[i + 1]);
        (a.0.min(b.0), a.0.max(b.0), a.1.min(b.1), a.1.max(b.1))
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| span(a).0.total_cmp(&span(b).0));
    let mut best: Option<(usize, usize)> = None;
    // Edges whose longitude interval may still overlap the next ones: (east end, edge).
    let mut active: Vec<(f64, usize)> = Vec::new();
    for e in order {
        let (west, east, south, north) = span(e);
        active.retain(|&(east_end, _)| east_end >= west);
        for &(_, o) in &active {
            let (i, j) = (e.min(o), e.max(o));
            // Adjacent edges share a vertex by construction; so do the first and the last.
            if j == i + 1 || (i == 0 && j == n - 1) || best.is_some_and(|b| b <= (i + 1, j + 1)) {
                continue;
            }
            let (_, _, s2, n2) = span(o);
            if s2 > north || n2 < south {
                continue;
            }
            if segments_meet(r[i], r[i + 1], r[j], r[j + 1]) {
                best = Some((i + 1, j + 1));
            }
        }
        active.push((east, e));
    }
    best
}

fn orient(a: (f64, f64), b: (f64, f64), c: (f64, f64)) -> f64 {
    (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
}

fn on_segment(a: (f64, f64), b: (f64, f64), p: (f64, f64)) -> bool {
    p.0 >= a.0.min(b.0) && p.0 <= a.0.max(b.0) && p.1 >= a.1.min(b.1) && p.1 <= a.1.max(b.1)
}

fn segments_meet(p1: (f64, f64), p2: (f64, f64), q1: (f64, f64), q2: (f64, f64)) -> bool {
    let d1 = orient(q1, q2, p1);
    let d2 = orient(q1, q2, p2);
    let d3 = orient(p1, p2, q1);
    let d4 = orient(p1, p2, q2);
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
    {
        return true;
    }
    (d1 == 0.0 && on_segment(q1, q2, p1))
        || (d2 == 0.0 && on_segment(q1, q2, p2))
        || (d3 == 0.0 && on_segment(p1, p2, q1))
        || (d4 == 0.0 && on_segment(p1, p2, q2))
}

/// Whether a point lies inside a ring (even-odd rule).
pub fn contains(ring: &[(f64, f64)], p: (f64, f64)) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a.1 > p.1) != (b.1 > p.1) && p.0 < (b.0 - a.0) * (p.1 - a.1) / (b.1 - a.1) + a.0 {
            inside = !inside;
        }
    }
    inside
}

/// How far a recorded area is from the geometry's, as a share of the geometry's; `None` when
/// either is missing. Above 5 % the plot shows a warning.
pub fn area_deviation(recorded_m2: Option<f64>, geometry_m2: Option<f64>) -> Option<f64> {
    match (recorded_m2, geometry_m2) {
        (Some(r), Some(g)) if g > 0.0 => Some((r - g).abs() / g),
        _ => None,
    }
}

/// The share of deviation above which a recorded area is questioned.
pub const AREA_TOLERANCE: f64 = 0.05;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn square_of_about_one_hundred_metres() {
        // 0.001° of latitude is 111.2 m; of longitude at 39.8° N, 111.2 × cos 39.8° = 85.4 m.
        let b = Boundary::rectangle(116.5, 39.8, 116.501, 39.801);
        let a = b.area_m2();
        assert!((a - 111.19 * 85.44).abs() < 15.0, "{a}");
    }

    #[test]
    fn refusals_name_what_is_wrong() {
        let bow = r#"{"type":"Polygon","coordinates":[[[116.5,39.8],[116.51,39.81],[116.51,39.8],[116.5,39.81],[116.5,39.8]]]}"#;
        assert_eq!(
            Boundary::parse(bow),
            Err(GeoError::SelfIntersecting {
                ring: 1,
                a: 1,
                b: 3
            })
        );
        let point = r#"{"type":"Point","coordinates":[116.5,39.8]}"#;
        assert_eq!(
            Boundary::parse(point),
            Err(GeoError::WrongType("Point".into()))
        );
        let paris =
            r#"{"type":"Polygon","coordinates":[[[2.3,48.8],[2.4,48.8],[2.4,48.9],[2.3,48.8]]]}"#;
        assert!(matches!(
            Boundary::parse(paris),
            Err(GeoError::OutsideChina { ring: 1, .. })
        ));
        let open = r#"{"type":"Polygon","coordinates":[[[116.5,39.8],[116.6,39.8],[116.6,39.9],[116.5,39.9]]]}"#;
        assert_eq!(Boundary::parse(open), Err(GeoError::NotClosed { ring: 1 }));
        assert!(matches!(Boundary::parse("{"), Err(GeoError::NotJson(_))));
    }

    /// A ring of 10,000 positions on a circle is checked in well under a second, and one
    /// more position is refused before any check.
    #[test]
    fn large_rings_are_checked_by_a_sweep_and_capped() {
        let ring = |n: usize| {
            let mut pts: Vec<String> = (0..n - 1)
                .map(|k| {
                    let a = k as f64 / (n - 1) as f64 * std::f64::consts::TAU;
                    format!("[{},{}]", 120.0 + 0.01 * a.cos(), 31.0 + 0.01 * a.sin())
                })
                .collect();
            pts.push(pts[0].clone());
            format!(
                r#"{{"type":"Polygon","coordinates":[[{}]]}}"#,
                pts.join(",")
            )
        };
        assert!(Boundary::parse(&ring(MAX_VERTICES)).is_ok());
        assert_eq!(
            Boundary::parse(&ring(MAX_VERTICES + 1)),
            Err(GeoError::TooManyVertices {
                count: MAX_VERTICES + 1
            })
        );
        // A figure-eight of many positions: the crossing is found and named.
        let mut pts: Vec<(f64, f64)> = (0..2000)
            .map(|k| {
                (
                    120.0 + k as f64 * 1e-5,
                    31.0 + if k % 2 == 0 { 0.0 } else { 1e-5 },
                )
            })
            .collect();
        pts.push((120.0 + 2000.0 * 1e-5, 31.001));
        pts.push((120.0 + 1000.5 * 1e-5, 30.999));
        pts.push(pts[0]);
        assert!(self_intersection(&pts).is_some());
    }

    /// The sweep finds the same first crossing as testing every pair.
    #[test]
    fn the_sweep_agrees_with_testing_every_pair() {
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as f64 / (1u64 << 31) as f64
        };
        for _ in 0..300 {
            let k = 4 + (next() * 12.0) as usize;
            let mut r: Vec<(f64, f64)> = (0..k)
                .map(|_| ((next() * 10.0).round(), (next() * 10.0).round()))
                .collect();
            r.push(r[0]);
            let n = r.len() - 1;
            let mut every = None;
            'outer: for i in 0..n {
                for j in i + 1..n {
                    if j == i + 1 || (i == 0 && j == n - 1) {
                        continue;
                    }
                    if segments_meet(r[i], r[i + 1], r[j], r[j + 1]) {
                        every = Some((i + 1, j + 1));
                        break 'outer;
                    }
                }
            }
            assert_eq!(self_intersection(&r), every, "{r:?}");
        }
    }

    #[test]
    fn round_trips_through_geojson() {
        let b = Boundary::rectangle(104.6, 30.5, 104.61, 30.51);
        assert_eq!(Boundary::parse(&b.to_geojson()).unwrap(), b);
        assert!(contains(&b.polygons[0][0], (104.605, 30.505)));
        assert!(!contains(&b.polygons[0][0], (104.62, 30.505)));
    }
}

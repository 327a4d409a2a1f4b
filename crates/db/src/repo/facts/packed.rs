//! The stored form of facts: one `fact_sets` row per set of figures an entry recorded for
//! an enterprise and year (a form saved, an import's row), and one `fact_current` row per
//! enterprise and year holding the current version of each of its figures.
//!
//! Why packed: a yearly import of 100,000 enterprises × 16 columns writes 100,000 set rows
//! and 100,000 current rows instead of 1.6 million value rows with their indexes, and a
//! computation reads one row per enterprise and year. The versions of one figure are the
//! sets that hold it; which one is current is decided by source precedence when it is
//! written (and again when an import is reverted), as it was with one row per value.

use super::{IDS_PER_QUERY, Version, settle};
use crate::DbResult;
use crate::entities::{fact_current, fact_set};
use devzone_core::facts::{FactField, Precedence};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// One stored figure: hundredths of its unit, or text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packed {
    Number(i64),
    Text(String),
}

impl Packed {
    pub fn from_parts(value: Option<i64>, text: Option<String>) -> Option<Packed> {
        match (value, text) {
            (Some(v), _) => Some(Packed::Number(v)),
            (None, Some(t)) => Some(Packed::Text(t)),
            (None, None) => None,
        }
    }
    pub fn value(&self) -> Option<i64> {
        match self {
            Packed::Number(v) => Some(*v),
            Packed::Text(_) => None,
        }
    }
    pub fn text(&self) -> Option<&str> {
        match self {
            Packed::Number(_) => None,
            Packed::Text(t) => Some(t),
        }
    }
    pub fn into_parts(self) -> (Option<i64>, Option<String>) {
        match self {
            Packed::Number(n) => (Some(n), None),
            Packed::Text(t) => (None, Some(t)),
        }
    }
    fn write(&self, out: &mut String) {
        match self {
            Packed::Number(v) => out.push_str(itoa::Buffer::new().format(*v)),
            // serde_json escapes as JSON requires; a string cannot fail to serialise.
            Packed::Text(t) => out.push_str(&serde_json::to_string(t).unwrap_or_default()),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Packed {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Packed;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer or a string")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Packed, E> {
                Ok(Packed::Number(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Packed, E> {
                i64::try_from(v)
                    .map(Packed::Number)
                    .map_err(|_| E::custom("number beyond i64"))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Packed, E> {
                Ok(Packed::Text(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Packed, E> {
                Ok(Packed::Text(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// The figures of one set.
pub type SetFigures = BTreeMap<FactField, Packed>;

/// The current version of each figure of an enterprise and year: its value and the set
/// that recorded it.
pub type CurrentFigures = BTreeMap<FactField, (Packed, i64)>;

/// `{"revenue":123456,"veto":"…"}`
pub fn encode_set(figures: &SetFigures) -> String {
    let mut out = String::with_capacity(figures.len() * 24 + 2);
    out.push('{');
    for (i, (f, v)) in figures.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        out.push_str(f.id());
        out.push_str("\":");
        v.write(&mut out);
    }
    out.push('}');
    out
}

/// `{"revenue":[123456,17]}`: value and set id.
pub fn encode_current(figures: &CurrentFigures) -> String {
    let mut out = String::with_capacity(figures.len() * 32 + 2);
    out.push('{');
    for (i, (f, (v, set))) in figures.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        out.push_str(f.id());
        out.push_str("\":[");
        v.write(&mut out);
        out.push(',');
        out.push_str(itoa::Buffer::new().format(*set));
        out.push(']');
    }
    out.push('}');
    out
}

/// The figures of a stored set; a field this build does not know is left out (a newer
/// version's field in a restored archive), and unreadable text reads as no figures.
pub fn decode_set(s: &str) -> SetFigures {
    if let Some(v) = fast::parse(s, false) {
        return v.into_iter().map(|(f, p, _)| (f, p)).collect();
    }
    match serde_json::from_str::<HashMap<std::borrow::Cow<str>, Packed>>(s) {
        Ok(m) => m
            .into_iter()
            .filter_map(|(k, v)| FactField::parse(&k).map(|f| (f, v)))
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "unreadable fact set");
            SetFigures::new()
        }
    }
}

pub fn decode_current(s: &str) -> CurrentFigures {
    if let Some(v) = fast::parse(s, true) {
        return v.into_iter().map(|(f, p, set)| (f, (p, set))).collect();
    }
    match serde_json::from_str::<HashMap<std::borrow::Cow<str>, (Packed, i64)>>(s) {
        Ok(m) => m
            .into_iter()
            .filter_map(|(k, v)| FactField::parse(&k).map(|f| (f, v)))
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "unreadable current figures");
            CurrentFigures::new()
        }
    }
}

/// A reader of exactly what [`encode_set`] and [`encode_current`] write, without escapes:
/// every computation reads a zone's figures through it, and it is several times faster
/// than a general JSON reader. Anything else (a text with an escape, a hand-edited row)
/// returns None and is read by serde_json.
mod fast {
    use super::Packed;
    use devzone_core::facts::FactField;

    pub(super) fn parse(s: &str, with_set: bool) -> Option<Vec<(FactField, Packed, i64)>> {
        let b = s.as_bytes();
        let mut i = 0;
        let mut out = Vec::with_capacity(16);
        expect(b, &mut i, b'{')?;
        if b.get(i) == Some(&b'}') {
            return (i + 1 == b.len()).then_some(out);
        }
        loop {
            let key = string(s, &mut i)?;
            expect(b, &mut i, b':')?;
            if with_set {
                expect(b, &mut i, b'[')?;
            }
            let value = if b.get(i) == Some(&b'"') {
                Packed::Text(string(s, &mut i)?.to_owned())
            } else {
                Packed::Number(int(b, &mut i)?)
            };
            let set = if with_set {
                expect(b, &mut i, b',')?;
                let n = int(b, &mut i)?;
                expect(b, &mut i, b']')?;
                n
            } else {
                0
            };
            // A field this build does not know is left out, as the general reader does.
            if let Some(f) = FactField::parse(key) {
                out.push((f, value, set));
            }
            match b.get(i) {
                Some(b',') => i += 1,
                Some(b'}') if i + 1 == b.len() => return Some(out),
                _ => return None,
            }
        }
    }

    fn expect(b: &[u8], i: &mut usize, c: u8) -> Option<()> {
        (b.get(*i) == Some(&c)).then(|| *i += 1)
    }

    /// A quoted string without escapes or control characters.
    fn string<'a>(s: &'a str, i: &mut usize) -> Option<&'a str> {
        let b = s.as_bytes();
        expect(b, i, b'"')?;
        let start = *i;
        let len = b[start..]
            .iter()
            .position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
        if b[start + len] != b'"' {
            return None;
        }
        *i = start + len + 1;
        Some(&s[start..start + len])
    }

    fn int(b: &[u8], i: &mut usize) -> Option<i64> {
        let start = *i;
        if b.get(*i) == Some(&b'-') {
            *i += 1;
        }
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        std::str::from_utf8(&b[start..*i]).ok()?.parse().ok()
    }
}

/// One version of one figure, as pages, the API and archives show it; also one row of the
/// one-row-per-value layout (the table before migration m0013, backups of format 2 and
/// earlier, zone archives' facts.csv), which [`pack_legacy`] packs.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FactVersion {
    /// The set that recorded it (the value row's own id in the old layout; unused there).
    #[serde(default)]
    pub id: i64,
    pub enterprise_id: i64,
    pub year: i32,
    pub field: String,
    /// Hundredths of the field's stored unit; None for text fields.
    pub value: Option<i64>,
    pub text_value: Option<String>,
    pub source: String,
    pub as_of: chrono::NaiveDate,
    pub entered_by: String,
    pub entered_at: chrono::DateTime<chrono::Utc>,
    pub current: bool,
    #[serde(default)]
    pub import_id: Option<i64>,
}

/// The sets of these enterprises, in the given years (all years when None), oldest first.
pub async fn sets_of<C: ConnectionTrait>(
    db: &C,
    enterprise_ids: &[i64],
    years: Option<&[i32]>,
) -> DbResult<Vec<fact_set::Model>> {
    let mut out = Vec::new();
    for chunk in enterprise_ids.chunks(IDS_PER_QUERY) {
        let mut q = fact_set::Entity::find()
            .filter(fact_set::Column::EnterpriseId.is_in(chunk.to_vec()))
            .order_by_asc(fact_set::Column::Id);
        if let Some(ys) = years {
            q = q.filter(fact_set::Column::Year.is_in(ys.to_vec()));
        }
        out.extend(q.all(db).await?);
    }
    Ok(out)
}

/// The current figures of these enterprises, in the given years (all when None), keyed by
/// enterprise and year.
pub async fn current_of<C: ConnectionTrait>(
    db: &C,
    enterprise_ids: &[i64],
    years: Option<&[i32]>,
) -> DbResult<HashMap<(i64, i32), CurrentFigures>> {
    let mut out = HashMap::new();
    for chunk in enterprise_ids.chunks(IDS_PER_QUERY) {
        let mut q = fact_current::Entity::find()
            .select_only()
            .columns([
                fact_current::Column::EnterpriseId,
                fact_current::Column::Year,
                fact_current::Column::Figures,
            ])
            .filter(fact_current::Column::EnterpriseId.is_in(chunk.to_vec()));
        if let Some(ys) = years {
            q = q.filter(fact_current::Column::Year.is_in(ys.to_vec()));
        }
        // Tuples decode by position, markedly faster than models by column name.
        let rows: Vec<(i64, i32, String)> = q.into_tuple().all(db).await?;
        for (e, y, figures) in rows {
            out.insert((e, y), decode_current(&figures));
        }
    }
    Ok(out)
}

/// Every version in these sets, each marked current when the current figures name its set.
pub fn flatten(
    sets: &[fact_set::Model],
    current: &HashMap<(i64, i32), CurrentFigures>,
) -> Vec<FactVersion> {
    let mut out = Vec::new();
    for s in sets {
        let cur = current.get(&(s.enterprise_id, s.year));
        for (f, v) in decode_set(&s.figures) {
            let is_current = cur
                .and_then(|c| c.get(&f))
                .is_some_and(|(_, set)| *set == s.id);
            let (value, text) = v.into_parts();
            out.push(FactVersion {
                id: s.id,
                enterprise_id: s.enterprise_id,
                year: s.year,
                field: f.id().into(),
                value,
                text_value: text,
                source: s.source.clone(),
                as_of: s.as_of,
                entered_by: s.entered_by.clone(),
                entered_at: s.entered_at,
                current: is_current,
                import_id: s.import_id,
            });
        }
    }
    out
}

/// What deciding a new value needs of a stored set: id, enterprise, year, source, figures.
pub(crate) type SetRow = (i64, i64, i32, String, String);

/// [`SetRow`]s of these enterprises in these years, oldest first: read as tuples, decoded
/// by position (whole records by column name took seconds at 100,000).
pub(crate) async fn set_rows_of<C: ConnectionTrait>(
    db: &C,
    enterprise_ids: &[i64],
    years: &[i32],
) -> DbResult<Vec<SetRow>> {
    let mut out = Vec::new();
    for chunk in enterprise_ids.chunks(IDS_PER_QUERY) {
        out.extend(
            fact_set::Entity::find()
                .select_only()
                .columns([
                    fact_set::Column::Id,
                    fact_set::Column::EnterpriseId,
                    fact_set::Column::Year,
                    fact_set::Column::Source,
                    fact_set::Column::Figures,
                ])
                .filter(fact_set::Column::EnterpriseId.is_in(chunk.to_vec()))
                .filter(fact_set::Column::Year.is_in(years.to_vec()))
                .order_by_asc(fact_set::Column::Id)
                .into_tuple::<SetRow>()
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// The stored versions of every figure, by enterprise, year and field, oldest first: what
/// deciding a new value needs.
pub(crate) fn versions<'a>(
    sets: impl IntoIterator<Item = (i64, i64, i32, &'a str, &'a str)>,
    current: &HashMap<(i64, i32), CurrentFigures>,
) -> HashMap<(i64, i32, FactField), Vec<Version>> {
    let mut out: HashMap<(i64, i32, FactField), Vec<Version>> = HashMap::new();
    for (id, enterprise_id, year, source, figures) in sets {
        let cur = current.get(&(enterprise_id, year));
        let source: std::sync::Arc<str> = source.into();
        for (f, v) in decode_set(figures) {
            let is_current = cur
                .and_then(|c| c.get(&f))
                .is_some_and(|(_, set)| *set == id);
            let (value, text) = v.into_parts();
            out.entry((enterprise_id, year, f))
                .or_default()
                .push(Version {
                    id,
                    value,
                    text,
                    source: source.clone(),
                    current: is_current,
                });
        }
    }
    out
}

/// The current figures of one enterprise and year settled from its sets by precedence:
/// for each figure, the newest version of the best-ranked source.
pub fn settle_current(sets: &[&fact_set::Model], prec: &Precedence) -> CurrentFigures {
    let mut by_field: BTreeMap<FactField, Vec<(Version, Packed)>> = BTreeMap::new();
    for s in sets {
        for (f, v) in decode_set(&s.figures) {
            by_field.entry(f).or_default().push((
                Version {
                    id: s.id,
                    value: v.value(),
                    text: None,
                    source: s.source.as_str().into(),
                    current: false,
                },
                v,
            ));
        }
    }
    let mut out = CurrentFigures::new();
    for (f, vs) in by_field {
        let plain: Vec<Version> = vs.iter().map(|(v, _)| v.clone()).collect();
        if let Some(winner) = settle(&plain, prec, f)
            && let Some((v, p)) = vs.into_iter().find(|(v, _)| v.id == winner)
        {
            out.insert(f, (p, v.id));
        }
    }
    out
}

/// Versions stored one per row, packed into sets and current figures. `rows` come in the
/// order they were entered; versions of one entry (same enterprise, year, source, date,
/// person, time and import) form one set, numbered by `next_id` in the order they are
/// made. A field this build does not know, and a version without value or text, are left
/// out.
pub fn pack_legacy(
    rows: impl IntoIterator<Item = FactVersion>,
    next_id: &mut dyn FnMut() -> i64,
) -> (Vec<fact_set::Model>, Vec<fact_current::Model>) {
    type Key = (
        i64,
        i32,
        String,
        chrono::NaiveDate,
        String,
        chrono::DateTime<chrono::Utc>,
        Option<i64>,
    );
    let mut sets: Vec<(fact_set::Model, SetFigures)> = Vec::new();
    let mut open: HashMap<Key, usize> = HashMap::new();
    let mut current: BTreeMap<(i64, i32), CurrentFigures> = BTreeMap::new();
    for r in rows {
        let (Some(field), Some(p)) = (
            FactField::parse(&r.field),
            Packed::from_parts(r.value, r.text_value),
        ) else {
            continue;
        };
        let key: Key = (
            r.enterprise_id,
            r.year,
            r.source.clone(),
            r.as_of,
            r.entered_by.clone(),
            r.entered_at,
            r.import_id,
        );
        let i = match open.get(&key) {
            // A field twice in one entry's key: a later entry alike in every column.
            Some(&i) if !sets[i].1.contains_key(&field) => i,
            _ => {
                sets.push((
                    fact_set::Model {
                        id: next_id(),
                        enterprise_id: r.enterprise_id,
                        year: r.year,
                        source: r.source,
                        as_of: r.as_of,
                        entered_by: r.entered_by,
                        entered_at: r.entered_at,
                        import_id: r.import_id,
                        figures: String::new(),
                    },
                    SetFigures::new(),
                ));
                open.insert(key, sets.len() - 1);
                sets.len() - 1
            }
        };
        let id = sets[i].0.id;
        if r.current {
            current
                .entry((r.enterprise_id, r.year))
                .or_default()
                .insert(field, (p.clone(), id));
        }
        sets[i].1.insert(field, p);
    }
    let sets = sets
        .into_iter()
        .map(|(mut m, f)| {
            m.figures = encode_set(&f);
            m
        })
        .collect();
    let current = current
        .into_iter()
        .map(|((e, y), c)| fact_current::Model {
            enterprise_id: e,
            year: y,
            figures: encode_current(&c),
        })
        .collect();
    (sets, current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_encoded_decodes_the_same_by_both_readers() {
        let mut set = SetFigures::new();
        set.insert(FactField::Revenue, Packed::Number(-12_345_678_901));
        set.insert(FactField::Tax, Packed::Number(0));
        set.insert(
            FactField::Veto,
            Packed::Text("环保\"违法\"\n记录 \\ 一次".into()),
        );
        let text = encode_set(&set);
        assert_eq!(decode_set(&text), set);
        let mut plain = set.clone();
        plain.insert(FactField::Veto, Packed::Text("环保违法记录".into()));
        let text = encode_set(&plain);
        assert!(fast::parse(&text, false).is_some(), "{text}");
        assert_eq!(decode_set(&text), plain);

        let current: CurrentFigures = set.iter().map(|(f, p)| (*f, (p.clone(), 17))).collect();
        assert_eq!(decode_current(&encode_current(&current)), current);
        let current: CurrentFigures = plain.iter().map(|(f, p)| (*f, (p.clone(), 9))).collect();
        assert!(fast::parse(&encode_current(&current), true).is_some());
        assert_eq!(decode_current(&encode_current(&current)), current);
        assert_eq!(decode_set("{}"), SetFigures::new());
    }

    #[test]
    fn other_json_is_read_by_the_general_reader_and_damage_reads_as_nothing() {
        let spaced = r#"{ "revenue" : 5 , "unknown_field": 3, "veto": "x" }"#;
        assert!(fast::parse(spaced, false).is_none());
        let got = decode_set(spaced);
        assert_eq!(got.get(&FactField::Revenue), Some(&Packed::Number(5)));
        assert_eq!(got.get(&FactField::Veto), Some(&Packed::Text("x".into())));
        assert_eq!(got.len(), 2);
        for bad in [
            "",
            "{",
            "{\"revenue\":}",
            "{\"revenue\":1",
            "[1]",
            "{\"revenue\":1}x",
        ] {
            assert!(fast::parse(bad, false).is_none(), "{bad}");
            assert_eq!(decode_set(bad), SetFigures::new(), "{bad}");
        }
    }
}

//! Statements that write many rows at once.
//!
//! Rows are not bound one parameter per value through the query builder: at a million values
//! the per-value cost of building, cloning and binding parameters was four times what SQLite
//! spends storing them (measured: 8.5 s against 1.9 s for 1.16 million fact rows). Nor are
//! they spelled out as literal `VALUES` lists: the driver keeps every statement it ran
//! prepared, and a prepared literal statement holds its values (a megabyte or more each, a
//! hundred kept per connection; loading the 100,000-enterprise demo grew to 2.8 GB so).
//!
//! Instead [`Rows`] sends the rows as one text parameter of a statement whose text never
//! changes, and the database takes them apart:
//! - SQLite: a JSON array of rows, read by `json_each` (100,000 fact sets: 0.96 s, against
//!   0.80 s as literal `VALUES` lists, with none of their memory);
//! - PostgreSQL: one array per column, unnested. Planning a long `VALUES` list is slow there:
//!   100,000 fact sets took 3.3 s as `VALUES` statements of 2,000 rows, 2.0 s as arrays, and
//!   1.4 s by `COPY`. `COPY` would need the driver's connection, which the ORM's transaction
//!   does not hand out, and the rows must be written in the caller's transaction.

use sea_orm::{ConnectionTrait, DbBackend, Statement};

/// Rows per statement: large enough that statement overhead vanishes, small enough that one
/// statement's parameters stay a few megabytes.
const ROWS_PER_STATEMENT: usize = 20_000;

/// Writes `items` as rows of `head` + rows + `tail` statements (see [`Rows::statement`]),
/// [`ROWS_PER_STATEMENT`] at a time; `row` writes one item's values in column order, whose
/// PostgreSQL types `types` names.
pub(crate) async fn write<C: ConnectionTrait, T>(
    db: &C,
    items: &[T],
    types: &'static [&'static str],
    head: &str,
    tail: &str,
    row: impl Fn(&mut Rows, &T),
) -> Result<(), sea_orm::DbErr> {
    let backend = db.get_database_backend();
    for chunk in items.chunks(ROWS_PER_STATEMENT) {
        let mut rows = Rows::new(backend, types);
        for item in chunk {
            row(&mut rows, item);
        }
        db.execute_raw(rows.statement(head, tail)).await?;
    }
    Ok(())
}

/// The rows of one statement, written value by value in column order, given to the
/// statement as its source of rows: `INSERT INTO t (…) ` + source, or
/// `WITH v (…) AS (` + source + `) UPDATE …`.
pub(crate) struct Rows {
    backend: DbBackend,
    /// PostgreSQL type of each column, e.g. `bigint`.
    types: &'static [&'static str],
    /// SQLite: the JSON array of rows so far, without its closing bracket.
    json: String,
    /// PostgreSQL: each column's array literal so far, without its closing brace.
    arrays: Vec<String>,
    col: usize,
    rows: usize,
}

impl Rows {
    fn new(backend: DbBackend, types: &'static [&'static str]) -> Rows {
        Rows {
            backend,
            types,
            json: String::from("["),
            arrays: types.iter().map(|_| String::from("{")).collect(),
            col: 0,
            rows: 0,
        }
    }

    fn pg(&self) -> bool {
        self.backend == DbBackend::Postgres
    }

    /// Where the next value goes; opens a row when it is the row's first.
    fn slot(&mut self) -> &mut String {
        let first_col = self.col == 0;
        let first_row = self.rows == 0;
        if self.pg() {
            let a = &mut self.arrays[self.col];
            if !first_row {
                a.push(',');
            }
            return a;
        }
        let s = &mut self.json;
        if first_col {
            s.push_str(if first_row { "[" } else { ",[" });
        } else {
            s.push(',');
        }
        s
    }

    /// Closes the value just written, and the row after its last column.
    fn next(&mut self) {
        self.col += 1;
        if self.col == self.types.len() {
            self.col = 0;
            self.rows += 1;
            if !self.pg() {
                self.json.push(']');
            }
        }
    }

    /// NULL: unquoted in an array literal, `null` in JSON.
    fn null(&self) -> &'static str {
        if self.pg() { "NULL" } else { "null" }
    }

    pub(crate) fn int(&mut self, v: Option<i64>) -> &mut Self {
        let null = self.null();
        let s = self.slot();
        match v {
            Some(v) => s.push_str(itoa::Buffer::new().format(v)),
            None => s.push_str(null),
        }
        self.next();
        self
    }

    /// A float in its shortest exact form; NaN and infinities (which neither database reads
    /// back as a number) are written as NULL.
    pub(crate) fn float(&mut self, v: Option<f64>) -> &mut Self {
        let null = self.null();
        let s = self.slot();
        match v {
            Some(v) if v.is_finite() => {
                use std::fmt::Write as _;
                let _ = write!(s, "{v:?}");
            }
            _ => s.push_str(null),
        }
        self.next();
        self
    }

    pub(crate) fn boolean(&mut self, v: Option<bool>) -> &mut Self {
        let null = self.null();
        let s = self.slot();
        s.push_str(match v {
            Some(true) => "true",
            Some(false) => "false",
            None => null,
        });
        self.next();
        self
    }

    /// Text, also dates and timestamps in a text form both databases read. NUL is dropped:
    /// neither database stores it in text.
    pub(crate) fn text(&mut self, v: Option<&str>) -> &mut Self {
        let (pg, null) = (self.pg(), self.null());
        let s = self.slot();
        match v {
            None => s.push_str(null),
            Some(t) if pg => array_element(s, t),
            Some(t) => json_string(s, t),
        }
        self.next();
        self
    }

    /// `head` + the rows + `tail` as one statement, the rows as the source of a `SELECT`.
    fn statement(self, head: &str, tail: &str) -> Statement {
        debug_assert_eq!(self.col, 0, "a row was left unfinished");
        let mut sql = String::from(head);
        if self.pg() {
            sql.push_str("SELECT * FROM unnest(");
            for (i, t) in self.types.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                // The parameter is text; the server reads it as an array of the column's type.
                sql.push_str(&format!("${}::text::{t}[]", i + 1));
            }
            sql.push(')');
        } else {
            sql.push_str("SELECT ");
            for i in 0..self.types.len() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("value->>{i}"));
            }
            // The WHERE settles SQLite's reading of a following ON CONFLICT as an upsert.
            sql.push_str(" FROM json_each(?) WHERE true");
        }
        sql.push_str(tail);
        let values: Vec<sea_orm::Value> = if self.pg() {
            self.arrays
                .into_iter()
                .map(|mut a| {
                    a.push('}');
                    a.into()
                })
                .collect()
        } else {
            let mut json = self.json;
            json.push(']');
            vec![json.into()]
        };
        Statement::from_sql_and_values(self.backend, sql, values)
    }
}

/// Appends `s` as a JSON string: quotes, backslashes and control characters escaped, NUL
/// removed.
fn json_string(j: &mut String, s: &str) {
    j.push('"');
    if !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        j.push_str(s);
        j.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => j.push_str("\\\""),
            '\\' => j.push_str("\\\\"),
            '\0' => {}
            c if (c as u32) < 0x20 => {
                use std::fmt::Write as _;
                let _ = write!(j, "\\u{:04x}", c as u32);
            }
            c => j.push(c),
        }
    }
    j.push('"');
}

/// Appends `s` as a quoted element of a PostgreSQL array literal: `"` and `\` escaped by a
/// backslash, NUL removed.
fn array_element(a: &mut String, s: &str) {
    a.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                a.push('\\');
                a.push(c);
            }
            '\0' => {}
            c => a.push(c),
        }
    }
    a.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    const TYPES: &[&str] = &["bigint", "text", "double precision", "boolean"];

    fn two_rows(backend: DbBackend) -> Statement {
        let mut r = Rows::new(backend, TYPES);
        r.int(Some(1))
            .text(Some("a'b\"c\\d\0\u{1}"))
            .float(Some(0.5))
            .boolean(Some(true));
        r.int(None).text(None).float(Some(f64::NAN)).boolean(None);
        r.statement("INSERT INTO t (a, b, c, d) ", " ON CONFLICT DO NOTHING")
    }

    #[test]
    fn sqlite_rows_are_one_json_array() {
        let s = two_rows(DbBackend::Sqlite);
        assert_eq!(
            s.sql,
            "INSERT INTO t (a, b, c, d) SELECT value->>0, value->>1, value->>2, value->>3 \
             FROM json_each(?) WHERE true ON CONFLICT DO NOTHING"
        );
        let v: Vec<sea_orm::Value> = s.values.unwrap().0;
        assert_eq!(
            v,
            [sea_orm::Value::from(
                r#"[[1,"a'b\"c\\d\u0001",0.5,true],[null,null,null,null]]"#
            )]
        );
    }

    #[test]
    fn postgres_rows_are_one_array_per_column() {
        let s = two_rows(DbBackend::Postgres);
        assert_eq!(
            s.sql,
            "INSERT INTO t (a, b, c, d) SELECT * FROM unnest($1::text::bigint[], \
             $2::text::text[], $3::text::double precision[], $4::text::boolean[]) \
             ON CONFLICT DO NOTHING"
        );
        let v: Vec<String> = s
            .values
            .unwrap()
            .0
            .into_iter()
            .map(|v| match v {
                sea_orm::Value::String(Some(s)) => s,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            v,
            [
                "{1,NULL}",
                "{\"a'b\\\"c\\\\d\u{1}\",NULL}",
                "{0.5,NULL}",
                "{true,NULL}"
            ]
        );
    }
}

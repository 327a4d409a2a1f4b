//! Statements that write many rows at once.
//!
//! Rows are spelled out rather than bound one parameter per value through the query builder:
//! at a million values the per-value cost of building, cloning and binding parameters was
//! four times what SQLite spends storing them (measured: 8.5 s against 1.9 s for 1.16
//! million fact rows).
//!
//! Each database gets the form it reads fastest ([`Rows`]):
//! - SQLite: a literal multi-row `VALUES` list, numbers and quoted text only.
//! - PostgreSQL: one array per column, bound as a text parameter and unnested by the server.
//!   Planning a long `VALUES` list is slow there: 100,000 fact sets took 3.3 s as `VALUES`
//!   statements of 2,000 rows, 2.0 s as arrays of 20,000, and 1.4 s by `COPY`. `COPY` would
//!   need the driver's connection, which the ORM's transaction does not hand out, and the
//!   rows must be written in the caller's transaction.

use sea_orm::{ConnectionTrait, DbBackend, Statement};

/// Rows per statement: large enough that statement overhead vanishes, small enough that one
/// statement's text stays a few megabytes.
pub(crate) fn rows_per_statement(backend: DbBackend) -> usize {
    match backend {
        DbBackend::Postgres => 20_000,
        _ => 2_000,
    }
}

/// NULL, the same word in a `VALUES` list and (unquoted) in an array literal.
const NULL: &str = "NULL";

/// The rows of one statement, written value by value in column order, given to the
/// statement as its source of rows: `INSERT INTO t (…) ` + source, or
/// `WITH v (…) AS (` + source + `) UPDATE …`.
pub(crate) struct Rows {
    backend: DbBackend,
    /// PostgreSQL type of each column, e.g. `bigint`.
    types: &'static [&'static str],
    /// SQLite: the `VALUES` list so far.
    values: String,
    /// PostgreSQL: each column's array literal so far, without its closing brace.
    arrays: Vec<String>,
    col: usize,
    rows: usize,
}

impl Rows {
    pub(crate) fn new(backend: DbBackend, types: &'static [&'static str]) -> Rows {
        Rows {
            backend,
            types,
            values: String::new(),
            arrays: types.iter().map(|_| String::from("{")).collect(),
            col: 0,
            rows: 0,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rows == 0 && self.col == 0
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
        let s = &mut self.values;
        if first_col {
            s.push_str(if first_row { "VALUES (" } else { ",(" });
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
                self.values.push(')');
            }
        }
    }

    pub(crate) fn int(&mut self, v: Option<i64>) -> &mut Self {
        let s = self.slot();
        match v {
            Some(v) => s.push_str(itoa::Buffer::new().format(v)),
            None => s.push_str(NULL),
        }
        self.next();
        self
    }

    /// A float in its shortest exact form; NaN and infinities (which neither database reads
    /// back as a number) are written as NULL.
    pub(crate) fn float(&mut self, v: Option<f64>) -> &mut Self {
        let s = self.slot();
        match v {
            Some(v) if v.is_finite() => {
                use std::fmt::Write as _;
                let _ = write!(s, "{v:?}");
            }
            _ => s.push_str(NULL),
        }
        self.next();
        self
    }

    pub(crate) fn boolean(&mut self, v: Option<bool>) -> &mut Self {
        let s = self.slot();
        s.push_str(match v {
            Some(true) => "TRUE",
            Some(false) => "FALSE",
            None => NULL,
        });
        self.next();
        self
    }

    /// Text, also dates and timestamps in a text form both databases read. NUL is dropped:
    /// neither database stores it in text.
    pub(crate) fn text(&mut self, v: Option<&str>) -> &mut Self {
        let pg = self.pg();
        let s = self.slot();
        match v {
            None => s.push_str(NULL),
            Some(t) if pg => array_element(s, t),
            Some(t) => quote(s, t),
        }
        self.next();
        self
    }

    /// `head` + the rows + `tail` as one statement.
    pub(crate) fn statement(self, head: &str, tail: &str) -> Statement {
        debug_assert_eq!(self.col, 0, "a row was left unfinished");
        if !self.pg() {
            return Statement::from_string(self.backend, format!("{head}{}{tail}", self.values));
        }
        let mut sql = String::from(head);
        sql.push_str("SELECT * FROM unnest(");
        for (i, t) in self.types.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            // The parameter is text; the server reads it as an array of the column's type.
            sql.push_str(&format!("${}::text::{t}[]", i + 1));
        }
        sql.push(')');
        sql.push_str(tail);
        let values: Vec<sea_orm::Value> = self
            .arrays
            .into_iter()
            .map(|mut a| {
                a.push('}');
                a.into()
            })
            .collect();
        Statement::from_sql_and_values(self.backend, sql, values)
    }

    /// Runs `head` + the rows + `tail`, when there are rows.
    pub(crate) async fn execute<C: ConnectionTrait>(
        self,
        db: &C,
        head: &str,
        tail: &str,
    ) -> Result<(), sea_orm::DbErr> {
        if self.is_empty() {
            return Ok(());
        }
        db.execute_raw(self.statement(head, tail)).await?;
        Ok(())
    }
}

/// Appends `s` as an SQL string literal: quotes doubled, NUL removed. Standard SQL, read the
/// same by SQLite and PostgreSQL.
pub(crate) fn quote(sql: &mut String, s: &str) {
    sql.push('\'');
    if !s.contains(['\'', '\0']) {
        sql.push_str(s);
        sql.push('\'');
        return;
    }
    for c in s.chars() {
        match c {
            '\'' => sql.push_str("''"),
            '\0' => {}
            c => sql.push(c),
        }
    }
    sql.push('\'');
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
            .text(Some("a'b\"c\\d\0"))
            .float(Some(0.5))
            .boolean(Some(true));
        r.int(None).text(None).float(Some(f64::NAN)).boolean(None);
        r.statement("INSERT INTO t (a, b, c, d) ", " ON CONFLICT DO NOTHING")
    }

    #[test]
    fn sqlite_rows_are_a_values_list() {
        let s = two_rows(DbBackend::Sqlite);
        assert_eq!(
            s.sql,
            "INSERT INTO t (a, b, c, d) VALUES (1,'a''b\"c\\d',0.5,TRUE),(NULL,NULL,NULL,NULL) \
             ON CONFLICT DO NOTHING"
        );
        assert!(s.values.is_none());
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
                r#"{"a'b\"c\\d",NULL}"#,
                "{0.5,NULL}",
                "{TRUE,NULL}"
            ]
        );
    }
}

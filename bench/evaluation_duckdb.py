#!/usr/bin/env python3
"""The default per-mu scheme (docs/per-mu-default.md) in DuckDB SQL: the reference that
`devzone evaluate` is compared with and timed against (bench/evaluation.py).

Usage: evaluation_duckdb.py INPUT.csv OUTPUT.csv
Writes: line, credit_code, grp, total, rank, group_size, class (one row per input row).
"""
import os
import sys

import duckdb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLASSES = os.path.join(ROOT, "crates/core/data/gbt4754-2017/gbt4754_2017_xg1_codes.csv")
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
NUMERIC = ["land_mu", "revenue", "main_revenue", "value_added", "tax", "rd_expense",
           "employees", "energy_tce", "emission_equiv", "electricity"]
# group, indicator, numerator, denominator, weight
INDICATORS = [
    ("above", "tax_per_mu", "tax", "land_mu", 30),
    ("above", "va_per_mu", "value_added", "land_mu", 20),
    ("above", "va_per_energy", "value_added", "energy_tce", 20),
    ("above", "va_per_emission", "value_added", "emission_equiv", 10),
    ("above", "labour_productivity", "value_added", "employees", 10),
    ("above", "rd_intensity", "rd_expense", "main_revenue", 10),
    ("below", "tax_per_mu", "tax", "land_mu", 50),
    ("below", "tax_per_electricity", "tax", "electricity", 50),
]
CAP = 2.0


def check_sql():
    """GB 32100 check character and GB 11714 organisation check, as SQL over `code`."""
    v = lambda i: f"(strpos('{ALPHABET}', substr(code, {i}, 1)) - 1)"
    s = " + ".join(f"{v(i + 1)} * {w}" for i, w in enumerate(WEIGHTS))
    gb32100 = f"substr(code, 18, 1) = substr('{ALPHABET}', ((31 - (({s}) % 31)) % 31) + 1, 1)"
    # to_digit(36): 0-9 → 0-9, A-Z → 10-35
    d = lambda i: (f"(CASE WHEN substr(code, {i}, 1) BETWEEN '0' AND '9' "
                   f"THEN ascii(substr(code, {i}, 1)) - 48 ELSE ascii(substr(code, {i}, 1)) - 55 END)")
    o = " + ".join(f"{d(9 + i)} * {w}" for i, w in enumerate(ORG_WEIGHTS))
    org = (f"substr(code, 17, 1) = (CASE 11 - (({o}) % 11) WHEN 10 THEN 'X' WHEN 11 THEN '0' "
           f"ELSE CAST(11 - (({o}) % 11) AS VARCHAR) END)")
    shape = f"regexp_full_match(code, '[0-9A-HJ-NP-RTUWXY]{{18}}')"
    return f"({shape} AND {gb32100} AND {org})"


def main(inp, out):
    con = duckdb.connect()
    con.execute(f"""CREATE TABLE classes AS
        SELECT code AS industry, section FROM read_csv('{CLASSES}', all_varchar = true)
        WHERE level = '小类'""")
    con.execute(f"""CREATE TABLE raw AS
        SELECT row_number() OVER () + 1 AS line, *
        FROM read_csv('{inp}', all_varchar = true, header = true)""")
    nums = ",\n".join(
        f"CASE WHEN coalesce(trim({c}), '') = '' THEN NULL ELSE TRY_CAST(trim({c}) AS DOUBLE) END AS {c},"
        f" (coalesce(trim({c}), '') <> '' AND (TRY_CAST(trim({c}) AS DOUBLE) IS NULL"
        f" OR NOT isfinite(TRY_CAST(trim({c}) AS DOUBLE))"
        + ("" if c == "value_added" else f" OR TRY_CAST(trim({c}) AS DOUBLE) < 0")
        + f")) AS bad_{c}"
        for c in NUMERIC)
    con.execute(f"""CREATE TABLE typed AS
        WITH n AS (
            SELECT line, upper(regexp_replace(coalesce(credit_code, ''), '[\\s\\x{{3000}}]', '', 'g')) AS code,
                   TRY_CAST(regexp_replace(trim(coalesce(year, '')), '(\\.0|年)$', '') AS INTEGER) AS yr,
                   trim(coalesce(industry_code, '')) AS industry,
                   lower(trim(coalesce(above_scale, ''))) AS above_txt,
                   trim(coalesce(veto, '')) AS veto,
                   {nums}
            FROM raw)
        SELECT n.*, c.section,
               {check_sql()} AS code_ok,
               (yr BETWEEN 1900 AND 2200) AS year_ok
        FROM n LEFT JOIN classes c USING (industry)""")
    bad_nums = " OR ".join(f"bad_{c}" for c in NUMERIC)
    con.execute(f"""CREATE TABLE rows AS
        WITH d AS (
            SELECT *, CASE WHEN code_ok AND coalesce(year_ok, false)
                           THEN row_number() OVER (PARTITION BY code_ok AND coalesce(year_ok, false), code, yr ORDER BY line)
                           ELSE 1 END AS occurrence
            FROM typed)
        SELECT *,
            NOT (code_ok AND coalesce(year_ok, false) AND section IS NOT NULL AND NOT ({bad_nums})
                 AND above_txt IN ('', '是', '否', 'true', 'false', 'yes', 'no', 'y', 'n', '1', '0')
                 AND occurrence = 1) AS invalid,
            CASE WHEN above_txt IN ('是', 'true', 'yes', 'y', '1') THEN true
                 WHEN above_txt IN ('否', 'false', 'no', 'n', '0') THEN false
                 ELSE coalesce(main_revenue >= 2000, false) END AS above
        FROM d""")
    con.execute("""CREATE TABLE placed AS
        SELECT line, code, yr, veto,
            CASE WHEN invalid THEN 'invalid'
                 WHEN section NOT IN ('B', 'C', 'D') THEN 'out_of_scope'
                 WHEN land_mu IS NULL OR land_mu <= 0 THEN 'out_of_scope'
                 WHEN above THEN 'above'
                 WHEN land_mu >= 3 THEN 'below'
                 ELSE 'out_of_scope' END AS grp,
            land_mu, revenue, main_revenue, value_added, tax, rd_expense, employees,
            energy_tce, emission_equiv, electricity
        FROM rows""")
    parts = " UNION ALL ".join(
        f"SELECT line, yr, grp, '{ind}' AS ind, {w}.0 AS weight, {num} AS num, {den} AS den "
        f"FROM placed WHERE grp = '{g}'"
        for g, ind, num, den, w in INDICATORS)
    con.execute(f"CREATE TABLE long AS {parts}")
    con.execute(f"""CREATE TABLE scored AS
        WITH b AS (
            SELECT yr, grp, ind,
                   sum(num) FILTER (WHERE num IS NOT NULL AND den IS NOT NULL AND den > 0)
                 / sum(den) FILTER (WHERE num IS NOT NULL AND den IS NOT NULL AND den > 0) AS bench
            FROM long GROUP BY ALL),
        r AS (
            SELECT l.*, b.bench,
                CASE WHEN num IS NULL OR den IS NULL THEN NULL
                     WHEN bench IS NULL OR bench <= 0 THEN 0.0
                     WHEN den = 0 THEN weight * (CASE WHEN num > 0 THEN {CAP} ELSE 0.0 END)
                     ELSE weight * least(greatest((num / den) / bench, 0.0), {CAP}) END AS raw
            FROM long l JOIN b USING (yr, grp, ind)),
        m AS (SELECT yr, grp, ind, coalesce(avg(raw), 0.0) AS mean FROM r GROUP BY ALL)
        SELECT r.line, r.yr, r.grp, coalesce(r.raw, m.mean) AS score
        FROM r JOIN m USING (yr, grp, ind)""")
    con.execute("""CREATE TABLE totals AS
        WITH t AS (SELECT line, yr, grp, round(sum(score), 4) AS total FROM scored GROUP BY ALL)
        SELECT line, total,
               rank() OVER (PARTITION BY yr, grp ORDER BY total DESC) AS rank,
               count(*) OVER (PARTITION BY yr, grp) AS n
        FROM t""")
    con.execute(f"""COPY (
        SELECT p.line, p.code AS credit_code, p.grp, t.total, t.rank, t.n AS group_size,
            CASE WHEN t.rank IS NULL THEN ''
                 WHEN p.veto <> '' THEN 'D'
                 WHEN t.rank <= (10 * t.n + 99) // 100 THEN 'A'
                 WHEN t.rank <= (45 * t.n + 99) // 100 THEN 'B'
                 WHEN t.rank <= (90 * t.n + 99) // 100 THEN 'C'
                 ELSE 'D' END AS class
        FROM placed p LEFT JOIN totals t USING (line)
        ORDER BY p.line) TO '{out}' (HEADER)""")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

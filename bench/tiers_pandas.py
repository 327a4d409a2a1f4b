#!/usr/bin/env python3
"""The 2022 innovative-SME evaluation of docs/tiers.md in pandas, written the straightforward
way an analyst would: read the CSV, vectorised bands with numpy.select, a Python function for
the credit-code check. It is the peer of `devzone tiers` in bench/tiers.py, and a second,
independent reading of the rules whose results are compared row by row.

Usage: bench/tiers_pandas.py INPUT.csv OUTPUT.csv
Ratios are compared by cross-multiplication (rd * 100 >= 5 * revenue), which is exact for the
whole-yuan figures of the sample. Section-only rows of F, G, I, K are SMEs only when every
line of the 2011 size table that may apply says so, as devzone reads them.
"""
import sys

import numpy as np
import pandas as pd

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUE = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
ORG_VALUE = {c: (int(c) if c.isdigit() else ord(c) - 55) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}

NUMBERS = ["employees", "revenue", "main_revenue", "main_revenue_prev", "rd_expense",
           "total_assets", "total_liabilities", "ip_class1_high_value", "ip_class1_self",
           "ip_class1", "ip_class2", "equity_financing_3y"]
HONOURS = {"high_tech", "tech_innovation_demo", "ip_advantage", "ip_demo"}
# 工信部联企业〔2011〕300号: (employees below, revenue below, assets below) per line.
LINES = {
    "A": [(None, 2e8, None)], "B": [(1000, 4e8, None)], "C": [(1000, 4e8, None)],
    "D": [(1000, 4e8, None)], "E": [(None, 8e8, 8e8)],
    "F": [(200, 4e8, None), (300, 2e8, None)],
    "G": [(1000, 3e8, None), (200, 3e8, None), (1000, 3e8, None)],
    "H": [(300, 1e8, None)], "I": [(2000, 10e8, None), (300, 1e8, None)],
    "K": [(None, 20e8, 1e8), (1000, 5e7, None), (300, None, None)],
    "L": [(300, None, 12e8)],
}
OTHER = [(300, None, None)]


def code_rule(code):
    """None when the (normalised) code is valid, else the rule it breaks."""
    if code == "":
        return "credit_code.missing"
    if len(code) != 18:
        return "credit_code.length"
    if any(c not in VALUE for c in code):
        return "credit_code.character"
    body = code[8:16]
    if any(c not in ORG_VALUE for c in body):
        return "credit_code.character"
    r = 11 - sum(ORG_VALUE[c] * w for c, w in zip(body, ORG_WEIGHTS)) % 11
    org = {10: "X", 11: "0"}.get(r, str(r))
    if code[16] != org:
        return "credit_code.org_check"
    r = (31 - sum(VALUE[c] * w for c, w in zip(code[:17], WEIGHTS)) % 31) % 31
    if code[17] != ALPHABET[r]:
        return "credit_code.check"
    return None


def main(src, dst):
    df = pd.read_csv(src, dtype=str, keep_default_na=False)
    n = len(df)
    code = df["credit_code"].str.replace(r"\s", "", regex=True).str.upper()
    code_rule_of = code.map(code_rule)
    rule = code_rule_of
    num = {}
    for c in NUMBERS:
        raw = df[c].str.strip()
        v = pd.to_numeric(raw, errors="coerce")
        bad = (raw != "") & v.isna()
        rule = rule.where(rule.notna() | ~bad, "number.invalid")
        rule = rule.where(rule.notna() | ~(v < 0), "number.negative")
        num[c] = v
    # An invalid row counts for nothing: only otherwise valid rows hold or repeat a code.
    valid_row = rule.isna()
    repeated = code.where(valid_row).duplicated() & valid_row
    rule = rule.where(rule.notna() | ~repeated, "credit_code.repeated")
    invalid = rule.notna()

    emp, rev, assets = num["employees"], num["revenue"], num["total_assets"]
    section = df["section"].str.strip().str.upper()
    sme = pd.Series(True, index=df.index)
    for letter, lines in list(LINES.items()) + [(None, OTHER)]:
        mask = section.isin(LINES.keys()) if letter is None else section == letter
        if letter is None:
            mask = ~mask
        ok = pd.Series(True, index=df.index)
        for e, r, a in lines:
            under = pd.Series(False, index=df.index)
            if e is not None:
                under |= emp < e
            if r is not None:
                under |= rev < r
            if a is not None:
                under |= assets < a
            ok &= under
        sme = sme.where(~mask, ok)

    yes = lambda c: df[c].str.strip().str.lower().isin(["yes", "y", "true", "1", "是"])
    compliant = ~(yes("abnormal_list") | yes("dishonest_list") | yes("major_accident_3y"))
    award = df["award_3y"].str.strip().str.lower().isin(["national", "provincial"])
    honour = df["honours"].str.split(";").map(lambda xs: any(x.strip() in HONOURS for x in xs))
    institution = df["rd_institution"].str.strip().str.lower().isin(["national", "provincial"])
    equity = num["equity_financing_3y"] >= 5_000_000
    route = np.select([award, honour, institution, equity],
                      ["direct:award", "direct:honour", "direct:institution", "direct:equity"], "")

    ip = np.select([num["ip_class1_high_value"] >= 1, num["ip_class1_self"] >= 1,
                    num["ip_class1"] >= 1, num["ip_class2"] >= 1], [20, 15, 10, 5], 0)
    rd, pos_rev = num["rd_expense"], rev > 0
    rd_pts = np.select([pos_rev & (rd * 100 >= 5 * rev), pos_rev & (rd * 100 >= 3 * rev),
                        pos_rev & (rd * 100 >= 2 * rev), pos_rev & (rd * 100 >= 1 * rev)],
                       [20, 15, 10, 5], 0)
    now, prev = num["main_revenue"], num["main_revenue_prev"]
    d, pos_prev = now - prev, prev > 0
    growth = np.select([pos_prev & (d * 100 >= 15 * prev), pos_prev & (d * 100 >= 10 * prev),
                        pos_prev & (d * 100 >= 5 * prev), pos_prev & (d >= 0)], [20, 15, 10, 5], 0)
    liab, pos_assets = num["total_liabilities"], assets > 0
    debt = np.select([pos_assets & (liab * 100 <= 55 * assets),
                      pos_assets & (liab * 100 <= 75 * assets)], [10, 5], 0)
    field = np.where(yes("sei_field"), 10, 5)
    share = np.select([pos_rev & (now * 100 >= 70 * rev), pos_rev & (now * 100 >= 60 * rev),
                       pos_rev & (now * 100 >= 55 * rev), pos_rev & (now * 100 >= 50 * rev)],
                      [20, 15, 10, 5], 0)
    innovation, growth_group, spec = ip + rd_pts, growth + debt, field + share
    total = innovation + growth_group + spec
    score = (total >= 60) & (innovation >= 20) & (growth_group >= 15) & (spec >= 15)
    direct = route != ""
    eligible = sme & compliant & (direct | score)
    out_route = np.where(eligible, np.where(direct, route, "score"), "")
    reason = np.select([~sme, ~compliant, ~eligible], ["not_sme", "non_compliant", "score_below"], "")

    out = pd.DataFrame({
        "credit_code": code,
        "eligible": np.where(eligible, "true", "false"),
        "route": out_route, "total": total, "innovation": innovation, "growth": growth_group,
        "specialisation": spec, "reason": reason, "ip_points": ip, "rd_ratio_points": rd_pts,
        "growth_points": growth, "debt_points": debt, "field_points": field,
        "main_share_points": share,
    })
    out = out.astype(str)
    blank = [c for c in out.columns if c != "credit_code"]
    out.loc[invalid, blank] = ""
    out.loc[invalid, "reason"] = "invalid: " + rule[invalid]
    assert len(out) == n
    out.to_csv(dst, index=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

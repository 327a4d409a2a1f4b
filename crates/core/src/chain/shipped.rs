//! The taxonomies devzone ships: Beijing's six future-industry areas and twenty tracks with
//! four detailed chains, Suzhou's in-vitro-diagnostics chain (both TOML files in `chains/`),
//! and the strategic emerging industries classification (2018) built from the derived
//! mapping in `data/sei2018-derived` (see its SOURCE.md for what it is and is not).

use super::taxonomy::{Taxonomy, TaxonomyError};
use std::sync::OnceLock;

const FILES: [(&str, &str); 2] = [
    (
        "beijing-future",
        include_str!("../../chains/beijing-future.toml"),
    ),
    ("suzhou-ivd", include_str!("../../chains/suzhou-ivd.toml")),
];

const SEI_CSV: &str =
    include_str!("../../data/sei2018-derived/sei2018_gbt4754_mapping_derived.csv");

/// Every shipped taxonomy, parsed once.
pub fn all() -> &'static [Taxonomy] {
    static ALL: OnceLock<Vec<Taxonomy>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut v: Vec<Taxonomy> = FILES
            .iter()
            .map(|(name, text)| {
                Taxonomy::parse(text).unwrap_or_else(|e| panic!("shipped taxonomy {name}: {e}"))
            })
            .collect();
        v.push(sei2018().expect("the SEI 2018 mapping builds"));
        v
    })
}

pub fn get(id: &str) -> Option<&'static Taxonomy> {
    all().iter().find(|t| t.id == id)
}

/// The TOML text of a shipped taxonomy (for SEI 2018, the text built from the mapping): what
/// a zone starts from when it edits its own version.
pub fn source(id: &str) -> Option<String> {
    if id == "sei2018" {
        return sei2018_source().ok();
    }
    FILES
        .iter()
        .find(|(name, _)| *name == id)
        .map(|(_, text)| text.to_string())
}

/// Short product words from the official key-products text: the items between "；", without
/// their explanations in brackets, when short enough to be a product name.
fn product_words(text: &str) -> Vec<String> {
    text.split('；')
        .map(|s| {
            let cut = s.find(['（', '(']).map(|i| &s[..i]).unwrap_or(s);
            cut.trim().trim_end_matches('等').to_string()
        })
        .filter(|s| {
            let n = s.chars().count();
            (2..=12).contains(&n)
        })
        .collect()
}

/// The SEI 2018 classification as a taxonomy: 大类 → 中类 → 小类, each 小类 with its GB/T 4754
/// classes and, as keywords, its own name and the short names of its key products. For 新材料
/// the source lost the 中类; its 小类 hang under one 中类 named after the 大类.
pub fn sei2018() -> Result<Taxonomy, TaxonomyError> {
    Taxonomy::parse(&sei2018_source()?)
}

fn sei2018_source() -> Result<String, TaxonomyError> {
    use std::collections::BTreeMap;
    #[derive(Default)]
    struct Leaf {
        codes: Vec<String>,
        words: Vec<String>,
    }
    /// A 中类 with its 小类, in file order.
    type Mid = (String, Vec<(String, Leaf)>);
    // l1 code → (l1 name, its 中类).
    let mut tree: BTreeMap<u32, (String, Vec<Mid>)> = BTreeMap::new();
    let mut reader = csv::Reader::from_reader(SEI_CSV.as_bytes());
    for rec in reader.records() {
        let rec = rec.map_err(|e| TaxonomyError {
            line: None,
            rule: "chain.syntax",
            message: format!("SEI 2018 mapping: {e}"),
        })?;
        let (code, l1, l1_name, path, products) = (&rec[0], &rec[2], &rec[3], &rec[4], &rec[7]);
        let l1: u32 = l1.parse().unwrap_or(0);
        let parts: Vec<&str> = path.split(" > ").collect();
        let (l2, l3) = match parts.as_slice() {
            [_, b, c] => (b.to_string(), c.to_string()),
            [a, b] => (a.to_string(), b.to_string()),
            _ => continue,
        };
        let entry = tree
            .entry(l1)
            .or_insert_with(|| (l1_name.to_string(), Vec::new()));
        let mids = &mut entry.1;
        let mi = match mids.iter().position(|(n, _)| *n == l2) {
            Some(i) => i,
            None => {
                mids.push((l2.clone(), Vec::new()));
                mids.len() - 1
            }
        };
        let leaves = &mut mids[mi].1;
        let li = match leaves.iter().position(|(n, _)| *n == l3) {
            Some(i) => i,
            None => {
                leaves.push((l3.clone(), Leaf::default()));
                leaves.len() - 1
            }
        };
        let leaf = &mut leaves[li].1;
        if !leaf.codes.iter().any(|c| c == code) {
            leaf.codes.push(code.to_string());
        }
        for w in product_words(products) {
            if !leaf.words.contains(&w) {
                leaf.words.push(w);
            }
        }
    }
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let list = |xs: &[String]| {
        format!(
            "[{}]",
            xs.iter().map(|x| q(x)).collect::<Vec<_>>().join(", ")
        )
    };
    let mut t = String::from(
        "id = \"sei2018\"\nname = \"战略性新兴产业分类（2018）\"\nversion = \"2018-derived\"\nsource = \"国家统计局令第 23 号；GB/T 4754 对照为派生的部分映射，见 data/sei2018-derived/SOURCE.md\"\n\n",
    );
    for (l1, (l1_name, mids)) in &tree {
        t += &format!(
            "[[node]]\nid = \"sei-{l1}\"\nname = {}\nlevel = \"area\"\n\n",
            q(l1_name)
        );
        for (mi, (l2, leaves)) in mids.iter().enumerate() {
            let mid = format!("sei-{l1}-{}", mi + 1);
            t += &format!(
                "[[node]]\nid = \"{mid}\"\nname = {}\nlevel = \"track\"\nparent = \"sei-{l1}\"\n\n",
                q(l2)
            );
            for (li, (l3, leaf)) in leaves.iter().enumerate() {
                let mut words = vec![
                    l3.trim_end_matches("制造")
                        .trim_end_matches("服务")
                        .to_string(),
                ];
                words.extend(leaf.words.iter().cloned());
                words.retain(|w| w.chars().count() >= 2);
                words.dedup();
                t += &format!(
                    "[[node]]\nid = \"{mid}-{}\"\nname = {}\nlevel = \"node\"\nparent = \"{mid}\"\nkeywords = {}\nindustry_codes = {}\n\n",
                    li + 1,
                    q(l3),
                    list(&words),
                    list(&leaf.codes)
                );
            }
        }
    }
    Ok(t)
}

//! A chain taxonomy as a form: each node's name, keywords, products and industry classes
//! edited in place, nodes added under a parent or removed, every value checked at its field,
//! and the whole saved as the zone's new version of the taxonomy. The TOML editor stays as
//! the expert's view; the form writes the same file (`docs/chains.md`).

use super::zone_for;
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::session::{PageViewer, Viewer};
use crate::views::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use devzone_core::chain::taxonomy::{Level, Taxonomy};
use devzone_core::reference::{IndustryEdition, industries};
use devzone_db::repo::chains;
use std::collections::HashMap;

/// New nodes the form offers at once.
const NEW_ROWS: usize = 3;

pub struct NodeRow {
    pub id: String,
    /// Indentation by level: area 0 … node 3.
    pub depth: usize,
    pub level: String,
    pub name: String,
    pub keywords: String,
    pub products: String,
    pub codes: String,
    pub remove: bool,
}

/// A row for a new node, with what was typed into it.
pub struct NewRow {
    pub i: usize,
    pub id: String,
    pub name: String,
    pub level: String,
    pub parent: String,
    pub stream: String,
    pub keywords: String,
    pub codes: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "chains/taxonomy_form.html")]
struct TaxonomyFormPage {
    c: Chrome,
    zone_id: i64,
    id: String,
    name: String,
    version: String,
    nodes: Vec<NodeRow>,
    /// The blank rows for new nodes, with what was typed.
    new_rows: Vec<NewRow>,
    /// (id, name) of the nodes a new node may hang under.
    parents: Vec<(String, String)>,
    levels: Vec<(String, String)>,
    streams: Vec<(String, String)>,
    errors: Vec<String>,
    field_errors: HashMap<String, String>,
}

fn level_id(l: Level) -> &'static str {
    match l {
        Level::Area => "area",
        Level::Track => "track",
        Level::Chain => "chain",
        Level::Node => "node",
    }
}

/// Words typed with any of the separators people use, trimmed, each once.
fn words(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in s.split([',', '，', '、', ';', '；', '\n']) {
        let w = w.trim();
        if !w.is_empty() && !out.iter().any(|x| x == w) {
            out.push(w.to_string());
        }
    }
    out
}

async fn current(
    state: &AppState,
    zone_id: i64,
    tax: &str,
) -> Result<(Taxonomy, String), PageError> {
    let db = &state.db.conn;
    let t = chains::taxonomy(db, zone_id, tax)
        .await?
        .ok_or_else(PageError::not_found)?;
    let source = chains::source(db, zone_id, tax)
        .await?
        .ok_or_else(PageError::not_found)?;
    Ok((t, source))
}

pub async fn form(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path((zone_id, tax)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, zone_id).await?;
    v.require_write()?;
    let (t, _) = current(&state, zone_id, &tax).await?;
    let mut values = HashMap::new();
    values.insert(
        "version".to_string(),
        format!(
            "{}-{}",
            t.version,
            devzone_core::calendar::today().format("%Y%m%d")
        ),
    );
    for n in &t.nodes {
        values.insert(format!("name.{}", n.id), n.name.clone());
        values.insert(format!("keywords.{}", n.id), n.keywords.join("、"));
        values.insert(format!("products.{}", n.id), n.products.join("、"));
        values.insert(format!("codes.{}", n.id), n.industry_codes.join("、"));
    }
    render(&state, &v, zone_id, &t, &values, vec![], HashMap::new()).await
}

/// Why a form was refused: messages about the whole, and messages by field.
type Refusal = (Vec<String>, HashMap<String, String>);

/// The taxonomy file the form describes: the current file with the form's values written
/// in, removed nodes taken out and new ones added. Every value is checked at its field.
fn build(
    t: &Tr,
    tax: &Taxonomy,
    source: &str,
    f: &HashMap<String, String>,
) -> Result<(String, Taxonomy), Refusal> {
    use toml::Value;
    let get = |k: &str| f.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let mut errs: HashMap<String, String> = HashMap::new();
    let classes = industries(IndustryEdition::Amended);
    let bad_code = |codes: &[String]| {
        codes
            .iter()
            .find(|c| classes.get(c).is_none())
            .map(|bad| t.f("chain.form.bad_code", &[("code", bad)]))
    };
    for n in &tax.nodes {
        if let Some(e) = bad_code(&words(&get(&format!("codes.{}", n.id)))) {
            errs.insert(format!("codes.{}", n.id), e);
        }
    }
    let mut added = Vec::new();
    for i in 0..NEW_ROWS {
        let id = get(&format!("new{i}.id"));
        let name = get(&format!("new{i}.name"));
        if id.is_empty() && name.is_empty() {
            continue;
        }
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            errs.insert(format!("new{i}.id"), t.t("chain.form.id_rule").into());
        } else if tax.node(&id).is_some() || added.iter().any(|(x, _): &(String, usize)| x == &id) {
            errs.insert(
                format!("new{i}.id"),
                t.f("chain.form.id_taken", &[("id", &id)]),
            );
        }
        if name.is_empty() {
            errs.insert(format!("new{i}.name"), t.t("rule.required").into());
        }
        if let Some(e) = bad_code(&words(&get(&format!("new{i}.codes")))) {
            errs.insert(format!("new{i}.codes"), e);
        }
        added.push((id, i));
    }
    let removed: Vec<String> = tax
        .nodes
        .iter()
        .filter(|n| f.contains_key(&format!("remove.{}", n.id)))
        .map(|n| n.id.clone())
        .collect();
    for n in &tax.nodes {
        if !removed.contains(&n.id) && get(&format!("name.{}", n.id)).is_empty() {
            errs.insert(format!("name.{}", n.id), t.t("rule.required").into());
        }
        // A node removed while a node kept still hangs under it.
        if let Some(p) = n.parent.as_ref().filter(|p| removed.contains(p))
            && !removed.contains(&n.id)
        {
            errs.insert(
                format!("remove.{p}"),
                t.f("chain.form.has_children", &[("child", &n.name)]),
            );
        }
    }
    if get("version").is_empty() {
        errs.insert("version".into(), t.t("rule.required").into());
    } else if get("version") == tax.version {
        errs.insert("version".into(), t.t("chain.form.same_version").into());
    }
    if !errs.is_empty() {
        return Err((Vec::new(), errs));
    }
    let mut doc: toml::Table = source.parse().map_err(|_| {
        (
            vec![t.t("chain.form.unreadable").to_string()],
            HashMap::new(),
        )
    })?;
    doc.insert("version".into(), Value::String(get("version")));
    let list = |v: Vec<String>| Value::Array(v.into_iter().map(Value::String).collect());
    let mut nodes_out = Vec::new();
    if let Some(Value::Array(nodes)) = doc.remove("node") {
        for node in nodes {
            let Value::Table(mut n) = node else { continue };
            let id = n
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            if removed.contains(&id) {
                continue;
            }
            // Supplies pointing at a removed node go with it.
            if let Some(Value::Array(s)) = n.get_mut("supplies") {
                s.retain(|x| x.as_str().is_none_or(|x| !removed.iter().any(|r| r == x)));
            }
            n.insert("name".into(), Value::String(get(&format!("name.{id}"))));
            for (field, key) in [
                ("keywords", "keywords"),
                ("products", "products"),
                ("industry_codes", "codes"),
            ] {
                let w = words(&get(&format!("{key}.{id}")));
                if w.is_empty() {
                    n.remove(field);
                } else {
                    n.insert(field.into(), list(w));
                }
            }
            nodes_out.push(Value::Table(n));
        }
    }
    for (id, i) in &added {
        let mut n = toml::Table::new();
        n.insert("id".into(), Value::String(id.clone()));
        n.insert("name".into(), Value::String(get(&format!("new{i}.name"))));
        n.insert("level".into(), Value::String(get(&format!("new{i}.level"))));
        let parent = get(&format!("new{i}.parent"));
        if !parent.is_empty() {
            n.insert("parent".into(), Value::String(parent));
        }
        let stream = get(&format!("new{i}.stream"));
        if !stream.is_empty() {
            n.insert("stream".into(), Value::String(stream));
        }
        for (field, key) in [("keywords", "keywords"), ("industry_codes", "codes")] {
            let w = words(&get(&format!("new{i}.{key}")));
            if !w.is_empty() {
                n.insert(field.into(), list(w));
            }
        }
        nodes_out.push(Value::Table(n));
    }
    doc.insert("node".into(), Value::Array(nodes_out));
    let text = toml::to_string(&doc).unwrap_or_default();
    match Taxonomy::parse(&text) {
        Ok(parsed) if parsed.id == tax.id => Ok((text, parsed)),
        Ok(_) => Err((
            vec![t.t("chain.form.unreadable").to_string()],
            HashMap::new(),
        )),
        // The rules of the file (a level under the wrong parent, a cycle of supplies…),
        // stated without the line of a file the user never saw.
        Err(e) => Err((vec![e.message], HashMap::new())),
    }
}

pub async fn submit(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path((zone_id, tax)): Path<(i64, String)>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, zone_id).await?;
    v.require_write()?;
    let t = v.tr();
    let (current_tax, source) = current(&state, zone_id, &tax).await?;
    let values: HashMap<String, String> = pairs.into_iter().collect();
    match build(&t, &current_tax, &source, &values) {
        Ok((text, parsed)) => {
            chains::save_taxonomy(&state.db.conn, &v.actor(), zone_id, &parsed, &text).await?;
            Ok(Redirect::to(&format!("/zones/{zone_id}/chains")).into_response())
        }
        Err((errors, field_errors)) => {
            render(
                &state,
                &v,
                zone_id,
                &current_tax,
                &values,
                errors,
                field_errors,
            )
            .await
        }
    }
}

async fn render(
    state: &AppState,
    v: &Viewer,
    zone_id: i64,
    tax: &Taxonomy,
    values: &HashMap<String, String>,
    errors: Vec<String>,
    field_errors: HashMap<String, String>,
) -> Result<Response, PageError> {
    let t = v.tr();
    let get = |k: String| values.get(&k).cloned().unwrap_or_default();
    let depth = |l: Level| match l {
        Level::Area => 0,
        Level::Track => 1,
        Level::Chain => 2,
        Level::Node => 3,
    };
    let nodes = tax
        .nodes
        .iter()
        .map(|n| NodeRow {
            id: n.id.clone(),
            depth: depth(n.level),
            level: t.tv("chain.level", level_id(n.level)),
            name: get(format!("name.{}", n.id)),
            keywords: get(format!("keywords.{}", n.id)),
            products: get(format!("products.{}", n.id)),
            codes: get(format!("codes.{}", n.id)),
            remove: values.contains_key(&format!("remove.{}", n.id)),
        })
        .collect();
    let new_rows = (0..NEW_ROWS)
        .map(|i| NewRow {
            i,
            id: get(format!("new{i}.id")),
            name: get(format!("new{i}.name")),
            level: get(format!("new{i}.level")),
            parent: get(format!("new{i}.parent")),
            stream: get(format!("new{i}.stream")),
            keywords: get(format!("new{i}.keywords")),
            codes: get(format!("new{i}.codes")),
        })
        .collect();
    let refused = !errors.is_empty() || !field_errors.is_empty();
    let page = TaxonomyFormPage {
        c: Chrome::load(
            &state.db.conn,
            v,
            &format!("{} · {}", tax.name, t.t("chain.form.title")),
            Some(zone_id),
        )
        .await?,
        zone_id,
        id: tax.id.clone(),
        name: tax.name.clone(),
        version: get("version".into()),
        nodes,
        new_rows,
        parents: tax
            .nodes
            .iter()
            .filter(|n| n.level != Level::Node)
            .map(|n| (n.id.clone(), n.name.clone()))
            .collect(),
        levels: [Level::Node, Level::Chain, Level::Track, Level::Area]
            .iter()
            .map(|l| (level_id(*l).to_string(), t.tv("chain.level", level_id(*l))))
            .collect(),
        streams: ["upstream", "midstream", "downstream"]
            .iter()
            .map(|s| (s.to_string(), t.tv("chain.stream", s)))
            .collect(),
        errors,
        field_errors,
    };
    Ok(crate::views::form_response(page, refused))
}

/// The pages of this area, merged into the site by `pages::routes`.
pub(super) fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new().route(
        "/zones/{id}/chain-taxonomies/{tax}/form",
        get(form).post(submit),
    )
}

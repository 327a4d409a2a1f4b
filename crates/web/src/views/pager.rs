//! The pager under every paged list: "page 3 of 12" with links to the neighbours that keep
//! the list's filters and sort.

use crate::i18n::Tr;

/// What the `partials/pager.html` template shows.
pub struct Pager {
    pub text: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// Page `page` of `pages`, its links the request's query `raw` with another page number.
    pub fn new(t: &Tr, page: u64, pages: u64, raw: &str) -> Self {
        Self::with_links(t, page, pages, |n| with_page(raw, n))
    }

    /// Page `page` of `pages`, `link(n)` being the query of page `n`.
    pub fn with_links(t: &Tr, page: u64, pages: u64, link: impl Fn(u64) -> String) -> Self {
        Pager {
            text: t.f(
                "list.page",
                &[("page", &page.to_string()), ("pages", &pages.to_string())],
            ),
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }
}

/// The query string without the named parameters.
pub fn query_without(raw: &str, drop: &[&str]) -> String {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str::<Vec<(String, String)>>(raw)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| !drop.contains(&k.as_str()))
        .collect();
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

/// The same list view on another page; a download (`format`) or a one-off action (`verify`)
/// is not carried over.
pub fn with_page(raw: &str, page: u64) -> String {
    let rest = query_without(raw, &["page", "format", "verify"]);
    if rest.is_empty() {
        format!("page={page}")
    } else {
        format!("{rest}&page={page}")
    }
}

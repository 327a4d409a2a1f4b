//! The module menu of a zone and the breadcrumbs, both derived from the request's path: one
//! table of the modules and their sub-pages, so that the menu, its active state and the
//! crumbs cannot disagree.

use crate::i18n::Tr;

/// One link of the menu.
pub struct NavItem {
    pub label: String,
    pub href: String,
    pub active: bool,
}

/// A module with its sub-pages; `open` when the page shown belongs to it.
pub struct NavGroup {
    pub item: NavItem,
    pub subs: Vec<NavItem>,
    pub open: bool,
}

/// Who may see which module.
#[derive(Clone, Copy)]
pub struct Access {
    pub can_write: bool,
    pub is_admin: bool,
}

/// The modules of a zone: (key, label key, path under `/zones/{id}`, sub-pages), a sub-page
/// as (key, label key, path). Keys are what [`active_key`] returns.
type Sub = (&'static str, &'static str, &'static str);
const MODULES: &[(&str, &str, &str, &[Sub])] = &[
    ("home", "nav.home", "", &[]),
    ("enterprises", "nav.enterprises", "/enterprises", &[]),
    (
        "evaluations",
        "nav.evaluation",
        "/evaluations",
        &[
            ("schemes", "nav.schemes", "/evaluation-schemes"),
            ("eval_compare", "nav.compare", "/evaluations/compare"),
        ],
    ),
    (
        "land",
        "nav.land",
        "/land",
        &[
            ("plots", "nav.plots", "/plots"),
            ("leases", "nav.leases", "/leases"),
            ("requirements", "nav.requirements", "/requirements"),
            ("revitalisation", "nav.revitalisation", "/revitalisation"),
            ("land_rules", "nav.land_rules", "/land/rules"),
        ],
    ),
    (
        "chains",
        "nav.chains",
        "/chains",
        &[
            ("chain_review", "nav.chain_review", "/chains/review"),
            ("tracks", "nav.tracks", "/tracks"),
            ("targets", "nav.targets", "/targets"),
            ("lq", "nav.lq", "/location-quotient"),
        ],
    ),
    ("tiers", "nav.tiers", "/tiers", &[]),
    (
        "investment",
        "nav.investment",
        "/investment",
        &[
            ("projects", "nav.projects", "/projects"),
            ("project_board", "nav.project_board", "/projects/board"),
        ],
    ),
    (
        "appeals",
        "nav.appeals",
        "/appeals",
        &[
            ("appeal_metrics", "nav.appeal_metrics", "/appeals/metrics"),
            ("visits", "nav.visits", "/visits"),
            ("station", "nav.station", "/monitoring-points"),
            ("appeal_rules", "nav.appeal_rules", "/appeals/rules"),
            ("calendar", "nav.calendar", "/calendar"),
        ],
    ),
    (
        "imports",
        "nav.imports",
        "/imports",
        &[("precedence", "nav.precedence", "/imports/precedence")],
    ),
];

/// The menu entry a path belongs to: pages of one record (`/plots/7`) belong to the list
/// they are reached from.
pub fn active_key(path: &str) -> &'static str {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segs.as_slice() {
        [""] => "all_zones",
        ["zones", _] => "home",
        ["zones", _, "enterprises", ..] | ["enterprises", ..] => "enterprises",
        ["zones", _, "evaluations", "compare"] => "eval_compare",
        ["zones", _, "evaluations", ..] | ["evaluations", ..] => "evaluations",
        ["zones", _, "evaluation-schemes", ..] => "schemes",
        ["zones", _, "land", "rules"] => "land_rules",
        ["zones", _, "land", ..] | ["land", ..] => "land",
        ["zones", _, "plots", ..] | ["plots", ..] | ["buildings", ..] => "plots",
        ["zones", _, "leases", ..] => "leases",
        ["zones", _, "requirements", ..] | ["requirements", ..] => "requirements",
        ["zones", _, "revitalisation", ..] | ["revitalisation", ..] => "revitalisation",
        ["zones", _, "chains", "review"] => "chain_review",
        ["zones", _, "chains", ..] | ["zones", _, "chain-taxonomies", ..] => "chains",
        ["zones", _, "tracks", ..] => "tracks",
        ["zones", _, "targets", ..] => "targets",
        ["zones", _, "location-quotient", ..] => "lq",
        ["zones", _, "tiers", ..] => "tiers",
        ["zones", _, "investment", ..] => "investment",
        ["zones", _, "projects", "board"] => "project_board",
        ["zones", _, "projects", ..] | ["projects", ..] => "projects",
        ["zones", _, "appeals", "metrics"] => "appeal_metrics",
        ["zones", _, "appeals", "rules"] => "appeal_rules",
        ["zones", _, "calendar"] => "calendar",
        ["zones", _, "visits", ..] | ["visits", ..] => "visits",
        ["zones", _, "monitoring-points"] => "station",
        ["zones", _, "appeals", ..] | ["appeals", ..] => "appeals",
        ["zones", _, "imports", "precedence"] => "precedence",
        ["zones", _, "imports", ..] | ["imports", ..] => "imports",
        ["admin", "audit", ..] => "audit",
        ["admin", "users", ..] => "users",
        _ => "",
    }
}

/// The zone's modules for the viewer, with the one holding `path` open and active.
pub fn groups(t: Tr, zone_id: i64, access: Access, path: &str) -> Vec<NavGroup> {
    let active = active_key(path);
    let base = format!("/zones/{zone_id}");
    let mut out: Vec<NavGroup> = MODULES
        .iter()
        .filter(|(key, ..)| *key != "imports" || access.can_write)
        .map(|(key, label, rel, subs)| {
            let subs: Vec<NavItem> = subs
                .iter()
                .map(|(k, l, r)| NavItem {
                    label: t.t(l).to_string(),
                    href: format!("{base}{r}"),
                    active: *k == active,
                })
                .collect();
            let here = *key == active;
            NavGroup {
                open: here || subs.iter().any(|s| s.active),
                item: NavItem {
                    label: t.t(label).to_string(),
                    href: format!("{base}{rel}"),
                    active: here,
                },
                subs,
            }
        })
        .collect();
    if access.is_admin {
        let subs = vec![
            NavItem {
                label: t.t("nav.audit").to_string(),
                href: "/admin/audit".into(),
                active: active == "audit",
            },
            NavItem {
                label: t.t("nav.users").to_string(),
                href: "/admin/users".into(),
                active: active == "users",
            },
        ];
        out.push(NavGroup {
            open: subs.iter().any(|s| s.active),
            item: NavItem {
                label: t.t("nav.admin").to_string(),
                href: "/admin/users".into(),
                active: false,
            },
            subs,
        });
    }
    out
}

/// The trail above a page's heading: the zone, the module, the sub-page, then the page
/// itself when it is a record of the list (its title differs from the menu entry's).
pub fn crumbs(
    zone: Option<(&str, i64)>,
    groups: &[NavGroup],
    title: &str,
) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    if let Some((name, id)) = zone {
        out.push((name.to_string(), Some(format!("/zones/{id}"))));
    }
    if let Some(g) = groups.iter().find(|g| g.open) {
        // The zone home is the zone's own crumb.
        if out.last().and_then(|(_, h)| h.as_deref()) != Some(g.item.href.as_str()) {
            out.push((g.item.label.clone(), Some(g.item.href.clone())));
        }
        if let Some(s) = g.subs.iter().find(|s| s.active) {
            out.push((s.label.clone(), Some(s.href.clone())));
        }
    }
    // Titles name their zone for the browser's tab ("地块 · 某开发区", or first); the trail
    // has it.
    let title = zone
        .and_then(|(name, _)| {
            title
                .strip_suffix(name)
                .and_then(|t| t.strip_suffix(" · "))
                .or_else(|| title.strip_prefix(name).and_then(|t| t.strip_prefix(" · ")))
        })
        .unwrap_or(title);
    let last_label = out.last().map(|(l, _)| l.as_str()).unwrap_or_default();
    // A page whose title is its menu entry's ("Location quotients" under "Location
    // quotient") adds nothing to the trail.
    if !title.is_empty()
        && !last_label.contains(title)
        && (last_label.is_empty() || !title.contains(last_label))
    {
        out.push((title.to_string(), None));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn a_record_page_belongs_to_its_list() {
        assert_eq!(active_key("/zones/3"), "home");
        assert_eq!(active_key("/plots/7/edit"), "plots");
        assert_eq!(active_key("/buildings/2"), "plots");
        assert_eq!(active_key("/zones/3/chains/review"), "chain_review");
        assert_eq!(active_key("/zones/3/chains/beijing-future/hr"), "chains");
        assert_eq!(active_key("/evaluations/4/enterprises/9"), "evaluations");
        assert_eq!(active_key("/zones/3/evaluations/compare"), "eval_compare");
        assert_eq!(active_key("/imports/uploads/5"), "imports");
        assert_eq!(active_key("/"), "all_zones");
    }

    #[test]
    fn the_menu_opens_the_module_of_the_page_and_the_crumbs_follow_it() {
        let access = Access {
            can_write: false,
            is_admin: false,
        };
        let g = groups(Tr(Lang::En), 3, access, "/requirements/4");
        assert!(
            g.iter().all(|g| g.item.href != "/zones/3/imports"),
            "read-only viewers have no import menu"
        );
        let land = g.iter().find(|g| g.open).expect("one module open");
        assert_eq!(land.item.href, "/zones/3/land");
        assert!(
            land.subs
                .iter()
                .any(|s| s.active && s.href == "/zones/3/requirements")
        );
        let c = crumbs(Some(("Zone", 3)), &g, "Need 4");
        let labels: Vec<&str> = c.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(labels, ["Zone", "Land & space", "Space needs", "Need 4"]);
        assert_eq!(c[3].1, None, "the page itself is no link");
        // The list's own page ends the trail at its menu entry, without the zone's name.
        let g = groups(Tr(Lang::En), 3, access, "/zones/3/leases");
        let c = crumbs(Some(("Zone", 3)), &g, "Rent roll · Zone");
        assert_eq!(c.last().map(|(l, _)| l.as_str()), Some("Rent roll"));
    }
}

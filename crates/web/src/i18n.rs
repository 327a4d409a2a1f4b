//! Interface text in zh-CN and English, from the catalogs in `locales/<lang>/<area>.txt`
//! (embedded).
//!
//! The language is chosen per request: the remembered switch (cookie, then the user's
//! setting), else the browser's Accept-Language, else Chinese. A key missing from a catalog
//! shows as the key itself, and a test checks that both catalogs have the same keys.

use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Lang::Zh)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }
    /// The first supported language in an Accept-Language header, by quality.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut langs: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|part| {
                let mut it = part.split(';');
                let lang = Lang::parse(it.next()?)?;
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse().ok()))
                    .unwrap_or(1.0);
                Some((q, lang))
            })
            .collect();
        langs.sort_by(|a, b| b.0.total_cmp(&a.0));
        langs.first().map(|(_, l)| *l)
    }
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}

fn parse(text: &str) -> HashMap<&str, &str> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| {
            l.split_once(" = ")
                .or_else(|| l.strip_suffix(" =").map(|k| (k, "")))
        })
        .map(|(k, v)| (k.trim(), v))
        .collect()
}

/// The catalog files of one language, one per area of the product: a new area adds its
/// file here, in both languages.
macro_rules! catalog_files {
    ($lang:literal) => {
        [
            include_str!(concat!("../locales/", $lang, "/common.txt")),
            include_str!(concat!("../locales/", $lang, "/validation.txt")),
            include_str!(concat!("../locales/", $lang, "/imports.txt")),
            include_str!(concat!("../locales/", $lang, "/evaluation.txt")),
            include_str!(concat!("../locales/", $lang, "/land.txt")),
            include_str!(concat!("../locales/", $lang, "/requirements.txt")),
            include_str!(concat!("../locales/", $lang, "/revitalisation.txt")),
            include_str!(concat!("../locales/", $lang, "/chains.txt")),
            include_str!(concat!("../locales/", $lang, "/tiers.txt")),
            include_str!(concat!("../locales/", $lang, "/investment.txt")),
            include_str!(concat!("../locales/", $lang, "/appeals.txt")),
            include_str!(concat!("../locales/", $lang, "/nav.txt")),
        ]
    };
}

const ZH_FILES: [&str; 12] = catalog_files!("zh-CN");
const EN_FILES: [&str; 12] = catalog_files!("en");

fn catalog(lang: Lang) -> &'static HashMap<&'static str, &'static str> {
    static ZH: OnceLock<HashMap<&str, &str>> = OnceLock::new();
    static EN: OnceLock<HashMap<&str, &str>> = OnceLock::new();
    let (cell, files) = match lang {
        Lang::Zh => (&ZH, &ZH_FILES),
        Lang::En => (&EN, &EN_FILES),
    };
    cell.get_or_init(|| files.iter().flat_map(|f| parse(f)).collect())
}

/// The translator handed to templates as `t`.
#[derive(Debug, Clone, Copy)]
pub struct Tr(pub Lang);

impl Tr {
    pub fn t<'a>(&self, key: &'a str) -> &'a str
    where
        'static: 'a,
    {
        catalog(self.0).get(key).copied().unwrap_or(key)
    }
    /// Text with `{name}` placeholders filled.
    pub fn f(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.t(key).to_string();
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }
    /// `prefix.id` translated, e.g. `tv("ownership", "private")`.
    pub fn tv(&self, prefix: &str, id: &str) -> String {
        let key = format!("{prefix}.{id}");
        match catalog(self.0).get(key.as_str()) {
            Some(v) => v.to_string(),
            None => id.to_string(),
        }
    }
    pub fn lang(&self) -> &'static str {
        self.0.code()
    }
    /// The message for an import problem: `import.rule.<id>`, else the form rule's
    /// message, else the English text the command line prints.
    pub fn import_problem(&self, p: &devzone_core::import::Problem) -> String {
        let args = [
            ("value", p.value.as_str()),
            ("detail", p.detail.as_deref().unwrap_or("")),
        ];
        for key in [
            format!("import.rule.{}", p.rule),
            format!("rule.{}", p.rule),
        ] {
            let msg = self.f(&key, &args);
            if msg != key {
                return msg;
            }
        }
        devzone_core::import::message_en(p)
    }
    /// Every validation error as "field: message", for a form's error list.
    pub fn field_messages(&self, errors: &[devzone_core::validate::FieldError]) -> Vec<String> {
        errors
            .iter()
            .map(|e| format!("{}: {}", self.tv("field", &e.field), self.field_error(e)))
            .collect()
    }
    /// The messages of a form's errors whose field names are its own: a label under
    /// `field.{form}.{field}` is used before the shared `field.{field}` (a project's `name` is
    /// not an enterprise's).
    pub fn field_messages_in(
        &self,
        form: &str,
        errors: &[devzone_core::validate::FieldError],
    ) -> Vec<String> {
        errors
            .iter()
            .map(|e| {
                let own = format!("field.{form}.{}", e.field);
                let label = match catalog(self.0).get(own.as_str()) {
                    Some(l) => l.to_string(),
                    None => self.tv("field", &e.field),
                };
                format!("{label}: {}", self.field_error(e))
            })
            .collect()
    }

    /// The message for a validation error, naming the field.
    pub fn field_error(&self, e: &devzone_core::validate::FieldError) -> String {
        // A project rule's detail is a stage id, an appeal rule's the states an action may
        // be taken in, and its value the action: shown by their names.
        let detail = match (&e.detail, e.rule.split('.').next()) {
            (Some(d), Some("project")) => self.tv("pstage", d),
            (Some(d), Some("appeal")) if e.field == "action" => d
                .split(',')
                .map(|s| self.tv("astate", s))
                .collect::<Vec<_>>()
                .join(" / "),
            (d, _) => d.clone().unwrap_or_default(),
        };
        let value = if e.rule.starts_with("appeal.") && e.field == "action" {
            self.tv("aaction", &e.value)
        } else {
            e.value.clone()
        };
        let msg = self.f(
            &format!("rule.{}", e.rule),
            &[("value", &value), ("detail", &detail), ("field", &e.field)],
        );
        if msg.starts_with("rule.") {
            format!("{}: {}", e.rule, e.value)
        } else {
            msg
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_defined_in_two_files() {
        for files in [&ZH_FILES, &EN_FILES] {
            let mut seen = std::collections::HashSet::new();
            for f in files.iter() {
                for k in parse(f).keys() {
                    assert!(seen.insert(*k), "{k} is defined twice");
                }
            }
        }
    }

    #[test]
    fn catalogs_have_the_same_keys() {
        let zh: std::collections::BTreeSet<_> = catalog(Lang::Zh).keys().collect();
        let en: std::collections::BTreeSet<_> = catalog(Lang::En).keys().collect();
        assert_eq!(zh.difference(&en).collect::<Vec<_>>(), Vec::<&&&str>::new());
        assert_eq!(en.difference(&zh).collect::<Vec<_>>(), Vec::<&&&str>::new());
    }

    #[test]
    fn accept_language_by_quality() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,zh-CN;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("fr;q=1, zh;q=0.5"),
            Some(Lang::Zh)
        );
        assert_eq!(Lang::from_accept_language("fr"), None);
        assert_eq!(Tr(Lang::En).f("list.total", &[("n", "3")]), "3 enterprises");
    }
}

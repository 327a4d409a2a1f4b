//! Configuration: defaults → TOML file → `DEVZONE__SECTION__KEY` environment → flags.
//!
//! One typed struct, passed explicitly. The database URL can carry a password, so `Debug`
//! redacts it.

use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub data_dir: PathBuf,
    pub server: Server,
    pub database: Database,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Server {
    pub bind: String,
    pub secure_cookies: bool,
}

#[derive(Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Database {
    /// Empty: an SQLite file `devzone.db` in the data directory.
    pub url: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./data"),
            server: Server::default(),
            database: Database::default(),
        }
    }
}

impl Default for Server {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            secure_cookies: false,
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("server", &self.server)
            .field(
                "database.url",
                &if self.database.url.is_empty() {
                    "(sqlite in data_dir)"
                } else {
                    "(set, redacted)"
                },
            )
            .finish()
    }
}

pub const DEFAULT_TOML: &str = r#"# devzone configuration. Every key can also be set in the environment as
# DEVZONE__SECTION__KEY (e.g. DEVZONE__SERVER__BIND), and most by a command-line flag.
# Precedence: defaults < this file < environment < flags.

# Where the SQLite database and backups live.
data_dir = "./data"

[server]
# Address to listen on. Use 0.0.0.0:8080 to serve the zone's intranet.
bind = "127.0.0.1:8080"
# Mark cookies Secure; set to true when a proxy serves devzone over HTTPS.
secure_cookies = false

[database]
# Empty: SQLite file devzone.db in data_dir.
# PostgreSQL: "postgres://user:password@host/devzone"
url = ""
"#;

impl Config {
    /// Loads the file (if any) and the environment on top of the defaults.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut cfg = match file {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| anyhow::anyhow!("cannot read config {}: {e}", p.display()))?;
                toml::from_str(&text).map_err(|e| anyhow::anyhow!("config {}: {e}", p.display()))?
            }
            None => Config::default(),
        };
        for (key, value) in std::env::vars() {
            let Some(rest) = key.strip_prefix("DEVZONE__") else {
                continue;
            };
            match rest.to_ascii_lowercase().as_str() {
                "data_dir" => cfg.data_dir = value.into(),
                "server__bind" => cfg.server.bind = value,
                "server__secure_cookies" => {
                    cfg.server.secure_cookies = matches!(value.as_str(), "1" | "true" | "yes")
                }
                "database__url" => cfg.database.url = value,
                other => anyhow::bail!(
                    "unknown setting DEVZONE__{} in the environment",
                    other.to_ascii_uppercase()
                ),
            }
        }
        Ok(cfg)
    }

    pub fn database_url(&self) -> String {
        if self.database.url.is_empty() {
            format!("sqlite://{}", self.data_dir.join("devzone.db").display())
        } else {
            self.database.url.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_toml_parses_to_the_defaults() {
        let c: Config = toml::from_str(DEFAULT_TOML).unwrap();
        assert_eq!(c.server.bind, Config::default().server.bind);
        assert!(c.database_url().ends_with("data/devzone.db"));
    }

    #[test]
    fn debug_redacts_the_url() {
        let mut c = Config::default();
        c.database.url = "postgres://u:secret@h/db".into();
        assert!(!format!("{c:?}").contains("secret"));
    }
}

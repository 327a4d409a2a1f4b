//! The `devzone` command: serve, demo, migrate, healthcheck, users and tokens, backup.

#![forbid(unsafe_code)]

mod config;
mod evaluate;
mod import;
mod sample_file;
mod tiers;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use config::Config;
use devzone_core::model::Role;
use devzone_db::repo::{backup, users, zones};
use devzone_db::{Actor, Db};
use std::io::Write;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "devzone",
    version,
    about = "Operating platform for development zones (经开区、高新区、产业园区)"
)]
struct Cli {
    /// TOML configuration file (see `devzone default-config`).
    #[arg(long, global = true, env = "DEVZONE_CONFIG")]
    config: Option<PathBuf>,
    /// Directory for the SQLite database and backups.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://USER:PASSWORD@HOST/DB (default: SQLite in the data directory).
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web UI and the API.
    Serve {
        #[arg(long)]
        bind: Option<String>,
    },
    /// Create the demo dataset on an empty data directory (or reuse it), then serve it.
    Demo {
        #[arg(long)]
        bind: Option<String>,
        /// Number of demo enterprises (each with three years of facts).
        #[arg(long, default_value_t = 1200)]
        enterprises: usize,
        /// Load the demo and exit without serving (for benchmarks and scripts).
        #[arg(long)]
        no_serve: bool,
        /// Use only the first N demo zones (1 puts every enterprise in one zone).
        #[arg(long, default_value_t = 6)]
        zones: usize,
        /// Investment projects in each zone's pipeline (Suzhou's 5,137 foreign-invested
        /// projects of earlier years come on top).
        #[arg(long, default_value_t = devzone_core::demo::projects::PIPELINE_PROJECTS)]
        projects: usize,
        /// Enterprise appeals each zone received in the year before today.
        #[arg(long, default_value_t = devzone_core::demo::appeals::APPEALS_PER_ZONE)]
        appeals: usize,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Exit 0 when the server at the configured address answers and its database is reachable.
    Healthcheck {
        #[arg(long)]
        bind: Option<String>,
    },
    /// Print the commented default configuration.
    DefaultConfig,
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens for scripts.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Write a consistent backup while the server runs.
    Backup {
        #[arg(long)]
        out: PathBuf,
        /// Portable JSON-lines export even on SQLite (PostgreSQL always uses it).
        #[arg(long)]
        portable: bool,
    },
    /// Restore a backup or export into an empty database.
    Restore { file: PathBuf },
    /// Per-mu evaluation. File mode (--input, --output): no database needed. Database mode
    /// (--zone, --year): a stored run over the zone's current facts, like the web page's.
    Evaluate {
        /// Input rows in the layout of docs/per-mu-default.md (.csv, .xlsx, .xls).
        #[arg(long, requires = "output", conflicts_with = "zone")]
        input: Option<PathBuf>,
        /// Results, one row per input row (.csv or .xlsx).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Database mode: the zone to evaluate (needs --year).
        #[arg(long, requires = "year")]
        zone: Option<i64>,
        /// Publish the database-mode run when it is done.
        #[arg(long, requires = "zone")]
        publish: bool,
        /// A built-in scheme (default, huangyan-2022) or the path of a scheme TOML file.
        #[arg(long, default_value = "default")]
        scheme: String,
        /// Evaluate only this data year; rows of other years are reported out of scope.
        #[arg(long)]
        year: Option<i32>,
    },
    /// SME tiers in file mode (docs/tiers.md): one output row per input row, in input order,
    /// with eligibility, route, points per group and indicator, and the reason. No database
    /// is needed.
    Tiers {
        /// Input rows (.csv in UTF-8 or GBK, .xlsx, .xls).
        #[arg(long)]
        input: PathBuf,
        /// Results (.csv or .xlsx).
        #[arg(long)]
        output: PathBuf,
        /// The rule set: innovative-sme-2022.
        #[arg(long)]
        rules: String,
        /// The day whose rules apply (YYYY-MM-DD); today when not given.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
    },
    /// Import enterprises, annual facts or a unit register from .xlsx, .xls or .csv into a zone; exits 1 when
    /// nothing could be imported. Prints the column mapping, every problem and a summary.
    Import {
        /// The file to import.
        #[arg(required_unless_present = "revert")]
        file: Option<PathBuf>,
        /// enterprises (creates and updates them, with any figures the rows carry), facts, or
        /// units (a unit register: buildings, space units and their leases).
        #[arg(long, default_value = "facts")]
        kind: String,
        /// The zone to import into (not needed for a zone export, .zip).
        #[arg(long)]
        zone: Option<i64>,
        /// The data year for rows without a year column.
        #[arg(long)]
        year: Option<i32>,
        /// Where the figures come from: tax_bureau, statistics_bureau, power_company,
        /// environment_bureau, self_reported, officer. Defaults to the source saved with
        /// the file's column layout.
        #[arg(long)]
        source: Option<String>,
        /// Check and compare only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write the sheet back with the problem cells highlighted and commented (.xlsx).
        #[arg(long)]
        report: Option<PathBuf>,
        /// Take back the committed import with this number, as a whole.
        #[arg(long, conflicts_with = "file")]
        revert: Option<i64>,
    },
    /// Write a whole zone as a ZIP of CSV files with a JSON manifest (schema version, row
    /// counts, checksums); `devzone import FILE.zip` reads it into another installation.
    Export {
        #[arg(long)]
        zone: i64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Write sample files from the demo generator.
    #[command(subcommand)]
    Generate(GenerateCommand),
}

#[derive(Subcommand)]
enum GenerateCommand {
    /// A statistics-bureau style register for the import benchmark: 16 columns with
    /// Chinese headers and units, one row per demo enterprise (.xlsx or .csv).
    ImportBench {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
        /// Also write the enterprise register of the same rows (code, name, industry).
        #[arg(long)]
        register: Option<PathBuf>,
    },
    /// Sample import files (tax bureau, statistics bureau, power company, self-declaration,
    /// enterprise register) for a demo zone, with the demo's figures grown by a year.
    ImportSamples {
        #[arg(long)]
        out: PathBuf,
        /// Which demo zone (0 = 北京经济技术开发区, in the order of docs/demo-data.md).
        #[arg(long, default_value_t = 0)]
        zone_index: usize,
        #[arg(long, default_value_t = 200)]
        rows: usize,
        /// The year the samples report (the demo's facts end in 2024).
        #[arg(long, default_value_t = 2025)]
        year: i32,
    },
    /// Tier file-mode input in the spec's layout, with a few planted problems.
    TiersInput {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 10_000)]
        rows: usize,
    },
    /// Per-mu evaluation input in the spec's layout, with a few planted problems.
    EvaluationInput {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 10_000)]
        rows: usize,
        #[arg(long, default_value_t = 2024)]
        year: i32,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add an account; the password is read from DEVZONE_PASSWORD or standard input.
    Add {
        name: String,
        #[arg(long, default_value = "officer")]
        role: String,
        /// Zone ids the user may see (officers, analysts).
        #[arg(long, value_delimiter = ',')]
        zones: Vec<i64>,
        /// The enterprise an enterprise user is bound to.
        #[arg(long)]
        enterprise: Option<i64>,
    },
    /// Set a new password (DEVZONE_PASSWORD or standard input); ends the user's sessions.
    Passwd {
        name: String,
    },
    List,
    Disable {
        name: String,
    },
    Enable {
        name: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Print a new bearer token for a user (shown once).
    Create {
        #[arg(long)]
        user: String,
        #[arg(long, default_value = "script")]
        name: String,
        /// Days until the token expires (default: valid until revoked).
        #[arg(long)]
        expires_days: Option<u32>,
    },
    /// Revoke a token by id.
    Revoke {
        id: i64,
    },
    List,
}

fn cli_actor() -> Actor {
    Actor::system(&format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into())
    ))
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("DEVZONE_PASSWORD") {
        return Ok(p);
    }
    eprint!("password: ");
    let mut s = String::new();
    std::io::stdin().read_line(&mut s)?;
    Ok(s.trim_end_matches(['\r', '\n']).to_string())
}

async fn open(cfg: &Config) -> anyhow::Result<Db> {
    let url = cfg.database_url();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&cfg.data_dir)
            .with_context(|| format!("creating {}", cfg.data_dir.display()))?;
    }
    Ok(Db::connect(&url).await?)
}

async fn serve(db: Db, cfg: &Config) -> anyhow::Result<()> {
    let interrupted = devzone_db::repo::evaluation::fail_interrupted(&db.conn).await?;
    if interrupted > 0 {
        tracing::warn!(
            runs = interrupted,
            "evaluation runs interrupted by the last stop marked failed"
        );
    }
    let interrupted = devzone_db::repo::jobs::fail_interrupted(&db.conn).await?;
    if interrupted > 0 {
        tracing::warn!(
            jobs = interrupted,
            "jobs interrupted by the last stop marked failed"
        );
    }
    let app = devzone_web::router(devzone_web::AppState::new(db, cfg.server.secure_cookies)).layer(
        tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            std::time::Duration::from_secs(REQUEST_SECONDS),
        ),
    );
    let listener = tokio::net::TcpListener::bind(&cfg.server.bind)
        .await
        .with_context(|| format!("binding {}", cfg.server.bind))?;
    tracing::info!(bind = %cfg.server.bind, "serving");
    serve_until_stopped(listener, app).await;
    Ok(())
}

/// A request (body included) that takes longer is answered 408 and its work dropped; an
/// import commit dropped this way is rolled back and shown as failed.
const REQUEST_SECONDS: u64 = 600;
/// A client that has not sent its request headers by then is disconnected.
const HEADER_SECONDS: u64 = 30;
/// How long open requests may run on after SIGTERM or Ctrl-C.
const DRAIN_SECONDS: u64 = 30;

/// Serves connections until SIGTERM or Ctrl-C, then lets open requests finish (up to
/// `DRAIN_SECONDS`). Each request carries its peer address (`ConnectInfo`), by which the
/// login throttle counts failures.
async fn serve_until_stopped(listener: tokio::net::TcpListener, app: axum::Router) {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use tower::ServiceExt as _;
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(std::time::Duration::from_secs(HEADER_SECONDS));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop_signal());
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection");
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let app = app.clone();
        let service =
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                app.clone().oneshot(req.map(axum::body::Body::new))
            });
        let conn = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended");
            }
        });
    }
    drop(listener);
    tracing::info!("stopping: letting open requests finish");
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(std::time::Duration::from_secs(DRAIN_SECONDS)) => {
            tracing::warn!("requests still open after {DRAIN_SECONDS} s; stopping anyway");
        }
    }
}

/// Resolves on Ctrl-C or on SIGTERM (what systemd and container runtimes send).
async fn stop_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}

/// Creates `admin` when there is no user yet: password from DEVZONE_ADMIN_PASSWORD or random.
async fn ensure_admin(db: &Db) -> anyhow::Result<Option<String>> {
    if !users::list(&db.conn).await?.is_empty() {
        return Ok(None);
    }
    let password = std::env::var("DEVZONE_ADMIN_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(devzone_core::secret::new_password);
    users::create(
        &db.conn,
        &Actor::system("setup"),
        &users::NewUser {
            username: "admin",
            display_name: "admin",
            password: &password,
            role: Role::Admin,
            enterprise_id: None,
            zones: &[],
        },
    )
    .await?;
    Ok(Some(password))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let mut cfg = Config::load(cli.config.as_deref())?;
    if let Some(d) = cli.data_dir {
        cfg.data_dir = d;
    }
    if let Some(u) = cli.database_url {
        cfg.database.url = u;
    }
    match cli.command {
        Command::DefaultConfig => print!("{}", config::DEFAULT_TOML),
        Command::Tiers {
            input,
            output,
            rules,
            as_of,
        } => tiers::run(&input, &output, &rules, as_of)?,
        Command::Evaluate {
            input,
            output,
            zone,
            publish,
            scheme,
            year,
        } => match (input, output, zone) {
            (Some(input), Some(output), None) => {
                evaluate::run_file(&input, &output, &scheme, year)?
            }
            (None, None, Some(zone)) => {
                let db = open(&cfg).await?;
                let year = year.context("--year is required with --zone")?;
                evaluate::run_db(&db, zone, year, &scheme, publish).await?
            }
            _ => bail!("use --input and --output (file mode) or --zone and --year (database mode)"),
        },
        Command::Import {
            file,
            kind,
            zone,
            year,
            source,
            dry_run,
            report,
            revert,
        } => {
            let db = open(&cfg).await?;
            let actor = cli_actor();
            if let Some(id) = revert {
                return import::revert(&db, id, &actor).await;
            }
            let file = file.context("a file to import")?;
            if file.extension().and_then(|e| e.to_str()) == Some("zip") {
                return import::zone_export(&db, &file, &actor).await;
            }
            let zone = zone.context("--zone is required for a spreadsheet or CSV file")?;
            if kind == "units" {
                let status = import::unit_register(&db, &file, zone, dry_run, &actor).await?;
                if status != 0 {
                    std::process::exit(status);
                }
                return Ok(());
            }
            let source = source.as_deref().map(import::parse_source).transpose()?;
            let options = import::Options {
                kind: import::parse_kind(&kind)?,
                zone,
                year,
                source,
                dry_run,
                report,
            };
            let status = import::run(&db, &file, options, &actor).await?;
            if status != 0 {
                std::process::exit(status);
            }
        }
        Command::Export { zone, out } => {
            let db = open(&cfg).await?;
            if out.exists() {
                bail!("{} exists already; exports never overwrite", out.display());
            }
            let mut f = std::fs::File::create(&out)?;
            let m =
                devzone_db::repo::transfer::export(&db.conn, zone, &cli_actor().username, &mut f)
                    .await
                    .map_err(describe)?;
            println!("zone {} written to {}", m.zone, out.display());
            for file in m.files {
                println!(
                    "  {:<20} {:>9} rows  sha256 {}",
                    file.name,
                    file.rows,
                    &file.sha256[..16]
                );
            }
        }
        Command::Generate(GenerateCommand::ImportBench {
            out,
            rows,
            register,
        }) => import::write_bench_sheet(&out, rows, register.as_deref())?,
        Command::Generate(GenerateCommand::ImportSamples {
            out,
            zone_index,
            rows,
            year,
        }) => import::write_samples(&out, zone_index, rows, year)?,
        Command::Generate(GenerateCommand::TiersInput { out, rows }) => {
            tiers::generate_input(&out, rows)?
        }
        Command::Generate(GenerateCommand::EvaluationInput { out, rows, year }) => {
            evaluate::generate_input(&out, rows, year)?
        }
        Command::Serve { bind } => {
            if let Some(b) = bind {
                cfg.server.bind = b;
            }
            let db = open(&cfg).await?;
            if let Some(p) = ensure_admin(&db).await? {
                println!("created the administrator: admin / {p}  (shown once)");
            }
            serve(db, &cfg).await?;
        }
        Command::Demo {
            bind,
            enterprises,
            no_serve,
            zones,
            projects,
            appeals,
        } => {
            if let Some(b) = bind {
                cfg.server.bind = b;
            }
            let db = open(&cfg).await?;
            let started = std::time::Instant::now();
            let password = match devzone_db::demo::loaded(&db).await? {
                Some(n) => {
                    println!(
                        "reusing the demo in {} ({n} enterprises)",
                        cfg.data_dir.display()
                    );
                    // An earlier start may have stopped before the administrator existed.
                    ensure_admin(&db).await?
                }
                None => {
                    if !backup::is_empty(&db).await? {
                        bail!(
                            "{} holds data that is not the demo; use an empty --data-dir",
                            cfg.data_dir.display()
                        );
                    }
                    let mut last = 0;
                    // A redrawn line on a terminal, a line per tenth in a log.
                    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
                    let sized = devzone_db::demo::load_sized;
                    let sizes = devzone_db::demo::Sizes { projects, appeals };
                    sized(&db, enterprises, zones, sizes, &mut |done, total| {
                        let pct = done * 100 / total.max(1);
                        if pct / 10 != last / 10 || done == total {
                            let line = format!("loading demo: {done}/{total} enterprises ({pct}%)");
                            if terminal {
                                eprint!("\r{line}");
                                let _ = std::io::stderr().flush();
                            } else {
                                eprintln!("{line}");
                            }
                            last = pct;
                        }
                    })
                    .await?;
                    if terminal {
                        eprintln!();
                    }
                    let t = std::time::Instant::now();
                    let n = devzone_db::demo::evaluate(&db).await?;
                    eprintln!(
                        "per-mu evaluation of {n} zones published in {:.1} s",
                        t.elapsed().as_secs_f64()
                    );
                    let pw = ensure_admin(&db).await?;
                    println!("demo loaded in {:.1} s", started.elapsed().as_secs_f64());
                    pw
                }
            };
            if no_serve {
                if let Some(p) = password {
                    println!("login: admin / {p}");
                }
                return Ok(());
            }
            println!("devzone demo: http://{}/", cfg.server.bind);
            match password {
                Some(p) => println!("login: admin / {p}"),
                None => println!(
                    "login: admin (password as printed when the demo was created; `devzone user passwd admin` sets a new one)"
                ),
            }
            serve(db, &cfg).await?;
        }
        Command::Migrate => {
            open(&cfg).await?;
            println!("migrations applied");
        }
        Command::Healthcheck { bind } => {
            let addr = bind.unwrap_or(cfg.server.bind.clone());
            let ok = healthcheck(&addr).await;
            match ok {
                Ok(()) => println!("ok: {addr} answers and its database is reachable"),
                Err(e) => {
                    eprintln!("unhealthy: {e}");
                    std::process::exit(1);
                }
            }
        }
        Command::User(cmd) => {
            let db = open(&cfg).await?;
            match cmd {
                UserCommand::Add {
                    name,
                    role,
                    zones: zone_ids,
                    enterprise,
                } => {
                    let role = Role::parse(&role).with_context(|| {
                        format!("unknown role {role}: admin, officer, analyst or enterprise")
                    })?;
                    let known: Vec<i64> = zones::list(&db.conn, &devzone_db::Scope::all())
                        .await?
                        .iter()
                        .map(|z| z.id)
                        .collect();
                    if let Some(z) = zone_ids.iter().find(|z| !known.contains(z)) {
                        bail!("no zone with id {z}");
                    }
                    let password = read_password()?;
                    let u = users::create(
                        &db.conn,
                        &cli_actor(),
                        &users::NewUser {
                            username: &name,
                            display_name: &name,
                            password: &password,
                            role,
                            enterprise_id: enterprise,
                            zones: &zone_ids,
                        },
                    )
                    .await
                    .map_err(describe)?;
                    println!("added {} ({})", u.username, u.role);
                }
                UserCommand::Passwd { name } => {
                    let password = read_password()?;
                    users::set_password(&db.conn, &cli_actor(), &name, &password)
                        .await
                        .map_err(describe)?;
                    println!("password of {name} changed");
                }
                UserCommand::List => {
                    for u in users::list(&db.conn).await? {
                        let zones = users::zones_of(&db.conn, u.id).await?;
                        println!(
                            "{:<20} {:<10} {:<9} zones={:?}{}",
                            u.username,
                            u.role,
                            if u.disabled { "disabled" } else { "active" },
                            zones,
                            u.enterprise_id
                                .map(|e| format!(" enterprise={e}"))
                                .unwrap_or_default()
                        );
                    }
                }
                UserCommand::Disable { name } => {
                    users::set_disabled(&db.conn, &cli_actor(), &name, true)
                        .await
                        .map_err(describe)?;
                    println!("{name} disabled; its sessions and tokens are revoked");
                }
                UserCommand::Enable { name } => {
                    users::set_disabled(&db.conn, &cli_actor(), &name, false)
                        .await
                        .map_err(describe)?;
                    println!("{name} enabled");
                }
            }
        }
        Command::Token(cmd) => {
            let db = open(&cfg).await?;
            match cmd {
                TokenCommand::Create {
                    user,
                    name,
                    expires_days,
                } => {
                    let expires = expires_days
                        .map(|d| chrono::Utc::now() + chrono::Duration::days(i64::from(d)));
                    let (token, m) =
                        users::create_token(&db.conn, &cli_actor(), &user, &name, expires)
                            .await
                            .map_err(describe)?;
                    eprintln!("token {} for {user} (shown once):", m.id);
                    println!("{token}");
                }
                TokenCommand::Revoke { id } => {
                    users::revoke_token(&db.conn, &cli_actor(), id)
                        .await
                        .map_err(describe)?;
                    println!("token {id} revoked");
                }
                TokenCommand::List => {
                    let now = chrono::Utc::now();
                    let day = |t: Option<chrono::DateTime<chrono::Utc>>| {
                        t.map_or("-".to_string(), |t| t.format("%Y-%m-%d %H:%M").to_string())
                    };
                    println!(
                        "{:<5} {:<6} {:<20} {:<10} {:<16} {:<16} state",
                        "id", "user", "name", "created", "last used", "expires"
                    );
                    for t in users::tokens(&db.conn).await? {
                        let state = if t.revoked_at.is_some() {
                            "revoked"
                        } else if t.expires_at.is_some_and(|e| e <= now) {
                            "expired"
                        } else {
                            "active"
                        };
                        println!(
                            "{:<5} {:<6} {:<20} {:<10} {:<16} {:<16} {state}",
                            t.id,
                            t.user_id,
                            t.name,
                            t.created_at.format("%Y-%m-%d"),
                            day(t.last_used_at),
                            day(t.expires_at),
                        );
                    }
                }
            }
        }
        Command::Backup { out, portable } => {
            let db = open(&cfg).await?;
            if out.exists() {
                bail!("{} exists already; backups never overwrite", out.display());
            }
            if db.backend() == sea_orm_backend_sqlite() && !portable {
                devzone_db::repo::backup::vacuum_into(&db, &out).await?;
                println!("SQLite backup written to {}", out.display());
            } else {
                let mut f = std::io::BufWriter::new(std::fs::File::create(&out)?);
                let counts = backup::export(&db, &mut f).await?;
                f.flush()?;
                println!("portable export written to {}", out.display());
                for c in counts {
                    println!("  {:<24} {:>9}  {}", c.table, c.rows, c.sha256);
                }
            }
        }
        Command::Restore { file } => {
            let db = open(&cfg).await?;
            let counts = backup::restore(&db, &file).await?;
            println!(
                "restored {} into {}",
                file.display(),
                if cfg.database.url.is_empty() {
                    cfg.database_url()
                } else {
                    "the configured database".into()
                }
            );
            for c in counts {
                println!("  {:<24} {:>9}  {}", c.table, c.rows, c.sha256);
            }
        }
    }
    Ok(())
}

fn sea_orm_backend_sqlite() -> devzone_db::Backend {
    devzone_db::Backend::Sqlite
}

fn describe(e: devzone_db::DbError) -> anyhow::Error {
    match e {
        devzone_db::DbError::Invalid(errs) => anyhow::anyhow!(
            errs.iter()
                .map(|e| format!("{}: {} ({})", e.field, e.rule, e.value))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        devzone_db::DbError::NotFound => anyhow::anyhow!("not found"),
        other => other.into(),
    }
}

/// Asks the running server's /healthz over plain HTTP/1.1 on loopback.
async fn healthcheck(addr: &str) -> anyhow::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let connect_to = addr.replace("0.0.0.0", "127.0.0.1");
    let mut s = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        tokio::net::TcpStream::connect(&connect_to),
    )
    .await
    .context("timed out connecting")?
    .with_context(|| format!("nothing answers at {connect_to}"))?;
    s.write_all(
        format!("GET /healthz HTTP/1.1\r\nHost: {connect_to}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    )
    .await?;
    let mut buf = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(5), s.read_to_end(&mut buf))
        .await
        .context("timed out reading")??;
    let text = String::from_utf8_lossy(&buf);
    let status = text.split_whitespace().nth(1).unwrap_or("");
    if status == "200" {
        Ok(())
    } else {
        bail!(
            "server answered {}",
            text.lines().next().unwrap_or("nothing")
        )
    }
}

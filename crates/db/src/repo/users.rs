//! Accounts, zone grants, sessions and API tokens.

use super::audit;
use crate::entities::{api_token, session, user, user_zone};
use crate::{Actor, DbError, DbResult, conflict_or};
use chrono::{DateTime, Duration, Utc};
use devzone_core::model::Role;
use devzone_core::secret;
use devzone_core::validate::FieldError;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, TransactionTrait,
};

/// Wrong passwords in a row after which an account is locked for [`LOCK_MINUTES`].
pub const MAX_FAILED_LOGINS: i32 = 10;
pub const LOCK_MINUTES: i64 = 15;
pub const SESSION_HOURS: i64 = 12;

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
    pub role: Role,
    pub enterprise_id: Option<i64>,
    pub zones: &'a [i64],
}

pub fn check_username(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

pub async fn create(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    u: &NewUser<'_>,
) -> DbResult<user::Model> {
    if !check_username(u.username) {
        return Err(DbError::Invalid(vec![
            devzone_core::validate::FieldError::new("username", "username.format", u.username),
        ]));
    }
    if u.password.chars().count() < secret::MIN_PASSWORD_CHARS {
        return Err(DbError::Invalid(vec![
            devzone_core::validate::FieldError::new("password", "password.short", ""),
        ]));
    }
    if (u.role == Role::Enterprise) != u.enterprise_id.is_some() {
        return Err(DbError::Invalid(vec![
            devzone_core::validate::FieldError::new("enterprise_id", "user.enterprise_binding", ""),
        ]));
    }
    let hash = hash(u.password).await?;
    let tx = db.begin().await?;
    let m = user::ActiveModel {
        username: Set(u.username.into()),
        display_name: Set(u.display_name.into()),
        password_hash: Set(hash),
        role: Set(u.role.id().into()),
        enterprise_id: Set(u.enterprise_id),
        disabled: Set(false),
        failed_logins: Set(0),
        locked_until: Set(None),
        locale: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&tx)
    .await
    .map_err(|e| conflict_or(e, "username", u.username))?;
    set_zones(&tx, m.id, u.zones).await?;
    audit::record(
        &tx,
        actor,
        audit::Change::new("create", "user").id(m.id).after(Some(
            serde_json::json!({"username": m.username, "role": m.role, "zones": u.zones})
                .to_string(),
        )),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn set_zones<C: ConnectionTrait>(db: &C, user_id: i64, zones: &[i64]) -> DbResult<()> {
    user_zone::Entity::delete_many()
        .filter(user_zone::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    if !zones.is_empty() {
        user_zone::Entity::insert_many(zones.iter().map(|z| user_zone::ActiveModel {
            user_id: Set(user_id),
            zone_id: Set(*z),
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

pub async fn zones_of<C: ConnectionTrait>(db: &C, user_id: i64) -> DbResult<Vec<i64>> {
    Ok(user_zone::Entity::find()
        .filter(user_zone::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|g| g.zone_id)
        .collect())
}

pub async fn list<C: ConnectionTrait>(db: &C) -> DbResult<Vec<user::Model>> {
    Ok(user::Entity::find()
        .order_by_asc(user::Column::Username)
        .all(db)
        .await?)
}

pub async fn by_name<C: ConnectionTrait>(db: &C, username: &str) -> DbResult<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(db)
        .await?)
}

pub async fn by_id<C: ConnectionTrait>(db: &C, id: i64) -> DbResult<Option<user::Model>> {
    Ok(user::Entity::find_by_id(id).one(db).await?)
}

pub async fn set_password(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    username: &str,
    password: &str,
) -> DbResult<()> {
    if password.chars().count() < secret::MIN_PASSWORD_CHARS {
        return Err(DbError::Invalid(vec![
            devzone_core::validate::FieldError::new("password", "password.short", ""),
        ]));
    }
    let hash = hash(password).await?;
    let tx = db.begin().await?;
    let u = by_name(&tx, username).await?.ok_or(DbError::NotFound)?;
    let mut am: user::ActiveModel = u.clone().into();
    am.password_hash = Set(hash);
    am.failed_logins = Set(0);
    am.locked_until = Set(None);
    am.update(&tx).await?;
    // A new password ends every open session of the account and revokes its tokens.
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(u.id))
        .exec(&tx)
        .await?;
    revoke_all_tokens(&tx, u.id).await?;
    audit::record(&tx, actor, audit::Change::new("passwd", "user").id(u.id)).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_disabled(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    username: &str,
    disabled: bool,
) -> DbResult<()> {
    let tx = db.begin().await?;
    let u = by_name(&tx, username).await?.ok_or(DbError::NotFound)?;
    // An installation without an enabled administrator could not be administered from the
    // browser again: the last one stays enabled.
    if disabled && !u.disabled && u.role == Role::Admin.id() {
        let other_admins = user::Entity::find()
            .filter(user::Column::Role.eq(Role::Admin.id()))
            .filter(user::Column::Disabled.eq(false))
            .filter(user::Column::Id.ne(u.id))
            .count(&tx)
            .await?;
        if other_admins == 0 {
            return Err(DbError::Invalid(vec![FieldError::new(
                "username",
                "user.last_admin",
                username,
            )]));
        }
    }
    let mut am: user::ActiveModel = u.clone().into();
    am.disabled = Set(disabled);
    am.update(&tx).await?;
    if disabled {
        session::Entity::delete_many()
            .filter(session::Column::UserId.eq(u.id))
            .exec(&tx)
            .await?;
        revoke_all_tokens(&tx, u.id).await?;
    }
    let action = if disabled { "disable" } else { "enable" };
    audit::record(
        &tx,
        actor,
        audit::Change::new(action, "user")
            .id(u.id)
            .before(Some(format!("{{\"disabled\":{}}}", u.disabled)))
            .after(Some(format!("{{\"disabled\":{disabled}}}"))),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_locale<C: ConnectionTrait>(db: &C, user_id: i64, locale: &str) -> DbResult<()> {
    user::Entity::update_many()
        .col_expr(user::Column::Locale, Expr::value(Some(locale.to_string())))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
pub enum LoginError {
    /// A wrong password for an existing account.
    BadCredentials,
    /// No account of that name. Callers answer it exactly as a wrong password (and count
    /// it, so that it locks like an account would).
    UnknownUser,
    Locked {
        until: DateTime<Utc>,
    },
    Disabled,
}

/// Argon2 costs tens of milliseconds of CPU: it runs on the blocking pool, not on an
/// async worker that other requests are waiting for.
async fn off_worker<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> DbResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| DbError::Other(format!("password check: {e}")))
}

async fn hash(password: &str) -> DbResult<String> {
    let password = password.to_string();
    off_worker(move || secret::hash_password(&password))
        .await?
        .map_err(|e| DbError::Other(e.to_string()))
}

/// Checks a password, counting failures and locking the account after too many in a row.
///
/// Each attempt first claims one of the account's [`MAX_FAILED_LOGINS`] tries with a
/// single conditional `UPDATE` (failed_logins + 1 where it is below the limit), so however
/// many requests arrive at once, no more than the limit are ever checked before the lock;
/// a correct password gives the tries back.
pub async fn authenticate<C: ConnectionTrait>(
    db: &C,
    username: &str,
    password: &str,
) -> DbResult<Result<user::Model, LoginError>> {
    let Some(u) = by_name(db, username).await? else {
        // Spend the same time as a real check so that timing does not reveal which names exist.
        let password = password.to_string();
        off_worker(move || secret::verify_against_dummy(&password)).await?;
        return Ok(Err(LoginError::UnknownUser));
    };
    let now = Utc::now();
    let lock_for = Duration::minutes(LOCK_MINUTES);
    if let Some(until) = u.locked_until {
        if until > now {
            return Ok(Err(LoginError::Locked { until }));
        }
        // The lock has run out: give the tries back (once; a new lock is in the future).
        user::Entity::update_many()
            .col_expr(user::Column::FailedLogins, Expr::value(0))
            .col_expr(
                user::Column::LockedUntil,
                Expr::value(None::<DateTime<Utc>>),
            )
            .filter(user::Column::Id.eq(u.id))
            .filter(user::Column::LockedUntil.lte(now))
            .exec(db)
            .await?;
    }
    let claimed = user::Entity::update_many()
        .col_expr(
            user::Column::FailedLogins,
            Expr::col(user::Column::FailedLogins).add(1),
        )
        .filter(user::Column::Id.eq(u.id))
        .filter(user::Column::FailedLogins.lt(MAX_FAILED_LOGINS))
        .exec(db)
        .await?
        .rows_affected
        == 1;
    if !claimed {
        // The last try is taken by a request still running (which will lock) or the
        // account is locked already.
        let until = by_id(db, u.id)
            .await?
            .and_then(|u| u.locked_until)
            .unwrap_or(now + lock_for);
        return Ok(Err(LoginError::Locked { until }));
    }
    let (given, stored) = (password.to_string(), u.password_hash.clone());
    if !off_worker(move || secret::verify_password(&given, &stored)).await? {
        // The attempt that used the last try locks the account.
        let until = now + lock_for;
        let locked = user::Entity::update_many()
            .col_expr(user::Column::LockedUntil, Expr::value(Some(until)))
            .filter(user::Column::Id.eq(u.id))
            .filter(user::Column::FailedLogins.gte(MAX_FAILED_LOGINS))
            .filter(user::Column::LockedUntil.is_null())
            .exec(db)
            .await?
            .rows_affected
            == 1;
        return Ok(Err(if locked {
            LoginError::Locked { until }
        } else {
            LoginError::BadCredentials
        }));
    }
    user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .filter(user::Column::Id.eq(u.id))
        .exec(db)
        .await?;
    if u.disabled {
        return Ok(Err(LoginError::Disabled));
    }
    Ok(Ok(u))
}

/// Opens a session; returns the cookie token (shown once) and the session row.
pub async fn open_session<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> DbResult<(String, session::Model)> {
    let token = secret::new_token();
    let now = Utc::now();
    let m = session::ActiveModel {
        token_digest: Set(secret::token_digest(&token)),
        user_id: Set(user_id),
        csrf_token: Set(secret::new_token()),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(SESSION_HOURS)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((token, m))
}

/// The live session and its (enabled) user for a cookie token.
pub async fn session_user<C: ConnectionTrait>(
    db: &C,
    token: &str,
) -> DbResult<Option<(session::Model, user::Model)>> {
    let Some(s) = session::Entity::find()
        .filter(session::Column::TokenDigest.eq(secret::token_digest(token)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if s.expires_at <= Utc::now() {
        session::Entity::delete_by_id(s.id).exec(db).await?;
        return Ok(None);
    }
    Ok(by_id(db, s.user_id)
        .await?
        .filter(|u| !u.disabled)
        .map(|u| (s, u)))
}

pub async fn close_session<C: ConnectionTrait>(db: &C, token: &str) -> DbResult<()> {
    session::Entity::delete_many()
        .filter(session::Column::TokenDigest.eq(secret::token_digest(token)))
        .exec(db)
        .await?;
    Ok(())
}

/// Creates an API token for scripts; returns the token (shown once).
pub async fn create_token(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    username: &str,
    name: &str,
    expires_at: Option<DateTime<Utc>>,
) -> DbResult<(String, api_token::Model)> {
    let tx = db.begin().await?;
    let u = by_name(&tx, username).await?.ok_or(DbError::NotFound)?;
    let token = format!("dz_{}", secret::new_token());
    let m = api_token::ActiveModel {
        user_id: Set(u.id),
        name: Set(name.into()),
        token_digest: Set(secret::token_digest(&token)),
        created_at: Set(Utc::now()),
        revoked_at: Set(None),
        last_used_at: Set(None),
        expires_at: Set(expires_at),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        actor,
        audit::Change::new("create", "api_token")
            .id(m.id)
            .after(Some(
                serde_json::json!({"user": username, "name": name}).to_string(),
            )),
    )
    .await?;
    tx.commit().await?;
    Ok((token, m))
}

pub async fn tokens<C: ConnectionTrait>(db: &C) -> DbResult<Vec<api_token::Model>> {
    Ok(api_token::Entity::find()
        .order_by_asc(api_token::Column::Id)
        .all(db)
        .await?)
}

pub async fn revoke_token(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    id: i64,
) -> DbResult<()> {
    let tx = db.begin().await?;
    let t = api_token::Entity::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or(DbError::NotFound)?;
    let mut am: api_token::ActiveModel = t.into();
    am.revoked_at = Set(Some(Utc::now()));
    am.update(&tx).await?;
    audit::record(&tx, actor, audit::Change::new("revoke", "api_token").id(id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Revokes every token of a user that is still valid.
async fn revoke_all_tokens<C: ConnectionTrait>(db: &C, user_id: i64) -> DbResult<()> {
    api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(Some(Utc::now())))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// How often a token's last use is written: at most once a minute per token, so that a
/// script's thousand requests do not cost a thousand writes.
const LAST_USE_RESOLUTION_SECONDS: i64 = 60;

/// The enabled user behind a bearer token that is neither revoked nor expired; records
/// the token's last use.
pub async fn token_user<C: ConnectionTrait>(db: &C, token: &str) -> DbResult<Option<user::Model>> {
    let Some(t) = api_token::Entity::find()
        .filter(api_token::Column::TokenDigest.eq(secret::token_digest(token)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let now = Utc::now();
    if t.revoked_at.is_some() || t.expires_at.is_some_and(|e| e <= now) {
        return Ok(None);
    }
    if t.last_used_at
        .is_none_or(|at| now - at >= Duration::seconds(LAST_USE_RESOLUTION_SECONDS))
    {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(Some(now)))
            .filter(api_token::Column::Id.eq(t.id))
            .exec(db)
            .await?;
    }
    Ok(by_id(db, t.user_id).await?.filter(|u| !u.disabled))
}

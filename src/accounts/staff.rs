//! The life of a staff account: the county admin invites (the invited person sets their own
//! password through a one-time link), deactivates and reactivates; staff change their password
//! or reset it by a one-time link sent by mail; anyone lists their sessions and ends them all.
//!
//! Account links are JWTs with their own audience (they never log anyone in by themselves), bound
//! to the account's token version (a password set or a deactivation makes older links stale) and
//! spent on use (their id is recorded).

use chrono::{DateTime, Duration, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::session;
use crate::auth::login::Client;
use crate::auth::principal_cache::{Change, PrincipalCache};
use crate::auth::{Audience, Claims, Principal, password};
use crate::db;
use crate::db::sign_in::Limit;
use crate::domain::{Email, Role};
use crate::error::AppError;
use crate::notify::direct::{self, AccountMail};
use crate::services::Services;
use crate::workflow::Lang;

pub const RESET_MINUTES: i64 = 60;
pub const INVITATION_DAYS: i64 = 7;
/// Reset mails per address and per client address in an hour.
pub const RESETS_PER_HOUR: i64 = 3;
pub const RESETS_PER_ADDRESS_HOUR: i64 = 20;

/// The roles a county admin may give (another admin is made with `fengqiao create-user`).
pub const INVITABLE: [Role; 3] = [Role::Mediator, Role::CommitteeHead, Role::Judge];

pub struct NewStaff<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub role: &'a str,
    pub committee_code: Option<&'a str>,
}

/// The county of the admin acting, or 404 for anyone else (the page and the API do not exist
/// for them).
pub fn admin_county(p: &Principal) -> Result<Uuid, AppError> {
    match (p.role, p.county_id) {
        (Role::CountyAdmin, Some(c)) => Ok(c),
        _ => Err(AppError::NotFound),
    }
}

/// Creates a staff account in the admin's county and mails the link that sets its password.
/// When the relay cannot take the mail the account stays and the admin can send the link again.
pub async fn invite(
    conn: &mut AsyncPgConnection,
    state: &Services,
    admin: &Principal,
    new: NewStaff<'_>,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<Uuid, AppError> {
    admin_county(admin)?;
    let role = Role::parse(new.role)
        .filter(|r| INVITABLE.contains(r))
        .ok_or_else(|| {
            AppError::Unprocessable("role: mediator, committee_head or judge.".into())
        })?;
    let id = super::create(
        conn,
        super::NewAccount {
            email: new.email,
            name: new.name,
            role: role.as_str(),
            password: None,
            committee_code: new.committee_code.filter(|_| role.needs_committee()),
            county_code: admin.county_code.as_deref(),
        },
    )
    .await?;
    send_link(conn, state, id, LinkKind::Invitation, lang, now).await?;
    Ok(id)
}

/// Mails the invitation link again (the member has not set a password yet).
pub async fn resend_invitation(
    conn: &mut AsyncPgConnection,
    state: &Services,
    admin: &Principal,
    id: Uuid,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let county = admin_county(admin)?;
    let member = db::staff::member_of_county(conn, county, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if member.has_password {
        return Err(AppError::conflict(
            "This person has set a password already; they can reset it from the login page.",
        ));
    }
    send_link(conn, state, id, LinkKind::Invitation, lang, now).await
}

#[derive(Debug, Clone, Copy)]
enum LinkKind {
    Invitation,
    Reset,
}

async fn send_link(
    conn: &mut AsyncPgConnection,
    state: &Services,
    id: Uuid,
    kind: LinkKind,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let user = db::users::by_id(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(email) = &user.email else {
        return Err(AppError::Unprocessable(
            "This account has no email address.".into(),
        ));
    };
    let lifetime = match kind {
        LinkKind::Invitation => Duration::days(INVITATION_DAYS),
        LinkKind::Reset => Duration::minutes(RESET_MINUTES),
    };
    let (token, claims) = state
        .keys
        .issue(
            Audience::AccountLink,
            &id.to_string(),
            user.token_version,
            now,
            lifetime,
        )
        .map_err(AppError::internal)?;
    let link = format!(
        "{}/account/link/{token}",
        state.config.public_url.trim_end_matches('/')
    );
    let mail = match kind {
        LinkKind::Invitation => AccountMail::Invitation(&link),
        LinkKind::Reset => AccountMail::Reset(&link),
    };
    direct::send(&state.notifier, claims.jti, email, mail, lang)
        .await
        .map_err(|e| {
            tracing::warn!(user_id = %id, error = %e, "account link not sent");
            AppError::NotSent
        })
}

/// `POST /api/v1/auth/reset`: mails a one-time link when the address has a staff account with
/// a password. The answer is the same whatever the address, so it says nothing about accounts.
pub async fn request_reset(
    conn: &mut AsyncPgConnection,
    state: &Services,
    email: &str,
    client: &Client,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let email = Email::parse(email).map_err(|m| AppError::Unprocessable(format!("email: {m}.")))?;
    let limits = [
        Limit {
            key: format!("reset:{}", state.sealer.lookup(email.as_str())),
            max: RESETS_PER_HOUR,
            window: Duration::hours(1),
        },
        Limit {
            key: format!("reset-address:{}", client.address),
            max: RESETS_PER_ADDRESS_HOUR,
            window: Duration::hours(1),
        },
    ];
    let allowed = conn
        .transaction::<_, AppError, _>(
            async |conn| Ok(db::sign_in::take(conn, &limits, now).await?),
        )
        .await?;
    if let Err(wait) = allowed {
        return Err(AppError::TooManyRequests {
            retry_after_secs: u64::try_from(wait).unwrap_or(60),
        });
    }
    let user = db::users::by_email(conn, email.as_str()).await?;
    match user {
        Some(u)
            if u.deactivated_at.is_none() && Role::parse(&u.role).is_some_and(|r| r.is_staff()) =>
        {
            // A failed send is logged, not reported: reporting it would tell who has an account.
            let _ = send_link(conn, state, u.id, LinkKind::Reset, lang, now).await;
        }
        _ => tracing::info!("password reset asked for an address without a staff account"),
    }
    Ok(())
}

/// What an account link is for, as its page shows it.
pub struct LinkView {
    pub name: String,
    pub first_password: bool,
}

fn read_link(state: &Services, token: &str) -> Result<(Claims, Uuid), AppError> {
    let claims = state
        .keys
        .verify(token, Audience::AccountLink)
        .map_err(|_| link_gone())?;
    let id = claims.subject().ok_or_else(link_gone)?;
    Ok((claims, id))
}

fn link_gone() -> AppError {
    AppError::Unprocessable(
        "This link is no longer valid: it was used, has expired, or a newer one was sent. Ask for a new one.".into(),
    )
}

/// Checks a link before its form is shown.
pub async fn peek_link(
    conn: &mut AsyncPgConnection,
    state: &Services,
    token: &str,
) -> Result<LinkView, AppError> {
    let (claims, id) = read_link(state, token)?;
    let user = db::users::by_id(conn, id).await?.ok_or_else(link_gone)?;
    if user.token_version != claims.ver || user.deactivated_at.is_some() {
        return Err(link_gone());
    }
    Ok(LinkView {
        name: user.name,
        first_password: user.password_hash.is_none(),
    })
}

/// Sets the password through a link, spends the link, ends every older session, and signs in.
pub async fn use_link(
    conn: &mut AsyncPgConnection,
    state: &Services,
    token: &str,
    new_password: String,
    client: &Client,
    now: DateTime<Utc>,
) -> Result<(String, Claims), AppError> {
    let (claims, id) = read_link(state, token)?;
    password::acceptable(&new_password)
        .map_err(|m| AppError::Unprocessable(format!("password: {m}.")))?;
    let hash = password::hash_bounded(new_password).await?;
    let user = conn
        .transaction::<_, AppError, _>(async |conn| {
            let user = db::users::by_id(conn, id).await?.ok_or_else(link_gone)?;
            if user.token_version != claims.ver
                || user.deactivated_at.is_some()
                || !db::sessions::spend_link(conn, claims.jti, id, now).await?
            {
                return Err(link_gone());
            }
            db::users::set_password(conn, id, &hash).await?;
            db::sessions::forget_all(conn, id).await?;
            db::users::by_id(conn, id).await?.ok_or_else(link_gone)
        })
        .await?;
    state.principals.forget(Change::User(id));
    session::start_session(conn, state, &user, "password", client, now).await
}

/// `POST /api/v1/auth/password`: the current password, then the new one. Every other session
/// ends; the caller gets a fresh one.
pub async fn change_password(
    conn: &mut AsyncPgConnection,
    state: &Services,
    who: &Principal,
    current: String,
    new: String,
    client: &Client,
    now: DateTime<Utc>,
) -> Result<(String, Claims), AppError> {
    password::acceptable(&new).map_err(|m| AppError::Unprocessable(format!("new: {m}.")))?;
    let user = db::users::by_id(conn, who.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let Some(stored) = user.password_hash.clone() else {
        return Err(AppError::Unprocessable(
            "This account signs in with a code and has no password to change.".into(),
        ));
    };
    let ok = password::verify_bounded(current, Some(stored)).await?;
    if !ok {
        return Err(AppError::BadCredentials);
    }
    let hash = password::hash_bounded(new).await?;
    let user = conn
        .transaction::<_, AppError, _>(async |conn| {
            db::users::set_password(conn, who.id, &hash).await?;
            db::sessions::forget_all(conn, who.id).await?;
            db::users::by_id(conn, who.id)
                .await?
                .ok_or(AppError::Unauthorized)
        })
        .await?;
    state.principals.forget(Change::User(who.id));
    session::start_session(conn, state, &user, "password", client, now).await
}

/// Deactivates or reactivates a staff account of the admin's county. Deactivation ends every
/// session of it at once (its token version moves on).
pub async fn set_active(
    conn: &mut AsyncPgConnection,
    cache: &PrincipalCache,
    admin: &Principal,
    id: Uuid,
    active: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let county = admin_county(admin)?;
    if id == admin.id {
        return Err(AppError::Unprocessable(
            "You cannot deactivate your own account.".into(),
        ));
    }
    db::staff::member_of_county(conn, county, id)
        .await?
        .ok_or(AppError::NotFound)?;
    conn.transaction::<_, AppError, _>(async |conn| {
        db::users::set_deactivated(conn, id, (!active).then_some(now)).await?;
        db::sessions::forget_all(conn, id).await?;
        Ok(())
    })
    .await?;
    cache.forget(Change::User(id));
    tracing::info!(user_id = %id, active, "account activity changed by the county admin");
    Ok(())
}

/// `DELETE /api/v1/me/sessions`: every session of the caller ends, this one included.
pub async fn end_all_sessions(
    conn: &mut AsyncPgConnection,
    cache: &PrincipalCache,
    who: &Principal,
) -> Result<(), AppError> {
    conn.transaction::<_, AppError, _>(async |conn| {
        db::users::end_all_sessions(conn, who.id).await?;
        db::sessions::forget_all(conn, who.id).await?;
        Ok(())
    })
    .await?;
    cache.forget(Change::User(who.id));
    Ok(())
}

/// Unlock mails per account in the window: one is enough while the lock lasts.
pub const UNLOCK_MAILS_PER_WINDOW: i64 = 1;

/// Mails an unlock link when an account with an address is locked by failed logins. Best effort
/// and quiet: the caller answers the same whether or not the account exists.
pub async fn send_unlock(
    conn: &mut AsyncPgConnection,
    state: &Services,
    email: &str,
    now: DateTime<Utc>,
) {
    let sent = async {
        let Some(user) = db::users::by_email(conn, email).await? else {
            return Ok::<_, AppError>(());
        };
        if user.deactivated_at.is_some() {
            return Ok(());
        }
        let limit = [Limit {
            key: format!("unlock-mail:{}", user.id),
            max: UNLOCK_MAILS_PER_WINDOW,
            window: Duration::minutes(crate::auth::rate_limit::WINDOW_MINUTES),
        }];
        let allowed = conn
            .transaction::<_, AppError, _>(async |conn| {
                Ok(db::sign_in::take(conn, &limit, now).await?)
            })
            .await?;
        if allowed.is_err() {
            return Ok(());
        }
        let (token, claims) = state
            .keys
            .issue(
                Audience::Unlock,
                &user.id.to_string(),
                user.token_version,
                now,
                Duration::minutes(RESET_MINUTES),
            )
            .map_err(AppError::internal)?;
        let link = format!(
            "{}/login/unlock/{token}",
            state.config.public_url.trim_end_matches('/')
        );
        let lang = crate::workflow::Lang::from_code(&user.language);
        direct::send(
            &state.notifier,
            claims.jti,
            email,
            AccountMail::Unlock(&link),
            lang,
        )
        .await
        .map_err(|_| AppError::NotSent)
    }
    .await;
    if let Err(e) = sent {
        tracing::warn!(error = %e, "unlock mail not sent");
    }
}

/// Uses an unlock link (once): the account's failed logins are forgotten.
pub async fn unlock(
    conn: &mut AsyncPgConnection,
    state: &Services,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let claims = state
        .keys
        .verify(token, Audience::Unlock)
        .map_err(|_| link_gone())?;
    let id = claims.subject().ok_or_else(link_gone)?;
    let user = db::users::by_id(conn, id).await?.ok_or_else(link_gone)?;
    let Some(email) = user.email.clone() else {
        return Err(link_gone());
    };
    if user.token_version != claims.ver
        || !db::sessions::spend_link(conn, claims.jti, id, now).await?
    {
        return Err(link_gone());
    }
    crate::auth::rate_limit::unlock(conn, &email).await?;
    tracing::info!(user_id = %id, "account unlocked by its mailed link");
    Ok(())
}

pub use crate::db::staff::StaffMember;

/// A committee of the county: id, division code, name, level.
pub type CommitteeLine = (Uuid, String, String, String);

/// The county's committees and its staff, for the county administrator's page.
pub async fn roster(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
) -> Result<(Vec<CommitteeLine>, Vec<StaffMember>), AppError> {
    let committees = db::staff::committees_of_county(conn, county_id).await?;
    let people = db::staff::staff_of_county(conn, county_id).await?;
    Ok((committees, people))
}

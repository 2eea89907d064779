//! `GET /api/v1/me/data`: everything the service holds about the caller (PIPL art. 45), as one
//! JSON document, with their own numbers opened — it is their data.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde_json::{Value, json};

use crate::auth::Principal;
use crate::crypto::Sealer;
use crate::db;
use crate::error::AppError;

pub async fn export(
    conn: &mut AsyncPgConnection,
    sealer: &Sealer,
    who: &Principal,
    now: DateTime<Utc>,
) -> Result<Value, AppError> {
    let user = db::users::by_id(conn, who.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let open = |sealed: &Option<Vec<u8>>| sealed.as_deref().and_then(|s| sealer.open(s).ok());
    let held = db::personal_data::of_user(conn, who.id).await?;
    let sessions = db::sessions::live(conn, who.id, now).await?;
    let cases: Vec<Value> = held
        .parties
        .iter()
        .map(|p| {
            json!({
                "case_id": p.case_id, "number": p.number, "side": p.side, "category": p.category,
                "status": p.status, "level": p.level, "filed_at": p.filed_at,
                "narrative": p.narrative, "request": p.request,
                "you_as_recorded": {
                    "name": p.name, "email": p.email,
                    "phone": open(&p.phone_enc), "id_number": open(&p.id_number_enc),
                    "particulars": open(&p.particulars_enc)
                        .and_then(|json| serde_json::from_str::<Value>(&json).ok()),
                },
            })
        })
        .collect();
    Ok(json!({
        "generated_at": now,
        "account": {
            "id": user.id, "name": user.name, "email": user.email, "phone": open(&user.phone_enc),
            "role": user.role, "language": user.language, "notices_by": user.channel,
            "has_password": user.password_hash.is_some(),
        },
        "sessions": sessions,
        "cases": cases,
        "messages_written": held.messages,
        "evidence_uploaded": held.evidence,
        "ratings": held.ratings,
        "notifications": held.notifications,
        "about": "Everything the service holds about you. Case files also hold what the other side and the mediators wrote; ask the mediator for the whole file.",
    }))
}

//! What retention erases, case by case, in one transaction each (see `jobs::retention`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::events;
use super::schema::{
    case_events, case_messages, case_parties, case_ratings, case_sessions, cases, evidence, outbox,
    retention_purges,
};

/// A case whose personal data is due for erasure.
#[derive(Debug, Clone, Queryable)]
pub struct Due {
    pub county_id: Uuid,
    pub case_id: Uuid,
    pub number: String,
    pub ended_at: DateTime<Utc>,
}

/// Ended cases whose county's period has passed since they ended and that were not purged yet,
/// at most `limit`, in the order they fell due. Each county is read by its own statement with
/// its own period (through the partial index `cases_to_purge`), so a county that keeps its
/// cases long never crowds out the due cases of the others, and a county with a backlog does
/// not hold up cases that fell due earlier elsewhere.
pub async fn due(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<Due>> {
    let mut due: Vec<(DateTime<Utc>, Due)> = Vec::new();
    for (county_id, _) in super::divisions::counties(conn).await? {
        let years = i64::from(super::policy::retention_years(conn, county_id).await?);
        let period = chrono::Duration::days(365 * years);
        let county: Vec<Due> = cases::table
            .filter(cases::county_id.eq(county_id))
            .filter(diesel::dsl::not(super::cases::open()))
            .filter(cases::purged_at.is_null())
            .filter(cases::updated_at.lt(now - period))
            .order(cases::updated_at)
            .limit(limit)
            .select((
                cases::county_id,
                cases::id,
                cases::number,
                cases::updated_at,
            ))
            .load(conn)
            .await?;
        due.extend(county.into_iter().map(|d| (d.ended_at + period, d)));
    }
    due.sort_by_key(|(fell_due, d)| (*fell_due, d.county_id, d.case_id));
    due.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(due.into_iter().map(|(_, d)| d).collect())
}

/// The period of a county without a policy row of its own (`db::policy::retention_years`).
pub const DEFAULT_YEARS: i32 = 3;

pub const ERASED_TEXT: &str = "（已按保存期限删除）";
pub const ANONYMOUS: &str = "（已匿名）";

/// Erases one case's personal data. Call it inside a transaction; returns (history rows
/// erased, the SHA-256 of evidence files no other row uses, to delete after commit).
pub async fn erase(
    conn: &mut AsyncPgConnection,
    due: &Due,
    now: DateTime<Utc>,
) -> QueryResult<(i32, Vec<String>)> {
    let (county, case) = (due.county_id, due.case_id);
    // The append-only triggers let this transaction delete messages and erase history data.
    diesel::sql_query("SET LOCAL fengqiao.purge = 'on'")
        .execute(conn)
        .await?;
    diesel::update(cases::table.find((county, case)))
        .set((
            cases::narrative.eq(ERASED_TEXT),
            cases::request.eq(ERASED_TEXT),
            cases::agreement.eq(None::<serde_json::Value>),
            cases::purged_at.eq(now),
        ))
        .execute(conn)
        .await?;
    diesel::update(
        case_parties::table
            .filter(case_parties::county_id.eq(county))
            .filter(case_parties::case_id.eq(case)),
    )
    .set((
        case_parties::name.eq(ANONYMOUS),
        case_parties::email.eq(None::<String>),
        case_parties::phone_enc.eq(None::<Vec<u8>>),
        case_parties::phone_key.eq(None::<String>),
        case_parties::id_number_enc.eq(None::<Vec<u8>>),
        case_parties::particulars_enc.eq(None::<Vec<u8>>),
        case_parties::user_id.eq(None::<Uuid>),
    ))
    .execute(conn)
    .await?;
    diesel::delete(
        case_messages::table
            .filter(case_messages::county_id.eq(county))
            .filter(case_messages::case_id.eq(case)),
    )
    .execute(conn)
    .await?;
    diesel::update(
        case_sessions::table
            .filter(case_sessions::county_id.eq(county))
            .filter(case_sessions::case_id.eq(case)),
    )
    .set(case_sessions::location.eq(ERASED_TEXT))
    .execute(conn)
    .await?;
    diesel::update(
        case_sessions::table
            .filter(case_sessions::county_id.eq(county))
            .filter(case_sessions::case_id.eq(case))
            .filter(case_sessions::record.is_not_null()),
    )
    .set(case_sessions::record.eq(Some(ERASED_TEXT)))
    .execute(conn)
    .await?;
    diesel::update(
        case_ratings::table
            .filter(case_ratings::county_id.eq(county))
            .filter(case_ratings::case_id.eq(case)),
    )
    .set(case_ratings::comment.eq(None::<String>))
    .execute(conn)
    .await?;
    // Mail and texts of the case hold addresses and sealed numbers.
    diesel::delete(
        outbox::table
            .filter(outbox::county_id.eq(county))
            .filter(outbox::case_id.eq(case)),
    )
    .execute(conn)
    .await?;
    let files: Vec<String> = diesel::delete(
        evidence::table
            .filter(evidence::county_id.eq(county))
            .filter(evidence::case_id.eq(case)),
    )
    .returning(evidence::sha256)
    .get_results(conn)
    .await?;
    let mut orphans = Vec::new();
    for sha in files {
        let shared: i64 = evidence::table
            .filter(evidence::sha256.eq(&sha))
            .count()
            .get_result(conn)
            .await?;
        if shared == 0 && !orphans.contains(&sha) {
            orphans.push(sha);
        }
    }
    // The history keeps its shape and its links: each row's data becomes its SHA-256.
    // Links made before keying cover the data itself: those rows cannot be erased without
    // breaking their chain, and keep their data.
    let rows: Vec<(i32, serde_json::Value)> = case_events::table
        .filter(case_events::county_id.eq(county))
        .filter(case_events::case_id.eq(case))
        .filter(case_events::key_id.ne(events::UNKEYED))
        .select((case_events::seq, case_events::data))
        .load(conn)
        .await?;
    let on = now.format("%Y-%m-%d").to_string();
    let mut erased = 0;
    for (seq, data) in rows {
        if events::is_erased(&data) {
            continue;
        }
        let digest = events::data_digest(&data);
        diesel::update(case_events::table.find((county, case, seq)))
            .set(case_events::data.eq(events::erased(&digest, &on)))
            .execute(conn)
            .await?;
        erased += 1;
    }
    diesel::insert_into(retention_purges::table)
        .values((
            retention_purges::county_id.eq(county),
            retention_purges::case_id.eq(case),
            retention_purges::purged_at.eq(now),
            retention_purges::events_erased.eq(erased),
            retention_purges::files_deleted.eq(i32::try_from(orphans.len()).unwrap_or(i32::MAX)),
        ))
        .execute(conn)
        .await?;
    Ok((erased, orphans))
}

/// The cases that were purged: verify-audit accepts erased history only of these.
pub async fn purged(conn: &mut AsyncPgConnection) -> QueryResult<Vec<(Uuid, Uuid)>> {
    retention_purges::table
        .select((retention_purges::county_id, retention_purges::case_id))
        .load(conn)
        .await
}

//! Staff of a committee: their open load, and the sessions on their calendar.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{case_sessions, cases, users};
use crate::domain::Role;

/// (id, name, role, open cases) of every mediator and head of a committee.
pub async fn mediators_with_load(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    committee_id: Uuid,
) -> QueryResult<Vec<(Uuid, String, String, i64)>> {
    let staff: Vec<(Uuid, String, String)> = users::table
        .filter(users::committee_id.eq(committee_id))
        .order(users::name)
        .select((users::id, users::name, users::role))
        .load(conn)
        .await?;
    let loads: Vec<(Option<Uuid>, i64)> = cases::table
        .filter(cases::county_id.eq(county_id))
        .filter(cases::committee_id.eq(committee_id))
        .filter(crate::db::cases::open())
        .filter(cases::mediator_id.is_not_null())
        .group_by(cases::mediator_id)
        .select((cases::mediator_id, diesel::dsl::count_star()))
        .load(conn)
        .await?;
    Ok(staff
        .into_iter()
        .map(|(id, name, role)| {
            let load = loads
                .iter()
                .find(|(m, _)| *m == Some(id))
                .map(|(_, n)| *n)
                .unwrap_or(0);
            (id, name, role, load)
        })
        .collect())
}

/// One session on a calendar.
#[derive(Debug, Clone, Queryable)]
pub struct CalendarEntry {
    pub session_id: Uuid,
    pub at: DateTime<Utc>,
    pub mode: String,
    pub location: String,
    pub recorded: bool,
    pub case_id: Uuid,
    pub number: String,
}

/// Sessions between `from` and `to` of the cases this mediator handles (all of the committee's
/// for a head).
pub async fn calendar(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    committee_id: Uuid,
    mediator: Option<Uuid>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueryResult<Vec<CalendarEntry>> {
    let mut q = case_sessions::table
        .inner_join(
            cases::table.on(cases::county_id
                .eq(case_sessions::county_id)
                .and(cases::id.eq(case_sessions::case_id))),
        )
        .filter(cases::county_id.eq(county_id))
        .filter(cases::committee_id.eq(committee_id))
        .filter(case_sessions::at.ge(from))
        .filter(case_sessions::at.lt(to))
        .into_boxed();
    if let Some(m) = mediator {
        q = q.filter(cases::mediator_id.eq(m));
    }
    q.order(case_sessions::at)
        .select((
            case_sessions::id,
            case_sessions::at,
            case_sessions::mode,
            case_sessions::location,
            case_sessions::record.is_not_null(),
            cases::id,
            cases::number,
        ))
        .load(conn)
        .await
}

/// Every committee of a county (division code, committee name, level), county first.
pub async fn committees_of_county(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
) -> QueryResult<Vec<(Uuid, String, String, String)>> {
    use super::schema::{committees, divisions};
    committees::table
        .inner_join(divisions::table)
        .filter(committees::county_id.eq(county_id))
        .order(divisions::code)
        .select((
            committees::id,
            divisions::code,
            committees::name,
            committees::level,
        ))
        .load(conn)
        .await
}

/// A staff account as the county admin's page lists it.
#[derive(Debug, Clone, Queryable)]
pub struct StaffMember {
    pub id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub role: String,
    pub committee_id: Option<Uuid>,
    pub deactivated: bool,
    /// False until an invited member sets their first password.
    pub has_password: bool,
}

/// Staff accounts of a county.
pub async fn staff_of_county(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
) -> QueryResult<Vec<StaffMember>> {
    users::table
        .filter(users::county_id.eq(county_id))
        .filter(users::role.ne(Role::Resident.as_str()))
        .order((users::role, users::name))
        .select((
            users::id,
            users::name,
            users::email,
            users::role,
            users::committee_id,
            users::deactivated_at.is_not_null(),
            users::password_hash.is_not_null(),
        ))
        .load(conn)
        .await
}

/// A staff account of the county, for the admin acting on it.
pub async fn member_of_county(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<StaffMember>> {
    users::table
        .filter(users::county_id.eq(county_id))
        .filter(users::role.ne(Role::Resident.as_str()))
        .filter(users::id.eq(id))
        .select((
            users::id,
            users::name,
            users::email,
            users::role,
            users::committee_id,
            users::deactivated_at.is_not_null(),
            users::password_hash.is_not_null(),
        ))
        .first(conn)
        .await
        .optional()
}

/// The committee of a mediator or committee head; `None` for anyone else.
pub async fn committee_of_mediator(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Option<Uuid>> {
    Ok(users::table
        .find(id)
        .filter(users::role.eq_any([Role::Mediator.as_str(), Role::CommitteeHead.as_str()]))
        .select(users::committee_id)
        .first::<Option<Uuid>>(conn)
        .await
        .optional()?
        .flatten())
}

/// The committee of a division (by its code) and the committee's county.
pub async fn committee_by_code(
    conn: &mut AsyncPgConnection,
    code: &str,
) -> QueryResult<Option<(Uuid, Uuid)>> {
    use super::schema::{committees, divisions};
    committees::table
        .inner_join(divisions::table)
        .filter(divisions::code.eq(code))
        .select((committees::id, committees::county_id))
        .first(conn)
        .await
        .optional()
}

/// Active staff of the county in these roles who have an address: id, address, language.
pub async fn reachable_by_mail(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    roles: &[&str],
) -> QueryResult<Vec<(Uuid, Option<String>, String)>> {
    users::table
        .filter(users::county_id.eq(county_id))
        .filter(users::role.eq_any(roles))
        .filter(users::deactivated_at.is_null())
        .filter(users::email.is_not_null())
        .select((users::id, users::email, users::language))
        .load(conn)
        .await
}

/// The phone number and address of each committee of a county.
pub async fn contacts_of_county(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
) -> QueryResult<Vec<(Uuid, Option<String>, Option<String>)>> {
    use super::schema::committees;
    committees::table
        .filter(committees::county_id.eq(county_id))
        .select((committees::id, committees::phone, committees::address))
        .load(conn)
        .await
}

/// Sets how a committee of the county is reached; false when no such committee there.
pub async fn set_committee_contact(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    committee_id: Uuid,
    phone: Option<&str>,
    address: Option<&str>,
) -> QueryResult<bool> {
    use super::schema::committees;
    let n = diesel::update(
        committees::table
            .filter(committees::county_id.eq(county_id))
            .filter(committees::id.eq(committee_id)),
    )
    .set((committees::phone.eq(phone), committees::address.eq(address)))
    .execute(conn)
    .await?;
    Ok(n == 1)
}

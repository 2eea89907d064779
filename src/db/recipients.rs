//! The people a notice reaches, as rows: the parties of some cases with their accounts, a
//! committee's staff, a county's judges (`notify::recipients` turns them into people).

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{case_parties, cases as db_cases, users};
use crate::domain::Role;

/// A party of a case: case, party, side, its address and sealed number, its account, and the
/// account's address, sealed number, channel and language.
pub type PartyRow = (
    Uuid,
    Uuid,
    String,
    Option<String>,
    Option<Vec<u8>>,
    Option<Uuid>,
    Option<String>,
    Option<Vec<u8>>,
    Option<String>,
    Option<String>,
);

/// A staff account: id, address, language, committee, county, role, sealed number, channel.
pub type StaffRow = (
    Uuid,
    Option<String>,
    String,
    Option<Uuid>,
    Option<Uuid>,
    String,
    Option<Vec<u8>>,
    Option<String>,
);

macro_rules! numbers_where {
    ($county:expr, $case:expr) => {
        db_cases::table
            .filter(db_cases::county_id.eq($county))
            .filter($case)
            .select((db_cases::id, db_cases::number))
    };
}
macro_rules! parties_where {
    ($county:expr, $case:expr) => {
        case_parties::table
            .left_join(users::table.on(case_parties::user_id.eq(users::id.nullable())))
            .filter(case_parties::county_id.eq($county))
            .filter($case)
            .order((case_parties::case_id, case_parties::position))
            .select((
                case_parties::case_id,
                case_parties::id,
                case_parties::side,
                case_parties::email,
                case_parties::phone_enc,
                case_parties::user_id,
                users::email.nullable(),
                users::phone_enc.nullable(),
                users::channel.nullable(),
                users::language.nullable(),
            ))
    };
}

/// The numbers and the parties of some cases of one county. One case (every person's action)
/// binds its id alone: PostgreSQL keeps a generic plan for that, while `= ANY` of an array is
/// planned again on every call.
pub async fn numbers_and_parties(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    ids: &[Uuid],
) -> QueryResult<(Vec<(Uuid, String)>, Vec<PartyRow>)> {
    macro_rules! read {
        ($op:ident, $ids:expr) => {
            (
                numbers_where!(county_id, db_cases::id.$op($ids))
                    .load(conn)
                    .await?,
                parties_where!(county_id, case_parties::case_id.$op($ids))
                    .load(conn)
                    .await?,
            )
        };
    }
    Ok(match ids {
        [one] => read!(eq, one),
        many => read!(eq_any, many),
    })
}

macro_rules! staff_columns {
    () => {
        (
            users::id,
            users::email,
            users::language,
            users::committee_id,
            users::county_id,
            users::role,
            users::phone_enc,
            users::channel,
        )
    };
}

/// The mediators and heads of these committees, by address.
pub async fn committee_staff(
    conn: &mut AsyncPgConnection,
    committee_ids: &[Uuid],
) -> QueryResult<Vec<StaffRow>> {
    users::table
        .filter(users::committee_id.eq_any(committee_ids))
        .filter(users::role.eq_any([Role::Mediator.as_str(), Role::CommitteeHead.as_str()]))
        .order(users::email)
        .select(staff_columns!())
        .load(conn)
        .await
}

/// The mediators and heads of a village's committee, by the village's code: filing reads them
/// with its other reads, before it knows the committee's id.
pub async fn village_committee_staff<C>(
    conn: &mut C,
    village_code: &str,
) -> QueryResult<Vec<StaffRow>>
where
    C: diesel_async::AsyncConnectionCore<Backend = diesel::pg::Pg>,
{
    use super::schema::{committees, divisions};
    let committee = committees::table
        .inner_join(divisions::table.on(divisions::id.eq(committees::division_id)))
        .filter(divisions::code.eq(village_code))
        .filter(divisions::level.eq("village"))
        .select(committees::id.nullable());
    users::table
        .filter(users::committee_id.eq_any(committee))
        .filter(users::role.eq_any([Role::Mediator.as_str(), Role::CommitteeHead.as_str()]))
        .order(users::email)
        .select(staff_columns!())
        .load(conn)
        .await
}

/// Accounts by id: where to reach each (also for the parties of a case being filed).
pub async fn staff_by_id<C>(conn: &mut C, ids: &[Uuid]) -> QueryResult<Vec<StaffRow>>
where
    C: diesel_async::AsyncConnectionCore<Backend = diesel::pg::Pg>,
{
    users::table
        .filter(users::id.eq_any(ids))
        .select(staff_columns!())
        .load(conn)
        .await
}

/// The judges of these counties, by address.
pub async fn judges_of(
    conn: &mut AsyncPgConnection,
    counties: &[Uuid],
) -> QueryResult<Vec<StaffRow>> {
    users::table
        .filter(users::role.eq(Role::Judge.as_str()))
        .filter(users::county_id.eq_any(counties))
        .order(users::email)
        .select(staff_columns!())
        .load(conn)
        .await
}

//! Party rows added after filing, and party rows linked to an account.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::NewParty;
use crate::db::schema::case_parties;

/// One person the mediator adds to an open case (an agent or a third party).
pub struct AddedParty<'a> {
    pub county_id: Uuid,
    pub case_id: Uuid,
    pub party_id: Uuid,
    pub side: &'a str,
    pub details: NewParty,
    pub user_id: Option<Uuid>,
    /// Where the person stands in the case's list of parties.
    pub position: i32,
}

pub async fn insert_party(conn: &mut AsyncPgConnection, p: AddedParty<'_>) -> QueryResult<()> {
    diesel::insert_into(case_parties::table)
        .values((
            case_parties::county_id.eq(p.county_id),
            case_parties::id.eq(p.party_id),
            case_parties::case_id.eq(p.case_id),
            case_parties::side.eq(p.side),
            case_parties::name.eq(p.details.name),
            case_parties::email.eq(p.details.email),
            case_parties::phone_enc.eq(p.details.phone_enc),
            case_parties::phone_key.eq(p.details.phone_key),
            case_parties::user_id.eq(p.user_id),
            case_parties::position.eq(p.position),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Makes the party row the account's. With `only_unlinked`, a row that already belongs to an
/// account is left alone; returns whether the row changed.
pub async fn link_party(
    conn: &mut AsyncPgConnection,
    county_id: Uuid,
    party_id: Uuid,
    user_id: Uuid,
    only_unlinked: bool,
) -> QueryResult<bool> {
    let target = case_parties::table.find((county_id, party_id));
    let changed = if only_unlinked {
        diesel::update(target.filter(case_parties::user_id.is_null()))
            .set(case_parties::user_id.eq(user_id))
            .execute(conn)
            .await?
    } else {
        diesel::update(target)
            .set(case_parties::user_id.eq(user_id))
            .execute(conn)
            .await?
    };
    Ok(changed == 1)
}

/// Stores a party's sealed particulars (or clears them); false when no such party of the case.
pub async fn set_particulars(
    conn: &mut AsyncPgConnection,
    (county_id, case_id): (Uuid, Uuid),
    party_id: Uuid,
    sealed: Option<Vec<u8>>,
) -> QueryResult<bool> {
    let n = diesel::update(
        case_parties::table
            .filter(case_parties::county_id.eq(county_id))
            .filter(case_parties::case_id.eq(case_id))
            .filter(case_parties::id.eq(party_id)),
    )
    .set(case_parties::particulars_enc.eq(sealed))
    .execute(conn)
    .await?;
    Ok(n == 1)
}

//! `GET /api/v1/divisions`: the county → township → village tree with codes. Public, because a
//! resident chooses the village of the dispute before having an account.

use std::collections::HashMap;

use actix_web::web;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::answers;
use crate::casework::lists::{self, DivisionRow};
use crate::error::AppResult;
use crate::routes::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Node {
    code: String,
    name: String,
    level: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(no_recursion)]
    children: Vec<Node>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct TreeQuery {
    /// Only this county (its 12-digit code); all counties when absent.
    county: Option<String>,
}

fn build(
    rows: &[DivisionRow],
    children_of: &HashMap<Option<Uuid>, Vec<usize>>,
    parent: Option<Uuid>,
) -> Vec<Node> {
    children_of
        .get(&parent)
        .map(|idx| {
            idx.iter()
                .map(|&i| Node {
                    code: rows[i].code.clone(),
                    name: rows[i].name.clone(),
                    level: rows[i].level.clone(),
                    children: build(rows, children_of, Some(rows[i].id)),
                })
                .collect()
        })
        .unwrap_or_default()
}

#[utoipa::path(
    get,
    path = "/api/v1/divisions",
    operation_id = "divisions_tree",
    tag = "divisions",
    summary = "The county → township → village tree",
    params(TreeQuery),
    responses((status = 200, description = "Counties with their townships and villages", body = [Node]), answers::BadRequest, answers::Unavailable),
    security(()),
)]
pub async fn tree(
    state: web::Data<AppState>,
    query: web::Query<TreeQuery>,
) -> AppResult<web::Json<Vec<Node>>> {
    let mut conn = state.pool.get().await?;
    let rows = lists::divisions(&mut conn).await?;
    let mut children_of: HashMap<Option<Uuid>, Vec<usize>> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        children_of.entry(row.parent_id).or_default().push(i);
    }
    let mut counties = build(&rows, &children_of, None);
    if let Some(code) = &query.county {
        counties.retain(|c| &c.code == code);
    }
    Ok(web::Json(counties))
}

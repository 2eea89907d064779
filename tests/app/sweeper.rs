//! The deadline sweeper's own mechanics (the escalations themselves are in journeys.rs): the
//! due cases are listed in key order, page after page, each once, and a sweep with several
//! connections changes each of them exactly once.

use chrono::{Duration, Utc};
use fengqiao::db::cases::batch::due_keys;
use uuid::Uuid;

use crate::cases_support::id;
use crate::harness::TestApp;

#[tokio::test]
async fn due_cases_are_listed_in_key_order_page_by_page_and_swept_once() {
    let app = TestApp::spawn().await;
    let mut filed = Vec::new();
    for _ in 0..3 {
        let (_, case) = app.file().await;
        filed.push(Uuid::parse_str(&id(&case)).unwrap());
    }
    // Past the village's acceptance clock of the three new filings.
    let later = Utc::now() + Duration::days(4);
    let pool = fengqiao::db::pool(&app.config.database_url, 3).unwrap();
    let mut conn = pool.get().await.unwrap();
    let all = due_keys(&mut conn, later, None, 1000).await.unwrap();
    for case in &filed {
        assert!(all.iter().any(|(_, id)| id == case), "{case} is due");
    }
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted, "county, then id, as PostgreSQL orders uuids");
    // One at a time, each page after the last key of the one before: the same list.
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = due_keys(&mut conn, later, after, 1).await.unwrap();
        let Some(last) = page.last() else { break };
        after = Some(*last);
        paged.extend(page);
    }
    assert_eq!(paged, all);
    drop(conn);
    // Two connections take the batches in turn; every case is changed, none twice.
    let report = fengqiao::jobs::sweeper::sweep(&pool, later, 2)
        .await
        .unwrap();
    assert!(report.changed >= all.len(), "{report}");
    assert_eq!(report.refused, 0);
    for case in &filed {
        let missed = app
            .count(&format!(
                "SELECT count(*) FROM case_events WHERE case_id = '{case}' AND kind = 'deadline_missed'"
            ))
            .await;
        assert_eq!(missed, 1, "{case} swept once");
    }
    let mut conn = pool.get().await.unwrap();
    let still = due_keys(&mut conn, later, None, 1000).await.unwrap();
    assert!(still.iter().all(|(_, id)| !filed.contains(id)));
}

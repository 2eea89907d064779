//! Similar past cases (SPEC §7): among the county's ended cases, the ones told in the same words
//! come first for the mediator of a new case; none names a party or carries a number.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases_support::{dispute, id, mediate_to_resolution};
use crate::harness::{TestApp, error_of};

const DRAIN: [&str; 3] = [
    "王秀英说李建国家的排水管通到她家院墙下，一下雨就积水，墙根泡坏了，打李建国电话13912345678也不接。",
    "邻居李建国把排水管接到王秀英家墙边，雨天积水严重，院墙墙根开裂。",
    "李建国家新装的排水管朝王秀英家院子排水，积水把墙根泡软了。",
];
const BOUNDARY: [&str; 3] = [
    "李建国把两家承包地之间的界桩往王秀英家地里挪了半米，多种了一垄玉米。",
    "两户为承包地界桩位置争执，王秀英认为李建国私自移动界桩。",
    "王秀英家和李建国家的承包地界桩被挖走，双方对地界各执一词。",
];
const WAGES: [&str; 3] = [
    "王秀英在李建国的砖厂干了三个月，工资一万二千元一直拖欠不发。",
    "李建国承包工程拖欠王秀英等五名工人工资，讨要多次未果。",
    "王秀英给李建国的养殖场打工，年底结算时工资少给了四千元。",
];

async fn file(app: &TestApp, resident: &str, narrative: &str, category: &str) -> String {
    let mut body = dispute();
    body["narrative"] = json!(narrative);
    body["category"] = json!(category);
    let res = app.post_json("/api/v1/cases", Some(resident), &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    id(&res.json::<Value>().await.unwrap())
}

#[tokio::test]
async fn the_mediator_sees_the_county_s_like_cases_first_and_nobody_in_them() {
    let app = TestApp::spawn().await;
    let resident = app.login("resident@demo.test").await;
    let mediator = app.login("village.mediator@demo.test").await;
    let mut drain = Vec::new();
    for (texts, category) in [(DRAIN, "neighbour"), (BOUNDARY, "land"), (WAGES, "labour")] {
        for text in texts {
            let case = file(&app, &resident, text, category).await;
            mediate_to_resolution(&app, &resident, &mediator, &case).await;
            if category == "neighbour" {
                drain.push(case);
            }
        }
    }
    // The indicators' job meets the ended cases and indexes them.
    let pool = fengqiao::db::pool(&app.config.database_url, 1).unwrap();
    let mut conn = pool.get().await.unwrap();
    fengqiao::jobs::rollup::run_once(&mut conn).await.unwrap();
    assert_eq!(app.count("SELECT count(*) FROM case_likeness").await, 9);

    let new = file(
        &app,
        &resident,
        "隔壁的排水管对着我家院墙排水，下雨积水，墙根都泡坏了。",
        "neighbour",
    )
    .await;
    let res = app
        .get(&format!("/api/v1/cases/{new}/similar"), Some(&mediator))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let found: Value = res.json().await.unwrap();
    let found = found.as_array().unwrap();
    assert!(found.len() >= 3 && found.len() <= 5, "{found:?}");
    for f in &found[..3] {
        assert_eq!(f["category"], "neighbour", "{f}");
        assert!(f["summary"].as_str().unwrap().contains("排水管"), "{f}");
        assert_eq!(f["outcome"], "resolved");
        assert_eq!(f["level"], "village");
        assert!(
            f["obligations"][0]["what"]
                .as_str()
                .unwrap()
                .contains("排水管")
        );
    }
    // Nobody's name, number, case id or evidence.
    let text = serde_json::to_string(&found).unwrap();
    for secret in ["王秀英", "李建国", "13912345678", "13812345678", "330681-"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    for case in &drain {
        assert!(!text.contains(case.as_str()));
    }
    assert!(
        found
            .iter()
            .all(|f| f.get("case_id").is_none() && f.get("number").is_none())
    );

    // A party of the case does not get them; someone outside the case gets nothing.
    error_of(
        app.get(&format!("/api/v1/cases/{new}/similar"), Some(&resident))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let other = app.login("other.mediator@demo.test").await;
    error_of(
        app.get(&format!("/api/v1/cases/{new}/similar"), Some(&other))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // The mediator's case page shows them too.
    let (_, page, _) = app
        .page(&format!("/cases/{new}"), Some(&mediator), "zh")
        .await;
    assert!(page.contains("类似的已结案件"), "{page}");
    assert!(!page.contains("13912345678"));
}

/// Every search reads the index's whole pending list (entries not yet merged in), so the list is
/// kept short: at the default 4 MB a search at a million cases took 40 times longer.
#[tokio::test]
async fn the_likeness_index_keeps_its_pending_list_short() {
    let app = TestApp::spawn().await;
    let row = app
        .sql()
        .await
        .query_one(
            "SELECT reloptions::text FROM pg_class WHERE relname = 'case_likeness_words'",
            &[],
        )
        .await
        .unwrap();
    let options: Option<String> = row.get(0);
    assert_eq!(options.as_deref(), Some("{gin_pending_list_limit=64}"));
}

//! Loading a grid office's records (SPEC §7 *One entry, reused*): `fengqiao import` files every
//! good line through the engine, reports every refused one with its reason and line, and a
//! second load of the same file files nothing.

use crate::harness::TestApp;

fn fengqiao(app: &TestApp, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .args(args)
        .env("DATABASE_URL", &app.config.database_url)
        .env_remove("FENGQIAO_ENV")
        .output()
        .unwrap()
}

/// A line of the file and what should become of it.
enum Fate {
    Filed,
    Refused(&'static str),
}

fn line(i: usize) -> (String, Fate) {
    let village = if i.is_multiple_of(2) {
        "330681109201"
    } else {
        "330681109202"
    };
    let category = if i.is_multiple_of(3) {
        "邻里纠纷"
    } else {
        "land"
    };
    let good = |village: &str, category: &str, narrative: &str, phone: &str, day: &str| {
        format!(
            "GRID-{i:05},{village},{category},王秀英{i},139{i:08},李建国{i},{phone},\"{narrative}\",赔偿修缮费,\"1,200\",{day}"
        )
    };
    let narrative = "排水管通到院墙下，雨天积水，墙根泡坏。";
    match i % 10 {
        7 => (
            good("330681999999", category, narrative, "", "2026-11-03"),
            Fate::Refused("is not a village or community we serve"),
        ),
        8 => (
            good(village, "吵架", narrative, "", "2026-11-03"),
            Fate::Refused("category (纠纷类型) \"吵架\" is not known"),
        ),
        9 if i % 30 == 9 => (
            good(village, category, narrative, "", "2099-01-01"),
            Fate::Refused("is in the future"),
        ),
        9 if i % 30 == 19 => (
            good(village, category, "", "", "2026-11-03"),
            Fate::Refused("Please fill in narrative"),
        ),
        9 => (
            good(village, category, narrative, "12345", "2026/11/03"),
            Fate::Refused("respondent 1:"),
        ),
        _ => (
            good(village, category, narrative, "13800138000", ""),
            Fate::Filed,
        ),
    }
}

#[tokio::test]
async fn ten_thousand_lines_load_with_exact_counts_and_reasons_and_a_second_load_adds_nothing() {
    let app = TestApp::spawn().await;
    let before = app.count("SELECT count(*) FROM cases").await;
    let mut csv = String::from(
        "编号,村社区代码,纠纷类型,申请人,申请人手机,被申请人,被申请人手机,纠纷经过,申请事项,涉及金额,登记日期\n",
    );
    let mut fates = Vec::new();
    for i in 0..10_000 {
        let (text, fate) = line(i);
        csv.push_str(&text);
        csv.push('\n');
        fates.push(fate);
    }
    // The same id twice in one file: the second is refused.
    let (again, _) = line(0);
    csv.push_str(&again);
    csv.push('\n');
    let path = app.config.data_dir.join("grid.csv");
    std::fs::create_dir_all(&app.config.data_dir).unwrap();
    std::fs::write(&path, &csv).unwrap();

    let run = || {
        fengqiao(
            &app,
            &[
                "import",
                path.to_str().unwrap(),
                "--county",
                "330681000000",
                "--by",
                "admin@demo.test",
            ],
        )
    };
    let out = run();
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let filed = fates.iter().filter(|f| matches!(f, Fate::Filed)).count();
    let refused = fates.len() - filed;
    assert!(
        said.trim_end().ends_with(&format!(
            "{filed} filed, 0 filed before, {} refused",
            refused + 1
        )),
        "{}",
        &said[said.len().saturating_sub(300)..]
    );
    // Each refused line is named with its line number and the reason of its kind.
    let lines: Vec<&str> = said.lines().collect();
    for (i, fate) in fates.iter().enumerate() {
        if let Fate::Refused(reason) = fate {
            let prefix = format!("line {} (GRID-{i:05}): ", i + 2);
            let found = lines
                .iter()
                .find(|l| l.starts_with(&prefix))
                .unwrap_or_else(|| panic!("no report for line {}", i + 2));
            assert!(found.contains(reason), "{found} should say {reason}");
        }
    }
    assert!(
        said.contains(
            "line 10002 (GRID-00000): external_id (编号) GRID-00000 is on line 2 already."
        )
    );
    assert_eq!(
        app.count("SELECT count(*) FROM cases").await - before,
        filed as i64
    );
    // Filed like any assisted filing: routed to the village committee, clock running, paper
    // consent, the applicant's phone sealed, the history chained.
    assert_eq!(
        app.count("SELECT count(*) FROM cases c JOIN imported_cases i ON i.case_id = c.id \
             JOIN case_filings f ON f.case_id = c.id \
             WHERE c.status = 'submitted' AND c.deadline_at IS NOT NULL AND f.assisted_consent = 'paper'")
            .await,
        filed as i64
    );
    assert_eq!(
        app.count("SELECT count(*) FROM case_events e JOIN imported_cases i ON i.case_id = e.case_id WHERE e.kind = 'filed'").await,
        filed as i64
    );
    let audit = fengqiao(&app, &["verify-audit"]);
    assert!(
        audit.status.success(),
        "{}",
        String::from_utf8_lossy(&audit.stdout)
    );

    // The same file again: nothing new.
    let out = run();
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        said.trim_end().ends_with(&format!(
            "0 filed, {filed} filed before, {} refused",
            refused + 1
        )),
        "{}",
        &said[said.len().saturating_sub(300)..]
    );
    assert_eq!(
        app.count("SELECT count(*) FROM cases").await - before,
        filed as i64
    );
}

#[tokio::test]
async fn a_file_without_the_columns_or_an_importer_of_another_county_is_refused_whole() {
    let app = TestApp::spawn().await;
    let path = app.config.data_dir.join("bad.csv");
    std::fs::create_dir_all(&app.config.data_dir).unwrap();
    std::fs::write(&path, "编号,村社区代码\nA-1,330681109201\n").unwrap();
    let args = |by: &'static str| {
        [
            "import".to_owned(),
            path.to_str().unwrap().to_owned(),
            "--county".to_owned(),
            "330681000000".to_owned(),
            "--by".to_owned(),
            by.to_owned(),
        ]
    };
    let out = fengqiao(
        &app,
        &args("admin@demo.test").each_ref().map(String::as_str),
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("category") && err.contains("header"), "{err}");
    let out = fengqiao(
        &app,
        &args("village.mediator@demo.test")
            .each_ref()
            .map(String::as_str),
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an active county admin"));
    assert_eq!(app.count("SELECT count(*) FROM imported_cases").await, 0);
}

#[tokio::test]
async fn records_in_the_record_format_load_once_and_the_exports_open_cases_load_again() {
    use serde_json::{Value, json};
    let app = TestApp::spawn().await;
    let admin = app.login("admin@demo.test").await;
    let res = app
        .post_json(
            "/api/v1/api-keys",
            Some(&admin),
            &json!({"name": "另一套调解系统", "scope": "read"}),
        )
        .await;
    let key = res.json::<Value>().await.unwrap()["key"]
        .as_str()
        .unwrap()
        .to_owned();
    // A dispute that ended (withdrawn) beside the open ones.
    let (resident, filed) = app.file().await;
    app.file().await;
    app.act_ok(
        &resident,
        &crate::cases_support::id(&filed),
        json!({"action": "withdraw"}),
    )
    .await;
    // The county's export, as another installation would hand it over.
    let mut records = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let path = match &next {
            None => "/api/v1/export?limit=500".to_owned(),
            Some(c) => format!("/api/v1/export?limit=500&cursor={c}"),
        };
        let page: Value = app.get(&path, Some(&key)).await.json().await.unwrap();
        records.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next"].as_str() {
            Some(c) => next = Some(c.to_owned()),
            None => break,
        }
    }
    let open = [
        "submitted",
        "awaiting_respondent",
        "in_mediation",
        "agreement_pending",
        "unmediable",
    ];
    let is_open = |r: &Value| open.contains(&r["case"]["status"].as_str().unwrap());
    let (opened, ended) = (
        records.iter().filter(|r| is_open(r)).count(),
        records.iter().filter(|r| !is_open(r)).count(),
    );
    assert!(opened > 0 && ended > 0, "open and ended disputes");
    // Another system writes records itself, with numbers in full; and some it gets wrong.
    let mut own = records.iter().find(|r| is_open(r)).unwrap().clone();
    own["case"]["number"] = json!("GRID-2026-7");
    own["case"]["parties"][0]["phone"] = json!("13900007777");
    let mut nowhere = own.clone();
    nowhere["case"]["number"] = json!("GRID-2026-8");
    nowhere["case"]["village"]["code"] = json!("330681999999");
    let mut future = own.clone();
    future["case"]["number"] = json!("GRID-2026-9");
    future["case"]["format"] = json!("ignored");
    future["format"] = json!("fengqiao-record/2");
    let mut file: Vec<String> = records.iter().map(Value::to_string).collect();
    file.extend([
        own.to_string(),
        nowhere.to_string(),
        future.to_string(),
        "{\"format\": \"fengqiao-record/1\", \"case\": ".to_owned(),
        String::new(),
        own.to_string(),
    ]);
    let path = app.config.data_dir.join("records.jsonl");
    std::fs::create_dir_all(&app.config.data_dir).unwrap();
    std::fs::write(&path, file.join("\n") + "\n").unwrap();
    let before = app.count("SELECT count(*) FROM cases").await;
    let run = || {
        let out = fengqiao(
            &app,
            &[
                "import",
                path.to_str().unwrap(),
                "--county",
                "330681000000",
                "--by",
                "admin@demo.test",
            ],
        );
        let said = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{said}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        said
    };
    let said = run();
    let n = records.len();
    assert!(
        said.trim_end().ends_with(&format!(
            "{} filed, 0 filed before, {} refused",
            opened + 1,
            ended + 4
        )),
        "{said}"
    );
    let ended_line = records.iter().position(|r| !is_open(r)).unwrap() + 1;
    assert!(
        said.contains(&format!("line {ended_line} ("))
            && said.contains("says the dispute has ended"),
        "{said}"
    );
    assert!(
        said.contains(&format!("line {} (GRID-2026-8): ", n + 2)),
        "{said}"
    );
    assert!(
        said.contains("is not a village or community we serve"),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "line {} (GRID-2026-9): format \"fengqiao-record/2\"",
            n + 3
        )),
        "{said}"
    );
    assert!(
        said.contains(&format!("line {} (): The line is not a record", n + 4)),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "line {} (GRID-2026-7): case.number GRID-2026-7 is on line {} already.",
            n + 6,
            n + 1
        )),
        "{said}"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM cases").await - before,
        opened as i64 + 1
    );
    // Filed as assisted filings on paper, at the village, clock running; the history chained.
    assert_eq!(
        app.count(
            "SELECT count(*) FROM cases c JOIN imported_cases i ON i.case_id = c.id \
             JOIN case_filings f ON f.case_id = c.id \
             WHERE c.status = 'submitted' AND c.level = 'village' AND c.deadline_at IS NOT NULL \
             AND f.assisted_consent = 'paper'"
        )
        .await,
        opened as i64 + 1
    );
    let audit = fengqiao(&app, &["verify-audit"]);
    assert!(
        audit.status.success(),
        "{}",
        String::from_utf8_lossy(&audit.stdout)
    );
    // The same file again: nothing new.
    let said = run();
    assert!(
        said.trim_end().ends_with(&format!(
            "0 filed, {} filed before, {} refused",
            opened + 1,
            ended + 4
        )),
        "{said}"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM cases").await - before,
        opened as i64 + 1
    );
}

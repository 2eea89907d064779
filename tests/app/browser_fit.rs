//! Every page of every role at 360 px, in Chinese and English, in normal and large text: none
//! scrolls sideways, no control is smaller than a fingertip, the banner is never smaller than the
//! text (SPEC §6.1). Each page in large Chinese text is kept as a screenshot.

use crate::browser::{Browser, Options};
use crate::harness::TestApp;

#[tokio::test]
async fn every_page_fits_a_phone_and_a_finger_in_both_languages_and_text_sizes() {
    let app = TestApp::spawn().await;
    let stops = crate::page_tour::tour(&app).await;
    let b = Browser::open(&app, Options { width: 360 }).await;
    let mut problems = Vec::new();
    let mut last_session: Option<Option<String>> = None;
    for stop in &stops {
        if last_session.as_ref() != Some(&stop.session) {
            b.go("/help").await;
            b.client.delete_all_cookies().await.unwrap();
            if let Some(session) = &stop.session {
                b.cookie("fq_session", session).await;
            }
            last_session = Some(stop.session.clone());
        }
        for lang in ["zh", "en"] {
            for big in ["0", "1"] {
                b.cookie("fq_lang", lang).await;
                b.cookie("fq_big", big).await;
                b.go(&stop.path).await;
                for p in b.trip_hazards().await {
                    problems.push(format!(
                        "{} {} ({lang}, big={big}): {p}",
                        stop.who, stop.path
                    ));
                }
                if lang == "zh" && big == "1" {
                    // Named by who and where, a case's or card's code left out.
                    let place: Vec<&str> = stop
                        .path
                        .split(['/', '?', '='])
                        .filter(|part| !part.is_empty() && part.len() < 16)
                        .collect();
                    let name = format!("{}-{}", stop.who, place.join("-"));
                    b.keep(&format!("fit-{}", name.replace('&', "-"))).await;
                }
            }
        }
    }
    b.close().await;
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

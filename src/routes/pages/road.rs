//! The road of a case, village → township → county, as three steps with where the case stands
//! on each (the case page and the page a 解纷码 opens; `templates/pages/road.html`).

use super::Ctx;
use crate::workflow::{Level, Status};

/// Each level's short plain name, its state (`done`, `here`, `ahead`) and that in words.
pub type Step = (&'static str, &'static str, &'static str);

pub fn steps(ctx: &Ctx, level: &str, status: &str) -> Vec<Step> {
    let here = Level::parse(level).unwrap_or(Level::Village);
    let ended = Status::parse(status).is_some_and(|s| s.is_final());
    Level::ALL
        .into_iter()
        .map(|level| {
            // Short names, so each step fits a third of a phone in large text.
            let name = match level {
                Level::Village => ctx.t("村里", "Village"),
                Level::Township => ctx.t("镇里", "Township"),
                Level::County => ctx.t("县里", "County"),
            };
            let (state, words) = match level.cmp(&here) {
                std::cmp::Ordering::Less => ("done", ctx.t("已经过", "passed")),
                std::cmp::Ordering::Equal if ended => ("here", ctx.t("在这里办完", "ended here")),
                std::cmp::Ordering::Equal => ("here", ctx.t("在这里", "here now")),
                std::cmp::Ordering::Greater if ended => ("ahead", ctx.t("不需要", "not needed")),
                std::cmp::Ordering::Greater => {
                    ("ahead", ctx.t("调不成才去", "only if not settled"))
                }
            };
            (name, state, words)
        })
        .collect()
}

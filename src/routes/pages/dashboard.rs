//! `/dashboard` (judges, county administrators, committee heads) and the public `/stats/{code}`:
//! the Fengqiao indicators as headline figures, tables and SVG charts, without script.

use actix_web::{HttpRequest, web};
use askama::Template;

use super::charts::{Bar, bars, columns};
use super::{Ctx, OrPage, PageResult, page};
use crate::casework::public_stats::{self, PublicFigures, PublicQuery};
use crate::casework::stats::{self, Report, StatsQuery, Unit};
use crate::routes::AppState;
use crate::stats::indicators::Indicators;

/// One headline: the figure, its change against the previous period, its definition.
pub struct Headline {
    pub name: String,
    pub value: String,
    pub change: String,
    pub definition: String,
}

pub fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |v| format!("{:.1}%", v * 100.0))
}

fn change_pp(now: Option<f64>, before: Option<f64>, ctx: &Ctx) -> String {
    match (now, before) {
        (Some(a), Some(b)) => {
            let d = (a - b) * 100.0;
            format!(
                "{} {:+.1} {}",
                ctx.t("比上期", "vs previous"),
                d,
                ctx.t("个百分点", "points")
            )
        }
        _ => ctx
            .t("上期无可比数据", "no figure for the previous period")
            .to_owned(),
    }
}

fn change_n(now: i64, before: i64, ctx: &Ctx) -> String {
    format!("{} {:+}", ctx.t("比上期", "vs previous"), now - before)
}

fn headlines(ctx: &Ctx, r: &Report) -> Vec<Headline> {
    let (t, p) = (&r.total, &r.previous);
    let def = |k: &str| {
        let defs = if ctx.en() {
            &r.definitions
        } else {
            &r.definitions_zh
        };
        defs.get(k).copied().unwrap_or_default().to_owned()
    };
    vec![
        Headline {
            name: ctx.t("小事不出村", "Resolved in the village").into(),
            value: pct(t.resolved_in_village_rate),
            change: change_pp(t.resolved_in_village_rate, p.resolved_in_village_rate, ctx),
            definition: def("resolved_in_village_rate"),
        },
        Headline {
            name: ctx.t("大事不出镇", "Resolved in the township").into(),
            value: pct(t.resolved_in_township_rate),
            change: change_pp(
                t.resolved_in_township_rate,
                p.resolved_in_township_rate,
                ctx,
            ),
            definition: def("resolved_in_township_rate"),
        },
        Headline {
            name: ctx.t("矛盾上交", "Pushed up").into(),
            value: format!("{} ({})", t.pushed_up, pct(t.pushed_up_rate)),
            change: change_n(t.pushed_up, p.pushed_up, ctx),
            definition: def("pushed_up_rate"),
        },
        Headline {
            name: ctx
                .t("办结天数（中位数）", "Days to resolution (median)")
                .into(),
            value: t
                .days_median
                .map_or("—".into(), |d| format!("{d} {}", ctx.t("天", "days"))),
            change: format!(
                "{} {}",
                ctx.t("90%的案件不超过", "90% within"),
                t.days_p90
                    .map_or("—".into(), |d| format!("{d} {}", ctx.t("天", "days")))
            ),
            definition: def("days"),
        },
        Headline {
            name: ctx.t("满意度", "Satisfaction").into(),
            value: t
                .satisfaction
                .mean
                .map_or("—".into(), |m| format!("{m:.1} / 5")),
            change: format!(
                "{} {}",
                ctx.t("评价比例", "rated by"),
                pct(t.satisfaction.rated_share)
            ),
            definition: def("satisfaction"),
        },
        Headline {
            name: ctx.t("少跑腿（次）", "Trips avoided").into(),
            value: t.trips_avoided.total.to_string(),
            change: change_n(t.trips_avoided.total, p.trips_avoided.total, ctx),
            definition: def("trips_avoided"),
        },
    ]
}

#[derive(Template)]
#[template(path = "pages/dashboard.html")]
struct Dashboard<'a> {
    ctx: &'a Ctx,
    r: &'a Report,
    headlines: Vec<Headline>,
    trend: String,
    funnel: String,
    compare: String,
    unit_name: &'a str,
    query: String,
    mediators: Option<std::sync::Arc<Report>>,
}

impl Dashboard<'_> {
    fn pct(&self, v: &Option<f64>) -> String {
        pct(*v)
    }

    fn days(&self, i: &Indicators) -> String {
        i.days_median.map_or("—".into(), |d| d.to_string())
    }

    fn mean(&self, i: &Indicators) -> String {
        i.satisfaction
            .mean
            .map_or("—".into(), |m| format!("{m:.1}"))
    }
}

pub async fn dashboard(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<StatsQuery>,
) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let user = ctx.user()?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let mut q = query.into_inner();
    // Below a township, the table is per village; else per township.
    if q.unit.as_deref().is_none_or(str::is_empty) {
        q.unit = Some(if q.within.as_deref().is_some_and(|w| !w.is_empty()) {
            "village".into()
        } else {
            "township".into()
        });
    }
    let r = stats::report(&mut conn, &state.stats, user, &q)
        .await
        .or_page(&ctx)?;
    let mediators = if user.is_head() {
        let mut mq = q.clone();
        mq.unit = Some("mediator".into());
        Some(
            stats::report(&mut conn, &state.stats, user, &mq)
                .await
                .or_page(&ctx)?,
        )
    } else {
        None
    };
    let trend = columns(
        ctx.t("每月申请的案件数", "Cases filed per month"),
        &r.months
            .iter()
            .map(|m| Bar {
                label: m.month[5..].trim_start_matches('0').to_owned(),
                value: m.indicators.filed as f64,
                text: m.indicators.filed.to_string(),
            })
            .collect::<Vec<_>>(),
    );
    let t = &r.total;
    let funnel = bars(
        ctx.t("案件在哪一级调成", "Where cases were resolved"),
        &[
            Bar {
                label: ctx.t("已办结", "Ended").into(),
                value: t.ended as f64,
                text: t.ended.to_string(),
            },
            Bar {
                label: ctx.t("村级调成", "In the village").into(),
                value: t.resolved_in_village_rate.unwrap_or(0.0) * t.ended as f64,
                text: pct(t.resolved_in_village_rate),
            },
            Bar {
                label: ctx.t("镇级及以下调成", "By the township").into(),
                value: t.resolved_in_township_rate.unwrap_or(0.0) * t.ended as f64,
                text: pct(t.resolved_in_township_rate),
            },
            Bar {
                label: ctx.t("矛盾上交", "Pushed up").into(),
                value: t.pushed_up as f64,
                text: pct(t.pushed_up_rate),
            },
        ],
        None,
    );
    let compare = bars(
        ctx.t("各单位小事不出村比例", "Resolved in the village, by unit"),
        &r.rows
            .iter()
            .map(|row| Bar {
                label: row.name.clone(),
                value: row.indicators.resolved_in_village_rate.unwrap_or(0.0),
                text: pct(row.indicators.resolved_in_village_rate),
            })
            .collect::<Vec<_>>(),
        Some(1.0),
    );
    let unit_name = match r.unit {
        Unit::County => ctx.t("县", "County"),
        Unit::Township => ctx.t("乡镇", "Township"),
        Unit::Village => ctx.t("村（社区）", "Village"),
        Unit::Committee => ctx.t("调委会", "Committee"),
        Unit::Mediator => ctx.t("调解员", "Mediator"),
    };
    let query = format!(
        "from={}&to={}&unit={}{}",
        r.period.from,
        r.period.to,
        r.unit.as_str(),
        r.within
            .as_ref()
            .map(|w| format!("&within={}", w.code))
            .unwrap_or_default()
    );
    page(
        &ctx,
        &Dashboard {
            ctx: &ctx,
            headlines: headlines(&ctx, &r),
            r: &r,
            trend,
            funnel,
            compare,
            unit_name,
            query,
            mediators,
        },
    )
}

#[derive(Template)]
#[template(path = "pages/public_stats.html")]
struct Public<'a> {
    ctx: &'a Ctx,
    f: &'a PublicFigures,
    chart: String,
}

pub async fn public(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: web::Query<PublicQuery>,
) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let mut q = query.into_inner();
    q.county = Some(code.into_inner());
    let f = public_stats::figures(&mut conn, &state.stats, &q)
        .await
        .or_page(&ctx)?;
    let chart = bars(
        ctx.t(
            "各乡镇小事不出村比例",
            "Resolved in the village, by township",
        ),
        &f.rows
            .iter()
            .map(|r| Bar {
                label: r.name.clone(),
                value: match r.resolved_in_village_rate {
                    public_stats::Shown::Share(v) => v,
                    _ => 0.0,
                },
                text: r.resolved_in_village_rate.text(),
            })
            .collect::<Vec<_>>(),
        Some(1.0),
    );
    page(
        &ctx,
        &Public {
            ctx: &ctx,
            f: &f,
            chart,
        },
    )
}

#[derive(Template)]
#[template(path = "pages/public_counties.html")]
struct Counties<'a> {
    ctx: &'a Ctx,
    counties: Vec<(String, String)>,
}

/// `/stats`: the counties whose figures are published.
pub async fn counties(req: HttpRequest, state: web::Data<AppState>) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let counties = public_stats::counties(&mut conn).await.or_page(&ctx)?;
    page(
        &ctx,
        &Counties {
            ctx: &ctx,
            counties,
        },
    )
}

//! HTML pages, one file per screen. They call the same case-work functions (and so the same
//! engine and gate) as the API: no rule is written twice. Every form carries the CSRF token;
//! everything works without JavaScript.

pub mod account;
pub mod admin;
pub mod admin_deletions;
pub mod admin_integrations;
pub mod admin_staff;
pub mod case;
pub mod case_forms;
pub mod charts;
pub mod csrf;
pub mod ctx;
pub mod dashboard;
pub mod documents;
pub mod filing;
pub mod filing_sign_in;
pub mod home;
pub mod labels;
pub mod lists;
pub mod my_account;
pub mod notices;
pub mod road;
pub mod second_factor;
pub mod sign_in;
pub mod submitted;
pub mod zh_errors;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use askama::Template;

pub use ctx::Ctx;

use crate::error::AppError;
use crate::workflow::Lang;

#[derive(Template)]
#[template(path = "pages/error.html")]
struct ErrorPage<'a> {
    ctx: &'a Ctx,
    title: &'a str,
    message: String,
    back: Option<&'a str>,
}

/// An error shown as a page; "please log in" becomes a redirect to the login page.
pub struct PageError {
    error: AppError,
    lang: Lang,
    /// The page's context when there was one: the error page then keeps the caller in its
    /// header and the large text.
    ctx: Option<Box<Ctx>>,
    login_next: Option<String>,
    back: Option<String>,
}

impl PageError {
    /// An error before the page's context was known (it is shown to a visitor).
    pub fn new(error: AppError, lang: Lang) -> PageError {
        PageError {
            error,
            lang,
            ctx: None,
            login_next: None,
            back: None,
        }
    }

    /// An error on a page: shown with the page's caller, language and text size.
    pub fn of(error: AppError, ctx: &Ctx) -> PageError {
        PageError {
            ctx: Some(Box::new(ctx.clone())),
            ..PageError::new(error, ctx.lang)
        }
    }

    pub fn login(next: &str, lang: Lang) -> PageError {
        PageError {
            login_next: Some(next.to_owned()),
            ..PageError::new(AppError::Unauthorized, lang)
        }
    }

    /// Offers a link back (e.g. to the case) on the error page.
    pub fn back_to(mut self, path: String) -> PageError {
        self.back = Some(path);
        self
    }
}

/// What the log says of a page's error: the error and where it leads, never the page's context
/// (its form token and address).
impl std::fmt::Debug for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageError")
            .field("error", &self.error)
            .field("lang", &self.lang)
            .field("login_next", &self.login_next)
            .field("back", &self.back)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

fn title_of(error: &AppError, lang: Lang) -> &'static str {
    let zh = lang == Lang::Zh;
    match error {
        AppError::NotFound => {
            if zh {
                "找不到这个页面"
            } else {
                "Page not found"
            }
        }
        AppError::NoDocument { .. } => {
            if zh {
                "这份文书还没有"
            } else {
                "No such document yet"
            }
        }
        AppError::Unauthorized => {
            if zh {
                "请先登录"
            } else {
                "Please log in"
            }
        }
        AppError::Unavailable => {
            if zh {
                "系统繁忙，请稍后再试"
            } else {
                "Busy: please try again shortly"
            }
        }
        AppError::Conflict { .. } => {
            if zh {
                "现在不能这样操作"
            } else {
                "This cannot be done now"
            }
        }
        AppError::Forbidden(_) => {
            if zh {
                "您不能进行这项操作"
            } else {
                "You cannot do this"
            }
        }
        AppError::BadRequest(_) | AppError::Unprocessable(_) => {
            if zh {
                "请检查填写的内容"
            } else {
                "Please check what you entered"
            }
        }
        _ => {
            if zh {
                "出了点问题"
            } else {
                "Something went wrong"
            }
        }
    }
}

/// The sentence of an error in the page's language. The errors whose words are fixed are said
/// here in Chinese; those that carry a sentence of the rule that refused (a wrong field, a wrong
/// state) are said in Chinese by `zh_errors`, or by a plain sentence of their kind.
pub fn message_of(error: &AppError, lang: Lang) -> String {
    if let AppError::TooManyRequests { retry_after_secs } = error {
        let wait = wait_words(*retry_after_secs, lang);
        return match lang {
            Lang::Zh => format!("次数太频繁了，请 {wait}后再试。"),
            Lang::En => format!("Too many tries. Please try again in {wait}."),
        };
    }
    if lang == Lang::En {
        return error.to_string();
    }
    match error {
        AppError::Unauthorized => "请先登录。".into(),
        AppError::BadCredentials => "邮箱或密码不对。".into(),
        AppError::InvalidCode => "验证码不对或已失效，请重新获取。".into(),
        AppError::NotFound => "这个地址下没有内容。请检查链接，或回到首页重新查找。".into(),
        AppError::NoDocument { zh, .. } => (*zh).into(),
        AppError::Locked => "多次输错后账号已锁定。如果账号存在，解锁链接已发到它的邮箱。".into(),
        AppError::Unavailable => "系统繁忙或暂时连不上数据库，请稍后再试。".into(),
        AppError::NotSent => "验证码暂时发不出去，请一分钟后再试。".into(),
        AppError::Integrity => "存档的文件与登记的校验码不符，已暂停提供，并已通知管理员。".into(),
        AppError::Internal(_) => "系统出了问题，已记录下来。请稍后再试。".into(),
        other => {
            let said = other.to_string();
            zh_errors::zh(&said).unwrap_or_else(|| match other {
                AppError::Conflict { .. } => {
                    "现在不能这样操作。请重新打开页面看看案件现在的情况。".into()
                }
                AppError::Forbidden(_) => "您不能进行这项操作。".into(),
                AppError::PayloadTooLarge(_) => "文件太大了，请换一个小一点的文件。".into(),
                AppError::UnsupportedMediaType(_) => "不能上传这种文件。".into(),
                _ => "有一项填写得不对，请检查后再提交。".into(),
            })
        }
    }
}

/// A wait as a person says it: "40 秒", "3 分钟", "24 小时" (rounded up).
pub fn wait_words(secs: u64, lang: Lang) -> String {
    let (n, zh, en) = match secs {
        0..60 => (secs.max(1), "秒", "second"),
        60..3600 => (secs.div_ceil(60), "分钟", "minute"),
        _ => (secs.div_ceil(3600), "小时", "hour"),
    };
    match lang {
        Lang::Zh => format!("{n} {zh}"),
        Lang::En if n == 1 => format!("1 {en}"),
        Lang::En => format!("{n} {en}s"),
    }
}

/// Renders an error as a page (used for pages and for unknown paths).
pub fn render_error(lang: Lang, error: &AppError, back: Option<&str>) -> HttpResponse {
    render_error_in(&Ctx::bare(lang), error, back)
}

/// The same, with the page's whole context (the caller in the header).
pub fn render_error_in(ctx: &Ctx, error: &AppError, back: Option<&str>) -> HttpResponse {
    let lang = ctx.lang;
    let page = ErrorPage {
        ctx,
        title: title_of(error, lang),
        message: message_of(error, lang),
        back,
    };
    let body = page.render().unwrap_or_else(|_| error.to_string());
    HttpResponse::build(error.status_code())
        .content_type("text/html; charset=utf-8")
        .body(body)
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        if self.login_next.is_some() {
            StatusCode::SEE_OTHER
        } else {
            self.error.status_code()
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Some(next) = &self.login_next {
            let target = format!("/login?next={}", percent(next));
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, target))
                .finish();
        }
        if let AppError::Internal(e) = &self.error {
            tracing::error!(error = ?e, "internal error on a page");
        }
        match &self.ctx {
            Some(ctx) => render_error_in(ctx, &self.error, self.back.as_deref()),
            None => render_error(self.lang, &self.error, self.back.as_deref()),
        }
    }
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"/-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// An error page for a request outside the page handlers (a malformed form, a refused
/// character, too many requests): the language of the cookie, else of the browser.
pub fn error_page(req: &HttpRequest, error: &AppError) -> HttpResponse {
    let lang = match req.cookie(ctx::LANG_COOKIE) {
        Some(chosen) => Lang::from_code(chosen.value()),
        None => Lang::choose(
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
            None,
        ),
    };
    render_error(lang, error, None)
}

/// The page for an unknown path, with the caller's whole context: their language and their
/// own header (not "log in" for someone who is).
pub async fn not_found_page(req: &HttpRequest) -> HttpResponse {
    let state = req.app_data::<actix_web::web::Data<crate::routes::AppState>>();
    match state {
        Some(state) => match Ctx::load(req, state).await {
            Ok(ctx) => ctx.finish(render_error_in(&ctx, &AppError::NotFound, None)),
            // Without the caller (the database is away), still the page of an unknown path.
            Err(_) => error_page(req, &AppError::NotFound),
        },
        None => error_page(req, &AppError::NotFound),
    }
}

pub type PageResult = Result<HttpResponse, PageError>;

/// Renders a page template for this context.
pub fn page(ctx: &Ctx, template: &impl Template) -> PageResult {
    let body = template
        .render()
        .map_err(|e| PageError::of(AppError::internal(e), ctx))?;
    Ok(ctx.finish(
        HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(body),
    ))
}

/// The same renderer for pages that are not for a logged-in context (API docs).
pub fn html(template: &impl Template) -> Result<HttpResponse, AppError> {
    let body = template.render().map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// The one check of a redirect target taken from a request (`next`, `back`): a path on this
/// site and nothing else. Browsers drop tabs and newlines from URLs and read `\` as `/`, so
/// `/\evil.example` and `/<TAB>/evil.example` would leave the site; control characters would also
/// break the `Location` header.
pub fn local_path(raw: Option<&str>) -> Option<&str> {
    let p = raw?;
    let mut chars = p.chars();
    let ok = chars.next() == Some('/')
        && !matches!(chars.next(), Some('/'))
        && !p.contains('\\')
        && !p.chars().any(|c| c.is_control() || c.is_whitespace())
        && p.len() <= 2000;
    ok.then_some(p)
}

/// After a successful form: go and look (Post/Redirect/Get).
pub fn see_other(path: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, path.to_owned()))
        .finish()
}

/// Page handlers call case work and turn its errors into pages.
pub trait OrPage<T> {
    fn or_page(self, ctx: &Ctx) -> Result<T, PageError>;
}

impl<T, E: Into<AppError>> OrPage<T> for Result<T, E> {
    fn or_page(self, ctx: &Ctx) -> Result<T, PageError> {
        self.map_err(|e| PageError::of(e.into(), ctx))
    }
}

#[cfg(test)]
mod tests {
    use super::{local_path, wait_words};
    use crate::workflow::Lang;

    #[test]
    fn a_wait_is_said_in_the_largest_unit_rounded_up() {
        assert_eq!(wait_words(0, Lang::Zh), "1 秒");
        assert_eq!(wait_words(59, Lang::Zh), "59 秒");
        assert_eq!(wait_words(61, Lang::Zh), "2 分钟");
        assert_eq!(wait_words(86_399, Lang::Zh), "24 小时");
        assert_eq!(wait_words(60, Lang::En), "1 minute");
        assert_eq!(wait_words(7_200, Lang::En), "2 hours");
    }

    #[test]
    fn only_paths_of_this_site_are_followed() {
        for good in ["/", "/my", "/cases/1?tab=2", "/lookup#x"] {
            assert_eq!(local_path(Some(good)), Some(good));
        }
        for bad in [
            "",
            "my",
            "//evil.example",
            "/\\evil.example/",
            "/\t/evil.example/",
            "/\n/x",
            "/%0d",
            "https://evil.example",
            "/ /x",
            "\\evil",
        ] {
            let bad = bad.replace("%0d", "\r");
            assert_eq!(local_path(Some(&bad)), None, "{bad:?}");
        }
        assert_eq!(local_path(None), None);
    }
}

//! What every page needs: the language (zh-CN by default, remembered in a cookie), large-text
//! mode (适老化), the CSRF token of the double-submit cookie, and the caller if logged in.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse, web};

use super::PageError;
use crate::auth::{Principal, principal, token_from_request};
use crate::error::AppError;
use crate::routes::AppState;
use crate::workflow::Lang;

pub const LANG_COOKIE: &str = "fq_lang";
pub const BIG_COOKIE: &str = "fq_big";
pub const CSRF_COOKIE: &str = "fq_csrf";

/// Not `Debug`: it holds the form token and the address of the page, which stay out of logs.
#[derive(Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub big: bool,
    /// The form token for this page: the cookie's, masked anew (`csrf::mask`).
    pub csrf: String,
    /// The cookie's form token.
    token: String,
    new_csrf: bool,
    pub user: Option<Principal>,
    /// Unread in-app notifications of the caller (the bell).
    pub unread: i64,
    /// The path of this page, for the language and text-size switches to come back to.
    pub here: String,
}

impl Ctx {
    pub async fn load(req: &HttpRequest, state: &web::Data<AppState>) -> Result<Ctx, PageError> {
        let lang = match req.cookie(LANG_COOKIE) {
            Some(chosen) => Lang::from_code(chosen.value()),
            None => Lang::choose(
                req.headers()
                    .get("accept-language")
                    .and_then(|v| v.to_str().ok()),
                None,
            ),
        };
        let (token, new_csrf) = match req.cookie(CSRF_COOKIE) {
            Some(c) if c.value().len() == 32 => (c.value().to_owned(), false),
            _ => (hex::encode(rand::random::<[u8; 16]>()), true),
        };
        let user = match token_from_request(req) {
            None => None,
            Some(token) => {
                match principal::load(
                    &state.pool,
                    &state.keys,
                    &state.sealer,
                    &state.principals,
                    Some(token),
                )
                .await
                {
                    Ok(p) => Some(p),
                    Err(AppError::Unauthorized) => None,
                    Err(e) => return Err(PageError::new(e, lang)),
                }
            }
        };
        let unread = match &user {
            Some(u) => {
                let mut conn = state
                    .pool
                    .get()
                    .await
                    .map_err(|e| PageError::new(e.into(), lang))?;
                crate::notify::inbox::unread(&mut conn, u.id)
                    .await
                    .map_err(|e| PageError::new(e.into(), lang))?
            }
            None => 0,
        };
        Ok(Ctx {
            lang,
            big: req.cookie(BIG_COOKIE).is_some_and(|c| c.value() == "1"),
            csrf: super::csrf::mask(&token),
            token,
            new_csrf,
            user,
            unread,
            here: req
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_else(|| "/".into()),
        })
    }

    /// A context with no request behind it (error pages for unknown paths).
    pub fn bare(lang: Lang) -> Ctx {
        Ctx {
            lang,
            big: false,
            csrf: String::new(),
            token: String::new(),
            new_csrf: false,
            user: None,
            unread: 0,
            here: "/".into(),
        }
    }

    /// This context for a caller who has just signed in on this very request.
    pub fn signed_in_as(&self, user: Principal) -> Ctx {
        Ctx {
            lang: self.lang,
            big: self.big,
            csrf: self.csrf.clone(),
            token: self.token.clone(),
            new_csrf: self.new_csrf,
            user: Some(user),
            unread: 0,
            here: self.here.clone(),
        }
    }

    /// The logged-in caller, or a redirect to the login page.
    pub fn user(&self) -> Result<&Principal, PageError> {
        self.user
            .as_ref()
            .ok_or_else(|| PageError::login(&self.here, self.lang))
    }

    /// Checks the token of a submitted form against the cookie.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), PageError> {
        if !self.new_csrf && super::csrf::matches(submitted, &self.token) {
            Ok(())
        } else {
            Err(PageError::new(
                AppError::Forbidden(
                    self.t(
                        "表单已过期，请返回重新提交。",
                        "This form has expired. Go back and send it again.",
                    )
                    .into(),
                ),
                self.lang,
            ))
        }
    }

    /// An indicator's name on this page.
    pub fn indicator(&self, key: &str) -> String {
        super::labels::indicator(self.lang, key)
    }

    pub fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    pub fn en(&self) -> bool {
        self.lang == Lang::En
    }

    pub fn html_lang(&self) -> &'static str {
        if self.en() { "en" } else { "zh-CN" }
    }

    /// A moment as a person reads it: China time, in the page's language.
    pub fn when(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        super::labels::date(self.lang, at)
    }

    /// A day (a deadline to perform by) in China time.
    pub fn day(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        let local = at.with_timezone(&crate::workflow::local_zone());
        match self.lang {
            Lang::En => local.format("%-d %b %Y").to_string(),
            Lang::Zh => local.format("%Y年%-m月%-d日").to_string(),
        }
    }

    /// A party's place in the case, in plain words.
    pub fn side(&self, side: &str) -> &'static str {
        super::labels::side(self.lang, side)
    }

    /// Where a request for the court's confirmation stands.
    pub fn confirmation(&self, c: &str) -> &'static str {
        super::labels::confirmation(self.lang, c)
    }

    /// How a session meets, in plain words.
    pub fn session_mode(&self, mode: &str) -> &'static str {
        match crate::workflow::SessionMode::parse(mode) {
            Some(crate::workflow::SessionMode::Online) => self.t("线上", "Online"),
            _ => self.t("当面", "In person"),
        }
    }

    /// Sets the CSRF cookie when this request made a new token.
    pub fn finish(&self, mut response: HttpResponse) -> HttpResponse {
        if self.new_csrf {
            let cookie = Cookie::build(CSRF_COOKIE, self.token.clone())
                .path("/")
                .http_only(true)
                .same_site(SameSite::Strict)
                .finish();
            let _ = response.add_cookie(&cookie);
        }
        response
    }

    pub fn role(&self) -> &'static str {
        self.user.as_ref().map(|u| u.role.as_str()).unwrap_or("")
    }

    pub fn is_staff(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.committee.is_some())
    }
}

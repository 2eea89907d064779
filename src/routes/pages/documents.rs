//! The documents as pages: each one as a printable A4 page (the same words as its PDF), and
//! `/verify/{code}`, where anyone holding a printout checks it, with its QR code as SVG.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Utc;
use uuid::Uuid;

use super::{Ctx, OrPage, PageError, PageResult, labels, page};
use crate::casework::documents::{self, Fetched, Verified};
use crate::documents::{Block, Document, grouped, qr};
use crate::error::AppError;
use crate::routes::AppState;
use crate::routes::api::documents::{Which, parse_kind};
use crate::workflow::Lang;

/// One block of the document as the template draws it.
struct Piece {
    tag: &'static str,
    label: String,
    text: String,
    items: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn pieces(doc: &Document) -> Vec<Piece> {
    let piece = |tag| Piece {
        tag,
        label: String::new(),
        text: String::new(),
        items: Vec::new(),
        rows: Vec::new(),
    };
    doc.blocks
        .iter()
        .map(|b| match b {
            Block::Heading { text } => Piece {
                text: text.clone(),
                ..piece("h")
            },
            Block::Paragraph { text } => Piece {
                text: text.clone(),
                ..piece("p")
            },
            Block::Field { label, value } => Piece {
                label: label.clone(),
                text: value.clone(),
                ..piece("f")
            },
            Block::Items { items } => Piece {
                items: items.clone(),
                ..piece("ol")
            },
            Block::Table { head, rows, .. } => Piece {
                items: head.clone(),
                rows: rows.clone(),
                ..piece("table")
            },
            Block::Signatures { lines } => Piece {
                rows: lines
                    .iter()
                    .map(|(a, b)| vec![a.clone(), b.clone()])
                    .collect(),
                ..piece("sig")
            },
        })
        .collect()
}

#[derive(Template)]
#[template(path = "documents/document.html")]
struct DocumentPage<'a> {
    lang: Lang,
    big: bool,
    d: &'a Document,
    pieces: Vec<Piece>,
    case_id: Uuid,
    pdf_href: String,
    qr: String,
    grouped: String,
    verify_url: &'a str,
}

impl DocumentPage<'_> {
    fn t<'s>(&self, zh: &'s str, en: &'s str) -> &'s str {
        match self.lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// The printable page of a fetched document.
pub fn render(ctx: &Ctx, fetched: &Fetched) -> Result<HttpResponse, AppError> {
    let d = &fetched.document;
    let mut pdf_href = format!(
        "/api/v1/cases/{}/documents/{}?format=pdf",
        fetched.case_id,
        d.kind.as_str()
    );
    if let Some(s) = fetched.session_id {
        pdf_href.push_str(&format!("&session_id={s}"));
    }
    let body = DocumentPage {
        lang: ctx.lang,
        big: ctx.big,
        d,
        pieces: pieces(d),
        case_id: fetched.case_id,
        pdf_href,
        qr: qr::svg(&fetched.verify_url).unwrap_or_default(),
        grouped: grouped(&fetched.code),
        verify_url: &fetched.verify_url,
    }
    .render()
    .map_err(AppError::internal)?;
    Ok(ctx.finish(
        HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "private, no-store"))
            .body(body),
    ))
}

/// The API's `Accept: text/html` answer: the same page.
pub async fn page_for_api(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    fetched: &Fetched,
) -> Result<HttpResponse, AppError> {
    let ctx = Ctx::load(req, state)
        .await
        .unwrap_or_else(|_| Ctx::bare(Lang::Zh));
    render(&ctx, fetched)
}

/// `/cases/{id}/documents/{kind}`: the document as a page, from the case page's list.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
    which: web::Query<Which>,
) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let user = ctx.user()?;
    let (id, kind) = path.into_inner();
    let kind = parse_kind(&kind).or_page(&ctx)?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let fetched = documents::fetch(
        &mut conn,
        &state.press(),
        user,
        (id, kind, which.session_id),
        Utc::now(),
    )
    .await
    .or_page(&ctx)?;
    render(&ctx, &fetched).map_err(|e| PageError::of(e, &ctx))
}

#[derive(Template)]
#[template(path = "pages/verify.html")]
struct VerifyPage<'a> {
    ctx: &'a Ctx,
    v: Verified,
    grouped: String,
    issued: String,
    good: bool,
}

/// `/verify/{code}`: public, no personal data.
pub async fn verify(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> PageResult {
    let ctx = Ctx::load(&req, &state).await?;
    let mut conn = state.pool.get().await.or_page(&ctx)?;
    let found = documents::verify(&mut conn, &code, &state.sealer, Utc::now(), ctx.lang)
        .await
        .or_page(&ctx)?
        .ok_or_else(|| PageError::of(AppError::NotFound, &ctx))?;
    let good = found.standing == documents::Standing::Current;
    page(
        &ctx,
        &VerifyPage {
            ctx: &ctx,
            grouped: grouped(&found.code),
            issued: labels::date(ctx.lang, &found.issued_at),
            good,
            v: found,
        },
    )
}

/// `/verify/{code}/qr.svg`: the QR code that opens the verify page.
pub async fn qr_svg(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let code = crate::documents::normalise_code(&code).ok_or(AppError::NotFound)?;
    let url = format!(
        "{}/verify/{code}",
        state.config.public_url.trim_end_matches('/')
    );
    let svg = qr::svg(&url).ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(svg))
}

//! The OpenAPI 3.1 document of the stable API (`/api/openapi.json`) and a plain docs page
//! rendered from it (`/api/docs`), both served from the binary. A test checks that every route
//! of the route table is documented here.

use std::sync::OnceLock;

use actix_web::HttpResponse;
use askama::Template;
use serde_json::{Value, json};

use crate::error::AppError;

fn error_response(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

fn errors(codes: &[u16]) -> serde_json::Map<String, Value> {
    codes
        .iter()
        .map(|c| {
            let text = match c {
                400 => "The body, query or header could not be understood; the message says what was wrong.",
                401 => "No valid session token.",
                403 => "The caller may see this but not do it.",
                404 => "Not found, or outside the caller's scope.",
                409 => "Wrong state or stale version; the body carries the current case.",
                413 => "The body is too large.",
                415 => "The body is not JSON.",
                422 => "Well-formed but not acceptable; the message says why.",
                429 => "Too many attempts; see Retry-After.",
                _ => "The database is unreachable; see Retry-After.",
            };
            (c.to_string(), error_response(text))
        })
        .collect()
}

fn op(summary: &str, tag: &str, ok: (u16, &str, Value), errs: &[u16]) -> Value {
    let mut responses = errors(errs);
    responses.insert(
        ok.0.to_string(),
        json!({"description": ok.1, "content": {"application/json": {"schema": ok.2}}}),
    );
    responses.insert(
        "503".into(),
        error_response("The database is unreachable; see Retry-After."),
    );
    json!({"summary": summary, "tags": [tag], "security": [{"bearer": []}, {"cookie": []}], "responses": responses})
}

fn with_body(mut operation: Value, schema: Value) -> Value {
    operation["requestBody"] =
        json!({"required": true, "content": {"application/json": {"schema": schema}}});
    operation
}

fn public(mut operation: Value) -> Value {
    operation["security"] = json!([]);
    operation
}

fn r(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn id_param() -> Value {
    json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}])
}

fn page_params(extra: &[(&str, &str, &str)]) -> Value {
    let mut params = vec![
        json!({"name": "after", "in": "query", "schema": {"type": "string"}, "description": "The `next` of the previous page."}),
        json!({"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}}),
        json!({"name": "status", "in": "query", "schema": r("Status")}),
    ];
    params.extend(extra.iter().map(
        |(n, t, d)| json!({"name": n, "in": "query", "schema": {"type": t}, "description": d}),
    ));
    Value::Array(params)
}

fn with_params(mut operation: Value, params: Value) -> Value {
    operation["parameters"] = params;
    operation
}

fn paths() -> Value {
    json!({
        "/api/v1/auth/login": {"post": public(with_body(op("Log in; returns a token and sets the session cookie", "auth", (200, "Logged in", r("Login")), &[400, 401, 415, 429]), r("LoginRequest")))},
        "/api/v1/auth/logout": {"post": op("Revoke the token used for this request", "auth", (204, "Logged out", json!({})), &[401])},
        "/api/v1/me": {"get": op("Who the caller is", "auth", (200, "The caller", r("Me")), &[401])},
        "/api/v1/auth/second-factor": {"post": public(with_body(op("After a right password for an account with a second factor (login answered {second_factor: \"totp\", ticket}): the authenticator app's code or a recovery code", "auth", (200, "Signed in", r("Login")), &[400, 401, 415, 422, 429]), json!({"type": "object", "required": ["ticket", "code"], "properties": {"ticket": text_schema(), "code": text_schema()}})))},
        "/api/v1/auth/second-factor/enrol": {"post": public(with_body(op("A judge or county admin who must have a second factor and has none (login answered {second_factor: \"enrol\", ticket}) starts enrolling", "auth", (200, "The secret, the otpauth link and its QR code (SVG)", r("Enrolment")), &[400, 409, 415, 422]), json!({"type": "object", "required": ["ticket"], "properties": {"ticket": text_schema()}})))},
        "/api/v1/auth/second-factor/confirm": {"post": public(with_body(op("The first code turns the second factor on and signs in; the answer carries 10 recovery codes, shown once", "auth", (200, "Signed in, with recovery_codes", r("Login")), &[400, 401, 409, 415, 422, 429]), json!({"type": "object", "required": ["ticket", "code"], "properties": {"ticket": text_schema(), "code": text_schema()}})))},
        "/api/v1/me/second-factor": {
            "post": op("Start enrolling an authenticator app (staff)", "auth", (200, "The secret, the otpauth link and its QR code (SVG)", r("Enrolment")), &[401, 409, 422]),
            "delete": with_body(op("Turn the second factor off with a current code (not for judges and county admins in production)", "auth", (204, "Off", json!({})), &[400, 401, 403, 415, 422, 429]), json!({"type": "object", "required": ["code"], "properties": {"code": text_schema()}}))
        },
        "/api/v1/me/second-factor/confirm": {"post": with_body(op("The first code turns the second factor on", "auth", (200, "{recovery_codes}, shown once", json!({"type": "object"})), &[400, 401, 409, 415, 422, 429]), json!({"type": "object", "required": ["code"], "properties": {"code": text_schema()}}))},
        "/api/v1/me/deletion": {"post": with_body(op("Ask for the account to be deleted (residents); the county admin decides, open cases hold it; a resident party to nothing is deleted at once", "auth", (202, "{deleted, holds: [case numbers]}", json!({"type": "object"})), &[400, 401, 415, 422]), json!({"type": "object", "properties": {"reason": {"type": "string", "maxLength": 1000}}}))},
        "/api/v1/deletion-requests": {"get": op("Pending deletion requests of the county, with the open cases holding each (county admin)", "staff", (200, "Requests", json!({"type": "array", "items": {"type": "object"}})), &[401, 404])},
        "/api/v1/deletion-requests/{id}": {"post": with_params(with_body(op("Delete the account (409 while open cases hold it) or refuse with a note (county admin)", "staff", (204, "Decided", json!({})), &[400, 401, 404, 409, 415, 422]), json!({"type": "object", "required": ["decision"], "properties": {"decision": enum_of(&["delete", "refuse"]), "note": {"type": "string", "maxLength": 1000}}})), id_param())},
        "/api/v1/me/data": {"get": op("Everything the service holds about the caller (PIPL art. 45): account, sessions, the cases they are a party to with their own recorded details, messages written, evidence uploaded, ratings, notifications", "auth", (200, "One JSON document", json!({"type": "object"})), &[401])},
        "/api/v1/cases/{id}/access-log": {"get": with_params(op("Who of the staff and the court opened the case record, its documents or its evidence, newest first (the parties' right to supervise)", "cases", (200, "Openings", json!({"type": "array", "items": {"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}, "name": text_schema(), "role": text_schema(), "what": enum_of(&["case", "document", "evidence"])}}})), &[401, 404]), id_param())},
        "/api/v1/divisions": {"get": public(with_params(op("The county → township → village tree", "divisions", (200, "Counties with their townships and villages", json!({"type": "array", "items": r("Division")})), &[400]), json!([{"name": "county", "in": "query", "schema": {"type": "string"}}])))},
        "/api/v1/cases": {
            "post": with_params(with_body(op("File a dispute (resident)", "cases", (201, "The new case, with its access code (shown once)", r("Case")), &[400, 401, 403, 413, 415, 422]), r("Filing")),
                json!([{"name": "Idempotency-Key", "in": "header", "schema": {"type": "string", "maxLength": 200}, "description": "A repeat with the same key returns the same case; another body with the same key is 422."}])),
            "get": with_params(op("The caller's cases, newest first", "cases", (200, "A page of cases", r("Page")), &[400, 401]), page_params(&[]))
        },
        "/api/v1/cases/{id}": {"get": with_params(op("One case, with next_step and allowed_actions for the caller", "cases", (200, "The case", r("Case")), &[401, 404]), id_param())},
        "/api/v1/cases/{id}/actions": {"post": with_params(with_body(op("Act on a case (the engine decides)", "cases", (200, "The case after the action", r("Case")), &[400, 401, 403, 404, 409, 413, 415, 422]), r("Action")), id_param())},
        "/api/v1/cases/{id}/events": {"get": with_params(op("The case history (append-only, hash-chained)", "cases", (200, "Events, oldest first", json!({"type": "array", "items": r("Event")})), &[401, 404]), id_param())},
        "/api/v1/cases/{id}/evidence": {
            "post": with_params({
                let mut o = op("Attach evidence (streamed; type from the bytes; 25 MB per file, 200 MB per case)", "evidence", (201, "The recorded item with its SHA-256", r("Evidence")), &[400, 401, 403, 404, 409, 413, 415, 422]);
                o["requestBody"] = json!({"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                    "file": {"type": "string", "format": "binary"}, "description": {"type": "string", "maxLength": 1000},
                    "visible_to_other_parties": {"type": "boolean", "default": true}}}}}});
                o
            }, id_param()),
            "get": with_params(op("The evidence of a case the caller may see", "evidence", (200, "Items, oldest first", json!({"type": "array", "items": r("Evidence")})), &[401, 404]), id_param())
        },
        "/api/v1/evidence/{id}": {"get": with_params({
            let mut o = op("Download an evidence file (attachment; its hash is checked first)", "evidence", (200, "The bytes", json!({"type": "string", "format": "binary"})), &[401, 404]);
            o["responses"]["500"] = error_response("The stored file no longer matches its SHA-256 (integrity_error); it is withheld.");
            o
        }, id_param())},
        "/api/v1/cases/assisted": {"post": with_body(op("A mediator files for a resident who cannot use the web", "cases", (201, "The new case, with its access code", r("Case")), &[400, 401, 403, 413, 415, 422]), r("AssistedFiling"))},
        "/api/v1/cases/claim": {"post": with_body(op("A resident takes over a case filed for them", "cases", (200, "The case", r("Case")), &[400, 401, 403, 404, 409, 429]), r("CaseKey"))},
        "/api/v1/lookup": {"post": public(with_body(op("Where a case stands, by number and access code (no account)", "cases", (200, "Status and the next step", json!({"type": "object", "properties": {"number": text_schema(), "level": r("Level"), "status": r("Status"), "deadline_at": {"type": ["string", "null"]}, "next_step": text_schema()}})), &[400, 404, 429]), r("CaseKey")))},
        "/api/v1/invitations/{token}": {
            "get": public(with_params(op("The case in brief for an invited respondent", "invitations", (200, "Summary", r("Invitation")), &[404, 409]), json!([{"name": "token", "in": "path", "required": true, "schema": {"type": "string"}}]))),
            "post": public(with_params(with_body(op("Consent or refuse through the link (once); optionally set a password", "invitations", (200, "Summary after the answer", r("Invitation")), &[400, 403, 404, 409, 422]),
                json!({"type": "object", "required": ["answer"], "properties": {"answer": enum_of(&["consent", "refuse"]), "reason": text_schema(), "password": text_schema()}})),
                json!([{"name": "token", "in": "path", "required": true, "schema": {"type": "string"}}])))
        },
        "/api/v1/cases/{id}/messages": {
            "post": with_params(with_body(op("Write in the case thread, an internal note, or a caucus message", "messages", (201, "The message", r("Message")), &[400, 401, 403, 404, 409, 422]),
                json!({"type": "object", "required": ["body"], "properties": {"body": {"type": "string", "maxLength": 5000}, "audience": {"type": "string", "description": "all (default), mediators, or party:<party id>"}}})), id_param()),
            "get": with_params(op("The messages the caller may see", "messages", (200, "Oldest first", json!({"type": "array", "items": r("Message")})), &[401, 404]), id_param())
        },
        "/api/v1/cases/{id}/parties": {"post": with_params(with_body(op("The mediator adds an agent or a third party", "cases", (201, "The case", r("Case")), &[400, 401, 403, 404, 409, 422]),
            json!({"type": "object", "required": ["side", "name"], "properties": {"side": enum_of(&["agent", "third_party"]), "name": text_schema(), "email": text_schema(), "phone": text_schema()}})), id_param())},
        "/api/v1/cases/{id}/rating": {"post": with_params(with_body(op("A party rates the service once the case has ended (once)", "cases", (201, "The rating", json!({"type": "object", "properties": {"score": {"type": "integer"}, "comment": {"type": ["string", "null"]}}})), &[400, 401, 403, 404, 409, 422]),
            json!({"type": "object", "required": ["score"], "properties": {"score": {"type": "integer", "minimum": 1, "maximum": 5}, "comment": {"type": "string", "maxLength": 2000}}})), id_param())},
        "/api/v1/committee/mediators": {"get": op("The committee's mediators and their open load", "committee", (200, "Mediators", json!({"type": "array", "items": {"type": "object", "properties": {"id": text_schema(), "name": text_schema(), "role": text_schema(), "open_cases": {"type": "integer"}}}})), &[401, 403])},
        "/api/v1/calendar": {"get": with_params(op("Sessions of my cases (a head: the committee's)", "committee", (200, "Sessions", json!({"type": "array", "items": {"type": "object"}})), &[400, 401, 403]),
            json!([{"name": "from", "in": "query", "schema": {"type": "string", "format": "date-time"}}, {"name": "to", "in": "query", "schema": {"type": "string", "format": "date-time"}}]))},
        "/api/v1/notifications": {"get": with_params(op("The caller's in-app notifications, newest first, with the unread count", "notifications", (200, "Notifications", json!({"type": "object", "properties": {"unread": {"type": "integer"}, "items": {"type": "array", "items": {"type": "object"}}}})), &[400, 401]),
            json!([{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}}]))},
        "/api/v1/notifications/read": {"post": with_body(op("Mark notifications read", "notifications", (200, "The unread count after", json!({"type": "object"})), &[400, 401, 415, 422]),
            json!({"type": "object", "properties": {"ids": {"type": "array", "items": {"type": "string", "format": "uuid"}}, "all": {"type": "boolean"}}}))},
        "/api/v1/outbox/failed": {"get": op("Mail that could not be delivered (county admin)", "notifications", (200, "Failed outbox rows of the county", json!({"type": "array", "items": {"type": "object"}})), &[401, 403])},
        "/api/v1/queue": {"get": with_params(op("The committee queue, soonest deadline first", "cases", (200, "A page of cases", r("Page")), &[400, 401, 403]),
            page_params(&[("mine", "boolean", "Only cases assigned to me"), ("unassigned", "boolean", "Only cases nobody is assigned to"), ("due_within_days", "integer", "Only cases due within this many days")]))},
        "/api/v1/policy": {
            "get": op("The county's deadlines (county staff)", "policy", (200, "Days per clock", r("Policy")), &[401, 403]),
            "put": with_body(op("Change the county's deadlines (county admin)", "policy", (200, "The new deadlines", r("Policy")), &[400, 401, 403, 422]), r("Policy"))
        }
    })
}

/// Signing in by code, passwords and sessions, and the county admin's staff accounts.
fn account_paths() -> Value {
    json!({
        "/api/v1/auth/code": {"post": public(with_body(op("Send a 6-digit sign-in code to a mobile number (SMS) or an email address; 202 whether or not an account exists", "auth", (202, "Sent (valid 10 minutes)", json!({"type": "object", "properties": {"sent_to": {"type": "string", "description": "Masked"}, "expires_in_seconds": {"type": "integer"}}})), &[400, 415, 422, 429]), r("Destination")))},
        "/api/v1/auth/code/verify": {"post": public(with_body(op("Sign in with the code; the first success creates a resident account (name required then)", "auth", (200, "Signed in; also sets the session cookie", json!({"type": "object", "properties": {"token": text_schema(), "expires_at": {"type": "string", "format": "date-time"}, "new_account": {"type": "boolean"}}})), &[400, 401, 415, 422]),
            json!({"type": "object", "required": ["code"], "additionalProperties": false, "properties": {"phone": text_schema(), "email": text_schema(), "code": {"type": "string", "pattern": "^[0-9]{6}$"}, "name": {"type": "string", "maxLength": 100}}})))},
        "/api/v1/auth/password": {"post": with_body(op("Change the password; every other session ends", "auth", (200, "A fresh session", r("Login")), &[400, 401, 415, 422]),
            json!({"type": "object", "required": ["current", "new"], "additionalProperties": false, "properties": {"current": text_schema(), "new": {"type": "string", "minLength": 10}}}))},
        "/api/v1/auth/reset": {"post": public(with_body(op("Mail a one-time link to set a new password (staff); 202 whatever the address", "auth", (202, "Accepted", json!({"type": "object"})), &[400, 415, 422, 429]),
            json!({"type": "object", "required": ["email"], "additionalProperties": false, "properties": {"email": text_schema()}})))},
        "/api/v1/auth/link": {"post": public(with_body(op("Set the password through a reset or staff-invitation link (once)", "auth", (200, "Signed in", r("Login")), &[400, 415, 422]),
            json!({"type": "object", "required": ["token", "password"], "additionalProperties": false, "properties": {"token": text_schema(), "password": {"type": "string", "minLength": 10}}})))},
        "/api/v1/me/sessions": {
            "get": op("The caller's sessions that still work", "auth", (200, "Sessions, newest first", json!({"type": "object", "properties": {"sessions": {"type": "array", "items": {"type": "object", "properties": {"id": text_schema(), "created_at": text_schema(), "expires_at": text_schema(), "method": enum_of(&["password", "sms_code", "email_code"]), "user_agent": text_schema(), "current": {"type": "boolean"}}}}}})), &[401]),
            "delete": op("Log out everywhere (this session too)", "auth", (204, "Every session ended", json!({})), &[401])
        },
        "/api/v1/me/contact/code": {"post": with_body(op("Send a code to a new number or address of the caller", "auth", (202, "Sent", json!({"type": "object"})), &[400, 401, 415, 422, 429]), r("Destination"))},
        "/api/v1/me/contact": {"post": with_body(op("Set the proved number or address on the caller's account", "auth", (204, "Changed", json!({})), &[400, 401, 409, 415, 422]),
            json!({"type": "object", "required": ["code"], "additionalProperties": false, "properties": {"phone": text_schema(), "email": text_schema(), "code": text_schema()}}))},
        "/api/v1/me/channel": {"put": with_body(op("Where notices go when the account has both a number and an address", "auth", (204, "Chosen", json!({})), &[400, 401, 415, 422]),
            json!({"type": "object", "required": ["channel"], "additionalProperties": false, "properties": {"channel": enum_of(&["sms", "email"])}}))},
        "/api/v1/staff": {"post": with_body(op("Invite a staff member of the county (county admin): they set their password through the mailed link", "staff", (201, "The new account", json!({"type": "object", "properties": {"id": text_schema()}})), &[400, 401, 404, 409, 415, 422]),
            json!({"type": "object", "required": ["name", "email", "role"], "additionalProperties": false, "properties": {"name": text_schema(), "email": text_schema(), "role": enum_of(&["mediator", "committee_head", "judge"]), "committee_code": {"type": "string", "pattern": "^[0-9]{12}$"}}}))},
        "/api/v1/staff/{id}/deactivate": {"post": with_params(op("Deactivate a staff account (county admin); every session of it ends at once", "staff", (204, "Deactivated", json!({})), &[401, 404, 422]), id_param())},
        "/api/v1/staff/{id}/reactivate": {"post": with_params(op("Reactivate a staff account (county admin)", "staff", (204, "Active again", json!({})), &[401, 404, 422]), id_param())}
    })
}

/// The schemas of signing in and of the account API.
fn account_schemas() -> Value {
    let text = json!({"type": "string"});
    json!({
        "Enrolment": {"type": "object", "properties": {"secret": {"type": "string", "description": "Base32, to type into the app by hand"}, "otpauth_url": {"type": "string"}, "qr_svg": {"type": "string"}}},
        "Destination": {"type": "object", "additionalProperties": false, "description": "Exactly one of phone (a mainland mobile number; +86, spaces and dashes are accepted) or email.", "properties": {"phone": text, "email": text}}
    })
}

/// Every documented schema.
fn all_schemas() -> Value {
    let mut all = schemas();
    if let (Some(target), Value::Object(more)) = (all.as_object_mut(), account_schemas()) {
        target.extend(more);
    }
    all
}

/// The indicators (SPEC §6.1, §7 *Statistics*).
fn stats_paths() -> Value {
    let query = json!([
        {"name": "county", "in": "query", "schema": {"type": "string"}, "description": "The county's 12-digit division code, or the 6-digit prefix of case numbers; another county answers 404"},
        {"name": "unit", "in": "query", "schema": enum_of(&["county", "township", "village", "committee", "mediator"]), "description": "Rows per this unit (default township)"},
        {"name": "from", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}, "description": "First month of filing, YYYY-MM (default: eleven months before `to`)"},
        {"name": "to", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}, "description": "Last month, YYYY-MM (default: this month, China time); at most 120 months in all"},
        {"name": "within", "in": "query", "schema": {"type": "string"}, "description": "Only this township or village (division code) of the caller's reach; else 404"}
    ]);
    let report = json!({"type": "object", "properties": {"county": {"type": "object"}, "period": {"type": "object"}, "unit": text_schema(), "total": {"type": "object"}, "previous": {"type": "object"}, "rows": {"type": "array", "items": {"type": "object", "description": "code, name and every indicator"}}, "months": {"type": "array", "items": {"type": "object"}}, "definitions": {"type": "object"}}});
    let file = |what: &str| json!({"type": "string", "format": "binary", "description": what});
    json!({
        "/api/v1/stats": {"get": with_params(op("The Fengqiao indicators of the caller's reach (judges and county admins: the county; committee heads: their committee's area); CSV with Accept: text/csv", "statistics", (200, "The indicators per unit, with the whole and the previous period", report), &[400, 401, 403, 404]), query.clone())},
        "/api/v1/stats.csv": {"get": with_params(op("The same as CSV (UTF-8 with a byte-order mark; the first row is the whole)", "statistics", (200, "CSV", file("text/csv")), &[400, 401, 403, 404]), query.clone())},
        "/api/v1/stats.xlsx": {"get": with_params(op("The same as an Excel workbook (sheets: indicators, definitions)", "statistics", (200, "XLSX", file("xlsx")), &[400, 401, 403, 404]), query)},
        "/api/v1/public/stats": {"get": public(with_params(op("A county's public figures: county and townships, counts under 5 shown as \"<5\" with complementary suppression; ETag and Cache-Control", "statistics", (200, "The anonymised figures", json!({"type": "object"})), &[400, 404]),
            json!([{"name": "county", "in": "query", "required": true, "schema": {"type": "string"}}, {"name": "from", "in": "query", "schema": {"type": "string"}}, {"name": "to", "in": "query", "schema": {"type": "string"}}])))}
    })
}

/// Every documented path: the case API, the account API and the indicators.
fn all_paths() -> Value {
    let mut all = paths();
    for more in [account_paths(), stats_paths()] {
        if let (Some(target), Value::Object(more)) = (all.as_object_mut(), more) {
            target.extend(more);
        }
    }
    all
}

fn text_schema() -> Value {
    json!({"type": "string"})
}

fn enum_of(values: &[&str]) -> Value {
    json!({"type": "string", "enum": values})
}

fn schemas() -> Value {
    let text = json!({"type": "string"});
    let reason = json!({"type": "string", "maxLength": 2000});
    json!({
        "Error": {"type": "object", "required": ["error", "message"], "properties": {"error": text, "message": text, "case": r("Case")}},
        "LoginRequest": {"type": "object", "required": ["email", "password"], "properties": {"email": text, "password": text}},
        "Login": {"type": "object", "properties": {"token": text, "expires_at": {"type": "string", "format": "date-time"}}},
        "Me": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "email": {"type": ["string", "null"]}, "phone": {"type": ["string", "null"], "description": "Masked"}, "name": text,
            "role": enum_of(&["resident", "mediator", "committee_head", "judge", "county_admin"]),
            "committee": {"type": ["object", "null"], "properties": {"id": text, "level": r("Level"), "division_code": text}},
            "county_code": {"type": ["string", "null"]}}},
        "Division": {"type": "object", "properties": {"code": text, "name": text, "level": r("Level"), "children": {"type": "array", "items": r("Division")}}},
        "Level": enum_of(&["village", "township", "county"]),
        "Status": enum_of(&["submitted", "awaiting_respondent", "in_mediation", "agreement_pending", "resolved", "closed", "declined", "unmediable", "referred", "withdrawn"]),
        "Filing": {"type": "object", "required": ["category", "narrative", "request", "village_code", "respondents"], "additionalProperties": false, "properties": {
            "category": enum_of(&["neighbour", "land", "family", "debt", "labour", "property", "traffic", "consumer", "other"]),
            "narrative": {"type": "string", "maxLength": 5000}, "request": {"type": "string", "maxLength": 2000},
            "village_code": {"type": "string", "pattern": "^[0-9]{12}$"}, "amount": {"type": "number", "minimum": 0, "description": "Yuan"},
            "respondents": {"type": "array", "minItems": 1, "maxItems": 20, "items": {"type": "object", "required": ["name"], "properties": {"name": text, "email": text, "phone": text}}}}},
        "Case": {"type": "object", "description": "A case as the caller may see it; personal details are masked for all but the person and the case's mediators.", "properties": {
            "id": text, "number": text, "category": text, "narrative": text, "request": text, "amount": {"type": ["number", "null"]},
            "village": {"type": "object"}, "level": r("Level"), "status": r("Status"), "version": {"type": "integer"},
            "deadline_at": {"type": ["string", "null"], "format": "date-time"}, "deadline_kind": {"type": ["string", "null"]}, "overdue": {"type": "boolean"},
            "committee": {"type": "object"}, "mediator": {"type": ["object", "null"]}, "parties": {"type": "array", "items": {"type": "object"}},
            "sessions": {"type": "array", "items": {"type": "object"}}, "agreement": {"type": ["object", "null"]},
            "confirmation": {"type": ["string", "null"]}, "performance": {"type": ["string", "null"]},
            "next_step": {"type": "string", "description": "One plain sentence for the caller (Accept-Language: zh or en)."},
            "allowed_actions": {"type": "array", "items": text}, "access_code": {"type": "string", "description": "Only in the answer to filing."}}},
        "Evidence": {"type": "object", "properties": {"id": text, "sha256": text, "size": {"type": "integer"}, "content_type": text, "filename": text,
            "description": {"type": ["string", "null"]}, "visible_to_other_parties": {"type": "boolean"}, "uploaded_by_party": {"type": ["string", "null"]}, "created_at": {"type": "string", "format": "date-time"}}},
        "AssistedFiling": {"type": "object", "required": ["applicant", "consent_method", "category", "narrative", "request", "village_code", "respondents"], "properties": {
            "applicant": {"type": "object", "required": ["name"], "properties": {"name": text, "email": text, "phone": text}},
            "consent_method": enum_of(&["in_person", "phone", "paper"]), "category": text, "narrative": text, "request": text, "village_code": text,
            "respondents": {"type": "array", "items": {"type": "object"}}, "amount": {"type": "number"}}},
        "CaseKey": {"type": "object", "required": ["number", "access_code"], "properties": {"number": text, "access_code": text}},
        "Invitation": {"type": "object", "properties": {"case_number": text, "category": text, "village": text, "applicant": text, "narrative": text, "request": text, "you": text, "status": r("Status"), "can_answer": {"type": "boolean"}, "next_step": text}},
        "Message": {"type": "object", "properties": {"id": text, "author_name": text, "author_role": text, "is_you": {"type": "boolean"}, "audience": text, "body": text, "created_at": {"type": "string", "format": "date-time"}}},
        "Page": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object"}}, "next": {"type": ["string", "null"]}}},
        "Event": {"type": "object", "properties": {"seq": {"type": "integer"}, "kind": text, "actor_role": text, "data": {"type": "object"}, "at": {"type": "string", "format": "date-time"}, "hash": text}},
        "Policy": {"type": "object", "required": ["acceptance_days_village", "acceptance_days_township", "acceptance_days_county", "response_days", "mediation_days", "extension_days", "signature_days", "confirmation_days", "follow_up_days"],
            "properties": {"acceptance_days_village": {"type": "integer", "minimum": 1, "maximum": 365}, "acceptance_days_township": {"type": "integer"}, "acceptance_days_county": {"type": "integer"},
                "response_days": {"type": "integer"}, "mediation_days": {"type": "integer"}, "extension_days": {"type": "integer"}, "signature_days": {"type": "integer"}, "confirmation_days": {"type": "integer"}, "follow_up_days": {"type": "integer"}}},
        "Action": {"type": "object", "required": ["action", "version"], "description": "`version` is the case version the caller saw. Parameters by action: decline, escalate, refer_to_court, reject_confirmation take `reason`; withdraw, respondent_refuses, reject_agreement, recuse an optional `reason`; assign/reassign `mediator_id`; schedule_session `at`, `mode` (online|in_person), `location`; record_session `session_id`, `record`, optional `attended` (the party ids of those who took part); propose_agreement `terms`, optional `performance_due`; record_performance `performed` (full|partial|none), optional `note`; record_follow_up `satisfaction` (1–5), optional `note`.",
            "properties": {"action": enum_of(&["accept", "decline", "respondent_consents", "respondent_refuses", "assign", "reassign", "recuse", "schedule_session", "record_session", "extend", "propose_agreement", "sign", "reject_agreement", "escalate", "refer_to_court", "withdraw", "apply_confirmation", "confirm", "reject_confirmation", "record_performance", "record_follow_up"]),
                "version": {"type": "integer"}, "reason": reason, "mediator_id": {"type": "string", "format": "uuid"}, "at": {"type": "string", "format": "date-time"},
                "mode": enum_of(&["online", "in_person"]), "location": text, "session_id": {"type": "string", "format": "uuid"}, "record": text, "attended": {"type": "array", "items": {"type": "string", "format": "uuid"}, "maxItems": 100}, "terms": text,
                "performance_due": {"type": "string", "format": "date-time"}, "performed": enum_of(&["full", "partial", "none"]), "note": text, "satisfaction": {"type": "integer", "minimum": 1, "maximum": 5}}}
    })
}

pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        json!({
            "openapi": "3.1.0",
            "info": {"title": "Fengqiao mediation API", "version": "1", "description": "The stable API of the online people's-mediation service. Names do not change; fields and endpoints may be added."},
            "paths": all_paths(),
            "components": {"schemas": all_schemas(), "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE}}}
        })
    })
}

pub async fn json_document() -> HttpResponse {
    HttpResponse::Ok().json(document())
}

struct Endpoint {
    method: String,
    path: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "pages/api_docs.html")]
struct Docs<'a> {
    ctx: &'a super::pages::Ctx,
    endpoints: Vec<Endpoint>,
}

pub async fn docs_page() -> Result<HttpResponse, AppError> {
    let mut endpoints = Vec::new();
    if let Some(paths) = document()["paths"].as_object() {
        for (path, methods) in paths {
            for (method, op) in methods.as_object().into_iter().flatten() {
                endpoints.push(Endpoint {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    summary: op["summary"].as_str().unwrap_or_default().to_owned(),
                });
            }
        }
    }
    let ctx = super::pages::Ctx::bare(crate::workflow::Lang::En);
    super::pages::html(&Docs {
        ctx: &ctx,
        endpoints,
    })
}

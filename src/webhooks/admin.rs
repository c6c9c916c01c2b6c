//! `/admin/webhooks` (admins only): endpoints with the events they receive, the secret that signs
//! their deliveries, and each endpoint's delivery log with "send again".
use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::Event;
use super::address;
use super::store::{self, Delivery, Endpoint, NewEndpoint};
use crate::audit::store::record_action;
use crate::error::AppError;
use crate::web::admin_layout::{AdminLayout, Section, admin_lang, flash};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::state::AppState;
use crate::web::{html, private_html, see_other};

/// An endpoint as the list shows it.
pub struct EndpointRow {
    pub endpoint: Endpoint,
    pub pending: i64,
    pub failed: i64,
    pub sent: i64,
}

#[derive(Template)]
#[template(path = "admin/webhooks.html")]
struct ListPage<'a> {
    layout: AdminLayout<'a>,
    endpoints: Vec<EndpointRow>,
    events: [Event; 3],
    values: HashMap<String, String>,
    errors: HashMap<&'static str, String>,
    allow_private: bool,
}

impl ListPage<'_> {
    fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    /// A new form offers every event; a refused one keeps what was ticked.
    fn ticked(&self, event: &Event) -> bool {
        self.values.is_empty() || self.values.contains_key(event.key())
    }
}

async fn list_page(
    req: &HttpRequest,
    session: &Session,
    user: &CurrentUser,
    state: &AppState,
    values: HashMap<String, String>,
    errors: HashMap<&'static str, String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let counts = store::counts(&state.db).await?;
    let endpoints = store::endpoints(&state.db)
        .await?
        .into_iter()
        .map(|endpoint| {
            let (pending, failed, sent) = counts
                .iter()
                .find(|(id, ..)| *id == endpoint.id)
                .map_or((0, 0, 0), |(_, p, f, s)| (*p, *f, *s));
            EndpointRow {
                endpoint,
                pending,
                failed,
                sent,
            }
        })
        .collect();
    let layout = AdminLayout::new(
        req,
        state,
        Some(&user.user),
        &user.csrf_token,
        Some(session),
        Section::Webhooks,
    );
    Ok(html(
        status,
        ListPage {
            layout,
            endpoints,
            events: Event::ALL,
            values,
            errors,
            allow_private: state.config.webhook_allow_private,
        }
        .render()?,
    ))
}

/// GET `/admin/webhooks`.
pub async fn list(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    list_page(
        &req,
        &session,
        &user,
        &state,
        HashMap::new(),
        HashMap::new(),
        StatusCode::OK,
    )
    .await
}

/// POST `/admin/webhooks`: a new endpoint, its secret made here and shown on its page.
pub async fn add(
    req: HttpRequest,
    session: Session,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    user.require_admin()?;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    let mut errors = HashMap::new();
    let name = form.get("name").map_or("", |n| n.trim());
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        errors.insert("name", ui.t("error-name").to_owned());
    }
    let events: Vec<Event> = Event::ALL
        .into_iter()
        .filter(|e| form.get(e.key()).is_some_and(|v| v == "yes"))
        .collect();
    if events.is_empty() {
        errors.insert("events", ui.t("webhook-error-events").to_owned());
    }
    let url = form.get("url").map_or("", String::as_str);
    match address::parse(url) {
        Ok(parsed) => {
            if let Err(address::Refused(id)) =
                address::check_reachable(&parsed, state.config.webhook_allow_private).await
            {
                errors.insert("url", ui.t(id).to_owned());
            }
        }
        Err(address::Refused(id)) => {
            errors.insert("url", ui.t(id).to_owned());
        }
    }
    if !errors.is_empty() {
        let mut values = form.clone();
        values.remove("csrf_token");
        values.insert("submitted".to_owned(), "yes".to_owned());
        return list_page(
            &req,
            &session,
            &user,
            &state,
            values,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let secret = format!("whsec_{}", crate::tokens::random_token()?);
    let id = store::add_endpoint(
        &state.db,
        &NewEndpoint {
            name,
            url: url.trim(),
            secret: &secret,
            events: &events,
        },
        jiff::Timestamp::now(),
    )
    .await?;
    record_action(
        &state.db,
        &user,
        &req,
        "webhook-added",
        &format!("webhook {id}"),
    )
    .await?;
    flash(&session, ui.t("webhook-added"));
    Ok(see_other(&format!("/admin/webhooks/{id}")))
}

#[derive(Template)]
#[template(path = "admin/webhook.html")]
struct EndpointPage<'a> {
    layout: AdminLayout<'a>,
    endpoint: Endpoint,
    deliveries: Vec<Delivery>,
}

/// GET `/admin/webhooks/{id}`: the endpoint, its secret and its delivery log.
pub async fn show(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let endpoint = store::endpoint(&state.db, path.into_inner())
        .await?
        .ok_or(AppError::NotFound)?;
    let deliveries = store::deliveries(&state.db, endpoint.id, 100).await?;
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Webhooks,
    );
    let response = private_html(
        StatusCode::OK,
        EndpointPage {
            layout,
            endpoint,
            deliveries,
        }
        .render()?,
    );
    Ok(response)
}

/// POST `/admin/webhooks/{id}/delete`, after the tick.
pub async fn delete(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    user.require_admin()?;
    let id = path.into_inner();
    let ui = state.catalog.messages(admin_lang(&req, &state));
    if form.get("confirm").map(String::as_str) != Some("yes") {
        flash(&session, ui.t("webhook-delete-confirm"));
        return Ok(see_other(&format!("/admin/webhooks/{id}")));
    }
    if !store::delete_endpoint(&state.db, id).await? {
        return Err(AppError::NotFound);
    }
    record_action(
        &state.db,
        &user,
        &req,
        "webhook-deleted",
        &format!("webhook {id}"),
    )
    .await?;
    flash(&session, ui.t("webhook-deleted"));
    Ok(see_other("/admin/webhooks"))
}

/// POST `/admin/webhooks/deliveries/{id}/again`: the same event once more, with the same id.
pub async fn send_again(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    input.user.require_admin()?;
    let id = path.into_inner();
    let endpoint = store::send_again(&state.db, id, jiff::Timestamp::now())
        .await?
        .ok_or(AppError::NotFound)?;
    record_action(
        &state.db,
        &input.user,
        &req,
        "webhook-sent-again",
        &format!("delivery {id}"),
    )
    .await?;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    flash(&session, ui.t("webhook-queued-again"));
    Ok(see_other(&format!("/admin/webhooks/{endpoint}")))
}

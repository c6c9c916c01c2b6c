//! `AppError`, the one error type handlers return, and its status codes. It knows no page frame:
//! `web::error_page` turns the plain answers into the visitor's localized page.
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Somewhere else first: not signed in (the login page, which then leads back), or signed in but
    /// something must be done first (two-factor enrolment the site requires).
    #[error("see {0}")]
    SeeOther(String),
    #[error("forbidden")]
    Forbidden,
    #[error("request too large")]
    TooLarge,
    #[error("too many requests; retry in {retry_after_secs} s")]
    TooMany { retry_after_secs: u64 },
    #[error("service unavailable")]
    Unavailable,
    #[error(transparent)]
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for AppError {
    /// A database still busy after its timeout, or out of reach, is a moment's trouble (503, try
    /// again), not a fault.
    fn from(e: anyhow::Error) -> Self {
        match e.downcast_ref::<sqlx::Error>() {
            Some(db) if crate::db::is_unavailable(db) => AppError::Unavailable,
            _ => AppError::Internal(e),
        }
    }
}

impl AppError {
    /// A body that could not be read: 413 when too large, else 400.
    pub fn from_payload(e: &actix_web::Error) -> AppError {
        if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::BadRequest(e.to_string())
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        if crate::db::is_unavailable(&e) {
            AppError::Unavailable
        } else {
            AppError::Internal(e.into())
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::SeeOther(_) => StatusCode::SEE_OTHER,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooMany { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A plain body; `web::error_page` turns it into the visitor's page.
    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::SeeOther(target) => {
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, target.as_str()))
                    .insert_header((header::CACHE_CONTROL, "no-store"))
                    .finish();
            }
            AppError::TooMany { retry_after_secs } => {
                return HttpResponse::TooManyRequests()
                    .insert_header((header::RETRY_AFTER, retry_after_secs.to_string()))
                    .content_type("text/plain; charset=utf-8")
                    .body("Too Many Requests");
            }
            _ => {}
        }
        HttpResponse::build(self.status_code())
            .content_type("text/plain; charset=utf-8")
            .body(self.status_code().canonical_reason().unwrap_or("Error"))
    }
}

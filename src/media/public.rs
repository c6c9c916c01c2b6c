//! `/media/...`: uploaded files, under the same strict path rules as `/static`; names are random and
//! never reused, so they are cached for a year.
use actix_files::NamedFile;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::AppError;
use crate::web::assets::is_plain_path;
use crate::web::state::AppState;

/// GET `/media/{file}`.
pub async fn serve(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let Some(name) = req
        .path()
        .strip_prefix("/media/")
        .filter(|p| is_plain_path(p) && !p.contains('/'))
    else {
        return Err(AppError::NotFound);
    };
    if name.ends_with(".part") {
        return Err(AppError::NotFound);
    }
    // A whitepaper's PDF goes out through its download link only, never by its address here.
    if name.ends_with(".pdf") && crate::media::store::is_gated(&state.db, name).await? {
        return Err(AppError::NotFound);
    }
    let path = media_dir(&state).join(name);
    let file = web::block(move || NamedFile::open(path))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let Ok(file) = file else {
        return Err(AppError::NotFound);
    };
    if !file.metadata().is_file() {
        return Err(AppError::NotFound);
    }
    let mut response = file
        .use_etag(true)
        .use_last_modified(true)
        .into_response(&req);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(response)
}

/// Where uploads live: `MAGNETIQ_MEDIA_DIR`, by default `{data dir}/media` (a folder every instance of
/// a site mounts, when there are several).
pub fn media_dir(state: &AppState) -> std::path::PathBuf {
    state.config.media_dir.clone()
}

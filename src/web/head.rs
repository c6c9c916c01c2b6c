//! The methods each address answers. `HEAD` wherever `GET` works: the request is routed as the `GET` it stands for, so it gets the
//! same status and headers (cache validators, redirects, `Content-Length`), and the connection
//! writes no body (actix's HTTP codec knows the request was `HEAD`). Uptime monitors and link
//! checkers that ask with `HEAD` see the site as browsers do. What would cost work only for a body
//! (fresh compression) checks [`was_head`] and skips it. Any other method an address does not
//! answer gets 405 with `Allow` listing the ones it does ([`allow`]).
use actix_web::dev::ServiceRequest;
use actix_web::http::Method;
use actix_web::http::header;
use actix_web::{HttpMessage, HttpResponse, Resource, web};

/// Marks a request that arrived as `HEAD`.
#[derive(Clone, Copy)]
struct WasHead;

/// `HEAD` becomes `GET` for everything behind the caller (the outermost middleware,
/// [`super::observe::observe`], so the request log still says `HEAD`).
pub fn route_head_as_get(req: &mut ServiceRequest) {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
        req.extensions_mut().insert(WasHead);
    }
}

/// Whether the request arrived as `HEAD` (its answer's body is never sent).
pub fn was_head(req: &impl HttpMessage) -> bool {
    req.extensions().get::<WasHead>().is_some()
}

/// A handler answering 405 with `Allow: {allow}`.
pub fn not_allowed(
    allow: &'static str,
) -> impl Fn() -> std::future::Ready<HttpResponse> + Clone + 'static {
    move || {
        std::future::ready(
            HttpResponse::MethodNotAllowed()
                .insert_header((header::ALLOW, allow))
                .finish(),
        )
    }
}

/// `resource` with 405 and `Allow: {allow}` for the methods it has no route for.
pub fn allow(resource: Resource, allow: &'static str) -> Resource {
    resource.default_service(web::to(not_allowed(allow)))
}

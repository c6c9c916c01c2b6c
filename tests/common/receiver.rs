//! A webhook receiver as a CRM runs one: an HTTP server on `127.0.0.1:0` that checks each
//! delivery's signature with the endpoint's secret, keeps what it got, and answers as told (fail
//! the first few, hold one until the sender is gone, redirect).
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};

/// One delivery as it arrived.
#[derive(Clone, Debug)]
pub struct Received {
    pub event_id: String,
    pub event: String,
    pub body: serde_json::Value,
    pub signature_ok: bool,
    /// The status the receiver answered (0: the sender was gone before the answer).
    pub answered: u16,
}

#[derive(Default)]
pub struct Behaviour {
    /// Answer 500 to this many deliveries first.
    pub fail_first: AtomicUsize,
    /// Hold this many deliveries without an answer for a minute (a sender killed meanwhile).
    pub hold_first: AtomicUsize,
    /// Answer every delivery with a redirect.
    pub redirect: bool,
}

pub struct Receiver {
    pub url: String,
    pub secret: Arc<Mutex<String>>,
    pub got: Arc<Mutex<Vec<Received>>>,
    pub behaviour: Arc<Behaviour>,
    handle: actix_web::dev::ServerHandle,
}

impl Receiver {
    pub async fn start(behaviour: Behaviour) -> Receiver {
        let secret = Arc::new(Mutex::new(String::new()));
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let behaviour = Arc::new(behaviour);
        let state = (secret.clone(), got.clone(), behaviour.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(state.clone()))
                .route("/hook", web::post().to(hook))
                .route(
                    "/elsewhere",
                    web::post().to(|| async { HttpResponse::Ok().finish() }),
                )
        })
        .workers(1)
        .bind("127.0.0.1:0")
        .unwrap();
        let addr = server.addrs()[0];
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        Receiver {
            url: format!("http://{addr}/hook"),
            secret,
            got,
            behaviour,
            handle,
        }
    }

    pub fn set_secret(&self, secret: &str) {
        *self.secret.lock().unwrap() = secret.to_owned();
    }

    pub fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// The deliveries answered 2xx.
    pub fn accepted(&self) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| (200..300).contains(&r.answered))
            .collect()
    }

    /// Waits until `enough` says the accepted deliveries are enough, for at most `limit`.
    pub async fn wait_for(
        &self,
        limit: Duration,
        enough: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let start = std::time::Instant::now();
        loop {
            let accepted = self.accepted();
            if enough(&accepted) || start.elapsed() > limit {
                return accepted;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        tokio::spawn(async move { handle.stop(false).await });
    }
}

type Shared = (
    Arc<Mutex<String>>,
    Arc<Mutex<Vec<Received>>>,
    Arc<Behaviour>,
);

async fn hook(req: HttpRequest, body: web::Bytes, state: web::Data<Shared>) -> HttpResponse {
    let (secret, got, behaviour) = state.get_ref();
    let text = String::from_utf8_lossy(&body).into_owned();
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let secret = secret.lock().unwrap().clone();
    let now = jiff::Timestamp::now().as_second();
    let mut received = Received {
        event_id: header("magnetiq-delivery"),
        event: header("magnetiq-event"),
        body: serde_json::from_str(&text).unwrap_or_default(),
        signature_ok: magnetiq::webhooks::sign::verify(
            &secret,
            &header("magnetiq-signature"),
            &text,
            now,
            300,
        ),
        answered: 0,
    };
    let take = |counter: &AtomicUsize| {
        counter
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    };
    let answer = if take(&behaviour.hold_first) {
        got.lock().unwrap().push(received);
        // The sender is killed meanwhile; this answer reaches nobody and counts for nothing.
        tokio::time::sleep(Duration::from_secs(60)).await;
        return HttpResponse::ServiceUnavailable().finish();
    } else if behaviour.redirect {
        HttpResponse::Found()
            .insert_header(("location", "/elsewhere"))
            .finish()
    } else if take(&behaviour.fail_first) {
        HttpResponse::InternalServerError().finish()
    } else {
        HttpResponse::Ok().body("thanks")
    };
    received.answered = answer.status().as_u16();
    got.lock().unwrap().push(received);
    answer
}

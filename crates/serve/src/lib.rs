//! corroborate-serve: `corroborate serve`, a local web app over the store. The only async
//! crate of the workspace (axum on a tokio runtime); its handlers are thin: each reads the
//! store (`corroborate_store::Store`, through a small pool of connections) inside
//! `spawn_blocking`, calls the pipeline's orchestrator (`run`) when a story was never
//! analysed or articles are uploaded, and renders with `pages.rs` (HTML) or the render
//! crate's schema-v1 records (JSON).
//!
//! Main types: [`Config`] (store, address, token, analysis options), [`spawn`] (binds and
//! serves on a runtime of its own, returning a [`Running`] server), [`ServeError`].
//!
//! ```no_run
//! let config = corroborate_serve::Config::new("corroborate.db".into(), "127.0.0.1:0".parse().unwrap());
//! let running = corroborate_serve::spawn(config).unwrap();
//! println!("http://{}/", running.addr());
//! running.wait();
//! ```
//!
//! URLs (fixed; the browser tests depend on them): `GET /` (index: `q`, `from`, `to`,
//! `outlet`, `entity`, `page`), `/stories/{id}`, `/articles/{id}`, `/entities/{name}`,
//! `/outlets/{name}`, `GET`/`POST /add`; JSON beside them: `/api/stories`,
//! `/api/stories/{id}` (the schema-v1 story object of `digest --format json`),
//! `/api/articles/{id}`, `/api/entities/{name}`, `/api/outlets/{name}`, `/api/generation`;
//! `/static/app.css`, `/static/app.js`.
//!
//! Stable element ids for tests: index `#search` (form), `#stories` (list, with
//! `data-generation`; each `li[data-testid=story]` has `data-story`, and with `q` a
//! `p[data-testid=hit]` snippet with `<mark>`ed words), `#no-stories`; story page
//! `#headline`, `#independent-sources`, `#summary`, `#facts` (rows `tr#fact-N`
//! `[data-testid=fact][data-independent]`), `#conflicts`, `#quotes`, `#entities`, `#numbers`,
//! `#rewrites` (`svg.graph`, and `li[data-testid=derivation][data-article][data-source]`), `#timeline`,
//! `#articles` (`article#art-N[data-article]`); article page `#headline`, `#metadata`,
//! `#original`, `#article-text`, `#removed`, `#facts`; entity page `#aliases`, `#stories`,
//! `#quotes`; outlet page `#derivations`, `#stories`, `#single-source`; add page `#add`
//! (form), `#files`; after an upload `#added`, `#rejected`; errors `#error`.
//!
//! Safety: binds loopback unless told otherwise, and then only with an access token
//! ([`ServeError::TokenRequired`]); with a token every request must carry it (`Authorization:
//! Bearer`, the `corroborate_token` cookie, or `?token=` once, which sets that cookie, HttpOnly
//! and SameSite=Strict). Without a token, requests must name a loopback host (`Host`), so a web
//! page elsewhere cannot reach the store by DNS rebinding. Uploads need the per-process CSRF
//! token and are capped in size. Every response carries a strict Content-Security-Policy (no
//! inline script or style), `X-Content-Type-Options: nosniff` and `Referrer-Policy`.
//! Never renders article text as HTML, never links anything but http(s), never writes to the
//! store except uploads (through `run::Ingest`) and the kept analysis of a story analysed
//! on demand.

mod pages;
mod views;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Multipart, Path as UrlPath, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use corroborate_model::StoryStore;
use corroborate_pipeline::run::Options;
use corroborate_render::{json, View};
use corroborate_store::{Store, StoreError};
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub use views::PAGE_SIZE;

/// The Content-Security-Policy of every response: only this origin's script and style, no
/// inline script or style, no plugins, no framing, forms post only here.
pub const CSP: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The cookie that carries the access token after `?token=`.
const TOKEN_COOKIE: &str = "corroborate_token";

/// The largest upload (all files of one `POST /add`), in bytes.
pub const DEFAULT_UPLOAD_LIMIT: usize = 64 * 1024 * 1024;

const APP_CSS: &str = include_str!("../static/app.css");
const APP_JS: &str = include_str!("../static/app.js");

/// How to serve.
#[derive(Clone, Debug)]
pub struct Config {
    /// The store file (created empty when missing, as `ingest` does).
    pub db: PathBuf,
    /// Where to listen.
    pub addr: SocketAddr,
    /// The access token every request must carry; required for a non-loopback address.
    pub token: Option<String>,
    /// Analysis options of stories analysed on demand and of uploads (model, summary length).
    pub options: Options,
    /// The largest upload in bytes.
    pub upload_limit: usize,
}

impl Config {
    /// Serve `db` at `addr`, no token, analyses by words alone, default upload limit.
    pub fn new(db: PathBuf, addr: SocketAddr) -> Self {
        Config {
            db,
            addr,
            token: None,
            options: Options::default(),
            upload_limit: DEFAULT_UPLOAD_LIMIT,
        }
    }
}

/// Why the server did not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// A non-loopback address without an access token.
    #[error("{0} is not a loopback address: give an access token (--token or $CORROBORATE_TOKEN) to serve on it")]
    TokenRequired(SocketAddr),
    /// An access token that is empty or holds characters a header or cookie cannot carry.
    #[error("the access token must be 16 to 256 visible ASCII characters without spaces, quotes, commas or semicolons")]
    BadToken,
    /// The store could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The address could not be bound, or the runtime not started.
    #[error("{addr}: {source}")]
    Io {
        /// The address.
        addr: SocketAddr,
        /// What failed.
        source: std::io::Error,
    },
}

/// A server running on its own runtime.
pub struct Running {
    addr: SocketAddr,
    runtime: tokio::runtime::Runtime,
    done: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// The address it listens on (the real port when 0 was asked).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serve until the process ends (or the server fails).
    pub fn wait(self) -> std::io::Result<()> {
        match self.runtime.block_on(self.done) {
            Ok(r) => r,
            Err(e) => Err(std::io::Error::other(e)),
        }
    }
}

/// Check the configuration, open the store, bind and start serving on a new runtime.
pub fn spawn(config: Config) -> Result<Running, ServeError> {
    if let Some(t) = &config.token {
        let ok = (16..=256).contains(&t.len())
            && t.bytes()
                .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b',' | b';' | b'\\'));
        if !ok {
            return Err(ServeError::BadToken);
        }
    } else if !config.addr.ip().is_loopback() {
        return Err(ServeError::TokenRequired(config.addr));
    }
    let io = |source| ServeError::Io {
        addr: config.addr,
        source,
    };
    // The store is opened (and created, as `ingest` would) once here, so a bad file fails
    // at start and not at the first request.
    let first = Store::open(&config.db)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .thread_name("corroborate-serve")
        .build()
        .map_err(io)?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(config.addr))
        .map_err(io)?;
    let addr = listener.local_addr().map_err(io)?;
    let app = Arc::new(App {
        csrf: secret(),
        pool: Mutex::new(vec![first]),
        upload: Mutex::new(()),
        analysing: views::InFlight::default(),
        cache: Mutex::new(PageCache::default()),
        config,
    });
    let router = router(app);
    let done = runtime.spawn(async move { axum::serve(listener, router).await });
    Ok(Running {
        addr,
        runtime,
        done,
    })
}

/// A random secret for the CSRF token (hex), from the operating system.
fn secret() -> String {
    let mut bytes = [0u8; 24];
    if getrandom::getrandom(&mut bytes).is_err() {
        // No OS randomness: still unpredictable enough across processes for a loopback form.
        let s = std::collections::hash_map::RandomState::new();
        use std::hash::BuildHasher;
        for (i, chunk) in bytes.chunks_mut(8).enumerate() {
            let h = s.hash_one((i, std::time::SystemTime::now()));
            chunk.copy_from_slice(&h.to_le_bytes()[..chunk.len()]);
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compare two secrets in time that does not depend on where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Story pages and story JSON made lately, each with the stamp of the analysis it was made
/// from (`Store::story_stamp`): served again while the stamp is the same, so a popular story
/// is parsed and rendered once. Bounded in bytes; the oldest entries go first.
#[derive(Default)]
struct PageCache {
    pages: HashMap<String, (Stamp, Arc<str>)>,
    order: VecDeque<String>,
    bytes: usize,
}

/// What a cached page was made from: a story's `(members, analysed members, version)`, or a
/// listing's `(generation, analysed count, None)`.
type Stamp = (u64, Option<u64>, Option<String>);

/// Bytes of pages the cache holds at most.
const CACHE_BYTES: usize = 64 << 20;

impl PageCache {
    fn get(&self, key: &str, stamp: &Stamp) -> Option<Arc<str>> {
        self.pages
            .get(key)
            .filter(|(s, _)| s == stamp)
            .map(|(_, p)| p.clone())
    }

    fn put(&mut self, key: String, stamp: Stamp, page: Arc<str>) {
        if page.len() > CACHE_BYTES / 8 {
            return;
        }
        self.bytes += page.len();
        if let Some((_, old)) = self.pages.insert(key.clone(), (stamp, page)) {
            self.bytes -= old.len();
        } else {
            self.order.push_back(key);
        }
        while self.bytes > CACHE_BYTES {
            let Some(k) = self.order.pop_front() else {
                break;
            };
            if let Some((_, p)) = self.pages.remove(&k) {
                self.bytes -= p.len();
            }
        }
    }
}

struct App {
    config: Config,
    csrf: String,
    /// Open store connections not in use (a request takes one and puts it back).
    pool: Mutex<Vec<Store>>,
    /// Uploads ingest one at a time in this process (other processes wait on the store).
    upload: Mutex<()>,
    /// Stories being analysed on demand.
    analysing: views::InFlight,
    /// Story pages and JSON lately made.
    cache: Mutex<PageCache>,
}

/// A failed request: status and message, as HTML or JSON.
struct Failure {
    status: StatusCode,
    message: String,
    json: bool,
}

impl Failure {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Failure {
            status,
            message: message.into(),
            json: false,
        }
    }

    fn not_found(what: &str) -> Self {
        Failure::new(StatusCode::NOT_FOUND, format!("No {what} here."))
    }

    fn json(mut self) -> Self {
        self.json = true;
        self
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        if self.json {
            let body = serde_json::json!({ "error": self.message }).to_string();
            (
                self.status,
                [(header::CONTENT_TYPE, "application/json")],
                body,
            )
                .into_response()
        } else {
            let body = pages::error(self.status.as_u16(), &self.message);
            (
                self.status,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                body,
            )
                .into_response()
        }
    }
}

type Reply = Result<Response, Failure>;

fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

fn json_body(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

impl App {
    /// Run `f` on a pooled store connection on the blocking pool.
    async fn with_store<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut Store, &views::Analyse) -> Result<T, Failure> + Send + 'static,
    ) -> Result<T, Failure> {
        let app = self.clone();
        tokio::task::spawn_blocking(move || {
            let taken = app.pool.lock().ok().and_then(|mut p| p.pop());
            let mut store = match taken {
                Some(s) => s,
                None => Store::open(&app.config.db)?,
            };
            let how = views::Analyse {
                options: &app.config.options,
                gate: &app.analysing,
            };
            let r = f(&mut store, &how);
            if let Ok(mut p) = app.pool.lock() {
                if p.len() < 64 {
                    p.push(store);
                }
            }
            r
        })
        .await
        .map_err(|e| Failure::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
    }
}

/// The routes, with the access and header layers.
fn router(app: Arc<App>) -> Router {
    let limit = app.config.upload_limit;
    Router::new()
        .route("/", get(index))
        .route("/stories/{id}", get(story_page))
        .route("/articles/{id}", get(article_page))
        .route("/entities/{key}", get(entity_page))
        .route("/outlets/{name}", get(outlet_page))
        .route(
            "/add",
            get(add_form)
                .post(add_post)
                .layer(DefaultBodyLimit::max(limit)),
        )
        .route("/api/stories", get(api_stories))
        .route("/api/stories/{id}", get(api_story))
        .route("/api/articles/{id}", get(api_article))
        .route("/api/entities/{key}", get(api_entity))
        .route("/api/outlets/{name}", get(api_outlet))
        .route("/api/generation", get(api_generation))
        .route(
            "/static/app.css",
            get(|| async { static_file(APP_CSS, "text/css; charset=utf-8") }),
        )
        .route(
            "/static/app.js",
            get(|| async { static_file(APP_JS, "text/javascript; charset=utf-8") }),
        )
        .fallback(|| async { Failure::not_found("page") })
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .layer(middleware::from_fn(secure_headers))
        .with_state(app)
}

fn static_file(body: &'static str, kind: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// Headers every response carries.
async fn secure_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// The host part of a `Host` header (without port; IPv6 brackets kept).
fn host_name(host: &str) -> &str {
    if host.starts_with('[') {
        return host
            .split(']')
            .next()
            .map_or(host, |h| &host[..h.len() + 1]);
    }
    host.split(':').next().unwrap_or(host)
}

fn loopback_host(host: &str) -> bool {
    let h = host_name(host).to_ascii_lowercase();
    h == "localhost"
        || h.ends_with(".localhost")
        || h == "[::1]"
        || h.parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether a request carries `token` (bearer header, cookie, or `token` query parameter):
/// `None` when it does not, else `Some(true)` when the query parameter was the one.
fn carries_token(headers: &HeaderMap, query: Option<&str>, token: &str) -> Option<bool> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|v| same_secret(v.trim(), token));
    let cookie = headers.get_all(header::COOKIE).iter().any(|c| {
        c.to_str().unwrap_or("").split(';').any(|part| {
            part.trim()
                .strip_prefix(TOKEN_COOKIE)
                .and_then(|v| v.strip_prefix('='))
                .is_some_and(|v| same_secret(v, token))
        })
    });
    if bearer || cookie {
        return Some(false);
    }
    let query = query.unwrap_or("").split('&').any(|kv| {
        kv.strip_prefix("token=")
            .is_some_and(|v| same_secret(&percent_decode(v), token))
    });
    query.then_some(true)
}

fn percent_decode(s: &str) -> String {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The query string without its `token` parameter.
fn without_token(query: &str) -> String {
    query
        .split('&')
        .filter(|kv| !kv.starts_with("token=") && !kv.is_empty())
        .collect::<Vec<_>>()
        .join("&")
}

/// Access: with a token, every request must carry it (a `?token=` on a GET sets the cookie
/// and redirects to the same URL without it); without one, only loopback `Host`s.
async fn guard(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    match &app.config.token {
        None => {
            let host = req
                .headers()
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("");
            if !loopback_host(host) {
                return Failure::new(
                    StatusCode::FORBIDDEN,
                    "This server answers only on a loopback address (localhost, 127.0.0.1, [::1]).",
                )
                .into_response();
            }
            next.run(req).await
        }
        Some(token) => {
            let carried = carries_token(req.headers(), req.uri().query(), token);
            let Some(in_query) = carried else {
                let mut res = Failure::new(
                    StatusCode::UNAUTHORIZED,
                    "An access token is required: open the link the server printed (…?token=…) or send Authorization: Bearer TOKEN.",
                )
                .into_response();
                res.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"corroborate\""),
                );
                return res;
            };
            let cookie = format!("{TOKEN_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/");
            if in_query && req.method() == Method::GET {
                let rest = without_token(req.uri().query().unwrap_or(""));
                let target = if rest.is_empty() {
                    req.uri().path().to_string()
                } else {
                    format!("{}?{rest}", req.uri().path())
                };
                let mut res = Response::new(Body::empty());
                *res.status_mut() = StatusCode::SEE_OTHER;
                if let (Ok(loc), Ok(c)) = (
                    HeaderValue::from_str(&target),
                    HeaderValue::from_str(&cookie),
                ) {
                    res.headers_mut().insert(header::LOCATION, loc);
                    res.headers_mut().insert(header::SET_COOKIE, c);
                }
                return res;
            }
            next.run(req).await
        }
    }
}

/// An index page (`json`: its JSON), from the cache while the store's listing stamp is the
/// one it was made from (so a repeated search costs one small query), else made and kept.
async fn listing_reply(
    app: &Arc<App>,
    q: views::IndexQuery,
    json: bool,
) -> Result<Arc<str>, Failure> {
    let app2 = app.clone();
    app.with_store(move |s, _| {
        let (generation, analysed) = s.listing_stamp()?;
        let stamp: Stamp = (generation, Some(analysed), None);
        let (norm, notices) = q.normalized();
        let key = format!(
            "list {json} {} {notices:?}",
            norm.at_page(norm.page_number())
        );
        if let Some(page) = app2.cache.lock().ok().and_then(|c| c.get(&key, &stamp)) {
            return Ok(page);
        }
        let l = views::listing(s, &q)?;
        let page: Arc<str> = if json {
            listing_json(&l).into()
        } else {
            pages::index(&l).into()
        };
        if let Ok(mut c) = app2.cache.lock() {
            c.put(key, stamp, page.clone());
        }
        Ok(page)
    })
    .await
}

async fn index(State(app): State<Arc<App>>, Query(q): Query<views::IndexQuery>) -> Reply {
    let page = listing_reply(&app, q, false).await?;
    Ok(html(page.to_string()))
}

async fn api_stories(State(app): State<Arc<App>>, Query(q): Query<views::IndexQuery>) -> Reply {
    let page = listing_reply(&app, q, true).await.map_err(Failure::json)?;
    Ok(json_body(page.to_string()))
}

fn listing_json(l: &views::Listing) -> String {
    let stories: Vec<serde_json::Value> = l
        .stories
        .iter()
        .map(|s| {
            let r = &s.row;
            serde_json::json!({
                "id": r.id, "headline": r.headline, "articles": r.articles,
                "independent_sources": r.independent_sources,
                "first_date": r.first_date, "last_date": r.last_date,
                "analysed": r.analysed.is_some(), "outlets": s.outlets,
                "match": s.hit.as_ref().map(|h| serde_json::json!({
                    "article": h.article, "snippet": pages::unmarked(&h.snippet),
                })),
            })
        })
        .collect();
    let page = l.query.page_number();
    serde_json::json!({
        "stories": stories,
        "page": page,
        "next_page": if l.more { Some(page + 1) } else { None },
        "notices": l.notices,
        "generation": l.generation,
    })
    .to_string()
}

/// A story page (`json`: its schema-v1 JSON), from the cache while the story's analysis is
/// the one it was made from, else made from the store and kept in the cache when it was made
/// from a kept analysis covering every member.
async fn story_reply(app: &Arc<App>, id: String, json: bool) -> Result<Arc<str>, Failure> {
    let app2 = app.clone();
    app.with_store(move |s, how| {
        let (members, analysed, version) = s
            .story_stamp(&id)?
            .ok_or_else(|| Failure::not_found("story"))?;
        let stamp: Stamp = (members as u64, analysed.map(u64::from), version);
        let key = format!("story {json} {id}");
        if let Some(page) = app2.cache.lock().ok().and_then(|c| c.get(&key, &stamp)) {
            return Ok(page);
        }
        let v = views::story(s, &id, how)?.ok_or_else(|| Failure::not_found("story"))?;
        let page: Arc<str> = if json {
            story_json(&v).into()
        } else {
            pages::story(&v).into()
        };
        let covered = analysed == Some(members) && members as usize == v.articles.len();
        if covered && !v.analysed_now {
            if let Ok(mut c) = app2.cache.lock() {
                c.put(key, stamp, page.clone());
            }
        }
        Ok(page)
    })
    .await
}

async fn story_page(State(app): State<Arc<App>>, UrlPath(id): UrlPath<String>) -> Reply {
    let page = story_reply(&app, id, false).await?;
    Ok(html(page.to_string()))
}

/// The schema-v1 story object of `digest --format json` for a stored story.
fn story_json(v: &views::StoryView) -> String {
    let stories = [v.story.clone()];
    let view = View {
        articles: &v.articles,
        rejected: &[],
        stories: &stories,
    };
    let record = json::record(&view);
    serde_json::to_string(&record.stories[0]).unwrap_or_else(|_| "{}".into())
}

async fn api_story(State(app): State<Arc<App>>, UrlPath(id): UrlPath<String>) -> Reply {
    let page = story_reply(&app, id, true).await.map_err(Failure::json)?;
    Ok(json_body(page.to_string()))
}

async fn article_page(State(app): State<Arc<App>>, UrlPath(id): UrlPath<String>) -> Reply {
    let v = app
        .with_store(move |s, o| {
            views::article(s, &id, o)?.ok_or_else(|| Failure::not_found("article"))
        })
        .await?;
    Ok(html(pages::article(&v)))
}

async fn api_article(State(app): State<Arc<App>>, UrlPath(id): UrlPath<String>) -> Reply {
    let v = app
        .with_store(move |s, o| {
            views::article(s, &id, o)?.ok_or_else(|| Failure::not_found("article"))
        })
        .await
        .map_err(Failure::json)?;
    let a = v.article().clone();
    let articles = [a];
    let view = View {
        articles: &articles,
        rejected: &[],
        stories: &[],
    };
    let record = json::record(&view);
    let body = serde_json::json!({
        "article": record.articles[0],
        "story": v.row.story,
        "copy_of": v.row.copy_of.as_ref().map(|c| &c.0),
        "derived_from": v.story.as_ref().and_then(|s| corroborate_render::derived_from(&s.story, &v.row.article.id)),
        "facts": v.facts(),
    });
    Ok(json_body(body.to_string()))
}

async fn entity_page(State(app): State<Arc<App>>, UrlPath(key): UrlPath<String>) -> Reply {
    let v = app
        .with_store(move |s, _| views::entity(s, &key)?.ok_or_else(|| Failure::not_found("entity")))
        .await?;
    Ok(html(pages::entity(&v)))
}

async fn api_entity(State(app): State<Arc<App>>, UrlPath(key): UrlPath<String>) -> Reply {
    let v = app
        .with_store(move |s, _| views::entity(s, &key)?.ok_or_else(|| Failure::not_found("entity")))
        .await
        .map_err(Failure::json)?;
    Ok(json_body(serde_json::to_string(&v).unwrap_or_default()))
}

async fn outlet_page(State(app): State<Arc<App>>, UrlPath(name): UrlPath<String>) -> Reply {
    let v = app
        .with_store(move |s, _| {
            views::outlet(s, &name)?.ok_or_else(|| Failure::not_found("outlet"))
        })
        .await?;
    Ok(html(pages::outlet(&v)))
}

async fn api_outlet(State(app): State<Arc<App>>, UrlPath(name): UrlPath<String>) -> Reply {
    let v = app
        .with_store(move |s, _| {
            views::outlet(s, &name)?.ok_or_else(|| Failure::not_found("outlet"))
        })
        .await
        .map_err(Failure::json)?;
    Ok(json_body(serde_json::to_string(&v).unwrap_or_default()))
}

async fn api_generation(State(app): State<Arc<App>>) -> Reply {
    let g = app
        .with_store(|s, _| Ok(s.generation()?))
        .await
        .map_err(Failure::json)?;
    Ok(json_body(
        serde_json::json!({ "generation": g }).to_string(),
    ))
}

async fn add_form(State(app): State<Arc<App>>) -> Response {
    html(pages::add_form(&app.csrf, app.config.upload_limit >> 20))
}

/// A file name from an upload reduced to a safe base name (letters, digits, `.-_`), so it
/// can name a file in the upload's own directory and give the article its id.
fn safe_file_name(name: &str, n: usize) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(120)
        .collect();
    let clean = clean.trim_start_matches('.').to_string();
    if clean.is_empty() {
        format!("upload-{n}.txt")
    } else {
        clean
    }
}

/// A fresh directory of its own under the system temporary directory.
fn upload_dir() -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("corroborate-upload-{}", secret()));
    std::fs::create_dir(&dir)?;
    Ok(dir)
}

async fn add_post(State(app): State<Arc<App>>, mut form: Multipart) -> Reply {
    let bad = |m: String| Failure::new(StatusCode::BAD_REQUEST, m);
    let mut csrf_ok = false;
    let mut files: Vec<(String, axum::body::Bytes)> = Vec::new();
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| Failure::new(e.status(), e.body_text()))?
    {
        match field.name() {
            Some("csrf") => {
                let v = field.text().await.map_err(|e| bad(e.body_text()))?;
                csrf_ok = same_secret(v.trim(), &app.csrf);
            }
            Some("files") => {
                let name = safe_file_name(field.file_name().unwrap_or(""), files.len());
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| Failure::new(e.status(), e.body_text()))?;
                if !bytes.is_empty() {
                    files.push((name, bytes));
                }
            }
            _ => {}
        }
    }
    if !csrf_ok {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "The form's security token is missing or wrong: reload the Add articles page and try again.",
        ));
    }
    if files.is_empty() {
        return Err(bad("No file was uploaded.".into()));
    }
    let app2 = app.clone();
    let added = tokio::task::spawn_blocking(move || -> Result<views::Added, Failure> {
        let dir = upload_dir()
            .map_err(|e| Failure::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
        let mut used = std::collections::HashSet::new();
        let written = files.iter().enumerate().try_for_each(|(i, (name, bytes))| {
            let mut name = name.clone();
            if !used.insert(name.clone()) {
                name = format!("{i}-{name}");
                used.insert(name.clone());
            }
            std::fs::write(dir.join(&name), bytes)
        });
        let r = match written {
            Ok(()) => {
                let _one = app2.upload.lock();
                views::add(&app2.config.db, &dir, &app2.config.options)
                    .map_err(|e| Failure::new(StatusCode::INTERNAL_SERVER_ERROR, e))
            }
            Err(e) => Err(Failure::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                e.to_string(),
            )),
        };
        let _ = std::fs::remove_dir_all(&dir);
        r
    })
    .await
    .map_err(|e| Failure::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))??;
    Ok(html(pages::added(&added)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_tokens() {
        assert!(loopback_host("127.0.0.1:8080"));
        assert!(loopback_host("localhost"));
        assert!(loopback_host("[::1]:80"));
        assert!(!loopback_host("evil.example:8080"));
        assert!(!loopback_host("127.0.0.1.evil.example"));
        assert_eq!(percent_decode("a%20b%2"), "a b%2");
        assert_eq!(without_token("token=x&q=a"), "q=a");
        assert!(same_secret("abc", "abc") && !same_secret("abc", "abd") && !same_secret("a", "ab"));
        assert_eq!(safe_file_name("../../etc/pass wd", 0), "pass_wd");
        assert_eq!(safe_file_name("..", 3), "upload-3.txt");
    }
}

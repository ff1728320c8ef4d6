//! The service when things go wrong around it: the database unreachable or restarting, slow
//! clients, a shutdown with requests half sent.

use std::time::Duration;

use aims_web::WebConfig;

use crate::support::{Server, orgs};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_database_is_a_503_to_retry_not_an_internal_error() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let token = &o.tokens["viewer"];
    assert_eq!(
        server.status_with_token("/api/v1/systems", token).await,
        200
    );
    // As when the database goes away under a running server: no connection can be had.
    server.app.store().close().await;
    let response = server
        .http
        .get(server.url("/api/v1/systems"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(response.headers()["retry-after"], "5");
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: serde_json::Value = response.json().await.unwrap();
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("try again"), "{detail}");
    assert!(
        !detail.contains("pool"),
        "internals stay in the log: {detail}"
    );
}

/// A server over a fresh database with `limits`, stopped when `stop` fires; its address and
/// the task serving it.
async fn limited_server(
    limits: aims_web::ServeLimits,
    stop: tokio::sync::oneshot::Receiver<()>,
) -> (String, tokio::task::JoinHandle<std::io::Result<()>>) {
    let (store, _dir) = aims_store::testing::sqlite().await;
    let app = aims_app::App::new(store, std::sync::Arc::new(aims_app::SystemClock));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let state = aims_web::WebState::new(
        app,
        WebConfig {
            limits,
            ..WebConfig::default()
        },
    );
    let serving = tokio::spawn(aims_web::serve(listener, state, async {
        let _ = stop.await;
    }));
    (address, serving)
}

/// Reads what the server sends until it closes the connection; `None` if it keeps it open
/// for a minute.
async fn until_closed(stream: &mut tokio::net::TcpStream) -> Option<String> {
    use tokio::io::AsyncReadExt;
    let mut answer = Vec::new();
    let read = stream.read_to_end(&mut answer);
    match tokio::time::timeout(Duration::from_secs(60), read).await {
        Ok(_) => Some(String::from_utf8_lossy(&answer).into_owned()),
        Err(_) => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_client_cannot_hold_a_connection_or_the_shutdown() {
    use tokio::io::AsyncWriteExt;
    let limits = aims_web::ServeLimits {
        header_read: Duration::from_secs(1),
        body_read: Duration::from_secs(1),
        handling: Duration::from_secs(5),
        shutdown_grace: Duration::from_secs(2),
    };
    let (stop, stopped) = tokio::sync::oneshot::channel();
    let (address, serving) = limited_server(limits, stopped).await;

    // Headers that never end: the connection is closed.
    let mut slow_head = tokio::net::TcpStream::connect(&address).await.unwrap();
    slow_head
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: aims\r\nX-Slow: ")
        .await
        .unwrap();
    assert!(
        until_closed(&mut slow_head).await.is_some(),
        "headers never finished, yet the connection stayed open"
    );

    // A body that stops half way: the request is refused and the connection closed.
    let mut slow_body = tokio::net::TcpStream::connect(&address).await.unwrap();
    slow_body
        .write_all(b"POST /sign-in HTTP/1.1\r\nHost: aims\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=a")
        .await
        .unwrap();
    let answer = until_closed(&mut slow_body)
        .await
        .expect("the connection stayed open");
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 4") || answer.starts_with("HTTP/1.1 5"),
        "{answer}"
    );

    // A request half sent when shutdown begins does not keep the server from stopping.
    let mut half_sent = tokio::net::TcpStream::connect(&address).await.unwrap();
    half_sent
        .write_all(b"POST /sign-in HTTP/1.1\r\nHost: aims\r\nContent-Length: 100\r\n\r\nemail=")
        .await
        .unwrap();
    stop.send(()).unwrap();
    let stopped = tokio::time::timeout(Duration::from_secs(60), serving).await;
    assert!(stopped.is_ok(), "serving did not end after shutdown began");
    assert!(stopped.unwrap().unwrap().is_ok());
    assert!(
        tokio::net::TcpStream::connect(&address).await.is_err(),
        "still listening"
    );
}

/// A TCP relay to PostgreSQL that can drop every connection and refuse new ones, as the
/// server does while it restarts.
struct Relay {
    address: std::net::SocketAddr,
    up: tokio::sync::watch::Sender<bool>,
}

impl Relay {
    async fn start(target: String) -> Relay {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let address = socket.local_addr().unwrap();
        let (up, mut watch) = tokio::sync::watch::channel(true);
        // Listening before this returns, so that a connection made at once is not refused.
        let mut listener = Some(socket.listen(64).unwrap());
        tokio::spawn(async move {
            loop {
                let Some(accepting) = listener.as_ref() else {
                    // Down: nothing listens, so connecting is refused, until it is up again.
                    if watch.changed().await.is_err() {
                        return;
                    }
                    if *watch.borrow() {
                        let socket = tokio::net::TcpSocket::new_v4().unwrap();
                        socket.set_reuseaddr(true).unwrap();
                        socket.bind(address).unwrap();
                        listener = Some(socket.listen(64).unwrap());
                    }
                    continue;
                };
                tokio::select! {
                    accepted = accepting.accept() => {
                        let Ok((mut client, _)) = accepted else { continue };
                        let target = target.clone();
                        let mut down = watch.clone();
                        tokio::spawn(async move {
                            let Ok(mut server) = tokio::net::TcpStream::connect(&target).await else { return };
                            tokio::select! {
                                _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                                _ = down.wait_for(|up| !*up) => {}
                            }
                        });
                    }
                    _ = watch.changed() => {
                        if !*watch.borrow() {
                            listener = None;
                        }
                    }
                }
            }
        });
        Relay { address, up }
    }

    fn set_up(&self, up: bool) {
        self.up.send_replace(up);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_postgres_restarts_requests_get_503_to_retry_and_readiness_answers_at_once() {
    let Some(database) = aims_store::testing::pg_database().await else {
        return;
    };
    let url = database.url();
    // postgres://user@host:port/db, reached through the relay.
    let (before, rest) = url.split_once('@').unwrap();
    let (host, database) = rest.split_once('/').unwrap();
    let target = if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:5432")
    };
    let relay = Relay::start(target).await;
    let through = format!("{before}@{}/{database}", relay.address);
    let store = aims_store::Store::connect(&through).await.unwrap();
    store.migrate().await.unwrap();
    let server = Server::on(store, WebConfig::default(), None).await;
    let o = orgs(&server.app).await;
    let token = o.tokens["viewer"].clone();
    assert_eq!(
        server.status_with_token("/api/v1/systems", &token).await,
        200
    );

    relay.set_up(false);
    let response = server
        .http
        .get(server.url("/api/v1/systems"))
        .bearer_auth(&token)
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .expect("an answer while the database is down");
    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(response.headers()["retry-after"], "5");
    let ready = server
        .http
        .get(server.url("/readyz"))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .expect("readiness answers while the database is down");
    assert_eq!(ready.status().as_u16(), 503);
    assert_eq!(ready.headers()["retry-after"], "5");
    let body = ready.text().await.unwrap();
    assert!(
        !body.contains("127.0.0.1") && !body.contains("postgres"),
        "{body}"
    );

    relay.set_up(true);
    let mut status = 0;
    for _ in 0..20 {
        status = server
            .status_with_token("/api/v1/systems", &token)
            .await
            .as_u16();
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(
        status, 200,
        "requests succeed again once the database is back"
    );
    assert_eq!(server.status_with_token("/readyz", &token).await, 200);
}

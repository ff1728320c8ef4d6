use aims_web::WebConfig;

use crate::support::{Server, orgs};

/// Every register downloads its current view as CSV and XLSX, named after it, signed in only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registers_download_their_current_view_as_csv_and_xlsx() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let cookie = format!("aims_session={}", o.owner_cookie);
    for (path, heading, holds) in [
        ("/risks/export", "Risk,Title,AI systems,Owner", "R-1,"),
        ("/systems/export", "Name,Purpose,Lifecycle stage", ""),
        (
            "/evidence/export",
            "Title,File or link,SHA-256,Supports",
            "AI system ",
        ),
        (
            "/audit/export",
            "#,When,Who,Kind of actor,Action",
            "Organisation created",
        ),
    ] {
        let csv = server
            .http
            .get(server.url(&format!("{path}.csv")))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(csv.status().as_u16(), 200, "{path}");
        let disposition = csv.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            disposition.starts_with("attachment; filename=\""),
            "{disposition}"
        );
        assert!(disposition.ends_with(".csv\""), "{disposition}");
        let text = csv.text().await.unwrap();
        assert!(text.starts_with(heading), "{path}: {text}");
        assert!(text.contains(holds), "{path}: {text}");
        let xlsx = server
            .http
            .get(server.url(&format!("{path}.xlsx")))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(xlsx.status().as_u16(), 200, "{path}");
        assert!(
            xlsx.headers()["content-type"]
                .to_str()
                .unwrap()
                .contains("spreadsheetml"),
            "{path}"
        );
        assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"), "{path}");
        // Without a session, the sign-in page, which brings the person back afterwards.
        let anonymous = server
            .http
            .get(server.url(&format!("{path}.csv")))
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status().as_u16(), 303, "{path}");
        let to = anonymous.headers()["location"].to_str().unwrap();
        assert!(to.starts_with("/sign-in?next=%2F"), "{to}");
    }
    // A filter narrows the export as it narrows the list; a bad one says what is wrong.
    let (status, body) = server
        .page("/risks/export.csv?status=closed", &cookie)
        .await;
    assert_eq!(status, 200);
    assert_eq!(body.lines().count(), 1, "only the headings: {body}");
    let (status, body) = server
        .page("/audit/export.csv?from=yesterday", &cookie)
        .await;
    assert_eq!(status, 422);
    assert!(body.contains("must be a date"), "{body}");
}

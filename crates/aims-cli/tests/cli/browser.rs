//! Browser tests: Debian's Chromium, driven through chromedriver over the WebDriver protocol,
//! through the main journey: setup → sign in → invite a member → create an API token → see
//! the audit trail (and the invitee joining).

use crate::process::{Served, data_dir};
use crate::webdriver::{Browser, chromedriver};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_sign_in_invite_token_and_audit_trail_in_a_browser() {
    let Some(driver) = chromedriver() else {
        aims_store::testing::skip(
            "browser tests: chromedriver not found (apt-get install chromium chromium-driver)",
        );
        return;
    };
    let dir = data_dir();
    let server = Served::start(&dir, &[], &[], &[]);
    let stdout = server.stdout.lock().unwrap().clone();
    let setup_link = stdout
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("http")
                .filter(|l| l.contains("/setup?token="))
                .map(|l| format!("http{l}"))
        })
        .unwrap();
    let browser = Browser::start(&driver).await;
    let shots = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));

    // Setup: the first organisation and its owner.
    browser.go(&setup_link).await;
    browser.fill("#org_name", "Acme AI").await;
    browser.fill("#display_name", "Ada Lovelace").await;
    browser.fill("#email", "ada@acme.example").await;
    browser.fill("#password", "correct horse battery").await;
    browser.follow("main form button[type=submit]").await;
    assert_eq!(browser.text("main h1").await, "Acme AI");

    // Sign out, and back in from a page that needed a session: it opens again afterwards.
    browser.follow(".who form button").await;
    assert!(browser.url().await.ends_with("/sign-in?done=signed-out"));
    assert!(browser.text("main .notice").await.contains("signed out"));
    browser
        .go(&format!("{}/audit?object_type=token", server.base))
        .await;
    assert!(browser.url().await.contains("/sign-in?next="));
    browser.fill("#email", "ada@acme.example").await;
    browser.fill("#password", "not the password").await;
    browser.follow("main form button[type=submit]").await;
    assert!(browser.text(".error-summary").await.contains("wrong"));
    browser.fill("#password", "correct horse battery").await;
    browser.follow("main form button[type=submit]").await;
    assert!(
        browser.url().await.ends_with("/audit?object_type=token"),
        "{}",
        browser.url().await
    );
    browser.go(&server.base).await;
    assert_eq!(browser.text("main h1").await, "Acme AI");

    // Invite a member.
    browser.follow("nav a[href='/members']").await;
    browser.fill("#invite-email", "bob@acme.example").await;
    browser.select("#invite-role", "editor").await;
    browser
        .follow("form[action='/members/invite'] button")
        .await;
    let link = browser.text("#new-invitation-link").await;
    assert!(link.contains("/invitations/"), "{link}");
    browser.screenshot(&shots.join("browser-members.png")).await;

    // Create an API token and use it.
    browser.follow("nav a[href='/tokens']").await;
    browser.fill("#token-name", "ci pipeline").await;
    browser.select("#token-role", "viewer").await;
    browser.follow("form[action='/tokens'] button").await;
    let secret = browser.text("#new-token-secret").await;
    assert!(secret.starts_with("aims_"), "{secret}");
    let me: serde_json::Value = reqwest::Client::new()
        .get(server.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "viewer");
    assert!(
        browser
            .text("main table tbody")
            .await
            .contains("ci pipeline")
    );

    // The audit trail shows all of it, and verifies.
    browser.follow("nav a[href='/audit']").await;
    let trail = browser.text("main table.audit tbody").await;
    for action in [
        "Organisation created",
        "Member added",
        "Signed in",
        "Invitation created",
        "API token created",
    ] {
        assert!(
            trail.contains(action),
            "{action} missing from the trail:\n{trail}"
        );
    }
    assert!(browser.text("main .ok").await.starts_with("Chain intact"));
    browser.select("#object_type", "token").await;
    browser.follow("form.filters button").await;
    let filtered = browser.text("main table.audit tbody").await;
    assert!(
        filtered.contains("API token created") && !filtered.contains("Invitation created"),
        "{filtered}"
    );
    browser.screenshot(&shots.join("browser-audit.png")).await;

    // Frameworks: from the list to an EU AI Act article and what it maps to.
    browser.follow("nav a[href='/frameworks']").await;
    browser.follow("a[href='/frameworks/eu-ai-act']").await;
    browser
        .follow("a[href='/frameworks/eu-ai-act/items/art-14']")
        .await;
    assert!(browser.text("main h1").await.contains("Human oversight"));
    browser.select("#hops", "2").await;
    browser.follow("#hops-form button").await;
    assert!(browser.text("#mappings tbody").await.contains("A.9.2"));
    browser
        .screenshot(&shots.join("browser-requirement.png"))
        .await;

    // The invitee, in a fresh browser session, creates an account from the link and joins.
    browser.clear_cookies().await;
    browser.go(&link).await;
    assert!(browser.text("main h1").await.contains("Join Acme AI"));
    browser.fill("#display_name", "Bob").await;
    browser.fill("#password", "another good password").await;
    browser.follow("main form button[type=submit]").await;
    assert!(browser.text("main .notice").await.contains("joined"));
    assert!(browser.text("main .lead").await.contains("Editor"));
    browser.quit().await;
    server.stop();
}

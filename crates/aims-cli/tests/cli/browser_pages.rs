//! Browser tests of the daily work, in Debian's Chromium: the getting-started path from an
//! empty organisation to an approved SoA, forms that keep their input when refused, the SoA's
//! bulk and in-place edits, sorting and exporting a register, global search, and phones 390 px
//! wide. Every page visited is checked with axe-core (no serious or critical violation), and
//! screenshots of the main pages at desktop and phone width are saved for people to look at.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::process::{Served, data_dir};
use crate::webdriver::{Browser, chromedriver};

/// axe-core's source, which `cargo xtask test` installs from npm.
fn axe() -> Option<String> {
    let path = std::env::var_os("AIMS_AXE_JS")?;
    std::fs::read_to_string(path).ok()
}

/// Checks the page the browser is on with axe-core, collecting what it finds under `page`.
struct Checks {
    axe: Option<String>,
    found: Vec<String>,
    shots: PathBuf,
}

impl Checks {
    async fn page(&mut self, browser: &Browser, page: &str) {
        if let Some(axe) = &self.axe {
            for violation in browser.accessibility_violations(axe).await {
                self.found.push(format!("{page}: {violation}"));
            }
        }
    }

    async fn shot(&mut self, browser: &Browser, name: &str) {
        browser
            .screenshot(&self.shots.join(format!("{name}.png")))
            .await;
    }
}

async fn sign_in(browser: &Browser, server: &Served, email: &str, password: &str) {
    browser.go(&server.url("/sign-in")).await;
    browser.fill("#email", email).await;
    browser.fill("#password", password).await;
    browser.follow("main form button[type=submit]").await;
}

/// The steps of the getting-started guide that are ticked.
async fn steps_done(browser: &Browser) -> Vec<String> {
    let done = browser
        .execute(
            "return [...document.querySelectorAll('.steps li.done .step-title')].map(e => e.textContent);",
            json!([]),
        )
        .await;
    serde_json::from_value(done).unwrap()
}

fn shots_folder() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_work_in_a_browser_accessible_at_desktop_and_phone_width() {
    let Some(driver) = chromedriver() else {
        aims_store::testing::skip(
            "browser tests: chromedriver not found (apt-get install chromium chromium-driver)",
        );
        return;
    };
    let axe = axe();
    if axe.is_none() {
        aims_store::testing::skip(
            "accessibility checks: axe-core not found (cargo xtask test installs it from npm into target/npm)",
        );
    }
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
    let mut checks = Checks {
        axe,
        found: Vec::new(),
        shots: shots_folder(),
    };
    let password = "correct horse battery";

    // An empty organisation: the guide starts at the beginning, every list says what it is for.
    browser.go(&setup_link).await;
    browser.fill("#org_name", "Acme AI").await;
    browser.fill("#display_name", "Ada Lovelace").await;
    browser.fill("#email", "ada@acme.example").await;
    browser.fill("#password", password).await;
    browser.follow("main form button[type=submit]").await;
    assert!(browser.text("#guide-title").await.contains("0 of 9"));
    checks.page(&browser, "overview, empty").await;
    checks.shot(&browser, "desktop-overview-empty").await;
    for (path, says) in [
        ("/systems", "No AI system recorded yet"),
        ("/risks", "No risks yet"),
        ("/evidence", "No evidence yet"),
        ("/impact-assessments", "No impact assessment yet"),
    ] {
        browser.go(&server.url(path)).await;
        assert!(browser.text(".empty-state").await.contains(says), "{path}");
        checks.page(&browser, path).await;
    }

    // The path: a system, the risk method and a risk, then the SoA generated and approved.
    browser.go(&server.url("/systems")).await;
    browser.follow(".empty-state a.button").await;
    browser.fill("#s-name", "Credit scoring").await;
    browser
        .fill("#s-purpose", "Scores consumer loan applications")
        .await;
    checks.page(&browser, "new system form").await;
    browser.follow("main form button[type=submit]").await;
    assert!(browser.text("main h1").await.contains("Credit scoring"));
    checks.page(&browser, "system page").await;
    checks.shot(&browser, "desktop-system").await;

    browser.go(&server.url("/risks/method")).await;
    checks.page(&browser, "risk method").await;
    browser
        .follow("main form.stacked button[type=submit]")
        .await;
    assert!(browser.text("main .notice").await.contains("re-scored"));

    // A risk quick form sent without its likelihood comes back as typed, the error beside it.
    browser.go(&server.url("/risks")).await;
    browser.fill("#n-title", "Unfair refusals").await;
    browser.select("#n-inherent_impact", "4").await;
    browser
        .follow("form[action='/risks'][method=post] button")
        .await;
    assert!(browser.text(".error-summary").await.contains("Likelihood"));
    let kept = browser
        .execute(
            "return [document.getElementById('n-title').value, document.getElementById('n-inherent_impact').value, document.getElementById('n-inherent_likelihood').getAttribute('aria-invalid')];",
            json!([]),
        )
        .await;
    assert_eq!(kept, json!(["Unfair refusals", "4", "true"]));
    checks.page(&browser, "risk form refused").await;
    browser.select("#n-inherent_likelihood", "3").await;
    browser
        .follow("form[action='/risks'][method=post] button")
        .await;
    assert!(
        browser
            .text("main h1")
            .await
            .contains("R-1 Unfair refusals")
    );
    checks.page(&browser, "risk page").await;
    checks.shot(&browser, "desktop-risk").await;

    browser.go(&server.url("/soa")).await;
    browser.follow("form[action='/soa/versions'] button").await;
    browser
        .follow("button[formaction='/soa/versions/1/approve']")
        .await;
    assert!(browser.text("main .notice").await.contains("approved"));
    browser.go(&server.url("/")).await;
    let done = steps_done(&browser).await;
    for step in [
        "Record your AI systems",
        "Agree the risk method and record risks",
        "Approve the Statement of Applicability",
    ] {
        assert!(
            done.iter().any(|d| d == step),
            "{step} not ticked: {done:?}"
        );
    }
    checks.page(&browser, "overview").await;
    checks.shot(&browser, "desktop-overview").await;

    // The SoA: two controls changed at once, then one row saved in place.
    browser.go(&server.url("/soa")).await;
    browser.click("input[name=controls][value='A.2.2']").await;
    browser.click("input[name=controls][value='A.2.3']").await;
    browser.select("#b-status", "implemented").await;
    browser.follow("form#bulk button").await;
    let statuses = browser
        .execute(
            "return ['A.2.2', 'A.2.3', 'A.2.4'].map(c => document.getElementById('control-' + c).querySelector('select[name=status]').value);",
            json!([]),
        )
        .await;
    assert_eq!(
        statuses,
        json!(["implemented", "implemented", "not_started"])
    );
    let before = browser.url().await;
    browser
        .execute(
            "const row = document.getElementById('control-A.2.4'); row.querySelector('input[name=justification]').value = 'Covered by the group policy'; row.querySelector('button[type=submit]').click(); return true;",
            json!([]),
        )
        .await;
    let mut saved = String::new();
    for _ in 0..50 {
        saved = browser
            .execute(
                "return document.getElementById('control-A.2.4').querySelector('[data-status]').textContent;",
                json!([]),
            )
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if saved == "Saved" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(saved, "Saved");
    assert_eq!(
        browser.url().await,
        before,
        "saved in place, without leaving the page"
    );
    checks.page(&browser, "soa").await;
    checks.shot(&browser, "desktop-soa").await;

    // A register sorted by a header, and the same view as CSV.
    browser.go(&server.url("/risks")).await;
    browser.follow("th a.sort[href*='sort=level']").await;
    assert!(browser.url().await.contains("sort=level"));
    assert_eq!(
        browser
            .execute(
                "return document.querySelector('th[aria-sort]').textContent;",
                json!([])
            )
            .await,
        json!("Residual")
    );
    let csv = reqwest::Client::new()
        .get(server.url("/risks/export.csv?sort=level"))
        .header("cookie", browser.cookie_header().await)
        .send()
        .await
        .unwrap();
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    assert!(
        csv.starts_with("Risk,Title,AI systems")
            && csv.contains("R-1,Unfair refusals,,Ada Lovelace,Identified"),
        "{csv}"
    );
    checks.page(&browser, "risks").await;
    checks.shot(&browser, "desktop-risks").await;

    // Global search, with a typo.
    browser.fill("#global-search", "credti scorng").await;
    browser.follow(".top-search button").await;
    assert!(
        browser
            .text("main .results")
            .await
            .contains("Credit scoring")
    );
    checks.page(&browser, "search").await;

    // Other forms keep their input when refused.
    browser.go(&server.url("/tokens")).await;
    browser.fill("#token-name", "ci pipeline").await;
    browser.fill("#token-expires_in_days", "soon").await;
    browser.follow("form[action='/tokens'] button").await;
    assert!(browser.text(".error-summary").await.contains("Expires in"));
    assert_eq!(
        browser
            .execute(
                "return document.getElementById('token-name').value;",
                json!([])
            )
            .await,
        json!("ci pipeline")
    );
    checks.page(&browser, "tokens refused").await;
    browser.go(&server.url("/members")).await;
    browser.fill("#invite-email", "not an address").await;
    browser
        .follow("form[action='/members/invite'] button")
        .await;
    assert!(browser.text(".error-summary").await.contains("Email"));
    assert_eq!(
        browser
            .execute(
                "return document.getElementById('invite-email').value;",
                json!([])
            )
            .await,
        json!("not an address")
    );
    checks.page(&browser, "members refused").await;
    // Documented information: the AI policy from its template, sent for review; its author
    // is told why they cannot approve it themselves (four eyes).
    browser.go(&server.url("/documents/templates")).await;
    checks.page(&browser, "document templates").await;
    browser
        .follow("button[name=template][value='ai-policy']")
        .await;
    assert!(browser.text("main h1").await.contains("AI policy"));
    checks.page(&browser, "document draft").await;
    checks.shot(&browser, "desktop-document-draft").await;
    let document = browser.url().await;
    let document = document.split('?').next().unwrap().to_owned();
    browser.go(&format!("{document}/edit")).await;
    assert!(browser.text("main h1").await.contains("Change AI policy"));
    checks.page(&browser, "document form").await;
    browser.follow("main form button[type=submit]").await;
    browser
        .follow("form[action$='/submit'] button[type=submit]")
        .await;
    assert!(
        browser.text("main").await.contains("four eyes"),
        "the author is told why they may not approve"
    );
    checks.page(&browser, "document in review").await;
    checks.shot(&browser, "desktop-document-in-review").await;
    browser.go(&server.url("/")).await;
    assert!(
        !steps_done(&browser)
            .await
            .iter()
            .any(|s| s == "Set the scope and the AI policy"),
        "a policy in review is not in force"
    );
    // Context and scope: a draft written through the form with its repeating rows; a site
    // left out without a reason is refused by name and keeps what was typed.
    browser.go(&server.url("/context")).await;
    checks.page(&browser, "context, empty").await;
    browser.go(&server.url("/context/edit")).await;
    checks.page(&browser, "context form").await;
    browser
        .fill(
            "#x-scope_statement",
            "Credit scoring and the support assistant",
        )
        .await;
    browser.fill("#x-sites\\.name", "Porto office").await;
    browser.select("#x-site-in-0", "out").await;
    browser.follow("main form button[type=submit]").await;
    assert!(
        browser
            .text(".error-summary")
            .await
            .contains("Why a site is left out"),
        "a site left out needs its reason"
    );
    checks.page(&browser, "context form refused").await;
    browser.fill("#x-sites\\.reason", "Opens next year").await;
    browser.follow("main form button[type=submit]").await;
    assert!(browser.text("main").await.contains("Version 1: Draft"));
    checks.page(&browser, "context").await;
    checks.shot(&browser, "desktop-context").await;
    // Monitoring and measurement: a metric defined through its form, a value recorded past
    // its breach threshold, its trend drawn; an objective measured by it.
    browser.go(&server.url("/monitoring/metrics/new")).await;
    checks.page(&browser, "metric form").await;
    browser.fill("#m-name", "Jailbreak success rate").await;
    browser.fill("#m-unit", "%").await;
    browser.fill("#m-target", "2").await;
    // Higher is better unless said otherwise: a breach threshold above the target is the
    // better side, and refused.
    browser.fill("#m-breach", "10").await;
    browser.follow("main form button[type=submit]").await;
    assert!(
        browser
            .text(".error-summary")
            .await
            .contains("Breach threshold"),
        "a threshold on the better side of the target is refused by name"
    );
    checks.page(&browser, "metric form refused").await;
    browser.select("#m-direction", "lower_is_better").await;
    browser.follow("main form button[type=submit]").await;
    assert!(
        browser
            .text("main h1")
            .await
            .contains("Jailbreak success rate")
    );
    browser.fill("#v-value", "12.5").await;
    browser
        .follow("form[action$='/measurements'] button[type=submit]")
        .await;
    assert!(browser.text("main").await.contains("Threshold breached"));
    checks.page(&browser, "metric").await;
    checks.shot(&browser, "desktop-metric").await;
    browser.go(&server.url("/objectives/new")).await;
    checks.page(&browser, "objective form").await;
    browser
        .fill("#o-statement", "Assistants resist jailbreaks")
        .await;
    browser
        .execute(
            "const s = document.getElementById('o-metric'); s.selectedIndex = 1;",
            json!([]),
        )
        .await;
    browser.follow("main form button[type=submit]").await;
    assert!(
        browser
            .text("main h1")
            .await
            .contains("Assistants resist jailbreaks")
    );
    checks.page(&browser, "objective").await;
    for (path, name) in [
        ("/monitoring/metrics", "metrics"),
        ("/objectives", "objectives"),
    ] {
        browser.go(&server.url(path)).await;
        checks.page(&browser, path).await;
        checks.shot(&browser, &format!("desktop-{name}")).await;
    }
    // A nonconformity: the form refused (no title), then recorded; its page with the step
    // forms, an action refused (nobody to do it) and shown again with the typed title.
    browser.go(&server.url("/nonconformities/new")).await;
    browser.fill("#nc-requirements", "8.4, A.5.2").await;
    browser.follow("main form button[type=submit]").await;
    let refused = browser.text(".error-summary").await;
    assert!(refused.contains("What is wrong"), "{refused}");
    let typed = |css: &str| {
        browser.execute(
            "return document.querySelector(arguments[0]).value;",
            json!([css]),
        )
    };
    assert_eq!(typed("#nc-requirements").await, "8.4, A.5.2");
    checks.page(&browser, "nonconformity form refused").await;
    browser
        .fill(
            "#nc-title",
            "Impact assessment not repeated after retraining",
        )
        .await;
    browser.follow("main form button[type=submit]").await;
    assert!(browser.text("main h1").await.contains("NC-1"));
    browser
        .execute(
            "document.querySelectorAll('main details').forEach(d => d.open = true);",
            json!([]),
        )
        .await;
    browser.fill("#act-title", "Add a reassessment step").await;
    browser
        .follow("form[action$='/actions'] button[type=submit]")
        .await;
    let refused = browser.text(".error-summary").await;
    assert!(refused.contains("Who does it"), "{refused}");
    assert_eq!(typed("#act-title").await, "Add a reassessment step");
    checks.page(&browser, "nonconformity, action refused").await;
    browser.go(&server.url("/nonconformities")).await;
    checks.page(&browser, "/nonconformities").await;
    checks.shot(&browser, "desktop-nonconformities").await;
    // Work routing: a task for oneself, found under My work and in the notifications.
    browser.go(&server.url("/tasks/new")).await;
    checks.page(&browser, "task form").await;
    for (path, name) in [
        ("/documents", "documents"),
        ("/my-work", "my-work"),
        ("/tasks", "tasks"),
        ("/notifications", "notifications"),
        ("/roles", "roles"),
        ("/roles/new", "role-form"),
        ("/training", "training"),
        ("/training/new", "training-form"),
    ] {
        browser.go(&server.url(path)).await;
        checks.page(&browser, path).await;
        checks.shot(&browser, &format!("desktop-{name}")).await;
    }
    for (path, name) in [
        ("/audit", "audit"),
        ("/evidence", "evidence"),
        ("/frameworks", "frameworks"),
        ("/api-docs", "api-docs"),
    ] {
        browser.go(&server.url(path)).await;
        checks.page(&browser, path).await;
        checks.shot(&browser, &format!("desktop-{name}")).await;
    }
    browser.quit().await;

    // A phone 390 px wide: nothing scrolls sideways; the navigation follows the page.
    let phone = Browser::start_sized(&driver, Some(390)).await;
    sign_in(&phone, &server, "ada@acme.example", password).await;
    for (path, name) in [
        ("/", "overview"),
        ("/risks", "risks"),
        ("/soa", "soa"),
        ("/systems", "systems"),
        ("/audit", "audit"),
        ("/documents", "documents"),
        ("/my-work", "my-work"),
        ("/monitoring/metrics", "metrics"),
        ("/nonconformities", "nonconformities"),
    ] {
        phone.go(&server.url(path)).await;
        assert!(
            phone.sideways_overflow().await <= 0,
            "{path} scrolls sideways at 390 px"
        );
        checks.page(&phone, &format!("{path} at 390 px")).await;
        checks.shot(&phone, &format!("phone-{name}")).await;
    }
    phone.quit().await;
    server.stop();
    assert!(
        checks.found.is_empty(),
        "axe-core found serious or critical violations:\n{}",
        checks.found.join("\n")
    );
}

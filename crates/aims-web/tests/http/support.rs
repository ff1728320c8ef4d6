//! A real server on 127.0.0.1:0 over a fresh database, and organisations to act in.

use std::collections::HashMap;
use std::sync::Arc;

use aims_app::domain::inventory::{ComponentFacts, ComponentKind, SystemFacts};
use aims_app::domain::{
    AiSystemId, ApiTokenId, ComponentId, DocumentId, EvidenceId, ImpactAssessmentId, InvitationId,
    OrgId, RiskId, SessionId, TaskId, UserId,
};
use aims_app::{App, Client, NewApiToken, NewInvitation, SignIn, Store, SystemClock};
use aims_web::{WebConfig, WebState};

pub const PASSWORD: &str = "correct horse battery staple";

/// A running server.
pub struct Server {
    pub base: String,
    pub app: App,
    pub http: reqwest::Client,
    /// What the server's data lives in, removed when the server is dropped.
    _held: Vec<Held>,
}

/// A test database or folder a server keeps until it is dropped.
pub type Held = Box<dyn std::any::Any + Send + Sync>;

impl Server {
    /// A server over a new SQLite database.
    pub async fn start(config: WebConfig) -> Server {
        let (store, dir) = aims_store::testing::sqlite().await;
        Self::on(store, config, Some(Box::new(dir))).await
    }

    /// A server over `store`.
    pub async fn on(store: Store, config: WebConfig, dir: Option<Held>) -> Server {
        let signer = aims_app::domain::audit::CheckpointSigner::from_seed([42; 32]);
        let app = App::new(store, Arc::new(SystemClock)).with_audit_keys(Some(signer), vec![]);
        Self::serving(app, config, dir).await
    }

    /// A server over `store` whose time is `clock`'s and whose sessions last at most
    /// `session_max_days` after sign-in.
    pub async fn with_clock(
        store: Store,
        clock: Arc<dyn aims_app::Clock>,
        dir: Option<Held>,
        session_max_days: i64,
    ) -> Server {
        let app = App::new(store, clock).with_session_max_days(session_max_days);
        Self::serving(app, WebConfig::default(), dir).await
    }

    /// A server for `app`.
    pub async fn serving(app: App, mut config: WebConfig, dir: Option<Held>) -> Server {
        let blobs = aims_store::testing::TestFolder::new();
        let app = app.with_blob_dir(blobs.to_path_buf());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        config.public_url = base.clone();
        let state = WebState::new(app.clone(), config);
        tokio::spawn(aims_web::serve(listener, state, std::future::pending()));
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Server {
            base,
            app,
            http,
            _held: dir.into_iter().chain([Box::new(blobs) as Held]).collect(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The status of `GET path` sent with the cookie pair `cookie`.
    pub async fn status_with_cookie(&self, path: &str, cookie: &str) -> reqwest::StatusCode {
        self.http
            .get(self.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap()
            .status()
    }

    /// The JSON answer to `GET path` sent with the cookie pair `cookie`.
    pub async fn json_with_cookie(&self, path: &str, cookie: &str) -> serde_json::Value {
        self.http
            .get(self.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The JSON answer to `GET path` sent with the bearer token `token`.
    pub async fn json_with_token(&self, path: &str, token: &str) -> serde_json::Value {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The status of `GET path` sent with the bearer token `token`.
    pub async fn status_with_token(&self, path: &str, token: &str) -> reqwest::StatusCode {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status()
    }
}

/// Two organisations: Acme with one member of each role and a few objects, and Beta whose
/// owner is the outsider.
/// A framework of Acme's own, imported in [`orgs`] as `acme-ai-policy@1`.
pub const ACME_POLICY_CSV: &str = "id,parent,kind,title,description\n\
    P1,,group,Governance,How AI work is governed at Acme\n\
    P1.1,P1,control,AI owner named,Every AI system has a named accountable owner\n\
    P1.2,P1,control,Review board,A board reviews every high-risk use before launch\n";

pub struct Orgs {
    pub acme: OrgId,
    pub beta: OrgId,
    /// Bearer tokens by role name, plus `outsider` (Beta's owner).
    pub tokens: HashMap<&'static str, String>,
    pub users: HashMap<&'static str, UserId>,
    /// A viewer of Acme whom the others act on.
    pub victim: UserId,
    pub invitation: InvitationId,
    /// A second token of Acme's owner.
    pub owner_token: ApiTokenId,
    /// A browser session of Acme's owner, and its cookie.
    pub owner_session: SessionId,
    pub owner_cookie: String,
    /// An AI system of Acme, and one of its components.
    pub system: AiSystemId,
    pub component: ComponentId,
    /// An impact assessment of that system, complete: scope, a harm, every FRIA point.
    pub assessment: ImpactAssessmentId,
    /// A link supporting that system.
    pub evidence: EvidenceId,
    /// A risk of that system, owned by Acme's owner.
    pub risk: RiskId,
    /// Documents written by the editor: a draft, one in review, and an approved policy that
    /// every role is asked to acknowledge.
    pub draft_document: DocumentId,
    pub review_document: DocumentId,
    pub policy: DocumentId,
    /// A task the editor made, given to no one.
    pub task: TaskId,
    /// A role of the management system the editor defined, held by the viewer.
    pub aims_role: aims_app::domain::id::AimsRoleId,
    /// The editor's own AI literacy record.
    pub training: aims_app::domain::id::TrainingRecordId,
    /// A metric people record, owned by the viewer, with one measurement.
    pub metric: aims_app::domain::MetricId,
    pub measurement: aims_app::domain::MeasurementId,
    /// An objective measured by that metric.
    pub objective: aims_app::domain::ObjectiveId,
    /// An open nonconformity the editor owns, found by internal audit.
    pub nonconformity: aims_app::domain::NonconformityId,
}

pub const ROLES: [&str; 5] = ["owner", "admin", "editor", "auditor", "viewer"];

pub async fn orgs(app: &App) -> Orgs {
    let acme = app.admin_create_org("Acme").await.unwrap().id;
    let beta = app.admin_create_org("Beta").await.unwrap().id;
    let mut tokens = HashMap::new();
    let mut users = HashMap::new();
    for role in ROLES {
        let email = format!("{role}@acme.example");
        let user = app
            .admin_create_user(acme, &email, role, PASSWORD)
            .await
            .unwrap();
        users.insert(role, user.id);
        let token = app
            .admin_create_token(
                acme,
                &email,
                NewApiToken {
                    name: format!("{role} token"),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        tokens.insert(role, token.secret.secret);
    }
    let outsider = app
        .admin_create_user(beta, "owner@beta.example", "owner", PASSWORD)
        .await
        .unwrap();
    users.insert("outsider", outsider.id);
    let token = app
        .admin_create_token(
            beta,
            "owner@beta.example",
            NewApiToken {
                name: "beta".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    tokens.insert("outsider", token.secret.secret);
    let victim = app
        .admin_create_user(acme, "victim@acme.example", "viewer", PASSWORD)
        .await
        .unwrap()
        .id;
    let owner_actor = app.token_actor(&tokens["owner"]).await.unwrap();
    let (invitation, _) = app
        .invite(
            &owner_actor,
            NewInvitation {
                email: "new@acme.example".into(),
                role: "viewer".into(),
            },
        )
        .await
        .unwrap();
    let owner_token = app
        .admin_create_token(
            acme,
            "owner@acme.example",
            NewApiToken {
                name: "second".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .token
        .id;
    app.set_requirement_text(
        &owner_actor,
        "iso-iec-42001",
        "A.2.2",
        "Our licensed wording of A.2.2.",
    )
    .await
    .unwrap();
    app.import_framework(
        &owner_actor,
        aims_app::FrameworkImport {
            file_name: "policy.csv".into(),
            document: ACME_POLICY_CSV.into(),
            options: aims_app::catalog::ImportOptions {
                id: Some("acme-ai-policy".into()),
                title: Some("Acme AI policy".into()),
                version: Some("1".into()),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let system = app
        .create_ai_system(
            &owner_actor,
            SystemFacts::new("Loan scorer", "Scores applications for consumer loans"),
        )
        .await
        .unwrap()
        .id;
    app.classify_ai_system(
        &owner_actor,
        system,
        serde_json::from_value(serde_json::json!({
            "roles": ["deployer"], "annex_iii_points": ["annex-iii-5(b)"],
        }))
        .unwrap(),
    )
    .await
    .unwrap();
    let assessment = app
        .create_impact_assessment(
            &owner_actor,
            system,
            serde_json::from_value(serde_json::json!({
                "title": "Loan scorer 2026", "scope": "Consumer loans",
                "harms": [{"kind": "fairness", "description": "Lower scores for some postcodes", "affected": "Applicants",
                           "severity": "high", "likelihood": "moderate", "mitigations": "Postcode dropped",
                           "residual_severity": "moderate", "residual_likelihood": "low"}],
                "fria": {"processes": "a", "period_and_frequency": "b", "affected_categories": "c",
                         "specific_risks": "d", "human_oversight": "e", "measures_if_risks_materialise": "f"},
            }))
            .unwrap(),
        )
        .await
        .unwrap()
        .id;
    let evidence = app
        .add_evidence(
            &owner_actor,
            serde_json::from_value(serde_json::json!({
                "title": "Model card", "link": "https://example.org/card",
                "targets": [{"kind": "system", "id": system.to_string()}],
            }))
            .unwrap(),
            None,
        )
        .await
        .unwrap()
        .id;
    // Rated by the editor, so that its owner may accept it (four eyes).
    let editor_actor = app.token_actor(&tokens["editor"]).await.unwrap();
    let risk = app
        .create_risk(
            &editor_actor,
            serde_json::from_value(serde_json::json!({
                "title": "Unfair refusals", "description": "", "systems": [system.to_string()],
                "risk_source": null, "affected_objective": "C.2.5", "lifecycle_stage": null,
                "owner": users["owner"].to_string(), "inherent_likelihood": 3, "inherent_impact": 4,
                "treatment": "modify", "treatment_plan": "Fairness testing", "controls": ["A.6.2.4"],
                "actions": [], "residual_likelihood": 2, "residual_impact": 3, "review_due": null,
                "status": "treatment_planned",
            }))
            .unwrap(),
        )
        .await
        .unwrap()
        .0
        .id;
    app.generate_soa_version(&owner_actor).await.unwrap();
    let document = |title: &str| aims_app::DocumentInput {
        content: serde_json::from_value(serde_json::json!({
            "kind": "procedure", "title": title, "body": "## Steps\n1. Assess.",
            "serves": [{"kind": "requirement", "id": "iso-iec-42001:6.1.2"}],
        }))
        .unwrap(),
        settings: aims_app::domain::document::DocumentSettings {
            owner: Some(users["editor"]),
            acknowledge_roles: aims_app::domain::Role::ALL.to_vec(),
            ..Default::default()
        },
        revision: None,
    };
    let draft_document = app
        .create_document(&editor_actor, document("Risk assessment"))
        .await
        .unwrap()
        .id;
    let review_document = app
        .create_document(&editor_actor, document("Impact assessment"))
        .await
        .unwrap()
        .id;
    app.submit_document(&editor_actor, review_document, 1)
        .await
        .unwrap();
    let policy = app
        .create_document(&editor_actor, document("AI policy"))
        .await
        .unwrap()
        .id;
    // A context draft by the editor, complete enough for review, so that the context's
    // lifecycle routes reach their rules; Beta has none.
    app.save_context(
        &editor_actor,
        serde_json::from_value(serde_json::json!({
            "scope_statement": "AI in lending", "boundaries": "Retail lending",
            "issues": [{"origin": "external", "category": "climate_change",
                        "description": "Energy use of inference", "effect": "Reported yearly"}],
            "parties": [{"name": "Borrowers", "kind": "affected_people", "addressed": true,
                         "requirements": "Explanations", "how": "Reason codes"}],
            "ai_roles": ["eu_deployer"],
        }))
        .unwrap(),
    )
    .await
    .unwrap();
    // The approved policy carries a signed copy, for the routes that hand out a file.
    let signed = aims_app::Upload {
        file_name: "signed policy.pdf".into(),
        bytes: b"%PDF-1.7 signed by the board".to_vec(),
    };
    app.attach_document_file(&editor_actor, policy, 1, None, Some(signed))
        .await
        .unwrap();
    app.submit_document(&editor_actor, policy, 1).await.unwrap();
    app.approve_document(&owner_actor, policy, 1, "Approved at the board")
        .await
        .unwrap();
    let task = app
        .create_task(
            &editor_actor,
            aims_app::domain::work::TaskFacts {
                title: "Read the AI policy".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
    let aims_role = app
        .create_aims_role(
            &editor_actor,
            aims_app::domain::competence::AimsRoleFacts {
                name: "Risk owner".into(),
                competences: vec!["Risk assessment".into()],
                holders: vec![users["viewer"]],
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
    let training = app
        .record_training(
            &editor_actor,
            aims_app::domain::competence::TrainingFacts {
                kind: Some(aims_app::domain::competence::TrainingKind::AiLiteracy),
                title: "AI literacy basics".into(),
                completed_on: Some(app.now()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
    let nonconformity = app
        .record_nonconformity(
            &editor_actor,
            aims_app::domain::improvement::NonconformityFacts {
                title: "Impact assessment not repeated after retraining".into(),
                description: String::new(),
                location: "Credit decisions".into(),
                system: None,
                requirements: Vec::new(),
                source: aims_app::domain::improvement::NonconformitySource::InternalAudit,
                source_ref: "IA-1".into(),
                grade: aims_app::domain::improvement::Grade::Minor,
                owner: Some(users["editor"]),
                detected_on: app.now(),
                containment: String::new(),
                correction: String::new(),
                root_cause: String::new(),
                cause_category: None,
            },
        )
        .await
        .unwrap()
        .id;
    let component = app
        .add_component(
            &owner_actor,
            system,
            ComponentKind::Model,
            ComponentFacts {
                name: "gradient-boosted trees".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
    let signed_in = app
        .sign_in(SignIn {
            email: "owner@acme.example".into(),
            password: PASSWORD.into(),
            client: Client::default(),
        })
        .await
        .unwrap();
    // Every chain's head is signed, as the background worker does within a minute.
    app.sign_audit_heads().await.unwrap();
    let (metric, measurement, objective) =
        crate::measurement::fixtures(app, &editor_actor, users["viewer"]).await;
    Orgs {
        acme,
        beta,
        tokens,
        users,
        victim,
        invitation: invitation.id,
        owner_token,
        owner_session: signed_in.session.id,
        system,
        component,
        assessment,
        evidence,
        risk,
        draft_document,
        review_document,
        policy,
        task,
        aims_role,
        training,
        nonconformity,
        metric,
        measurement,
        objective,
        owner_cookie: signed_in.cookie.secret,
    }
}

/// The `name=value` pair of a response's `Set-Cookie`.
pub fn cookie_of(response: &reqwest::Response) -> String {
    let set = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    set.split(';').next().unwrap_or_default().to_owned()
}

impl Server {
    /// Sends `method path` with the bearer `token` and an optional JSON body; the status and
    /// the JSON answer (`null` when there is none).
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut request = self.http.request(method, self.url(path)).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        )
    }
}

impl Server {
    /// `GET path` in the browser session `cookie` (`aims_session=…`): the status and the page.
    pub fn page(&self, path: &str, cookie: &str) -> impl Future<Output = (u16, String)> + use<> {
        let request = self.http.get(self.url(path)).header("cookie", cookie);
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    }

    /// Posts the form `body` to `path` in the browser session `cookie`: the status, where it
    /// sends the browser, and the page.
    pub fn post_form(
        &self,
        path: &str,
        cookie: &str,
        body: String,
    ) -> impl Future<Output = (u16, Option<String>, String)> + use<> {
        let request = self
            .http
            .post(self.url(path))
            .header("cookie", cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        async move {
            let response = request.send().await.unwrap();
            let location = response
                .headers()
                .get("location")
                .map(|l| l.to_str().unwrap().to_owned());
            (
                response.status().as_u16(),
                location,
                response.text().await.unwrap(),
            )
        }
    }
}

//! Issued versions of the Statement of Applicability: numbering, approval of the newest
//! only and once, their differences, and the CSV and XLSX exports.

use super::*;

on_both_engines! {
    versions_are_numbered_approved_once_only_when_newest_and_compared,
    the_csv_export_has_a_header_and_one_line_per_control,
}

fn csv_records(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut cell) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut cell)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "a bare CR");
                record.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut record));
            }
            (false, '\n') => panic!("a record ended with LF alone"),
            (false, c) => cell.push(c),
        }
    }
    assert!(!quoted, "an unterminated quote");
    assert!(
        record.is_empty() && cell.is_empty(),
        "the last record has no CRLF"
    );
    records
}

async fn versions_are_numbered_approved_once_only_when_newest_and_compared(store: Store) {
    let a = acme(store).await;
    let before = mark(&a).await;
    let v1 = a.app.generate_soa_version(&a.editor).await.unwrap();
    assert_eq!(v1, 1);
    let events = since(&a, before).await;
    assert_eq!(actions(&events), ["soa.generated"]);
    assert_eq!(events[0].object_id, "1");
    assert_eq!(
        details(&events[0]),
        serde_json::json!({"version": 1, "applicable": 0, "excluded": 0, "flagged": ANNEX_A})
    );

    a.app
        .set_implementation(
            &a.editor,
            "A.5.2",
            included(ImplementationStatus::Implemented, "Our impact procedure"),
        )
        .await
        .unwrap();
    a.app
        .set_implementation(&a.editor, "A.3.2", excluded("Roles are set by the group"))
        .await
        .unwrap();
    let before = mark(&a).await;
    let v2 = a.app.generate_soa_version(&a.editor).await.unwrap();
    assert_eq!(v2, 2);
    let change = details(&since(&a, before).await[0]);
    assert_eq!(
        (change["applicable"].as_i64(), change["excluded"].as_i64()),
        (Some(1), Some(1))
    );

    // Only owners and admins approve; only the newest version, and only once.
    let before = mark(&a).await;
    assert_denied(
        a.app.approve_soa_version(&a.editor, v2).await,
        Permission::ApproveContent,
    );
    assert_conflict(
        a.app.approve_soa_version(&a.owner, v1).await,
        "superseded by version 2",
    );
    assert_not_found(a.app.approve_soa_version(&a.owner, 3).await, "SoA version");
    assert!(since(&a, before).await.is_empty());
    a.app.approve_soa_version(&a.admin, v2).await.unwrap();
    assert_conflict(
        a.app.approve_soa_version(&a.owner, v2).await,
        "approved already",
    );
    let events = since(&a, before).await;
    assert_eq!(actions(&events), ["soa.approved"]);
    assert_eq!(details(&events[0]), serde_json::json!({"version": 2}));

    let versions = a.app.soa_versions(&a.viewer).await.unwrap();
    let listed: Vec<(i64, Option<&str>)> = versions
        .iter()
        .map(|v| (v.version, v.approved_by.as_deref()))
        .collect();
    assert_eq!(listed, [(2, Some(a.admin.label.as_str())), (1, None)]);
    assert_eq!(versions[0].approved_at, Some(START));
    assert_eq!(versions[1].generated_by, a.editor.label);

    let (_, first) = a.app.soa_snapshot(&a.viewer, v1).await.unwrap();
    assert_eq!((first.version, first.generated_at), (1, START));
    assert_eq!(first.rows.len(), ANNEX_A);
    assert!(first.rows.iter().all(|r| !r.applicable));

    // What changed from one version to the next, control by control in control order.
    let text = |s: &str| s.to_owned();
    assert_eq!(
        a.app
            .compare_soa_versions(&a.auditor, v1, v2)
            .await
            .unwrap(),
        [
            SoaChange::DecisionChanged {
                control: text("A.3.2"),
                from: Decision::Undecided,
                to: Decision::Exclude
            },
            SoaChange::JustificationChanged {
                control: text("A.3.2"),
                from: text(""),
                to: text("Roles are set by the group")
            },
            SoaChange::ApplicabilityChanged {
                control: text("A.5.2"),
                from: false,
                to: true
            },
            SoaChange::DecisionChanged {
                control: text("A.5.2"),
                from: Decision::Undecided,
                to: Decision::Include
            },
            SoaChange::StatusChanged {
                control: text("A.5.2"),
                from: ImplementationStatus::NotStarted,
                to: ImplementationStatus::Implemented
            },
            SoaChange::JustificationChanged {
                control: text("A.5.2"),
                from: text(""),
                to: text("Our impact procedure")
            },
        ]
    );
    assert!(
        a.app
            .compare_soa_versions(&a.auditor, v2, v2)
            .await
            .unwrap()
            .is_empty()
    );
    assert_not_found(
        a.app.compare_soa_versions(&a.auditor, v1, 9).await,
        "SoA version",
    );

    // A new own control shows as added in the next version; earlier versions stay as issued.
    a.app
        .add_own_control(&a.editor, "Model cards", "")
        .await
        .unwrap();
    let v3 = a.app.generate_soa_version(&a.owner).await.unwrap();
    assert_eq!(v3, 3);
    assert_eq!(
        a.app.compare_soa_versions(&a.viewer, v2, v3).await.unwrap(),
        [SoaChange::ControlAdded {
            control: text("ORG-1")
        }]
    );
    assert_eq!(
        a.app.soa_snapshot(&a.viewer, v1).await.unwrap().1,
        first,
        "an issued version never changes"
    );
    assert_conflict(
        a.app.approve_soa_version(&a.owner, v2).await,
        "approved already",
    );
    a.app.approve_soa_version(&a.owner, v3).await.unwrap();
    let approved: Vec<i64> = a
        .app
        .soa_versions(&a.viewer)
        .await
        .unwrap()
        .iter()
        .filter(|v| v.approved_at.is_some())
        .map(|v| v.version)
        .collect();
    assert_eq!(approved, [3, 2]);
}

async fn the_csv_export_has_a_header_and_one_line_per_control(store: Store) {
    let a = acme(store).await;
    a.app
        .set_implementation(
            &a.editor,
            "A.6.2.4",
            ImplementationFacts {
                owner: Some(id(&a.editor)),
                ..included(
                    ImplementationStatus::Implemented,
                    "Tested before release, \"every\" time",
                )
            },
        )
        .await
        .unwrap();
    a.app
        .set_implementation(&a.editor, "A.3.2", excluded("=SUM(A1:A9)"))
        .await
        .unwrap();
    let v1 = a.app.generate_soa_version(&a.editor).await.unwrap();
    a.app
        .add_own_control(&a.editor, "Model cards", "")
        .await
        .unwrap();

    let text = a.app.soa_csv(&a.auditor, None).await.unwrap();
    assert!(
        text.starts_with(&format!("{}\r\n", COLUMNS.join(","))),
        "{text}"
    );
    let records = csv_records(&text);
    assert_eq!(records[0], COLUMNS);
    assert_eq!(
        records.len(),
        1 + ANNEX_A + 1,
        "a header and a line per control"
    );
    assert!(records.iter().all(|r| r.len() == COLUMNS.len()));
    let soa = rows(&a, &a.auditor).await;
    let first_cells: Vec<&str> = records[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(first_cells, ids(&soa));
    let line = |control: &str| records.iter().find(|r| r[0] == control).unwrap().clone();
    let implemented = line("A.6.2.4");
    assert_eq!(implemented[2], "Yes");
    assert_eq!(implemented[3], "Tested before release, \"every\" time");
    assert_eq!(implemented[4], "Implemented");
    assert_eq!(implemented[5], "editor", "the owner by name");
    assert_eq!(implemented[10], "Implemented without current evidence");
    let excluded = line("A.3.2");
    assert_eq!(excluded[2], "No");
    assert_eq!(excluded[3], "'=SUM(A1:A9)", "a formula is defused");
    assert_eq!(line("ORG-1")[1], "Model cards");

    // A version exports as it was issued: without the control added since.
    let issued = csv_records(&a.app.soa_csv(&a.viewer, Some(v1)).await.unwrap());
    assert_eq!(issued.len(), 1 + ANNEX_A);
    assert!(issued.iter().all(|r| r[0] != "ORG-1"));
    assert_not_found(a.app.soa_csv(&a.viewer, Some(9)).await, "SoA version");
    let book = a.app.soa_xlsx(&a.viewer, Some(v1)).await.unwrap();
    assert!(book.starts_with(b"PK"), "an XLSX workbook is a zip file");
}

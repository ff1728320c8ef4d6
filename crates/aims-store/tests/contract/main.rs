//! The store contract: every test runs on SQLite, and on PostgreSQL whenever it is reachable
//! (`AIMS_TEST_PG_URL`; where `AIMS_REQUIRE_ALL` is set, an unreachable PostgreSQL fails).

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

mod accounts;
mod audit;
mod backup;
mod competence;
mod context;
mod custom_frameworks;
mod documents;
mod evidence;
mod impact;
mod incidents;
mod inventory;
mod jobs;
mod match_counts;
mod metrics;
mod nonconformities;
mod pages;
mod password_resets;
mod pool;
mod readiness;
mod risks;
mod schema;
mod search;
mod soa;
mod tallies;
mod wal;
mod ways_in;
mod work;

use aims_domain::account::{Email, Membership, Organisation, User};
use aims_domain::{OrgId, Role, Timestamp, UserId};
use aims_store::Store;

/// Runs each named suite function once per engine.
macro_rules! contract {
    ($($suite:ident :: $test:ident),+ $(,)?) => {
        mod on_sqlite {$(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                let (store, _dir) = aims_store::testing::sqlite().await;
                crate::$suite::$test(store).await;
            }
        )+}
        mod on_postgres {$(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                if let Some((store, _database)) = aims_store::testing::postgres().await {
                    crate::$suite::$test(store).await;
                }
            }
        )+}
    };
}

contract! {
    accounts::organisations_are_created_renamed_and_listed,
    accounts::emails_are_unique,
    accounts::memberships_are_scoped_to_their_organisation,
    accounts::invitations_open_and_close_once,
    accounts::requirement_texts_belong_to_their_organisation,
    ways_in::api_tokens_are_found_by_hash_and_scoped,
    ways_in::sessions_expire_and_belong_to_their_user,
    ways_in::setup_tokens_work_once,
    ways_in::sign_in_failures_are_counted_in_a_window,
    ways_in::sign_in_attempts_racing_for_one_account_meet_its_limit,
    password_resets::reset_links_work_once_until_they_expire,
    password_resets::a_sent_emails_payload_is_emptied_and_its_kind_listed,
    audit::appends_form_one_verifiable_chain_per_organisation,
    audit::queries_filter_and_page,
    audit::concurrent_writers_leave_one_valid_chain,
    audit::recorded_events_cannot_be_changed_or_deleted,
    jobs::jobs_are_claimed_once_and_retried,
    jobs::unique_keys_hold_while_pending,
    jobs::concurrent_workers_claim_each_job_once,
    inventory::systems_are_scoped_named_uniquely_and_revised,
    inventory::the_inventory_filters_sorts_and_pages,
    inventory::text_search_finds_words_anywhere_and_follows_changes,
    inventory::components_belong_to_their_system_and_organisation,
    impact::assessments_keep_versions_and_approvals_per_organisation,
    evidence::evidence_is_found_by_what_it_supports_and_reminded_once,
    documents::documents_keep_versions_frozen_once_approved_per_organisation,
    documents::documents_list_filter_count_and_acknowledge,
    context::context_versions_are_frozen_once_approved_and_kept_per_organisation,
    work::tasks_are_listed_soonest_due_first_revised_and_made_once_per_reason,
    work::notifications_are_a_persons_own_and_read_once,
    readiness::readiness_counts_are_scoped_and_follow_approvals,
    risks::risks_are_numbered_filtered_and_revised_per_organisation,
    risks::concurrent_writers_get_distinct_risk_numbers,
    risks::risks_stored_in_bulk_are_numbered_in_order_and_linked,
    pages::small_and_large_pages_agree,
    match_counts::list_totals_follow_changes_from_here_and_elsewhere,
    match_counts::a_read_sees_one_snapshot_and_keeps_no_count_for_newer_ones,
    tallies::tallies_follow_every_change_and_a_restore,
    backup::dump_and_load_round_trip,
    backup::load_refuses_a_database_with_rows,
    backup::restore_streams_checks_every_chain_and_loads_all_or_nothing,
    backup::every_table_is_covered,
    backup::migrations_are_idempotent,
    schema::an_edited_migration_is_refused,
    soa::an_approval_is_given_once_and_never_overwritten,
    custom_frameworks::imports_are_listed_with_or_without_documents_per_organisation,
    search::search_finds_every_word_in_one_organisation,
    competence::roles_keep_their_holders_in_order_are_revised_and_scoped,
    competence::training_records_filter_by_person_kind_and_expiry_per_organisation,
    competence::deleting_evidence_leaves_the_training_record_without_it,
    metrics::metrics_keep_their_series_and_latest_value_per_organisation,
    nonconformities::nonconformities_are_numbered_revised_filtered_and_counted_per_organisation,
    incidents::incidents_are_numbered_sorted_by_deadline_revised_and_counted_per_organisation,
}

pub fn at(seconds: i64) -> Timestamp {
    Timestamp::from_micros(1_800_000_000_000_000).plus_seconds(seconds)
}

/// Adds an organisation named `name`.
pub async fn org(store: &Store, name: &str) -> OrgId {
    let org = Organisation {
        id: OrgId::new(),
        name: name.into(),
        created_at: at(0),
        updated_at: at(0),
    };
    let mut tx = store.write().await.unwrap();
    tx.insert_org(&org).await.unwrap();
    tx.commit().await.unwrap();
    org.id
}

/// Adds a person with `email` as a member of `org` with `role`.
pub async fn member(store: &Store, org: OrgId, email: &str, role: Role) -> UserId {
    let user = User {
        id: UserId::new(),
        email: Email::parse(email).unwrap(),
        display_name: email.into(),
        password_hash: Some("$argon2id$stub".into()),
        created_at: at(0),
        updated_at: at(0),
    };
    let mut tx = store.write().await.unwrap();
    tx.insert_user(&user).await.unwrap();
    tx.insert_membership(
        org,
        &Membership {
            org,
            user: user.id,
            role,
            created_at: at(0),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    user.id
}

//! The register's list: its filters, sorting and paging.

use super::*;

on_both_engines! {
    the_register_filters_and_sorts,
}

async fn the_register_filters_and_sorts(store: Store) {
    let r = register(store).await;
    let system = async |name: &str| {
        r.app
            .create_ai_system(&r.editor, SystemFacts::new(name, "Helps customers"))
            .await
            .unwrap()
            .id
    };
    let (chat, scorer) = (system("Chat assistant").await, system("Loan scorer").await);
    let day = |n: i64| Some(START.plus_days(n));

    let mut one = facts("Model drift", 1, 1);
    (one.systems, one.review_due, one.status) = (vec![chat], day(-1), RiskStatus::Identified);
    let mut two = facts("Unfair refusals", 5, 5);
    (two.systems, two.review_due) = (vec![chat, scorer], day(10));
    let mut three = facts("Prompt injection", 3, 3);
    (three.treatment, three.controls) = (TreatmentOption::Modify, vec!["A.6.2.4".into()]);
    (three.residual_likelihood, three.residual_impact) = (Some(2), Some(2));
    (three.review_due, three.status) = (day(-2), RiskStatus::TreatmentPlanned);
    let mut four = facts("Retired chatbot logs", 4, 4);
    (four.review_due, four.status) = (day(-5), RiskStatus::Closed);
    let five = facts("Vendor lock-in", 2, 3);
    for f in [one, two, three, four, five] {
        r.app.create_risk(&r.editor, f).await.unwrap();
    }
    let filter = |f: fn(&mut RiskFilter)| {
        let mut filter = RiskFilter::default();
        f(&mut filter);
        filter
    };

    assert_eq!(list(&r, RiskFilter::default()).await, [1, 2, 3, 4, 5]);
    assert_eq!(
        list(&r, filter(|f| f.status = Some("assessed".into()))).await,
        [2, 5]
    );
    assert_eq!(
        list(&r, filter(|f| f.status = Some("closed".into()))).await,
        [4]
    );
    assert_eq!(
        list(&r, filter(|f| f.treatment = Some("modify".into()))).await,
        [3]
    );
    // The minimum level reads the residual level: R-3 is Medium before treatment, Low after.
    assert_eq!(
        list(&r, filter(|f| f.min_level = Some("High".into()))).await,
        [2, 4]
    );
    assert_eq!(
        list(&r, filter(|f| f.min_level = Some("high".into()))).await,
        [2, 4]
    );
    assert_eq!(
        list(&r, filter(|f| f.min_level = Some("1".into()))).await,
        [2, 4, 5]
    );
    assert_eq!(
        list(&r, filter(|f| f.min_level = Some("Critical".into()))).await,
        [2]
    );
    // Overdue: a review date that has passed, on a risk that is not closed.
    assert_eq!(list(&r, filter(|f| f.overdue = Some(true))).await, [1, 3]);
    assert_eq!(
        list(&r, filter(|f| f.open = Some(true))).await,
        [1, 2, 3, 5]
    );
    let on = |system: AiSystemId| RiskFilter {
        system: Some(system.to_string()),
        ..Default::default()
    };
    assert_eq!(list(&r, on(chat)).await, [1, 2]);
    assert_eq!(list(&r, on(scorer)).await, [2]);
    assert_eq!(list(&r, on(AiSystemId::new())).await, Vec::<i64>::new());
    // One cell of the heat map, before or after treatment.
    let cell = |l: u8, i: u8, basis: Option<&str>| RiskFilter {
        likelihood: Some(l),
        impact: Some(i),
        basis: basis.map(str::to_owned),
        ..Default::default()
    };
    assert_eq!(list(&r, cell(3, 3, None)).await, [3]);
    assert_eq!(list(&r, cell(2, 2, Some("residual"))).await, [3]);
    assert_eq!(
        list(&r, cell(2, 2, Some("inherent"))).await,
        Vec::<i64>::new()
    );

    // Sorting: by residual level (ties by number the same way), by review date (none last).
    let sorted = |sort: &str| RiskFilter {
        sort: Some(sort.into()),
        ..Default::default()
    };
    assert_eq!(list(&r, sorted("-number")).await, [5, 4, 3, 2, 1]);
    assert_eq!(list(&r, sorted("level")).await, [1, 3, 5, 4, 2]);
    assert_eq!(list(&r, sorted("-level")).await, [2, 4, 5, 3, 1]);
    assert_eq!(list(&r, sorted("review_due")).await, [4, 3, 1, 2, 5]);
    assert_eq!(list(&r, sorted("-review_due")).await, [2, 1, 3, 4, 5]);

    // Paging counts every match.
    let page = r
        .app
        .risks(
            &r.viewer,
            &RiskFilter {
                limit: Some(2),
                offset: Some(1),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((numbers(&page.risks), page.total), (vec![2, 3], 5));
    assert_eq!((page.limit, page.offset), (2, 1));
    // Filters combine.
    let both = RiskFilter {
        system: Some(chat.to_string()),
        overdue: Some(true),
        ..Default::default()
    };
    assert_eq!(list(&r, both).await, [1]);
}

//! Running one test on each engine.

/// Runs each test once on SQLite and once on PostgreSQL (when reachable).
#[macro_export]
macro_rules! on_both_engines {
    ($($test:ident),+ $(,)?) => {
        mod on_sqlite {$(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $test() {
                let (store, _dir) = aims_store::testing::sqlite().await;
                super::$test(store).await;
            }
        )+}
        mod on_postgres {$(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $test() {
                if let Some((store, _database)) = aims_store::testing::postgres().await {
                    super::$test(store).await;
                }
            }
        )+}
    };
}

//! `Client::from_env()` reads `OPENROUTER_BASE_URL` (issue 21), so a program can be pointed at a
//! mock server or a proxy without code. One test in its own binary: it sets process environment
//! variables, which other tests running in parallel threads must not see.

use openrouter_langfuse::openrouter;
use spec_tests::server::{json, Server};

#[tokio::test]
async fn openrouter_from_env_reads_the_base_url() {
    let server = Server::start(|_, _| json(200, serde_json::json!({"data": {"count": 7}}))).await;
    std::env::set_var("OPENROUTER_API_KEY", "sk-or-from-env");
    std::env::set_var("OPENROUTER_BASE_URL", &server.url);
    let config = openrouter::Config::from_env().unwrap();
    assert_eq!(config.base_url, server.url);
    let count = openrouter::Client::from_env().unwrap().models().count().await.unwrap();
    assert_eq!(count.data.count, 7);
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "the call went to the base URL from the environment");
    assert_eq!(requests[0].header("authorization"), Some("Bearer sk-or-from-env"));
}

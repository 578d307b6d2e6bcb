//! Scores for observed calls: a call's response (and stream) names its trace and observation,
//! a score is attached right away by those ids or later from the ids alone, by another handle (as
//! feedback arriving in another process would), and Langfuse receives each through
//! `POST /api/public/scores` with the hex ids the spans carry, in the shape the pinned Langfuse
//! spec declares (`CreateScoreRequest`). Refusals are retried, then counted.

use futures_util::StreamExt;
use openrouter_langfuse::langfuse::types::CreateScoreRequest;
use openrouter_langfuse::observe::{Langfuse, Score, ScoreTarget};
use serde_json::{json, Value};
use spec_tests::otlp::*;
use spec_tests::server::{json, Reply, Server};
use std::time::Duration;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The pinned spec's request type takes the body as it is, with no key it does not declare.
fn conforms(body: &Value) {
    let request: CreateScoreRequest = serde_json::from_value(body.clone()).unwrap_or_else(|e| panic!("{body} is not a CreateScoreRequest: {e}"));
    assert!(request.extra.is_empty(), "keys the spec does not declare: {:?}", request.extra);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_observed_call_is_scored_by_its_observation_and_later_by_its_trace_id_alone() {
    let openrouter = Server::start(|n, _| {
        if n == 0 {
            json(200, completion())
        } else {
            Reply::Chunks(vec![(Duration::ZERO, sse(&[chunk(json!({"role": "assistant", "content": "Hi"}), json!("stop"))])), (Duration::ZERO, b"data: [DONE]\n\n".to_vec())])
        }
    })
    .await;
    let lf = receiver().await;
    let langfuse = langfuse(&lf.url).environment("staging").build().unwrap();
    let client = client(&openrouter, no_retries()).observed(&langfuse);
    let answer = client.chat().send(user("Capital of France?")).await.unwrap();
    let ids = answer.observation().expect("an observed call names its observation").clone();
    langfuse.score(&ids, Score::numeric("accuracy", 0.9).comment("close enough").metadata("judge", "human"));
    let mut stream = client.chat().send(user("hello")).send_stream().await.unwrap();
    let streamed = stream.observation().expect("a stream names its observation from the start").clone();
    while stream.next().await.is_some() {}
    langfuse.score(&streamed, Score::categorical("tone", "friendly"));
    let report = langfuse.shutdown().await.unwrap();
    assert_eq!((report.scores_sent, report.scores_dropped), (2, 0));

    // Minutes later, in another process: only the trace id survived, as a string.
    let trace_id = ids.trace_id.clone();
    let feedback = spec_tests::otlp::langfuse(&lf.url).build().unwrap();
    feedback.score(ScoreTarget::trace(trace_id.clone()), Score::boolean("helpful", true));
    let report = feedback.shutdown().await.unwrap();
    assert_eq!((report.scores_sent, report.scores_dropped), (1, 0));

    let spans = spans(&lf);
    let first = spans.iter().find(|s| hex(&s.span_id) == ids.observation_id).expect("the scored observation is a span Langfuse received");
    assert_eq!(hex(&first.trace_id), ids.trace_id);
    assert!(spans.iter().any(|s| hex(&s.span_id) == streamed.observation_id));
    let scores = scores(&lf);
    assert_eq!(scores.len(), 3);
    for score in &scores {
        conforms(score);
    }
    let by_name = |name: &str| scores.iter().find(|s| s["name"] == name).unwrap_or_else(|| panic!("no {name} score"));
    let accuracy = by_name("accuracy");
    assert_eq!((&accuracy["traceId"], &accuracy["observationId"]), (&json!(ids.trace_id), &json!(ids.observation_id)));
    assert_eq!((&accuracy["value"], &accuracy["dataType"], &accuracy["comment"]), (&json!(0.9), &json!("NUMERIC"), &json!("close enough")));
    assert_eq!(accuracy["environment"], "staging");
    assert_eq!(accuracy["metadata"], json!({"judge": "human"}));
    assert_eq!((&by_name("tone")["value"], &by_name("tone")["dataType"]), (&json!("friendly"), &json!("CATEGORICAL")));
    let helpful = by_name("helpful");
    assert_eq!((&helpful["traceId"], helpful.get("observationId")), (&json!(trace_id), None));
    assert_eq!((&helpful["value"], &helpful["dataType"]), (&json!(1.0), &json!("BOOLEAN")));
    // Every score has its own id, so a retried score is stored once.
    let ids: std::collections::HashSet<&str> = scores.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_score_langfuse_cannot_take_now_is_retried_and_one_it_refuses_is_counted() {
    // 503 twice, then accepted; an invalid score is refused with 400.
    let lf = Server::start(|n, request| {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        if body["name"] == "invalid" {
            json(400, json!({"message": "Invalid request data"}))
        } else if n < 2 {
            Reply::Full(503, vec![("retry-after", "0".into())], Vec::new())
        } else {
            json(200, json!({"id": "score-1"}))
        }
    })
    .await;
    let langfuse = Langfuse::builder().base_url(&lf.url).keys("pk-lf-test", "sk-lf-test").build().unwrap();
    langfuse.score(ScoreTarget::trace("0af7651916cd43dd8448eb211c80319c"), Score::numeric("quality", 4.0));
    let mut status = langfuse.status();
    for _ in 0..500 {
        if status.scores_sent == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        status = langfuse.status();
    }
    assert_eq!(status.scores_sent, 1);
    langfuse.score(ScoreTarget::trace("0af7651916cd43dd8448eb211c80319c"), Score::numeric("invalid", 1.0));
    let report = langfuse.shutdown().await.unwrap();
    assert_eq!((report.scores_sent, report.scores_dropped), (1, 1));
    let attempts: Vec<Value> = lf.requests().iter().map(|r| serde_json::from_slice(&r.body).unwrap()).collect();
    assert_eq!(attempts.len(), 4, "three tries of the first score, one of the refused one");
    assert_eq!(attempts[0]["id"], attempts[2]["id"], "a retry sends the same score id");
    assert!(langfuse.status().last_error.unwrap().contains("400"));
    // After shutdown, a score is counted as dropped, not sent.
    langfuse.score(ScoreTarget::trace("0af7651916cd43dd8448eb211c80319c"), Score::boolean("late", false));
    assert_eq!(langfuse.status().scores_dropped, 2);
}

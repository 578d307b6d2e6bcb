//! The experiment runner end to end, on loopback: a Langfuse serving a dataset through the
//! spec's dataset-items endpoint and receiving OTLP and scores, an OpenRouter answering per model
//! (one model failing 30 % of calls). What Langfuse receives is decoded with
//! `opentelemetry-proto`: item roots with the experiment's attributes, generations under them,
//! scores naming the item traces; the result's figures are the mock's.

use openrouter_langfuse::experiment::{self, contains, evaluator, exact_match, llm_judge, Dataset, Experiments, Gate, Item, RunResult};
use openrouter_langfuse::langfuse;
use openrouter_langfuse::observe::Score;
use serde_json::{json, Value};
use spec_tests::otlp::*;
use spec_tests::server::{json, Reply, Server};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const ITEMS: usize = 50;
const PAGE: usize = 20;
const MODELS: [&str; 3] = ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4", "flaky/model"];

/// Per model: prompt tokens, completion tokens, cost per call.
fn figures(model: &str) -> (u64, u64, f64) {
    match model {
        "openai/gpt-4o-mini" => (11, 3, 0.0001),
        "anthropic/claude-sonnet-4" => (13, 5, 0.0025),
        _ => (17, 7, 0.0004),
    }
}

fn dataset_item(index: usize) -> Value {
    json!({
        "id": format!("item-{index}"), "status": "ACTIVE",
        "input": format!("question {index}"), "expectedOutput": format!("answer {index}"),
        "metadata": {"topic": if index.is_multiple_of(2) { "billing" } else { "login" }},
        "datasetId": "ds-support", "datasetName": "support-questions",
        "createdAt": "2026-11-01T10:00:00.000Z", "updatedAt": "2026-11-02T10:00:00.000Z",
        "mediaReferences": []
    })
}

/// A Langfuse that serves the 50-item dataset page by page and accepts OTLP and scores.
async fn langfuse_mock(pages: Arc<AtomicUsize>) -> Server {
    Server::start(move |_, request| {
        if request.target.starts_with("/api/public/dataset-items") {
            assert_eq!(request.method, "GET");
            assert!(request.target.contains("datasetName=support-questions"), "{}", request.target);
            let page: usize = request.target.split("page=").nth(1).and_then(|p| p.split('&').next()).and_then(|p| p.parse().ok()).unwrap_or(1);
            pages.fetch_add(1, Ordering::SeqCst);
            let data: Vec<Value> = ((page - 1) * PAGE..(page * PAGE).min(ITEMS)).map(dataset_item).collect();
            let total_pages = ITEMS.div_ceil(PAGE);
            return json(200, json!({"data": data, "meta": {"page": page, "limit": PAGE, "totalItems": ITEMS, "totalPages": total_pages}}));
        }
        Reply::Full(200, vec![("content-type", "application/x-protobuf".into())], Vec::new())
    })
    .await
}

/// An OpenRouter that answers each model with its own figures: the first two right (Claude
/// wrong on every fifth item), the third failing items 0–2 of every ten with a 502.
async fn openrouter_mock() -> Server {
    Server::start(|_, request| {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let model = body["model"].as_str().unwrap().to_string();
        if model == "judge/model" {
            let verdict = json!({"score": 0.75, "reason": "clear and correct"}).to_string();
            return json(200, json!({"id": "gen-judge", "model": model, "object": "chat.completion", "created": 1763900000,
                "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": verdict}}],
                "usage": {"prompt_tokens": 40, "completion_tokens": 9, "total_tokens": 49, "cost": 0.00002}}));
        }
        let question = body["messages"][0]["content"].as_str().unwrap();
        let index: usize = question.trim_start_matches("question ").parse().unwrap();
        if model == "flaky/model" && index % 10 < 3 {
            return json(502, json!({"error": {"code": 502, "message": "upstream failed"}}));
        }
        let answer = if model == "anthropic/claude-sonnet-4" && index.is_multiple_of(5) { format!("I think answer {index}, maybe") } else { format!("answer {index}") };
        let (prompt, completion, cost) = figures(&model);
        json(200, json!({
            "id": format!("gen-{model}-{index}"), "provider": "Mock", "model": model, "object": "chat.completion", "created": 1763900000,
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": answer}}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion, "cost": cost}
        }))
    })
    .await
}

fn text_of(a: &HashMap<String, Any>, key: &str) -> Option<String> {
    match a.get(key) {
        Some(Any::StringValue(s)) => Some(s.clone()),
        _ => None,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_models_fifty_items_become_three_experiment_runs() {
    let pages = Arc::new(AtomicUsize::new(0));
    let lf = langfuse_mock(pages.clone()).await;
    let or = openrouter_mock().await;
    let handle = spec_tests::otlp::langfuse(&lf.url).build().unwrap();
    let api = langfuse::Client::new(langfuse::Config::default().with_base_url(&lf.url).with_basic_auth("pk-lf-test", "sk-lf-test-secret")).unwrap();
    let progress = Arc::new(AtomicUsize::new(0));
    let seen = progress.clone();
    let totals = Arc::new(Mutex::new(Vec::new()));
    let totals_seen = totals.clone();
    let bar = experiment::indicatif::ProgressBar::hidden();
    let result = handle
        .experiment("support-answers", Dataset::named_with(api, "support-questions"))
        .models(MODELS)
        .concurrency(8)
        .task(|item, call| async move { call.chat(item.messages()).await })
        .evaluate(exact_match())
        .evaluate(contains())
        .evaluate(evaluator(|e| {
            if e.model == "openai/gpt-4o-mini" && e.input == json!("question 7") {
                panic!("an evaluator bug");
            }
            Ok(vec![Score::numeric("length", e.output.as_str().map_or(0, str::len) as f64)])
        }))
        .on_progress(move |p| {
            seen.fetch_add(1, Ordering::SeqCst);
            totals_seen.lock().unwrap().push(p.total);
        })
        .progress_bar(bar.clone())
        .run(&client(&or, no_retries()))
        .await
        .unwrap();
    let report = handle.shutdown().await.unwrap();
    println!("{result}");

    // The dataset was read through its pages, once each.
    assert_eq!(pages.load(Ordering::SeqCst), ITEMS.div_ceil(PAGE));
    assert_eq!(progress.load(Ordering::SeqCst), 150, "one progress call per item and run");
    // The total is known from the dataset's first page, before any item finishes.
    assert!(totals.lock().unwrap().iter().all(|total| *total == Some(150)), "{:?}", totals.lock().unwrap());
    // The bar counted every item of every run and finished with the failures.
    let failed: usize = result.runs.iter().map(|run| run.failed).sum();
    assert_eq!((bar.position(), bar.length(), bar.is_finished()), (150, Some(150), true));
    assert_eq!(bar.message(), format!("{failed} failed"));

    // The result: the failing model's items are errors, the others are unaffected.
    assert_eq!(result.runs.len(), 3);
    for run in &result.runs {
        let (prompt, completion, cost) = figures(&run.model);
        let expected_failed = if run.model == "flaky/model" { 15 } else { 0 };
        assert_eq!((run.done, run.failed), (ITEMS - expected_failed, expected_failed), "{}", run.name);
        let done = run.done as u64;
        assert_eq!(run.input_tokens, done * prompt);
        assert_eq!(run.output_tokens, done * completion);
        assert!((run.cost - done as f64 * cost).abs() < 1e-9, "{}: cost {} vs {}", run.name, run.cost, done as f64 * cost);
        assert_eq!(run.items.len(), ITEMS);
        assert!(run.latency_p50_ms.is_some() && run.latency_p95_ms >= run.latency_p50_ms);
        for item in &run.items {
            assert_eq!(item.error.is_some(), run.model == "flaky/model" && item.item_id.trim_start_matches("item-").parse::<usize>().unwrap() % 10 < 3);
            assert!(item.trace_id.is_some() && item.observation_id.is_some());
        }
    }
    let mean = |model: &str, score: &str| result.run(model).unwrap().mean(score).unwrap();
    assert_eq!(mean("openai/gpt-4o-mini", "exact_match"), 1.0);
    assert_eq!(mean("anthropic/claude-sonnet-4", "exact_match"), 0.8);
    assert_eq!(mean("anthropic/claude-sonnet-4", "contains"), 1.0);
    assert_eq!(mean("flaky/model", "exact_match"), 1.0, "scores only the items that succeeded");
    // The panicking evaluator cost its own score only.
    let gpt = result.run("openai/gpt-4o-mini").unwrap();
    let seventh = gpt.items.iter().find(|i| i.item_id == "item-7").unwrap();
    assert_eq!(seventh.evaluator_errors.len(), 1);
    assert!(seventh.evaluator_errors[0].contains("an evaluator bug"));
    assert_eq!(seventh.scores.len(), 2, "exact_match and contains still scored");
    assert_eq!(gpt.scores["length"].count, ITEMS - 1);
    // The gate.
    assert!(result.gate(&Gate::new().min_mean("exact_match", 0.9)).unwrap_err().0.iter().any(|r| r.contains("anthropic/claude-sonnet-4")));
    assert!(result.gate(&Gate::new().max_failure_rate(0.3).min_mean("contains", 1.0)).is_ok());
    assert!(result.gate(&Gate::new().max_failure_rate(0.29)).is_err());
    // The table shows every run's figures; the JSON has them too.
    let table = result.to_string();
    for run in &result.runs {
        assert!(table.contains(&run.name) && table.contains(&format!("{:.6}", run.cost)), "{table}");
    }
    let serialized = serde_json::to_value(&result).unwrap();
    assert_eq!(serialized["runs"][2]["failed"], 15);

    // What Langfuse received: 150 item roots and 150 generations, nothing dropped.
    assert_eq!((report.dropped, report.exported), (0, 300));
    let spans = spans(&lf);
    assert_eq!(spans.len(), 300);
    let roots: Vec<&Span> = spans.iter().filter(|s| s.parent_span_id.is_empty()).collect();
    assert_eq!(roots.len(), 150);
    let by_id: HashMap<Vec<u8>, &Span> = roots.iter().map(|s| (s.span_id.clone(), *s)).collect();
    let runs: HashMap<String, &openrouter_langfuse::experiment::RunResult> = result.runs.iter().map(|r| (r.id.clone(), r)).collect();
    let mut items_per_run: HashMap<String, HashSet<String>> = HashMap::new();
    for span in &spans {
        let a = attributes(span);
        let run = runs[&text(&a, "langfuse.experiment.id")];
        assert_eq!(text(&a, "langfuse.experiment.name"), run.name);
        assert_eq!(text(&a, "langfuse.experiment.dataset.id"), "ds-support");
        assert_eq!(text(&a, "langfuse.experiment.metadata.model"), run.model);
        let item = text(&a, "langfuse.experiment.item.id");
        let root_id = text(&a, "langfuse.experiment.item.root_observation_id");
        let root = if span.parent_span_id.is_empty() {
            assert_eq!(root_id, hex(&span.span_id));
            items_per_run.entry(run.id.clone()).or_default().insert(item.clone());
            span
        } else {
            // A generation, under its item's root, in the root's trace.
            assert_eq!(text(&a, "langfuse.observation.type"), "generation");
            let root = by_id[&span.parent_span_id];
            assert_eq!(span.trace_id, root.trace_id);
            assert_eq!(root_id, hex(&root.span_id));
            assert_eq!(text(&a, "gen_ai.request.model"), run.model);
            root
        };
        let root_attributes = attributes(root);
        assert_eq!(text(&root_attributes, "langfuse.experiment.item.id"), item);
        let index: usize = item.trim_start_matches("item-").parse().unwrap();
        if span.parent_span_id.is_empty() {
            assert_eq!(json_attribute(&a, "langfuse.observation.input"), json!(format!("question {index}")));
            assert_eq!(json_attribute(&a, "langfuse.experiment.item.expected_output"), json!(format!("answer {index}")));
            assert_eq!(text(&a, "langfuse.experiment.item.metadata.topic"), if index.is_multiple_of(2) { "billing" } else { "login" });
            let record = run.items.iter().find(|i| i.item_id == item).unwrap();
            assert_eq!(record.trace_id.as_deref(), Some(hex(&span.trace_id).as_str()));
            assert_eq!(record.observation_id.as_deref(), Some(hex(&span.span_id).as_str()));
            match &record.error {
                None => assert_eq!(json_attribute(&a, "langfuse.observation.output"), record.output.clone().unwrap()),
                Some(error) => {
                    assert_eq!(text_of(&a, "langfuse.observation.level").as_deref(), Some("ERROR"));
                    assert_eq!(text_of(&a, "langfuse.observation.status_message").as_deref(), Some(error.as_str()));
                }
            }
        }
    }
    assert!(items_per_run.values().all(|items| items.len() == ITEMS));

    // Every score names the trace of the item it scores.
    let scores = scores(&lf);
    let expected_scores: usize = result.runs.iter().flat_map(|r| &r.items).map(|i| i.scores.len()).sum();
    assert_eq!(scores.len(), expected_scores);
    assert_eq!(report.scores_sent as usize, expected_scores);
    let traces: HashMap<String, (&str, &str)> = result.runs.iter().flat_map(|r| r.items.iter().map(move |i| (i.trace_id.clone().unwrap(), (r.model.as_str(), i.item_id.as_str())))).collect();
    for score in &scores {
        let (model, item) = traces[score["traceId"].as_str().unwrap()];
        let record = result.run(model).unwrap().items.iter().find(|i| i.item_id == item).unwrap();
        let name = score["name"].as_str().unwrap();
        let recorded = record.scores.iter().find(|s| s.name == name).unwrap();
        assert_eq!(score["value"].as_f64(), recorded.number());
    }

    // For the report: an item root and a generation in it, as received.
    let root = roots.iter().find(|s| text(&attributes(s), "langfuse.experiment.item.id") == "item-7").unwrap();
    let generation = spans.iter().find(|s| s.parent_span_id == root.span_id).unwrap();
    for (what, span) in [("item root", *root), ("generation", generation)] {
        let mut a: Vec<(String, String)> = attributes(span).into_iter().map(|(k, v)| (k, format!("{v:?}"))).collect();
        a.sort();
        println!("{what} ({}):", span.name);
        for (key, value) in a {
            println!("  {key} = {value}");
        }
    }
}

#[tokio::test]
async fn local_items_time_out_and_fail_alone() {
    let lf = spec_tests::otlp::receiver().await;
    let or = openrouter_mock().await;
    let handle = spec_tests::otlp::langfuse(&lf.url).build().unwrap();
    let items = (0..4).map(|i| Item::new(format!("local-{i}"), format!("question {i}")).expected(format!("answer {i}")));
    let result = handle
        .experiment("local", Dataset::items(items))
        .models(["openai/gpt-4o-mini"])
        .timeout(std::time::Duration::from_secs(5))
        .task(|item, call| async move {
            match item.id.as_str() {
                // Never answers within the timeout: a pending future, not a sleep.
                "local-1" => std::future::pending::<Result<Value, String>>().await,
                "local-2" => panic!("a task bug"),
                "local-3" => Err("refused".to_string()),
                _ => call.chat(item.messages()).await.map(|r| serde_json::to_value(r.value.choices[0].message.content.as_ref().and_then(|c| c.as_str())).unwrap()).map_err(|e| e.to_string()),
            }
        })
        .evaluate(exact_match())
        .on_progress(|p| {
            if p.item_id == "local-0" {
                panic!("a progress callback bug");
            }
        })
        .run(&client(&or, no_retries()))
        .await
        .unwrap();
    let report = handle.shutdown().await.unwrap();
    let run = &result.runs[0];
    // Every item is in the result, the one whose progress callback panicked too.
    assert_eq!(run.items.len(), 4);
    assert_eq!((run.done, run.failed), (1, 3), "{:?}", run.items);
    let error = |id: &str| run.items.iter().find(|i| i.item_id == id).unwrap().error.clone().unwrap_or_default();
    assert!(error("local-1").contains("timed out"), "{}", error("local-1"));
    assert!(error("local-2").contains("a task bug"));
    assert_eq!(error("local-3"), "refused");
    assert_eq!(run.mean("exact_match"), Some(1.0));
    // Four roots, one generation; no dataset id for local items.
    assert_eq!((report.exported, report.dropped), (5, 0));
    let spans = spans(&lf);
    assert!(spans.iter().all(|s| !attributes(s).contains_key("langfuse.experiment.dataset.id")));
    assert_eq!(spans.iter().filter(|s| text_of(&attributes(s), "langfuse.observation.level").as_deref() == Some("ERROR")).count(), 3);
}

#[tokio::test]
async fn an_llm_judge_and_a_run_evaluator_score_and_are_recorded() {
    let lf = spec_tests::otlp::receiver().await;
    let or = openrouter_mock().await;
    let handle = spec_tests::otlp::langfuse(&lf.url).build().unwrap();
    let openrouter = client(&or, no_retries());
    let items = (0..3).map(|i| Item::new(format!("local-{i}"), format!("question {i}")).expected(format!("answer {i}")));
    let result = handle
        .experiment("judged", Dataset::items(items))
        .models(["openai/gpt-4o-mini"])
        .task(|item, call| async move { call.chat(item.messages()).await })
        .evaluate(llm_judge(openrouter.observed(&handle), "judge/model", "helpfulness", "Is the answer helpful?"))
        .evaluate_run(|run: &RunResult| Ok(vec![Score::numeric("pass_rate", run.done as f64 / run.items.len() as f64)]))
        .evaluate_run(|_: &RunResult| -> Result<Vec<Score>, String> { Err("not today".into()) })
        .run(&openrouter)
        .await
        .unwrap();
    let report = handle.shutdown().await.unwrap();
    let run = &result.runs[0];
    assert_eq!(run.mean("helpfulness"), Some(0.75));
    assert!(run.items.iter().all(|i| i.scores[0].comment.as_deref() == Some("clear and correct")));
    assert_eq!(run.run_scores.len(), 1);
    assert_eq!(run.evaluator_errors, vec!["not today".to_string()]);
    // The judge's calls are recorded too, each a trace of its own; the run's figures are the task's alone.
    let spans = spans(&lf);
    let judged: Vec<&Span> = spans.iter().filter(|s| text_of(&attributes(s), "gen_ai.request.model").as_deref() == Some("judge/model")).collect();
    assert_eq!(judged.len(), 3);
    assert!(judged.iter().all(|s| !attributes(s).contains_key("langfuse.experiment.id")));
    assert_eq!((run.input_tokens, run.output_tokens), (33, 9));
    assert_eq!((report.exported, report.dropped), (9, 0));
    // Three item scores on the item traces, one run score on the run.
    let scores = scores(&lf);
    assert_eq!(scores.len(), 4);
    let run_score = scores.iter().find(|s| s["name"] == "pass_rate").unwrap();
    assert_eq!(run_score["datasetRunId"], json!(run.id));
    assert_eq!(run_score["value"], json!(1.0));
    assert!(run_score.get("traceId").is_none());
    let traces: HashSet<&str> = run.items.iter().map(|i| i.trace_id.as_deref().unwrap()).collect();
    assert!(scores.iter().filter(|s| s["name"] == "helpfulness").all(|s| traces.contains(s["traceId"].as_str().unwrap())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_early_keeps_what_finished_consistent() {
    let lf = spec_tests::otlp::receiver().await;
    let or = openrouter_mock().await;
    let handle = spec_tests::otlp::langfuse(&lf.url).build().unwrap();
    let stop = Arc::new(tokio::sync::Notify::new());
    let signal = stop.clone();
    let items = (0..200).map(|i| Item::new(format!("local-{i}"), format!("question {i}")).expected(format!("answer {i}")));
    let bar = experiment::indicatif::ProgressBar::hidden();
    let wrong_totals = Arc::new(AtomicUsize::new(0));
    let wrong_total = wrong_totals.clone();
    let result = handle
        .experiment("stopped", Dataset::items(items))
        .models(["openai/gpt-4o-mini"])
        .concurrency(4)
        .task(|item, call| async move { call.chat(item.messages()).await })
        .evaluate(exact_match())
        .on_progress(move |p| {
            if p.total != Some(200) {
                wrong_total.fetch_add(1, Ordering::SeqCst);
            }
            if p.finished == 10 {
                signal.notify_one();
            }
        })
        .progress_bar(bar.clone())
        .run_until(&client(&or, no_retries()), async move { stop.notified().await })
        .await
        .unwrap();
    let report = handle.shutdown().await.unwrap();
    assert_eq!(result.interrupted.as_deref(), Some("stopped"));
    let run = &result.runs[0];
    let finished = run.items.len();
    assert!((10..200).contains(&finished), "{finished} items finished");
    assert_eq!(run.done, finished, "the items running when it stopped finished");
    // Every finished item is in Langfuse, whole: its root, its generation, its score.
    assert_eq!((report.exported, report.dropped), (2 * finished as u64, 0));
    assert_eq!(scores(&lf).len(), finished);
    assert!(result.to_string().contains("interrupted: stopped"));
    assert_eq!(wrong_totals.load(Ordering::SeqCst), 0, "your own items' total is known at the start");
    // The bar is left where the experiment stopped, and says why.
    assert_eq!((bar.position(), bar.length()), (finished as u64, Some(200)));
    assert_eq!(bar.message(), "0 failed · stopped");
}

#[tokio::test]
async fn a_streamed_task_reports_its_time_to_first_token() {
    use futures_util::StreamExt;
    let events = sse(&[chunk(json!({"role": "assistant", "content": "answer "}), Value::Null), {
        let mut last = chunk(json!({"content": "1"}), json!("stop"));
        last["usage"] = json!({"prompt_tokens": 6, "completion_tokens": 2, "total_tokens": 8, "cost": 0.00003});
        last
    }]);
    let or = Server::start(move |_, _| Reply::Chunks(vec![(std::time::Duration::from_millis(30), events.clone()), (std::time::Duration::ZERO, b"data: [DONE]\n\n".to_vec())])).await;
    let lf = spec_tests::otlp::receiver().await;
    let handle = spec_tests::otlp::langfuse(&lf.url).build().unwrap();
    let result = handle
        .experiment("streamed", Dataset::items([Item::new("one", "question 1").expected("answer 1")]))
        .models(["anthropic/claude-sonnet-4"])
        .task(|item, call| async move {
            let mut stream = call.chat(item.messages()).send_stream().await.map_err(|e| e.to_string())?;
            let mut text = String::new();
            while let Some(event) = stream.next().await {
                let event = event.map_err(|e| e.to_string())?;
                if let Some(delta) = event.choices.first().and_then(|c| c.delta.content.clone()) {
                    text.push_str(&delta);
                }
            }
            Ok::<_, String>(text)
        })
        .evaluate(exact_match())
        .run(&client(&or, no_retries()))
        .await
        .unwrap();
    handle.shutdown().await.unwrap();
    let run = &result.runs[0];
    assert_eq!(run.mean("exact_match"), Some(1.0));
    assert_eq!((run.input_tokens, run.output_tokens), (6, 2));
    assert!((run.cost - 0.00003).abs() < 1e-12);
    let first = run.first_token_p50_ms.expect("a time to first token");
    assert!(first >= 30.0 && first <= run.latency_p50_ms.unwrap(), "{first} ms");
}

#[tokio::test]
async fn a_run_whose_items_all_fail_costs_zero_not_minus_zero() {
    let lf = spec_tests::otlp::receiver().await;
    let or = openrouter_mock().await;
    let handle = spec_tests::otlp::langfuse(&lf.url).build().unwrap();
    let items = (0..3).map(|i| Item::new(format!("local-{i}"), format!("question {i}")));
    let result = handle
        .experiment("all-fail", Dataset::items(items))
        .models(["openai/gpt-4o-mini"])
        .task(|_item, _call| async move { Err::<Value, _>("refused") })
        .run(&client(&or, no_retries()))
        .await
        .unwrap();
    handle.shutdown().await.unwrap();
    let run = &result.runs[0];
    assert_eq!((run.failed, run.cost.to_bits()), (3, 0.0f64.to_bits()), "+0.0, not -0.0");
    let table = result.to_string();
    assert!(!table.contains("-0.0"), "{table}");
}

//! Compares OpenRouter models on a Langfuse dataset: every item through every model, scored by
//! exact match and containment, recorded in Langfuse as one experiment run per model, printed as
//! a table. Ctrl-C stops starting new items and still prints (and sends) what finished.
//! Run: `OPENROUTER_API_KEY=… LANGFUSE_PUBLIC_KEY=… LANGFUSE_SECRET_KEY=… cargo run --features observe
//! --example compare_models -- <dataset> <model> [<model>…] [--min-exact-match 0.8]`

use openrouter_langfuse::experiment::{contains, exact_match, Dataset, Experiments, Gate};
use openrouter_langfuse::{observe::Langfuse, openrouter};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut minimum = None;
    if let Some(at) = args.iter().position(|a| a == "--min-exact-match") {
        let value = args.get(at + 1).ok_or("--min-exact-match needs a number")?;
        minimum = Some(value.parse::<f64>().map_err(|_| format!("--min-exact-match: {value:?} is not a number"))?);
        args.drain(at..at + 2);
    }
    let (dataset, models) = match args.split_first() {
        Some((dataset, models)) if !models.is_empty() => (dataset.clone(), models.to_vec()),
        _ => return Err("usage: compare_models <dataset> <model> [<model>…] [--min-exact-match 0.8]".into()),
    };
    let langfuse = Langfuse::from_env()?;
    let openrouter = openrouter::Client::from_env()?;
    let result = langfuse
        .experiment(format!("compare on {dataset}"), Dataset::named(dataset))
        .models(models)
        .task(|item, call| async move { call.chat(item.messages()).await })
        .evaluate(exact_match())
        .evaluate(contains())
        .on_progress(|p| match p.total {
            Some(total) => eprintln!("{}/{total} items done ({} failed)", p.finished, p.failures),
            None => eprintln!("{} items done ({} failed)", p.finished, p.failures),
        })
        .run_until(&openrouter, tokio::signal::ctrl_c())
        .await?;
    println!("{result}");
    let report = langfuse.shutdown().await?;
    eprintln!("Langfuse: {} spans and {} scores sent, {} dropped", report.exported, report.scores_sent, report.dropped + report.scores_dropped);
    if let Some(minimum) = minimum {
        result.gate(&Gate::new().min_mean("exact_match", minimum))?;
    }
    Ok(())
}

use openrouter_langfuse::openrouter::types::ChatUserMessage;

fn main() {
    // Generated structs are non-exhaustive: a field added upstream must not break this code, so
    // it cannot be written as a struct literal; `ChatUserMessage::new("hi")` is the way.
    let _ = ChatUserMessage { content: "hi".into(), name: None, role: Default::default() };
}

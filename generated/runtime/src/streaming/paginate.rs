//! Paginated listings as one lazy stream of items.

use crate::error::Error;
use futures_util::stream::{self, Stream};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;

/// A stream of items (or errors) across pages.
pub type ItemStream<T, E> = Pin<Box<dyn Stream<Item = Result<T, Error<E>>> + Send>>;

/// Walks pages lazily: `fetch(position)` returns one page's items and the next position, if any.
/// A page is requested only when the previous page's items are all consumed; an error ends the
/// stream after being yielded.
pub fn paginate<S, T, E, F, Fut>(start: S, fetch: F) -> ItemStream<T, E>
where
    S: Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
    F: FnMut(S) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(Vec<T>, Option<S>), Error<E>>> + Send + 'static,
{
    let state = (Some(start), VecDeque::new(), fetch);
    Box::pin(stream::unfold(state, |(mut next, mut buffer, mut fetch)| async move {
        loop {
            if let Some(item) = buffer.pop_front() {
                return Some((Ok(item), (next, buffer, fetch)));
            }
            let position = next.take()?;
            match fetch(position).await {
                Ok((items, following)) => {
                    buffer.extend(items);
                    next = following;
                }
                Err(error) => return Some((Err(error), (None, buffer, fetch))),
            }
        }
    }))
}

//! The one pagination helper: an SDK paginator as a lazy `futures::Stream`.

use aws_smithy_async::future::pagination_stream::PaginationStream;
use futures::stream::{BoxStream, StreamExt};

/// Turns an SDK paginator (`client.op().into_paginator().send()`, or `.items().send()`) into a
/// lazy stream: each page is requested only when the stream is polled past the previous one.
///
/// ```no_run
/// # async fn demo(glue: aws_sdk_glue::Client) {
/// use futures::StreamExt;
/// let mut pages = chicory_aws_core::pages(glue.get_databases().into_paginator().send());
/// while let Some(page) = pages.next().await {
///     let _databases = page.map(|p| p.database_list);
/// }
/// # }
/// ```
pub fn pages<T: Send + 'static>(paginator: PaginationStream<T>) -> BoxStream<'static, T> {
    futures::stream::unfold(paginator, |mut p| async move {
        p.next().await.map(|item| (item, p))
    })
    .boxed()
}

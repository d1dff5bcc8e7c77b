//! A per-request batcher that loads in waves, so a request's SQL statement count is set by the
//! shape of its query, never by how many rows it returns or by timing.
//!
//! Loads register their keys and wait. `drive` polls the request and, whenever the request is
//! stuck (it returned `Pending` without waking itself, so every resolver that could ask has
//! asked), runs every pending batch, all key types at once, as one wave, and releases their
//! results together. async-graphql's own `DataLoader` dispatches each key type on a timer
//! instead, and batches that finish at different moments then split the next level's keys over
//! a varying number of statements.
//!
//! Nothing is cached: a value loaded early for one row would let that row run a wave ahead of
//! its siblings and split their next batch. Keys repeated within a wave are loaded once.
//!
//! Subscriptions are executed by async-graphql itself and cannot be driven; their loaders
//! dispatch on their own after letting the other resolvers of the pass register.

use std::any::{Any, TypeId};
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Wake, Waker};

use futures_util::future::{BoxFuture, join_all};
use sea_orm::DatabaseConnection;
use tokio::sync::oneshot;

use crate::error::{AppError, AppResult};

/// A relationship loaded in batches: one key type, one statement per wave.
pub trait Batch: Clone + Eq + Hash + Send + Sync + 'static {
    type Value: Clone + Send + Sync + 'static;

    /// Loads the values of `keys`; keys without a value are absent from the map.
    fn load(
        db: &DatabaseConnection,
        keys: Vec<Self>,
    ) -> impl Future<Output = AppResult<HashMap<Self, Self::Value>>> + Send;
}

/// How a `Loaders` gets its waves run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dispatch {
    /// By `drive`, when the request is stuck (HTTP requests).
    Driven,
    /// By the loads themselves (subscription connections).
    OnItsOwn,
}

/// The batcher of one request or subscription connection. Cheap to clone.
#[derive(Clone)]
pub struct Loaders {
    inner: Arc<Inner>,
}

struct Inner {
    db: DatabaseConnection,
    dispatch: Dispatch,
    pending: Mutex<HashMap<TypeId, Box<dyn Pending>>>,
}

type Loaded<K> = AppResult<Arc<HashMap<K, <K as Batch>::Value>>>;
type Deliver = Box<dyn FnOnce() + Send>;

/// Keys of one type waiting for the next wave, and who waits for them.
struct Waiting<K: Batch> {
    keys: HashSet<K>,
    waiters: Vec<oneshot::Sender<Loaded<K>>>,
}

trait Pending: Send {
    fn as_any(&mut self) -> &mut dyn Any;
    /// Runs the statement; the returned closure delivers the results.
    fn run(self: Box<Self>, db: DatabaseConnection) -> BoxFuture<'static, Deliver>;
}

impl<K: Batch> Pending for Waiting<K> {
    fn as_any(&mut self) -> &mut dyn Any {
        self
    }

    fn run(self: Box<Self>, db: DatabaseConnection) -> BoxFuture<'static, Deliver> {
        Box::pin(async move {
            let result = K::load(&db, self.keys.into_iter().collect())
                .await
                .map(Arc::new);
            let waiters = self.waiters;
            Box::new(move || {
                for waiter in waiters {
                    let _ = waiter.send(result.clone());
                }
            }) as Deliver
        })
    }
}

impl Loaders {
    pub fn new(db: DatabaseConnection, dispatch: Dispatch) -> Self {
        Loaders {
            inner: Arc::new(Inner {
                db,
                dispatch,
                pending: Mutex::new(HashMap::new()),
            }),
        }
    }

    fn pending(&self) -> MutexGuard<'_, HashMap<TypeId, Box<dyn Pending>>> {
        self.inner
            .pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub async fn load_one<K: Batch>(&self, key: K) -> AppResult<Option<K::Value>> {
        Ok(self.load_many([key.clone()]).await?.remove(&key))
    }

    /// A row another row refers to: `NOT_FOUND` naming `what` and the key when it is missing.
    pub async fn load_required<K: Batch + AsRef<str>>(
        &self,
        key: K,
        what: &str,
    ) -> AppResult<K::Value> {
        let code = key.as_ref().to_owned();
        self.load_one(key)
            .await?
            .ok_or_else(|| AppError::not_found(what, &code))
    }

    pub async fn load_many<K: Batch>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> AppResult<HashMap<K, K::Value>> {
        let keys: Vec<K> = keys.into_iter().collect();
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        let receiver = {
            let mut pending = self.pending();
            let (sender, receiver) = oneshot::channel();
            let entry = pending.entry(TypeId::of::<K>()).or_insert_with(|| {
                Box::new(Waiting::<K> {
                    keys: HashSet::new(),
                    waiters: Vec::new(),
                })
            });
            let Some(waiting) = entry.as_any().downcast_mut::<Waiting<K>>() else {
                unreachable!("pending batches are keyed by their key type")
            };
            waiting.keys.extend(keys.iter().cloned());
            waiting.waiters.push(sender);
            receiver
        };
        if self.inner.dispatch == Dispatch::OnItsOwn {
            tokio::task::yield_now().await;
            if let Some(wave) = self.take_wave() {
                wave.await;
            }
        }
        let loaded = receiver.await.unwrap_or_else(|_| Err(abandoned()))?;
        Ok(keys
            .into_iter()
            .filter_map(|key| loaded.get(&key).cloned().map(|value| (key, value)))
            .collect())
    }

    /// Takes every pending batch as one wave: a future that runs them all, then delivers every
    /// result at once.
    fn take_wave(&self) -> Option<BoxFuture<'static, ()>> {
        let batches = std::mem::take(&mut *self.pending());
        if batches.is_empty() {
            return None;
        }
        let db = self.inner.db.clone();
        Some(Box::pin(async move {
            let deliveries = join_all(batches.into_values().map(|b| b.run(db.clone()))).await;
            for deliver in deliveries {
                deliver();
            }
        }))
    }
}

fn abandoned() -> AppError {
    AppError::internal(std::io::Error::other(
        "a batch was abandoned before it delivered",
    ))
}

/// Runs `request`, running a wave of `loaders` each time the request is stuck.
///
/// The request runs outside tokio's cooperative budget: once spent, the budget makes a load
/// report `Pending` and defer its wake-up until after the poll, which would look like a stuck
/// request and start a wave before every resolver has asked. Each wave is real I/O, so the
/// task still yields between waves.
pub fn drive<F: Future>(loaders: Loaders, request: F) -> impl Future<Output = F::Output> {
    Driven {
        request: Box::pin(tokio::task::unconstrained(request)),
        loaders,
        wave: None,
    }
}

struct Driven<F: Future> {
    request: Pin<Box<tokio::task::Unconstrained<F>>>,
    loaders: Loaders,
    wave: Option<BoxFuture<'static, ()>>,
}

/// Notes whether the request woke itself while being polled (it has more to do right away).
struct WokeFlag {
    woke: AtomicBool,
    task: Waker,
}

impl Wake for WokeFlag {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woke.store(true, Ordering::Release);
        self.task.wake_by_ref();
    }
}

impl<F: Future> Future for Driven<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        loop {
            if let Some(wave) = self.wave.as_mut()
                && wave.as_mut().poll(cx).is_ready()
            {
                self.wave = None;
            }
            let flag = Arc::new(WokeFlag {
                woke: AtomicBool::new(false),
                task: cx.waker().clone(),
            });
            let waker = Waker::from(flag.clone());
            if let Poll::Ready(output) =
                self.request.as_mut().poll(&mut Context::from_waker(&waker))
            {
                return Poll::Ready(output);
            }
            if flag.woke.load(Ordering::Acquire) || self.wave.is_some() {
                return Poll::Pending;
            }
            // Stuck: every resolver that could register a load has done so.
            match self.loaders.take_wave() {
                Some(wave) => self.wave = Some(wave),
                None => return Poll::Pending,
            }
        }
    }
}

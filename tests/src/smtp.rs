//! A real SMTP listener on `127.0.0.1`, not a stub transport: the portal's mailer speaks SMTP to it
//! over TCP exactly as it would to a relay, so its connection pool, the dialogue itself, a server
//! that goes down and comes back, and a sender that dies mid-message are all exercised for real.
//! Plain SMTP only (no STARTTLS, no AUTH), and only as much of it as `lettre` needs.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::OwnedReadHalf;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};

/// One message the sink accepted: the envelope and the raw message (CRLF line ends, dots
/// unstuffed).
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub from: String,
    pub rcpt: Vec<String>,
    pub data: String,
}

impl ReceivedMail {
    /// Value of the first header named `name` (case-insensitive), unfolded, trimmed; None if
    /// absent. Encoded words (RFC 2047) are left as they are.
    pub fn header(&self, name: &str) -> Option<String> {
        let mut found: Option<String> = None;
        for line in self.data.lines() {
            if line.is_empty() {
                break;
            }
            if line.starts_with([' ', '\t']) {
                if let Some(value) = found.as_mut() {
                    value.push_str(line);
                }
                continue;
            }
            if found.is_some() {
                break;
            }
            if let Some((key, value)) = line.split_once(':')
                && key.trim().eq_ignore_ascii_case(name)
            {
                found = Some(value.to_owned());
            }
        }
        found.map(|value| value.trim().to_owned())
    }

    pub fn message_id(&self) -> Option<String> {
        self.header("Message-ID")
    }

    pub fn subject(&self) -> Option<String> {
        self.header("Subject")
    }
}

/// The SMTP sink; clones share the same server. Dropping the last clone stops it.
#[derive(Clone)]
pub struct SmtpSink {
    port: u16,
    server: Arc<Mutex<Option<Server>>>,
    shared: Arc<Shared>,
}

/// The running accept loop: `stop` ends it, closing the listener and every open connection.
struct Server {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

/// What the connections see.
struct Shared {
    hold: AtomicBool,
    held: AtomicUsize,
    release: watch::Sender<u64>,
    received: watch::Sender<Vec<ReceivedMail>>,
}

impl SmtpSink {
    /// Binds 127.0.0.1:0 and starts accepting.
    pub async fn start() -> SmtpSink {
        let listener = listen(0).expect("an SMTP sink listening on 127.0.0.1");
        let shared = Shared {
            hold: AtomicBool::new(false),
            held: AtomicUsize::new(0),
            release: watch::Sender::new(0),
            received: watch::Sender::new(Vec::new()),
        };
        let sink = SmtpSink {
            port: listener.local_addr().unwrap().port(),
            server: Arc::default(),
            shared: Arc::new(shared),
        };
        sink.serve(listener);
        sink
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Stops listening (connects are refused) and closes open connections; the port is kept for
    /// `up`.
    pub async fn down(&self) {
        let server = self.server.lock().unwrap().take();
        if let Some(Server { stop, task }) = server {
            let _ = stop.send(());
            let _ = task.await;
        }
    }

    /// Rebinds the same port and accepts again (a no-op while up).
    pub async fn up(&self) {
        if self.server.lock().unwrap().is_some() {
            return;
        }
        let mut attempts = 0;
        let listener = loop {
            match listen(self.port) {
                Ok(listener) => break listener,
                Err(error) => {
                    attempts += 1;
                    assert!(attempts < 100, "rebinding port {}: {error}", self.port);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        };
        self.serve(listener);
    }

    /// While on, a message's final "." is neither recorded nor answered until `release()`; a client
    /// that disconnects or sends anything meanwhile loses the message, and the sink hangs up (as a
    /// server that failed before queueing). Turning it off releases held messages.
    pub fn hold(&self, on: bool) {
        self.shared.hold.store(on, Ordering::SeqCst);
        if !on {
            self.release();
        }
    }

    /// Records the held messages and answers them 250.
    pub fn release(&self) {
        self.shared.release.send_modify(|round| *round += 1);
    }

    /// Number of messages currently held, waiting.
    pub fn held(&self) -> usize {
        self.shared.held.load(Ordering::SeqCst)
    }

    /// Messages accepted so far (recorded when the sink answers 250 to the final ".").
    pub fn received(&self) -> Vec<ReceivedMail> {
        self.shared.received.borrow().clone()
    }

    /// Waits until at least `n` messages are received or `timeout` passes; returns `received()`.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let mut received = self.shared.received.subscribe();
        let _ = tokio::time::timeout(timeout, received.wait_for(|all| all.len() >= n)).await;
        self.received()
    }

    fn serve(&self, listener: TcpListener) {
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(accept(listener, stopped, self.shared.clone()));
        *self.server.lock().unwrap() = Some(Server { stop, task });
    }
}

/// SO_REUSEADDR, so that `up` can rebind the port right after `down` closed it.
fn listen(port: u16) -> std::io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(([127, 0, 0, 1], port).into())?;
    socket.listen(64)
}

async fn accept(listener: TcpListener, mut stop: oneshot::Receiver<()>, shared: Arc<Shared>) {
    let mut sessions = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    // Answer each command at once, as mail servers do (no Nagle delay).
                    let _ = stream.set_nodelay(true);
                    sessions.spawn(session(stream, shared.clone()));
                }
            }
            Some(_) = sessions.join_next() => {}
        }
    }
    drop(listener);
    sessions.shutdown().await;
}

async fn session(stream: TcpStream, shared: Arc<Shared>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    write.write_all(b"220 sink ESMTP\r\n").await?;
    let (mut from, mut rcpt) = (None::<String>, Vec::new());
    while let Some(command) = read_line(&mut reader).await? {
        let command = String::from_utf8_lossy(&command).into_owned();
        let verb = command.split(' ').next().unwrap_or("").to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
            "HELO" => b"250 sink\r\n",
            "MAIL" => {
                (from, rcpt) = (Some(address(&command)), Vec::new());
                b"250 2.1.0 OK\r\n"
            }
            "RCPT" if from.is_none() => b"503 5.5.1 MAIL first\r\n",
            "RCPT" => {
                rcpt.push(address(&command));
                b"250 2.1.5 OK\r\n"
            }
            "DATA" if rcpt.is_empty() => b"503 5.5.1 RCPT first\r\n",
            "DATA" => {
                write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                let mut data = Vec::new();
                loop {
                    let Some(line) = read_line(&mut reader).await? else {
                        return Ok(());
                    };
                    if line == b"." {
                        break;
                    }
                    data.extend_from_slice(line.strip_prefix(b".").unwrap_or(&line));
                    data.extend_from_slice(b"\r\n");
                }
                let mail = ReceivedMail {
                    from: from.take().unwrap_or_default(),
                    rcpt: std::mem::take(&mut rcpt),
                    data: String::from_utf8_lossy(&data).into_owned(),
                };
                if !shared.deliver(mail, &mut reader).await {
                    return Ok(());
                }
                b"250 2.0.0 queued\r\n"
            }
            "RSET" => {
                (from, rcpt) = (None, Vec::new());
                b"250 2.0.0 OK\r\n"
            }
            "NOOP" => b"250 2.0.0 OK\r\n",
            "QUIT" => {
                write.write_all(b"221 2.0.0 bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 5.5.2 command not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
    Ok(())
}

impl Shared {
    /// Records `mail`, first waiting for a release while holding; false if the client gave up.
    async fn deliver(&self, mail: ReceivedMail, reader: &mut BufReader<OwnedReadHalf>) -> bool {
        let mut released = self.release.subscribe();
        if self.hold.load(Ordering::SeqCst) {
            let _held = Held::new(&self.held);
            tokio::select! {
                _ = released.changed() => {}
                // Nothing may come before our reply: EOF, or the QUIT or NOOP of a lettre whose send
                // was cancelled (its pool keeps such a connection), means the sender gave up.
                _ = reader.fill_buf() => return false,
            }
        }
        self.received.send_modify(|all| all.push(mail));
        true
    }
}

/// Counts a held message for as long as its connection waits (also when the task is aborted).
struct Held<'a>(&'a AtomicUsize);

impl<'a> Held<'a> {
    fn new(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Held(count)
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// One line without its CRLF; None at end of stream.
async fn read_line(reader: &mut BufReader<OwnedReadHalf>) -> std::io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    if reader.read_until(b'\n', &mut line).await? == 0 {
        return Ok(None);
    }
    while line
        .last()
        .is_some_and(|byte| matches!(byte, b'\n' | b'\r'))
    {
        line.pop();
    }
    Ok(Some(line))
}

/// The address in `MAIL FROM:<a> PARAMS` or `RCPT TO:<a>`.
fn address(command: &str) -> String {
    let after = command.split_once(':').map_or("", |(_, rest)| rest);
    match after
        .split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
    {
        Some((address, _)) => address.to_owned(),
        None => after.split_whitespace().next().unwrap_or("").to_owned(),
    }
}

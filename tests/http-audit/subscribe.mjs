// The stock graphql-ws client, for the subscription tests: connects to <ws-url> (graphql-transport-ws),
// authenticates in connection_init with the bearer token, subscribes once connected, and prints one
// JSON line per event to stdout: {"type":"connected"}, {"type":"next","payload":<execution result>},
// {"type":"error","error":...} and {"type":"complete"}. Runs until killed.
//
// Usage: node subscribe.mjs <ws-url> <bearer-token> <graphql-subscription-query>
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, token, query] = process.argv.slice(2);
if (!url || !token || !query) {
  process.stderr.write('usage: node subscribe.mjs <ws-url> <bearer-token> <graphql-subscription-query>\n');
  process.exit(2);
}

const emit = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

// Errors reach the sink as an Error, an array of GraphQL errors, or a WebSocket close/error event,
// whose fields are getters that JSON.stringify would skip.
const describe = (error) => {
  if (error instanceof Error) return error.message;
  if (Array.isArray(error)) return error;
  if (error && typeof error === 'object' && 'code' in error) {
    return { code: error.code, reason: error.reason };
  }
  if (error && typeof error === 'object' && 'message' in error) return error.message;
  return String(error);
};

let finished = false;
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: { Authorization: `Bearer ${token}` },
  lazy: false,
  retryAttempts: 0,
  // While the subscription runs, its sink reports the failure; only report what comes after.
  onNonLazyError: (error) => {
    if (finished) emit({ type: 'error', error: describe(error) });
  },
  on: { connected: () => emit({ type: 'connected' }) },
});

client.subscribe(
  { query },
  {
    next: (payload) => emit({ type: 'next', payload }),
    error: (error) => {
      finished = true;
      emit({ type: 'error', error: describe(error) });
    },
    complete: () => {
      finished = true;
      emit({ type: 'complete' });
    },
  },
);

// Keep running until killed, even once the socket is gone.
setInterval(() => {}, 1 << 30);

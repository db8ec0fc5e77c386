// npm socket.io-client 4 against `wirelab sio serve` (run by tests/cli/sio_interop_test.cpp):
//   node tests/cli/sio_client.js PORT            the chat and restart scenario below
//   node tests/cli/sio_client.js PORT heartbeat [polling]  stay connected 1.5 s, count
//                                                server pings (WebSocket, or polling only)
//   node tests/cli/sio_client.js PORT upgrade    default transports: polling, then upgrade
// Two clients, WebSocket transport only: A and B join "lobby" (acks), A sends chat with an
// ack, B receives it; B leaves; the harness restarts the server after "restart-me" and A
// must reconnect. One result per stdout line; exit 0 when done, 2 on timeout or error.
"use strict";
const path = require("path");
const { io } = require(path.join(__dirname, "..", "sio", "oracle", "node_modules", "socket.io-client"));

const port = process.argv[2];
const url = `http://127.0.0.1:${port}`;
const opts = { transports: ["websocket"], reconnectionDelay: 100, reconnectionDelayMax: 200, timeout: 5000 };
const say = (line) => process.stdout.write(line + "\n");
setTimeout(() => { say("timeout"); process.exit(2); }, 25000).unref();

if (process.argv[3] === "heartbeat") {
  const c = io(url, process.argv[4] === "polling" ? { ...opts, transports: ["polling"] } : opts);
  let pings = 0;
  c.on("connect", () => {
    c.io.engine.on("ping", () => pings++);
    c.on("disconnect", (reason) => say(`disconnect ${reason}`));
    setTimeout(() => {
      say(`pings ${pings}`);
      say(`connected ${c.connected}`);
      c.disconnect();
      process.exit(0);
    }, 1500);
  });
} else if (process.argv[3] === "upgrade") {
  upgrade();
} else {
  chat();
}

// A with the default transports (polling first, then the upgrade to a WebSocket), B on
// polling only: both join "room1", A's chat reaches B through B's held GET, B's answer
// (sent by POST) reaches A over A's WebSocket, each with its ack.
function upgrade() {
  const quiet = { reconnection: false, timeout: 5000 };
  const a = io(url, quiet);
  a.on("connect_error", (err) => say(`A connect_error ${err.message}`));
  a.io.on("open", () => say(`A first transport ${a.io.engine.transport.name}`));
  a.io.engine.on("upgrade", (t) => say(`A upgrade ${t.name}`));
  a.io.engine.on("upgradeError", (err) => say(`A upgradeError ${err.message}`));
  a.once("connect", () => {
    const go = () => {
      say(`A transport ${a.io.engine.transport.name}`);
      a.emit("join", "room1", (ok) => {
        say(`A join ${ok}`);
        const b = io(url, { ...quiet, transports: ["polling"] });
        b.on("connect_error", (err) => say(`B connect_error ${err.message}`));
        b.on("connect", () => {
          say(`B connected ${b.io.engine.transport.name}`);
          b.emit("join", "room1", (ok2) => {
            say(`B join ${ok2}`);
            a.emit("chat", "over the websocket", (n) => say(`A chat ack ${n}`));
          });
        });
        b.on("chat", (text) => {
          say(`B chat ${text}`);
          b.emit("chat", "by POST", (n) => say(`B chat ack ${n}`));
        });
        a.on("chat", (text) => {
          say(`A chat ${text}`);
          say(`A transport ${a.io.engine.transport.name}`);
          say(`B transport ${b.io.engine.transport.name}`);
          setTimeout(() => { a.disconnect(); b.disconnect(); say("done"); process.exit(0); }, 100);
        });
      });
    };
    if (a.io.engine.transport.name === "websocket") go();
    else a.io.engine.once("upgrade", go);
  });
}

function chat() {
  let waiting = 2;
  const ready = () => { if (--waiting === 0) say("restart-me"); };
  const a = io(url, opts);
  a.on("connect_error", (err) => say(`A connect_error ${err.message}`));

  a.once("connect", () => {
    say(`A connected ${a.id.length}`);
    a.emit("join", "lobby", (ok) => {
      say(`A join ${ok}`);
      const b = io(url, { ...opts, reconnection: false });
      b.on("connect_error", (err) => say(`B connect_error ${err.message}`));
      b.on("chat", (text, extra) => {
        say(`B chat ${JSON.stringify([text, extra])}`);
        b.disconnect();
        say("B disconnected");
        a.once("disconnect", (reason) => say(`A disconnect ${reason}`));
        a.io.once("reconnect", (attempt) => say(`A reconnect ${attempt > 0}`));
        a.once("connect", () => {
          say("A connected again");
          a.emit("join", "lobby", (again) => {
            say(`A join again ${again}`);
            a.emit("chat", "alone", (n) => { say(`A chat ack ${n}`); a.disconnect(); say("done"); process.exit(0); });
          });
        });
        ready(); // restart once A has its ack too (the two arrive on different sockets)
      });
      b.on("connect", () => {
        say("B connected");
        b.emit("join", "lobby", (ok2) => {
          say(`B join ${ok2}`);
          a.emit("chat", "hello", { n: 1 }, (count) => { say(`A chat ack ${count}`); ready(); });
        });
      });
    });
  });
}

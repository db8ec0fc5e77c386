// npm socket.io-client 4 against `wirelab sio serve` (run by tests/cli/sio_interop_test.cpp):
//   node tests/cli/sio_client.js PORT            the chat and restart scenario below
//   node tests/cli/sio_client.js PORT heartbeat  stay connected 1.5 s, count server pings
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
  const c = io(url, opts);
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
} else {
  chat();
}

function chat() {
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
        say("restart-me");
      });
      b.on("connect", () => {
        say("B connected");
        b.emit("join", "lobby", (ok2) => {
          say(`B join ${ok2}`);
          a.emit("chat", "hello", { n: 1 }, (count) => say(`A chat ack ${count}`));
        });
      });
    });
  });
}

// The npm socket.io 4 server (tests/sio/oracle/node_modules, pinned by its package-lock.json)
// for tests/cli/sio_connect_interop_test.cpp, where Wirelab's client talks to it:
//   node tests/cli/sio_server.js serve PORT [polling]
//                                             PORT 0 = any free port; the first stdout line is
//                                             "listening on ws://127.0.0.1:PORT"; with
//                                             `polling` the server allows that transport only
//   node tests/cli/sio_server.js peer PORT ROOM TEXT [polling]
//                                             an npm socket.io-client that joins ROOM, sends
//                                             chat TEXT with an ack, prints the ack, exits
//                                             (on a WebSocket, or with `polling` by polling)
// The server: `join` ROOM (ack true), `leave` ROOM (ack true), `chat` ...args broadcast to the
// sender's rooms but not to the sender (ack: how many sockets it reached); on connection it
// emits `welcome` {"n": N} to the new socket with an ack callback and prints the client's
// answer; it prints `transport NAME` (the connection's first transport) after
// `connection ID`, and `upgrade NAME` when the client upgrades; namespace /admin emits
// `hello-admin`. Every server-side fact is one stdout line.
// SIGUSR2 restarts it in-process: io.close() (every client sees "transport close"), 1 s down,
// then listening again on the same port ("listening on ..." printed again). The tests instead
// kill the process and start a new one on the same port, the harder case.
"use strict";
const http = require("http");
const path = require("path");
const modules = path.join(__dirname, "..", "sio", "oracle", "node_modules");
const say = (line) => process.stdout.write(line + "\n");

if (process.argv[2] === "peer") {
  peer(process.argv[3], process.argv[4], process.argv[5], process.argv[6] === "polling");
} else if (process.argv[2] === "serve") {
  serve(Number(process.argv[3] || 0), process.argv[4] === "polling");
} else {
  process.stderr.write("usage: sio_server.js serve PORT | peer PORT ROOM TEXT\n");
  process.exit(2);
}

function serve(wanted, pollingOnly) {
  const { Server } = require(path.join(modules, "socket.io"));
  let port = wanted;
  let io = null;
  let welcomes = 0;

  const start = (attempt) => {
    const server = http.createServer();
    const transports = pollingOnly ? ["polling"] : ["websocket", "polling"];
    io = new Server(server, { transports, pingInterval: 25000 });
    io.on("connection", (socket) => {
      say(`connection ${socket.id}`);
      say(`transport ${socket.conn.transport.name}`);
      socket.conn.on("upgrade", (transport) => say(`upgrade ${transport.name}`));
      socket.on("join", (room, ack) => {
        socket.join(room);
        say(`join ${room}`);
        if (typeof ack === "function") ack(true);
      });
      socket.on("leave", (room, ack) => {
        socket.leave(room);
        if (typeof ack === "function") ack(true);
      });
      socket.on("chat", (...args) => {
        const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
        const rooms = [...socket.rooms].filter((r) => r !== socket.id);
        say(`chat ${JSON.stringify(args)}`);
        let reached = 0;
        if (rooms.length > 0) {
          const sockets = new Set();
          for (const r of rooms) for (const id of io.sockets.adapter.rooms.get(r) || []) sockets.add(id);
          sockets.delete(socket.id);
          reached = sockets.size;
          socket.to(rooms).emit("chat", ...args);
        }
        if (ack) ack(reached);
      });
      socket.on("disconnect", (reason) => say(`disconnect ${reason}`));
      const n = ++welcomes;
      socket.timeout(10000).emit("welcome", { n }, (err, ...answer) => {
        say(err ? `welcome ${n} not acked` : `welcome ${n} acked ${JSON.stringify(answer)}`);
      });
    });
    io.of("/admin").on("connection", (socket) => {
      say(`admin connection ${socket.id}`);
      socket.emit("hello-admin", "/admin");
    });
    server.on("error", (err) => {
      // The port may still be held for a moment after a restart: try again.
      if (err.code === "EADDRINUSE" && attempt < 50) return setTimeout(() => start(attempt + 1), 100);
      process.stderr.write(`sio_server.js: ${err.message}\n`);
      process.exit(1);
    });
    server.listen(port, "127.0.0.1", () => {
      port = server.address().port;
      say(`listening on ws://127.0.0.1:${port}`);
    });
  };

  process.on("SIGUSR2", () => {
    say("restarting");
    io.close(() => setTimeout(() => start(0), 1000));
  });
  process.on("SIGTERM", () => process.exit(0));
  start(0);
}

function peer(port, room, text, polling) {
  const { io } = require(path.join(modules, "socket.io-client"));
  const c = io(`http://127.0.0.1:${port}`, { transports: [polling ? "polling" : "websocket"], reconnection: false, timeout: 10000 });
  setTimeout(() => { say("timeout"); process.exit(2); }, 20000).unref();
  c.on("connect_error", (err) => { say(`connect_error ${err.message}`); process.exit(2); });
  c.on("connect", () => {
    c.emit("join", room, (ok) => {
      say(`join ${ok}`);
      c.emit("chat", text, { from: "npm" }, (reached) => {
        say(`chat ack ${reached}`);
        c.disconnect();
        process.exit(0);
      });
    });
  });
}

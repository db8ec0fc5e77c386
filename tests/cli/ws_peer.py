"""Python-websockets peer for the `wirelab ws` interop tests (tests/cli/ws_interop_test.cpp).

Run with Debian's interpreter (/usr/bin/python3, python3-websockets 10.x):
  ws_peer.py client PORT SCENARIO   drive `wirelab ws serve`; prints "ok" and exits 0 on success
  ws_peer.py server [--deflate]     echo server on 127.0.0.1:0; first stdout line
                                    "listening on ws://127.0.0.1:PORT", then one line per
                                    connection event ("open /path extensions=...",
                                    "closed CODE REASON")
Server messages with a meaning: "close:CODE:REASON" closes with that code, "frag:TEXT" is
echoed in 3-character fragments, "ping-me" is answered with a ping and then "pinged".
"""
import asyncio
import hashlib
import os
import sys

import websockets

TIMEOUT = 60
BIG = 1 << 25


def check(cond, what):
    if not cond:
        raise AssertionError(what)


async def scenario_basic(port):
    async with websockets.connect(f"ws://127.0.0.1:{port}/basic", compression=None) as ws:
        check(ws.response_headers.get("Sec-WebSocket-Extensions") is None, "no extension")
        await ws.send("Hello, wirelab ✓")
        check(await ws.recv() == "Hello, wirelab ✓", "text echo")
        await ws.send(bytes(range(256)))
        check(await ws.recv() == bytes(range(256)), "binary echo")
        await ws.send(["frag", "mented ", "text"])  # one message in three frames
        check(await ws.recv() == "fragmented text", "fragmented echo")
        await ws.send([b"\x00\x01", b"\x02"])
        check(await ws.recv() == b"\x00\x01\x02", "fragmented binary echo")
        pong = await ws.ping(b"are you there")
        await asyncio.wait_for(pong, TIMEOUT)
        await ws.send("")
        check(await ws.recv() == "", "empty text echo")
        await ws.close(4000, "done here")
        check(ws.close_code == 4000, f"close code echoed, got {ws.close_code}")


async def scenario_big(port):
    async with websockets.connect(f"ws://127.0.0.1:{port}/big", compression=None,
                                  max_size=BIG) as ws:
        for size in (125, 126, 65535, 65536, 16 << 20):
            data = os.urandom(size)
            await ws.send(data)
            echo = await ws.recv()
            check(hashlib.sha256(echo).digest() == hashlib.sha256(data).digest(),
                  f"{size}-byte echo")
        text = "é" * (32 << 10)  # 64 KiB of two-byte characters
        await ws.send(text)
        check(await ws.recv() == text, "64 KiB text")


async def scenario_deflate(port):
    async with websockets.connect(f"ws://127.0.0.1:{port}/deflate", compression="deflate",
                                  max_size=BIG) as ws:
        ext = ws.response_headers.get("Sec-WebSocket-Extensions", "")
        check(ext.startswith("permessage-deflate"), f"deflate agreed, got {ext!r}")
        for i in range(5):  # context takeover across messages
            msg = f"compress me {i} " * 200
            await ws.send(msg)
            check(await ws.recv() == msg, "deflated text echo")
        data = bytes(1 << 20)  # 1 MiB of zeros
        await ws.send(data)
        check(await ws.recv() == data, "deflated binary echo")
        rnd = os.urandom(16 << 20)
        await ws.send(rnd)
        check(await ws.recv() == rnd, "16 MiB random deflated echo")
        await ws.send(["frag", "mented"])
        check(await ws.recv() == "fragmented", "fragmented deflated echo")
        await ws.close()
        check(ws.close_code == 1000, "normal close")


async def scenario_many(port):
    async def one(i):
        async with websockets.connect(f"ws://127.0.0.1:{port}/many/{i}",
                                      compression=None) as ws:
            for j in range(20):
                await ws.send(f"client {i} message {j}")
                check(await ws.recv() == f"client {i} message {j}", "interleaved echo")
    await asyncio.gather(*(one(i) for i in range(16)))


async def run_client(port, name):
    await asyncio.wait_for(globals()["scenario_" + name](port), TIMEOUT)
    print("ok", flush=True)


async def handler(ws, path):
    ext = ws.response_headers.get("Sec-WebSocket-Extensions", "")
    print(f"open {path} extensions={ext}", flush=True)
    try:
        async for msg in ws:
            if isinstance(msg, str) and msg.startswith("close:"):
                _, code, reason = msg.split(":", 2)
                await ws.close(int(code), reason)
                break
            if isinstance(msg, str) and msg.startswith("frag:"):
                body = msg[len("frag:"):]
                await ws.send([body[i:i + 3] for i in range(0, len(body), 3)])
                continue
            if msg == "ping-me":
                await asyncio.wait_for(await ws.ping(b"from python"), TIMEOUT)
                await ws.send("pinged")
                continue
            await ws.send(msg)
    except websockets.exceptions.ConnectionClosed:
        pass
    await ws.wait_closed()
    print(f"closed {ws.close_code} {ws.close_reason}", flush=True)


async def run_server(deflate):
    async with websockets.serve(handler, "127.0.0.1", 0, max_size=BIG,
                                compression="deflate" if deflate else None) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"listening on ws://127.0.0.1:{port}", flush=True)
        await asyncio.Future()


def main(argv):
    if len(argv) == 4 and argv[1] == "client":
        asyncio.run(run_client(int(argv[2]), argv[3]))
    elif len(argv) >= 2 and argv[1] == "server":
        asyncio.run(run_server("--deflate" in argv))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

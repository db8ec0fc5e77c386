// Reference encodings for tests/sio: reads a JSON array of requests on stdin, prints a JSON
// array of answers, one per request, computed with the npm socket.io-parser and
// engine.io-parser pinned in package-lock.json (and socket.io-client's Backoff). Binary values travel as {"$bin": base64}.
//   {"op":"eio_encode","packet":P,"supportsBinary":bool} -> {"text":s} | {"bin":b64}
//   {"op":"eio_payload","packets":[P..]}                  -> {"text":s}
//   {"op":"eio_decode","text":s} | {"op":"eio_decode","bin":b64} -> {"packet":P}
//   {"op":"sio_encode","packet":Q}                        -> {"frames":[s | {"$bin":b64}..]}
//   {"op":"sio_decode","frames":[s | {"$bin":b64}..]}     -> {"packets":[Q..]} | {"error":msg}
//   {"op":"backoff","min":ms,"max":ms,"jitter":j,"count":n,"randoms":[r..]}
//                                                         -> {"delays":[ms..],"unused":k}
// P = {"type":"message","data":s | {"$bin":b64}}, Q = {"type":2,"nsp":"/","id":n,"data":..}
"use strict";
const eio = require("engine.io-parser");
const sio = require("socket.io-parser");
// The reference client's reconnection back-off (not in the package's "exports" map).
const {Backoff} = require(require("path").join(
    __dirname, "node_modules/socket.io-client/build/cjs/contrib/backo2.js"));

const isBin = (v) => v && typeof v === "object" && !Array.isArray(v) &&
    Object.keys(v).length === 1 && typeof v.$bin === "string";
const fromWire = (v) => {
    if (isBin(v)) return Buffer.from(v.$bin, "base64");
    if (Array.isArray(v)) return v.map(fromWire);
    if (v && typeof v === "object") {
        const o = {};
        for (const k of Object.keys(v)) o[k] = fromWire(v[k]);
        return o;
    }
    return v;
};
const toWire = (v) => {
    if (Buffer.isBuffer(v) || v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
        return {$bin: Buffer.from(v).toString("base64")};
    }
    if (Array.isArray(v)) return v.map(toWire);
    if (v && typeof v === "object") {
        const o = {};
        for (const k of Object.keys(v)) o[k] = toWire(v[k]);
        return o;
    }
    return v;
};

function answer(req) {
    switch (req.op) {
    case "eio_encode": {
        let out;
        eio.encodePacket(fromWire(req.packet), req.supportsBinary, (e) => { out = e; });
        return typeof out === "string" ? {text: out} : {bin: Buffer.from(out).toString("base64")};
    }
    case "eio_payload": {
        let out;
        eio.encodePayload(req.packets.map(fromWire), (e) => { out = e; });
        return {text: out};
    }
    case "eio_decode": {
        const input = req.text !== undefined ? req.text : Buffer.from(req.bin, "base64");
        return {packet: toWire(eio.decodePacket(input, "nodebuffer"))};
    }
    case "eio_decode_payload":
        return {packets: toWire(eio.decodePayload(req.text, "nodebuffer"))};
    case "sio_encode": {
        const frames = new sio.Encoder().encode(fromWire(req.packet));
        return {frames: frames.map((f) => (typeof f === "string" ? f : toWire(f)))};
    }
    case "sio_decode": {
        const decoder = new sio.Decoder();
        const packets = [];
        decoder.on("decoded", (p) => packets.push(toWire(p)));
        try {
            for (const f of req.frames) decoder.add(typeof f === "string" ? f : fromWire(f));
        } catch (e) {
            return {error: e.message};
        }
        return {packets};
    }
    case "backoff": {
        // socket.io-client's Backoff with Math.random replaced by the given sequence; the
        // options go through the Manager's defaults (reconnectionDelay || 1000, ...).
        const backoff = new Backoff({min: req.min, max: req.max, jitter: req.jitter});
        const randoms = req.randoms.slice();
        const saved = Math.random;
        Math.random = () => randoms.shift();
        const delays = [];
        try {
            for (let i = 0; i < req.count; i++) delays.push(backoff.duration());
        } finally {
            Math.random = saved;
        }
        return {delays, unused: randoms.length};
    }
    }
    return {error: "unknown op " + req.op};
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (c) => { input += c; });
process.stdin.on("end", () => {
    process.stdout.write(JSON.stringify(JSON.parse(input).map(answer)));
});

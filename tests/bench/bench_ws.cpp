// WebSocket engine benchmarks, side by side in one run (Google Benchmark):
//   Deliver/<impl>/<size>   masked client text frames -> whole messages delivered to the app
//                           (parse + unmask + UTF-8 + deliver), a batch of 1024 frames per
//                           iteration. Wirelab: Connection::receive_data + events(); Beast:
//                           websocket::stream<test::stream>::read() per message, the batch
//                           appended to the test stream first (one memcpy, like a recv);
//                           wslay: event layer, wslay_event_recv with a recv callback that
//                           copies from the batch (also a recv-like memcpy).
//   Parse/<impl>/<size>     bare frame layer: header + unmasked payload pieces, no UTF-8, no
//                           messages. Wirelab: FrameParser::next + apply_mask into a scratch
//                           buffer; wslay: wslay_frame_recv (unmasks into its own buffer).
//   Unmask1MiB/...          one 1 MiB masked binary frame through Connection vs the
//                           baseline memcpy + XOR (two passes, 8 bytes at a time).
//   Encode/...              one server binary frame (16 B, 64 KiB) via send_binary +
//                           consume_output vs writing the header + memcpy into a buffer.
//   Utf8/...                Utf8Validator over 1 MiB of ASCII, and of mixed text (see
//                           mixed_text(): Latin-1, Greek, Cyrillic, CJK, emoji, ASCII).
// Counter allocs_per_frame: global operator new calls inside the timed loop per frame/message.
//   bench_ws --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include "sim/proto/ws/connection.hpp"
#include "sim/proto/ws/frame.hpp"
#include "sim/proto/ws/utf8.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#if WIRELAB_HAVE_WSLAY
#include <wslay/wslay.h>
#endif
#if WIRELAB_HAVE_BOOST
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#endif

// ---- allocation counter ----------------------------------------------------------------------
// GCC 12 warns that the inlined replacement delete frees what `new` returned; they are a
// matched malloc/free pair, which it cannot see through the replacement.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
static std::size_t g_allocs = 0;
void* operator new(std::size_t n) {
    ++g_allocs;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
    return operator new(n);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    ++g_allocs;
    return std::malloc(n ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept {
    return operator new(n, t);
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}

namespace {

using namespace wirelab;
constexpr std::size_t batch = 1024;

std::string text_payload(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
        s += static_cast<char>('a' + i % 26);
    return s;
}

// `batch` masked text frames of `size` bytes, as a client sends them.
wire::Bytes masked_batch(std::size_t size, ws::Opcode op = ws::Opcode::text) {
    ws::Config cfg;
    cfg.role = ws::Role::client;
    ws::Connection client(cfg); // RAND_bytes masks, as in real life
    const std::string p = text_payload(size);
    for (std::size_t i = 0; i < batch; ++i) {
        if (op == ws::Opcode::text)
            client.send_text(p);
        else
            client.send_binary({reinterpret_cast<const std::uint8_t*>(p.data()), p.size()});
    }
    return client.data_to_send();
}

void report(benchmark::State& state, std::size_t frames, std::size_t payload, std::size_t allocs) {
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * frames));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * frames * payload));
    state.counters["allocs_per_frame"] =
        static_cast<double>(allocs) / static_cast<double>(state.iterations() * frames);
}

// ---- delivery: whole messages ----------------------------------------------------------------
void Deliver_Wirelab(benchmark::State& state) {
    const std::size_t size = static_cast<std::size_t>(state.range(0));
    const wire::Bytes in = masked_batch(size);
    ws::Config cfg;
    cfg.role = ws::Role::server;
    cfg.frame_events = state.range(1) != 0;
    ws::Connection server(cfg);
    for (int warm = 0; warm < 2; ++warm) { // steady state: arenas and both event queues grown
        server.receive_data(in);
        (void)server.events();
    }
    const std::size_t a0 = g_allocs;
    for (auto _ : state) {
        server.receive_data(in);
        std::size_t total = 0;
        for (const ws::Event& e : server.events())
            total += e.payload.size();
        benchmark::DoNotOptimize(total);
    }
    report(state, batch, size, g_allocs - a0);
}
BENCHMARK(Deliver_Wirelab)
    ->ArgNames({"size", "frame_events"})
    ->Args({16, 1})
    ->Args({125, 1})
    ->Args({16, 0})
    ->Args({125, 0});

#if WIRELAB_HAVE_BOOST
namespace beast = boost::beast;
namespace net = boost::asio;

void Deliver_Beast(benchmark::State& state) {
    const std::size_t size = static_cast<std::size_t>(state.range(0));
    const wire::Bytes in = masked_batch(size);
    const beast::string_view in_sv{reinterpret_cast<const char*>(in.data()), in.size()};
    net::io_context ioc;
    beast::test::stream remote(ioc);
    beast::websocket::stream<beast::test::stream> ws(ioc);
    ws.next_layer().connect(remote);
    ws.next_layer().append("GET / HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n");
    ws.accept();
    remote.clear();
    beast::flat_buffer buf;
    auto run = [&] {
        ws.next_layer().append(in_sv);
        std::size_t total = 0;
        for (std::size_t i = 0; i < batch; ++i) {
            buf.clear();
            ws.read(buf);
            total += buf.size();
        }
        benchmark::DoNotOptimize(total);
    };
    run(); // warm up buffers
    const std::size_t a0 = g_allocs;
    for (auto _ : state)
        run();
    report(state, batch, size, g_allocs - a0);
}
BENCHMARK(Deliver_Beast)->ArgName("size")->Arg(16)->Arg(125);
#endif

#if WIRELAB_HAVE_WSLAY
struct WslayInput {
    const wire::Bytes* in = nullptr;
    std::size_t pos = 0;
    std::size_t delivered = 0;
};

ssize_t wslay_event_recv_cb(wslay_event_context_ptr ctx, uint8_t* buf, size_t len, int,
                            void* user) {
    auto* w = static_cast<WslayInput*>(user);
    const std::size_t n = std::min(len, w->in->size() - w->pos);
    if (n == 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    std::memcpy(buf, w->in->data() + w->pos, n);
    w->pos += n;
    return static_cast<ssize_t>(n);
}
ssize_t wslay_event_send_cb(wslay_event_context_ptr, const uint8_t*, size_t len, int, void*) {
    return static_cast<ssize_t>(len);
}
void wslay_on_msg(wslay_event_context_ptr, const wslay_event_on_msg_recv_arg* arg, void* user) {
    static_cast<WslayInput*>(user)->delivered += arg->msg_length;
}

void Deliver_Wslay(benchmark::State& state) {
    const std::size_t size = static_cast<std::size_t>(state.range(0));
    const wire::Bytes in = masked_batch(size);
    WslayInput w{&in};
    wslay_event_callbacks cb{
        wslay_event_recv_cb, wslay_event_send_cb, nullptr, nullptr, nullptr, nullptr, wslay_on_msg};
    wslay_event_context_ptr ctx = nullptr;
    wslay_event_context_server_init(&ctx, &cb, &w);
    auto run = [&] {
        w.pos = 0;
        wslay_event_recv(ctx);
        benchmark::DoNotOptimize(w.delivered);
    };
    run();
    const std::size_t a0 = g_allocs;
    for (auto _ : state)
        run();
    if (w.delivered != (state.iterations() + 1) * batch * size)
        state.SkipWithError("wslay did not deliver every message");
    report(state, batch, size, g_allocs - a0);
    wslay_event_context_free(ctx);
}
BENCHMARK(Deliver_Wslay)->ArgName("size")->Arg(16)->Arg(125);
#endif

// ---- bare frame parser -----------------------------------------------------------------------
void Parse_Wirelab(benchmark::State& state) {
    const std::size_t size = static_cast<std::size_t>(state.range(0));
    const wire::Bytes in = masked_batch(size, ws::Opcode::binary);
    std::vector<std::uint8_t> scratch(size + 64);
    const std::size_t a0 = g_allocs;
    for (auto _ : state) {
        ws::FrameParser parser;
        wire::ByteView rest{in};
        std::size_t total = 0;
        while (true) {
            const auto r = parser.next(rest);
            if (r.kind == ws::FrameParser::Kind::need_more) break;
            rest = rest.subspan(r.consumed);
            if (r.kind == ws::FrameParser::Kind::payload) {
                ws::apply_mask(scratch.data(), r.payload.data(), r.payload.size(),
                               parser.header().mask, r.offset & 3);
                total += r.payload.size();
            }
        }
        benchmark::DoNotOptimize(scratch.data());
        benchmark::DoNotOptimize(total);
    }
    report(state, batch, size, g_allocs - a0);
}
BENCHMARK(Parse_Wirelab)->ArgName("size")->Arg(16)->Arg(125);

#if WIRELAB_HAVE_WSLAY
ssize_t wslay_frame_recv_cb(uint8_t* buf, size_t len, int, void* user) {
    auto* w = static_cast<WslayInput*>(user);
    const std::size_t n = std::min(len, w->in->size() - w->pos);
    if (n == 0) return -1; // wslay_frame_recv then reports WANT_READ / callback failure
    std::memcpy(buf, w->in->data() + w->pos, n);
    w->pos += n;
    return static_cast<ssize_t>(n);
}
ssize_t wslay_frame_send_cb(const uint8_t*, size_t len, int, void*) {
    return static_cast<ssize_t>(len);
}

void Parse_Wslay(benchmark::State& state) {
    const std::size_t size = static_cast<std::size_t>(state.range(0));
    const wire::Bytes in = masked_batch(size, ws::Opcode::binary);
    WslayInput w{&in};
    wslay_frame_callbacks cb{wslay_frame_send_cb, wslay_frame_recv_cb, nullptr};
    wslay_frame_context_ptr ctx = nullptr;
    wslay_frame_context_init(&ctx, &cb, &w);
    const std::size_t a0 = g_allocs;
    for (auto _ : state) {
        w.pos = 0;
        std::size_t total = 0;
        wslay_frame_iocb iocb{};
        while (true) {
            const ssize_t r = wslay_frame_recv(ctx, &iocb);
            if (r < 0) break;
            total += static_cast<std::size_t>(r);
        }
        if (total != batch * size) state.SkipWithError("wslay frame layer lost bytes");
        benchmark::DoNotOptimize(total);
    }
    report(state, batch, size, g_allocs - a0);
    wslay_frame_context_free(ctx);
}
BENCHMARK(Parse_Wslay)->ArgName("size")->Arg(16)->Arg(125);
#endif

// ---- 1 MiB masked frame ----------------------------------------------------------------------
constexpr std::size_t mib = 1 << 20;

void Unmask1MiB_Wirelab(benchmark::State& state) {
    ws::Config ccfg;
    ccfg.role = ws::Role::client;
    ws::Connection client(ccfg);
    client.send_binary(wire::Bytes(mib, 0x5a));
    const wire::Bytes in = client.data_to_send();
    ws::Config cfg;
    cfg.role = ws::Role::server;
    ws::Connection server(cfg);
    for (int warm = 0; warm < 2; ++warm) { // steady state: arena and both event queues grown
        server.receive_data(in);
        (void)server.events();
    }
    const std::size_t a0 = g_allocs;
    for (auto _ : state) {
        server.receive_data(in);
        auto ev = server.events();
        benchmark::DoNotOptimize(ev.back().payload.data());
    }
    report(state, 1, mib, g_allocs - a0);
}
BENCHMARK(Unmask1MiB_Wirelab);

void Unmask1MiB_MemcpyXor(benchmark::State& state) {
    const wire::Bytes src(mib, 0x5a);
    wire::Bytes dst(mib);
    const std::uint64_t key = 0x3d21fa373d21fa37ull;
    for (auto _ : state) {
        std::memcpy(dst.data(), src.data(), mib);
        for (std::size_t i = 0; i < mib; i += 8) {
            std::uint64_t w;
            std::memcpy(&w, dst.data() + i, 8);
            w ^= key;
            std::memcpy(dst.data() + i, &w, 8);
        }
        benchmark::DoNotOptimize(dst.data());
        benchmark::ClobberMemory();
    }
    report(state, 1, mib, 0);
}
BENCHMARK(Unmask1MiB_MemcpyXor);

// ---- encoding server frames ------------------------------------------------------------------
void Encode_Wirelab(benchmark::State& state) {
    const wire::Bytes payload(static_cast<std::size_t>(state.range(0)), 0x42);
    ws::Config cfg;
    cfg.role = ws::Role::server;
    ws::Connection server(cfg);
    server.send_binary(payload);
    server.consume_output(server.pending_output().size());
    const std::size_t a0 = g_allocs;
    for (auto _ : state) {
        server.send_binary(payload);
        auto out = server.pending_output();
        benchmark::DoNotOptimize(out.data());
        server.consume_output(out.size());
    }
    report(state, 1, payload.size(), g_allocs - a0);
}
BENCHMARK(Encode_Wirelab)->ArgName("size")->Arg(16)->Arg(65536);

void Encode_HeaderMemcpy(benchmark::State& state) {
    const wire::Bytes payload(static_cast<std::size_t>(state.range(0)), 0x42);
    wire::Bytes out(payload.size() + 14);
    for (auto _ : state) {
        ws::FrameHeader h;
        h.opcode = ws::Opcode::binary;
        h.length = payload.size();
        const std::size_t n = wire::websocket::emit_header(h, out.data());
        std::memcpy(out.data() + n, payload.data(), payload.size());
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    report(state, 1, payload.size(), 0);
}
BENCHMARK(Encode_HeaderMemcpy)->ArgName("size")->Arg(16)->Arg(65536);

// ---- UTF-8 -----------------------------------------------------------------------------------
std::string mixed_text() {
    // Realistic multilingual chat text: roughly 45% ASCII bytes, the rest 2-, 3- and 4-byte.
    const std::string unit = "Hello, world! Grüße aus Köln. Καλημέρα κόσμε. Привет, мир! "
                             "你好，世界。こんにちは 🌍🚀 ok ";
    std::string s;
    while (s.size() < mib)
        s += unit;
    return s;
}

void Utf8_Validate(benchmark::State& state, std::string text) {
    const wire::ByteView v{reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
    for (auto _ : state) {
        ws::Utf8Validator u;
        benchmark::DoNotOptimize(u.feed(v));
        benchmark::DoNotOptimize(u.complete());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK_CAPTURE(Utf8_Validate, ascii, std::string(mib, 'a'));
BENCHMARK_CAPTURE(Utf8_Validate, mixed, mixed_text());

} // namespace

BENCHMARK_MAIN();

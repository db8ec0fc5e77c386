// A hand-built trace for the exporter tests: client and server behind one switch, with real
// frames built by the sim/wire codecs, events appended the way the world appends them
// (pdu_down at each layer, tx_start per hop, arrive with its cause, pdu_up, state changes,
// a narration cue, a loss and its retransmission).
#pragma once

#include "sim/trace/trace.hpp"
#include "sim/wire/arp.hpp"
#include "sim/wire/ethernet.hpp"
#include "sim/wire/ipv4.hpp"
#include "sim/wire/tcp.hpp"
#include "sim/wire/websocket.hpp"

#include <string_view>

namespace fixture {

using namespace wirelab;
using trace::EventId;
using trace::Kind;
using trace::LinkId;
using trace::NodeId;
using trace::PduId;

inline constexpr NodeId client = 0, server = 1, sw = 2;
inline constexpr LinkId client_link = 0, server_link = 1;
inline const wire::MacAddr client_mac{0x02, 0, 0, 0, 0, 0x01};
inline const wire::MacAddr server_mac{0x02, 0, 0, 0, 0, 0x02};
inline constexpr std::uint32_t client_ip = 0x0a000001, server_ip = 0x0a000002;
inline constexpr Time link_delay = us(500);
inline constexpr std::int64_t bandwidth = 100'000'000; // 100 Mbit/s

inline Time serialization(std::size_t bytes) {
    return static_cast<Time>((bytes + 4 + 8 + 12) * 8 * 1'000'000'000LL / bandwidth);
}

class Builder {
public:
    trace::Trace t;
    Time now = 0;

    Builder() {
        trace::Node c{"client", false, client_ip, client_mac, {"eth", "ipv4", "tcp", "app"}};
        trace::Node s{"server", false, server_ip, server_mac, {"eth", "ipv4", "tcp", "app"}};
        trace::Node w{"sw1", true, 0, {}, {}};
        t.topology.nodes = {c, s, w};
        t.topology.links = {{"client-sw1", client, sw, bandwidth, link_delay},
                            {"sw1-server", sw, server, bandwidth, link_delay}};
    }

    EventId add(Kind kind, NodeId node, std::uint8_t layer = 0, EventId cause = trace::no_event,
                PduId pdu = trace::no_pdu, std::string_view text = {}) {
        trace::Event e;
        e.time = now;
        e.kind = kind;
        e.node = node;
        e.layer = layer;
        e.cause = cause;
        e.pdu = pdu;
        if (!text.empty()) e.text = t.add_text(text);
        return t.append(e);
    }

    // One frame from an end host through the switch to the other end host. `lose_on` makes
    // the frame vanish on that link (a drop event instead of its arrival). Returns the id of
    // the final arrive (or the drop).
    EventId send(NodeId from, wire::Bytes frame, std::uint8_t top_layer,
                 LinkId lose_on = trace::no_link) {
        wire::append_fcs(frame);
        const trace::LayerSpan spans[] = {{2, 0, 14}, {3, 14, 20}};
        const PduId pdu = t.add_pdu(frame, spans);
        const NodeId to = from == client ? server : client;
        const LinkId first = from == client ? client_link : server_link;
        const LinkId second = from == client ? server_link : client_link;
        EventId cause = trace::no_event;
        for (std::uint8_t layer = top_layer; layer >= 2; --layer)
            cause = add(Kind::pdu_down, from, layer, cause, pdu);
        const Time ser = serialization(frame.size());
        EventId tx = hop(from, first, pdu, cause, ser);
        if (lose_on == first) return lost(first, pdu, tx);
        now += ser + link_delay;
        EventId at_sw = add_link(Kind::arrive, sw, first, tx, pdu, from);
        tx = hop(sw, second, pdu, at_sw, ser);
        if (lose_on == second) return lost(second, pdu, tx);
        now += ser + link_delay;
        EventId arrived = add_link(Kind::arrive, to, second, tx, pdu, sw);
        cause = arrived;
        for (std::uint8_t layer = 2; layer <= top_layer; ++layer)
            cause = add(Kind::pdu_up, to, layer, cause, pdu);
        return arrived;
    }

    void state(NodeId node, std::string_view text) {
        add(Kind::state, node, 4, trace::no_event, trace::no_pdu, text);
    }
    void narrate(std::string_view text) {
        add(Kind::narration, trace::no_node, 0, trace::no_event, trace::no_pdu, text);
    }

private:
    EventId add_link(Kind kind, NodeId node, LinkId link, EventId cause, PduId pdu,
                     std::uint32_t aux) {
        trace::Event e;
        e.time = now;
        e.kind = kind;
        e.node = node;
        e.link = link;
        e.cause = cause;
        e.pdu = pdu;
        e.aux = aux;
        e.layer = 1;
        return t.append(e);
    }
    EventId hop(NodeId node, LinkId link, PduId pdu, EventId cause, Time ser) {
        return add_link(Kind::tx_start, node, link, cause, pdu, static_cast<std::uint32_t>(ser));
    }
    EventId lost(LinkId link, PduId pdu, EventId tx) {
        now += link_delay / 2;
        trace::Event e;
        e.time = now;
        e.kind = Kind::drop;
        e.link = link;
        e.node = trace::no_node;
        e.cause = tx;
        e.pdu = pdu;
        e.layer = 1;
        e.reason = trace::DropReason::loss;
        return t.append(e);
    }
};

inline wire::Bytes eth_ip(NodeId from, std::size_t segment_len) {
    wire::Bytes f(wire::ethernet_header_len + wire::Ipv4Repr::header_len);
    const bool c = from == client;
    wire::EthernetRepr{c ? server_mac : client_mac, c ? client_mac : server_mac,
                       wire::ethertype_ipv4}
        .emit(f.data());
    wire::Ipv4Repr ip;
    ip.src = c ? client_ip : server_ip;
    ip.dst = c ? server_ip : client_ip;
    ip.payload_len = static_cast<std::uint16_t>(segment_len);
    ip.emit(f.data() + wire::ethernet_header_len);
    return f;
}

inline wire::Bytes tcp_frame(NodeId from, std::uint8_t flags, std::uint32_t seq, std::uint32_t ack,
                             std::string_view payload = {}, bool mss = false) {
    wire::TcpRepr tcp;
    const bool c = from == client;
    tcp.src_port = c ? 49152 : 80;
    tcp.dst_port = c ? 80 : 49152;
    tcp.seq = seq;
    tcp.ack = ack;
    tcp.flags = flags;
    tcp.window = 65535;
    if (mss) tcp.mss = 1460;
    const wire::ByteView body(reinterpret_cast<const std::uint8_t*>(payload.data()),
                              payload.size());
    const wire::Bytes seg =
        tcp.to_bytes(body, c ? client_ip : server_ip, c ? server_ip : client_ip);
    wire::Bytes f = eth_ip(from, seg.size());
    f.insert(f.end(), seg.begin(), seg.end());
    return f;
}

inline wire::Bytes arp_frame(bool request) {
    wire::Bytes f(wire::ethernet_header_len + wire::ArpRepr::len);
    if (request) {
        wire::EthernetRepr{wire::broadcast_mac, client_mac, wire::ethertype_arp}.emit(f.data());
        wire::ArpRepr{wire::arp_op_request, client_mac, client_ip, {}, server_ip}.emit(f.data() +
                                                                                       14);
    } else {
        wire::EthernetRepr{client_mac, server_mac, wire::ethertype_arp}.emit(f.data());
        wire::ArpRepr{wire::arp_op_reply, server_mac, server_ip, client_mac, client_ip}.emit(
            f.data() + 14);
    }
    return f;
}

inline std::string ws_text(std::string_view text) {
    wire::websocket::FrameHeader h;
    h.masked = true;
    h.mask = {1, 2, 3, 4};
    h.length = text.size();
    std::uint8_t head[wire::websocket::max_header_size];
    const std::size_t n = wire::websocket::emit_header(h, head);
    std::string out(reinterpret_cast<const char*>(head), n);
    for (std::size_t i = 0; i < text.size(); ++i)
        out += static_cast<char>(text[i] ^ h.mask[i % 4]);
    return out;
}

// ARP, the three-way handshake, a lost data segment and its retransmission, the Upgrade,
// one WebSocket message. 10 frames on each link, 9 arrivals at the end hosts.
inline trace::Trace handshake() {
    using wire::TcpRepr;
    Builder b;
    b.narrate("The client does not know the server's MAC address yet, so it asks everyone.");
    b.send(client, arp_frame(true), 2);
    b.now += us(20);
    b.send(server, arp_frame(false), 2);
    b.now += us(20);
    b.state(client, "CLOSED → SYN-SENT");
    b.send(client, tcp_frame(client, TcpRepr::SYN, 1000, 0, {}, true), 4);
    b.state(server, "LISTEN → SYN-RECEIVED");
    b.now += us(20);
    b.send(server, tcp_frame(server, TcpRepr::SYN | TcpRepr::ACK, 5000, 1001, {}, true), 4);
    b.state(client, "SYN-SENT → ESTABLISHED");
    b.now += us(20);
    b.send(client, tcp_frame(client, TcpRepr::ACK, 1001, 5001), 4);
    b.state(server, "SYN-RECEIVED → ESTABLISHED");
    const std::string get =
        "GET /chat HTTP/1.1\r\nHost: server\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    b.now += us(20);
    b.send(client, tcp_frame(client, TcpRepr::PSH | TcpRepr::ACK, 1001, 5001, get), 5, server_link);
    b.now += ms(200);
    b.send(client, tcp_frame(client, TcpRepr::PSH | TcpRepr::ACK, 1001, 5001, get), 5);
    const std::string resp =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    b.now += us(20);
    const auto seq_after_get = static_cast<std::uint32_t>(1001 + get.size());
    b.send(server, tcp_frame(server, TcpRepr::PSH | TcpRepr::ACK, 5001, seq_after_get, resp), 5);
    b.now += us(20);
    b.add(Kind::app, client, 7, trace::no_event, trace::no_pdu, "send \"Hello\"");
    b.send(client,
           tcp_frame(client, TcpRepr::PSH | TcpRepr::ACK, seq_after_get,
                     static_cast<std::uint32_t>(5001 + resp.size()), ws_text("Hello")),
           5);
    return std::move(b.t);
}

} // namespace fixture

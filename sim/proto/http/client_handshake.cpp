// ClientHandshake: request builder, then the response checks of RFC 6455 section 4.1
// (the client "MUST _Fail the WebSocket Connection_" list), in the RFC's order.
#include "sim/proto/http/client_handshake.hpp"

#include <algorithm>

namespace wirelab::http {

std::string build_request(const ClientOptions& o, std::string_view key) {
    std::string out = "GET " + o.target + " HTTP/1.1\r\n";
    out += "Host: " + o.host + "\r\n";
    out += "Upgrade: websocket\r\n";
    out += "Connection: Upgrade\r\n";
    out += "Sec-WebSocket-Key: " + std::string(key) + "\r\n";
    out += "Sec-WebSocket-Version: 13\r\n";
    if (!o.origin.empty()) out += "Origin: " + o.origin + "\r\n";
    if (!o.subprotocols.empty()) {
        out += "Sec-WebSocket-Protocol: ";
        for (std::size_t i = 0; i < o.subprotocols.size(); ++i)
            out += (i ? ", " : "") + o.subprotocols[i];
        out += "\r\n";
    }
    if (!o.extensions.empty())
        out += "Sec-WebSocket-Extensions: " + format_extensions(o.extensions) + "\r\n";
    for (const auto& [name, value] : o.extra_headers)
        out += name + ": " + value + "\r\n";
    out += "\r\n";
    return out;
}

ClientHandshake::ClientHandshake(ClientOptions options, const KeySource& keys)
    : options_(std::move(options)) {
    KeyBytes raw = keys();
    key_ = base64_encode(raw);
    expected_accept_ = accept_value(key_);
    std::string request = build_request(options_, key_);
    out_.assign(request.begin(), request.end());
}

void ClientHandshake::receive_data(wire::ByteView data) {
    if (done()) {
        if (!open()) return; // refused: nothing more is read
        leftover_.insert(leftover_.end(), data.begin(), data.end());
        return;
    }
    bool new_line = std::find(data.begin(), data.end(), '\n') != data.end();
    buffer_.append(reinterpret_cast<const char*>(data.data()), data.size());
    if (!new_line && buffer_.size() < options_.limits.max_head_bytes) return;

    ResponseHead head;
    ParseResult r = parse_response(buffer_, head, options_.limits);
    if (r.status == ParseStatus::need_more) return;
    if (r.status == ParseStatus::error)
        return fail("bad response: " + std::string(describe(r.error)));
    head_size_ = r.consumed;
    on_head(head);
    if (open())
        leftover_.assign(buffer_.begin() + static_cast<std::ptrdiff_t>(r.consumed), buffer_.end());
}

void ClientHandshake::on_head(const ResponseHead& head) {
    status_ = head.status;
    if (head.status != 101)
        return fail("server refused the upgrade: " + std::to_string(head.status) + " " +
                    std::string(head.reason));
    if (head.version_major != 1 || head.version_minor < 1) return fail("response is not HTTP/1.1");
    if (!has_token(head.headers, "Upgrade", "websocket"))
        return fail("response lacks Upgrade: websocket");
    if (!has_token(head.headers, "Connection", "upgrade"))
        return fail("response lacks Connection: Upgrade");
    const Header* accept = find_header(head.headers, "Sec-WebSocket-Accept");
    if (!accept || count_headers(head.headers, "Sec-WebSocket-Accept") != 1)
        return fail("response lacks Sec-WebSocket-Accept");
    if (accept->value != expected_accept_)
        return fail("Sec-WebSocket-Accept mismatch: expected " + expected_accept_ + ", got " +
                    std::string(accept->value));

    std::vector<std::string> chosen;
    for_each_list_element(head.headers, "Sec-WebSocket-Protocol",
                          [&](std::string_view p) { chosen.emplace_back(p); });
    if (chosen.size() > 1) return fail("server chose more than one subprotocol");
    if (chosen.size() == 1) {
        const auto& offered = options_.subprotocols;
        if (std::find(offered.begin(), offered.end(), chosen[0]) == offered.end())
            return fail("server chose subprotocol " + chosen[0] + ", which was not offered");
        subprotocol_ = chosen[0];
    }

    auto agreed = parse_extensions(head.headers);
    if (!agreed) return fail("malformed Sec-WebSocket-Extensions in response");
    for (const Extension& e : *agreed) {
        bool offered = std::any_of(options_.extensions.begin(), options_.extensions.end(),
                                   [&](const Extension& o) { return iequals(o.name, e.name); });
        if (!offered)
            return fail("server agreed to extension " + e.name + ", which was not offered");
    }
    if (options_.check_extensions && !agreed->empty()) {
        if (auto why = options_.check_extensions(*agreed)) return fail(*why);
    }
    extensions_ = std::move(*agreed);
    state_ = State::open;
}

void ClientHandshake::fail(std::string why) {
    why_ = std::move(why);
    state_ = State::failed;
}

wire::Bytes ClientHandshake::data_to_send() {
    return std::exchange(out_, {});
}

wire::Bytes ClientHandshake::take_leftover() {
    return std::exchange(leftover_, {});
}

} // namespace wirelab::http

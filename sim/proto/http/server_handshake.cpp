// ServerHandshake: request head -> checks of RFC 6455 section 4.2.1, in the order a reader
// of the RFC expects them -> the 101 response of section 4.2.2 or a refusal.
#include "sim/proto/http/server_handshake.hpp"

#include <algorithm>

#include "sim/proto/http/websocket_key.hpp"

namespace wirelab::http {

ServerHandshake::ServerHandshake(ServerOptions options) : options_(std::move(options)) {}

void ServerHandshake::receive_data(wire::ByteView data) {
    if (done()) {
        if (!accepted()) return; // refused: nothing more is read
        leftover_.insert(leftover_.end(), data.begin(), data.end());
        return;
    }
    bool new_line = std::find(data.begin(), data.end(), '\n') != data.end();
    buffer_.append(reinterpret_cast<const char*>(data.data()), data.size());
    // Nothing to judge until a line completes or the limit is reached.
    if (!new_line && buffer_.size() < options_.limits.max_head_bytes) return;

    RequestHead head;
    ParseResult r = parse_request(buffer_, head, options_.limits);
    if (r.status == ParseStatus::need_more) return;
    if (r.status == ParseStatus::error) {
        bool too_big = r.error == ParseError::too_large || r.error == ParseError::too_many_headers;
        reject(too_big ? 431 : 400, std::string(describe(r.error)));
        return;
    }
    head_size_ = r.consumed;
    on_head(head);
    if (accepted())
        leftover_.assign(buffer_.begin() + static_cast<std::ptrdiff_t>(r.consumed), buffer_.end());
}

void ServerHandshake::on_head(const RequestHead& head) {
    request_.method = head.method;
    request_.target = head.target;
    for (const Header& h : head.headers)
        request_.headers.emplace_back(h.name, h.value);
    if (const Header* origin = find_header(head.headers, "Origin")) request_.origin = origin->value;

    if (head.method != "GET") return reject(400, "method must be GET");
    if (head.version_major != 1 || head.version_minor < 1)
        return reject(400, "HTTP/1.1 or later required");
    if (count_headers(head.headers, "Host") != 1) return reject(400, "exactly one Host required");
    request_.host = find_header(head.headers, "Host")->value;
    if (!has_token(head.headers, "Upgrade", "websocket"))
        return reject(426, "Upgrade: websocket required",
                      {{"Upgrade", "websocket"}, {"Connection", "Upgrade"}});
    if (!has_token(head.headers, "Connection", "upgrade"))
        return reject(400, "Connection must contain the Upgrade token");

    if (count_headers(head.headers, "Sec-WebSocket-Key") != 1)
        return reject(400, "exactly one Sec-WebSocket-Key required");
    request_.key = find_header(head.headers, "Sec-WebSocket-Key")->value;
    auto key = base64_decode(request_.key);
    if (!key || key->size() != 16)
        return reject(400, "Sec-WebSocket-Key must be 16 bytes in base64");

    const Header* version = find_header(head.headers, "Sec-WebSocket-Version");
    if (!version) return reject(400, "Sec-WebSocket-Version required");
    if (count_headers(head.headers, "Sec-WebSocket-Version") != 1 || version->value != "13")
        return reject(426, "only WebSocket version 13 is supported",
                      {{"Sec-WebSocket-Version", "13"}});

    for_each_list_element(head.headers, "Sec-WebSocket-Protocol",
                          [&](std::string_view p) { request_.subprotocols.emplace_back(p); });
    auto offers = parse_extensions(head.headers);
    if (!offers) return reject(400, "malformed Sec-WebSocket-Extensions");
    request_.extensions = std::move(*offers);

    for (const std::string& mine : options_.subprotocols) {
        if (std::find(request_.subprotocols.begin(), request_.subprotocols.end(), mine) !=
            request_.subprotocols.end()) {
            subprotocol_ = mine;
            break;
        }
    }
    if (options_.negotiate_extensions && !request_.extensions.empty())
        extensions_ = options_.negotiate_extensions(request_.extensions);

    std::string response = "HTTP/1.1 101 Switching Protocols\r\n"
                           "Upgrade: websocket\r\n"
                           "Connection: Upgrade\r\n"
                           "Sec-WebSocket-Accept: " +
                           accept_value(request_.key) + "\r\n";
    if (!subprotocol_.empty()) response += "Sec-WebSocket-Protocol: " + subprotocol_ + "\r\n";
    if (!extensions_.empty())
        response += "Sec-WebSocket-Extensions: " + format_extensions(extensions_) + "\r\n";
    response += "\r\n";
    out_.assign(response.begin(), response.end());
    status_ = 101;
    state_ = State::accepted;
}

void ServerHandshake::reject(int status, std::string why,
                             std::vector<std::pair<std::string, std::string>> extra_headers) {
    std::string response = error_response(status, why, extra_headers);
    out_.assign(response.begin(), response.end());
    status_ = status;
    why_ = std::move(why);
    state_ = State::rejected;
}

wire::Bytes ServerHandshake::data_to_send() {
    return std::exchange(out_, {});
}

wire::Bytes ServerHandshake::take_leftover() {
    return std::exchange(leftover_, {});
}

std::string_view reason_phrase(int status) {
    switch (status) {
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 426: return "Upgrade Required";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    default: return "Unknown";
    }
}

std::string error_response(int status, std::string_view body,
                           const std::vector<std::pair<std::string, std::string>>& extra) {
    std::string text(body);
    text += '\n';
    std::string out =
        "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason_phrase(status)) + "\r\n";
    for (const auto& [name, value] : extra)
        out += name + ": " + value + "\r\n";
    out += "Content-Type: text/plain; charset=utf-8\r\n";
    out += "Content-Length: " + std::to_string(text.size()) + "\r\n";
    out += "Connection: close\r\n\r\n";
    out += text;
    return out;
}

} // namespace wirelab::http

// The server side of the WebSocket opening handshake (RFC 6455 section 4.2), sans-I/O.
// bytes from the socket -> receive_data() -> parse_request() -> validate -> 101 / 400 / 426 /
// 431 in data_to_send(); on 101 the bytes after the head (the first frames, which may share a
// TCP segment with the request) wait in leftover() for the WebSocket connection.
//
//   ServerHandshake hs{options};
//   hs.receive_data(bytes);          // as many times as needed, any chunking
//   if (hs.done()) { send(hs.data_to_send());
//                    if (hs.accepted()) ws.receive_data(hs.take_leftover()); else close(); }
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "sim/proto/http/extensions.hpp"
#include "sim/proto/http/head_parser.hpp"
#include "sim/wire/bytes.hpp"

namespace wirelab::http {

// Given the client's extension offers in its order, returns what the 101 response agrees to
// (empty: no extension). permessage-deflate's rules live with the WebSocket code.
using ExtensionNegotiator = std::function<std::vector<Extension>(const std::vector<Extension>&)>;

struct ServerOptions {
    std::vector<std::string> subprotocols;    // = {}     // supported, in server preference
    ExtensionNegotiator negotiate_extensions; // = {}     // accept no extension
    Limits limits;                            // = 8 KiB head, 64 headers
};

// What the client asked for, copied out of the request head.
struct UpgradeRequest {
    std::string method;
    std::string target;
    std::string host;
    std::string origin;                    // empty when absent
    std::string key;                       // Sec-WebSocket-Key as sent
    std::vector<std::string> subprotocols; // offered, client order
    std::vector<Extension> extensions;     // offered, client order
    std::vector<std::pair<std::string, std::string>> headers;
};

class ServerHandshake {
public:
    enum class State { reading, accepted, rejected };

    explicit ServerHandshake(ServerOptions options = {});

    // --- input ---
    // Feeds bytes from the client. Once done(), call data_to_send(); if accepted(), hand
    // take_leftover() to the WebSocket connection. Bytes fed after done() join the leftover
    // (or are dropped after a refusal).
    void receive_data(wire::ByteView data);

    // --- state ---
    State state() const { return state_; }
    bool done() const { return state_ != State::reading; }
    bool accepted() const { return state_ == State::accepted; }
    int status() const { return status_; }          // 101, 400, 426, 431; 0 while reading
    const std::string& why() const { return why_; } // rejection reason (also the body)
    const UpgradeRequest& request() const { return request_; }
    const std::string& subprotocol() const { return subprotocol_; } // chosen, empty if none
    const std::vector<Extension>& extensions() const { return extensions_; } // agreed
    std::size_t head_size() const { return head_size_; }

    // --- output ---
    // The response bytes, once (empty before done() and after the first call).
    wire::Bytes data_to_send();
    wire::ByteView leftover() const { return leftover_; }
    wire::Bytes take_leftover();

private:
    void on_head(const RequestHead& head);
    void reject(int status, std::string why,
                std::vector<std::pair<std::string, std::string>> extra_headers = {});

    ServerOptions options_;
    State state_ = State::reading;
    std::string buffer_;
    int status_ = 0;
    std::string why_;
    UpgradeRequest request_;
    std::string subprotocol_;
    std::vector<Extension> extensions_;
    std::size_t head_size_ = 0;
    wire::Bytes out_;
    wire::Bytes leftover_;
};

// A complete non-101 response: status line, text/plain body `body`, Connection: close.
std::string error_response(int status, std::string_view body,
                           const std::vector<std::pair<std::string, std::string>>& extra = {});
std::string_view reason_phrase(int status);

} // namespace wirelab::http

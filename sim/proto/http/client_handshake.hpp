// The client side of the WebSocket opening handshake (RFC 6455 sections 4.1 and 4.2.2),
// sans-I/O. The constructor writes the Upgrade request into data_to_send(); the response
// bytes go to receive_data(); the checks of section 4.1 (status 101, Upgrade, Connection,
// Sec-WebSocket-Accept, subprotocol and extensions that were offered) decide open/failed.
//
//   ClientOptions options;  options.host = "127.0.0.1:9001";  options.target = "/chat";
//   ClientHandshake hs{options};
//   send(hs.data_to_send());
//   hs.receive_data(bytes);          // any chunking
//   if (hs.open()) ws.receive_data(hs.take_leftover()); else if (hs.failed()) log(hs.why());
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/proto/http/extensions.hpp"
#include "sim/proto/http/head_parser.hpp"
#include "sim/proto/http/websocket_key.hpp"
#include "sim/wire/bytes.hpp"

namespace wirelab::http {

// Checks the extensions a server agreed to (already known to have been offered by name);
// returns why they are unacceptable, or nullopt to accept them.
using ExtensionChecker =
    std::function<std::optional<std::string>(const std::vector<Extension>& agreed)>;

struct ClientOptions {
    std::string host;                      // Host header, e.g. "127.0.0.1:9001"
    std::string target = "/";              // = "/"    // request-target (path and query)
    std::string origin;                    // = ""     // no Origin header
    std::vector<std::string> subprotocols; // = {}     // Sec-WebSocket-Protocol offer
    std::vector<Extension> extensions;     // = {}     // Sec-WebSocket-Extensions offer
    ExtensionChecker check_extensions;     // = {}     // any offered extension is fine
    std::vector<std::pair<std::string, std::string>> extra_headers; // = {}
    Limits limits;                                                  // = 8 KiB head, 64 headers
};

class ClientHandshake {
public:
    enum class State { awaiting_response, open, failed };

    // Builds the request; call data_to_send() next. `keys` supplies the 16 key bytes.
    explicit ClientHandshake(ClientOptions options, const KeySource& keys = random_key);

    // --- input ---
    // Feeds response bytes. Once open(), hand take_leftover() to the WebSocket connection;
    // bytes fed after done() join the leftover
    // (or are dropped after a refusal).
    void receive_data(wire::ByteView data);

    // --- state ---
    State state() const { return state_; }
    bool done() const { return state_ != State::awaiting_response; }
    bool open() const { return state_ == State::open; }
    bool failed() const { return state_ == State::failed; }
    const std::string& why() const { return why_; } // failure reason
    int status() const { return status_; }          // the server's status code, 0 before
    const std::string& key() const { return key_; } // Sec-WebSocket-Key sent
    const std::string& expected_accept() const { return expected_accept_; }
    const std::string& subprotocol() const { return subprotocol_; }          // chosen by server
    const std::vector<Extension>& extensions() const { return extensions_; } // agreed
    std::size_t head_size() const { return head_size_; }

    // --- output ---
    wire::Bytes data_to_send(); // the request, once
    wire::ByteView leftover() const { return leftover_; }
    wire::Bytes take_leftover();

private:
    void on_head(const ResponseHead& head);
    void fail(std::string why);

    ClientOptions options_;
    State state_ = State::awaiting_response;
    std::string key_;
    std::string expected_accept_;
    std::string buffer_;
    int status_ = 0;
    std::string why_;
    std::string subprotocol_;
    std::vector<Extension> extensions_;
    std::size_t head_size_ = 0;
    wire::Bytes out_;
    wire::Bytes leftover_;
};

// The request bytes alone, for a lesson or a test that does not need the state machine.
std::string build_request(const ClientOptions& options, std::string_view key);

} // namespace wirelab::http

// Layers 5–7 on the simulated TCP: the HTTP/1.1 Upgrade and the WebSocket connection
// (session, layer 5), the payload encoding (presentation, layer 6: the frame payload's span)
// and a small application (layer 7: an echo server, or a client that reports what it gets).
// The protocol work is done by the sans-I/O engines in sim/proto/http and sim/proto/ws; this
// stage only carries their bytes over TcpStage and records them in the trace, one message
// PDU per HTTP head or WebSocket frame, with the header as the layer-5 span and the payload
// as the layer-6 span.
//
// TcpStage --on_data--> WsStage::on_data -> ServerHandshake / ClientHandshake -> ws::Connection
//   -> events -> trace + app ; app/scenario -> ws::Connection::send_* -> data_to_send -> TcpStage
#pragma once

#include "sim/proto/http/client_handshake.hpp"
#include "sim/proto/http/server_handshake.hpp"
#include "sim/proto/ws/connection.hpp"
#include "sim/stack/stage.hpp"
#include "sim/stack/tcp_stage.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wirelab::stack {

// An upper layer on the WebSocket sessions (Socket.IO): told when a session opens, each
// whole message it receives, and when it closes. While a user is set, WsStage's own
// echo / chat application is off and received messages are left to the user to trace.
class WsUser {
public:
    virtual ~WsUser() = default;
    virtual void on_open(ConnId id, bool client, trace::EventId cause) = 0;
    virtual void on_message(ConnId id, wire::ByteView data, bool binary, trace::EventId cause) = 0;
    virtual void on_close(ConnId id, trace::EventId cause) = 0;
    // A client session whose connection ended before the 101 (refused, reset, or a failed
    // handshake): it never opened.
    virtual void on_open_failed(ConnId, trace::EventId) {}
    // Warming (TcpUser::warm): a message for session id may be near. Only reads.
    virtual bool warm(ConnId id, unsigned level) const { // whether a deeper level loads more
        static_cast<void>(id);
        static_cast<void>(level);
        return false;
    }
};

// (alignas: the Stage's host pointer and user_, which a client host's every message reads
// while the stage is cold, share the object's first cache line.)
class alignas(64) WsStage final : public Stage, public TcpUser {
public:
    struct Options {
        bool echo = false;    // "app": a server sends every message back to its sender
        bool chat = false;    // "chat": a server relays every message to all its other clients
        bool deflate = false; // "deflate": offer (client) / accept (server) permessage-deflate
    };
    explicit WsStage(Options options) : options_(options) {}
    std::uint8_t layer() const override { return 5; }
    std::string_view name() const override { return "HTTP Upgrade + WebSocket"; }
    void from_above(Packet p, Meta m) override;
    void from_below(Packet p, Meta m) override;

    void listen(std::uint16_t port, std::string path, trace::EventId cause);
    // The TCP connection the session will run on (its id is the session's).
    ConnId connect(std::uint32_t ip, std::uint16_t port, std::string host_header, std::string path,
                   trace::EventId cause);
    // The newest open session with `peer_ip` (any, when 0); false if there is none.
    bool send(std::uint32_t peer_ip, wire::ByteView data, bool binary, std::size_t fragment,
              trace::EventId cause);
    bool ping(std::uint32_t peer_ip, wire::ByteView data, trace::EventId cause);
    bool close(std::uint32_t peer_ip, std::uint16_t code, std::string_view reason,
               trace::EventId cause);

    void set_user(WsUser* user) { user_ = user; }
    // Whether ws.listen was called on `port` (HttpStage hands it Upgrade requests there).
    bool listens(std::uint16_t port) const { return listening_.count(port) != 0; }
    // One message on session `id`; false unless it is open.
    bool send_to(ConnId id, wire::ByteView data, bool binary, trace::EventId cause);
    // One text message framed once as a server sends it (unmasked, uncompressed, one
    // frame): the same bytes on every plain server session, for a broadcast.
    struct Prepared {
        wire::Bytes frame; // header + payload
        std::size_t header_size = 0;
        // The PDU and summary the trace's memo gives these bytes, once the caller knows
        // that it gives the same on every send (see send_prepared).
        trace::PduId pdu = trace::no_pdu;
        trace::TextId text = trace::no_text;
        wire::ByteView payload() const { return wire::ByteView(frame).subspan(header_size); }
    };
    static Prepared prepare_text(std::string_view text);
    enum class SendResult : std::uint8_t {
        not_open, // nothing done (send_to's false)
        prepared, // p.frame written to TCP as is, traced as one message event
        fallback, // sent through the connection as send_to does (a client, deflate, output
                  // already queued): other bytes, other trace lookups
    };
    // send_to(id, payload of p, text) with the frame built once: the same events in the
    // same order. With `known`, the message event takes p.pdu and p.text instead of the
    // memo's lookup of the bytes (the caller has checked that the lookup gives those);
    // `recorded` gets the message event when there was one.
    SendResult send_prepared(ConnId id, const Prepared& p, bool known, trace::EventId cause,
                             trace::EventId* recorded = nullptr);
    // Warming (prefetch.hpp): a send on session id is near. Level 0: the session and TCP's
    // slot of its connection; 1: the WebSocket connection and the TCP connection; 2: TCP's
    // level 2 (TcpStage::warm_send).
    void warm_send(ConnId id, unsigned level);
    // Starts the close handshake of session `id`; false unless it is open.
    bool close_conn(ConnId id, std::uint16_t code, trace::EventId cause);
    // The target (path and query) of the Upgrade GET server session `id` accepted; empty if
    // none (Socket.IO finds the session being upgraded by its sid= there).
    std::string request_target(ConnId id) const;

    void on_connected(ConnId, trace::EventId cause) override;
    void on_data(ConnId, wire::ByteView data, trace::EventId cause) override;
    void on_peer_closed(ConnId, trace::EventId cause) override;
    void on_closed(ConnId, trace::EventId cause) override;

private:
    // One session, and TCP's user for its connection: TCP's callbacks for it come here
    // directly (set_user_of), so a segment's data reaches its session without a lookup.
    // Laid out for a cold cache (thousands of sessions): what every message touches is in
    // the first line (the object starts on one); the handshakes and strings come after.
    struct alignas(64) Session final : TcpUser {
        WsStage* stage = nullptr;
        std::unique_ptr<ws::Connection> ws; // once the Upgrade is done
        wire::Bytes rx;                     // received bytes not yet traced as whole frames
        bool client = false;
        ws::State last_state = ws::State::connecting;
        bool tcp_closing = false;
        bool user_open = false; // the user was told on_open and not yet on_close
        std::string path, host_header;
        std::optional<http::ClientHandshake> client_hs;
        std::optional<http::ServerHandshake> server_hs;
        std::optional<ws::DeflateConfig> deflate; // agreed in the handshake

        void on_connected(ConnId id, trace::EventId cause) override {
            stage->on_connected(id, cause);
        }
        void on_data(ConnId id, wire::ByteView data, trace::EventId cause) override {
            stage->session_data(id, *this, data, cause);
        }
        void on_peer_closed(ConnId id, trace::EventId cause) override {
            stage->on_peer_closed(id, cause);
        }
        void on_closed(ConnId id, trace::EventId cause) override { stage->on_closed(id, cause); }
        // Level 0: the WebSocket connection's hot lines; then the user's (WsUser::warm).
        bool warm(ConnId id, unsigned level) const override;
    };

    // Stores session `id` (bound to this stage, indexed, and made TCP's user of the id).
    Session& add_session(ConnId id, Session s);
    void session_data(ConnId id, Session& s, wire::ByteView data, trace::EventId cause);
    Session* session_for(std::uint32_t peer_ip, ConnId* id);
    ws::Config ws_config(const Session& s);
    void start_ws(ConnId id, Session& s, trace::EventId cause);
    void receive_frames(ConnId id, Session& s, wire::ByteView data, trace::EventId cause);
    void process_events(ConnId id, Session& s, trace::EventId cause);
    void flush(ConnId id, Session& s, trace::EventId cause);
    void after_flush(ConnId id, Session& s, trace::EventId cause);
    void tcp_send(ConnId id, wire::ByteView bytes, trace::EventId cause);
    void send_on(ConnId id, Session& s, wire::ByteView payload, bool binary, trace::EventId cause);
    void transmit(ConnId id, wire::ByteView bytes, bool is_http, trace::EventId cause);
    trace::EventId record_message(wire::ByteView bytes, std::size_t header_len, bool received,
                                  trace::EventId cause);
    void note_state(ConnId id, Session& s, trace::EventId cause);
    void tell_close(ConnId id, Session& s, trace::EventId cause);

    Options options_;
    WsUser* user_ = nullptr;
    std::map<std::uint16_t, std::string> listening_; // port -> path
    std::map<ConnId, Session> sessions_;
    // sessions_ by id for the per-message lookups (ConnIds are TcpStage's dense indexes):
    // one load instead of a walk down a tree of 10,000 nodes. Sessions are never erased and
    // map nodes never move, so an entry stays right; null where no session was made.
    std::vector<Session*> by_id_;
    Session* find_session(ConnId id) { return id < by_id_.size() ? by_id_[id] : nullptr; }
};

} // namespace wirelab::stack

// The hook between HttpStage and an application above it that speaks HTTP itself (Socket.IO's
// long-polling transport): a handler registered for a path prefix on a port gets the requests
// under it and answers each through HttpStage::respond, now or later (a held long-poll); a
// handler that opened client connections with HttpStage::open gets their responses. Both are
// told when a connection they used goes away (a held request or one in flight is lost then).
//
// TcpStage -> HttpStage (MessageReader) -> route by prefix -> HttpHandler::on_request
//   -> HttpStage::respond -> TcpStage
#pragma once

#include "sim/proto/http/message.hpp"
#include "sim/stack/tcp_stage.hpp"

namespace wirelab::stack {

class HttpHandler {
public:
    virtual ~HttpHandler() = default;
    // Server: one request for a path under the registered prefix on connection `id`. Answer
    // it with HttpStage::respond(id, ...); the connection reads no further request until then.
    virtual void on_request(ConnId id, const http::Message& request, trace::EventId cause) = 0;
    // Client: the response to the oldest request sent with HttpStage::request on `id`.
    virtual void on_response(ConnId id, const http::Message& response, trace::EventId cause) = 0;
    // Connection `id` (either side) closed or failed; it is forgotten after this call.
    virtual void on_http_closed(ConnId id, trace::EventId cause) = 0;
};

} // namespace wirelab::stack

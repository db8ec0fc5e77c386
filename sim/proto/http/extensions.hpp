// Sec-WebSocket-Extensions header values (RFC 6455 section 9.1): parse an offer or a
// response into extensions with parameters, and format them back. What each extension's
// parameters mean (permessage-deflate, RFC 7692) is decided above this layer, by the
// negotiators given to ServerHandshake / ClientHandshake.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/proto/http/head_parser.hpp"

namespace wirelab::http {

struct ExtensionParam {
    std::string name;
    std::optional<std::string> value; // unquoted; nullopt for a bare "client_no_context_takeover"
};

struct Extension {
    std::string name;
    std::vector<ExtensionParam> params;
};

// extension-list = 1#( token *( ";" token [ "=" ( token / quoted-string ) ] ) ), gathered
// over every header with this name. nullopt if any element is malformed.
std::optional<std::vector<Extension>>
parse_extensions(const Headers& headers, std::string_view name = "Sec-WebSocket-Extensions");
std::optional<std::vector<Extension>> parse_extensions(std::string_view value);
// "permessage-deflate; client_max_window_bits=10, x-foo"
std::string format_extensions(const std::vector<Extension>& extensions);

} // namespace wirelab::http

// JSON text exactly as JavaScript writes it: Socket.IO payloads are produced by
// JSON.stringify in the reference implementation, so Wirelab serializes with the same
// rules (insertion key order with array-index keys first, ECMAScript Number::toString,
// JSON.stringify's string escapes) to be byte-identical on the wire.
//   socketio::encode -> stringify ;  socketio::Decoder -> parse_json
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace wirelab::sio {

// Socket.IO data: key order matters on the wire, so objects keep insertion order.
// Binary attachments are nlohmann binary values (Json::binary(bytes)).
using Json = nlohmann::ordered_json;

// JSON.stringify(value). NaN and infinities print as null; binary values as Node prints a
// Buffer ({"type":"Buffer","data":[...]}), which only happens if one was not extracted.
std::string stringify(const Json& value);
void stringify_to(std::string& out, const Json& value);
// ECMAScript Number::toString for a finite double ("1.5", "1e+21", "1e-7", "0").
std::string js_number(double x);
// Equality as JavaScript sees two parsed values: object members compared by key whatever
// their order (ordered_json's operator== is order-sensitive), numbers by value.
bool json_equal(const Json& a, const Json& b);
// JSON.parse(text): nullopt on malformed input (never throws). Nesting depth is limited
// (512) so hostile input cannot exhaust the stack.
std::optional<Json> parse_json(std::string_view text);
// A Socket.IO event's payload, checked without building it: true exactly when
// parse_json(text) would give an array whose first item is a string; then `name` is that
// string and `args_tail` the rest of `text` from just after the comma that follows the name
// (or from the closing bracket when nothing follows it), so that "[" + args_tail is the JSON
// text of the array of the items after the name. False leaves `name` and `args_tail`
// unspecified: call parse_json for the answer.
bool scan_json_event(std::string_view text, std::string& name, std::string_view& args_tail);

// Standard base64 with padding (Node's Buffer "base64").
std::string base64_encode(std::string_view bytes);
// Decodes as Node's Buffer.from(s, "base64") for well-formed input; padding is optional.
// nullopt if a character is outside the alphabet.
std::optional<std::string> base64_decode(std::string_view text);

} // namespace wirelab::sio

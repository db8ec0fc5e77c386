// The arguments of a received Socket.IO event (the items after its name, as an array), kept
// as the JSON text they arrived in and parsed only when looked at. A broadcast reaches
// every client, and each client checks the text (scan_json_event) but builds no JSON tree
// and, up to inline_capacity bytes, allocates nothing for it.
//   socketio::Decoder::add_event_text -> EventArgs::from_tail -> ClientEvent::args -> json()
// Events the client decodes as packets (acks, binary events, ack ids, other namespaces)
// hold the value itself.
#pragma once

#include "sim/proto/sio/json_text.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wirelab::sio {

class EventArgs {
public:
    // Texts up to this many bytes live in the object: a chat line of about a hundred
    // characters needs no heap.
    static constexpr std::size_t inline_capacity = 120;

    EventArgs() = default;                              // a null value, as a default Json
    EventArgs(Json value) : value_(std::move(value)) {} // implicit: `args = Json::array()`
    // "[" + args_tail, where scan_json_event vouched for the text (json() relies on it).
    static EventArgs from_tail(std::string_view args_tail);
    // from_tail in place: the text replaces what was held.
    void assign_tail(std::string_view args_tail);

    // Only the storage in use is copied: an inline text moves without touching the Json.
    EventArgs(const EventArgs& o);
    EventArgs(EventArgs&& o) noexcept;
    EventArgs& operator=(const EventArgs& o);
    EventArgs& operator=(EventArgs&& o) noexcept;
    ~EventArgs() = default;

    // The value: parsed from the text now if it is kept as text.
    Json json() const;
    // True when kept as the received JSON text, which text() gives (else it is empty).
    bool is_text() const { return is_text_; }
    std::string_view text() const {
        return size_ <= inline_capacity ? std::string_view(inline_, size_)
                                        : std::string_view(value_.get_ref<const std::string&>());
    }

    // Value equality, as Json's operator== (object members in order).
    friend bool operator==(const EventArgs& a, const Json& b) { return a.json() == b; }

private:
    bool uses_value() const; // value_ holds the value or the long text
    void forget();

    // The value when !is_text_; a text longer than inline_capacity as a Json string; else
    // null. (A separate std::string would add 32 bytes to every received event.)
    Json value_;
    std::uint32_t size_ = 0; // the text's length
    bool is_text_ = false;
    char inline_[inline_capacity]; // the text, if it fits (only size_ bytes are set)
};

} // namespace wirelab::sio

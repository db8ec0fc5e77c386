// EventArgs: a received event's arguments as text, parsed on demand (see event_args.hpp).
#include "sim/proto/sio/event_args.hpp"

#include <cstring>
#include <utility>

namespace wirelab::sio {

EventArgs EventArgs::from_tail(std::string_view args_tail) {
    EventArgs a;
    a.assign_tail(args_tail);
    return a;
}

void EventArgs::assign_tail(std::string_view args_tail) {
    is_text_ = true;
    const std::size_t size = 1 + args_tail.size();
    size_ = static_cast<std::uint32_t>(size);
    if (size > inline_capacity) {
        std::string text;
        text.reserve(size);
        text += '[';
        text += args_tail;
        value_ = std::move(text);
        return;
    }
    if (!value_.is_null()) value_ = nullptr;
    inline_[0] = '[';
    std::memcpy(inline_ + 1, args_tail.data(), args_tail.size());
}

bool EventArgs::uses_value() const {
    return !is_text_ || size_ > inline_capacity;
}

// Moved from: a null value, whatever it held.
void EventArgs::forget() {
    size_ = 0;
    is_text_ = false;
}

EventArgs::EventArgs(const EventArgs& o) : size_(o.size_), is_text_(o.is_text_) {
    if (o.uses_value())
        value_ = o.value_;
    else
        std::memcpy(inline_, o.inline_, size_);
}

EventArgs::EventArgs(EventArgs&& o) noexcept : size_(o.size_), is_text_(o.is_text_) {
    if (o.uses_value()) {
        value_ = std::move(o.value_);
        o.forget();
    } else {
        std::memcpy(inline_, o.inline_, size_);
    }
}

EventArgs& EventArgs::operator=(const EventArgs& o) {
    if (this != &o) *this = EventArgs(o);
    return *this;
}

EventArgs& EventArgs::operator=(EventArgs&& o) noexcept {
    if (this == &o) return *this;
    const bool moved = o.uses_value();
    if (moved || !value_.is_null()) value_ = std::move(o.value_); // else both null
    size_ = o.size_;
    is_text_ = o.is_text_;
    if (moved)
        o.forget();
    else
        std::memcpy(inline_, o.inline_, size_);
    return *this;
}

Json EventArgs::json() const {
    if (!is_text_) return value_;
    // from_tail's text passed scan_json_event: it parses.
    return parse_json(text()).value_or(Json::array());
}

} // namespace wirelab::sio

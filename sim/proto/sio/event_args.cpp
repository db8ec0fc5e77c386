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
    if (!value_.is_null()) value_ = nullptr;
    is_text_ = true;
    const std::size_t size = 1 + args_tail.size();
    size_ = static_cast<std::uint32_t>(size);
    char* out = inline_;
    if (size > inline_capacity) {
        long_.resize(size);
        out = long_.data();
    }
    out[0] = '[';
    std::memcpy(out + 1, args_tail.data(), args_tail.size());
}

// The inline bytes in use (long_ is copied or moved by the caller).
void EventArgs::take_text(const EventArgs& o) {
    size_ = o.size_;
    is_text_ = o.is_text_;
    if (size_ <= inline_capacity) std::memcpy(inline_, o.inline_, size_);
}

EventArgs::EventArgs(const EventArgs& o) : value_(o.value_) {
    if (o.size_ > inline_capacity) long_ = o.long_;
    take_text(o);
}

EventArgs::EventArgs(EventArgs&& o) noexcept {
    if (!o.is_text_) value_ = std::move(o.value_);
    if (o.size_ > inline_capacity) long_ = std::move(o.long_);
    take_text(o);
}

EventArgs& EventArgs::operator=(const EventArgs& o) {
    if (this == &o) return *this;
    value_ = o.value_;
    if (o.size_ > inline_capacity) long_ = o.long_;
    take_text(o);
    return *this;
}

EventArgs& EventArgs::operator=(EventArgs&& o) noexcept {
    if (this == &o) return *this;
    if (!o.is_text_ || !value_.is_null()) value_ = std::move(o.value_); // a text's is null
    if (o.size_ > inline_capacity) long_ = std::move(o.long_);
    take_text(o);
    return *this;
}

Json EventArgs::json() const {
    if (!is_text_) return value_;
    // from_tail's text passed scan_json_event: it parses.
    return parse_json(text()).value_or(Json::array());
}

} // namespace wirelab::sio

// permessage-deflate (RFC 7692): Sec-WebSocket-Extensions parsing and negotiation
// (section 7.1), and zlib raw-deflate compression per message with the 00 00 ff ff sync
// trailer stripped/appended (section 7.2).
#include "sim/proto/ws/deflate.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace wirelab::ws {
namespace {

constexpr std::string_view extension_name = "permessage-deflate";
constexpr std::uint8_t trailer[4] = {0x00, 0x00, 0xff, 0xff};

bool is_tchar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

struct Cursor {
    std::string_view s;
    std::size_t i = 0;
    void skip_ows() {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
            ++i;
    }
    bool at(char c) const { return i < s.size() && s[i] == c; }
    bool done() const { return i >= s.size(); }
    std::string token() {
        const std::size_t start = i;
        while (i < s.size() && is_tchar(s[i]))
            ++i;
        return std::string(s.substr(start, i - start));
    }
    bool quoted(std::string& out) {
        ++i; // opening quote
        while (i < s.size() && s[i] != '"') {
            if (s[i] == '\\') {
                if (++i >= s.size()) return false;
            }
            out.push_back(s[i++]);
        }
        if (i >= s.size()) return false;
        ++i;
        return true;
    }
};

// 8..15 as RFC 7692 7.1.2 allows, with no leading zero; -1 otherwise.
int parse_window_bits(const std::string& v) {
    if (v.size() == 1 && v[0] >= '8' && v[0] <= '9') return v[0] - '0';
    if (v.size() == 2 && v[0] == '1' && v[1] >= '0' && v[1] <= '5') return 10 + (v[1] - '0');
    return -1;
}

// zlib's raw deflate cannot use a 256-byte window; 9 is what zlib-based peers use.
int zlib_bits(int bits) {
    return std::clamp(bits, 9, 15);
}

struct OfferParams {
    bool server_no_context_takeover = false;
    bool client_no_context_takeover = false;
    int server_max_window_bits = 0; // 0 = absent
    int client_max_window_bits = 0; // 0 = absent, -1 = present without a value
};

// Reads the parameters of one permessage-deflate element; false on an unknown, duplicated
// or malformed parameter.
bool read_params(const ExtensionOffer& e, OfferParams& p) {
    bool seen[4] = {};
    for (const auto& [name, value] : e.params) {
        int idx;
        if (name == "server_no_context_takeover") {
            idx = 0;
            if (!value.empty()) return false;
            p.server_no_context_takeover = true;
        } else if (name == "client_no_context_takeover") {
            idx = 1;
            if (!value.empty()) return false;
            p.client_no_context_takeover = true;
        } else if (name == "server_max_window_bits") {
            idx = 2;
            p.server_max_window_bits = parse_window_bits(value);
            if (p.server_max_window_bits < 0) return false;
        } else if (name == "client_max_window_bits") {
            idx = 3;
            p.client_max_window_bits = value.empty() ? -1 : parse_window_bits(value);
            if (!value.empty() && p.client_max_window_bits < 0) return false;
        } else {
            return false;
        }
        if (seen[idx]) return false;
        seen[idx] = true;
    }
    return true;
}

} // namespace

std::optional<std::vector<ExtensionOffer>> parse_extensions(std::string_view header_value) {
    std::vector<ExtensionOffer> out;
    Cursor c{header_value};
    while (true) {
        c.skip_ows();
        if (c.done()) break;
        if (c.at(',')) { // empty list element (RFC 7230 7)
            ++c.i;
            continue;
        }
        ExtensionOffer e;
        e.name = c.token();
        if (e.name.empty()) return std::nullopt;
        c.skip_ows();
        while (c.at(';')) {
            ++c.i;
            c.skip_ows();
            std::string name = c.token();
            if (name.empty()) return std::nullopt;
            std::string value;
            c.skip_ows();
            if (c.at('=')) {
                ++c.i;
                c.skip_ows();
                if (c.at('"')) {
                    if (!c.quoted(value) || value.empty()) return std::nullopt;
                    for (char ch : value)
                        if (!is_tchar(ch)) return std::nullopt; // RFC 6455 9.1
                } else {
                    value = c.token();
                    if (value.empty()) return std::nullopt;
                }
                c.skip_ows();
            }
            e.params.emplace_back(std::move(name), std::move(value));
        }
        out.push_back(std::move(e));
        if (c.done()) break;
        if (!c.at(',')) return std::nullopt;
        ++c.i;
    }
    return out;
}

std::string format_extensions(const std::vector<ExtensionOffer>& extensions) {
    std::string out;
    for (const auto& e : extensions) {
        if (!out.empty()) out += ", ";
        out += e.name;
        for (const auto& [name, value] : e.params) {
            out += "; ";
            out += name;
            if (!value.empty()) out += "=" + value;
        }
    }
    return out;
}

std::string format_offer(const DeflateOffer& offer) {
    ExtensionOffer e{std::string(extension_name), {}};
    if (offer.server_no_context_takeover) e.params.emplace_back("server_no_context_takeover", "");
    if (offer.client_no_context_takeover) e.params.emplace_back("client_no_context_takeover", "");
    if (offer.server_max_window_bits)
        e.params.emplace_back("server_max_window_bits",
                              std::to_string(offer.server_max_window_bits));
    if (offer.client_max_window_bits)
        e.params.emplace_back("client_max_window_bits",
                              std::to_string(offer.client_max_window_bits));
    else if (offer.client_max_window_bits_hint)
        e.params.emplace_back("client_max_window_bits", "");
    return format_extensions({e});
}

std::optional<Negotiated> negotiate(std::string_view request_header,
                                    const DeflateServerPolicy& policy) {
    auto offers = parse_extensions(request_header);
    if (!offers) return std::nullopt;
    for (const auto& e : *offers) {
        OfferParams p;
        if (e.name != extension_name || !read_params(e, p)) continue;
        Negotiated n;
        ExtensionOffer resp{std::string(extension_name), {}};
        DeflateConfig& cfg = n.config;
        cfg.server_no_context_takeover =
            p.server_no_context_takeover || policy.server_no_context_takeover;
        cfg.client_no_context_takeover =
            p.client_no_context_takeover || policy.client_no_context_takeover;
        if (cfg.server_no_context_takeover)
            resp.params.emplace_back("server_no_context_takeover", "");
        if (cfg.client_no_context_takeover)
            resp.params.emplace_back("client_no_context_takeover", "");
        int server_bits = p.server_max_window_bits ? p.server_max_window_bits : 15;
        server_bits = std::min(server_bits, std::clamp(policy.server_max_window_bits, 8, 15));
        cfg.server_max_window_bits = server_bits;
        if (p.server_max_window_bits || server_bits < 15)
            resp.params.emplace_back("server_max_window_bits", std::to_string(server_bits));
        cfg.client_max_window_bits = p.client_max_window_bits > 0 ? p.client_max_window_bits : 15;
        if (p.client_max_window_bits > 0)
            resp.params.emplace_back("client_max_window_bits",
                                     std::to_string(p.client_max_window_bits));
        n.response = format_extensions({resp});
        return n;
    }
    return std::nullopt;
}

std::optional<DeflateConfig> accept_response(std::string_view response_header,
                                             const DeflateOffer& offered, std::string* error) {
    auto set_error = [&](const char* why) {
        if (error) *error = why;
        return std::nullopt;
    };
    auto exts = parse_extensions(response_header);
    if (!exts) return set_error("malformed Sec-WebSocket-Extensions");
    if (exts->size() != 1 || (*exts)[0].name != extension_name)
        return set_error("the server accepted an extension that was not offered");
    OfferParams p;
    if (!read_params((*exts)[0], p)) return set_error("invalid permessage-deflate parameter");
    DeflateConfig cfg;
    cfg.server_no_context_takeover = p.server_no_context_takeover;
    cfg.client_no_context_takeover = p.client_no_context_takeover;
    if (offered.server_no_context_takeover && !p.server_no_context_takeover)
        return set_error("server_no_context_takeover was requested but not accepted");
    if (p.server_max_window_bits) {
        if (offered.server_max_window_bits &&
            p.server_max_window_bits > offered.server_max_window_bits)
            return set_error("server_max_window_bits larger than offered");
        cfg.server_max_window_bits = p.server_max_window_bits;
    } else if (offered.server_max_window_bits) {
        return set_error("server_max_window_bits was requested but not accepted");
    }
    if (p.client_max_window_bits == -1)
        return set_error("client_max_window_bits without a value in the response");
    if (p.client_max_window_bits > 0) {
        if (!offered.client_max_window_bits && !offered.client_max_window_bits_hint)
            return set_error("client_max_window_bits was not offered");
        if (offered.client_max_window_bits &&
            p.client_max_window_bits > offered.client_max_window_bits)
            return set_error("client_max_window_bits larger than offered");
        cfg.client_max_window_bits = p.client_max_window_bits;
    } else if (offered.client_max_window_bits) {
        cfg.client_max_window_bits = offered.client_max_window_bits;
    }
    return cfg;
}

// ---- zlib --------------------------------------------------------------------------------

struct Deflater::Impl {
    z_stream z{};
    bool reset_each_message = false;
};

Deflater::Deflater(int window_bits, bool no_context_takeover, int level, int mem_level)
    : impl_(std::make_unique<Impl>()) {
    impl_->reset_each_message = no_context_takeover;
    if (deflateInit2(&impl_->z, level, Z_DEFLATED, -zlib_bits(window_bits), mem_level,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2 failed");
}
Deflater::~Deflater() {
    if (impl_) deflateEnd(&impl_->z);
}
Deflater::Deflater(Deflater&&) noexcept = default;
Deflater& Deflater::operator=(Deflater&& o) noexcept {
    if (impl_) deflateEnd(&impl_->z);
    impl_ = std::move(o.impl_);
    return *this;
}

void Deflater::compress(wire::ByteView message, ByteBuffer& out) {
    z_stream& z = impl_->z;
    z.next_in = const_cast<Bytef*>(message.data());
    z.avail_in = static_cast<uInt>(message.size());
    const std::size_t start = out.size();
    while (true) {
        const std::size_t room = deflateBound(&z, z.avail_in) + 16;
        std::uint8_t* p = out.extend(room);
        z.next_out = p;
        z.avail_out = static_cast<uInt>(room);
        deflate(&z, Z_SYNC_FLUSH);
        out.shrink_to(out.size() - z.avail_out);
        if (z.avail_in == 0 && z.avail_out != 0) break;
    }
    // RFC 7692 7.2.1: drop the 00 00 ff ff that ends a sync flush.
    if (out.size() - start >= 4 && std::memcmp(out.data() + out.size() - 4, trailer, 4) == 0)
        out.shrink_to(out.size() - 4);
    if (impl_->reset_each_message) deflateReset(&z);
}

struct Inflater::Impl {
    z_stream z{};
    bool reset_each_message = false;
    std::size_t produced = 0; // bytes of the current message
};

Inflater::Inflater(int window_bits, bool no_context_takeover) : impl_(std::make_unique<Impl>()) {
    impl_->reset_each_message = no_context_takeover;
    if (inflateInit2(&impl_->z, -zlib_bits(window_bits)) != Z_OK)
        throw std::runtime_error("inflateInit2 failed");
}
Inflater::~Inflater() {
    if (impl_) inflateEnd(&impl_->z);
}
Inflater::Inflater(Inflater&&) noexcept = default;
Inflater& Inflater::operator=(Inflater&& o) noexcept {
    if (impl_) inflateEnd(&impl_->z);
    impl_ = std::move(o.impl_);
    return *this;
}

Inflater::Status Inflater::decompress(wire::ByteView in, ByteBuffer& out, std::size_t limit) {
    z_stream& z = impl_->z;
    z.next_in = const_cast<Bytef*>(in.data());
    z.avail_in = static_cast<uInt>(in.size());
    while (true) {
        std::size_t room = std::max<std::size_t>(in.size() * 4, 4096);
        // Never grow more than one byte past the limit: a deflate bomb stops here.
        if (limit) room = std::min(room, limit - std::min(limit, impl_->produced) + 1);
        std::uint8_t* p = out.extend(room);
        z.next_out = p;
        z.avail_out = static_cast<uInt>(room);
        const int ret = inflate(&z, Z_SYNC_FLUSH);
        const std::size_t got = room - z.avail_out;
        out.shrink_to(out.size() - z.avail_out);
        impl_->produced += got;
        if (limit && impl_->produced > limit) return Status::too_big;
        if (ret == Z_STREAM_END) {
            // The peer ended the deflate stream (BFINAL); the next message starts a new one.
            inflateReset(&z);
            if (z.avail_in == 0) return Status::ok;
            continue;
        }
        if (ret != Z_OK && ret != Z_BUF_ERROR) return Status::corrupt;
        if (z.avail_in == 0 && z.avail_out != 0) return Status::ok;
        if (ret == Z_BUF_ERROR && got == 0) return Status::corrupt; // no progress possible
    }
}

Inflater::Status Inflater::finish_message(ByteBuffer& out, std::size_t limit) {
    const Status st = decompress({trailer, 4}, out, limit);
    impl_->produced = 0;
    if (impl_->reset_each_message) inflateReset(&impl_->z);
    return st;
}

void Inflater::reset() {
    inflateReset(&impl_->z);
    impl_->produced = 0;
}

} // namespace wirelab::ws

// TCP header codec: TcpRepr::emit / parse, the pseudo-header checksum, the byte inspector's
// dissection and the one-line summary the ladder diagram prints.
#include "sim/wire/tcp.hpp"

#include <algorithm>
#include <cstring>
#include <sstream>

namespace wirelab::wire {

namespace {

constexpr const char* flag_names[8] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};

std::string hex16(std::uint16_t v) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s = "0x";
    for (int shift = 12; shift >= 0; shift -= 4)
        s.push_back(digits[(v >> shift) & 15]);
    return s;
}

bool fail(std::string* why, std::string reason) {
    if (why) *why = std::move(reason);
    return false;
}

// Walks the options area, calling visit(kind, offset, length, body) for each option;
// returns false (with a reason) if an option runs past the header.
template <class Visit>
bool walk_options(ByteView options, std::size_t base, std::string* why, Visit visit) {
    std::size_t i = 0;
    while (i < options.size()) {
        std::uint8_t kind = options[i];
        if (kind == tcp_option::end) {
            visit(kind, base + i, options.size() - i, ByteView{});
            return true;
        }
        if (kind == tcp_option::nop) {
            visit(kind, base + i, 1, ByteView{});
            ++i;
            continue;
        }
        if (i + 1 >= options.size()) return fail(why, "option length missing");
        std::size_t len = options[i + 1];
        if (len < 2 || i + len > options.size())
            return fail(why, "option " + std::to_string(kind) + " has bad length " +
                                 std::to_string(len));
        visit(kind, base + i, len, options.subspan(i + 2, len - 2));
        i += len;
    }
    return true;
}

} // namespace

std::uint16_t tcp_checksum(ByteView segment, std::uint32_t src_ip, std::uint32_t dst_ip) {
    // The pseudo-header (src_ip, dst_ip, zero, protocol 6, TCP length) as its 16-bit words.
    std::uint32_t sum = (src_ip >> 16) + (src_ip & 0xffff) + (dst_ip >> 16) + (dst_ip & 0xffff) +
                        ip_protocol_tcp + static_cast<std::uint16_t>(segment.size());
    const std::size_t ck = tcp_field::checksum.offset;
    if (segment.size() < ck + 2)
        return checksum_fold(checksum_add(sum, segment.first(std::min(ck, segment.size()))));
    // One pass over the whole segment, then the stored checksum taken back out: adding
    // 0xffff - stored subtracts it modulo 0xffff. The sum stays nonzero (protocol 6 is in
    // it), so it folds to exactly what a sum with the field zeroed folds to.
    sum = checksum_add(sum, segment);
    sum += 0xffffu - load_be16(segment.data() + ck);
    return checksum_fold(sum);
}

std::size_t TcpRepr::emit(MutableByteView out, ByteView payload, std::uint32_t src_ip,
                          std::uint32_t dst_ip) const {
    const std::size_t hlen = header_len();
    const std::size_t total = hlen + payload.size();
    if (out.size() < total) return 0;
    std::uint8_t* p = out.data();
    if (!payload.empty() && payload.data() != p + hlen)
        std::memmove(p + hlen, payload.data(), payload.size());
    // Every byte of the header is written below (the options fill hlen - 20 exactly), the
    // checksum field as zero until it is known.
    store_be16(p + tcp_field::src_port.offset, src_port);
    store_be16(p + tcp_field::dst_port.offset, dst_port);
    store_be32(p + tcp_field::seq_number.offset, seq);
    store_be32(p + tcp_field::ack_number.offset, ack);
    p[tcp_field::data_offset.offset] = static_cast<std::uint8_t>((hlen / 4) << 4);
    p[tcp_field::flags.offset] = flags;
    store_be16(p + tcp_field::window.offset, window);
    store_be16(p + tcp_field::checksum.offset, 0);
    store_be16(p + tcp_field::urgent.offset, urgent);
    std::uint8_t* o = p + tcp_field::options_offset;
    if (mss) {
        o[0] = tcp_option::mss;
        o[1] = 4;
        store_be16(o + 2, *mss);
        o += 4;
    }
    if (sack_permitted) {
        o[0] = tcp_option::nop;
        o[1] = tcp_option::nop;
        o[2] = tcp_option::sack_permitted;
        o[3] = 2;
        o += 4;
    }
    if (window_scale) {
        o[0] = tcp_option::nop;
        o[1] = tcp_option::window_scale;
        o[2] = 3;
        o[3] = *window_scale;
        o += 4;
    }
    std::uint16_t ck = tcp_checksum(ByteView{p, total}, src_ip, dst_ip);
    store_be16(p + tcp_field::checksum.offset, ck);
    return total;
}

Bytes TcpRepr::to_bytes(ByteView payload, std::uint32_t src_ip, std::uint32_t dst_ip) const {
    Bytes out(header_len() + payload.size());
    emit(out, payload, src_ip, dst_ip);
    return out;
}

std::optional<TcpRepr> TcpRepr::parse_general(ByteView seg, std::uint32_t src_ip,
                                              std::uint32_t dst_ip, bool verify_checksum,
                                              std::string* why, std::size_t* payload_offset) {
    if (seg.size() < tcp_min_header_len) {
        fail(why, "truncated header: " + std::to_string(seg.size()) + " bytes < 20");
        return std::nullopt;
    }
    const std::uint8_t* p = seg.data();
    std::size_t words = p[tcp_field::data_offset.offset] >> 4;
    if (words < 5) {
        fail(why, "data offset " + std::to_string(words) + " words < 5");
        return std::nullopt;
    }
    std::size_t hlen = words * 4;
    if (hlen > seg.size()) {
        fail(why, "data offset " + std::to_string(hlen) + " bytes past the end of a " +
                      std::to_string(seg.size()) + "-byte segment");
        return std::nullopt;
    }
    if (verify_checksum) {
        std::uint16_t stored = load_be16(p + tcp_field::checksum.offset);
        std::uint16_t expected = tcp_checksum(seg, src_ip, dst_ip);
        if (stored != expected) {
            fail(why, "bad checksum " + hex16(stored) + ", expected " + hex16(expected));
            return std::nullopt;
        }
    }
    TcpRepr r = fixed_fields(p);
    if (r.src_port == 0 || r.dst_port == 0) {
        fail(why, "port 0");
        return std::nullopt;
    }
    bool ok_options = true;
    bool ok = walk_options(
        seg.subspan(tcp_field::options_offset, hlen - tcp_field::options_offset),
        tcp_field::options_offset, why,
        [&](std::uint8_t kind, std::size_t, std::size_t len, ByteView body) {
            if (kind == tcp_option::mss) {
                if (len != 4)
                    ok_options = fail(why, "MSS option length " + std::to_string(len));
                else
                    r.mss = load_be16(body.data());
            } else if (kind == tcp_option::window_scale) {
                if (len != 3)
                    ok_options = fail(why, "window scale length " + std::to_string(len));
                else
                    r.window_scale = body[0];
            } else if (kind == tcp_option::sack_permitted) {
                if (len != 2)
                    ok_options = fail(why, "SACK-permitted length " + std::to_string(len));
                else
                    r.sack_permitted = true;
            }
        });
    if (!ok || !ok_options) return std::nullopt;
    if (payload_offset) *payload_offset = hlen;
    return r;
}

FieldTable TcpRepr::dissect(ByteView segment) {
    return dissect_tcp(segment);
}

FieldTable dissect_tcp(ByteView seg) {
    FieldTable rows;
    auto row = [&](std::string name, Field f, std::string value, std::uint8_t depth = 1) {
        rows.push_back(FieldSpan{std::move(name), f.offset, f.length, 4, depth, std::move(value)});
    };
    std::size_t words = seg.size() > 12 ? seg[12] >> 4 : 0;
    std::size_t hlen = std::min(std::max<std::size_t>(words * 4, tcp_min_header_len), seg.size());
    row("Transmission Control Protocol", Field{0, hlen},
        seg.size() < tcp_min_header_len ? "truncated (" + std::to_string(seg.size()) + " bytes)"
                                        : std::to_string(hlen) + "-byte header, " +
                                              std::to_string(seg.size() - hlen) + " bytes of data",
        0);
    if (seg.size() < tcp_min_header_len) return rows;
    const std::uint8_t* p = seg.data();
    row("Source Port", tcp_field::src_port, std::to_string(load_be16(p)));
    row("Destination Port", tcp_field::dst_port, std::to_string(load_be16(p + 2)));
    row("Sequence Number", tcp_field::seq_number, std::to_string(load_be32(p + 4)));
    row("Acknowledgment Number", tcp_field::ack_number, std::to_string(load_be32(p + 8)));
    row("Data Offset", tcp_field::data_offset,
        std::to_string(words) + " (" + std::to_string(words * 4) + " bytes)" +
            (words < 5                ? " invalid: < 5"
             : words * 4 > seg.size() ? " invalid: past end"
                                      : ""));
    std::uint8_t flags = p[13];
    std::string names;
    for (int b = 7; b >= 0; --b)
        if (flags & (1 << b)) names += std::string(names.empty() ? "" : ", ") + flag_names[b];
    row("Flags", tcp_field::flags,
        hex16(flags).replace(2, 2, "") + (names.empty() ? "" : " (" + names + ")"));
    for (int b = 7; b >= 0; --b)
        row(flag_names[b], tcp_field::flags, (flags & (1 << b)) ? "Set" : "Not set", 2);
    row("Window", tcp_field::window, std::to_string(load_be16(p + 14)));
    row("Checksum", tcp_field::checksum, hex16(load_be16(p + 16)));
    row("Urgent Pointer", tcp_field::urgent, std::to_string(load_be16(p + 18)));
    if (words * 4 <= tcp_min_header_len || words * 4 > seg.size()) return rows;
    row("Options", Field{tcp_field::options_offset, hlen - tcp_field::options_offset},
        std::to_string(hlen - tcp_field::options_offset) + " bytes");
    std::string why;
    bool ok = walk_options(
        seg.subspan(tcp_field::options_offset, hlen - tcp_field::options_offset),
        tcp_field::options_offset, &why,
        [&](std::uint8_t kind, std::size_t off, std::size_t len, ByteView body) {
            Field f{off, len};
            switch (kind) {
            case tcp_option::end: row("End of Option List", f, "", 2); break;
            case tcp_option::nop: row("No-Operation (NOP)", f, "", 2); break;
            case tcp_option::mss:
                row("Maximum Segment Size", f,
                    body.size() == 2 ? std::to_string(load_be16(body.data())) + " bytes"
                                     : "bad length",
                    2);
                break;
            case tcp_option::window_scale:
                row("Window Scale", f,
                    body.size() == 1 ? "shift " + std::to_string(body[0]) + " (multiply by " +
                                           std::to_string(1u << std::min<int>(body[0], 14)) + ")"
                                     : "bad length",
                    2);
                break;
            case tcp_option::sack_permitted: row("SACK Permitted", f, "", 2); break;
            case tcp_option::sack:
                row("SACK", f, std::to_string(body.size() / 8) + " blocks", 2);
                break;
            case tcp_option::timestamps:
                row("Timestamps", f,
                    body.size() == 8 ? "TSval " + std::to_string(load_be32(body.data())) +
                                           ", TSecr " + std::to_string(load_be32(body.data() + 4))
                                     : "bad length",
                    2);
                break;
            default: row("Option " + std::to_string(kind), f, std::to_string(len) + " bytes", 2);
            }
        });
    if (!ok) row("Malformed option", Field{tcp_field::options_offset, 0}, why, 2);
    return rows;
}

std::string summary(const TcpRepr& r, std::size_t payload_len) {
    std::string names;
    // The order a teacher says them in: SYN-ACK, PSH-ACK, FIN-ACK, RST-ACK.
    static constexpr std::uint8_t order[] = {TcpRepr::SYN, TcpRepr::FIN, TcpRepr::RST,
                                             TcpRepr::PSH, TcpRepr::URG, TcpRepr::ACK,
                                             TcpRepr::ECE, TcpRepr::CWR};
    for (std::uint8_t f : order) {
        if (!r.has(f)) continue;
        int bit = 0;
        while ((1 << bit) != f)
            ++bit;
        if (!names.empty()) names += '-';
        names += flag_names[bit];
    }
    if (names.empty()) names = "<no flags>";
    std::ostringstream s;
    s << names;
    bool pure_ack = r.flags == TcpRepr::ACK && payload_len == 0;
    if (!pure_ack) s << " seq=" << r.seq;
    if (r.has(TcpRepr::ACK)) s << " ack=" << r.ack;
    s << " win=" << r.window;
    if (payload_len) s << " len=" << payload_len;
    if (r.mss) s << " mss=" << *r.mss;
    if (r.window_scale) s << " ws=" << int{*r.window_scale};
    if (r.sack_permitted) s << " sack_perm";
    return s.str();
}

} // namespace wirelab::wire

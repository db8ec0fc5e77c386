// Sec-WebSocket-Key / Sec-WebSocket-Accept: SHA-1 through OpenSSL's EVP interface, base64
// encoded with EVP_EncodeBlock and decoded strictly here (EVP_DecodeBlock accepts
// whitespace and does not report the padding, so it cannot tell a 16-byte key apart).
#include "sim/proto/http/websocket_key.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace wirelab::http {

KeyBytes random_key() {
    KeyBytes key{};
    if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1)
        throw std::runtime_error("RAND_bytes failed");
    return key;
}

std::string accept_value(std::string_view key) {
    std::string input(key);
    input += websocket_guid;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha1(), nullptr) != 1)
        throw std::runtime_error("EVP_Digest(SHA-1) failed");
    return base64_encode({digest, length});
}

std::string base64_encode(wire::ByteView data) {
    std::string out(4 * ((data.size() + 2) / 3), '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data.data(),
                            static_cast<int>(data.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

static int base64_digit(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

std::optional<wire::Bytes> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    wire::Bytes out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        bool last = i + 4 == text.size();
        std::size_t pad = 0;
        if (last && text[i + 3] == '=') pad = text[i + 2] == '=' ? 2 : 1;
        std::uint32_t group = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            int d = j < 4 - pad ? base64_digit(text[i + j]) : 0;
            if (d < 0) return std::nullopt;
            group = group << 6 | static_cast<std::uint32_t>(d);
        }
        // The bits under the padding must be zero (canonical encoding).
        if ((pad == 1 && (group & 0xff)) || (pad == 2 && (group & 0xffff))) return std::nullopt;
        out.push_back(static_cast<std::uint8_t>(group >> 16));
        if (pad < 2) out.push_back(static_cast<std::uint8_t>(group >> 8));
        if (pad < 1) out.push_back(static_cast<std::uint8_t>(group));
    }
    return out;
}

} // namespace wirelab::http

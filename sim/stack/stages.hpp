// The stages of layers 1–3: Physical (bits onto the link), Ethernet II (MAC header + FCS),
// ARP (resolves the next hop's MAC, holding PDUs until the reply comes, as a real host
// does — so the first SYN of a capture waits behind an ARP exchange) and IPv4 (header
// checksum, TTL, identification, DF, the on-link/gateway route).
#pragma once

#include "sim/core/kernel.hpp"
#include "sim/stack/stage.hpp"

#include <deque>
#include <map>

namespace wirelab::stack {

class PhyStage final : public Stage {
public:
    std::uint8_t layer() const override { return 1; }
    std::string_view name() const override { return "Physical"; }
    void from_above(Packet p, Meta m) override;
    void from_below(Packet p, Meta m) override;
};

class EthStage final : public Stage {
public:
    std::uint8_t layer() const override { return 2; }
    std::string_view name() const override { return "Ethernet II"; }
    void from_above(Packet p, Meta m) override;
    void from_below(Packet p, Meta m) override;
};

class ArpStage final : public Stage {
public:
    static constexpr Time retry_interval = 1'000'000'000; // 1 s between requests
    static constexpr int max_requests = 3;

    std::uint8_t layer() const override { return 2; }
    std::string_view name() const override { return "ARP"; }
    void from_above(Packet p, Meta m) override;
    void from_below(Packet p, Meta m) override;
    const std::map<std::uint32_t, wire::MacAddr>& cache() const { return cache_; }

private:
    struct Pending {
        std::deque<std::pair<Packet, Meta>> waiting;
        int requests = 0;
        TimerId timer{};
    };
    void request(std::uint32_t ip, trace::EventId cause);
    void on_retry(std::uint32_t ip);
    void learn(std::uint32_t ip, const wire::MacAddr& mac, trace::EventId cause);
    void send_arp(std::uint16_t op, const wire::MacAddr& dst_mac, std::uint32_t target_ip,
                  const wire::MacAddr& target_mac, trace::EventId cause);

    std::map<std::uint32_t, wire::MacAddr> cache_;
    std::map<std::uint32_t, Pending> pending_;
};

class Ipv4Stage final : public Stage {
public:
    std::uint8_t layer() const override { return 3; }
    std::string_view name() const override { return "IPv4"; }
    void from_above(Packet p, Meta m) override;
    void from_below(Packet p, Meta m) override;

private:
    std::uint16_t next_ident_ = 0;
    bool ident_seeded_ = false;
};

} // namespace wirelab::stack

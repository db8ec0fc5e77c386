// The description half of a lesson file: [lesson], [world], [[host]], [[switch]], [[link]].
// Each reader checks its own values; names are registered as they are read so that links can
// be checked against them (load.cpp calls these in that order).
#include "sim/scenario/load.hpp"
#include "sim/scenario/loader.hpp"

#include <algorithm>
#include <cctype>

namespace wirelab::scenario::detail {

const HostSpec* Loader::host(std::string_view name) const {
    auto it = nodes.find(name);
    if (it == nodes.end() || !it->second.is_host) return nullptr;
    return &scenario.hosts[it->second.index];
}

std::vector<std::string_view> Loader::host_names(bool with_switches) const {
    std::vector<std::string_view> out;
    for (const auto& [name, info] : nodes)
        if (info.is_host || with_switches) out.push_back(name);
    return out;
}

std::vector<std::string_view> Loader::link_names() const {
    std::vector<std::string_view> out;
    for (const auto& [name, index] : links)
        out.push_back(name);
    return out;
}

bool valid_name(std::string_view name) {
    if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
}

namespace {

constexpr std::string_view levels[] = {"beginner", "intermediate", "advanced"};

// Reads "name" (required), checks its spelling and that hosts and switches do not share it.
std::optional<std::string> read_node_name(Loader& loader, TableReader& r) {
    auto name = r.string("name", true);
    if (!name) return std::nullopt;
    if (!valid_name(*name)) {
        loader.diag.error(r.pos("name"), "bad name " + quoted(*name) +
                                             ": use letters, digits, '-' and '_', starting "
                                             "with a letter");
        return std::nullopt;
    }
    if (auto it = loader.nodes.find(*name); it != loader.nodes.end()) {
        loader.diag.error(r.pos("name"), "duplicate name " + quoted(*name) + " (already a " +
                                             (it->second.is_host ? "host" : "switch") +
                                             " on line " + std::to_string(it->second.pos.line) +
                                             ")");
        return std::nullopt;
    }
    return name;
}

// Stage dependencies: each stage needs one of these somewhere below it.
struct StageNeed {
    std::string_view stage;
    std::vector<std::string_view> below;
};
const StageNeed stage_needs[] = {
    {"eth", {"phy"}},  {"arp", {"eth"}}, {"ipv4", {"eth"}},   {"tcp", {"ipv4"}},
    {"http", {"tcp"}}, {"ws", {"http"}}, {"deflate", {"ws"}}, {"json", {"http", "ws"}},
    {"sio", {"ws"}},   {"app", {"tcp"}}, {"chat", {"ws"}},
};
// Known to the format but not yet built in the simulator: refused with a clear word.
constexpr std::string_view stages_not_yet[] = {"json"};

std::size_t stage_rank(std::string_view stage) {
    for (std::size_t k = 0; k < known_stages.size(); ++k)
        if (stage == known_stages[k]) return k;
    return known_stages.size();
}

} // namespace

void check_stack(Loader& loader, const toml::array& array, const std::vector<std::string>& stack) {
    std::vector<std::string_view> known(known_stages.begin(), known_stages.end());
    bool ok = true;
    for (std::size_t k = 0; k < stack.size(); ++k) {
        const toml::node& element = *array.get(k);
        if (stage_rank(stack[k]) == known_stages.size()) {
            loader.diag.error(element,
                              "unknown stage " + quoted(stack[k]) + did_you_mean(stack[k], known));
            ok = false;
        } else if (std::find(std::begin(stages_not_yet), std::end(stages_not_yet), stack[k]) !=
                   std::end(stages_not_yet)) {
            loader.diag.error(element, "stage " + quoted(stack[k]) +
                                           " is not available yet (it comes with Socket.IO)");
            ok = false;
        } else if (std::find(stack.begin(), stack.begin() + static_cast<std::ptrdiff_t>(k),
                             stack[k]) != stack.begin() + static_cast<std::ptrdiff_t>(k)) {
            loader.diag.error(element, "stage " + quoted(stack[k]) + " appears twice");
            ok = false;
        }
    }
    if (!ok) return;
    for (std::size_t k = 0; k < stack.size(); ++k) {
        const toml::node& element = *array.get(k);
        if (k > 0 && stage_rank(stack[k]) < stage_rank(stack[k - 1])) {
            loader.diag.error(element, "stage " + quoted(stack[k]) + " must come below " +
                                           quoted(stack[k - 1]) + " (list stages bottom-up)");
            return;
        }
        for (const StageNeed& need : stage_needs) {
            if (need.stage != stack[k]) continue;
            bool found = std::any_of(stack.begin(), stack.begin() + static_cast<std::ptrdiff_t>(k),
                                     [&](const std::string& s) {
                                         return std::find(need.below.begin(), need.below.end(),
                                                          s) != need.below.end();
                                     });
            if (found) continue;
            std::string names = quoted(need.below[0]);
            for (std::size_t n = 1; n < need.below.size(); ++n)
                names += " or " + quoted(need.below[n]);
            loader.diag.error(element,
                              "stage " + quoted(stack[k]) + " needs " + names + " below it");
        }
    }
}

namespace {

bool is_unicast_host_address(std::uint32_t ip) {
    std::uint32_t first = ip >> 24;
    return first != 0 && first != 127 && first < 224;
}

} // namespace

void read_lesson(Loader& loader, const toml::table& table) {
    TableReader r(table, "[lesson]", loader.diag);
    LessonInfo& lesson = loader.scenario.lesson;
    if (auto v = r.string("title", true)) lesson.title = *v;
    if (auto v = r.string("summary")) lesson.summary = *v;
    if (auto v = r.strings("topics")) lesson.topics = *v;
    if (auto v = r.string("level")) {
        if (std::find(std::begin(levels), std::end(levels), *v) == std::end(levels))
            loader.diag.error(r.pos("level"),
                              "unknown level " + quoted(*v) +
                                  ": use \"beginner\", \"intermediate\" or \"advanced\"" +
                                  did_you_mean(*v, levels));
        else
            lesson.level = *v;
    }
    if (auto v = r.integer("minutes", false, 0, 600)) lesson.minutes = static_cast<int>(*v);
    if (auto v = r.strings("experiments")) lesson.experiments = *v;
    r.finish();
}

void read_world(Loader& loader, const toml::table& table) {
    TableReader r(table, "[world]", loader.diag);
    Scenario& s = loader.scenario;
    if (auto v = r.integer("seed", false, 0)) s.seed = static_cast<std::uint64_t>(*v);
    if (auto v = r.duration("until")) {
        if (*v == 0)
            loader.diag.error(r.pos("until"), "\"until\" must be more than 0s");
        else
            s.until = *v;
    }
    if (auto v = r.duration("tcp_time_wait")) s.tcp_time_wait = *v;
    // RFC 9293 3.8.6.3: an ACK MUST NOT be delayed 0.5 s or more.
    if (auto v = r.duration("tcp_delayed_ack")) {
        if (*v >= 500'000'000)
            loader.diag.error(r.pos("tcp_delayed_ack"),
                              "\"tcp_delayed_ack\" must be less than 500ms (RFC 9293 3.8.6.3); "
                              "Linux uses 40ms, Windows and ns-3 200ms");
        else
            s.tcp_delayed_ack = *v;
    }
    r.finish();
}

void read_host(Loader& loader, const toml::table& table) {
    TableReader r(table, "[[host]]", loader.diag);
    HostSpec host;
    host.pos = r.pos();
    const std::size_t index = loader.scenario.hosts.size();
    auto name = read_node_name(loader, r);
    if (name) host.name = *name;

    if (auto ip = r.string("ip", true)) {
        std::string_view text = *ip;
        std::string_view address = text.substr(0, text.find('/'));
        auto parsed = parse_ipv4(address);
        int prefix = 24;
        bool ok = parsed.has_value();
        if (!ok) {
            loader.diag.error(r.pos("ip"), "bad IPv4 address " + quoted(text) +
                                               " for \"ip\": write \"a.b.c.d/prefix\", e.g. "
                                               "\"10.0.0.1/24\"");
        } else if (address.size() < text.size()) {
            std::string_view len = text.substr(address.size() + 1);
            bool digits =
                !len.empty() && len.size() <= 2 &&
                std::all_of(len.begin(), len.end(), [](char c) { return c >= '0' && c <= '9'; });
            prefix = digits ? std::stoi(std::string(len)) : -1;
            if (prefix < 1 || prefix > 32) {
                loader.diag.error(r.pos("ip"), "bad prefix length \"/" + std::string(len) +
                                                   "\" in " + quoted(text) +
                                                   ": it must be 1 to 32");
                ok = false;
            }
        }
        if (ok) {
            std::uint32_t mask = prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> prefix);
            std::string cidr = format_ipv4(*parsed & mask) + "/" + std::to_string(prefix);
            if (!is_unicast_host_address(*parsed)) {
                loader.diag.error(r.pos("ip"),
                                  format_ipv4(*parsed) + " is not a unicast host address");
                ok = false;
            } else if (prefix <= 30 && (*parsed & ~mask) == 0) {
                loader.diag.error(r.pos("ip"), format_ipv4(*parsed) +
                                                   " is the network address of " + cidr +
                                                   ", not a host address");
                ok = false;
            } else if (prefix <= 30 && (*parsed & ~mask) == ~mask) {
                loader.diag.error(r.pos("ip"), format_ipv4(*parsed) +
                                                   " is the broadcast address of " + cidr +
                                                   ", not a host address");
                ok = false;
            }
        }
        if (ok) {
            for (const HostSpec& other : loader.scenario.hosts)
                if (other.ip == *parsed && !other.name.empty()) {
                    loader.diag.error(r.pos("ip"), "duplicate IP address " + format_ipv4(*parsed) +
                                                       " (already host " + quoted(other.name) +
                                                       " on line " +
                                                       std::to_string(other.pos.line) + ")");
                    ok = false;
                    break;
                }
        }
        if (ok) {
            host.ip = *parsed;
            host.prefix_len = static_cast<std::uint8_t>(prefix);
        }
    }

    std::uint32_t serial = static_cast<std::uint32_t>(index + 1);
    host.mac = {0x02,
                0x00,
                0x00,
                static_cast<std::uint8_t>(serial >> 16),
                static_cast<std::uint8_t>(serial >> 8),
                static_cast<std::uint8_t>(serial)};
    std::optional<SourcePos> mac_pos;
    if (auto mac = r.string("mac")) {
        auto parsed = parse_mac(*mac);
        if (!parsed) {
            loader.diag.error(r.pos("mac"), "bad MAC address " + quoted(*mac) +
                                                ": write six hex bytes, e.g. "
                                                "\"02:00:00:00:00:01\"");
        } else if ((*parsed)[0] & 1) {
            loader.diag.error(r.pos("mac"), "MAC address " + quoted(*mac) +
                                                " is a group address (lowest bit of the first "
                                                "byte set); a host needs a unicast one");
        } else if (*parsed == std::array<std::uint8_t, 6>{}) {
            loader.diag.error(r.pos("mac"), "MAC address " + quoted(*mac) + " is all zeros");
        } else {
            host.mac = *parsed;
            mac_pos = r.pos("mac");
        }
    }

    if (auto gw = r.string("gateway")) {
        auto parsed = parse_ipv4(*gw);
        if (!parsed) {
            loader.diag.error(r.pos("gateway"), "bad IPv4 address " + quoted(*gw) +
                                                    " for \"gateway\": write \"a.b.c.d\"");
        } else if (host.ip != 0) {
            std::uint32_t mask =
                host.prefix_len == 32 ? 0xffffffffu : ~(0xffffffffu >> host.prefix_len);
            if (*parsed == host.ip)
                loader.diag.error(r.pos("gateway"),
                                  "the gateway " + quoted(*gw) + " is the host's own address");
            else if ((*parsed & mask) != (host.ip & mask))
                loader.diag.error(r.pos("gateway"), "the gateway " + quoted(*gw) +
                                                        " is not in the host's subnet " +
                                                        format_ipv4(host.ip & mask) + "/" +
                                                        std::to_string(host.prefix_len));
            else
                host.gateway = *parsed;
        } else {
            host.gateway = *parsed;
        }
    }

    host.stack = {"phy", "eth", "arp", "ipv4", "tcp"};
    if (auto stack = r.strings("stack")) {
        const toml::array& array = *table.get("stack")->as_array();
        if (stack->empty())
            loader.diag.error(r.pos("stack"), "\"stack\" must not be empty");
        else
            check_stack(loader, array, *stack);
        host.stack = *stack;
    }
    r.finish();

    if (name) loader.nodes.emplace(*name, Loader::NodeInfo{true, index, r.pos()});
    loader.scenario.hosts.push_back(std::move(host));
    loader.mac_pos.push_back(mac_pos);
}

// After every host is read: MACs must be unique, derived ones included.
void check_macs(Loader& loader) {
    const auto& hosts = loader.scenario.hosts;
    for (std::size_t k = 0; k < hosts.size(); ++k)
        for (std::size_t j = 0; j < k; ++j) {
            if (hosts[j].mac != hosts[k].mac) continue;
            std::string message = "duplicate MAC address " + format_mac(hosts[k].mac) +
                                  " (already host " + quoted(hosts[j].name) + " on line " +
                                  std::to_string(hosts[j].pos.line) + ")";
            if (loader.mac_pos[k])
                loader.diag.error(*loader.mac_pos[k], message);
            else
                loader.diag.error(hosts[k].pos, message + "; this host's MAC is derived from "
                                                          "its position, set \"mac\"");
            break;
        }
}

void read_switch(Loader& loader, const toml::table& table) {
    TableReader r(table, "[[switch]]", loader.diag);
    SwitchSpec sw;
    sw.pos = r.pos();
    auto name = read_node_name(loader, r);
    r.finish();
    if (!name) return;
    sw.name = *name;
    loader.nodes.emplace(*name, Loader::NodeInfo{false, loader.scenario.switches.size(), r.pos()});
    loader.scenario.switches.push_back(std::move(sw));
}

void read_link(Loader& loader, const toml::table& table) {
    TableReader r(table, "[[link]]", loader.diag);
    LinkSpec link;
    link.pos = r.pos();
    auto name = r.string("name");
    bool ends_ok = true;
    auto end = [&](std::string_view key) -> std::string {
        auto v = r.string(key, true);
        if (!v) {
            ends_ok = false;
            return {};
        }
        if (!loader.nodes.contains(*v)) {
            loader.diag.error(r.pos(key), "unknown host or switch " + quoted(*v) + " for " +
                                              quoted(key) +
                                              did_you_mean(*v, loader.host_names(true)));
            ends_ok = false;
        }
        return *v;
    };
    link.a = end("a");
    link.b = end("b");
    if (ends_ok && link.a == link.b) {
        loader.diag.error(r.pos("b"),
                          "a link joins two different ends (" + quoted(link.a) + " is on both)");
        ends_ok = false;
    }
    if (auto v = r.bandwidth("bandwidth")) link.bandwidth_bps = *v;
    if (auto v = r.duration("delay")) link.delay = *v;
    if (auto v = r.probability("loss")) link.loss = *v;
    if (auto v = r.probability("duplicate")) link.duplicate = *v;
    if (auto v = r.probability("reorder")) link.reorder = *v;
    if (auto v = r.probability("corrupt")) link.corrupt = *v;
    if (auto v = r.integer("queue", false, 1, 1'000'000)) link.queue = static_cast<std::size_t>(*v);
    r.finish();

    link.name = name ? *name : link.a + "-" + link.b;
    SourcePos name_pos = r.pos("name");
    if (name && !valid_name(*name)) {
        loader.diag.error(name_pos, "bad name " + quoted(*name) +
                                        ": use letters, digits, '-' and '_', starting with a "
                                        "letter");
        return;
    }
    if (auto it = loader.links.find(link.name); it != loader.links.end()) {
        loader.diag.error(name_pos, "duplicate link name " + quoted(link.name) +
                                        " (already the link on line " +
                                        std::to_string(loader.scenario.links[it->second].pos.line) +
                                        ")" + (name ? "" : "; give this one a \"name\""));
        return;
    }
    if (ends_ok) {
        for (const std::string* end_name : {&link.a, &link.b}) {
            if (!loader.nodes.at(*end_name).is_host) continue;
            auto [it, fresh] = loader.host_link.emplace(*end_name, link.name);
            if (!fresh)
                loader.diag.error(r.pos(end_name == &link.a ? "a" : "b"),
                                  "host " + quoted(*end_name) + " is already on link " +
                                      quoted(it->second) +
                                      "; a host has one network interface (join several "
                                      "hosts with a [[switch]])");
        }
    }
    if (!name && !ends_ok) return;
    loader.links.emplace(link.name, loader.scenario.links.size());
    loader.scenario.links.push_back(std::move(link));
}

} // namespace wirelab::scenario::detail

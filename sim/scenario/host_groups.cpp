// [[hosts]]: many similar hosts in one table — a classroom, a thousand phones. A group
// expands into ordinary hosts (u0001, u0002, ...) with consecutive addresses, each on its
// own link to one switch, and an [[action]] with hosts = "u" runs for every member. The
// expanded hosts, links and actions are checked like written ones, and every error points
// at the group's key that caused it.
//   load.cpp: [[host]] -> read_host_group -> [[switch]] -> [[link]] -> link_host_groups
//   script.cpp read_action: hosts = "u" -> read_group_ref ... push_action (one per member)
#include "sim/scenario/load.hpp"
#include "sim/scenario/loader.hpp"

#include <algorithm>
#include <set>

namespace wirelab::scenario::detail {

namespace {

constexpr std::int64_t max_group = 10000;

std::string member_name(const std::string& prefix, std::int64_t index, std::int64_t count) {
    const std::size_t width = std::max<std::size_t>(4, std::to_string(count).size());
    std::string number = std::to_string(index);
    return prefix + std::string(width - number.size(), '0') + number;
}

// "10.0.0.11/16" -> address and prefix length, with the same errors as [[host]].
bool read_first_ip(Loader& loader, TableReader& r, std::uint32_t& ip, int& prefix) {
    auto text = r.string("ip", true);
    if (!text) return false;
    const std::string_view all = *text;
    const std::string_view address = all.substr(0, all.find('/'));
    auto parsed = parse_ipv4(address);
    prefix = 24;
    if (parsed && address.size() < all.size()) {
        const std::string_view len = all.substr(address.size() + 1);
        const bool digits =
            !len.empty() && len.size() <= 2 &&
            std::all_of(len.begin(), len.end(), [](char c) { return c >= '0' && c <= '9'; });
        prefix = digits ? std::stoi(std::string(len)) : -1;
    }
    if (!parsed || prefix < 1 || prefix > 30) {
        loader.diag.error(r.pos("ip"), "bad first address " + quoted(all) +
                                           " for \"ip\": write \"a.b.c.d/prefix\" with a "
                                           "prefix of 1 to 30, e.g. \"10.0.0.11/16\"");
        return false;
    }
    ip = *parsed;
    return true;
}

} // namespace

void read_host_group(Loader& loader, const toml::table& table) {
    TableReader r(table, "[[hosts]]", loader.diag);
    Loader::HostGroup group;
    group.pos = r.pos();
    auto name = r.string("name", true);
    auto count = r.integer("count", true, 1, max_group);
    std::uint32_t first_ip = 0;
    int prefix = 24;
    const bool ip_ok = read_first_ip(loader, r, first_ip, prefix);
    auto mac_text = r.string("mac");
    auto sw = r.string("switch", true);
    group.switch_pos = r.pos("switch");
    std::vector<std::string> stack = {"phy", "eth", "arp", "ipv4", "tcp"};
    if (auto s = r.strings("stack")) {
        if (s->empty())
            loader.diag.error(r.pos("stack"), "\"stack\" must not be empty");
        else
            check_stack(loader, *table.get("stack")->as_array(), *s);
        stack = *s;
    }
    LinkSpec& link = group.link;
    if (auto v = r.bandwidth("bandwidth")) link.bandwidth_bps = *v;
    if (auto v = r.duration("delay")) link.delay = *v;
    if (auto v = r.probability("loss")) link.loss = *v;
    if (auto v = r.integer("queue", false, 1, 1'000'000)) link.queue = static_cast<std::size_t>(*v);
    r.finish();
    if (!name || !count || !sw) return;
    if (!valid_name(*name)) {
        loader.diag.error(r.pos("name"), "bad group name " + quoted(*name) +
                                             ": use letters, digits, '-' and '_', starting "
                                             "with a letter");
        return;
    }
    if (loader.groups.contains(*name)) {
        loader.diag.error(r.pos("name"), "duplicate [[hosts]] group " + quoted(*name));
        return;
    }
    group.switch_name = *sw;

    std::optional<std::array<std::uint8_t, 6>> first_mac;
    if (mac_text) {
        first_mac = parse_mac(*mac_text);
        if (!first_mac || ((*first_mac)[0] & 1)) {
            loader.diag.error(r.pos("mac"), "bad first MAC address " + quoted(*mac_text) +
                                                ": write six hex bytes of a unicast address, "
                                                "e.g. \"02:00:00:01:00:01\"");
            return;
        }
        const std::uint32_t low = (*first_mac)[3] << 16 | (*first_mac)[4] << 8 | (*first_mac)[5];
        if (low + static_cast<std::uint32_t>(*count - 1) > 0xffffffu) {
            loader.diag.error(r.pos("mac"), "the MAC addresses from " + quoted(*mac_text) +
                                                " run out before host " + std::to_string(*count) +
                                                " (the last three "
                                                "bytes count up)");
            return;
        }
    }

    const std::uint32_t mask = ~(0xffffffffu >> prefix);
    std::set<std::uint32_t> taken;
    for (const HostSpec& h : loader.scenario.hosts)
        taken.insert(h.ip);
    for (std::int64_t k = 0; k < *count; ++k) {
        HostSpec host;
        host.name = member_name(*name, k + 1, *count);
        host.pos = r.pos();
        host.prefix_len = static_cast<std::uint8_t>(prefix);
        host.stack = stack;
        if (auto it = loader.nodes.find(host.name); it != loader.nodes.end()) {
            loader.diag.error(r.pos("name"), "group " + quoted(*name) + " makes host " +
                                                 quoted(host.name) +
                                                 ", but that name is "
                                                 "already used on line " +
                                                 std::to_string(it->second.pos.line));
            return;
        }
        if (ip_ok) {
            const std::uint64_t wide = std::uint64_t{first_ip} + static_cast<std::uint64_t>(k);
            const auto ip = static_cast<std::uint32_t>(wide);
            const std::string cidr = format_ipv4(first_ip & mask) + "/" + std::to_string(prefix);
            if (wide > 0xffffffffu || (ip & mask) != (first_ip & mask) || (ip & ~mask) == ~mask ||
                (ip & ~mask) == 0) {
                loader.diag.error(r.pos("ip"), "host " + quoted(host.name) + " (number " +
                                                   std::to_string(k + 1) +
                                                   ") would get an address outside the hosts "
                                                   "of " +
                                                   cidr +
                                                   ": start lower, use a shorter prefix "
                                                   "or a smaller count");
                return;
            }
            if (taken.count(ip)) {
                loader.diag.error(r.pos("ip"), "host " + quoted(host.name) + " would get " +
                                                   format_ipv4(ip) + ", an address already in use");
                return;
            }
            taken.insert(ip);
            host.ip = ip;
        }
        const std::size_t index = loader.scenario.hosts.size();
        if (first_mac) {
            const std::uint32_t low =
                ((*first_mac)[3] << 16 | (*first_mac)[4] << 8 | (*first_mac)[5]) +
                static_cast<std::uint32_t>(k);
            host.mac = {(*first_mac)[0],
                        (*first_mac)[1],
                        (*first_mac)[2],
                        static_cast<std::uint8_t>(low >> 16),
                        static_cast<std::uint8_t>(low >> 8),
                        static_cast<std::uint8_t>(low)};
        } else {
            const auto serial = static_cast<std::uint32_t>(index + 1);
            host.mac = {0x02,
                        0x00,
                        0x00,
                        static_cast<std::uint8_t>(serial >> 16),
                        static_cast<std::uint8_t>(serial >> 8),
                        static_cast<std::uint8_t>(serial)};
        }
        loader.nodes.emplace(host.name, Loader::NodeInfo{true, index, r.pos()});
        group.members.push_back(host.name);
        loader.scenario.hosts.push_back(std::move(host));
        loader.mac_pos.push_back(first_mac ? std::optional(r.pos("mac")) : std::nullopt);
    }
    loader.groups.emplace(*name, std::move(group));
}

// After [[switch]] and [[link]]: each member gets its link "<member>-<switch>".
void link_host_groups(Loader& loader) {
    for (auto& [name, group] : loader.groups) {
        auto it = loader.nodes.find(group.switch_name);
        if (it == loader.nodes.end() || it->second.is_host) {
            std::vector<std::string_view> switches;
            for (const SwitchSpec& s : loader.scenario.switches)
                switches.push_back(s.name);
            loader.diag.error(group.switch_pos,
                              (it == loader.nodes.end() ? "unknown switch "
                                                        : "\"switch\" must name a [[switch]], "
                                                          "not the host ") +
                                  quoted(group.switch_name) +
                                  did_you_mean(group.switch_name, switches));
            continue;
        }
        for (const std::string& member : group.members) {
            LinkSpec link = group.link;
            link.a = member;
            link.b = group.switch_name;
            link.name = member + "-" + group.switch_name;
            link.pos = group.pos;
            if (loader.links.contains(link.name)) {
                loader.diag.error(group.switch_pos, "group " + quoted(name) + " makes link " +
                                                        quoted(link.name) +
                                                        ", but a [[link]] has that name");
                break;
            }
            if (auto on = loader.host_link.find(member); on != loader.host_link.end()) {
                loader.diag.error(group.switch_pos, "host " + quoted(member) + " of group " +
                                                        quoted(name) + " is already on link " +
                                                        quoted(on->second));
                break;
            }
            loader.host_link.emplace(member, link.name);
            loader.links.emplace(link.name, loader.scenario.links.size());
            loader.scenario.links.push_back(std::move(link));
        }
    }
}

std::optional<std::string> read_group_ref(Loader& loader, TableReader& r, std::string_view stage,
                                          std::string_view what) {
    auto name = r.string("hosts", true);
    std::int64_t every = 0;
    if (auto v = r.duration("every")) every = *v;
    if (r.has("host")) {
        r.allow("host");
        loader.diag.error(r.pos("host"), "give either \"host\" or \"hosts\" (a [[hosts]] "
                                         "group), not both");
        return std::nullopt;
    }
    if (!name) return std::nullopt;
    auto it = loader.groups.find(*name);
    if (it == loader.groups.end()) {
        std::vector<std::string_view> names;
        for (const auto& [n, g] : loader.groups)
            names.push_back(n);
        loader.diag.error(r.pos("hosts"),
                          "unknown [[hosts]] group " + quoted(*name) + did_you_mean(*name, names));
        return std::nullopt;
    }
    const HostSpec* first = loader.host(it->second.members.front());
    if (std::find(first->stack.begin(), first->stack.end(), stage) == first->stack.end()) {
        loader.diag.error(r.pos("hosts"), "the hosts of group " + quoted(*name) + " have no " +
                                              quoted(stage) +
                                              " stage in their stack, needed "
                                              "for " +
                                              std::string(what));
        return std::nullopt;
    }
    loader.group_action = std::pair{*name, every};
    return first->name;
}

void push_action(Loader& loader, TableReader& r, Action action) {
    auto group = std::exchange(loader.group_action, std::nullopt);
    if (!group) {
        loader.scenario.actions.push_back(std::move(action));
        return;
    }
    const auto& members = loader.groups.at(group->first).members;
    const std::int64_t last =
        action.at + group->second * static_cast<std::int64_t>(members.size() - 1);
    const auto& until = loader.scenario.until;
    if (until && last > *until) {
        loader.diag.error(r.pos(r.has("every") ? "every" : "at"),
                          "the last host of group " + quoted(group->first) + " would act at " +
                              quoted(format_duration(last)) +
                              ", after the end of the lesson ([world] until = " +
                              quoted(format_duration(*until)) + ")");
        return;
    }
    if (std::find(members.begin(), members.end(), action.peer) != members.end()) {
        loader.diag.error(r.pos(r.has("to") ? "to" : "peer"),
                          quoted(action.peer) + " is one of the acting hosts (group " +
                              quoted(group->first) + "); wirelab has no loopback");
        return;
    }
    for (std::size_t k = 0; k < members.size(); ++k) {
        Action copy = action;
        copy.host = members[k];
        copy.at = action.at + group->second * static_cast<std::int64_t>(k);
        loader.scenario.actions.push_back(std::move(copy));
    }
}

} // namespace wirelab::scenario::detail

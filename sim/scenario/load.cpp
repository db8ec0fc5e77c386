// Entry point of the loader: TOML text -> toml++ document -> section readers (sections.cpp,
// script.cpp) -> Scenario, or every error found in file order and no scenario at all.
#include "sim/scenario/load.hpp"
#include "sim/scenario/loader.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace wirelab::scenario {

namespace {

using detail::did_you_mean;
using detail::quoted;

constexpr std::string_view single_tables[] = {"lesson", "world"};
constexpr std::string_view array_tables[] = {"host",   "hosts", "switch", "link",
                                             "action", "cue",   "quiz"};

// "Error while parsing key-value pair: expected ..." -> "TOML syntax error in key-value pair: ..."
std::string syntax_message(std::string_view description) {
    constexpr std::string_view prefix = "Error while parsing ";
    if (description.starts_with(prefix))
        return "TOML syntax error in " + std::string(description.substr(prefix.size()));
    return "TOML syntax error: " + std::string(description);
}

// A key at the top of the file that belongs inside a table.
std::string home_of(std::string_view key) {
    static constexpr std::pair<std::string_view, std::string_view> homes[] = {
        {"title", "[lesson]"},         {"summary", "[lesson]"}, {"topics", "[lesson]"},
        {"level", "[lesson]"},         {"minutes", "[lesson]"}, {"experiments", "[lesson]"},
        {"seed", "[world]"},           {"until", "[world]"},    {"tcp_time_wait", "[world]"},
        {"tcp_delayed_ack", "[world]"}};
    for (auto [name, table] : homes)
        if (name == key) return std::string(table);
    return {};
}

void read_document(detail::Loader& loader, const toml::table& root) {
    auto& diag = loader.diag;
    std::vector<std::string_view> known;
    for (auto name : single_tables)
        known.push_back(name);
    for (auto name : array_tables)
        known.push_back(name);
    for (auto&& [key, node] : root) {
        std::string_view name = key.str();
        bool single = std::find(std::begin(single_tables), std::end(single_tables), name) !=
                      std::end(single_tables);
        bool array = std::find(std::begin(array_tables), std::end(array_tables), name) !=
                     std::end(array_tables);
        if (single && !node.is_table())
            diag.error(node, "write [" + std::string(name) + "] as a table (single brackets)");
        else if (array && !node.is_array_of_tables())
            diag.error(node, "write [[" + std::string(name) +
                                 "]] with double brackets: a lesson may have several");
        else if (!single && !array) {
            std::string home = home_of(name);
            diag.error(diag.pos(key.source()),
                       home.empty() ? "unknown table " + quoted(name) + did_you_mean(name, known)
                                    : quoted(name) + " belongs in " + home);
        }
    }

    const toml::table* lesson = root["lesson"].as_table();
    if (lesson != nullptr)
        detail::read_lesson(loader, *lesson);
    else if (!root.contains("lesson"))
        diag.error(SourcePos{loader.scenario.path, 1, 1},
                   "missing [lesson] table (a lesson needs at least a title)");
    if (const toml::table* world = root["world"].as_table()) detail::read_world(loader, *world);

    auto each = [&](std::string_view name, auto read) {
        const toml::array* array = root[name].as_array();
        if (array == nullptr || !array->is_array_of_tables()) return;
        for (const toml::node& table : *array)
            read(loader, *table.as_table());
    };
    each("host", detail::read_host);
    each("hosts", detail::read_host_group);
    each("switch", detail::read_switch);
    detail::check_macs(loader);
    if (loader.scenario.hosts.empty() && !root.contains("host"))
        diag.error(SourcePos{loader.scenario.path, 1, 1}, "a lesson needs at least one [[host]]");
    each("link", detail::read_link);
    detail::link_host_groups(loader);
    each("action", detail::read_action);
    each("cue", detail::read_cue);
    each("quiz", detail::read_quiz);
}

} // namespace

LoadResult load_string(std::string_view toml_text, const std::string& path) {
    LoadResult result;
    detail::Loader loader(path);
    toml::table root;
#if TOML_EXCEPTIONS
    try {
        root = toml::parse(toml_text, std::string_view{path});
    } catch (const toml::parse_error& e) {
        result.errors.push_back({loader.diag.pos(e.source()), syntax_message(e.description())});
        return result;
    }
#else
    toml::parse_result parsed = toml::parse(toml_text, std::string_view{path});
    if (!parsed) {
        const toml::parse_error& e = parsed.error();
        result.errors.push_back({loader.diag.pos(e.source()), syntax_message(e.description())});
        return result;
    }
    root = std::move(parsed).table();
#endif
    read_document(loader, root);
    if (!loader.diag.ok()) {
        result.errors = loader.diag.take_sorted();
        return result;
    }
    Scenario& s = loader.scenario;
    std::stable_sort(s.actions.begin(), s.actions.end(),
                     [](const Action& a, const Action& b) { return a.at < b.at; });
    result.scenario = std::move(s);
    return result;
}

LoadResult load_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        LoadResult result;
        result.errors.push_back({SourcePos{path, 0, 0}, "cannot open the file"});
        return result;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return load_string(text.str(), path);
}

} // namespace wirelab::scenario

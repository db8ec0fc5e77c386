// sio::ReceivedEvents, a client's received events in blocks that never move: order, stable
// addresses across blocks, pop_back and reuse of a block, deep copies, moves.
#include "sim/proto/sio/json_text.hpp"
#include "sim/proto/sio/received_events.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

using namespace wirelab::sio;

namespace {

// Event i: name "e<i>", args ["<i>"] as text; every third one long (held as a Json string).
void add(ReceivedEvents& list, int i) {
    auto& [name, args] = list.emplace_back();
    name = "e" + std::to_string(i);
    const std::string arg =
        i % 3 == 0 ? std::string(200, 'x') + std::to_string(i) : std::to_string(i);
    args.assign_tail("\"" + arg + "\"]");
}

std::vector<std::string> names(const ReceivedEvents& list) {
    std::vector<std::string> out;
    for (const auto& [name, args] : list)
        out.push_back(name + "=" + stringify(args.json()).substr(0, 8));
    return out;
}

std::vector<std::string> want(int from, int to) {
    ReceivedEvents list;
    for (int i = from; i < to; ++i)
        add(list, i);
    return names(list);
}

} // namespace

TEST_CASE("ReceivedEvents keeps events in order, in place, across blocks") {
    ReceivedEvents list;
    CHECK(list.empty());
    CHECK(list.begin() == list.end());
    // Six blocks: past the four the block list makes room for at first.
    const int n = 5 * static_cast<int>(ReceivedEvents::block) + 2;
    add(list, 0);
    const auto* first = &list[0];
    for (int i = 1; i < n; ++i)
        add(list, i);
    REQUIRE(list.size() == static_cast<std::size_t>(n));
    CHECK(&list[0] == first); // never moved
    for (int i = 0; i < n; ++i) {
        CHECK(list[static_cast<std::size_t>(i)].first == "e" + std::to_string(i));
        const Json args = list.at(static_cast<std::size_t>(i)).second.json();
        REQUIRE(args.size() == 1);
        CHECK(args[0].get<std::string>().ends_with(std::to_string(i)));
    }
    CHECK(list.back().first == "e" + std::to_string(n - 1));
    CHECK_THROWS_AS(list.at(list.size()), std::out_of_range);
    CHECK(names(list).size() == list.size());
}

TEST_CASE("ReceivedEvents: pop_back at a block's edge and after, then more") {
    const auto block = static_cast<int>(ReceivedEvents::block);
    ReceivedEvents list;
    for (int i = 0; i < block + 1; ++i)
        add(list, i);
    list.pop_back(); // the first of the second block
    list.pop_back(); // the last of the first
    CHECK(names(list) == want(0, block - 1));
    for (int i = block - 1; i < 2 * block + 3; ++i)
        add(list, i);
    CHECK(names(list) == want(0, 2 * block + 3));
    list.clear();
    CHECK(list.empty());
    add(list, 7);
    CHECK(names(list) == want(7, 8));
}

TEST_CASE("ReceivedEvents copies deeply and moves") {
    ReceivedEvents list;
    for (int i = 0; i < 20; ++i)
        add(list, i);
    ReceivedEvents copy = list;
    CHECK(names(copy) == names(list));
    CHECK(&copy[0] != &list[0]);
    add(copy, 20);
    CHECK(list.size() == 20);
    CHECK(copy.size() == 21);
    ReceivedEvents moved = std::move(copy);
    CHECK(names(moved) == want(0, 21));
    CHECK(copy.empty()); // NOLINT(bugprone-use-after-move): moved from, then empty
    add(copy, 5);
    CHECK(names(copy) == want(5, 6));
    copy = list;
    CHECK(names(copy) == want(0, 20));
    copy = ReceivedEvents{};
    CHECK(copy.empty());
}

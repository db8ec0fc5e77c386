// The JSON check of Socket.IO action arguments, apart from script.cpp: nlohmann's headers
// bring std::quoted, which ADL would pick over the loader's quoted().
#include "sim/proto/sio/json_text.hpp"
#include "sim/scenario/load.hpp"

namespace wirelab::scenario {

bool is_json_array(std::string_view text) {
    auto json = sio::parse_json(text);
    return json && json->is_array();
}

} // namespace wirelab::scenario

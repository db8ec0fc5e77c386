// The TCP state diagram of RFC 9293 (figure 5, plus the RST and timeout arcs of 3.10.7) as
// one table. Connection::transition() looks every state change up here.
#include "sim/proto/tcp/state.hpp"

#include <array>

namespace wirelab::tcp {

namespace {

using S = State;
using I = Input;

// clang-format off
constexpr Transition table[] = {
//   from               input                to                 note
    {S::closed,       I::app_listen,      S::listen,        "passive OPEN"},
    {S::closed,       I::app_connect,     S::syn_sent,      "active OPEN: send SYN"},

    {S::listen,       I::rcv_syn,         S::syn_received,  "send SYN-ACK"},
    {S::listen,       I::app_close,       S::closed,        "forget the listener"},
    {S::listen,       I::app_abort,       S::closed,        "forget the listener"},

    {S::syn_sent,     I::rcv_syn_ack,     S::established,   "send ACK"},
    {S::syn_sent,     I::rcv_syn,         S::syn_received,  "simultaneous open: send SYN-ACK"},
    {S::syn_sent,     I::rcv_rst,         S::closed,        "connection refused"},
    {S::syn_sent,     I::app_close,       S::closed,        "forget the SYN"},
    {S::syn_sent,     I::app_abort,       S::closed,        "forget the SYN"},
    {S::syn_sent,     I::give_up,         S::closed,        "SYN never answered"},

    {S::syn_received, I::rcv_ack_of_syn,  S::established,   "handshake complete"},
    {S::syn_received, I::app_close,       S::fin_wait_1,    "send FIN"},
    {S::syn_received, I::rst_to_listen,   S::listen,        "RST: back to listening"},
    {S::syn_received, I::rcv_rst,         S::closed,        "connection refused"},
    {S::syn_received, I::app_abort,       S::closed,        "send RST"},
    {S::syn_received, I::give_up,         S::closed,        "send RST"},

    {S::established,  I::app_close,       S::fin_wait_1,    "send FIN"},
    {S::established,  I::rcv_fin,         S::close_wait,    "send ACK"},
    {S::established,  I::rcv_rst,         S::closed,        "connection reset"},
    {S::established,  I::app_abort,       S::closed,        "send RST"},
    {S::established,  I::give_up,         S::closed,        "send RST"},

    {S::fin_wait_1,   I::rcv_ack_of_fin,  S::fin_wait_2,    "our FIN is acknowledged"},
    {S::fin_wait_1,   I::rcv_fin,         S::closing,       "simultaneous close: send ACK"},
    {S::fin_wait_1,   I::rcv_rst,         S::closed,        "connection reset"},
    {S::fin_wait_1,   I::app_abort,       S::closed,        "send RST"},
    {S::fin_wait_1,   I::give_up,         S::closed,        "send RST"},

    {S::fin_wait_2,   I::rcv_fin,         S::time_wait,     "send ACK, start 2MSL"},
    {S::fin_wait_2,   I::rcv_rst,         S::closed,        "connection reset"},
    {S::fin_wait_2,   I::app_abort,       S::closed,        "send RST"},

    {S::close_wait,   I::app_close,       S::last_ack,      "send FIN"},
    {S::close_wait,   I::rcv_rst,         S::closed,        "connection reset"},
    {S::close_wait,   I::app_abort,       S::closed,        "send RST"},
    {S::close_wait,   I::give_up,         S::closed,        "send RST"},

    {S::closing,      I::rcv_ack_of_fin,  S::time_wait,     "start 2MSL"},
    {S::closing,      I::rcv_rst,         S::closed,        "connection reset"},
    {S::closing,      I::app_abort,       S::closed,        "forget"},
    {S::closing,      I::give_up,         S::closed,        "forget"},

    {S::last_ack,     I::rcv_ack_of_fin,  S::closed,        "done"},
    {S::last_ack,     I::rcv_rst,         S::closed,        "connection reset"},
    {S::last_ack,     I::app_abort,       S::closed,        "forget"},
    {S::last_ack,     I::give_up,         S::closed,        "forget"},

    {S::time_wait,    I::time_wait_done,  S::closed,        "2MSL elapsed"},
    {S::time_wait,    I::rcv_rst,         S::closed,        "connection reset"},
    {S::time_wait,    I::app_abort,       S::closed,        "forget"},
};
// clang-format on

} // namespace

const char* to_string(State s) {
    switch (s) {
    case S::closed: return "CLOSED";
    case S::listen: return "LISTEN";
    case S::syn_sent: return "SYN-SENT";
    case S::syn_received: return "SYN-RECEIVED";
    case S::established: return "ESTABLISHED";
    case S::fin_wait_1: return "FIN-WAIT-1";
    case S::fin_wait_2: return "FIN-WAIT-2";
    case S::close_wait: return "CLOSE-WAIT";
    case S::closing: return "CLOSING";
    case S::last_ack: return "LAST-ACK";
    case S::time_wait: return "TIME-WAIT";
    }
    return "?";
}

const char* to_string(Input i) {
    switch (i) {
    case I::app_listen: return "LISTEN call";
    case I::app_connect: return "CONNECT call";
    case I::app_close: return "CLOSE call";
    case I::rcv_syn: return "rcv SYN";
    case I::rcv_syn_ack: return "rcv SYN-ACK";
    case I::rcv_ack_of_syn: return "rcv ACK of SYN";
    case I::rcv_fin: return "rcv FIN";
    case I::rcv_ack_of_fin: return "rcv ACK of FIN";
    case I::rcv_rst: return "rcv RST";
    case I::rst_to_listen: return "rcv RST (from LISTEN)";
    case I::app_abort: return "ABORT call";
    case I::give_up: return "retransmission limit";
    case I::time_wait_done: return "2MSL timeout";
    }
    return "?";
}

std::span<const Transition> transitions() {
    return table;
}

std::optional<Transition> find_transition(State from, Input input) {
    for (const Transition& t : table)
        if (t.from == from && t.input == input) return t;
    return std::nullopt;
}

} // namespace wirelab::tcp

// The TCP state machine of RFC 9293 (figure 5) as one table: every state change of a
// wirelab::tcp::Connection is a row of `transitions` below, looked up by (state, input).
// The connection decides *which* input occurred (an acceptable ACK of our SYN, a FIN in
// sequence, a timer…); this table alone decides where that leads, so it reads like the
// RFC's diagram and the UI can print it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace wirelab::tcp {

enum class State : std::uint8_t {
    closed,
    listen,
    syn_sent,
    syn_received,
    established,
    fin_wait_1,
    fin_wait_2,
    close_wait,
    closing,
    last_ack,
    time_wait,
};

// As the RFC spells it: "CLOSED", "SYN-SENT", "FIN-WAIT-1", "TIME-WAIT"…
const char* to_string(State);

// What happened, as far as the state diagram cares.
enum class Input : std::uint8_t {
    app_listen,     // passive OPEN
    app_connect,    // active OPEN, a SYN is sent
    app_close,      // CLOSE: FIN after queued data (or just forget a LISTEN / SYN-SENT)
    rcv_syn,        // a SYN without ACK (LISTEN, or simultaneous open in SYN-SENT)
    rcv_syn_ack,    // SYN-SENT: a SYN whose ACK acknowledges our SYN
    rcv_ack_of_syn, // SYN-RECEIVED: an acceptable ACK
    rcv_fin,        // a FIN reached in sequence that does not (yet) ack our FIN
    rcv_ack_of_fin, // our FIN is acknowledged
    rcv_rst,        // an acceptable RST
    rst_to_listen,  // SYN-RECEIVED that came from LISTEN: an RST sends it back to LISTEN
    app_abort,      // ABORT: send RST, forget everything
    give_up,        // too many retransmissions
    time_wait_done, // the 2*MSL timer expired
};

const char* to_string(Input);

struct Transition {
    State from;
    Input input;
    State to;
    const char* note; // what is sent or why, for the UI ("send SYN-ACK")
};

// All rows of the machine. Inputs not listed for a state are not state changes.
std::span<const Transition> transitions();

// The row for (from, input), or nullopt if that input does not move `from`.
std::optional<Transition> find_transition(State from, Input input);

// True in the states where the connection is synchronized (RFC 9293 3.10.7.4).
inline bool is_synchronized(State s) {
    return s != State::closed && s != State::listen && s != State::syn_sent &&
           s != State::syn_received;
}

} // namespace wirelab::tcp

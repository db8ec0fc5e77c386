// The retransmission timeout of RFC 6298: SRTT and RTTVAR from RTT samples (section 2), the
// RTO clamped to [min_rto, max_rto], doubled on each expiry (5.5). Karn's rule is the
// caller's job: it only offers samples from segments that were never retransmitted.
#pragma once

#include <algorithm>
#include <cstdint>

namespace wirelab::tcp {

class RttEstimator {
public:
    RttEstimator(std::int64_t initial_rto, std::int64_t min_rto, std::int64_t max_rto)
        : rto_(initial_rto), min_rto_(min_rto), max_rto_(max_rto) {}

    // One measurement R (ns). First: SRTT = R, RTTVAR = R/2; then alpha = 1/8, beta = 1/4.
    // RTO = SRTT + max(G, 4*RTTVAR) with clock granularity G = 1 ns, clamped.
    void sample(std::int64_t r) {
        r = std::max<std::int64_t>(r, 0);
        if (!has_sample_) {
            srtt_ = r;
            rttvar_ = r / 2;
            has_sample_ = true;
        } else {
            // RTTVAR first, with the old SRTT (2.3).
            rttvar_ = (3 * rttvar_ + (srtt_ > r ? srtt_ - r : r - srtt_)) / 4;
            srtt_ = (7 * srtt_ + r) / 8;
        }
        rto_ = std::clamp(srtt_ + std::max<std::int64_t>(1, 4 * rttvar_), min_rto_, max_rto_);
    }
    // The timer expired: RTO = min(2*RTO, max_rto) (RFC 6298 5.5).
    void back_off();

    std::int64_t rto() const { return rto_; }
    std::int64_t srtt() const { return srtt_; }
    std::int64_t rttvar() const { return rttvar_; }
    bool has_sample() const { return has_sample_; }

private:
    std::int64_t rto_;
    std::int64_t min_rto_;
    std::int64_t max_rto_;
    std::int64_t srtt_ = 0;
    std::int64_t rttvar_ = 0;
    bool has_sample_ = false;
};

} // namespace wirelab::tcp

// RFC 6298 section 2: SRTT/RTTVAR smoothing and the clamped, backed-off RTO.
#include "sim/proto/tcp/rtt.hpp"

#include <algorithm>

namespace wirelab::tcp {

void RttEstimator::sample(std::int64_t r) {
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

void RttEstimator::back_off() {
    rto_ = std::min(rto_ * 2, max_rto_);
}

} // namespace wirelab::tcp

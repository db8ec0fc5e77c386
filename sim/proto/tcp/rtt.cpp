// RFC 6298 section 2: SRTT/RTTVAR smoothing and the clamped, backed-off RTO.
#include "sim/proto/tcp/rtt.hpp"

#include <algorithm>

namespace wirelab::tcp {

void RttEstimator::back_off() {
    rto_ = std::min(rto_ * 2, max_rto_);
}

} // namespace wirelab::tcp

#include "notify/delivery_verdict.hpp"

namespace nbsync::notify {

DeliveryVerdict verdict_for_status(long status) {
  if (status >= 200 && status < 300) {
    return DeliveryVerdict::delivered;
  }
  if (status == 0 || status == 408 || status == 429 || status >= 500) {
    return DeliveryVerdict::retry_later;
  }
  return DeliveryVerdict::drop;
}

}  // namespace nbsync::notify

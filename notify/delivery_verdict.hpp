#pragma once
// What the outbox does with a message after one delivery attempt, decided from the HTTP
// answer in this one place: 2xx delivered (delete the row), 408/429/5xx and transport
// failures retried later, any other 4xx dropped with the peer's reason logged.
namespace nbsync::notify {

enum class DeliveryVerdict { delivered, retry_later, drop };

// `status` is 0 when no HTTP answer arrived (connection refused, timeout, cut body).
DeliveryVerdict verdict_for_status(long status);

}  // namespace nbsync::notify

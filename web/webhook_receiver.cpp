#include "web/webhook_receiver.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "types/device_label.hpp"
#include "web/hook_signature.hpp"
#include "web/netbox_webhook.hpp"

namespace nbsync::web {
namespace {

void answer(httplib::Response& response, int status, const std::string& detail) {
  response.status = status;
  response.set_content(nlohmann::json{{"detail", detail}}.dump(), "application/json");
}

}  // namespace

WebhookReceiver::WebhookReceiver(const WebhookConfig& config, OnRequest on_request)
    : m_secret(config.secret), m_on_request(std::move(on_request)), m_replays(config.max_age) {}

void WebhookReceiver::register_routes(httplib::Server& server) {
  server.Post(k_webhook_path, [this](const httplib::Request& request, httplib::Response& response) {
    if (request.body.size() > k_webhook_max_body) {
      spdlog::warn("webhook: refused {} bytes from {}: larger than {} bytes", request.body.size(), request.remote_addr,
                   k_webhook_max_body);
      answer(response, 413, "request body too large");
      return;
    }
    if (!hook_signature_matches(m_secret, request.body, request.get_header_value("X-Hook-Signature"))) {
      spdlog::warn(
          "webhook: refused a request from {}: {} X-Hook-Signature (check that NetBox's webhook has "
          "the secret of webhook.secret)",
          request.remote_addr, request.has_header("X-Hook-Signature") ? "wrong" : "no");
      answer(response, 401, "invalid or missing X-Hook-Signature");
      return;
    }
    NetboxWebhook webhook = read_netbox_webhook(request.body);
    if (webhook.verdict == NetboxWebhook::Verdict::malformed) {
      spdlog::warn("webhook: refused a signed request from {}: {}", request.remote_addr, webhook.reason);
      answer(response, 400, webhook.reason);
      return;
    }
    if (webhook.verdict == NetboxWebhook::Verdict::ignore) {
      spdlog::debug("webhook: ignored: {}", webhook.reason);
      answer(response, 202, "ignored: " + webhook.reason);
      return;
    }
    const BackupNowRequest& asked = webhook.request;
    const std::string device = device_label(asked.device_name, asked.device_id);
    const auto verdict =
        m_replays.check(asked.request_id, asked.device_id, *webhook.timestamp, std::chrono::system_clock::now());
    if (verdict != WebhookReplayGuard::Verdict::fresh) {
      const char* why = verdict == WebhookReplayGuard::Verdict::replayed
                            ? "already received (same request_id)"
                            : "its timestamp is further from now than webhook.max_age";
      spdlog::warn("webhook: {}: backup asked by {} not started: {}", device, asked.username, why);
      answer(response, 409, std::string("not started: ") + why);
      return;
    }
    spdlog::info("webhook: {}: backup asked by {} ({})", device, asked.username, to_string(asked.trigger));
    m_on_request(std::move(webhook.request));
    answer(response, 202, "backup queued");
  });
}

}  // namespace nbsync::web

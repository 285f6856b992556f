#include "lab/slack_sink.hpp"

#include "lab/fleet.hpp"

namespace nbsync::lab {
namespace {

void reply_json(httplib::Response& response, int status, const nlohmann::json& body) {
  response.status = status;
  response.set_content(body.dump(), "application/json");
}

}  // namespace

void SlackSink::receive(const std::string& name, const httplib::Request& request, httplib::Response& response) {
  std::lock_guard lock(m_mutex);
  Hook& hook = m_hooks[name];
  ++hook.attempts;
  if (hook.fail_remaining > 0) {
    --hook.fail_remaining;
    ++hook.refused;
    response.status = hook.fail_status;
    if (hook.fail_status == 429 && hook.retry_after > 0) {
      response.set_header("Retry-After", std::to_string(hook.retry_after));
    }
    response.set_content(hook.fail_status == 429 ? "rate_limited" : "internal_error", "text/plain");
    return;
  }
  const auto body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    ++hook.refused;
    response.status = 400;
    response.set_content("invalid_payload", "text/plain");
    return;
  }
  if (!body.contains("text") && !body.contains("blocks") && !body.contains("attachments")) {
    ++hook.refused;
    response.status = 400;
    response.set_content("no_text", "text/plain");
    return;
  }
  hook.messages.push_back({{"received_at", utc_now_iso()}, {"body", body}});
  response.status = 200;
  response.set_content("ok", "text/plain");
}

void SlackSink::register_routes(httplib::Server& server) {
  server.Post(R"(/lab/slack/([A-Za-z0-9_-]+))", [this](const httplib::Request& request, httplib::Response& response) {
    receive(request.matches[1], request, response);
  });
  server.Post(R"(/lab/slack/([A-Za-z0-9_-]+)/fail)", [this](const httplib::Request& request,
                                                            httplib::Response& response) {
    const auto body = nlohmann::json::parse(request.body, nullptr, false);
    const int status = body.is_object() ? body.value("status", 429) : 0;
    if (status < 400 || status > 599) {
      reply_json(response, 400, {{"detail", "expected {\"status\": 429|500|..., \"count\": K, \"retry_after\": S}"}});
      return;
    }
    std::lock_guard lock(m_mutex);
    Hook& hook = m_hooks[request.matches[1]];
    hook.fail_status = status;
    hook.fail_remaining = body.value("count", 1);
    hook.retry_after = body.value("retry_after", status == 429 ? 1 : 0);
    reply_json(response, 200,
               {{"status", hook.fail_status}, {"count", hook.fail_remaining}, {"retry_after", hook.retry_after}});
  });
  server.Get(R"(/lab/slack/([A-Za-z0-9_-]+)/messages)", [this](const httplib::Request& request,
                                                               httplib::Response& response) {
    std::lock_guard lock(m_mutex);
    const Hook& hook = m_hooks[request.matches[1]];
    reply_json(response, 200, {{"messages", hook.messages}, {"attempts", hook.attempts}, {"refused", hook.refused}});
  });
  server.Delete(R"(/lab/slack/([A-Za-z0-9_-]+)/messages)",
                [this](const httplib::Request& request, httplib::Response& response) {
                  std::lock_guard lock(m_mutex);
                  m_hooks.erase(request.matches[1]);
                  response.status = 204;
                });
}

}  // namespace nbsync::lab

#include "lab/webhook_sender.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <optional>
#include <regex>

namespace nbsync::lab {
namespace {

using json = nlohmann::json;

struct Target {
  std::string host;
  int port = 80;
  std::string path;
};

// http://127.x.y.z:port/path or http://localhost or http://[::1]; nothing else.
std::optional<Target> loopback_target(const std::string& url) {
  static const std::regex k_url(R"(^http://(127\.\d+\.\d+\.\d+|localhost|\[::1\])(?::(\d+))?(/.*)?$)");
  std::smatch match;
  if (!std::regex_match(url, match, k_url)) {
    return std::nullopt;
  }
  Target target;
  target.host = match[1].str() == "[::1]" ? "::1" : match[1].str();
  target.port = match[2].matched ? std::stoi(match[2].str()) : 80;
  target.path = match[3].matched ? match[3].str() : "/";
  return target;
}

}  // namespace

std::string hook_signature(const std::string& secret, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha512(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &length);
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string text;
  for (unsigned int i = 0; i < length; ++i) {
    text += k_hex[digest[i] >> 4];
    text += k_hex[digest[i] & 0x0f];
  }
  return text;
}

WebhookSender::~WebhookSender() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

void WebhookSender::enqueue(std::vector<WebhookCall> calls) {
  if (calls.empty()) {
    return;
  }
  {
    std::lock_guard lock(m_mutex);
    for (auto& call : calls) {
      m_queue.push_back(std::move(call));
    }
    if (!m_thread.joinable()) {
      m_thread = std::thread([this] { run(); });
    }
  }
  m_wake.notify_all();
}

void WebhookSender::run() {
  std::unique_lock lock(m_mutex);
  while (true) {
    m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
    if (m_stopping) {
      return;
    }
    const WebhookCall call = std::move(m_queue.front());
    m_queue.pop_front();
    lock.unlock();
    json delivery = deliver(call);
    lock.lock();
    m_deliveries.push_back(std::move(delivery));
  }
}

json WebhookSender::deliver(const WebhookCall& call) {
  json delivery = {{"webhook", call.webhook}, {"object_id", call.object_id}, {"status", 0}, {"error", ""}};
  const auto target = loopback_target(call.url);
  if (!target) {
    delivery["error"] = "refused: the lab sends webhooks only to http:// on loopback";
    return delivery;
  }
  httplib::Client client(target->host, target->port);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(10, 0);
  httplib::Headers headers;
  if (!call.secret.empty()) {
    headers.emplace("X-Hook-Signature", hook_signature(call.secret, call.body));
  }
  httplib::Request request;
  request.method = call.method;
  request.path = target->path;
  request.headers = headers;
  request.body = call.body;
  request.set_header("Content-Type", call.content_type);
  const auto result = client.send(request);
  if (!result) {
    delivery["error"] = httplib::to_string(result.error());
    return delivery;
  }
  delivery["status"] = result->status;
  return delivery;
}

void WebhookSender::register_routes(httplib::Server& server) {
  server.Get("/lab/webhook-deliveries", [this](const httplib::Request&, httplib::Response& response) {
    std::lock_guard lock(m_mutex);
    response.set_content(json{{"deliveries", m_deliveries}, {"queued", m_queue.size()}}.dump(), "application/json");
  });
  server.Delete("/lab/webhook-deliveries", [this](const httplib::Request&, httplib::Response& response) {
    std::lock_guard lock(m_mutex);
    m_deliveries.clear();
    response.status = 204;
  });
}

}  // namespace nbsync::lab

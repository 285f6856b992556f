#include "http/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "http/redact.hpp"

namespace nbsync::http {
namespace {

void init_curl_once() {
  static std::once_flag flag;
  std::call_once(flag, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  HttpResponse* response;
  std::size_t max_bytes;
  bool over_limit = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (transfer->response->body.size() + n > transfer->max_bytes) {
    transfer->over_limit = true;
    return 0;  // aborts the transfer
  }
  transfer->response->body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  std::string_view line(data, n);
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    if (line.starts_with("HTTP/")) {
      transfer->response->headers.clear();  // a new response (after a redirect or 100-continue)
    }
    return n;
  }
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
    value.remove_prefix(1);
  }
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
    value.remove_suffix(1);
  }
  transfer->response->headers[name] = std::string(value);
  return n;
}

}  // namespace

struct HttpClient::Handle {
  CURL* curl = nullptr;
  ~Handle() {
    if (curl != nullptr) {
      curl_easy_cleanup(curl);
    }
  }
};

std::optional<std::string> HttpResponse::header(const std::string& lower_name) const {
  if (auto it = headers.find(lower_name); it != headers.end()) {
    return it->second;
  }
  return std::nullopt;
}

std::optional<std::chrono::seconds> HttpResponse::retry_after() const {
  const auto value = header("retry-after");
  if (!value || value->empty() ||
      !std::all_of(value->begin(), value->end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  return std::chrono::seconds(std::stoll(*value));
}

std::string describe(const HttpRequest& request) {
  std::string out = request.method;
  if (!request.name.empty()) {
    out.append(" ").append(request.name);
  }
  if (request.url_is_printable) {
    out.append(request.name.empty() ? " " : " (").append(redact_url(request.url));
    if (!request.name.empty()) {
      out.append(")");
    }
  } else if (request.name.empty()) {
    out.append(" (URL not shown)");
  }
  return out;
}

HttpClient::HttpClient(HttpClientOptions options)
    : m_options(std::move(options)), m_handle(std::make_unique<Handle>()) {
  init_curl_once();
  m_handle->curl = curl_easy_init();
}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::send(const HttpRequest& request) {
  HttpResponse response;
  CURL* curl = m_handle->curl;
  if (curl == nullptr) {
    response.error = "libcurl could not be initialised";
    return response;
  }
  curl_easy_reset(curl);  // keeps the connection cache, clears the previous request's options

  Transfer transfer{&response, m_options.max_response_bytes};
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_options.connect_timeout.count()));
  const auto timeout = std::min(m_options.total_timeout, request.timeout.value_or(m_options.total_timeout));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<std::int64_t>(1, timeout.count())));
  curl_easy_setopt(curl, CURLOPT_USERAGENT, m_options.user_agent.c_str());
  // gzip only: cheap to decode, what NetBox behind nginx sends; brotli at a server's
  // maximum quality can cost seconds per page to produce.
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "gzip");
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, m_options.verify_tls ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, m_options.verify_tls ? 2L : 0L);
  if (!m_options.ca_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, m_options.ca_file.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);

  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }

  curl_slist* header_list = nullptr;
  for (const auto& [name, value] : request.headers) {
    header_list = curl_slist_append(header_list, (name + ": " + value).c_str());
  }
  header_list = curl_slist_append(header_list, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list);

  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(header_list);

  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (code == CURLE_OK) {
    response.status = status;
    return response;
  }
  const std::string where = describe(request);
  if (transfer.over_limit) {
    response.error = where + ": response larger than " + std::to_string(m_options.max_response_bytes) + " bytes";
  } else {
    response.error = where + ": " + curl_easy_strerror(code);
  }
  if (code == CURLE_PARTIAL_FILE || code == CURLE_RECV_ERROR) {
    response.body_truncated = status != 0;
  }
  response.status = 0;  // an incomplete answer is no answer
  return response;
}

}  // namespace nbsync::http

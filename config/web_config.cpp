#include <arpa/inet.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "config/detail/web_config_reader.hpp"

namespace nbsync::detail {
namespace {

std::chrono::seconds seconds(const std::chrono::milliseconds& value) {
  return std::chrono::duration_cast<std::chrono::seconds>(value);
}

// A readable file for `key`, or a clear failure naming it.
std::filesystem::path readable_file(ConfigReader& reader, std::string_view key, const std::filesystem::path& file) {
  std::error_code error;
  if (std::filesystem::is_directory(file, error)) {
    reader.fail(key, file.string() + " is a directory; expected a PEM file");
  }
  std::ifstream stream(file);
  if (!stream) {
    reader.fail(key, "cannot read " + file.string() + " (" + std::strerror(errno) +
                         "); give a PEM file the user running nbsync can read");
  }
  return file;
}

void read_tls(ConfigReader& reader, WebConfig& web) {
  const auto cert = reader.path("cert_file");
  const auto key = reader.path("key_file");
  if (cert.has_value() != key.has_value()) {
    reader.fail(cert ? "key_file" : "cert_file",
                "HTTPS needs both cert_file (the PEM certificate) and key_file (its PEM private key); set both, or "
                "neither to serve plain HTTP");
  }
  if (cert) {
    web.cert_file = readable_file(reader, "cert_file", *cert);
    web.key_file = readable_file(reader, "key_file", *key);
  }
}

// Each an IPv4 or IPv6 address (no names: a proxy is believed by its address alone).
std::vector<std::string> trusted_proxies(ConfigReader& reader, const std::vector<std::string>& addresses) {
  for (const auto& address : addresses) {
    std::array<unsigned char, 16> bytes{};
    if (inet_pton(AF_INET, address.c_str(), bytes.data()) != 1 &&
        inet_pton(AF_INET6, address.c_str(), bytes.data()) != 1) {
      reader.fail("trusted_proxies", "\"" + address +
                                         "\" is not an IP address; list the addresses the reverse proxies reach "
                                         "nbsync from, e.g. [\"127.0.0.1\", \"::1\"]");
    }
  }
  return addresses;
}

}  // namespace

WebConfig read_web(ConfigReader& reader) {
  WebConfig web;
  if (auto listen = reader.listen_address("listen")) {
    web.listen = *listen;
  }
  if (auto base_url = reader.string("base_url")) {
    if (!base_url->empty() && !base_url->starts_with("http://") && !base_url->starts_with("https://")) {
      reader.fail("base_url",
                  "expected the http(s):// URL browsers reach the viewer at, e.g. "
                  "\"https://nbsync.example.com\", got \"" +
                      *base_url + "\"");
    }
    while (!base_url->empty() && base_url->back() == '/') {
      base_url->pop_back();
    }
    web.base_url = *base_url;
  }
  if (auto idle = reader.duration("session_idle")) {
    web.session_idle = seconds(*idle);
  }
  if (auto max = reader.duration("session_max")) {
    web.session_max = seconds(*max);
  }
  if (web.session_idle < std::chrono::seconds(1) || web.session_max < web.session_idle) {
    reader.fail("session_max", "expected session_idle of at least 1s and session_max of at least session_idle");
  }
  if (auto cache = reader.duration("permission_cache")) {
    web.permission_cache = seconds(*cache);
  }
  if (auto proxies = reader.string_list("trusted_proxies")) {
    web.trusted_proxies = trusted_proxies(reader, *proxies);
  }
  read_tls(reader, web);
  reader.finish();
  return web;
}

}  // namespace nbsync::detail

#include <stdexcept>

#include "config/detail/web_config_reader.hpp"
#include "types/listen_address.hpp"

namespace nbsync::detail {
namespace {

std::chrono::seconds seconds(const std::chrono::milliseconds& value) {
  return std::chrono::duration_cast<std::chrono::seconds>(value);
}

}  // namespace

WebConfig read_web(ConfigReader& reader) {
  WebConfig web;
  if (auto listen = reader.string("listen")) {
    if (!listen->empty()) {
      try {
        parse_listen_address(*listen);
      } catch (const std::invalid_argument& e) {
        reader.fail("listen", e.what());
      }
    }
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
  reader.finish();
  return web;
}

}  // namespace nbsync::detail

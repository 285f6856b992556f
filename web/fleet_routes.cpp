// The Viewer's fleet routes: cycles, failing devices, changes, search, compliance and drift, as
// HTML and JSON, each filtered to the devices NetBox lists for the signed-in token.
#include <charconv>
#include <chrono>
#include <cstdint>

#include "storage/config_grep.hpp"
#include "web/changes_window.hpp"
#include "web/fleet_json.hpp"
#include "web/fleet_pages.hpp"
#include "web/utc_time.hpp"
#include "web/viewer.hpp"

namespace nbsync::web {
namespace {

constexpr const char* k_html = "text/html; charset=utf-8";
constexpr std::size_t k_max_limit = 1000;

// A query parameter's value, `fallback` when absent.
std::string param(const httplib::Request& request, const char* name, const std::string& fallback = "") {
  return request.has_param(name) ? request.get_param_value(name) : fallback;
}

// A whole number in [minimum, maximum] from a query parameter, `fallback` when absent.
std::optional<std::size_t> count_param(const httplib::Request& request, const char* name, std::size_t fallback,
                                       std::size_t minimum, std::size_t maximum) {
  if (!request.has_param(name)) {
    return fallback;
  }
  const std::string text = request.get_param_value(name);
  std::size_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value < minimum || value > maximum) {
    return std::nullopt;
  }
  return value;
}

storage::DeviceFilter filter_params(const httplib::Request& request) {
  return {request.get_param_value("platform"), request.get_param_value("site"), request.get_param_value("role")};
}

// What `query` answers on the open database; the empty answer before the first cycle.
template <typename Answer, typename Query>
Answer read_answer(HistorySource& history, const Query& query) {
  Answer answer;
  history.read(
      [&](storage::Database& database, storage::ConfigHistory& configs) { answer = query(database, configs); });
  return answer;
}

// The JSON twin (`api`) or the page, each built only when it is the one sent.
template <typename Json, typename Page>
void send(httplib::Response& response, bool api, const Json& json, const Page& page) {
  if (api) {
    response.set_content(json().dump(), "application/json");
  } else {
    response.set_content(page(), k_html);
  }
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

std::optional<Viewer::FleetAsk> Viewer::fleet_ask(const httplib::Request& request, httplib::Response& response,
                                                  Kind kind, std::size_t default_limit) {
  const auto signed_in = signed_in_caller(request, response, kind);
  if (!signed_in) {
    return std::nullopt;
  }
  const auto offset = count_param(request, "offset", 0, 0, SIZE_MAX / 2);
  const auto limit = count_param(request, "limit", default_limit, 1, k_max_limit);
  if (!offset || !limit) {
    refuse(request, response, kind, 400,
           "offset must be a whole number from 0, and limit one from 1 to " + std::to_string(k_max_limit) + ".");
    return std::nullopt;
  }
  const auto now = Clock::now();
  auto visible = m_sessions.cached_visible_devices(signed_in->session_id, now);
  if (!visible) {
    VisibleDevices asked = m_netbox.visible_devices(signed_in->token);
    if (asked.answer == NetboxAnswer::unreachable) {
      refuse(request, response, kind, 503,
             "NetBox could not be asked which devices you may see (" + asked.reason + "); try again.");
      return std::nullopt;
    }
    visible = std::make_shared<const DeviceIds>(std::move(asked.ids));
    m_sessions.remember_visible_devices(signed_in->session_id, visible, now);
  }
  return FleetAsk{std::move(visible), {*offset, *limit}};
}

void Viewer::cycles(const httplib::Request& request, httplib::Response& response, Kind kind) {
  const auto ask = fleet_ask(request, response, kind, 10);
  if (!ask) {
    return;
  }
  const auto answer = read_answer<CyclesAnswer>(
      m_history, [&](storage::Database& database, auto&) { return read_cycles(database, *ask->visible, ask->slice); });
  send(
      response, kind == Kind::api, [&] { return cycles_json(answer, ask->slice); },
      [&] { return cycles_page(frame(true), answer, ask->slice); });
}

void Viewer::failing(const httplib::Request& request, httplib::Response& response, Kind kind) {
  const auto ask = fleet_ask(request, response, kind, 100);
  if (!ask) {
    return;
  }
  const auto answer = read_answer<FailingAnswer>(
      m_history, [&](storage::Database& database, auto&) { return read_failing(database, *ask->visible, ask->slice); });
  send(
      response, kind == Kind::api, [&] { return failing_json(answer, ask->slice); },
      [&] { return failing_page(frame(true), answer, ask->slice); });
}

void Viewer::changes(const httplib::Request& request, httplib::Response& response, Kind kind) {
  const auto ask = fleet_ask(request, response, kind, 100);
  if (!ask) {
    return;
  }
  const ChangesQuery query{{param(request, "since", "24h"), param(request, "from"), param(request, "to")},
                           filter_params(request)};
  const auto asked = changes_window(query.time, unix_now());
  if (const auto* problem = std::get_if<std::string>(&asked)) {
    return refuse(request, response, kind, 400, *problem);
  }
  const auto& window = std::get<ChangesWindow>(asked);
  const auto answer = read_answer<ChangesAnswer>(m_history, [&](auto&, storage::ConfigHistory& history) {
    return read_changes(history, *ask->visible, window, query.filter, ask->slice);
  });
  send(
      response, kind == Kind::api, [&] { return changes_json(answer, window, ask->slice); },
      [&] { return changes_page(frame(true), query, window, answer, ask->slice); });
}

void Viewer::search(const httplib::Request& request, httplib::Response& response, Kind kind) {
  const auto ask = fleet_ask(request, response, kind, 200);
  if (!ask) {
    return;
  }
  const SearchQuery query{request.get_param_value("q"), filter_params(request)};
  if (query.regex.empty() && kind == Kind::html) {
    return response.set_content(search_page(frame(true), query, std::nullopt, "", ask->slice), k_html);
  }
  Pattern pattern;
  try {
    pattern = storage::compile_search_pattern(query.regex);
  } catch (const std::invalid_argument& e) {
    if (kind == Kind::api) {
      return refuse(request, response, kind, 400, std::string(e.what()) + " (pass the pattern as q=...)");
    }
    response.status = 400;
    return response.set_content(search_page(frame(true), query, std::nullopt, e.what(), ask->slice), k_html);
  }
  const auto answer = read_answer<SearchAnswer>(m_history, [&](storage::Database& database, auto&) {
    return search_configs(database, *ask->visible, query.regex, pattern, query.filter, ask->slice);
  });
  send(
      response, kind == Kind::api, [&] { return search_json(answer, query.regex, ask->slice); },
      [&] { return search_page(frame(true), query, answer, "", ask->slice); });
}

void Viewer::compliance(const httplib::Request& request, httplib::Response& response, Kind kind) {
  const auto ask = fleet_ask(request, response, kind, 100);
  if (!ask) {
    return;
  }
  const auto answer = read_answer<ComplianceAnswer>(m_history, [&](storage::Database& database, auto&) {
    return read_compliance(database, *ask->visible, ask->slice);
  });
  send(
      response, kind == Kind::api, [&] { return compliance_json(answer, ask->slice); },
      [&] { return compliance_page(frame(true), answer, ask->slice); });
}

void Viewer::drift(const httplib::Request& request, httplib::Response& response, Kind kind) {
  const auto ask = fleet_ask(request, response, kind, 100);
  if (!ask) {
    return;
  }
  DriftQuery query{request.has_param("by") ? request.get_param_value("by") : "site", filter_params(request)};
  if (query.by != "site" && query.by != "role" && query.by != "platform") {
    return refuse(request, response, kind, 400, "by must be site, role or platform.");
  }
  const auto answer = read_answer<DriftAnswer>(m_history, [&](storage::Database& database, auto&) {
    return read_drift(database, *ask->visible, query, ask->slice);
  });
  send(
      response, kind == Kind::api, [&] { return drift_json(answer, query, ask->slice); },
      [&] { return drift_page(frame(true), query, answer, ask->slice); });
}

}  // namespace nbsync::web

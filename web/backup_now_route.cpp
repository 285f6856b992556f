// The Viewer's "Back up now" route: POST /devices/{id}/backup-now from the device page.
#include <spdlog/spdlog.h>

#include "web/backup_now_form.hpp"
#include "web/viewer.hpp"

namespace nbsync::web {

void Viewer::backup_now(const httplib::Request& request, httplib::Response& response) {
  const auto device = visible_device(request, response, Kind::html);
  if (!device) {
    return;
  }
  const auto signed_in = caller(request);
  httplib::Params form;
  httplib::detail::parse_query_text(request.body, form);
  const auto given = form.find(k_form_token_field);
  if (!signed_in || given == form.end() ||
      !form_token_matches(given->second, m_sessions.form_token(signed_in->session_id))) {
    spdlog::info("web: back up now of {} from {} refused: no or a wrong form token", device->device.name,
                 request.remote_addr);
    return refuse(request, response, Kind::html, 403,
                  "This request did not come from this viewer's device page; open the page again and press the "
                  "button there.");
  }
  const TokenCheck asked = m_netbox.ask_backup_now(signed_in->token, device->device.id);
  const std::string name = device->device.name;
  if (asked.answer == NetboxAnswer::unreachable) {
    spdlog::warn("web: back up now of {}: NetBox could not be asked: {}", name, asked.reason);
    return refuse(request, response, Kind::html, 503, "NetBox could not be asked to back up " + name + "; try again.");
  }
  if (asked.answer == NetboxAnswer::no) {
    spdlog::info("web: back up now of {} from {}: NetBox refused: {}", name, request.remote_addr, asked.reason);
    return refuse(
        request, response, Kind::html, 403,
        "NetBox does not let your token change " + name + " (" + asked.reason + "), so it cannot ask for its backup.");
  }
  spdlog::info("web: back up now of {} asked through NetBox from {}", name, request.remote_addr);
  const std::string link = m_prefix + "/devices/" + std::to_string(device->device.id);
  response.set_content(html_page(frame(true), "Back up now: " + name,
                                 "<p>NetBox took your request: " + escape_html(name) +
                                     " is backed up within seconds, and its NetBox journal says who asked and what "
                                     "came of it.</p>\n<p><a href=\"" +
                                     escape_html(link) + "\">Back to " + escape_html(name) + "</a></p>\n"),
                       "text/html; charset=utf-8");
}

}  // namespace nbsync::web

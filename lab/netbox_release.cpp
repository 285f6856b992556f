#include "lab/netbox_release.hpp"

#include <stdexcept>

namespace nbsync::lab {
namespace {

using json = nlohmann::json;

// GET /api/status/ of a real NetBox 3.7.8 (shared/netbox/real/status.json).
json status_3_7() {
  return {{"django-version", "4.2.21"},
          {"installed-apps",
           {{"django_filters", "23.1"},
            {"django_rq", "2.7.0"},
            {"django_tables2", "2.4.1"},
            {"drf_spectacular", "0.25.1"},
            {"mptt", "0.13.2"},
            {"rest_framework", "3.14.0"},
            {"social_django", "5.0.0"},
            {"taggit", "3.1.0"},
            {"timezone_field", "5.0"}}},
          {"netbox-version", "3.7.8"},
          {"plugins", json::object()},
          {"python-version", "3.11.2"},
          {"rq-workers-running", 1}};
}

json status_4_2() {
  return {{"django-version", "5.1.5"},
          {"installed-apps",
           {{"django_filters", "24.3"},
            {"django_tables2", "2.7.5"},
            {"drf_spectacular", "0.28.0"},
            {"rest_framework", "3.15.2"},
            {"social_django", "5.4.2"},
            {"taggit", "6.1.0"}}},
          {"netbox-version", "4.2.2"},
          {"netbox-full-version", "4.2.2"},
          {"plugins", json::object()},
          {"python-version", "3.12.3"},
          {"rq-workers-running", 1}};
}

// 4.4 renamed installed-apps to installed_apps and added hostname.
json status_4_7() {
  return {{"django-version", "5.2.8"},
          {"hostname", "netbox"},
          {"installed_apps",
           {{"django_filters", "25.1"},
            {"django_tables2", "2.7.5"},
            {"drf_spectacular", "0.28.0"},
            {"rest_framework", "3.16.1"},
            {"social_django", "5.4.3"},
            {"taggit", "6.1.0"}}},
          {"netbox-version", "4.7.2"},
          {"netbox-full-version", "4.7.2"},
          {"plugins", json::object()},
          {"python-version", "3.12.3"},
          {"rq-workers-running", 1}};
}

}  // namespace

const std::vector<std::string>& NetboxRelease::emulated_releases() {
  static const std::vector<std::string> k_releases = {"3.7", "4.2", "4.7"};
  return k_releases;
}

NetboxRelease::NetboxRelease(const std::string& major_minor) : m_api(major_minor) {
  if (major_minor == "3.7") {
    m_major = 3;
    m_minor = 7;
    m_full = "3.7.8";
  } else if (major_minor == "4.2") {
    m_major = 4;
    m_minor = 2;
    m_full = "4.2.2";
  } else if (major_minor == "4.7") {
    m_major = 4;
    m_minor = 7;
    m_full = "4.7.2";
  } else {
    throw std::invalid_argument("NetBox " + major_minor + " is not emulated (3.7, 4.2 or 4.7)");
  }
}

json NetboxRelease::status_body() const {
  return v3() ? status_3_7() : m_minor < 7 ? status_4_2() : status_4_7();
}

}  // namespace nbsync::lab

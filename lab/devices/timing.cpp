#include "lab/devices/timing.hpp"

#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <toml++/toml.h>

#include "lab/devices/detail/random.hpp"

namespace nbsync::lab {
namespace {

// Reads one [default] or [platforms.<slug>] table over `base`; errors name "table.key".
class TableReader {
public:
  TableReader(const toml::table& table, std::string where, const std::string& source)
      : m_table(table), m_where(std::move(where)), m_source(source) {}

  PlatformTiming read(PlatformTiming t) const {
    check_keys();
    range("banner_ms", t.banner_ms);
    range("auth_ms", t.auth_ms);
    range("think_ms", t.think_ms);
    number("think_ms_per_kb", t.think_ms_per_kb);
    range("output_bytes_per_s", t.output_bytes_per_s);
    double vty = t.vty_lines;
    number("vty_lines", vty);
    t.vty_lines = static_cast<int>(vty);
    number("aaa_timeout_ms", t.aaa_timeout_ms);
    number("long_tail_share", t.long_tail_share);
    if (t.long_tail_share > 1) {
      fail("long_tail_share", "must be a share in [0, 1]");
    }
    range("long_tail_s", t.long_tail_s);
    return t;
  }

private:
  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw std::invalid_argument("timing file " + m_source + ": " + m_where + "." + key + " " + what);
  }

  void check_keys() const {
    static const char* const known[] = {"banner_ms",          "auth_ms",   "think_ms",       "think_ms_per_kb",
                                        "output_bytes_per_s", "vty_lines", "aaa_timeout_ms", "long_tail_share",
                                        "long_tail_s"};
    for (const auto& [key, value] : m_table) {
      bool found = false;
      for (const char* k : known) {
        found = found || key.str() == k;
      }
      if (!found) {
        fail(std::string(key.str()),
             "is not a timing key; known: banner_ms, auth_ms, think_ms, think_ms_per_kb, output_bytes_per_s, "
             "vty_lines, aaa_timeout_ms, long_tail_share, long_tail_s");
      }
    }
  }

public:
  // The [aaa] table: its one key.
  TimingRange aaa_logins_per_second() const {
    for (const auto& [key, value] : m_table) {
      if (key.str() != "logins_per_second") {
        fail(std::string(key.str()), "is not an [aaa] key; known: logins_per_second");
      }
    }
    TimingRange r;
    range("logins_per_second", r);
    return r;
  }

private:
  void number(const char* key, double& out) const {
    const auto* node = m_table.get(key);
    if (node == nullptr) {
      return;
    }
    const auto v = node->value<double>();
    if (!v || !(*v >= 0) || !std::isfinite(*v)) {
      fail(key, "must be a number >= 0");
    }
    out = *v;
  }

  void range(const char* key, TimingRange& out) const {
    const auto* node = m_table.get(key);
    if (node == nullptr) {
      return;
    }
    const auto* array = node->as_array();
    const auto lo = array != nullptr && array->size() == 2 ? (*array)[0].value<double>() : std::nullopt;
    const auto hi = array != nullptr && array->size() == 2 ? (*array)[1].value<double>() : std::nullopt;
    if (!lo || !hi || !(*lo >= 0) || !(*hi >= *lo) || !std::isfinite(*hi)) {
      fail(key, "must be [min, max] with 0 <= min <= max");
    }
    out = {*lo, *hi};
  }

  const toml::table& m_table;
  std::string m_where;
  const std::string& m_source;
};

double draw(const TimingRange& r, std::uint64_t hash) {
  const double u = detail::unit(hash);
  if (r.min <= 0) {
    return r.max * u;
  }
  return r.min * std::pow(r.max / r.min, u);
}

std::uint32_t draw_u32(const TimingRange& r, std::uint64_t seed, std::int64_t id, std::uint64_t salt) {
  return static_cast<std::uint32_t>(std::lround(draw(r, detail::mix({seed, static_cast<std::uint64_t>(id), salt}))));
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw std::invalid_argument("--timing: cannot read " + path +
                                "; use none, realistic or the path of a TOML timing file");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

bool DeviceTiming::instant() const {
  return banner_ms == 0 && auth_ms == 0 && think_ms == 0 && think_ms_per_kb == 0 && output_bytes_per_s == 0;
}

std::uint32_t DeviceTiming::think_ms_for(std::size_t config_bytes) const {
  return think_ms + static_cast<std::uint32_t>(think_ms_per_kb * (config_bytes / 1024));
}

nlohmann::json to_json(const DeviceTiming& t) {
  return {{"banner_ms", t.banner_ms},
          {"auth_ms", t.auth_ms},
          {"think_ms", t.think_ms},
          {"think_ms_per_kb", t.think_ms_per_kb},
          {"output_bytes_per_s", t.output_bytes_per_s},
          {"vty_lines", t.vty_lines},
          {"aaa_timeout_ms", t.aaa_timeout_ms},
          {"long_tail", t.long_tail}};
}

DeviceTiming device_timing_from_json(const nlohmann::json& j) {
  DeviceTiming t;
  t.banner_ms = j.at("banner_ms").get<std::uint32_t>();
  t.auth_ms = j.at("auth_ms").get<std::uint32_t>();
  t.think_ms = j.at("think_ms").get<std::uint32_t>();
  t.think_ms_per_kb = j.at("think_ms_per_kb").get<std::uint32_t>();
  t.output_bytes_per_s = j.at("output_bytes_per_s").get<std::uint32_t>();
  t.vty_lines = j.at("vty_lines").get<std::uint32_t>();
  t.aaa_timeout_ms = j.at("aaa_timeout_ms").get<std::uint32_t>();
  t.long_tail = j.at("long_tail").get<bool>();
  return t;
}

TimingModel TimingModel::load(const std::string& spec) {
  if (spec == "none" || spec.empty()) {
    return {};
  }
  if (spec == "realistic") {
    auto model = parse(realistic_timing_toml(), "realistic (lab/devices/timing_realistic.toml)");
    model.m_name = "realistic";
    return model;
  }
  return parse(read_file(spec), spec);
}

TimingModel TimingModel::parse(std::string_view text, const std::string& source) {
  toml::table file;
  try {
    file = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream where;
    where << e.source().begin;
    throw std::invalid_argument("timing file " + source + " " + where.str() + ": " + std::string(e.description()));
  }
  TimingModel model;
  model.m_name = source;
  model.m_enabled = true;
  for (const auto& [key, value] : file) {
    if (key.str() != "default" && key.str() != "platforms" && key.str() != "aaa") {
      throw std::invalid_argument("timing file " + source + ": unknown table [" + std::string(key.str()) +
                                  "]; known: [default], [platforms.<slug>], [aaa]");
    }
    if (!value.is_table()) {
      throw std::invalid_argument("timing file " + source + ": " + std::string(key.str()) + " must be a table");
    }
  }
  if (const auto* aaa = file["aaa"].as_table()) {
    model.m_aaa_logins_per_second = TableReader(*aaa, "[aaa]", source).aaa_logins_per_second();
  }
  if (const auto* defaults = file["default"].as_table()) {
    model.m_default = TableReader(*defaults, "[default]", source).read({});
  }
  if (const auto* platforms = file["platforms"].as_table()) {
    for (const auto& [slug, value] : *platforms) {
      const Platform p = platform_from_slug(slug.str());
      if (platform_slug(p) != slug.str() || !value.is_table()) {
        std::string known;
        for (const Platform each : k_all_platforms) {
          known.append(known.empty() ? "" : ", ").append(platform_slug(each));
        }
        throw std::invalid_argument("timing file " + source + ": [platforms." + std::string(slug.str()) +
                                    "] is not a table of a simulated platform; known: " + known);
      }
      model.m_platforms[p] =
          TableReader(*value.as_table(), "[platforms." + std::string(slug.str()) + "]", source).read(model.m_default);
    }
  }
  for (const Platform p : k_all_platforms) {
    model.m_platforms.try_emplace(p, model.m_default);
  }
  return model;
}

DeviceTiming TimingModel::for_device(std::uint64_t seed, std::int64_t id, Platform platform) const {
  if (!m_enabled) {
    return {};
  }
  const PlatformTiming& p = m_platforms.at(platform);
  DeviceTiming t;
  t.banner_ms = draw_u32(p.banner_ms, seed, id, 0x7b41ULL);
  t.auth_ms = draw_u32(p.auth_ms, seed, id, 0x7a07ULL);
  t.output_bytes_per_s = draw_u32(p.output_bytes_per_s, seed, id, 0x7b75ULL);
  t.vty_lines = static_cast<std::uint32_t>(p.vty_lines);
  t.aaa_timeout_ms = static_cast<std::uint32_t>(std::lround(p.aaa_timeout_ms));
  t.long_tail = detail::unit(detail::mix({seed, static_cast<std::uint64_t>(id), 0x7a11ULL})) < p.long_tail_share;
  if (t.long_tail) {
    t.think_ms = static_cast<std::uint32_t>(1000 * draw_u32(p.long_tail_s, seed, id, 0x7a1eULL));
  } else {
    t.think_ms = draw_u32(p.think_ms, seed, id, 0x7415ULL);
    t.think_ms_per_kb = static_cast<std::uint32_t>(std::lround(p.think_ms_per_kb));
  }
  return t;
}

double TimingModel::aaa_logins_per_second(std::uint64_t seed, std::string_view site) const {
  if (!m_enabled || m_aaa_logins_per_second.max <= 0) {
    return 0;
  }
  std::uint64_t site_hash = 0xcbf29ce484222325ULL;  // FNV-1a of the slug
  for (const char c : site) {
    site_hash = (site_hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  }
  return std::round(draw(m_aaa_logins_per_second, detail::mix({seed, site_hash, 0xaaa5ULL})));
}

}  // namespace nbsync::lab

#include "backup/platform_profile.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <set>
#include <sstream>

#include "backup/detail/shipped_profiles.hpp"
#include "types/toml_table_reader.hpp"

namespace nbsync::backup {
namespace {

// First words of commands that only read. Anything else is refused at load, so no
// profile (shipped or a user's) can make nbsync change a device.
constexpr std::array<std::string_view, 11> k_read_only_prefixes = {"show ", "display ", "get ",           "terminal ",
                                                                   "term ", "set cli ", "screen-length ", "no page",
                                                                   "cat ",  "/export",  "export"};

// FRR's shell running one show command: "vtysh -c 'show ...'" (or with double quotes), and
// nothing else: no second -c, no shell syntax that could start another command.
bool is_vtysh_show(const std::string& command) {
  for (const std::string_view quote : {"'", "\""}) {
    const std::string start = "vtysh -c " + std::string(quote) + "show ";
    if (command.starts_with(start) && command.ends_with(quote) && command.size() > start.size() + 1 &&
        command.find_first_of("'\"\n;&|`$<>\\", start.size()) == command.size() - 1) {
      return true;
    }
  }
  return false;
}

bool is_read_only(const std::string& command) {
  if (is_vtysh_show(command)) {
    return true;
  }
  std::string lower = command;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return std::any_of(k_read_only_prefixes.begin(), k_read_only_prefixes.end(), [&](std::string_view prefix) {
    return lower.starts_with(prefix) || lower == prefix.substr(0, prefix.size() - 1);
  });
}

class ProfileReader {
public:
  ProfileReader(const toml::table& table, std::string origin, std::string prefix)
      : m_table(table), m_origin(std::move(origin)), m_prefix(std::move(prefix)) {}

  [[noreturn]] void fail(std::string_view key, const std::string& message) const {
    const toml::node* node = m_table.get(key);
    std::string where = m_origin;
    if (node != nullptr && node->source().begin.line > 0) {
      where.append(":").append(std::to_string(node->source().begin.line));
    }
    throw ProfileError(where + ": " + m_prefix + std::string(key) + ": " + message);
  }

  std::string string(std::string_view key, bool required = false) {
    m_known.emplace(key);
    const toml::node* node = m_table.get(key);
    if (node == nullptr) {
      if (required) {
        fail(key, "missing (expected a string)");
      }
      return "";
    }
    if (!node->is_string()) {
      fail(key, "expected a string");
    }
    return *node->value<std::string>();
  }

  Pattern pattern(std::string_view key, bool required = false) {
    const std::string source = string(key, required);
    if (source.empty()) {
      return {};
    }
    try {
      return Pattern::compile(source);
    } catch (const std::invalid_argument& e) {
      fail(key, e.what());
    }
  }

  bool boolean(std::string_view key) {
    m_known.emplace(key);
    const toml::node* node = m_table.get(key);
    if (node == nullptr) {
      return false;
    }
    if (!node->is_boolean()) {
      fail(key, "expected true or false");
    }
    return *node->value<bool>();
  }

  std::vector<std::string> strings(std::string_view key) {
    m_known.emplace(key);
    std::vector<std::string> out;
    const toml::node* node = m_table.get(key);
    if (node == nullptr) {
      return out;
    }
    const toml::array* array = node->as_array();
    if (array == nullptr) {
      fail(key, "expected an array of strings");
    }
    for (const auto& item : *array) {
      if (!item.is_string()) {
        fail(key, "expected an array of strings");
      }
      out.push_back(*item.value<std::string>());
    }
    return out;
  }

  std::vector<Pattern> patterns(std::string_view key) {
    std::vector<Pattern> out;
    for (const auto& source : strings(key)) {
      try {
        out.push_back(Pattern::compile(source));
      } catch (const std::invalid_argument& e) {
        fail(key, e.what());
      }
    }
    return out;
  }

  const toml::table* table(std::string_view key) {
    m_known.emplace(key);
    const toml::node* node = m_table.get(key);
    if (node == nullptr) {
      return nullptr;
    }
    if (!node->is_table()) {
      fail(key, "expected a table");
    }
    return node->as_table();
  }

  const toml::array* tables(std::string_view key) {
    m_known.emplace(key);
    const toml::node* node = m_table.get(key);
    if (node == nullptr) {
      return nullptr;
    }
    if (!node->is_array() || !node->as_array()->is_array_of_tables()) {
      fail(key, "expected [[" + std::string(key) + "]] tables");
    }
    return node->as_array();
  }

  void finish() const {
    for (const auto& [key, value] : m_table) {
      if (!m_known.count(std::string(key.str()))) {
        std::string known;
        for (const auto& k : m_known) {
          known += (known.empty() ? "" : ", ") + k;
        }
        fail(key.str(), "unknown key (expected one of: " + known + ")");
      }
    }
  }

private:
  const toml::table& m_table;
  std::string m_origin;
  std::string m_prefix;
  std::set<std::string, std::less<>> m_known;
};

}  // namespace

namespace {

void read_commands(ProfileReader& reader, PlatformProfile& profile) {
  profile.paging_off = reader.strings("paging_off");
  profile.config_commands = reader.strings("config");
  if (profile.config_commands.empty()) {
    reader.fail("config", "missing (expected the command(s) that print the configuration)");
  }
  for (const auto* list : {&profile.paging_off, &profile.config_commands}) {
    for (const auto& command : *list) {
      if (!is_read_only(command)) {
        reader.fail(
            list == &profile.paging_off ? "paging_off" : "config",
            "'" + command + "' is not a read-only command; nbsync only sends show/display/get and terminal settings");
      }
    }
  }
  if (const auto exit = reader.string("exit"); !exit.empty()) {
    profile.exit_command = exit;
  }
}

void read_volatile_lines(ProfileReader& reader, PlatformProfile& profile) {
  profile.volatile_lines = reader.patterns("volatile");
  if (!profile.volatile_lines.empty()) {
    // Each alternative ends its own \Q quoting (a lone \E is ignored), so a pattern
    // such as '\Q+$' does not quote the ones after it.
    std::string any;
    for (const auto& pattern : profile.volatile_lines) {
      any.append(any.empty() ? "" : "|").append("(?:").append(pattern.source()).append("\\E)");
    }
    try {
      profile.any_volatile_line = Pattern::compile(any);
    } catch (const std::invalid_argument&) {
      reader.fail("volatile",
                  "each pattern compiles alone but not next to the others (an extended-mode '#' comment "
                  "runs past its pattern's end?); end the comment or move it into its own pattern");
    }
  }
}

void read_enable(ProfileReader& reader, const std::string& origin, PlatformProfile& profile) {
  if (const toml::table* enable = reader.table("enable")) {
    ProfileReader sub(*enable, origin, "enable.");
    profile.enable_command = sub.string("command", true);
    profile.enable_password_prompt = sub.pattern("password_prompt", true);
    sub.finish();
    if (profile.unprivileged_prompt.empty()) {
      reader.fail("enable", "needs unprivileged_prompt to know when to enable");
    }
  }
}

void read_masks(ProfileReader& reader, const std::string& origin, PlatformProfile& profile) {
  if (const toml::array* masks = reader.tables("mask")) {
    int index = 0;
    for (const auto& item : *masks) {
      ProfileReader sub(*item.as_table(), origin, "mask[" + std::to_string(index++) + "].");
      SecretMask mask{sub.pattern("pattern", true), sub.string("replace", true), sub.boolean("reencrypted_per_read")};
      sub.finish();
      profile.masks.push_back(std::move(mask));
    }
  }
}

void read_ssh(ProfileReader& reader, const std::string& origin, PlatformProfile& profile) {
  if (const toml::table* ssh = reader.table("ssh")) {
    ProfileReader sub(*ssh, origin, "ssh.");
    profile.ssh = {sub.string("key_exchange"), sub.string("host_keys"), sub.string("ciphers"), sub.string("macs")};
    sub.finish();
  }
}

void read_timeouts(ProfileReader& reader, const std::string& origin, PlatformProfile& profile) {
  const toml::table* table = reader.table("timeouts");
  if (table == nullptr) {
    return;
  }
  TomlTableReader sub(*table, [&origin, table](const toml::node* at, std::string_view key, const std::string& message) {
    throw ProfileError(toml_position(origin, at != nullptr ? *at : *table) + ": timeouts." + std::string(key) + ": " +
                       message);
  });
  profile.timeouts = {sub.duration("connect"), sub.duration("login"), sub.duration("command_idle"),
                      sub.duration("command")};
  if (const auto unknown = sub.unknown_key()) {
    sub.fail_at(unknown->node, unknown->key, "unknown key (expected one of: connect, login, command_idle, command)");
  }
}

toml::table parse_toml(const std::string& toml_text, const std::string& origin) {
  try {
    return toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    throw ProfileError(origin + ":" + std::to_string(e.source().begin.line) +
                       ": TOML syntax error: " + std::string(e.description()));
  }
}

}  // namespace

std::shared_ptr<const PlatformProfile> parse_profile(const std::string& toml_text, const std::string& origin) {
  const toml::table root = parse_toml(toml_text, origin);
  auto profile = std::make_shared<PlatformProfile>();
  ProfileReader reader(root, origin, "");
  profile->source = origin;
  profile->name = reader.string("name", true);
  profile->description = reader.string("description");
  const std::string transport = reader.string("transport");
  if (transport == "exec") {
    profile->transport = PlatformProfile::Transport::exec;
  } else if (transport == "exec_first") {
    profile->transport = PlatformProfile::Transport::exec_first;
  } else if (!transport.empty() && transport != "shell") {
    reader.fail("transport", "expected \"shell\", \"exec\" or \"exec_first\", got \"" + transport + "\"");
  }
  profile->prompt = reader.pattern("prompt", profile->transport != PlatformProfile::Transport::exec);
  profile->type_ahead = reader.boolean("type_ahead");
  if (profile->type_ahead && profile->transport == PlatformProfile::Transport::exec) {
    reader.fail("type_ahead", "applies to the shell; transport \"exec\" types nothing");
  }
  profile->unprivileged_prompt = reader.pattern("unprivileged_prompt");
  profile->more = reader.pattern("more");
  profile->error = reader.pattern("error");
  read_commands(reader, *profile);
  profile->config_start = reader.pattern("config_start");
  profile->config_end = reader.pattern("config_end");
  read_volatile_lines(reader, *profile);
  read_enable(reader, origin, *profile);
  read_masks(reader, origin, *profile);
  read_ssh(reader, origin, *profile);
  read_timeouts(reader, origin, *profile);
  reader.finish();
  return profile;
}

ProfileRegistry ProfileRegistry::shipped() {
  ProfileRegistry registry;
  for (const auto& [file, text] : detail::shipped_profiles()) {
    auto profile = parse_profile(std::string(text), "backup/profiles/" + std::string(file));
    registry.m_profiles[profile->name] = std::move(profile);
  }
  return registry;
}

void ProfileRegistry::load_directory(const std::filesystem::path& directory) {
  std::error_code error;
  if (!std::filesystem::is_directory(directory, error)) {
    throw ProfileError(directory.string() + ": not a directory (ssh.profiles_dir)");
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.path().extension() == ".toml") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      throw ProfileError(file.string() + ": cannot read the profile");
    }
    auto profile = parse_profile(text.str(), file.string());
    m_profiles[profile->name] = std::move(profile);
  }
}

std::shared_ptr<const PlatformProfile> ProfileRegistry::find(const std::string& name) const {
  const auto it = m_profiles.find(name);
  return it == m_profiles.end() ? nullptr : it->second;
}

std::vector<std::string> ProfileRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, profile] : m_profiles) {
    out.push_back(name);
  }
  return out;
}

}  // namespace nbsync::backup

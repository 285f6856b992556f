#include "lab/devices/device_shell.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <utility>
#include <vector>

#include "lab/devices/config_generator.hpp"

namespace nbsync::lab {
namespace {

std::vector<std::pair<std::size_t, std::string>> tokenize(const std::string& line) {
  std::vector<std::pair<std::size_t, std::string>> tokens;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') {
      ++i;
    }
    if (i >= line.size()) {
      break;
    }
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ') {
      ++i;
    }
    std::string token = line.substr(start, i - start);
    std::transform(token.begin(), token.end(), token.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    tokens.emplace_back(start, std::move(token));
  }
  return tokens;
}

// `token` abbreviates `word` (at least `min` characters).
bool is(const std::string& token, std::string_view word, std::size_t min) {
  return token.size() >= min && token.size() <= word.size() && word.substr(0, token.size()) == token;
}

bool parse_count(const std::string& s, int& out) {
  if (s.empty() || s.size() > 6) {
    return false;
  }
  int v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

// Splits "cmd | filter" into the command and whether "no-more" was among the filters.
std::string strip_pipes(const std::string& line, bool& no_more) {
  no_more = false;
  const auto bar = line.find('|');
  if (bar == std::string::npos) {
    return line;
  }
  if (line.find("no-more", bar) != std::string::npos) {
    no_more = true;
  }
  std::string command = line.substr(0, bar);
  while (!command.empty() && command.back() == ' ') {
    command.pop_back();
  }
  return command;
}

// One typed command: "| filters" split off, words lower-cased with their columns.
struct CommandLine {
  std::string text;
  bool no_more = false;
  std::vector<std::pair<std::size_t, std::string>> tokens;

  // Word i, or "" past the end.
  const std::string& arg(std::size_t i) const {
    static const std::string empty;
    return i < tokens.size() ? tokens[i].second : empty;
  }
};

CommandLine parse_command(const std::string& raw) {
  CommandLine command;
  command.text = strip_pipes(raw, command.no_more);
  command.tokens = tokenize(command.text);
  return command;
}

std::string plural(long n, const char* unit) {
  std::string s = std::to_string(n);
  s.append(" ").append(unit);
  if (n != 1) {
    s.append("s");
  }
  return s;
}

std::string huge_banner(const std::string& hostname) {
  std::string b;
  b.reserve(270000);
  const std::string rule(78, '#');
  while (b.size() < 256 * 1024) {
    b.append(rule).append("\n");
    b.append("#  ").append(hostname).append(": UNAUTHORIZED ACCESS TO THIS DEVICE IS PROHIBITED").append("\n");
    b.append("#  You must have explicit, authorized permission to access or configure this\n");
    b.append("#  device. All activities performed on this device are logged and monitored.\n");
    b.append("#\n");
  }
  b.append(rule).append("\n");
  return b;
}

}  // namespace

DeviceShell::DeviceShell(ShellOptions options) : m_options(std::move(options)) {
  m_privileged = m_options.platform == Platform::cisco_nxos || m_options.platform == Platform::juniper_junos ||
                 m_options.platform == Platform::generic;
  update_prompt();
}

void DeviceShell::update_prompt() {
  const auto& host = m_options.hostname;
  if (has(Fault::unexpected_prompt)) {
    m_prompt = "Selection [1-3]: ";
    return;
  }
  switch (m_options.platform) {
    case Platform::cisco_ios:
    case Platform::arista_eos:
      m_prompt = host + (m_privileged ? "#" : ">");
      break;
    case Platform::cisco_nxos:
      m_prompt = host + "# ";
      break;
    case Platform::juniper_junos:
      m_prompt = m_options.user + "@" + host + "> ";
      break;
    case Platform::generic:
      m_prompt = m_options.user + "@" + host + ":~$ ";
      break;
  }
}

void DeviceShell::emit(std::string_view text) {
  if (!m_options.pty) {
    m_out.append(text);
    return;
  }
  for (const char c : text) {
    if (c == '\n') {
      m_out.push_back('\r');
    }
    m_out.push_back(c);
  }
}

void DeviceShell::show_prompt() {
  update_prompt();
  emit(m_prompt);
}

void DeviceShell::start_shell() {
  if (has(Fault::hang_after_login)) {
    m_state = State::finished;
    m_end = End::hang;
    return;
  }
  if (has(Fault::huge_banner)) {
    emit(huge_banner(m_options.hostname));
  }
  if (has(Fault::unexpected_prompt)) {
    emit(
        "\n  Console server menu\n  ===================\n  1) Connect to port 1\n  2) Show port status\n  3) Exit\n\n");
    show_prompt();
    return;
  }
  const auto& host = m_options.hostname;
  switch (m_options.platform) {
    case Platform::cisco_ios:
      emit("\n*****************************************************************\n* ");
      emit(host);
      emit(
          ": authorized access only. Activity is logged. "
          "*\n*****************************************************************\n\n");
      break;
    case Platform::cisco_nxos:
      emit(
          "Cisco Nexus Operating System (NX-OS) Software\nTAC support: http://www.cisco.com/tac\n"
          "Copyright (C) 2002-2023, Cisco and/or its affiliates.\nAll rights reserved.\n"
          "The copyrights to certain works contained in this software are\nowned by other third parties and used and "
          "distributed under their own\nlicenses, such as open source.\n");
      break;
    case Platform::arista_eos:
      emit("Last login: Mon Nov 23 21:14:02 2026 from 10.0.0.10\n");
      emit(host);
      emit(": authorized access only. Activity is logged.\n");
      break;
    case Platform::juniper_junos:
      emit(
          "Last login: Mon Nov 23 21:14:02 2026 from 10.0.0.10\n--- JUNOS 21.4R3-S3.4 Kernel 64-bit  "
          "JNPR-12.1-20221020.2e4f0a3_buil\n");
      break;
    case Platform::generic:
      emit("Last login: Mon Nov 23 21:14:02 2026 from 10.0.0.10\n");
      break;
  }
  show_prompt();
}

void DeviceShell::start_exec(std::string_view command) {
  m_exec = true;
  m_privileged = true;
  update_prompt();
  if (has(Fault::hang_after_login)) {
    m_state = State::finished;
    m_end = End::hang;
    return;
  }
  execute(std::string(command));
  if (m_state == State::idle) {
    finish_command();
  }
}

void DeviceShell::feed(std::string_view input) {
  if (m_state == State::finished || m_end != End::none) {
    return;
  }
  m_in.append(input);
  process_input();
}

void DeviceShell::process_input() {
  std::size_t i = 0;
  while (i < m_in.size()) {
    if (m_state == State::streaming || m_state == State::finished || m_end != End::none) {
      break;
    }
    const char c = m_in[i++];
    if (c == '\n' && m_last_cr) {
      m_last_cr = false;
      continue;
    }
    m_last_cr = c == '\r';
    if (m_state == State::more) {
      pager_key(c);
      continue;
    }
    if (c == '\r' || c == '\n') {
      std::string line = std::move(m_line);
      m_line.clear();
      if (m_options.pty) {
        emit("\n");
      }
      if (m_state == State::password) {
        m_state = State::idle;
        if (line == m_options.enable_secret && !has(Fault::wrong_enable_secret)) {
          m_privileged = true;
          m_enable_failures = 0;
          show_prompt();
        } else if (++m_enable_failures >= 3) {
          m_enable_failures = 0;
          emit("% Bad secrets\n\n");
          show_prompt();
        } else {
          emit("Password: ");
          m_state = State::password;
        }
        continue;
      }
      execute(line);
      continue;
    }
    if (c == 0x7f || c == 0x08) {
      if (!m_line.empty()) {
        m_line.pop_back();
        if (m_options.pty && m_state != State::password) {
          emit_raw("\b \b");
        }
      }
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
      continue;
    }
    m_line.push_back(c);
    if (m_options.pty && m_state != State::password) {
      m_out.push_back(c);
    }
  }
  m_in.erase(0, i);
}

void DeviceShell::execute(const std::string& line) {
  if (has(Fault::unexpected_prompt)) {
    execute_menu(line);
    return;
  }
  switch (m_options.platform) {
    case Platform::cisco_ios:
      execute_ios(line);
      return;
    case Platform::cisco_nxos:
      execute_nxos(line);
      return;
    case Platform::arista_eos:
      execute_eos(line);
      return;
    case Platform::juniper_junos:
      execute_junos(line);
      return;
    case Platform::generic:
      execute_generic(line);
      return;
  }
}

void DeviceShell::invalid_at(const std::string& line, std::size_t token, std::string_view message) {
  const auto tokens = tokenize(line);
  std::size_t column = token < tokens.size() ? tokens[token].first : line.size();
  if (!m_exec) {
    column += m_prompt.size();
  }
  std::string caret(column, ' ');
  caret.append("^\n");
  emit(caret);
  emit(message);
  emit("\n");
  m_exit_status = 1;
  finish_command();
}

void DeviceShell::execute_ios(const std::string& raw) {
  const CommandLine command = parse_command(raw);
  if (command.tokens.empty()) {
    finish_command();
    return;
  }
  const std::string& line = command.text;
  const bool no_more = command.no_more;
  const auto& tokens = command.tokens;
  const std::string& w0 = command.arg(0);
  const auto arg = [&command](std::size_t i) -> const std::string& { return command.arg(i); };
  if (is(w0, "enable", 2)) {
    if (m_privileged) {
      finish_command();
    } else {
      emit("Password: ");
      m_state = State::password;
    }
  } else if (is(w0, "disable", 4)) {
    m_privileged = false;
    finish_command();
  } else if (is(w0, "exit", 3) || is(w0, "logout", 4) || is(w0, "quit", 4)) {
    m_state = State::finished;
    m_end = End::close;
  } else if (is(w0, "terminal", 3)) {
    int n = 0;
    if (tokens.size() < 2) {
      emit("% Incomplete command.\n\n");
      finish_command();
    } else if (is(arg(1), "length", 3) || is(arg(1), "width", 1)) {
      if (tokens.size() < 3) {
        emit("% Incomplete command.\n\n");
        finish_command();
      } else if (!parse_count(arg(2), n) || n > 512) {
        invalid_at(line, 2, "% Invalid input detected at '^' marker.");
      } else {
        if (is(arg(1), "length", 3)) {
          m_terminal_length = n;
        }
        finish_command();
      }
    } else if (is(arg(1), "monitor", 3) || is(arg(1), "no", 2)) {
      finish_command();
    } else {
      invalid_at(line, 1, "% Invalid input detected at '^' marker.");
    }
  } else if (is(w0, "show", 2)) {
    if (tokens.size() < 2) {
      emit("% Type \"show ?\" for a list of subcommands\n");
      finish_command();
    } else if (is(arg(1), "running-config", 3) && m_privileged) {
      show_config(no_more);
    } else if (is(arg(1), "version", 3)) {
      show_version();
    } else if (is(arg(1), "clock", 3)) {
      const std::time_t now = std::time(nullptr);
      std::tm tm{};
      gmtime_r(&now, &tm);
      char buf[64];
      std::strftime(buf, sizeof buf, "*%H:%M:%S.000 UTC %a %b %d %Y\n", &tm);
      emit(buf);
      finish_command();
    } else {
      invalid_at(line, 1, "% Invalid input detected at '^' marker.");
    }
  } else if (tokens.size() == 1) {
    emit("% Unknown command or computer name, or unable to find computer address\n");
    m_exit_status = 1;
    finish_command();
  } else {
    invalid_at(line, 0, "% Invalid input detected at '^' marker.");
  }
}

void DeviceShell::execute_nxos(const std::string& raw) {
  const CommandLine command = parse_command(raw);
  if (command.tokens.empty()) {
    finish_command();
    return;
  }
  const std::string& line = command.text;
  const bool no_more = command.no_more;
  const auto& tokens = command.tokens;
  const std::string& w0 = command.arg(0);
  const auto arg = [&command](std::size_t i) -> const std::string& { return command.arg(i); };
  int n = 0;
  if (is(w0, "exit", 3) || is(w0, "quit", 4)) {
    m_state = State::finished;
    m_end = End::close;
  } else if (is(w0, "terminal", 3) && (is(arg(1), "length", 3) || is(arg(1), "width", 1))) {
    if (tokens.size() < 3) {
      emit("% Incomplete command at '^' marker.\n");
      finish_command();
    } else if (!parse_count(arg(2), n) || n > 511) {
      invalid_at(line, 2, "% Invalid command at '^' marker.");
    } else {
      if (is(arg(1), "length", 3)) {
        m_terminal_length = n;
      }
      finish_command();
    }
  } else if (is(w0, "show", 2) && is(arg(1), "running-config", 3)) {
    show_config(no_more);
  } else if (is(w0, "show", 2) && is(arg(1), "version", 3)) {
    show_version();
  } else if (is(w0, "show", 2) || is(w0, "terminal", 3)) {
    invalid_at(line, 1, "% Invalid command at '^' marker.");
  } else {
    invalid_at(line, 0, "% Invalid command at '^' marker.");
  }
}

void DeviceShell::execute_eos(const std::string& raw) {
  const CommandLine command = parse_command(raw);
  if (command.tokens.empty()) {
    finish_command();
    return;
  }
  const bool no_more = command.no_more;
  const auto& tokens = command.tokens;
  const std::string& w0 = command.arg(0);
  const auto arg = [&command](std::size_t i) -> const std::string& { return command.arg(i); };
  int n = 0;
  if (is(w0, "enable", 2)) {
    m_privileged = true;
    finish_command();
  } else if (is(w0, "disable", 4)) {
    m_privileged = false;
    finish_command();
  } else if (is(w0, "exit", 3) || is(w0, "logout", 4) || is(w0, "quit", 4)) {
    m_state = State::finished;
    m_end = End::close;
  } else if (is(w0, "terminal", 3) && (is(arg(1), "length", 3) || is(arg(1), "width", 1))) {
    if (tokens.size() < 3) {
      emit("% Incomplete command\n");
      finish_command();
    } else if (!parse_count(arg(2), n) || n > 32767) {
      emit("% Invalid input\n");
      m_exit_status = 1;
      finish_command();
    } else {
      if (is(arg(1), "length", 3)) {
        m_terminal_length = n;
        emit(n == 0 ? "Pagination disabled.\n" : "Pagination enabled.\n");
      }
      finish_command();
    }
  } else if (is(w0, "show", 2) && is(arg(1), "running-config", 3)) {
    if (m_privileged) {
      show_config(no_more);
    } else {
      emit("% Invalid input (privileged mode required)\n");
      m_exit_status = 1;
      finish_command();
    }
  } else if (is(w0, "show", 2) && is(arg(1), "version", 3)) {
    show_version();
  } else if ((is(w0, "show", 2) || is(w0, "terminal", 3)) && tokens.size() < 2) {
    emit("% Incomplete command\n");
    m_exit_status = 1;
    finish_command();
  } else {
    emit("% Invalid input\n");
    m_exit_status = 1;
    finish_command();
  }
}

void DeviceShell::execute_junos(const std::string& raw) {
  const CommandLine command = parse_command(raw);
  if (command.tokens.empty()) {
    finish_command();
    return;
  }
  m_blank_line_before_prompt = true;
  const std::string& line = command.text;
  const bool no_more = command.no_more;
  const auto& tokens = command.tokens;
  const std::string& w0 = command.arg(0);
  const auto arg = [&command](std::size_t i) -> const std::string& { return command.arg(i); };
  int n = 0;
  if (is(w0, "exit", 3) || is(w0, "quit", 1)) {
    m_state = State::finished;
    m_end = End::close;
  } else if (is(w0, "set", 3) && is(arg(1), "cli", 3) &&
             (is(arg(2), "screen-length", 8) || is(arg(2), "screen-width", 8))) {
    if (tokens.size() < 4 || !parse_count(arg(3), n) || n > 100000) {
      invalid_at(line, 3, "syntax error, expecting <number>.");
      return;
    }
    if (is(arg(2), "screen-length", 8)) {
      m_terminal_length = n;
      emit("Screen length set to ");
    } else {
      emit("Screen width set to ");
    }
    emit(std::to_string(n));
    emit("\n");
    finish_command();
  } else if (is(w0, "show", 2) && is(arg(1), "configuration", 4)) {
    show_config(no_more);
  } else if (is(w0, "show", 2) && is(arg(1), "version", 3)) {
    show_version();
  } else if (is(w0, "show", 2) || is(w0, "set", 3)) {
    invalid_at(line, w0 == "set" && is(arg(1), "cli", 3) ? 2 : 1, "syntax error, expecting <command>.");
  } else {
    invalid_at(line, 0, "unknown command.");
  }
}

void DeviceShell::execute_generic(const std::string& line) {
  const auto tokens = tokenize(line);
  if (tokens.empty()) {
    finish_command();
    return;
  }
  const auto& w0 = tokens[0].second;
  if (w0 == "exit" || w0 == "logout") {
    m_state = State::finished;
    m_end = End::close;
  } else if (line == show_config_command(Platform::generic)) {
    show_config(true);
  } else if (w0 == "uname") {
    emit("Linux ");
    emit(m_options.hostname);
    emit(" 5.10.0-26-amd64 #1 SMP Debian 5.10.197-1 x86_64 GNU/Linux\n");
    finish_command();
  } else {
    emit("-sh: ");
    emit(tokens[0].second);
    emit(": not found\n");
    m_exit_status = 127;
    finish_command();
  }
}

void DeviceShell::execute_menu(const std::string& line) {
  if (line == "3") {
    m_state = State::finished;
    m_end = End::close;
    return;
  }
  if (line == "1") {
    emit("Port 1 is in use by another session.\n\n");
  } else if (line == "2") {
    emit("Port 1: connected, 9600 8N1\n\n");
  } else if (!line.empty()) {
    emit("Invalid selection.\n\n");
  }
  m_exit_status = 1;
  finish_command();
}

std::string DeviceShell::uptime() const {
  const long s = static_cast<long>(std::time(nullptr) - m_options.boot_time);
  std::string u = plural(s / 604800, "week");
  u.append(", ").append(plural((s / 86400) % 7, "day")).append(", ").append(plural((s / 3600) % 24, "hour"));
  u.append(", ").append(plural((s / 60) % 60, "minute"));
  return u;
}

void DeviceShell::show_version() {
  std::string v;
  const auto& host = m_options.hostname;
  switch (m_options.platform) {
    case Platform::cisco_ios:
      v = "Cisco IOS Software, C3850 Software (CAT3K_CAA-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE SOFTWARE (fc2)\n"
          "Technical Support: http://www.cisco.com/techsupport\nCopyright (c) 1986-2021 by Cisco Systems, Inc.\n\n"
          "ROM: Bootstrap program is C3850 boot loader\n";
      v.append(host).append(" uptime is ").append(uptime()).append("\n");
      v.append(
          "System returned to ROM by power-on\nSystem image file is \"flash:cat3k_caa-universalk9.152-7.E4.bin\"\n\n"
          "cisco WS-C3850-48P (MIPS) processor with 4194304K bytes of physical memory.\n"
          "Configuration register is 0x102\n\n");
      break;
    case Platform::cisco_nxos:
      v = "Cisco Nexus Operating System (NX-OS) Software\nTAC support: http://www.cisco.com/tac\n\nSoftware\n"
          "  BIOS: version 05.45\n  NXOS: version 9.3(8)\n\nHardware\n  cisco Nexus9000 C93180YC-EX chassis\n\n";
      v.append("  Device name: ").append(host).append("\n\nKernel uptime is ").append(uptime()).append("\n\n");
      break;
    case Platform::arista_eos:
      v = "Arista DCS-7050SX3-48YC8\nHardware version: 11.01\nSoftware image version: 4.28.3M\n";
      v.append("Uptime: ").append(uptime()).append("\nTotal memory: 8099732 kB\nFree memory: ");
      v.append(std::to_string(5436316 - static_cast<long>(std::time(nullptr) % 50000))).append(" kB\n\n");
      break;
    case Platform::juniper_junos:
      v = "Hostname: " + host + "\nModel: ex4300-48t\nJunos: 21.4R3-S3.4\n";
      v.append("System uptime: ").append(uptime()).append("\n");
      break;
    case Platform::generic:
      v = "uptime " + uptime() + "\n";
      break;
  }
  output_body(std::move(v), true);
}

void DeviceShell::show_config(bool no_more) {
  ++m_config_reads;
  ConfigRequest request;
  request.seed = m_options.seed;
  request.id = m_options.id;
  request.hostname = m_options.hostname;
  request.platform = m_options.platform;
  request.version = m_options.version;
  request.now = std::time(nullptr);
  request.read_nonce = m_options.read_nonce + static_cast<std::uint64_t>(m_config_reads) * 7919;
  std::string body = generate_config(request).output;
  if (m_options.platform == Platform::cisco_ios) {
    body.append("\n");
  }
  if (has(Fault::hang_mid_config) || has(Fault::close_mid_config) || has(Fault::flood)) {
    const std::size_t fraction = has(Fault::flood) ? body.size() * 3 / 4 : body.size() * 2 / 5;
    const auto cut = body.find('\n', fraction);
    if (cut != std::string::npos) {
      body.resize(cut + 1);
    }
    if (has(Fault::flood)) {
      m_body_flood = true;
    } else {
      m_body_end = has(Fault::hang_mid_config) ? End::hang : End::drop;
    }
  }
  output_body(std::move(body), !no_more);
}

bool DeviceShell::paging_on() const {
  if (m_exec) {
    return false;
  }
  if (m_terminal_length == 0) {
    return has(Fault::ignore_paging_off);
  }
  return true;
}

std::string DeviceShell::more_prompt() const {
  switch (m_options.platform) {
    case Platform::cisco_ios:
    case Platform::arista_eos:
      return " --More-- ";
    case Platform::cisco_nxos:
      return "--More--";
    case Platform::juniper_junos: {
      const auto percent = m_body.empty() ? 0 : m_body_pos * 100 / m_body.size();
      std::string p = "---(more ";
      p.append(std::to_string(percent)).append("%)---");
      return p;
    }
    case Platform::generic:
      break;
  }
  return "--More--";
}

void DeviceShell::output_body(std::string body, bool paged_allowed) {
  m_body = std::move(body);
  m_body_pos = 0;
  if (paged_allowed && paging_on()) {
    int rows = m_terminal_length > 0 ? m_terminal_length : m_options.terminal_rows;
    if (rows <= 1) {
      rows = 24;
    }
    emit_page(rows - 1);
  } else {
    m_state = State::streaming;
  }
}

void DeviceShell::refill_flood() {
  if (!m_body_flood || m_body.size() - m_body_pos > 64 * 1024) {
    return;
  }
  m_body.erase(0, m_body_pos);
  m_body_pos = 0;
  while (m_body.size() < 192 * 1024) {
    ++m_flood_counter;
    const auto n = std::to_string(m_flood_counter);
    m_body.append("interface GigabitEthernet9/")
        .append(std::to_string(m_flood_counter / 48))
        .append("/")
        .append(n)
        .append("\n");
    m_body.append(" description flood ").append(n).append("\n switchport access vlan 10\n!\n");
  }
}

void DeviceShell::emit_page(int lines) {
  refill_flood();
  std::size_t end = m_body_pos;
  for (int i = 0; i < lines && end < m_body.size(); ++i) {
    const auto nl = m_body.find('\n', end);
    end = nl == std::string::npos ? m_body.size() : nl + 1;
  }
  emit(std::string_view(m_body).substr(m_body_pos, end - m_body_pos));
  m_body_pos = end;
  if (m_body_pos >= m_body.size() && !m_body_flood) {
    m_body.clear();
    m_body_pos = 0;
    if (m_body_end != End::none) {
      m_state = State::finished;
      m_end = m_body_end;
    } else {
      finish_command();
    }
  } else {
    emit_raw(more_prompt());
    m_state = State::more;
  }
}

void DeviceShell::pager_key(char c) {
  const auto prompt = more_prompt();
  if (m_options.platform == Platform::cisco_ios || m_options.platform == Platform::arista_eos) {
    emit_raw(std::string(prompt.size(), '\b'));
    emit_raw(std::string(prompt.size(), ' '));
    emit_raw(std::string(prompt.size(), '\b'));
  } else {
    emit_raw("\r");
    emit_raw(std::string(prompt.size(), ' '));
    emit_raw("\r");
  }
  if (c == 'q' || c == 'Q') {
    m_body.clear();
    m_body_pos = 0;
    m_body_flood = false;
    m_body_end = End::none;
    if (m_options.platform != Platform::cisco_ios) {
      emit("\n");
    }
    finish_command();
    return;
  }
  int rows = m_terminal_length > 0 ? m_terminal_length : m_options.terminal_rows;
  if (rows <= 1) {
    rows = 24;
  }
  emit_page(c == '\r' || c == '\n' ? 1 : rows - 1);
}

void DeviceShell::finish_command() {
  if (m_exec) {
    m_state = State::finished;
    m_end = End::exec_done;
    return;
  }
  m_state = State::idle;
  if (m_blank_line_before_prompt) {
    emit("\n");
  }
  m_blank_line_before_prompt = false;
  m_body.clear();
  m_body_pos = 0;
  show_prompt();
}

bool DeviceShell::has_output() const {
  return !m_out.empty() || m_state == State::streaming;
}

std::string DeviceShell::take_output(std::size_t max) {
  if (max == 0) {
    return {};
  }
  if (!m_out.empty()) {
    if (m_out.size() <= max) {
      return std::exchange(m_out, {});
    }
    std::string chunk = m_out.substr(0, max);
    m_out.erase(0, max);
    return chunk;
  }
  if (m_state != State::streaming) {
    return {};
  }
  refill_flood();
  const std::size_t n = std::min(max, m_body.size() - m_body_pos);
  const std::string_view raw = std::string_view(m_body).substr(m_body_pos, n);
  std::string chunk;
  if (m_options.pty) {
    chunk.reserve(n + n / 16);
    for (const char c : raw) {
      if (c == '\n') {
        chunk.push_back('\r');
      }
      chunk.push_back(c);
    }
  } else {
    chunk.assign(raw);
  }
  m_body_pos += n;
  if (m_body_pos >= m_body.size() && !m_body_flood) {
    m_body.clear();
    m_body_pos = 0;
    if (m_body_end != End::none) {
      m_state = State::finished;
      m_end = m_body_end;
    } else {
      finish_command();
      process_input();
    }
  }
  return chunk;
}

}  // namespace nbsync::lab

#include "lab/devices/device_shell.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <utility>
#include <vector>

#include "lab/devices/config_generator.hpp"
#include "lab/devices/platforms/platform.hpp"

namespace nbsync::lab {
namespace {

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

DeviceShell::DeviceShell(ShellOptions options)
    : m_options(std::move(options)), m_platform(platform_sim(m_options.platform)) {
  m_privileged = m_platform.starts_privileged();
  update_prompt();
}

void DeviceShell::update_prompt() {
  if (has(Fault::unexpected_prompt)) {
    m_prompt = "Selection [1-3]: ";
    return;
  }
  m_prompt = m_context.empty() ? m_platform.prompt(m_options.hostname, m_options.user, m_privileged)
                               : m_platform.prompt_in(m_options.hostname, m_context);
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
  emit(m_options.pty ? m_platform.draw_prompt(m_prompt) : m_prompt);
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
  emit(m_platform.banner(m_options.hostname));
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
  if (has(Fault::drop_typeahead) && m_state == State::streaming) {
    return;  // typed while a command prints: thrown away
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
        emit(m_state == State::password ? "\n" : m_platform.echo_enter(m_prompt, line));
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
      if (has(Fault::drop_typeahead)) {
        i = m_in.size();  // what was typed behind the command is thrown away
      }
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
  const CommandLine command = parse_command(line);
  if (command.empty()) {
    finish_command();
    return;
  }
  m_platform.execute(*this, command);
}

void DeviceShell::fail(std::string_view message, int status) {
  emit(message);
  m_exit_status = status;
  finish_command();
}

void DeviceShell::close_session() {
  m_state = State::finished;
  m_end = End::close;
}

void DeviceShell::ask_enable_password() {
  emit("Password: ");
  m_state = State::password;
}

void DeviceShell::invalid_at(const CommandLine& command, std::size_t token, std::string_view message) {
  std::size_t column = token < command.tokens.size() ? command.tokens[token].first : command.text.size();
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
  output_body(m_platform.version(m_options.hostname, uptime()), true);
}

void DeviceShell::show_config(bool no_more) {
  ++m_config_reads;
  ConfigRequest request;
  request.seed = m_options.seed;
  request.id = m_options.id;
  request.hostname = m_options.hostname;
  request.platform = m_options.platform;
  request.version = m_options.version;
  request.secret_generation = m_options.secret_generation;
  request.now = std::time(nullptr);
  request.read_nonce = m_options.read_nonce + static_cast<std::uint64_t>(m_config_reads) * 7919;
  std::string body = generate_config(request).output;
  body.append(m_platform.after_config());
  m_last_config_bytes = body.size();
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
  return m_platform.more_prompt(m_body.empty() ? 0 : m_body_pos * 100 / m_body.size());
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
  emit_raw(m_platform.erase_more(more_prompt()));
  if (c == 'q' || c == 'Q') {
    m_body.clear();
    m_body_pos = 0;
    m_body_flood = false;
    m_body_end = End::none;
    if (m_platform.newline_after_pager_quit()) {
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

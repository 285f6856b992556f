#pragma once
// What every platform's config generator shares: a text builder, time formats, and the
// Facts of one device drawn once from (seed, id), with the "slots" that versions change.
#include <array>
#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "lab/devices/config_generator.hpp"
#include "lab/devices/detail/random.hpp"

namespace nbsync::lab::config_parts {

using detail::mix;
using detail::Rng;

// Appends pieces to one string; numbers as decimal. Keeps the generator free of temporaries.
class Text {
public:
  explicit Text(std::size_t reserve) { m_s.reserve(reserve); }
  template <typename... Parts>
  void line(const Parts&... parts) {
    (put(parts), ...);
    m_s.push_back('\n');
  }
  // A line that differs from read to read (a timestamp): not counted by size(), so what
  // the renderers size by it (interfaces, filler) is the same on every read.
  template <typename... Parts>
  void volatile_line(const Parts&... parts) {
    const std::size_t before = m_s.size();
    line(parts...);
    m_volatile += m_s.size() - before;
  }
  template <typename... Parts>
  void add(const Parts&... parts) {
    (put(parts), ...);
  }
  // Bytes so far, without volatile lines.
  std::size_t size() const { return m_s.size() - m_volatile; }
  std::string take() { return std::move(m_s); }

private:
  void put(std::string_view s) { m_s.append(s); }
  void put(const std::string& s) { m_s.append(s); }
  void put(const char* s) { m_s.append(s); }
  void put(char c) { m_s.push_back(c); }
  template <typename N>
    requires std::is_integral_v<N>
  void put(N n) {
    m_s.append(std::to_string(n));
  }
  std::string m_s;
  std::size_t m_volatile = 0;
};

std::string ip(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d);
std::tm utc(std::time_t t);
std::string two(int n);
// 07:10:11 UTC Tue Nov 24 2026
std::string ios_time(std::time_t t);
// Tue Nov 24 07:13:25 2026
std::string ctime_style(std::time_t t);
// 2026-11-24 07:00:00 UTC
std::string iso_time(std::time_t t);

// Everything the renderers share: drawn once from (seed, id), with the few "slots" that
// versions change.
struct Facts {
  std::string hostname;
  std::size_t target = 0;
  int site = 0;  // second octet of the device's private ranges
  int mgmt_host = 0;
  std::uint32_t asn = 0;
  std::uint32_t peer_asn = 0;
  std::vector<int> vlans;
  int access_ports = 0;
  std::time_t commit_time = 0;
  // secrets
  std::string enable_hash, admin_hash, netops_hash, snmp_community, tacacs_key, bgp_key, sha512_admin, md5_user;
  // slot hashes: version changes one slot at a time
  std::array<std::uint64_t, 6> slot{};
};

Facts make_facts(const ConfigRequest& r);
// The seed of a stream of secrets (`salt` tells the streams apart): the same until the
// device's secrets are rotated (ConfigRequest::secret_generation), another after each.
std::uint64_t secret_stream(const ConfigRequest& r, std::uint64_t salt);
std::string description(const Facts& f, int port);
std::string vlan_name(const Facts& f, std::size_t index);
std::string location(const Facts& f);
std::string slot_host(const Facts& f, std::size_t slot, int net);
// Number of filler entries (ACL lines) left to reach the target size.
std::size_t filler_entries(std::size_t current, std::size_t target, std::size_t tail, std::size_t per_entry);

}  // namespace nbsync::lab::config_parts

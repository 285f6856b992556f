// Each site's AAA login rate (issue 17) in the real nbsync-lab, judged by OpenSSH's client:
// with --aaa-logins-per-second 1 and a timing file whose only wait is a 1.5 s AAA timeout,
// three logins at once to devices of one site get one answer at once, one a second later,
// and the third fails at the AAA timeout, as a login fails when TACACS+ does not answer in
// time. GET /lab/counters counts it per site.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <map>

#include "tests/support/lab.hpp"
#include "tests/support/open_ssh.hpp"

namespace nbsync::test {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Login {
  ProcessResult result;
  Clock::duration took{};
};

TEST(LabAaaRate, LoginsBeyondTheSiteRateWaitThenFailAtTheAaaTimeout) {
  OpenSsh ssh;
  TempDir dir;
  const auto timing = dir.write("timing.toml", "[default]\naaa_timeout_ms = 1500\n").string();
  Lab lab(60, 3,
          {"--aaa-logins-per-second", "1", "--timing", timing, "--authorized-key", ssh.public_key(),
           "--keyboard-interactive-share", "0"});
  // Three devices of one site that run an exec command (IOS, EOS).
  std::map<std::string, std::vector<std::string>> by_site;
  for (const auto& d : lab.walk("/api/dcim/devices/?limit=1000&exclude=config_context")) {
    const bool exec =
        !d["platform"].is_null() && (d["platform"]["slug"] == "cisco-ios" || d["platform"]["slug"] == "arista-eos");
    if (exec && !d["primary_ip4"].is_null()) {
      const auto address = d["primary_ip4"]["address"].get<std::string>();
      by_site[d["site"]["slug"].get<std::string>()].push_back(address.substr(0, address.find('/')));
    }
  }
  const auto site = std::max_element(by_site.begin(), by_site.end(),
                                     [](const auto& a, const auto& b) { return a.second.size() < b.second.size(); });
  ASSERT_GE(site->second.size(), 3U) << "the seeded fleet has no site with three IOS/EOS devices";
  const std::string port = std::to_string(lab.ssh_port());

  std::vector<std::future<Login>> logins;
  for (int i = 0; i < 3; ++i) {
    const std::string address = site->second[static_cast<std::size_t>(i)];
    logins.push_back(std::async(std::launch::async, [&ssh, address, port] {
      const auto start = Clock::now();
      Login login;
      login.result = ssh.run({"-p", port, "netops@" + address, "show version"}, 30s);
      login.took = Clock::now() - start;
      return login;
    }));
  }
  int accepted = 0;
  std::vector<Login> refused;
  for (auto& f : logins) {
    auto login = f.get();
    if (login.result.exit_code == 0) {
      ++accepted;
    } else {
      refused.push_back(login);
    }
  }
  EXPECT_EQ(accepted, 2) << "one login a second: the second waits 1 s, the third would wait 2 s of 1.5 s";
  ASSERT_EQ(refused.size(), 1U);
  EXPECT_THAT(refused[0].result.err, HasSubstr("Permission denied")) << "an AAA timeout is an authentication failure";
  EXPECT_GE(refused[0].took, 1500ms) << "the refusal comes at the AAA timeout, not at once";

  const auto counters = lab.get("/lab/counters");
  ASSERT_EQ(counters.status, 200) << counters.raw;
  const auto& s = counters.body["ssh"]["sites"][site->first];
  EXPECT_EQ(s["logins"], 2) << counters.raw;
  EXPECT_EQ(s["aaa_waits"], 2) << counters.raw;
  EXPECT_EQ(s["aaa_timeouts"], 1) << counters.raw;
  EXPECT_EQ(s["peak_sessions"], 3) << counters.raw;
  EXPECT_EQ(s["aaa_logins_per_second"], 1.0) << counters.raw;
  lab.request({"DELETE", "/lab/counters", {}, ""});
  EXPECT_EQ(lab.get("/lab/counters").body["ssh"]["sites"][site->first]["logins"], 0);
}

}  // namespace
}  // namespace nbsync::test

// The config history viewer as a browser and a script meet it: the real `nbsync web` (and
// `nbsync daemon`) over real HTTP, signing in with the lab's NetBox tokens, on a database
// real cycles stored from the lab over real SSH.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <ctime>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "http/http_client.hpp"
#include "storage/config_history.hpp"
#include "storage/snapshot_store.hpp"
#include "storage/storage_writer.hpp"
#include "tests/e2e/cycle_fixture.hpp"
#include "tests/support/postgres_server.hpp"

namespace nbsync::test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string k_site1_token(40, '3');
const std::string k_csp =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

std::string query_value(const std::string& text);

class Web : public CycleFixture {
protected:
  // A lab, two cycles with one device changed in between, and the viewer on a free port.
  void SetUp() override {
    start_lab(20, 19);
    write_config("", "", web_table);
    ASSERT_EQ(run_nbsync().exit_code, 0);
    changed = reachable.at(0);
    change_config(changed);
    ASSERT_EQ(run_nbsync().exit_code, 0);
    ASSERT_EQ(summary["changed"], 1) << summary.dump();
    for (const auto& device : lab->walk("/api/dcim/devices/?limit=1000&exclude=config_context")) {
      site_of[device["id"].get<std::int64_t>()] = device["site"]["id"].get<std::int64_t>();
    }
  }

  // A self-signed certificate for 127.0.0.1 (cert.pem, key.pem) made by the openssl CLI.
  void make_certificate() {
    const auto made = run_process({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                                   (dir / "key.pem").string(), "-out", (dir / "cert.pem").string(), "-days", "2",
                                   "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
    ASSERT_EQ(made.exit_code, 0) << made.err;
  }

  void start_viewer(const std::string& command = "web") {
    viewer = std::make_unique<ChildProcess>(
        std::vector<std::string>{k_nbsync, command, "-c", (dir / "nbsync.toml").string()}, "");
    std::smatch match;
    std::string log;
    for (int i = 0;
         i < 300 && !std::regex_search(log, match, std::regex("web: serving (https?://127\\.0\\.0\\.1:[0-9]+)/"));
         ++i) {
      std::this_thread::sleep_for(100ms);
      log = viewer->stderr_text();
    }
    ASSERT_EQ(match.size(), 2u) << log;
    base = match[1].str();
  }

  http::HttpResponse get(const std::string& path, const std::string& cookie = "") {
    http::HttpRequest request{"GET", base + path, {}, ""};
    if (!cookie.empty()) {
      request.headers.emplace_back("Cookie", cookie);
    }
    return client->send(request);
  }

  http::HttpResponse post_form(const std::string& path, const std::string& body, const std::string& cookie = "") {
    http::HttpRequest request{"POST", base + path, {{"Content-Type", "application/x-www-form-urlencoded"}}, body};
    if (!cookie.empty()) {
      request.headers.emplace_back("Cookie", cookie);
    }
    return client->send(request);
  }

  // Signs in with `token`; returns the "nbsync_session=..." pair for the Cookie header.
  std::string sign_in(const std::string& token) {
    const auto response = post_form("/sign-in", "token=" + token + "&next=%2F");
    EXPECT_EQ(response.status, 303) << response.body;
    const std::string cookie = response.header("set-cookie").value_or("");
    EXPECT_THAT(cookie, HasSubstr("; HttpOnly"));
    EXPECT_THAT(cookie, HasSubstr("; SameSite=Strict"));
    return cookie.substr(0, cookie.find(';'));
  }

  storage::ConfigDiff stored_diff(std::int64_t device, std::int64_t from, std::int64_t to) {
    storage::Database database(dir / "nbsync.db");
    storage::ConfigHistory history(database);
    return history.diff(*history.version(device, from), *history.version(device, to));
  }

  std::string stored_text(std::int64_t device, std::int64_t number) {
    storage::Database database(dir / "nbsync.db");
    storage::ConfigHistory history(database);
    return history.text(*history.version(device, number));
  }

  // A reachable device at site id 1 (`at_site1`) or elsewhere.
  std::int64_t reachable_device(bool at_site1) const {
    for (auto id : reachable) {
      if ((site_of.at(id) == 1) == at_site1) {
        return id;
      }
    }
    return -1;
  }

  // Metrics off: the daemon's default port may be taken by another test.
  std::string web_table =
      "\n[web]\nlisten = \"127.0.0.1:0\"\nsession_idle = \"3s\"\nsession_max = \"5s\"\npermission_cache = \"1s\"\n"
      "\n[daemon]\nmetrics_listen = \"\"\n";
  std::int64_t changed = 0;
  std::map<std::int64_t, std::int64_t> site_of;
  std::unique_ptr<ChildProcess> viewer;
  std::string base;
  std::unique_ptr<http::HttpClient> client = std::make_unique<http::HttpClient>();
};

TEST_F(Web, SignedInTheDevicePageListsVersionsAndShowsTextDiffAndDownload) {
  start_viewer();
  const std::string cookie = sign_in(k_lab_token);
  const std::string device = "/devices/" + std::to_string(changed);

  const auto page = get(device, cookie);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_THAT(page.header("content-type").value_or(""), HasSubstr("text/html"));
  EXPECT_THAT(page.body, HasSubstr("<title>" + names[changed] + " · nbsync</title>"));
  EXPECT_THAT(page.body, HasSubstr("href=\"" + device + "/versions/2\""));
  EXPECT_THAT(page.body, HasSubstr("href=\"" + device + "/versions/1/download\""));
  EXPECT_THAT(page.body, HasSubstr("href=\"" + device + "/diff?from=1&amp;to=2\""));
  EXPECT_THAT(page.body, HasSubstr(lab->url() + "/dcim/devices/" + std::to_string(changed) + "/"));

  const auto api = get("/api" + device, cookie);
  ASSERT_EQ(api.status, 200) << api.body;
  const auto parsed = json::parse(api.body);
  EXPECT_EQ(parsed["device"]["id"], changed);
  EXPECT_EQ(parsed["device"]["outcome"], "ok");
  ASSERT_EQ(parsed["versions"].size(), 2u);
  EXPECT_EQ(parsed["versions"][1]["version"], 2);

  const std::string text = stored_text(changed, 1);
  const auto download = get(device + "/versions/1/download", cookie);
  ASSERT_EQ(download.status, 200);
  EXPECT_EQ(download.body, text) << "the download is the stored version, byte for byte";
  EXPECT_THAT(download.header("content-disposition").value_or(""), HasSubstr("attachment; filename="));
  const auto version = get("/api" + device + "/versions/1", cookie);
  EXPECT_EQ(json::parse(version.body)["text"], text);
  const auto version_page = get(device + "/versions/1", cookie);
  EXPECT_EQ(version_page.status, 200);
  const std::string first_line = text.substr(0, text.find('\n'));
  EXPECT_THAT(version_page.body, HasSubstr(first_line));

  const storage::ConfigDiff expected = stored_diff(changed, 1, 2);
  ASSERT_FALSE(expected.text.empty());
  const auto diff = get("/api" + device + "/diff?from=1&to=2", cookie);
  ASSERT_EQ(diff.status, 200) << diff.body;
  EXPECT_EQ(json::parse(diff.body)["diff"], expected.text);
  const auto diff_page = get(device + "/diff", cookie);  // default: the latest change
  EXPECT_EQ(diff_page.status, 200);
  EXPECT_THAT(diff_page.body, HasSubstr("<span class=\"hunk\">@@"));
  EXPECT_THAT(diff_page.body, HasSubstr("<span class=\"add\">+"));
  EXPECT_EQ(get(device + "/diff?from=1&to=9", cookie).status, 404);
  EXPECT_EQ(get(device + "/versions/3", cookie).status, 404);
  EXPECT_THAT(viewer->stderr_text(), Not(HasSubstr(k_lab_token))) << "the token reaches no log line";
}

// `nbsync web` with storage.database naming PostgreSQL: the changed device's two versions,
// as the real cycles stored them in SQLite, written by nbsync's storage writer into a
// throwaway PostgreSQL, are shown and diffed as from the file.
TEST_F(Web, TheViewerReadsAPostgresDatabase) {
  std::string why;
  PostgresServer* server = shared_postgres(why);
  if (server == nullptr) {
    GTEST_SKIP() << why;
  }
  const std::string uri = server->create_database();
  const auto lab_device = lab->get("/api/dcim/devices/" + std::to_string(changed) + "/").body;
  const storage::DeviceRecord record{changed,
                                     lab_device["name"].get<std::string>(),
                                     lab_device["site"]["slug"].get<std::string>(),
                                     lab_device["role"]["slug"].get<std::string>(),
                                     lab_device["platform"]["slug"].get<std::string>(),
                                     "",
                                     "active",
                                     "",
                                     {}};
  {
    storage::Database database(storage::PostgresLocation{uri, {}});
    for (const std::int64_t version : {1, 2}) {
      storage::StorageWriter writer(database);
      const auto run = writer.begin_run();
      ASSERT_TRUE(run.has_value()) << writer.error().value_or("");
      ASSERT_TRUE(writer.submit_devices(*run, {record}));
      storage::AttemptRecord attempt;
      attempt.device_id = changed;
      attempt.config = stored_text(changed, version);
      ASSERT_TRUE(writer.submit(*run, std::move(attempt)));
      ASSERT_TRUE(writer.finish_run(*run, true).has_value()) << writer.error().value_or("");
      ASSERT_TRUE(writer.close());
    }
  }
  use_postgres(uri);

  start_viewer();
  const std::string cookie = sign_in(k_lab_token);
  const auto page = get("/api/devices/" + std::to_string(changed), cookie);
  ASSERT_EQ(page.status, 200) << page.body;
  const auto versions = get("/api/devices/" + std::to_string(changed) + "/versions/2", cookie);
  ASSERT_EQ(versions.status, 200) << versions.body;
  EXPECT_EQ(json::parse(versions.body)["text"], stored_text(changed, 2));
  const auto diff = get("/devices/" + std::to_string(changed) + "/diff?from=1&to=2", cookie);
  ASSERT_EQ(diff.status, 200) << diff.body;
  for (const std::string fleet_page : {"/cycles", "/changes?since=24h", "/compliance", "/failing", "/drift"}) {
    const auto answer = get(fleet_page, cookie);
    EXPECT_EQ(answer.status, 200) << fleet_page << ": " << answer.body;
  }
  const auto search = get("/api/search?q=" + std::to_string(changed), cookie);
  EXPECT_EQ(search.status, 200) << search.body;
  EXPECT_THAT(viewer->stderr_text(), Not(HasSubstr("error")));
}

TEST_F(Web, WithoutASessionPagesLeadToSignInAndTheApiIs401EveryResponseWithCsp) {
  start_viewer();
  const std::string device = "/devices/" + std::to_string(changed);
  const auto page = get(device);
  EXPECT_EQ(page.status, 303);
  EXPECT_EQ(page.header("location"), "/sign-in?next=" + std::string("/devices/") + std::to_string(changed));
  const auto api = get("/api" + device);
  EXPECT_EQ(api.status, 401);
  EXPECT_THAT(api.body, HasSubstr("Sign in first"));
  EXPECT_THAT(api.body, Not(HasSubstr(names[changed])));
  const auto form = get("/sign-in?next=" + device);
  EXPECT_EQ(form.status, 200);
  EXPECT_THAT(form.body, HasSubstr("name=\"token\""));
  EXPECT_THAT(form.body, HasSubstr("value=\"" + device + "\""));
  for (const auto* response : {&page, &api, &form}) {
    EXPECT_EQ(response->header("content-security-policy"), k_csp);
    EXPECT_EQ(response->header("cache-control"), "no-store");
  }
  const auto missing = get("/nothing-here");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.header("content-security-policy"), k_csp);
  EXPECT_THAT(get("/style.css").body, HasSubstr("prefers-color-scheme: dark"));

  const auto offsite = post_form("/sign-in", "token=" + k_lab_token + "&next=%2F%2Fevil.example.com");
  EXPECT_EQ(offsite.status, 303);
  EXPECT_EQ(offsite.header("location"), "/") << "a sign-in never sends the browser to another site";
}

TEST_F(Web, ATokenLimitedToOneSiteGets404ForAnotherSitesDevice) {
  const std::int64_t mine = reachable_device(true);
  const std::int64_t other = reachable_device(false);
  ASSERT_GT(mine, 0);
  ASSERT_GT(other, 0);
  start_viewer();
  const std::string cookie = sign_in(k_site1_token);
  EXPECT_EQ(get("/devices/" + std::to_string(mine), cookie).status, 200);
  for (const std::string& path : {"/devices/" + std::to_string(other), "/api/devices/" + std::to_string(other),
                                  "/devices/" + std::to_string(other) + "/versions/1/download",
                                  "/api/devices/" + std::to_string(other) + "/versions/1"}) {
    const auto response = get(path, cookie);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_THAT(response.body, Not(HasSubstr(names[other]))) << path;
  }
  const std::string admin = sign_in(k_lab_token);
  EXPECT_EQ(get("/devices/" + std::to_string(other), admin).status, 200) << "the same device, a token that may see it";
}

TEST_F(Web, AConfigContainingAScriptTagIsShownAsText) {
  {
    storage::Database database(dir / "nbsync.db");
    storage::SnapshotStore store(database);
    const std::int64_t run = store.begin_run();
    storage::AttemptRecord attempt;
    attempt.device_id = changed;
    attempt.config = stored_text(changed, 2) + "banner motd <script>alert('x')</script>\n";
    ASSERT_TRUE(store.record_attempt(run, attempt).changed);
    store.finish_run(run, false);
  }
  start_viewer();
  const std::string cookie = sign_in(k_lab_token);
  const std::string device = "/devices/" + std::to_string(changed);
  for (const std::string& path : {device + "/versions/3", device + "/diff"}) {
    const auto page = get(path, cookie);
    ASSERT_EQ(page.status, 200) << path;
    EXPECT_THAT(page.body, HasSubstr("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")) << path;
    EXPECT_THAT(page.body, Not(HasSubstr("<script"))) << path;
    EXPECT_EQ(page.header("content-security-policy"), k_csp);
  }
}

TEST_F(Web, SessionsEndWhenIdleAtTheirMaximumAgeAndOnSignOut) {
  start_viewer();
  const std::string device = "/devices/" + std::to_string(changed);
  const std::string idle = sign_in(k_lab_token);
  std::this_thread::sleep_for(3500ms);  // session_idle = 3s
  EXPECT_EQ(get(device, idle).status, 303) << "an idle session ended";

  const std::string busy = sign_in(k_lab_token);
  for (int i = 0; i < 3; ++i) {  // used every 2 s, never idle for 3 s
    EXPECT_EQ(get(device, busy).status, 200) << i;
    std::this_thread::sleep_for(2s);
  }
  EXPECT_EQ(get(device, busy).status, 303) << "session_max = 5s ended it though it was in use";

  const std::string leaving = sign_in(k_lab_token);
  EXPECT_EQ(get(device, leaving).status, 200);
  const auto out = post_form("/sign-out", "", leaving);
  EXPECT_EQ(out.status, 303);
  EXPECT_THAT(out.header("set-cookie").value_or(""), HasSubstr("Max-Age=0"));
  EXPECT_EQ(get(device, leaving).status, 303) << "the server forgot the session, not only the browser";
}

TEST_F(Web, FailedSignInsAreRefusedThenRateLimited) {
  start_viewer();
  const auto wrong = post_form("/sign-in", "token=" + std::string(40, '9') + "&next=%2F");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_THAT(wrong.body, HasSubstr("NetBox refused the token: Invalid token"));
  EXPECT_FALSE(wrong.header("set-cookie").has_value());
  EXPECT_EQ(post_form("/sign-in", "token=not%20a%0Atoken").status, 401);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(post_form("/sign-in", "token=" + std::string(40, '8')).status, 401);
  }
  const auto limited = post_form("/sign-in", "token=" + k_lab_token);
  EXPECT_EQ(limited.status, 429) << "five failures in a minute: even the right token waits";
  EXPECT_TRUE(limited.header("retry-after").has_value());
  const std::string log = viewer->stderr_text();
  EXPECT_THAT(log, Not(HasSubstr(k_lab_token)));
  EXPECT_THAT(log, Not(HasSubstr(std::string(40, '9'))));
}

TEST_F(Web, BehindATrustedProxyTheLimitCountsEachClientItNames) {
  write_config("", "",
               "\n[web]\nlisten = \"127.0.0.1:0\"\ntrusted_proxies = [\"127.0.0.1\"]\n"
               "\n[daemon]\nmetrics_listen = \"\"\n");
  start_viewer();
  // What nginx's $proxy_add_x_forwarded_for sends: what the client wrote, then the client.
  const auto sign_in_via_proxy = [this](const std::string& client_wrote, const std::string& token) {
    http::HttpRequest request{
        "POST",
        base + "/sign-in",
        {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Forwarded-For", client_wrote + "198.51.100.7"}},
        "token=" + token + "&next=%2F"};
    return client->send(request);
  };
  for (int i = 0; i < 5; ++i) {  // each time claiming another address: the proxy's entry counts
    EXPECT_EQ(sign_in_via_proxy("192.0.2." + std::to_string(i) + ", ", std::string(40, '8')).status, 401);
  }
  EXPECT_EQ(sign_in_via_proxy("192.0.2.99, ", k_lab_token).status, 429) << "198.51.100.7 failed five times";
  // Everyone else behind the proxy still signs in.
  http::HttpRequest other{"POST",
                          base + "/sign-in",
                          {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Forwarded-For", "198.51.100.8"}},
                          "token=" + k_lab_token + "&next=%2F"};
  EXPECT_EQ(client->send(other).status, 303);
  EXPECT_THAT(viewer->stderr_text(), HasSubstr("web: sign-in from 198.51.100.7 refused by NetBox"));
  EXPECT_THAT(viewer->stderr_text(), HasSubstr("web: sign-in from 198.51.100.8 accepted"));
}

TEST_F(Web, NetboxIsAskedAboutADeviceOncePerPermissionCacheWindow) {
  start_viewer();
  const std::string cookie = sign_in(k_site1_token);
  const std::string page = "/devices/" + std::to_string(changed);
  const auto asked = [this] {
    const auto counters = lab->request({"GET", "/lab/counters", {}, ""}).body;
    return counters["requests"].value("GET /api/dcim/devices/{id}/", 0);
  };
  const int before = asked();
  const int status = get(page, cookie).status;
  EXPECT_EQ(get(page, cookie).status, status);
  EXPECT_EQ(get(page + "/versions/1", cookie).status, status);
  EXPECT_EQ(asked(), before + 1) << "three pages of one device within permission_cache = 1s: one question";
  std::this_thread::sleep_for(1200ms);
  EXPECT_EQ(get(page, cookie).status, status);
  EXPECT_EQ(asked(), before + 2) << "the answer expired and NetBox was asked again";
}

TEST_F(Web, WithCertAndKeyTheViewerServesHttpsAndItsCookieIsSecure) {
  make_certificate();
  write_config("", "",
               "\n[web]\nlisten = \"127.0.0.1:0\"\ncert_file = \"cert.pem\"\nkey_file = \"key.pem\"\n"
               "\n[daemon]\nmetrics_listen = \"\"\n");
  start_viewer();
  ASSERT_TRUE(base.starts_with("https://")) << base;
  const auto untrusted = get("/sign-in");
  EXPECT_EQ(untrusted.status, 0) << "a client that does not trust the certificate gets no answer";
  client = std::make_unique<http::HttpClient>(http::HttpClientOptions{.ca_file = (dir / "cert.pem").string()});
  const auto response = post_form("/sign-in", "token=" + k_lab_token + "&next=%2F");
  ASSERT_EQ(response.status, 303) << response.error;
  const std::string cookie = response.header("set-cookie").value_or("");
  EXPECT_THAT(cookie, HasSubstr("; Secure"));
  const auto page = get("/devices/" + std::to_string(changed), cookie.substr(0, cookie.find(';')));
  EXPECT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("<title>" + names[changed] + " · nbsync</title>"));
  std::string plain_base = base;
  plain_base.replace(0, 5, "http");
  const auto plain = client->send({"GET", plain_base + "/sign-in", {}, ""});
  EXPECT_NE(plain.status, 200) << "plain HTTP gets no page from an HTTPS listener";
}

TEST_F(Web, BehindAProxyBaseUrlsPathPrefixesEveryLinkAndTheCookieIsSecure) {
  // What the proxy passes on once it stripped /nbsync: requests come to the viewer's own paths.
  write_config("", "",
               "\n[web]\nlisten = \"127.0.0.1:0\"\nbase_url = \"https://tools.example.com/nbsync/\"\n"
               "\n[daemon]\nmetrics_listen = \"\"\n");
  start_viewer();
  const std::string device = "/devices/" + std::to_string(changed);
  const auto unsigned_in = get(device);
  EXPECT_EQ(unsigned_in.status, 303);
  EXPECT_THAT(unsigned_in.header("location").value_or(""), ::testing::StartsWith("/nbsync/sign-in?next="));
  EXPECT_THAT(get("/sign-in").body, HasSubstr("action=\"/nbsync/sign-in\""));
  const auto signed_in = post_form("/sign-in", "token=" + k_lab_token + "&next=" + query_value(device));
  ASSERT_EQ(signed_in.status, 303) << signed_in.body;
  EXPECT_EQ(signed_in.header("location").value_or(""), "/nbsync" + device);
  const std::string cookie = signed_in.header("set-cookie").value_or("");
  EXPECT_THAT(cookie, HasSubstr("; Path=/nbsync"));
  EXPECT_THAT(cookie, HasSubstr("; Secure")) << "an https base_url: the browser reaches it over TLS";
  const auto page = get(device, cookie.substr(0, cookie.find(';')));
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("href=\"/nbsync/style.css\""));
  EXPECT_THAT(page.body, HasSubstr("href=\"/nbsync" + device + "/versions/1\""));
  EXPECT_THAT(page.body, HasSubstr("<a href=\"/nbsync/cycles\">Cycles</a>"));
  EXPECT_EQ(page.body.find("href=\"/devices/"), std::string::npos) << "no link without the prefix";
}

TEST_F(Web, ACertificateOpenSslCannotUseIsRefusedAtStart) {
  dir.write("cert.pem", "not a certificate\n");
  dir.write("key.pem", "not a key\n");
  write_config("", "", "\n[web]\nlisten = \"127.0.0.1:0\"\ncert_file = \"cert.pem\"\nkey_file = \"key.pem\"\n");
  const auto result = nbsync({"web"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("web.cert_file, web.key_file: OpenSSL could not use"));
}

TEST_F(Web, TheDaemonServesTheViewerWhenWebListenIsSet) {
  start_viewer("daemon");
  const std::string cookie = sign_in(k_lab_token);
  const auto device = get("/api/devices/" + std::to_string(changed), cookie);
  EXPECT_EQ(device.status, 200) << device.body << viewer->stderr_text();
  EXPECT_EQ(viewer->stop(), 0);
}

// `text` as a URL's query value.
std::string query_value(const std::string& text) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) != 0) {
      out.push_back(static_cast<char>(c));
    } else {
      out.append({'%', k_hex[c >> 4], k_hex[c & 15]});
    }
  }
  return out;
}

// The fleet pages on a lab of two sites' worth of devices: two cycles with, in between, one
// config changed at site 1 and one elsewhere, one device failing at each, and one device's
// host key changed; a compliance rule every config fails.
class WebFleet : public Web {
protected:
  void SetUp() override {
    start_lab(30, 19);
    for (const auto& device : lab->walk("/api/dcim/devices/?limit=1000&exclude=config_context")) {
      site_of[device["id"].get<std::int64_t>()] = device["site"]["id"].get<std::int64_t>();
      site_slug_of[device["id"].get<std::int64_t>()] = device["site"]["slug"].get<std::string>();
    }
    for (auto id : reachable) {
      (site_of.at(id) == 1 ? mine : others).push_back(id);
    }
    ASSERT_GE(mine.size(), 3u);
    ASSERT_GE(others.size(), 3u);
    dir.write(
        "rules.toml",
        "[[rule]]\nname = \"motd-banner\"\nseverity = \"warning\"\nmust_match = [\"^this line is in no config$\"]\n");
    write_config("", "", web_table + "\n[compliance]\nrules = \"rules.toml\"\n");
    ASSERT_EQ(run_nbsync().exit_code, 0);
    for (auto id : {mine[0], others[0]}) {
      change_config(id);
    }
    set_fault(mine[1], "wrong_password");
    set_fault(others[1], "wrong_password");
    rotate_host_key(mine[2]);
    ASSERT_EQ(run_nbsync().exit_code, 0);
    ASSERT_EQ(summary["changed"], 2) << summary.dump();
    start_viewer();
  }

  json get_json(const std::string& path, const std::string& cookie) {
    const auto response = get(path, cookie);
    EXPECT_EQ(response.status, 200) << path << ": " << response.body;
    return json::parse(response.body, nullptr, false);
  }

  // The ids a fleet answer lists, wherever it lists them.
  static std::set<std::int64_t> ids_in(const json& answer) {
    std::set<std::int64_t> ids;
    for (const char* list : {"devices", "matches"}) {
      for (const auto& entry : answer.value(list, json::array())) {
        ids.insert(entry.contains("device_id") ? entry["device_id"].get<std::int64_t>()
                                               : entry["id"].get<std::int64_t>());
      }
    }
    return ids;
  }

  // The UTC date `days` from today, as 2026-12-07.
  static std::string utc_date(int days) {
    const std::time_t at = std::time(nullptr) + days * 86400;
    std::tm tm{};
    gmtime_r(&at, &tm);
    char text[16];
    std::strftime(text, sizeof text, "%Y-%m-%d", &tm);
    return text;
  }

  static bool links_to(const std::string& html, std::int64_t id) {
    const std::string link = "/devices/" + std::to_string(id);
    return html.find(link + "\"") != std::string::npos || html.find(link + "/") != std::string::npos;
  }

  std::map<std::int64_t, std::string> site_slug_of;
  std::vector<std::int64_t> mine;    // reachable at site 1
  std::vector<std::int64_t> others;  // reachable elsewhere
};

const std::vector<std::string> k_fleet_pages = {"/cycles",     "/failing",    "/changes?since=24h",
                                                "/search?q=.", "/compliance", "/drift"};

TEST_F(WebFleet, DriftCountsAndListsWhatTheCyclesChecked) {
  const std::string cookie = sign_in(k_lab_token);
  const std::string newest =
      " FROM drift_results r WHERE r.snapshot_id = (SELECT max(id) FROM snapshots s WHERE s.device_id = r.device_id)";
  const auto drift = get_json("/api/drift?by=platform", cookie);
  EXPECT_EQ(drift["by"], "platform");
  int checked = 0;
  for (const auto& group : drift["groups"]) {
    checked += group["in_sync"].get<int>() + group["differs"].get<int>() + group["no_template"].get<int>();
  }
  EXPECT_EQ(checked, count("SELECT count(*)" + newest));
  EXPECT_EQ(drift["total"], count("SELECT count(*)" + newest + " AND r.status = 'differs'"));
  ASSERT_GT(drift["total"].get<int>(), 0) << "the lab of this seed has drifting devices";
  const std::int64_t drifting = drift["devices"][0]["id"];
  const auto page = get("/drift?by=role", cookie);
  EXPECT_THAT(page.body, HasSubstr("Drifting devices"));
  EXPECT_TRUE(links_to(page.body, drifting));
  EXPECT_EQ(get("/api/drift?by=tenant", cookie).status, 400);
  const auto device = get("/devices/" + std::to_string(drifting), cookie);
  EXPECT_THAT(device.body, HasSubstr("<th>Drift</th>"));
  EXPECT_THAT(device.body, HasSubstr("Drift from NetBox's intended config"));
  EXPECT_THAT(device.body, HasSubstr("- missing "));
  const auto device_json = get_json("/api/devices/" + std::to_string(drifting), cookie);
  EXPECT_EQ(device_json["versions"].back()["drift"]["status"], "differs") << device_json.dump();
}

TEST_F(WebFleet, CyclesFailingChangesSearchAndComplianceShowWhatTheCyclesStored) {
  const std::string cookie = sign_in(k_lab_token);
  const auto cycles = get_json("/api/cycles", cookie);
  EXPECT_EQ(cycles["total"], 2);
  ASSERT_EQ(cycles["cycles"].size(), 2u);
  EXPECT_EQ(cycles["cycles"][0]["changed"], 2);
  EXPECT_EQ(cycles["cycles"][0]["ok"], cycles["cycles"][0]["outcomes"].value("ok", 0));
  EXPECT_EQ(cycles["cycles"][0]["outcomes"]["auth"], 2);
  EXPECT_EQ(cycles["cycles"][0]["outcomes"]["host_key_mismatch"], 1);
  EXPECT_EQ(cycles["cycles"][0]["failed"], cycles["cycles"][1]["failed"].get<int>() + 3);
  EXPECT_EQ(cycles["cycles"][0]["devices"], count("SELECT count(*) FROM attempts WHERE run_id = 2"));
  EXPECT_EQ(get_json("/api/cycles?limit=1&offset=1", cookie)["cycles"][0]["id"], 1) << "the older run, alone";
  const auto cycles_page = get("/cycles", cookie);
  EXPECT_THAT(cycles_page.body, HasSubstr("<h1>Backup cycles</h1>"));
  EXPECT_THAT(cycles_page.body, HasSubstr("Showing 1–2 of 2"));
  EXPECT_THAT(cycles_page.body, HasSubstr("auth 2"));

  const auto failing = get_json("/api/failing", cookie);
  EXPECT_EQ(failing["total"], count("SELECT count(*) FROM device_states WHERE status NOT IN ('ok', 'skipped')"));
  EXPECT_EQ(failing["by_outcome"]["auth"], 2);
  EXPECT_EQ(failing["by_outcome"]["host_key_mismatch"], 1);
  EXPECT_TRUE(ids_in(failing).contains(mine[1]) && ids_in(failing).contains(others[1]) &&
              ids_in(failing).contains(mine[2]))
      << failing.dump();
  const auto failing_page = get("/failing", cookie);
  EXPECT_THAT(failing_page.body, HasSubstr("<h2>auth</h2>"));
  EXPECT_TRUE(links_to(failing_page.body, mine[1]));

  EXPECT_EQ(ids_in(get_json("/api/changes?since=24h", cookie)), (std::set<std::int64_t>{mine[0], others[0]}));
  const auto at_site = get_json("/api/changes?since=1h&site=" + site_slug_of.at(mine[0]), cookie);
  EXPECT_EQ(ids_in(at_site), (std::set<std::int64_t>{mine[0]})) << at_site.dump();
  const auto changes_page = get("/changes?since=7d&site=" + site_slug_of.at(others[0]), cookie);
  EXPECT_TRUE(links_to(changes_page.body, others[0]));
  EXPECT_FALSE(links_to(changes_page.body, mine[0])) << "filtered by site";
  EXPECT_THAT(changes_page.body, HasSubstr("<option selected>7d</option>"));
  EXPECT_EQ(get("/api/changes?since=3w", cookie).status, 400);
  // A range of dates: the last day given is whole; a range before the cycles finds nothing.
  const std::string today = utc_date(0);
  const auto range = get_json("/api/changes?from=" + utc_date(-1) + "&to=" + today, cookie);
  EXPECT_EQ(ids_in(range), (std::set<std::int64_t>{mine[0], others[0]})) << range.dump();
  EXPECT_EQ(range["before"], utc_date(1) + "T00:00:00Z");
  EXPECT_TRUE(ids_in(get_json("/api/changes?from=2020-01-01&to=2020-01-31", cookie)).empty());
  EXPECT_TRUE(ids_in(get_json("/api/changes?to=" + utc_date(-2), cookie)).empty()) << "nothing changed before";
  const auto range_page = get("/changes?since=24h&from=" + today + "&to=&site=", cookie);
  EXPECT_TRUE(links_to(range_page.body, mine[0]));
  EXPECT_THAT(range_page.body, HasSubstr("name=\"from\" value=\"" + today + "\""));
  EXPECT_THAT(range_page.body, HasSubstr("Devices with new config versions since " + today + " 00:00:00"));
  const auto bad_date = get("/api/changes?from=yesterday", cookie);
  EXPECT_EQ(bad_date.status, 400);
  EXPECT_THAT(bad_date.body, HasSubstr("from must be a date like 2026-12-01"));
  const auto backward = get("/changes?from=" + today + "&to=" + utc_date(-2), cookie);
  EXPECT_EQ(backward.status, 400);
  EXPECT_THAT(backward.body, HasSubstr("must be before to"));

  // A line of mine[0]'s latest config, found where it is.
  const std::string text = stored_text(mine[0], 2);
  std::int64_t line_number = 0;
  std::string line;
  for (std::size_t start = 0; start < text.size() && (line.size() < 8 || line.find('\\') != std::string::npos);) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    line = text.substr(start, end - start);
    ++line_number;
    start = end + 1;
  }
  const auto found = get_json("/api/search?q=" + query_value("^\\Q" + line + "\\E$"), cookie);
  bool found_mine = false;
  for (const auto& match : found["matches"]) {
    found_mine = found_mine || (match["device_id"] == mine[0] && match["line"] == line_number && match["text"] == line);
  }
  EXPECT_TRUE(found_mine) << line << ": " << found.dump();
  EXPECT_THAT(get("/search?q=" + query_value("^\\Q" + line + "\\E$"), cookie).body, HasSubstr(", all of them"));
  const auto six = get_json("/api/search?q=.&limit=6", cookie);
  const auto limited = get_json("/api/search?q=.&limit=3", cookie);
  ASSERT_EQ(limited["matches"].size(), 3u);
  EXPECT_EQ(limited["more"], true);
  const auto next = get_json("/api/search?q=.&limit=3&offset=3", cookie);
  ASSERT_EQ(six["matches"].size(), 6u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(limited["matches"][i], six["matches"][i]) << i;
    EXPECT_EQ(next["matches"][i], six["matches"][i + 3]) << "the next page goes on where the first stopped";
  }
  EXPECT_THAT(get("/search?q=.&limit=3", cookie).body, HasSubstr("Showing 1–3, more follow"));

  const int backed_up = count("SELECT count(DISTINCT device_id) FROM snapshots");
  const auto compliance = get_json("/api/compliance", cookie);
  EXPECT_EQ(compliance["devices_checked"], backed_up);
  EXPECT_EQ(compliance["total"], backed_up) << "every config fails the rule";
  EXPECT_EQ(compliance["rules"][0]["rule"], "motd-banner");
  EXPECT_EQ(compliance["rules"][0]["failed"], backed_up);
  EXPECT_TRUE(compliance["devices"][0]["failing_since"].is_string());
  const auto compliance_page = get("/compliance?limit=2", cookie);
  EXPECT_THAT(compliance_page.body, HasSubstr("motd-banner"));
  EXPECT_THAT(compliance_page.body, HasSubstr("Showing 1–2 of " + std::to_string(backed_up)));
  EXPECT_THAT(compliance_page.body, HasSubstr("next page"));

  for (const auto& page : k_fleet_pages) {
    const auto response = get(page, cookie);
    EXPECT_EQ(response.status, 200) << page;
    EXPECT_EQ(response.header("content-security-policy"), k_csp) << page;
    EXPECT_THAT(response.body, HasSubstr("<nav><a href=\"/cycles\">Cycles</a>")) << page;
    EXPECT_EQ(get("/api" + page, "").status, 401) << page;
    EXPECT_EQ(get(page, "").status, 303) << page;
  }
}

TEST_F(WebFleet, TheDevicePageShowsComplianceByVersionTheHostKeyAndTheNetboxLink) {
  const std::string cookie = sign_in(k_lab_token);
  const auto device = get_json("/api/devices/" + std::to_string(mine[0]), cookie);
  ASSERT_EQ(device["versions"].size(), 2u);
  for (const auto& version : device["versions"]) {
    ASSERT_EQ(version["compliance"].size(), 1u) << version.dump();
    EXPECT_EQ(version["compliance"][0]["rule"], "motd-banner");
    EXPECT_EQ(version["compliance"][0]["passed"], false);
  }
  EXPECT_THAT(device["host_keys"]["trusted"]["fingerprint"].get<std::string>(), ::testing::StartsWith("SHA256:"));
  EXPECT_TRUE(device["host_keys"]["pending_change"].is_null());
  EXPECT_EQ(device["netbox_url"], lab->url() + "/dcim/devices/" + std::to_string(mine[0]) + "/");
  const auto page = get("/devices/" + std::to_string(mine[0]), cookie);
  EXPECT_THAT(page.body, HasSubstr("<span class=\"error\">motd-banner</span> (warning)"));
  EXPECT_THAT(page.body, HasSubstr("Open the device in NetBox"));

  const auto rotated = get_json("/api/devices/" + std::to_string(mine[2]), cookie);
  const auto pending = rotated["host_keys"]["pending_change"];
  ASSERT_TRUE(pending.is_object()) << rotated.dump();
  EXPECT_NE(pending["fingerprint"], rotated["host_keys"]["trusted"]["fingerprint"]);
  const auto rotated_page = get("/devices/" + std::to_string(mine[2]), cookie);
  EXPECT_THAT(rotated_page.body, HasSubstr("Changed host key"));
  EXPECT_THAT(rotated_page.body, HasSubstr("nbsync hostkey accept " + std::to_string(mine[2]) + " --fingerprint " +
                                           pending["fingerprint"].get<std::string>()));
}

TEST_F(WebFleet, ATokenLimitedToOneSiteSeesOnlyThatSitesDevicesOnEveryFleetPage) {
  const std::string cookie = sign_in(k_site1_token);
  std::set<std::int64_t> other_sites;
  for (const auto& [id, site] : site_of) {
    if (site != 1) {
      other_sites.insert(id);
    }
  }
  for (const auto& page : k_fleet_pages) {
    const auto html = get(page, cookie);
    EXPECT_EQ(html.status, 200) << page;
    const auto answer =
        get_json("/api" + page + (page.find('?') == std::string::npos ? "?" : "&") + "limit=1000", cookie);
    for (auto id : other_sites) {
      EXPECT_FALSE(links_to(html.body, id)) << page << " links device " << id << " of another site";
      EXPECT_FALSE(ids_in(answer).contains(id)) << page << " lists device " << id << " of another site";
    }
  }
  const auto failing = ids_in(get_json("/api/failing", cookie));
  EXPECT_TRUE(failing.contains(mine[1]) && failing.contains(mine[2]));
  EXPECT_EQ(ids_in(get_json("/api/changes", cookie)), (std::set<std::int64_t>{mine[0]}));
  int backed_up_at_site1 = 0;
  for (const auto& [id, site] : site_of) {
    backed_up_at_site1 +=
        site == 1 ? count("SELECT count(*) > 0 FROM snapshots WHERE device_id = " + std::to_string(id)) : 0;
  }
  EXPECT_EQ(get_json("/api/compliance", cookie)["devices_checked"], backed_up_at_site1);
  const auto cycle = get_json("/api/cycles", cookie)["cycles"][0];
  EXPECT_EQ(cycle["changed"], 1) << "only its own site's change counts";
  EXPECT_EQ(cycle["outcomes"]["auth"], 1);
  const auto search = get_json("/api/search?q=.&limit=1000", cookie);
  EXPECT_FALSE(search["matches"].empty());

  const std::string nobody = sign_in(std::string(40, '4'));
  EXPECT_EQ(get_json("/api/failing", nobody)["total"], 0) << "a token that may list no device sees none";
  EXPECT_TRUE(get_json("/api/search?q=.", nobody)["matches"].empty());
}

TEST_F(WebFleet, SearchWithABadRegularExpressionIsA400ThatSaysWhatIsWrong) {
  const std::string cookie = sign_in(k_lab_token);
  const auto api = get("/api/search?q=" + query_value("interface (Gig"), cookie);
  EXPECT_EQ(api.status, 400);
  EXPECT_THAT(json::parse(api.body)["detail"].get<std::string>(),
              HasSubstr("bad regular expression 'interface (Gig': "));
  const auto page = get("/search?q=" + query_value("<b>(x"), cookie);
  EXPECT_EQ(page.status, 400);
  EXPECT_THAT(page.body, HasSubstr("bad regular expression &#39;&lt;b&gt;(x&#39;"));
  EXPECT_THAT(page.body, Not(HasSubstr("<b>(x")));
  EXPECT_EQ(get("/api/search", cookie).status, 400) << "no pattern";
  EXPECT_EQ(get("/search", cookie).status, 200) << "the form alone";
  EXPECT_EQ(get("/api/failing?limit=0", cookie).status, 400);
  EXPECT_EQ(get("/api/failing?offset=x", cookie).status, 400);
}

TEST_F(WebFleet, NetboxListsTheTokensDevicesOncePerPermissionCacheWindow) {
  const std::string cookie = sign_in(k_site1_token);
  const auto listed = [this] {
    const auto counters = lab->request({"GET", "/lab/counters", {}, ""}).body;
    return counters["requests"].value("GET /api/dcim/devices/", 0);
  };
  const int before = listed();
  for (const auto& page : k_fleet_pages) {
    EXPECT_EQ(get(page, cookie).status, 200) << page;
  }
  EXPECT_EQ(listed(), before + 1) << "five pages within permission_cache = 1s: one list (20 devices, one page)";
  std::this_thread::sleep_for(1200ms);
  EXPECT_EQ(get("/failing", cookie).status, 200);
  EXPECT_EQ(listed(), before + 2) << "the set expired and NetBox was asked again";
}

}  // namespace
}  // namespace nbsync::test

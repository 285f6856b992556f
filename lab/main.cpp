// nbsync-lab: a NetBox-compatible API (and, with lab/devices, a fleet of simulated SSH
// devices) on loopback, for tests, the demo and benchmarks. Prints one "ready" line on
// stdout when it can be used; runs until SIGTERM or SIGINT, then exits 0.
#include <httplib.h>
#include <malloc.h>
#include <signal.h>
#include <CLI/CLI.hpp>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "lab/devices/bastion_server.hpp"
#include "lab/devices/device_lab.hpp"
#include "lab/devices/intended_config.hpp"
#include "lab/fleet.hpp"
#include "lab/netbox_api.hpp"
#include "lab/slack_sink.hpp"

namespace {

using namespace nbsync::lab;

struct LabOptions {
  std::int64_t devices = 100;
  std::uint64_t seed = 1;
  std::string api = "127.0.0.1:0";
  std::string token_file;
  std::string state_dir;
  std::string netbox_version = "4.2";
};

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "nbsync-lab: error: " << message << "\n";
  std::exit(2);
}

// "127.0.0.1:8000" -> host and port; only loopback addresses are accepted.
std::pair<std::string, int> parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    usage_error("--api: expected HOST:PORT such as 127.0.0.1:0, got \"" + text + "\"");
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (!host.starts_with("127.") && host != "::1" && host != "localhost") {
    usage_error("--api: the lab listens on loopback only (127.0.0.0/8 or ::1), not \"" + host + "\"");
  }
  int port = -1;
  try {
    port = std::stoi(text.substr(colon + 1));
  } catch (const std::exception&) {
  }
  if (port < 0 || port > 65535) {
    usage_error("--api: expected a port from 0 to 65535 after the colon, got \"" + text.substr(colon + 1) + "\"");
  }
  return {host, port};
}

std::string read_token(const std::string& path) {
  std::ifstream in(path);
  std::string token;
  if (!in || !std::getline(in, token)) {
    usage_error("--token-file: cannot read " + path + " (write the API token the lab should accept into it)");
  }
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  if (token.empty() || token.find(' ') != std::string::npos) {
    usage_error("--token-file: " + path + " must hold one token on its first line");
  }
  return token;
}

}  // namespace

int main(int argc, char** argv) {
  // Each HTTP worker thread would otherwise keep its own malloc arena full of freed page
  // JSON; two arenas keep the lab's memory near its working set.
  mallopt(M_ARENA_MAX, 2);
  CLI::App app{"nbsync-lab: a NetBox-compatible API and simulated network devices on loopback, for tests and demos.",
               "nbsync-lab"};
  LabOptions options;
  app.add_option("--devices", options.devices, "Number of devices in the inventory")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  app.add_option("--seed", options.seed, "Seed of the generated inventory (same seed, same fleet)")
      ->capture_default_str();
  app.add_option("--api", options.api, "Address of the NetBox API, HOST:PORT on loopback (port 0 picks a free one)")
      ->capture_default_str();
  app.add_option("--token-file", options.token_file, "File holding the API token the lab accepts")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--state", options.state_dir,
                 "Directory that keeps API writes, host keys and config versions across restarts");
  app.add_option("--netbox-version", options.netbox_version,
                 "NetBox release the API behaves as: 4.2, 3.7 (content_types, device_role, its /api/status/) or 4.7 "
                 "(v2 tokens, fields= and omit=, select custom fields as {value,label}, ETag)")
      ->check(CLI::IsMember(emulated_netbox_versions()))
      ->capture_default_str();
  DeviceLabOptions device_options;
  add_device_lab_options(app, device_options);
  BastionOptions bastion_options;
  add_bastion_options(app, bastion_options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    usage_error(std::string(e.what()) + " (see nbsync-lab --help)");
  }

  const auto [host, port] = parse_listen(options.api);
  NetboxApiOptions api_options;
  api_options.token = read_token(options.token_file);
  api_options.version = options.netbox_version;
  if (api_options.token.starts_with("nbt_") && !NetboxRelease(options.netbox_version).v2_tokens()) {
    usage_error(
        "--token-file holds a v2 token (nbt_...), which NetBox has from 4.5: use --netbox-version 4.7 "
        "or a 40-character v1 token");
  }
  if (!options.state_dir.empty()) {
    std::error_code error;
    std::filesystem::create_directories(options.state_dir, error);
    if (error) {
      usage_error("--state: cannot create " + options.state_dir + ": " + error.message());
    }
    api_options.state_dir = options.state_dir;
  }

  device_options.seed = options.seed;
  device_options.state_dir = api_options.state_dir;

  try {
    Fleet fleet(options.devices, options.seed);
    NetboxApi api(fleet, api_options);
    SlackSink slack;
    std::vector<std::string> site_slugs;
    for (const auto& site : fleet.sites()) {
      site_slugs.push_back(site.slug);
    }
    const BastionPlan plan = plan_bastions(options.seed, site_slugs, bastion_options.site_share);
    if (!plan.empty()) {
      api.set_site_custom_field(jump_host_field_definition(), plan.jump_host_per_site());
    }

    // The SSH side forks its worker processes: before any thread of this process starts.
    auto simulated = [&fleet, &plan](const LabDevice& d) {
      return SimulatedDevice{d.id,
                             d.name.value_or(""),
                             d.platform ? fleet.platforms()[static_cast<std::size_t>(*d.platform)].slug : "",
                             d.ipv4,
                             plan.only_from(d.site),
                             fleet.sites()[static_cast<std::size_t>(d.site)].slug};
    };
    std::vector<SimulatedDevice> devices;
    devices.reserve(fleet.devices().size());
    for (const auto& d : fleet.devices()) {
      devices.push_back(simulated(d));
    }
    auto device_lab = std::make_unique<DeviceLab>(device_options, devices);
    bastion_options.use_device_lab(device_options, device_lab->ssh_port());
    auto bastions = std::make_unique<BastionServer>(bastion_options, plan, devices);
    devices.clear();
    devices.shrink_to_fit();
    api.on_device_changed = [&device_lab, &bastions, simulated](const LabDevice& d) -> std::string {
      try {
        if (d.ipv4 == 0) {
          device_lab->remove_device(d.id);
        } else {
          device_lab->add_device(simulated(d));
        }
        bastions->device_changed(d.id, d.ipv4);
        return "";
      } catch (const std::exception& e) {
        return e.what();
      }
    };
    api.on_device_removed = [&device_lab, &bastions](std::int64_t id) {
      device_lab->remove_device(id);
      bastions->device_removed(id);
    };
    api.intended_config = [&device_lab, &options](const LabDevice& d, std::optional<bool> drifts) -> nlohmann::json {
      try {
        IntendedConfig intended = intended_config(device_lab->current_config(d.id), options.seed, d.id,
                                                  drifts.value_or(template_drifts(options.seed, d.id)));
        return {{"content", std::move(intended.text)}, {"missing", intended.missing}, {"extra", intended.extra}};
      } catch (const std::out_of_range&) {
        return {{"content", ""}, {"missing", 0}, {"extra", 0}};  // not served over SSH (no address)
      }
    };
    api.ssh_counters = [&device_lab](bool by_device) { return device_lab->counters(by_device); };
    api.reset_ssh_counters = [&device_lab] { device_lab->reset_counters(); };

    // Signals are taken by sigwait() below; every thread started from here inherits the mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    httplib::Server server;
    server.new_task_queue = [] { return new httplib::ThreadPool(32); };
    server.set_keep_alive_timeout(5);
    server.set_tcp_nodelay(true);
    api.register_routes(server);
    slack.register_routes(server);
    device_lab->register_routes(server);
    bastions->register_routes(server);

    const int bound = port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
    if (bound <= 0) {
      usage_error("--api: cannot listen on " + options.api + " (is the port in use?)");
    }
    std::thread listener([&server] { server.listen_after_bind(); });

    std::atomic<bool> stopping = false;
    std::mutex flush_mutex;
    std::condition_variable flush_wake;
    std::thread flusher([&] {
      std::unique_lock lock(flush_mutex);
      while (!stopping) {
        flush_wake.wait_for(lock, std::chrono::milliseconds(250));
        try {
          api.flush();
        } catch (const std::exception& e) {
          std::cerr << "nbsync-lab: " << e.what() << "\n";
        }
      }
    });

    const std::string url_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    std::cout << "ready api=http://" << url_host << ":" << bound << " ssh_port=" << device_lab->ssh_port()
              << " devices=" << fleet.devices().size() << std::endl;

    int signal_number = 0;
    sigwait(&signals, &signal_number);
    server.stop();
    {
      std::lock_guard lock(flush_mutex);
      stopping = true;
    }
    flush_wake.notify_all();
    flusher.join();
    api.flush();
    // httplib joins its workers only after idle keep-alive connections time out; the
    // state is saved, so leave now instead of waiting for clients to hang up.
    listener.detach();
    device_lab.reset();  // stops and reaps the SSH worker processes
    bastions.reset();
    std::cout.flush();
    std::_Exit(0);
  } catch (const std::exception& e) {
    std::cerr << "nbsync-lab: error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}

// nbsync-lab-devices-server: the SSH device lab alone, with its /lab control routes, for
// tests and measurements until nbsync-lab serves both. Devices come from the lab's Fleet
// (the same inventory nbsync-lab's NetBox API shows for --devices/--seed).
// Prints "ready api=http://127.0.0.1:PORT ssh_port=P devices=N" and stops on SIGTERM/SIGINT.
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <thread>

#include <httplib.h>
#include <CLI/CLI.hpp>

#include "lab/devices/device_lab.hpp"
#include "lab/fleet.hpp"

int main(int argc, char** argv) {
  CLI::App app{"nbsync-lab-devices-server: simulated SSH devices with /lab control routes"};
  std::int64_t count = 10;
  std::uint64_t seed = 1;
  std::string state_dir;
  nbsync::lab::DeviceLabOptions options;
  app.add_option("--devices", count, "number of devices in the inventory")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--seed", seed, "inventory and behaviour seed")->capture_default_str();
  app.add_option("--state", state_dir, "directory for host keys and config versions (default: none)");
  app.add_option("--devices-per-worker", options.devices_per_worker, "devices per worker process (at most 17000)")
      ->capture_default_str()
      ->check(CLI::Range(1, 17000));
  nbsync::lab::add_device_lab_options(app, options);
  CLI11_PARSE(app, argc, argv);
  options.seed = seed;
  options.state_dir = state_dir;
  try {
    nbsync::lab::Fleet fleet(count, seed);
    std::vector<nbsync::lab::SimulatedDevice> devices;
    devices.reserve(fleet.devices().size());
    for (const auto& d : fleet.devices()) {
      nbsync::lab::SimulatedDevice s;
      s.id = d.id;
      s.name = d.name.value_or("");
      s.platform = d.platform ? fleet.platforms()[static_cast<std::size_t>(*d.platform)].slug : "";
      s.ipv4 = d.ipv4;
      devices.push_back(std::move(s));
    }
    nbsync::lab::DeviceLab lab(options, devices);  // forks its workers: before any thread
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    httplib::Server server;
    lab.register_routes(server);
    const int port = server.bind_to_any_port("127.0.0.1");
    if (port <= 0) {
      throw std::runtime_error("cannot bind the control API on 127.0.0.1");
    }
    std::thread waiter([&] {
      int signal = 0;
      sigwait(&signals, &signal);
      server.stop();
    });
    std::cout << "ready api=http://127.0.0.1:" << port << " ssh_port=" << lab.ssh_port()
              << " devices=" << devices.size() << std::endl;
    server.listen_after_bind();
    waiter.join();
  } catch (const std::exception& e) {
    std::cerr << "nbsync-lab-devices-server: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

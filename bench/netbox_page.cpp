// nbsync-bench-netbox-page: what one 1,000-device page of NetBox's device list costs,
// asked for in each way a client can ask: everything (config context included), without
// the config context (nbsync before fields=), and what nbsync asks for now (fields= and
// exclude=config_context). For each: the JSON bytes, the fetch time (NetBox's work plus the
// transfer, over loopback) and nbsync's time to parse the page into devices, medians of
// REPEAT rounds. bench/netbox_pages runs it against the lab as each NetBox release.
//
// usage: nbsync-bench-netbox-page URL TOKEN_FILE [REPEAT]
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "http/http_client.hpp"
#include "inventory/netbox_client.hpp"
#include "inventory/netbox_device.hpp"
#include "inventory/netbox_endpoint.hpp"

namespace {

using namespace nbsync;
using Clock = std::chrono::steady_clock;

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct Variant {
  const char* name;
  std::string path;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: nbsync-bench-netbox-page URL TOKEN_FILE [REPEAT]\n";
    return 2;
  }
  std::ifstream token_file(argv[2]);
  std::string token;
  std::getline(token_file, token);
  const int repeat = argc > 3 ? std::max(1, std::atoi(argv[3])) : 5;
  inventory::NetboxOptions options;
  options.netbox.url = argv[1];
  options.netbox.token = Secret(token, "bench");
  const inventory::NetboxClient client(options);
  const std::vector<Variant> variants = {
      {"everything", "/api/dcim/devices/?ordering=id&limit=1000"},
      {"exclude=config_context", "/api/dcim/devices/?ordering=id&limit=1000&exclude=config_context"},
      {"nbsync (fields= + exclude=)", client.devices_path({})},
  };
  http::HttpClient http(inventory::netbox_client_options(options.netbox));
  std::printf("%-28s %8s %12s %10s %10s\n", "asked for", "devices", "JSON bytes", "fetch ms", "parse ms");
  for (const auto& variant : variants) {
    std::vector<double> fetch, parse;
    std::size_t bytes = 0;
    std::size_t devices = 0;
    for (int round = 0; round < repeat; ++round) {
      auto start = Clock::now();
      const auto response = http.send(inventory::netbox_request(options.netbox, "GET", variant.path));
      fetch.push_back(ms_since(start));
      if (response.status != 200) {
        std::cerr << variant.path << ": " << inventory::netbox_failure(response) << "\n";
        return 1;
      }
      bytes = response.body.size();
      start = Clock::now();
      const auto page = nlohmann::json::parse(response.body);
      devices = 0;
      for (const auto& object : page["results"]) {
        devices += inventory::device_from_netbox(object, options.parse).id > 0 ? 1 : 0;
      }
      parse.push_back(ms_since(start));
    }
    std::printf("%-28s %8zu %12zu %10.1f %10.1f\n", variant.name, devices, bytes, median(fetch), median(parse));
  }
  return 0;
}

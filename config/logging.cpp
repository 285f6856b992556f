#include "config/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <mutex>

#include <nlohmann/json.hpp>

namespace nbsync {
namespace {

// One JSON object per line: {"time", "level", "message"}, the message properly escaped.
class JsonLineSink : public spdlog::sinks::base_sink<std::mutex> {
protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const auto time = std::chrono::system_clock::to_time_t(msg.time);
    std::tm tm{};
    gmtime_r(&time, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const nlohmann::json line = {{"time", stamp},
                                 {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                                                       spdlog::level::to_string_view(msg.level).size())},
                                 {"message", std::string(msg.payload.data(), msg.payload.size())}};
    std::cerr << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  void flush_() override { std::cerr.flush(); }
};

}  // namespace

void setup_logging(const LogConfig& log) {
  std::shared_ptr<spdlog::sinks::sink> sink;
  if (log.format == "json") {
    sink = std::make_shared<JsonLineSink>();
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    sink->set_pattern("%l %v");  // journald adds its own timestamps
  }
  auto logger = std::make_shared<spdlog::logger>("nbsync", sink);
  logger->set_level(spdlog::level::from_str(log.level));
  spdlog::set_default_logger(logger);
}

}  // namespace nbsync

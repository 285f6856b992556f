#include "storage/detail/device_columns.hpp"

#include <SQLiteCpp/Column.h>

namespace nbsync::storage::detail {

DeviceRecord device_from_columns(SQLite::Statement& row, int first) {
  DeviceRecord record;
  record.id = row.getColumn(first).getInt64();
  record.name = row.getColumn(first + 1).getString();
  record.site = row.getColumn(first + 2).getString();
  record.role = row.getColumn(first + 3).getString();
  record.platform = row.getColumn(first + 4).getString();
  record.tenant = row.getColumn(first + 5).getString();
  record.status = row.getColumn(first + 6).getString();
  record.address = row.getColumn(first + 7).getString();
  record.tags = split_tags(row.getColumn(first + 8).getString());
  return record;
}

DeviceRecord device_from_columns(const SqlRows& row, int first) {
  DeviceRecord record;
  record.id = row.integer(first);
  record.name = row.text(first + 1);
  record.site = row.text(first + 2);
  record.role = row.text(first + 3);
  record.platform = row.text(first + 4);
  record.tenant = row.text(first + 5);
  record.status = row.text(first + 6);
  record.address = row.text(first + 7);
  record.tags = split_tags(row.text(first + 8));
  return record;
}

std::string join_tags(const std::vector<std::string>& tags) {
  std::string joined;
  for (const auto& tag : tags) {
    joined.append(joined.empty() ? "" : ",").append(tag);
  }
  return joined;
}

std::vector<std::string> split_tags(const std::string& joined) {
  std::vector<std::string> tags;
  std::size_t start = 0;
  while (start < joined.size()) {
    const std::size_t comma = joined.find(',', start);
    const std::size_t end = comma == std::string::npos ? joined.size() : comma;
    if (end > start) {
      tags.push_back(joined.substr(start, end - start));
    }
    start = end + 1;
  }
  return tags;
}

}  // namespace nbsync::storage::detail

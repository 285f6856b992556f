#include "lab/devices/intended_config.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>
#include <vector>

#include "lab/devices/detail/random.hpp"

namespace nbsync::lab {
namespace {

// One config line with the lines indented below it, and its closing "}" when brace style.
struct Node {
  std::string line;
  std::vector<Node> children;
  std::string closer;
};

std::size_t indent_of(std::string_view line) {
  const auto at = line.find_first_not_of(' ');
  return at == std::string_view::npos ? line.size() : at;
}

// Lines that end or separate sections: moving or swapping them would change the syntax.
bool is_structural(const std::string& line) {
  static constexpr std::array<std::string_view, 8> k_words{"!", "}", "end", "exit", "next", "quit", "return", "#"};
  const std::string_view text = std::string_view(line).substr(indent_of(line));
  return text.empty() || text.starts_with('}') || text.starts_with('#') ||
         std::find(k_words.begin(), k_words.end(), text) != k_words.end() || text.starts_with("exit-");
}

// Reads lines[at...] deeper than `parent_indent` into `out`; returns the first index not taken.
std::size_t parse(const std::vector<std::string>& lines, std::size_t at, std::size_t parent_indent, bool root,
                  std::vector<Node>& out) {
  while (at < lines.size()) {
    const std::size_t indent = indent_of(lines[at]);
    if (!root && indent <= parent_indent) {
      return at;
    }
    Node node{lines[at], {}, {}};
    at = parse(lines, at + 1, indent, false, node.children);
    if (at < lines.size() && indent_of(lines[at]) == indent && std::string_view(lines[at]).substr(indent) == "}") {
      node.closer = lines[at++];
    }
    out.push_back(std::move(node));
  }
  return at;
}

void write(const std::vector<Node>& nodes, std::string& out) {
  for (const auto& node : nodes) {
    out += node.line;
    out += '\n';
    write(node.children, out);
    if (!node.closer.empty()) {
      out += node.closer;
      out += '\n';
    }
  }
}

std::string first_word(const std::string& line) {
  const std::size_t start = indent_of(line);
  return line.substr(start, line.find(' ', start) - start);
}

bool is_section(const Node& node) {
  return !node.children.empty();
}
bool is_leaf(const Node& node) {
  return node.children.empty() && node.closer.empty() && !is_structural(node.line);
}

// Every section, depth first, so the edits below can pick among them.
void sections(std::vector<Node>& nodes, std::vector<std::vector<Node>*>& lists, std::vector<Node*>& out) {
  lists.push_back(&nodes);
  for (auto& node : nodes) {
    if (is_section(node)) {
      out.push_back(&node);
      sections(node.children, lists, out);
    }
  }
}

// Swaps two adjacent siblings matching `both` in one of `lists` (picked by rng); false when none.
template <typename Match>
bool swap_adjacent(const std::vector<std::vector<Node>*>& lists, detail::Rng& rng, Match both) {
  std::vector<std::pair<std::vector<Node>*, std::size_t>> candidates;
  for (auto* list : lists) {
    for (std::size_t i = 0; i + 1 < list->size(); ++i) {
      if (both((*list)[i], (*list)[i + 1])) {
        candidates.emplace_back(list, i);
      }
    }
  }
  if (candidates.empty()) {
    return false;
  }
  auto [list, i] = candidates[rng.below(candidates.size())];
  std::swap((*list)[i], (*list)[i + 1]);
  return true;
}

std::vector<std::size_t> leaf_indexes(const Node& section) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < section.children.size(); ++i) {
    if (is_leaf(section.children[i])) {
      out.push_back(i);
    }
  }
  return out;
}

bool has_line(const Node& section, const std::string& text) {
  return std::any_of(section.children.begin(), section.children.end(), [&](const Node& child) {
    return std::string_view(child.line).substr(indent_of(child.line)) == text;
  });
}

// A line taken from one section (`from`, left blank) for another of the same kind ("interface ...").
struct Move {
  Node* from = nullptr;
  Node* to = nullptr;
  std::string line;  // as it goes under `to`
};

// Picks a line of a section that another section of the same kind lacks and blanks it;
// `from` stays null when the config has no such pair.
Move pick_move(const std::vector<Node*>& all, detail::Rng& rng) {
  for (std::size_t tries = 0; tries < 4 * all.size(); ++tries) {
    Node* from = all[rng.below(all.size())];
    const auto leaves = leaf_indexes(*from);
    if (leaves.empty()) {
      continue;
    }
    Node& leaf = from->children[leaves[rng.below(leaves.size())]];
    const std::string text = leaf.line.substr(indent_of(leaf.line));
    for (Node* to : all) {
      if (to != from && to->line != from->line && first_word(to->line) == first_word(from->line) &&
          indent_of(to->line) == indent_of(from->line) && !has_line(*to, text)) {
        leaf.line.clear();
        return {from, to, std::string(indent_of(to->children.front().line), ' ') + text};
      }
    }
  }
  return {};
}

// Blanks `count` lines of sections other than the move's (or of the top level); returns how many.
int blank_lines(std::vector<Node>& root, const std::vector<Node*>& all, const Move& move, int count, detail::Rng& rng) {
  int blanked = 0;
  for (std::size_t tries = 0; tries < 8 * (all.size() + 1) && blanked < count; ++tries) {
    Node* section = all.empty() || rng.below(4) == 0 ? nullptr : all[rng.below(all.size())];
    if (section != nullptr && (section == move.from || section == move.to)) {
      continue;
    }
    std::vector<Node>& list = section != nullptr ? section->children : root;
    std::vector<std::size_t> leaves;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (is_leaf(list[i])) {
        leaves.push_back(i);
      }
    }
    if (leaves.size() < 2) {
      continue;  // a section keeps at least one line, so it still renders
    }
    list[leaves[rng.below(leaves.size())]].line.clear();
    ++blanked;
  }
  return blanked;
}

void remove_blanked(std::vector<Node>& nodes) {
  std::erase_if(nodes, [](const Node& node) { return node.line.empty(); });
  for (auto& node : nodes) {
    remove_blanked(node.children);
  }
}

std::vector<std::string> running_lines(const GeneratedConfig& running) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < running.output.size()) {
    std::size_t end = running.output.find('\n', start);
    if (end == std::string::npos) {
      end = running.output.size();
    }
    std::string line = running.output.substr(start, end - start);
    start = end + 1;
    const bool is_volatile = std::any_of(running.volatile_prefixes.begin(), running.volatile_prefixes.end(),
                                         [&](const std::string& prefix) { return line.starts_with(prefix); });
    if (!is_volatile && line.find_first_not_of(' ') != std::string::npos) {
      lines.push_back(std::move(line));
    }
  }
  return lines;
}

}  // namespace

bool template_drifts(std::uint64_t seed, std::int64_t id) {
  return detail::mix({seed, static_cast<std::uint64_t>(id), 0xd41f7ULL}) % 2 == 0;
}

IntendedConfig intended_config(const GeneratedConfig& running, std::uint64_t seed, std::int64_t id, bool drifts) {
  detail::Rng rng(detail::mix({seed, static_cast<std::uint64_t>(id), 0x7e3a1ULL}));
  std::vector<Node> root;
  parse(running_lines(running), 0, 0, true, root);
  std::vector<std::vector<Node>*> lists;
  std::vector<Node*> all;
  sections(root, lists, all);

  // Orderings the platform ignores: two sections of one kind, two lines inside a section.
  swap_adjacent(lists, rng, [](const Node& a, const Node& b) {
    return is_section(a) && is_section(b) && first_word(a.line) == first_word(b.line);
  });
  swap_adjacent(std::vector<std::vector<Node>*>(lists.begin() + 1, lists.end()), rng,
                [](const Node& a, const Node& b) { return is_leaf(a) && is_leaf(b) && a.line != b.line; });

  IntendedConfig out;
  if (drifts) {
    const Move move = pick_move(all, rng);
    out.extra += blank_lines(root, all, move, 2, rng);
    if (move.from != nullptr) {
      move.to->children.push_back(Node{move.line, {}, {}});  // no section pointer is used after this
      out.missing += 1;
      out.extra += 1;
    }
    remove_blanked(root);
    // Two lines the template has and the device lacks, before the first section.
    const auto at = std::find_if(root.begin(), root.end(), is_section);
    const std::array<std::string, 2> added{"ntp server 192.0.2.123", "logging host 192.0.2.124"};
    root.insert(at, {Node{added[0], {}, {}}, Node{added[1], {}, {}}});
    out.missing += 2;
  }
  write(root, out.text);
  return out;
}

}  // namespace nbsync::lab

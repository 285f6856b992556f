#include "web/html.hpp"

#include <cctype>
#include <utility>

namespace nbsync::web {
namespace {

constexpr std::pair<const char*, const char*> k_fleet_pages[] = {{"/cycles", "Cycles"},
                                                                 {"/failing", "Failing"},
                                                                 {"/changes", "Changes"},
                                                                 {"/search", "Search"},
                                                                 {"/compliance", "Compliance"}};

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string percent_encode(std::string_view text) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.') {
      out.push_back(static_cast<char>(c));
    } else {
      out.append({'%', k_hex[c >> 4], k_hex[c & 15]});
    }
  }
  return out;
}

std::string html_page(const PageFrame& frame, std::string_view title, std::string_view body) {
  std::string page =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"color-scheme\" content=\"light dark\">\n<title>";
  page.append(escape_html(title)).append(" · nbsync</title>\n<link rel=\"stylesheet\" href=\"");
  page.append(escape_html(frame.prefix)).append("/style.css\">\n</head>\n<body>\n<header><a class=\"brand\" href=\"");
  page.append(escape_html(frame.prefix)).append("/\">nbsync</a>");
  if (frame.signed_in) {
    page.append("<nav>");
    for (const auto& [path, name] : k_fleet_pages) {
      page.append("<a href=\"")
          .append(escape_html(frame.prefix))
          .append(path)
          .append("\">")
          .append(name)
          .append("</a>");
    }
    page.append("</nav><form method=\"post\" action=\"").append(escape_html(frame.prefix));
    page.append("/sign-out\"><button type=\"submit\">Sign out</button></form>");
  }
  page.append("</header>\n<main>\n<h1>").append(escape_html(title)).append("</h1>\n");
  page.append(body);
  return page.append("</main>\n</body>\n</html>\n");
}

std::string_view stylesheet() {
  return R"css(:root { color-scheme: light dark; --fg: #1d2329; --bg: #ffffff; --muted: #5c6670; --line: #d5dbe1;
  --add-bg: #e6ffec; --add-fg: #116329; --del-bg: #ffebe9; --del-fg: #82071e; --hunk: #0550ae; --link: #0b5cad;
  --add-mark: #abf2bc; --del-mark: #ffc1bf; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9aa4ae; --line: #30363d;
    --add-bg: #12261e; --add-fg: #7ee2a8; --del-bg: #2d1214; --del-fg: #ffa198; --hunk: #79c0ff; --link: #58a6ff;
    --add-mark: #1f6f3f; --del-mark: #8e2b2b; }
}
body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; justify-content: space-between; align-items: center; padding: .5rem 1rem;
  border-bottom: 1px solid var(--line); }
header form { margin: 0; }
header nav { display: flex; flex-wrap: wrap; gap: .3rem 1rem; margin-right: auto; padding-left: 1.5rem; }
td.wrap { white-space: normal; overflow-wrap: anywhere; min-width: 16rem; }
td ul { margin: 0; padding-left: 1rem; }
main { padding: 1rem; max-width: 80rem; }
a { color: var(--link); }
a:focus, button:focus, input:focus, select:focus { outline: 2px solid var(--link); outline-offset: 2px; }
.brand { font-weight: 600; text-decoration: none; }
h1 { font-size: 1.3rem; margin: 0 0 1rem; overflow-wrap: anywhere; }
table { border-collapse: collapse; display: block; overflow-x: auto; }
th, td { text-align: left; padding: .25rem .6rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
td.num, th.num { text-align: right; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
p { overflow-wrap: anywhere; }
pre { font: 13px/1.4 ui-monospace, monospace; border: 1px solid var(--line); padding: .5rem; overflow-x: auto; }
pre span { display: block; white-space: pre; }
.add { background: var(--add-bg); color: var(--add-fg); }
.del { background: var(--del-bg); color: var(--del-fg); }
.hunk { color: var(--hunk); }
.error { color: var(--del-fg); }
.muted { color: var(--muted); }
form.inline { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin: 1rem 0; }
label { display: block; }
input, select, button { font: inherit; padding: .3rem .5rem; }
nav.layout { margin: .5rem 0; }
table.split { display: table; width: 100%; table-layout: fixed; font: 13px/1.4 ui-monospace, monospace;
  border: 1px solid var(--line); }
table.split col.ln { width: 3.5em; }
table.split td { white-space: pre-wrap; overflow-wrap: anywhere; vertical-align: top; padding: 0 .4rem; border: 0; }
table.split td.ln { color: var(--muted); text-align: right; }
table.split tr.hunk td { color: var(--hunk); border-top: 1px solid var(--line); }
mark { color: inherit; border-radius: 2px; }
.add mark { background: var(--add-mark); }
.del mark { background: var(--del-mark); }
)css";
}

}  // namespace nbsync::web

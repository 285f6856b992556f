#pragma once
// The viewer's HTML: escaping, and the one page layout every page shares (a header with
// the fleet pages' links and sign-out, the content, the stylesheet at /style.css). Every text that came from a device,
// NetBox or the user goes through escape_html(); nothing else is ever interpolated.
// No script, no outside asset: the Content-Security-Policy forbids both.
#include <string>
#include <string_view>

namespace nbsync::web {

// &, <, >, " and ' as entities.
std::string escape_html(std::string_view text);

// For a URL's query value: everything but letters, digits and "/-_." as %XX.
std::string percent_encode(std::string_view text);

struct PageFrame {
  std::string prefix;  // the path browsers see the viewer under ("" or "/nbsync"), for links
  bool signed_in = false;
};

// A whole HTML document: `title` is escaped here; `body` is trusted HTML built by callers
// from escaped parts.
std::string html_page(const PageFrame& frame, std::string_view title, std::string_view body);

// The stylesheet: light and dark (prefers-color-scheme), readable on a phone.
std::string_view stylesheet();

}  // namespace nbsync::web

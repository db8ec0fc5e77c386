// SVG ladder export (see ladder_svg.hpp).
#include "ui/model/ladder_svg.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace wirelab::ui {

namespace {

std::string escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string rgb(std::uint32_t abgr) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", abgr & 0xff, (abgr >> 8) & 0xff,
                  (abgr >> 16) & 0xff);
    return buf;
}

} // namespace

std::string ladder_svg(const Session& session) {
    const auto& lad = session.ladder();
    const auto& flights = session.flights().all();
    const auto& topo = session.trace().topology;

    // Time -> y: 48 px per median flight, gaps capped at 3 of those.
    std::vector<Time> times;
    for (const auto& a : lad.arrows) {
        times.push_back(a.t0);
        times.push_back(a.t1);
    }
    for (const auto& n : lad.notes)
        times.push_back(n.time);
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    std::vector<Time> d;
    for (const auto& f : flights)
        d.push_back(f.end - f.start);
    std::sort(d.begin(), d.end());
    const double unit =
        d.empty() ? 1e6 : std::max<double>(static_cast<double>(d[d.size() / 2]), 1.0);
    std::map<Time, double> y_of;
    double y = 90;
    for (std::size_t i = 0; i < times.size(); ++i) {
        if (i > 0) y += std::clamp((times[i] - times[i - 1]) / unit * 48.0, 0.0, 144.0) + 2;
        y_of[times[i]] = y;
    }
    const double height = y + 60;
    const double lane_w = 420, left = 160;
    const double width =
        left + lane_w * std::max<double>(static_cast<double>(lad.lanes.size()) - 1, 1) + 220;
    const auto x_of = [&](int lane) { return left + 110 + lane * lane_w; };

    std::string svg;
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                  "font-family=\"DejaVu Sans, sans-serif\" font-size=\"13\">\n"
                  "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                  width, height);
    svg += buf;
    svg += "<title>" + escape(session.scenario().lesson.title) + "</title>\n";
    std::snprintf(buf, sizeof buf,
                  "<text x=\"20\" y=\"30\" font-size=\"18\" font-weight=\"bold\">%s</text>\n",
                  escape(session.scenario().lesson.title).c_str());
    svg += buf;
    for (std::size_t i = 0; i < lad.lanes.size(); ++i) {
        const double x = x_of(static_cast<int>(i));
        std::snprintf(
            buf, sizeof buf,
            "<text x=\"%.1f\" y=\"66\" text-anchor=\"middle\" font-weight=\"bold\">%s</text>\n"
            "<line x1=\"%.1f\" y1=\"76\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\" "
            "stroke-width=\"2\"/>\n",
            x, escape(topo.nodes[lad.lanes[i]].name).c_str(), x, x, height - 30);
        svg += buf;
    }
    for (const auto& a : lad.arrows) {
        if (a.from_lane < 0 || a.to_lane < 0) continue;
        const Flight& f = flights[a.flight];
        const PduInfo& info = session.catalog().info(f.pdu);
        const std::string col = f.dropped ? rgb(drop_color) : rgb(protocol_color(info.protocol));
        const double x0 = x_of(a.from_lane), x1 = x_of(a.to_lane);
        const double y0 = y_of[a.t0], y1 = y_of[a.t1];
        const double xe = f.dropped ? x0 + (x1 - x0) * 0.8 : x1,
                     ye = f.dropped ? y0 + (y1 - y0) * 0.8 : y1;
        std::snprintf(buf, sizeof buf,
                      "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                      "stroke-width=\"2\"/>\n",
                      x0, y0, xe, ye, col.c_str());
        svg += buf;
        if (f.dropped) {
            std::snprintf(
                buf, sizeof buf,
                "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" text-anchor=\"middle\">✗ %s</text>\n", xe,
                ye + 5, col.c_str(), trace::to_string(f.reason));
        } else {
            const double dir = x1 >= x0 ? -1 : 1;
            std::snprintf(buf, sizeof buf,
                          "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"%s\"/>\n", x1,
                          y1, x1 + dir * 10, y1 - 5, x1 + dir * 10, y1 + 5, col.c_str());
        }
        svg += buf;
        std::snprintf(buf, sizeof buf,
                      "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" text-anchor=\"%s\">%s</text>\n",
                      x0 + (x1 >= x0 ? 8 : -8), y0 - 4, col.c_str(), x1 >= x0 ? "start" : "end",
                      escape(info.label).c_str());
        svg += buf;
        std::snprintf(buf, sizeof buf,
                      "<text x=\"20\" y=\"%.1f\" fill=\"#666\" font-size=\"11\">%s</text>\n",
                      y0 + 4, escape(format_time(a.t0)).c_str());
        svg += buf;
    }
    for (const auto& n : lad.notes) {
        if (n.lane < 0 || n.kind != trace::Kind::state) continue;
        const bool last = n.lane == static_cast<int>(lad.lanes.size()) - 1 && lad.lanes.size() > 1;
        std::snprintf(buf, sizeof buf,
                      "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#0046a0\"/>"
                      "<text x=\"%.1f\" y=\"%.1f\" fill=\"#0046a0\" font-size=\"11\" "
                      "text-anchor=\"%s\">%s</text>\n",
                      x_of(n.lane), y_of[n.time], x_of(n.lane) + (last ? -8 : 8), y_of[n.time] + 4,
                      last ? "end" : "start", escape(n.text).c_str());
        svg += buf;
    }
    svg += "</svg>\n";
    return svg;
}

} // namespace wirelab::ui

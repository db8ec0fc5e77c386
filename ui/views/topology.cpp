// Topology panel: hosts, switches and links laid out by ui/model/layout, the frames on each
// link drawn as segments as long as their serialization and moving at their propagation speed,
// coloured by protocol and labelled, drops marked where they happen and why, a legend. Click a
// frame or a host to select it; drag to pan, wheel to zoom.
#include "ui/views/view_context.hpp"

#include "sim/scenario/load.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace wirelab::ui {

namespace {

constexpr const char* view = "topology";

ImVec2 lerp(ImVec2 a, ImVec2 b, float t) {
    return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t};
}

float dist_to_segment(ImVec2 p, ImVec2 a, ImVec2 b) {
    const ImVec2 ab{b.x - a.x, b.y - a.y};
    const float len2 = ab.x * ab.x + ab.y * ab.y;
    float t = len2 > 0 ? ((p.x - a.x) * ab.x + (p.y - a.y) * ab.y) / len2 : 0;
    t = std::clamp(t, 0.0f, 1.0f);
    const ImVec2 q = lerp(a, b, t);
    return std::hypot(p.x - q.x, p.y - q.y);
}

std::string bandwidth_text(std::int64_t bps) {
    char buf[32];
    if (bps >= 1'000'000'000)
        std::snprintf(buf, sizeof buf, "%g Gbit/s", bps / 1e9);
    else if (bps >= 1'000'000)
        std::snprintf(buf, sizeof buf, "%g Mbit/s", bps / 1e6);
    else
        std::snprintf(buf, sizeof buf, "%g kbit/s", bps / 1e3);
    return buf;
}

// Where a label box for `text` goes: centred on `at` (its bottom edge there), but kept inside
// the canvas (a frame just leaving a host at the edge).
ScreenBox place_label(ViewContext& ctx, ImDrawList* dl, ImVec2 at, const std::string& text,
                      float size) {
    const ImVec2 ts = ImGui::GetFont()->CalcTextSizeA(size, 1e9f, 0, text.c_str());
    const float pad = 3 * ctx.scale;
    const ImVec2 lo = dl->GetClipRectMin(), hi = dl->GetClipRectMax();
    const float w = ts.x + 2 * pad;
    const float x0 = std::max(lo.x + pad, std::min(at.x - w / 2, hi.x - pad - w));
    return {{x0, at.y - ts.y - 2 * pad}, {x0 + w, at.y}};
}

void draw_label_box(ViewContext& ctx, ImDrawList* dl, const ScreenBox& box, ImU32 edge,
                    const std::string& text, float size) {
    const float pad = 3 * ctx.scale;
    dl->AddRectFilled(box.p0, box.p1,
                      ctx.theme.light ? IM_COL32(255, 255, 255, 235) : IM_COL32(20, 22, 26, 230),
                      3 * ctx.scale);
    dl->AddRect(box.p0, box.p1, edge, 3 * ctx.scale, 0, 1.5f * ctx.scale);
    draw_label(ctx, dl, view, {box.p0.x + pad, box.p0.y + pad}, ctx.theme.text, text, size);
}

void label_box(ViewContext& ctx, ImDrawList* dl, ImVec2 at, ImU32 edge, const std::string& text,
               float size) {
    draw_label_box(ctx, dl, place_label(ctx, dl, at, text, size), edge, text, size);
}

// A frame's label on the map stays short enough not to run over the hosts and the legend: a
// long polling URL keeps its start ("GET /socket.io/?EIO=4&transport=polling…"); the
// inspector and the ladder show it whole.
std::string map_label(const std::string& label) {
    constexpr std::size_t max_bytes = 44;
    if (label.size() <= max_bytes) return label;
    return std::string(utf8_prefix(label, max_bytes)) + "…";
}

} // namespace

void draw_topology(ViewContext& ctx, TopologyState& st) {
    const auto& s = ctx.session;
    const auto& topo = s.trace().topology;
    const auto& layout = s.layout();
    const auto& flights = s.flights().all();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 c0 = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const ImVec2 c1{c0.x + avail.x, c0.y + avail.y};
    dl->AddRectFilled(c0, c1, ctx.theme.canvas);
    ImGui::InvisibleButton("canvas", avail,
                           ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
    const bool hovered = ImGui::IsItemHovered();
    ImGuiIO& io = ImGui::GetIO();
    if (ImGui::IsItemActive() && (ImGui::IsMouseDragging(ImGuiMouseButton_Right) ||
                                  ImGui::IsMouseDragging(ImGuiMouseButton_Left, 4.0f))) {
        st.pan.x += io.MouseDelta.x;
        st.pan.y += io.MouseDelta.y;
    }
    if (hovered && io.MouseWheel != 0)
        st.zoom = std::clamp(st.zoom * std::pow(1.15f, io.MouseWheel), 0.2f, 8.0f);
    dl->PushClipRect(c0, c1, true);

    // Unit square -> pixels: fit the panel with a margin for labels, then zoom and pan.
    const float margin_x = 60 * ctx.scale, margin_y = 70 * ctx.scale;
    float w = std::max(avail.x - 2 * margin_x, 10.0f), h = std::max(avail.y - 2 * margin_y, 10.0f);
    if (layout.round) w = h = std::min(w, h);
    const ImVec2 centre{c0.x + avail.x / 2 + st.pan.x, c0.y + avail.y / 2 + st.pan.y};
    const auto px = [&](Point p) {
        return ImVec2{centre.x + (p.x - 0.5f) * w * st.zoom, centre.y + (p.y - 0.5f) * h * st.zoom};
    };
    const float fs = ImGui::GetFontSize();
    const bool many = topo.nodes.size() > 24;
    // A classroom of 30 keeps discs a finger can point at; 1,000 phones on one ring get dots
    // and hairline links, so the ring and the star read as such instead of one grey disc, and
    // the server (the host named so, as the layout places it) keeps its full size and name.
    const float crowd =
        std::sqrt(24.0f / static_cast<float>(std::max<std::size_t>(topo.nodes.size(), 24)));
    const float r_full = std::max(std::min(w, h) * layout.node_radius * st.zoom, 6.0f * ctx.scale);
    const float r_node = std::max(std::min(w, h) * layout.node_radius * st.zoom,
                                  std::max(1.5f, 6.0f * crowd) * ctx.scale);
    const float r = r_node; // links, labels and frames keep clear of a host's disc
    const auto prominent = [&](const trace::Node& n) {
        return n.is_switch || (many && named_server(n));
    };
    ImU32 link_col = ctx.theme.link;
    if (crowd < 0.5f) { // more than ~100 nodes: fainter links, so that they do not fill the disc
        const auto alpha = static_cast<unsigned>(255 * std::max(0.25f, 2 * crowd));
        link_col = (link_col & ~IM_COL32_A_MASK) | (alpha << IM_COL32_A_SHIFT);
    }

    // Links with their name, bandwidth and delay. When every link of a star is alike, the
    // labels would only repeat one another over the hosts' names: say it once, at the bottom.
    bool alike = topo.links.size() > 3;
    for (const auto& l : topo.links)
        alike = alike && l.bandwidth_bps == topo.links[0].bandwidth_bps &&
                l.delay == topo.links[0].delay;
    struct LinkLabel {
        ImVec2 a, b;
        std::string text;
    };
    std::vector<LinkLabel> link_labels; // drawn after the hosts, clear of their names
    for (const auto& l : topo.links) {
        const ImVec2 a = px(layout.nodes[l.a]), b = px(layout.nodes[l.b]);
        dl->AddLine(a, b, link_col, std::max(0.75f, 3.0f * crowd) * ctx.scale);
        if (!many && !alike)
            link_labels.push_back(
                {a, b,
                 l.name + " · " + bandwidth_text(l.bandwidth_bps) + " · " + format_time(l.delay)});
    }
    // Link state (cut links drawn dashed-red) from the latest link_state event per link.
    {
        std::vector<int> up(topo.links.size(), 1);
        const auto n = happened(s.trace(), ctx.playhead.time);
        for (std::size_t i = 0; i < n; ++i) {
            const auto& e = s.trace()[static_cast<trace::EventId>(i)];
            if (e.kind == trace::Kind::link_state && e.link < up.size()) up[e.link] = e.aux ? 1 : 0;
        }
        for (std::size_t i = 0; i < up.size(); ++i) {
            if (up[i]) continue;
            const auto& l = topo.links[i];
            const ImVec2 a = px(layout.nodes[l.a]), b = px(layout.nodes[l.b]);
            dl->AddLine(a, b, drop_color, 5.0f * ctx.scale);
            const ImVec2 m = lerp(a, b, 0.5f);
            draw_label(ctx, dl, view, {m.x - fs, m.y - 1.6f * fs}, drop_color, "✗ cut", fs);
        }
    }

    // Hosts and switches.
    int hovered_node = -1;
    std::vector<ScreenBox> node_boxes; // each host's disc with its name and address
    for (trace::NodeId i = 0; i < topo.nodes.size(); ++i) {
        const auto& n = topo.nodes[i];
        const ImVec2 p = px(layout.nodes[i]);
        const bool sel = ctx.selection.node == i;
        const ImU32 edge = sel ? ctx.theme.lit : ctx.theme.node_edge;
        const float nr = prominent(n) ? r_full : r_node;
        if (n.is_switch) {
            dl->AddRectFilled({p.x - nr, p.y - nr * 0.6f}, {p.x + nr, p.y + nr * 0.6f},
                              ctx.theme.node_fill, 4);
            dl->AddRect({p.x - nr, p.y - nr * 0.6f}, {p.x + nr, p.y + nr * 0.6f}, edge, 4, 0,
                        2 * ctx.scale);
        } else if (nr < 4 * ctx.scale && !sel) {
            dl->AddCircleFilled(p, nr, edge, 8); // a dot: an outline would be all there is
        } else {
            dl->AddCircleFilled(p, nr, ctx.theme.node_fill, 32);
            dl->AddCircle(p, nr, edge, 32, (sel ? 4.0f : 2.0f) * ctx.scale);
        }
        const float reach = std::max(nr, 4 * ctx.scale); // a dot is still easy to hover
        if (hovered && std::hypot(io.MousePos.x - p.x, io.MousePos.y - p.y) <= reach)
            hovered_node = static_cast<int>(i);
        if (many && !sel && hovered_node != i && !prominent(n)) continue;
        const float big = fs * 1.25f;
        const float tw = ImGui::GetFont()->CalcTextSizeA(big, 1e9f, 0, n.name.c_str()).x;
        const std::string ip = n.is_switch ? "" : scenario::format_ipv4(n.ip);
        const float iw = ImGui::CalcTextSize(ip.c_str()).x;
        if (layout.round && named_server(n) && p.x < centre.x - nr) {
            // The server on the left of a ring (where layout.cpp puts it around one switch):
            // its name and address outside the ring, right-aligned against its disc, where no
            // link runs.
            const float right = p.x - nr - 6 * ctx.scale, top = p.y - (big + fs) / 2;
            draw_label(ctx, dl, view, {right - tw, top}, ctx.theme.text, n.name, big);
            draw_label(ctx, dl, view, {right - iw, top + big}, ctx.theme.text_dim, ip);
            node_boxes.push_back(
                {{right - std::max(tw, iw) - fs, top}, {p.x + nr + fs, top + big + fs}});
            continue;
        }
        draw_label(ctx, dl, view, {p.x - tw / 2, p.y + nr + 4 * ctx.scale}, ctx.theme.text, n.name,
                   big);
        float name_w = tw, name_bottom = p.y + nr + 4 * ctx.scale + big;
        if (!n.is_switch) {
            draw_label(ctx, dl, view, {p.x - iw / 2, p.y + nr + 6 * ctx.scale + big},
                       ctx.theme.text_dim, ip);
            name_w = std::max(name_w, iw);
            name_bottom += 2 * ctx.scale + fs;
        }
        const float half = std::max(nr, name_w / 2) + fs; // and a space's room around it
        node_boxes.push_back({{p.x - half, p.y - nr}, {p.x + half, name_bottom}});
    }
    // Each link's name, bandwidth and delay below its middle (below the band where frames going
    // left carry their labels); where that would cover a host's name, a little along the link
    // or above it instead.
    const float below = std::max(3.4f * fs, r + 2.4f * fs + 14 * ctx.scale);
    for (const LinkLabel& l : link_labels) {
        const float tw = ImGui::CalcTextSize(l.text.c_str()).x;
        ScreenBox chosen{};
        bool found = false;
        for (const float t : {0.5f, 0.62f, 0.38f}) {
            for (const float dy : {below, -below + fs}) {
                const ImVec2 m = lerp(l.a, l.b, t);
                const ScreenBox box{{m.x - tw / 2, m.y + dy}, {m.x + tw / 2, m.y + dy + fs}};
                if (!found && is_free(node_boxes, box)) {
                    chosen = box;
                    found = true;
                }
                if (t == 0.5f && dy == below && !found) chosen = box; // the default if none fits
            }
        }
        node_boxes.push_back(chosen);
        draw_label(ctx, dl, view, chosen.p0, ctx.theme.text_dim, l.text);
    }

    // Frames in flight: a segment from tail to head along the link, then its label.
    std::vector<InFlight> in;
    s.flights().in_flight(ctx.playhead.time, in);
    const bool label_all = in.size() <= 24;
    const int focus = current_flight(ctx);
    int hovered_flight = -1;
    struct Label {
        ScreenBox box;
        ScreenBox other_side; // where it goes if its own side would cover a name
        ImU32 edge;
        std::string text;
        bool focus;
    };
    std::vector<Label> labels;
    for (const auto& f : in) {
        const Flight& fl = flights[f.flight];
        const PduInfo& info = s.catalog().info(fl.pdu);
        const ImU32 col = protocol_color(info.protocol);
        const ImVec2 a = px(layout.nodes[fl.from]), b = px(layout.nodes[fl.to]);
        // Keep the drawing off the node discs.
        const float len = std::hypot(b.x - a.x, b.y - a.y);
        const float cut = len > 0 ? std::min(r / len, 0.45f) : 0;
        const auto along = [&](float t) { return lerp(a, b, cut + (1 - 2 * cut) * t); };
        const ImVec2 head = along(f.head), tail = along(f.tail);
        const float thick =
            (f.flight == static_cast<std::uint32_t>(focus) ? 14.0f : 10.0f) * ctx.scale;
        dl->AddLine(tail, head, col, thick);
        if (label_all) dl->AddCircleFilled(head, thick * 0.6f, col);
        if (hovered && dist_to_segment(io.MousePos, tail, head) < thick)
            hovered_flight = static_cast<int>(f.flight);
        if (label_all || f.flight == static_cast<std::uint32_t>(focus)) {
            // Frames going right are labelled above the link, going left below it.
            const bool right = b.x >= a.x;
            const ImVec2 mid = lerp(tail, head, 0.5f);
            const ImVec2 above{mid.x, mid.y - thick},
                under{mid.x, mid.y + thick + fs + 8 * ctx.scale};
            std::string text = map_label(info.label);
            const ScreenBox box = place_label(ctx, dl, right ? above : under, text, fs * 1.15f);
            const ScreenBox flip = place_label(ctx, dl, right ? under : above, text, fs * 1.15f);
            labels.push_back(
                {box, flip, col, std::move(text), f.flight == static_cast<std::uint32_t>(focus)});
        }
    }
    // Labels over every segment, none on top of another nor of a host's name: the followed
    // frame's first (on the link's other side if its own would cover a name), then each one
    // that finds room (15 ACKs leaving a room's hosts at once would otherwise pile up into an
    // unreadable stack over the server's name; their dots still show, and hovering one
    // names it).
    std::stable_partition(labels.begin(), labels.end(), [](const Label& l) { return l.focus; });
    std::vector<ScreenBox> placed = node_boxes; // names, addresses and link labels
    std::size_t hidden_labels = 0;
    for (const Label& l : labels) {
        ScreenBox box = l.box;
        if (!is_free(placed, box) && is_free(placed, l.other_side)) box = l.other_side;
        if (!is_free(placed, box) && !l.focus) {
            ++hidden_labels;
            continue;
        }
        placed.push_back(box);
        draw_label_box(ctx, dl, box, l.edge, l.text, fs * 1.15f);
    }
    // Drops: a cross where the frame died, with why, for a moment after.
    const Time show_for = std::max<Time>(ctx.dwell * 2, 1);
    for (const auto& d : s.flights().drops()) {
        if (d.time > ctx.playhead.time || d.time + show_for < ctx.playhead.time) continue;
        ImVec2 p = d.node < topo.nodes.size() ? px(layout.nodes[d.node]) : centre;
        if (d.link < topo.links.size() && d.node < topo.nodes.size()) {
            const auto& l = topo.links[d.link];
            const trace::NodeId other = l.a == d.node ? l.b : l.a;
            p = lerp(p, px(layout.nodes[other]), 0.18f);
        }
        const float k = 12 * ctx.scale;
        dl->AddLine({p.x - k, p.y - k}, {p.x + k, p.y + k}, drop_color, 5 * ctx.scale);
        dl->AddLine({p.x - k, p.y + k}, {p.x + k, p.y - k}, drop_color, 5 * ctx.scale);
        std::string why = std::string("lost: ") + trace::to_string(d.reason);
        if (d.pdu != trace::no_pdu) why = s.catalog().info(d.pdu).label + " " + why;
        label_box(ctx, dl, {p.x, p.y - k - 4 * ctx.scale}, drop_color, "✗ " + why, fs);
    }

    // Legend: the protocols this lesson's frames use, each with its colour and name.
    if (st.show_legend) {
        bool used[static_cast<int>(Protocol::count)] = {};
        for (const auto& f : flights)
            used[static_cast<int>(s.catalog().info(f.pdu).protocol)] = true;
        // Top right: the layouts keep clients on the left and the server mid-right, so that
        // corner is free (top left would cover the first client).
        float width = ImGui::CalcTextSize("dropped frame").x;
        for (int i = 0; i < static_cast<int>(Protocol::count); ++i)
            if (used[i])
                width = std::max(width, ImGui::CalcTextSize(to_string(static_cast<Protocol>(i))).x);
        ImVec2 p{c1.x - 8 * ctx.scale - 2.4f * fs - width, c0.y + 8 * ctx.scale};
        draw_label(ctx, dl, view, p, ctx.theme.text_dim, "Legend", fs);
        p.y += fs + 4 * ctx.scale;
        for (int i = 0; i < static_cast<int>(Protocol::count); ++i) {
            if (!used[i]) continue;
            const auto proto = static_cast<Protocol>(i);
            dl->AddRectFilled({p.x, p.y + fs * 0.3f}, {p.x + 2 * fs, p.y + fs * 0.8f},
                              protocol_color(proto), 2);
            draw_label(ctx, dl, view, {p.x + 2.4f * fs, p.y}, ctx.theme.text, to_string(proto), fs);
            p.y += fs + 4 * ctx.scale;
        }
        draw_label(ctx, dl, view, {p.x + 0.5f * fs, p.y}, drop_color, "✗", fs);
        draw_label(ctx, dl, view, {p.x + 2.4f * fs, p.y}, ctx.theme.text, "dropped frame", fs);
    }
    std::string footer = "t = " + format_time(ctx.playhead.time);
    if (hidden_labels > 0)
        footer += "      " + std::to_string(in.size()) + " frames in flight (" +
                  std::to_string(hidden_labels) + " labels left out: hover a frame)";
    if (alike)
        footer += "      every link: " + bandwidth_text(topo.links[0].bandwidth_bps) + " · " +
                  format_time(topo.links[0].delay);
    draw_label(ctx, dl, view, {c0.x + 8 * ctx.scale, c1.y - fs - 6 * ctx.scale}, ctx.theme.text_dim,
               footer, fs);
    dl->PopClipRect();

    if (hovered && ImGui::IsMouseReleased(ImGuiMouseButton_Left) &&
        ImGui::GetMouseDragDelta(ImGuiMouseButton_Left).x == 0 &&
        ImGui::GetMouseDragDelta(ImGuiMouseButton_Left).y == 0) {
        if (hovered_flight >= 0) {
            ctx.selection.flight = hovered_flight;
            ctx.selection.pinned = true;
        } else if (hovered_node >= 0) {
            ctx.selection.node = hovered_node;
        } else {
            ctx.selection.pinned = false;
        }
    }
    if (hovered_flight >= 0) {
        ImGui::BeginTooltip();
        ImGui::TextUnformatted(
            s.catalog().info(flights[hovered_flight].pdu).dissection.summary.c_str());
        ImGui::EndTooltip();
    }
}

} // namespace wirelab::ui

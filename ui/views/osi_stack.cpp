// OSI stack panel: for the two ends of the frame being followed (or the selected host), the
// seven OSI layers beside the four of the TCP/IP model, the real protocol at each, the layer
// the frame is crossing lit (↓ adding its header on the sender, ↑ removing it on the receiver),
// and under each stack the frame as its headers stand at that moment: encapsulation drawn.
#include "ui/views/view_context.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace wirelab::ui {

namespace {

constexpr const char* view = "osi";

const char* layer_header_name(std::uint8_t layer, const std::vector<std::string>& stack) {
    switch (layer) {
    case 2: return "Ethernet";
    case 3: return "IPv4";
    case 4: return "TCP";
    case 5:
        return std::find(stack.begin(), stack.end(), "ws") != stack.end() ? "WebSocket" : "HTTP";
    case 6: return "JSON";
    case 7:
        return std::find(stack.begin(), stack.end(), "sio") != stack.end() ? "Socket.IO" : "data";
    default: return "bits";
    }
}

// A short name for the header starting at `offset`, from the dissection's layer rows.
std::string span_name(const wire::FieldTable& rows, const trace::LayerSpan& sp) {
    for (const auto& r : rows) {
        if (r.offset != sp.offset || r.depth > 1) continue;
        const std::string& n = r.name;
        if (n.starts_with("Ethernet")) return "Eth";
        if (n.starts_with("Internet Protocol")) return "IPv4";
        if (n.starts_with("Transmission Control")) return "TCP";
        if (n.starts_with("Address Resolution")) return "ARP";
        if (n.starts_with("Hypertext")) return "HTTP";
        if (n.starts_with("WebSocket")) return "WS";
        if (n.starts_with("Engine.IO")) return "EIO";
        if (n.starts_with("Frame check")) return "FCS";
        if (n.starts_with("Padding")) return "pad";
        if (n.starts_with("TCP segment data")) return "data";
    }
    return sp.layer >= 5 ? "data" : "hdr";
}

ImU32 layer_color(std::uint8_t layer) {
    switch (layer) {
    case 2: return protocol_color(Protocol::ethernet);
    case 3: return protocol_color(Protocol::ipv4);
    case 4: return protocol_color(Protocol::tcp);
    case 5: return protocol_color(Protocol::websocket);
    case 6: return protocol_color(Protocol::socketio);
    default: return protocol_color(Protocol::http);
    }
}

// A header's colour: its protocol's, as on the links and in the legend, when the dissection
// names it (a WebSocket frame carried as layer-7 TCP payload is WebSocket green, not HTTP).
ImU32 span_color(std::string_view name, std::uint8_t layer) {
    if (name == "WS") return protocol_color(Protocol::websocket);
    if (name == "EIO") return protocol_color(Protocol::socketio);
    if (name == "HTTP") return protocol_color(Protocol::http);
    return layer_color(layer);
}

// `text` as it fits in `room` pixels: at font size `fs` if it can, else down to 85 % of it,
// else cut at a character with an ellipsis. A box's text is never clipped mid-letter
// ("Engine.IO / WebSocket / HTTI" in a narrow column read as a typo).
std::pair<std::string, float> fit_text(std::string text, float room, float fs) {
    const auto width = [](const std::string& t, float size) {
        return ImGui::GetFont()->CalcTextSizeA(size, 1e9f, 0, t.c_str()).x;
    };
    const float w = width(text, fs);
    if (w <= room) return {std::move(text), fs};
    const float size = std::max(0.85f * fs, fs * room / w);
    if (w * size / fs <= room) return {std::move(text), size};
    return {ellipsize(std::move(text), room, size), size};
}

// One host's column of seven rows plus its encapsulation bar; returns the rows' right edge.
void draw_stack(ViewContext& ctx, ImDrawList* dl, trace::NodeId node, ImVec2 p0, float width,
                float row_h, float name_w, bool first) {
    const auto& s = ctx.session;
    const auto& n = s.trace().topology.nodes[node];
    const auto rows = osi_rows(n.stack, n.is_switch);
    const float fs = ImGui::GetFontSize();
    auto act = s.stacks().activity(node, ctx.playhead.time, ctx.dwell, ctx.dwell * 2);

    draw_label(ctx, dl, view, {p0.x + name_w, p0.y}, ctx.theme.text, n.name, fs * 1.1f);
    const float top = p0.y + fs * 1.5f;
    for (int i = 0; i < 7; ++i) {
        const auto& row = rows[i];
        const float y = top + i * row_h;
        if (first) {
            // OSI number and name, and the TCP/IP layer spanning its OSI rows.
            draw_label(ctx, dl, view, {p0.x, y + (row_h - fs) / 2}, ctx.theme.text_dim,
                       std::to_string(row.layer) + " " + row.osi_name, fs);
        }
        const ImVec2 a{p0.x + name_w, y + 2}, b{p0.x + width, y + row_h - 2};
        const bool modelled = !row.protocol.empty();
        bool lit = false;
        if (act && act->progress < 1.0f) lit = act->layer() == row.layer;
        ImU32 fill = modelled ? ctx.theme.node_fill : ctx.theme.canvas;
        if (lit) fill = ctx.theme.lit;
        dl->AddRectFilled(a, b, fill, 4);
        dl->AddRect(a, b, lit ? ctx.theme.node_edge : ctx.theme.link, 4, 0,
                    (lit ? 3.0f : 1.0f) * ctx.scale);
        const ImU32 tc =
            lit ? IM_COL32(0, 0, 0, 255) : (modelled ? ctx.theme.text : ctx.theme.text_dim);
        std::string text = modelled ? row.protocol : "—";
        if (lit && act) {
            const std::string what = layer_header_name(row.layer, n.stack);
            text += act->pass->down ? "   ↓ + " + what + (row.layer == 1 ? "" : " header")
                                    : "   ↑ − " + what + (row.layer == 1 ? "" : " header");
        }
        const auto [shown, size] = fit_text(std::move(text), b.x - a.x - 10 * ctx.scale, fs);
        dl->PushClipRect(a, b, true);
        draw_label(ctx, dl, view, {a.x + 6 * ctx.scale, y + (row_h - size) / 2}, tc, shown, size);
        dl->PopClipRect();
    }

    // The frame as it stands now: layer spans present at this point of the pass.
    const float bar_y = top + 7 * row_h + 6 * ctx.scale;
    if (!act) {
        draw_label(ctx, dl, view, {p0.x + name_w, bar_y}, ctx.theme.text_dim, "(idle)", fs);
        return;
    }
    const auto& pass = *act->pass;
    const std::uint8_t at =
        act->progress >= 1.0f ? (pass.down ? 1 : pass.layers.back()) : act->layer();
    const auto spans = s.trace().pdu_spans(pass.pdu);
    const auto bytes = s.trace().pdu_bytes(pass.pdu);
    std::vector<trace::LayerSpan> shown;
    for (const auto& sp : spans)
        if (pass.down ? sp.layer >= at : sp.layer >= at) shown.push_back(sp);
    std::sort(shown.begin(), shown.end(),
              [](const auto& x, const auto& y) { return x.offset < y.offset; });
    const std::string title = std::string(pass.down ? "↓ sends " : "↑ receives ") +
                              s.catalog().info(pass.pdu).label + " (" +
                              std::to_string(bytes.size()) + " B)";
    const auto [title_shown, title_size] = fit_text(title, width - name_w, fs);
    draw_label(ctx, dl, view, {p0.x + name_w, bar_y}, ctx.theme.text, title_shown, title_size);
    const auto& rows_of_pdu = s.catalog().info(pass.pdu).dissection.rows;
    float x = p0.x + name_w;
    const float bar_w = width - name_w, h = fs * 1.5f, y = bar_y + fs * 1.3f;
    std::uint32_t total = 0;
    for (const auto& sp : shown)
        total += sp.length;
    for (const auto& sp : shown) {
        // Proportional, but at least wide enough to read a short name.
        const float wpx =
            std::max(bar_w * sp.length / std::max<std::uint32_t>(total, 1), fs * 1.2f);
        const float w_clamped = std::min(wpx, p0.x + width - x);
        if (w_clamped <= 2) break;
        const std::string short_name = span_name(rows_of_pdu, sp);
        dl->AddRectFilled({x, y}, {x + w_clamped, y + h}, span_color(short_name, sp.layer), 2);
        dl->AddRect({x, y}, {x + w_clamped, y + h}, ctx.theme.canvas, 2);
        const std::string name = short_name + " " + std::to_string(sp.length);
        if (ImGui::CalcTextSize(name.c_str()).x < w_clamped - 4)
            draw_label(ctx, dl, view, {x + 3, y + (h - fs) / 2}, IM_COL32(0, 0, 0, 255), name, fs);
        x += w_clamped;
    }
}

} // namespace

void draw_osi_stack(ViewContext& ctx, OsiStackState& st) {
    const auto& s = ctx.session;
    const auto& topo = s.trace().topology;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 c0 = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    dl->AddRectFilled(c0, {c0.x + avail.x, c0.y + avail.y}, ctx.theme.canvas);

    // Which hosts: the followed frame's ends, else the selected host, else the first two hosts.
    std::vector<trace::NodeId> show;
    const int f = current_flight(ctx);
    if (f >= 0) {
        const auto& fl = s.flights().all()[f];
        show = {fl.from, fl.to};
    } else {
        for (trace::NodeId i = 0; i < topo.nodes.size() && show.size() < 2; ++i)
            if (!topo.nodes[i].is_switch) show.push_back(i);
    }
    if (ctx.selection.node >= 0 && !ctx.selection.pinned) {
        const auto sel = static_cast<trace::NodeId>(ctx.selection.node);
        if (std::find(show.begin(), show.end(), sel) == show.end()) show = {sel};
    }
    // Stable columns: left to right as the topology (and the ladder) draw them.
    std::sort(show.begin(), show.end(), [&](trace::NodeId a, trace::NodeId b) {
        return s.layout().nodes[a].x < s.layout().nodes[b].x;
    });
    if (!st.both_ends && show.size() > 1) show.resize(1);
    if (show.empty()) return;

    const float fs = ImGui::GetFontSize();
    const float name_w = ImGui::CalcTextSize("7 Presentation").x + 10 * ctx.scale;
    const float tcpip_w = ImGui::CalcTextSize("Application").x + 12 * ctx.scale;
    const float row_h = std::clamp((avail.y - fs * 5.5f) / 7.0f, fs * 1.3f, fs * 3.0f);
    const float left = c0.x + 6 * ctx.scale;
    const float col_w =
        (avail.x - tcpip_w - 20 * ctx.scale - name_w) / static_cast<float>(show.size());

    // TCP/IP (4 layers) brackets beside the OSI names.
    const float top = c0.y + 4 * ctx.scale + fs * 1.5f;
    draw_label(ctx, dl, view, {left, c0.y + 4 * ctx.scale}, ctx.theme.text_dim, "TCP/IP", fs);
    draw_label(ctx, dl, view, {left + tcpip_w, c0.y + 4 * ctx.scale}, ctx.theme.text_dim, "OSI",
               fs);
    const int spans[4][2] = {{0, 3}, {3, 4}, {4, 5}, {5, 7}}; // rows (top-down) of 4,3,2,1
    for (int k = 0; k < 4; ++k) {
        const float y0 = top + spans[k][0] * row_h + 2, y1 = top + spans[k][1] * row_h - 2;
        dl->AddRect({left, y0}, {left + tcpip_w - 6 * ctx.scale, y1}, ctx.theme.link, 4);
        draw_label(ctx, dl, view, {left + 4 * ctx.scale, (y0 + y1 - fs) / 2}, ctx.theme.text,
                   tcpip_name(static_cast<std::uint8_t>(4 - k)), fs);
    }
    for (std::size_t i = 0; i < show.size(); ++i) {
        const float x = left + tcpip_w + (i == 0 ? 0 : name_w + i * col_w);
        draw_stack(ctx, dl, show[i], {x, c0.y + 4 * ctx.scale},
                   (i == 0 ? name_w : 0) + col_w - 10 * ctx.scale, row_h, i == 0 ? name_w : 0,
                   i == 0);
    }
    ImGui::Dummy(avail);
}

} // namespace wirelab::ui

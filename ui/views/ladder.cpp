// Ladder panel: lifelines per node, one arrow per frame from its send (top) to its arrival
// (lower, later), drawn up to the playhead so the diagram grows as the lesson plays; TCP and
// WebSocket states and application events as notes on the lifelines; click an arrow to select
// that frame. Only rows in the visible time window are visited (binary search).
#include "ui/views/view_context.hpp"

#include <algorithm>
#include <cmath>

namespace wirelab::ui {

namespace {

constexpr const char* view = "ladder";

// The median time a frame spends on a link: the ladder's unit of height.
Time median_flight(const Session& s) {
    const auto& all = s.flights().all();
    if (all.empty()) return ms(10);
    std::vector<Time> d;
    for (std::size_t i = 0; i < all.size(); i += std::max<std::size_t>(1, all.size() / 64))
        d.push_back(all[i].end - all[i].start);
    std::nth_element(d.begin(), d.begin() + d.size() / 2, d.end());
    return std::max<Time>(d[d.size() / 2], 1000);
}

// A label on the canvas's own colour, so that an arrow passing under a note or another
// arrow's name breaks off there instead of striking the words through.
void backed_label(ViewContext& ctx, ImDrawList* dl, ImVec2 at, float width, ImU32 col,
                  const std::string& text, float size) {
    const ImU32 back = (ctx.theme.canvas & ~IM_COL32_A_MASK) | (225u << IM_COL32_A_SHIFT);
    dl->AddRectFilled({at.x - 2 * ctx.scale, at.y}, {at.x + width + 2 * ctx.scale, at.y + size},
                      back, 2 * ctx.scale);
    draw_label(ctx, dl, view, at, col, text, size);
}

} // namespace

void draw_ladder(ViewContext& ctx, LadderState& st) {
    const auto& s = ctx.session;
    const auto& lad = s.ladder();
    const auto& topo = s.trace().topology;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 c0 = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const ImVec2 c1{c0.x + avail.x, c0.y + avail.y};
    dl->AddRectFilled(c0, c1, ctx.theme.canvas);
    ImGui::InvisibleButton("ladder", avail);
    const bool hovered = ImGui::IsItemHovered();
    ImGuiIO& io = ImGui::GetIO();
    const float fs = ImGui::GetFontSize();
    const float head = fs * 1.6f;
    const float top = c0.y + head, bottom = c1.y - 4;
    // The axis: one typical flight drops 2.6 lines (labels never collide), quiet gaps are
    // squeezed to 1.5 flights; the wheel zooms.
    if (st.generation != s.generation()) {
        st.axis = LadderAxis(lad, median_flight(s), 1.5);
        st.longest = 0;
        for (const auto& f : s.flights().all())
            st.longest = std::max(st.longest, f.end - f.start);
        st.generation = s.generation();
    }
    if (hovered && io.MouseWheel != 0)
        st.zoom = std::clamp(st.zoom * std::pow(1.15f, io.MouseWheel), 0.05f, 20.0f);
    const double units = (bottom - top) / (2.6 * fs) / st.zoom; // visible height, in flights
    dl->PushClipRect(c0, c1, true);
    // The playhead sits at 80 % of the height: the recent past above it.
    const Time now = ctx.playhead.time;
    const double u_top = st.axis.at(now) - units * 0.8;
    const Time t_top = st.axis.time_at(u_top);
    const Time t_bottom = st.axis.time_at(u_top + units);
    const auto y_of = [&](Time t) {
        return top + (bottom - top) * static_cast<float>((st.axis.at(t) - u_top) / units);
    };
    // Many lifelines (a star of clients) would be unreadable: then only the switches and the
    // two ends of the frame being followed (and the selected host) get one.
    std::vector<int> shown; // lane indices drawn, left to right
    std::vector<int> column(lad.lanes.size(), -1);
    const int focus = current_flight(ctx);
    if (lad.lanes.size() <= 8) {
        for (std::size_t i = 0; i < lad.lanes.size(); ++i)
            shown.push_back(static_cast<int>(i));
    } else {
        std::vector<bool> want(lad.lanes.size(), false);
        for (std::size_t i = 0; i < lad.lanes.size(); ++i)
            want[i] = topo.nodes[lad.lanes[i]].is_switch;
        const auto mark = [&](int node) {
            if (node >= 0 && node < static_cast<int>(lad.lane_of.size()) && lad.lane_of[node] >= 0)
                want[lad.lane_of[node]] = true;
        };
        if (focus >= 0) {
            mark(s.flights().all()[focus].from);
            mark(s.flights().all()[focus].to);
        }
        mark(ctx.selection.node);
        for (std::size_t i = 0; i < want.size(); ++i)
            if (want[i]) shown.push_back(static_cast<int>(i));
    }
    for (std::size_t k = 0; k < shown.size(); ++k)
        column[shown[k]] = static_cast<int>(k);
    const std::size_t lanes = shown.size();
    // Outer margins hold the state notes of the outermost lifelines.
    const float margin = lanes <= 2 ? avail.x * 0.27f : std::min(avail.x * 0.18f, 140 * ctx.scale);
    const auto x_of = [&](int lane) {
        const int k = column[lane];
        if (lanes <= 1) return c0.x + avail.x / 2;
        return c0.x + margin + (avail.x - 2 * margin) * k / static_cast<float>(lanes - 1);
    };

    for (std::size_t j = 0; j < lanes; ++j) {
        const int i = shown[j];
        const float x = x_of(i);
        dl->AddLine({x, top}, {x, bottom}, ctx.theme.link, 2 * ctx.scale);
        const auto& name = topo.nodes[lad.lanes[i]].name;
        const float tw = ImGui::CalcTextSize(name.c_str()).x;
        draw_label(ctx, dl, view, {x - tw / 2, c0.y + 2}, ctx.theme.text, name, fs);
    }
    // Squeezed quiet gaps: a dotted band saying how long nothing happened (its words are drawn
    // after the arrows' labels, where they leave room).
    struct GapLabel {
        ImVec2 at;
        float width;
        std::string text;
    };
    std::vector<GapLabel> gap_labels;
    for (const auto& [g0, g1] : st.axis.gaps_in(t_top, std::min(t_bottom, now))) {
        const float y0 = y_of(g0) + fs * 0.6f, y1 = std::min(y_of(g1), y_of(now)) - fs * 0.6f;
        if (y1 - y0 < fs) continue;
        for (float x = c0.x + 4; x < c1.x; x += 10 * ctx.scale) {
            dl->AddCircleFilled({x, y0}, 1.2f * ctx.scale, ctx.theme.text_dim);
            dl->AddCircleFilled({x, y1}, 1.2f * ctx.scale, ctx.theme.text_dim);
        }
        const std::string text = g1 <= now ? "⋯ " + format_time(g1 - g0) + " later ⋯"
                                           : "⋯ nothing for " + format_time(now - g0) + " ⋯";
        const float tw = ImGui::CalcTextSize(text.c_str()).x;
        gap_labels.push_back({{c0.x + avail.x / 2 - tw / 2, (y0 + y1 - fs) / 2}, tw, text});
    }
    const float y_now = y_of(now);
    dl->AddLine({c0.x, y_now}, {c1.x, y_now}, ctx.theme.playhead, 2 * ctx.scale);

    // Arrows: drawn up to where the frame is now; a lost one ends in ✗.
    const Time longest = st.longest;
    auto [lo, hi] = lad.arrows_in(t_top, std::min(t_bottom, now), longest);
    int hovered_arrow = -1;
    // A dense window (hundreds of clients) draws at most 2,000 arrows, the latest, unlabelled:
    // labels would be unreadable there, and the frame must stay cheap.
    const bool dense = hi - lo > 200;
    if (hi - lo > 2000) lo = hi - 2000;
    struct ArrowLabel {
        ImVec2 from, to; // the whole arrow, where it will be
        float width;
        ImU32 col;
        std::string text;
        bool sel;
    };
    std::vector<ArrowLabel> arrow_labels;
    for (std::size_t i = lo; i < hi; ++i) {
        const auto& a = lad.arrows[i];
        if (a.t1 < t_top || a.from_lane < 0 || a.to_lane < 0) continue;
        if (column[a.from_lane] < 0 || column[a.to_lane] < 0) continue;
        const Flight& f = s.flights().all()[a.flight];
        const PduInfo& info = s.catalog().info(f.pdu);
        const ImU32 col = f.dropped ? drop_color : protocol_color(info.protocol);
        const ImVec2 p0{x_of(a.from_lane), y_of(a.t0)};
        ImVec2 p1{x_of(a.to_lane), y_of(a.t1)};
        const bool done = a.t1 <= now;
        if (!done) { // still on the wire: cut the arrow at the playhead
            const float k = static_cast<float>(static_cast<double>(now - a.t0) /
                                               std::max<Time>(a.t1 - a.t0, 1));
            p1 = {p0.x + (p1.x - p0.x) * k, p0.y + (p1.y - p0.y) * k};
        }
        const bool sel = static_cast<int>(a.flight) == focus;
        const float th = (sel ? 3.5f : 2.0f) * ctx.scale;
        dl->AddLine(p0, p1, col, th);
        if (done && !f.dropped) {
            const float dx = p1.x - p0.x, dy = p1.y - p0.y,
                        len = std::max(std::hypot(dx, dy), 1.0f);
            const float ux = dx / len, uy = dy / len, k = 10 * ctx.scale;
            dl->AddTriangleFilled(
                p1, {p1.x - ux * k - uy * k * 0.5f, p1.y - uy * k + ux * k * 0.5f},
                {p1.x - ux * k + uy * k * 0.5f, p1.y - uy * k - ux * k * 0.5f}, col);
        } else if (done) {
            const float k = 7 * ctx.scale;
            dl->AddLine({p1.x - k, p1.y - k}, {p1.x + k, p1.y + k}, drop_color, 3 * ctx.scale);
            dl->AddLine({p1.x - k, p1.y + k}, {p1.x + k, p1.y - k}, drop_color, 3 * ctx.scale);
        }
        if (dense) continue;
        // The label sits above the middle of the whole arrow (where it will be), between lanes.
        std::string text = info.label;
        if (f.dropped && done) text += "  ✗ " + std::string(trace::to_string(f.reason));
        const float tw = ImGui::CalcTextSize(text.c_str()).x;
        arrow_labels.push_back({p0,
                                {x_of(a.to_lane), y_of(a.t1)},
                                tw,
                                sel ? ctx.theme.text : col,
                                std::move(text),
                                sel});
        if (hovered) {
            const ImVec2 m = io.MousePos;
            const float dx = p1.x - p0.x, dy = p1.y - p0.y;
            const float len2 = std::max(dx * dx + dy * dy, 1.0f);
            const float t = std::clamp(((m.x - p0.x) * dx + (m.y - p0.y) * dy) / len2, 0.0f, 1.0f);
            if (std::hypot(m.x - (p0.x + dx * t), m.y - (p0.y + dy * t)) < 6 * ctx.scale)
                hovered_arrow = static_cast<int>(a.flight);
        }
    }
    std::vector<ScreenBox> taken; // label boxes drawn so far
    // Notes: state changes beside their lifeline (outside edges get their text inward).
    auto [nlo, nhi] = lad.notes_in(t_top, std::min(t_bottom, now));
    std::vector<float> lane_next_y(lad.lanes.size(), -1e9f); // notes close in time stack down
    for (std::size_t i = nlo; i < nhi; ++i) {
        const auto& n = lad.notes[i];
        if (n.lane < 0 || column[n.lane] < 0) continue;
        const float x = x_of(n.lane);
        const float y = std::max(y_of(n.time), lane_next_y[n.lane]);
        // Notes go outside the diagram: left of the first lifeline, right of the others; a
        // state change too wide for the margin breaks after its arrow ("CLOSED →" / "SYN-SENT").
        const bool first = column[n.lane] == 0 && lanes > 1;
        const float nfs = fs * 0.9f;
        const ImU32 col = n.kind == trace::Kind::state ? ctx.theme.narration : ctx.theme.text_dim;
        dl->AddCircleFilled({x, y}, 4 * ctx.scale, col);
        std::string lines[2] = {std::string(n.text), {}};
        const auto width = [&](const std::string& t) {
            return ImGui::GetFont()->CalcTextSizeA(nfs, 1e9f, 0, t.c_str()).x;
        };
        const auto arrow = lines[0].find(" → ");
        if (width(lines[0]) > margin - 14 * ctx.scale && arrow != std::string::npos) {
            lines[1] = lines[0].substr(arrow + 5); // " → " is 5 bytes in UTF-8
            lines[0] = lines[0].substr(0, arrow + 4);
        }
        for (int k = 0; k < 2 && !lines[k].empty(); ++k) {
            // Too long for the margin (an application event): cut with an ellipsis.
            const float room = first ? x - c0.x - 14 * ctx.scale : c1.x - x - 14 * ctx.scale;
            lines[k] = ellipsize(std::move(lines[k]), room, nfs);
            const float tw = width(lines[k]);
            const float lx = first ? x - tw - 10 * ctx.scale : x + 10 * ctx.scale;
            backed_label(ctx, dl, {lx, y - nfs / 2 + k * nfs}, tw, col, lines[k], nfs);
            taken.push_back({{lx, y - nfs / 2 + k * nfs}, {lx + tw, y + nfs / 2 + k * nfs}});
            lane_next_y[n.lane] = y + (k + 1) * nfs;
        }
    }
    // Arrow labels never on top of one another nor on a note (arrows close in time, or several
    // that began above the window and so share its top line): the followed frame's first, then
    // the latest arrows', each above the middle of its arrow or, failing room there, a third
    // of the way from either end. An arrow left unlabelled names itself on hover.
    const auto free_at = [&](ImVec2 a, ImVec2 b) { return is_free(taken, {a, b}); };
    const auto put = [&](ImVec2 at, float width, ImU32 col, const std::string& text) {
        taken.push_back({{at.x - 2, at.y}, {at.x + width + 2, at.y + fs}});
        backed_label(ctx, dl, at, width, col, text, fs);
    };
    const auto place = [&](const ArrowLabel& l) {
        for (const float t : {0.5f, 0.3f, 0.7f}) {
            const ImVec2 m{l.from.x + (l.to.x - l.from.x) * t, l.from.y + (l.to.y - l.from.y) * t};
            // Inside the panel: a long polling URL near the first lane stays readable.
            const ImVec2 at{std::max(c0.x + 2, std::min(m.x - l.width / 2, c1.x - l.width - 2)),
                            std::max(m.y - fs - 2, top + 2)};
            if (free_at({at.x - 2, at.y}, {at.x + l.width + 2, at.y + fs}) ||
                (l.sel && t == 0.7f)) {
                put(at, l.width, l.col, l.text);
                return;
            }
        }
    };
    for (const ArrowLabel& l : arrow_labels)
        if (l.sel) place(l);
    for (auto it = arrow_labels.rbegin(); it != arrow_labels.rend(); ++it)
        if (!it->sel) place(*it);
    // The gaps' words last, where arrows' labels and notes leave room: centred, else
    // off-centre, else left out (the dotted band still shows the gap).
    for (const GapLabel& g : gap_labels)
        for (const float dx : {0.0f, -0.25f, 0.25f}) {
            const ImVec2 at{g.at.x + dx * avail.x, g.at.y};
            if (free_at({at.x - 2, at.y}, {at.x + g.width + 2, at.y + fs})) {
                put(at, g.width, ctx.theme.text_dim, g.text);
                break;
            }
        }
    // The playhead's time, drawn last where nothing else is: under its line (where only
    // arrows still on the wire will go), at the right end, the middle or the left end.
    const std::string now_text = format_time(now);
    const float now_w = ImGui::CalcTextSize(now_text.c_str()).x * 0.9f;
    ImVec2 now_at{c1.x - now_w - 6, y_now + 3};
    for (const float x : {c1.x - now_w - 6, c0.x + avail.x / 2 - now_w / 2, c0.x + 6})
        if (free_at({x - 2, y_now + 3}, {x + now_w + 2, y_now + 3 + fs})) {
            now_at.x = x;
            break;
        }
    draw_label(ctx, dl, view, now_at, ctx.theme.playhead, now_text, fs * 0.9f);
    dl->PopClipRect();
    if (hovered_arrow >= 0) {
        ImGui::BeginTooltip();
        ImGui::TextUnformatted(
            s.catalog().info(s.flights().all()[hovered_arrow].pdu).dissection.summary.c_str());
        ImGui::EndTooltip();
        if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
            ctx.selection.flight = hovered_arrow;
            ctx.selection.pinned = true;
        }
    }
}

} // namespace wirelab::ui

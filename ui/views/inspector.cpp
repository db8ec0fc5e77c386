// Packet inspector panel: the followed frame as a dissection tree by layer (rows of
// wire::dissect_frame) above a hex dump. Hovering a field lights its bytes and hovering a byte
// lights its field, like Wireshark; bytes take their layer's colour (imgui_club MemoryEditor's
// per-byte colour hook, fed here by the field table through byte_owners()).
#include "ui/model/inspector_model.hpp"
#include "ui/views/view_context.hpp"

#include <cstdio>

namespace wirelab::ui {

namespace {

constexpr const char* view = "inspector";

ImU32 layer_tint(std::uint8_t layer, bool light) {
    const std::uint8_t a = light ? 90 : 70;
    switch (layer) {
    case 2: return IM_COL32(150, 150, 150, a);
    case 3: return IM_COL32(86, 123, 167, a);
    case 4: return IM_COL32(0, 114, 178, a);
    case 5: return IM_COL32(0, 158, 115, a);
    case 6: return IM_COL32(204, 121, 167, a); // the presentation bytes: JSON text
    default: return IM_COL32(230, 159, 0, a);
    }
}

} // namespace

void draw_inspector(ViewContext& ctx, InspectorState& st) {
    const auto& s = ctx.session;
    const int fi = current_flight(ctx);
    if (fi < 0) {
        text_logged(ctx, view, "No frame has been sent yet. Play, or click a frame to inspect it.",
                    true);
        return;
    }
    const Flight& f = s.flights().all()[fi];
    const PduInfo& info = s.catalog().info(f.pdu);
    const auto bytes = s.trace().pdu_bytes(f.pdu);
    const auto& rows = info.dissection.rows;
    const auto owners = byte_owners(rows, bytes.size()); // small frames: cheap per frame
    const auto& topo = s.trace().topology;

    char head[160];
    std::snprintf(head, sizeof head, "PDU #%u  %s → %s  %zu bytes  %s%s", f.pdu,
                  topo.nodes[f.from].name.c_str(), topo.nodes[f.to].name.c_str(), bytes.size(),
                  ctx.selection.pinned ? "(selected)" : "(following the playhead)",
                  f.dropped ? "  ✗ lost" : "");
    text_logged(ctx, view, head);
    ImGui::PushStyleColor(ImGuiCol_Text,
                          ImGui::ColorConvertU32ToFloat4(protocol_color(info.protocol)));
    text_logged(ctx, view, info.dissection.summary, true);
    ImGui::PopStyleColor();
    if (ctx.selection.pinned) {
        ImGui::SameLine();
        if (ImGui::SmallButton("Follow playhead")) ctx.selection.pinned = false;
    }

    const float avail_h = ImGui::GetContentRegionAvail().y;
    const float hex_lines =
        static_cast<float>((bytes.size() + st.bytes_per_row - 1) / st.bytes_per_row);
    const float hex_h =
        std::min(hex_lines * ImGui::GetTextLineHeightWithSpacing() + 12, avail_h * 0.6f);
    const int hovered_before = st.hovered_row;
    st.hovered_row = -1;

    // The tree: a layer row (depth 0) opens its fields.
    ImGui::BeginChild("tree", {0, avail_h - hex_h - 6}, true);
    // Like Wireshark's details pane: the top layer open, the ones below it closed (one tree
    // state per PDU, so each frame opens that way the first time it is shown).
    std::size_t top_layer_row = 0;
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (rows[i].depth == 0 && rows[i].name != "Frame check sequence") top_layer_row = i;
    ImGui::PushID(static_cast<int>(f.pdu));
    int skip_depth = 1000;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        if (r.depth > skip_depth) continue;
        skip_depth = 1000;
        ImGui::PushID(static_cast<int>(i));
        const std::string text = r.name + (r.value.empty() ? "" : ": " + r.value);
        const bool lit = hovered_before == static_cast<int>(i);
        ImGui::Indent(r.depth * 14.0f * ctx.scale);
        if (r.depth == 0) {
            // A new PDU whose top layer would open below the fold (a Socket.IO frame has six
            // layers above it): scroll that layer to the top, once.
            if (i == top_layer_row && st.scrolled_to != f.pdu) {
                st.scrolled_to = f.pdu;
                const float need = 4 * ImGui::GetTextLineHeightWithSpacing();
                if (ImGui::GetCursorPosY() + need > ImGui::GetScrollY() + ImGui::GetWindowHeight())
                    ImGui::SetScrollHereY(0.0f);
            }
            ImGui::SetNextItemOpen(i == top_layer_row, ImGuiCond_Once);
            const bool open = ImGui::TreeNodeEx("##layer",
                                                ImGuiTreeNodeFlags_SpanAvailWidth |
                                                    (lit ? ImGuiTreeNodeFlags_Selected : 0),
                                                "%s", text.c_str());
            ctx.labels.add(view, text, ImGui::GetFontSize());
            if (ImGui::IsItemHovered()) st.hovered_row = static_cast<int>(i);
            if (open)
                ImGui::TreePop();
            else
                skip_depth = 0;
        } else {
            ImGui::Selectable(text.c_str(), lit);
            ctx.labels.add(view, text, ImGui::GetFontSize());
            if (ImGui::IsItemHovered()) st.hovered_row = static_cast<int>(i);
        }
        ImGui::Unindent(r.depth * 14.0f * ctx.scale);
        ImGui::PopID();
    }
    ImGui::PopID();
    ImGui::EndChild();

    // The hex dump: offset, bytes in their layer's tint, the hovered field's bytes lit.
    ImGui::BeginChild("hex", {0, hex_h}, true);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float cw = ImGui::CalcTextSize("00").x, sp = ImGui::CalcTextSize(" ").x;
    const float lh = ImGui::GetTextLineHeightWithSpacing();
    const int per_row = st.bytes_per_row;
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(hex_lines));
    while (clipper.Step()) {
        for (int line = clipper.DisplayStart; line < clipper.DisplayEnd; ++line) {
            const ImVec2 p = ImGui::GetCursorScreenPos();
            char off[8];
            std::snprintf(off, sizeof off, "%04x", line * per_row);
            dl->AddText(p, ctx.theme.text_dim, off);
            const float x0 = p.x + ImGui::CalcTextSize("0000  ").x;
            for (int k = 0; k < per_row; ++k) {
                const std::size_t b = static_cast<std::size_t>(line * per_row + k);
                if (b >= bytes.size()) break;
                const float x = x0 + k * (cw + sp) + (k >= per_row / 2 ? sp : 0);
                const int own = owners[b];
                const bool lit = hovered_before >= 0 && row_covers(rows[hovered_before], b);
                const ImU32 bg = lit        ? ctx.theme.lit
                                 : own >= 0 ? layer_tint(rows[own].layer, ctx.theme.light)
                                            : 0;
                if (bg) dl->AddRectFilled({x - 1, p.y}, {x + cw + 1, p.y + lh - 1}, bg);
                char hx[3];
                std::snprintf(hx, sizeof hx, "%02x", bytes[b]);
                dl->AddText({x, p.y}, lit ? IM_COL32(0, 0, 0, 255) : ctx.theme.text, hx);
                const ImVec2 m = ImGui::GetIO().MousePos;
                if (ImGui::IsWindowHovered() && m.x >= x - 1 && m.x < x + cw + sp && m.y >= p.y &&
                    m.y < p.y + lh)
                    st.hovered_row = own;
            }
            ImGui::Dummy({x0 - p.x + per_row * (cw + sp) + sp, lh});
        }
    }
    ImGui::EndChild();
    if (st.hovered_row >= 0 && ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows)) {
        const auto& r = rows[st.hovered_row];
        ImGui::BeginTooltip();
        ImGui::Text("%s  (bytes %zu–%zu, layer %d)", r.name.c_str(), r.offset,
                    r.offset + r.length - 1, r.layer);
        ImGui::EndTooltip();
    }
}

} // namespace wirelab::ui

// Fonts, style and PNG capture of the studio (see app.hpp). The font is rebuilt at each UI
// scale rather than stretched, so text stays crisp on a projector.
#include "ui/app/app.hpp"

#include <glad/gl.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

#include <cmath>
#include <filesystem>
#include <vector>

namespace wirelab::ui {

void build_fonts_and_style(float scale, bool light) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    // Latin, general punctuation (— … •), arrows (→ ↓ ↑), geometric shapes (▶ ◀), dingbats (✓ ✗).
    static const ImWchar ranges[] = {0x0020, 0x024F, 0x2000, 0x206F, 0x2190, 0x22FF,
                                     0x2500, 0x25FF, 0x2700, 0x27BF, 0};
    const float size = std::round(16.0f * scale);
    const char* dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    // Fonts[0] is the UI font, Fonts[1] the same face 1.3x larger for presenter captions.
    for (const float px : {size, std::round(size * 1.3f)}) {
        ImFont* font = nullptr;
        if (std::filesystem::exists(dejavu))
            font = io.Fonts->AddFontFromFileTTF(dejavu, px, nullptr, ranges);
        if (!font) {
            ImFontConfig cfg;
            cfg.SizePixels = px;
            io.Fonts->AddFontDefault(&cfg);
        }
    }
    ImGuiStyle& style = ImGui::GetStyle();
    style = ImGuiStyle();
    if (light) {
        ImGui::StyleColorsLight();
        style.Colors[ImGuiCol_Text] = {0, 0, 0, 1};
        style.Colors[ImGuiCol_WindowBg] = {1, 1, 1, 1};
        style.Colors[ImGuiCol_TitleBg] =
            style.Colors[ImGuiCol_TitleBgActive] = {0.85f, 0.88f, 0.95f, 1};
        style.Colors[ImGuiCol_Border] = {0, 0, 0, 0.6f};
        style.WindowBorderSize = 1.5f;
    } else {
        ImGui::StyleColorsDark();
    }
    style.WindowRounding = 0;
    style.ScaleAllSizes(scale);
}

bool write_framebuffer_png(const std::string& path, int width, int height, std::string* error) {
    std::vector<unsigned char> pixels(static_cast<std::size_t>(width) * height * 3);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
    // OpenGL's rows go bottom-up; PNG's top-down: write with a negative stride from the end.
    const int stride = width * 3;
    const unsigned char* last_row = pixels.data() + static_cast<std::size_t>(height - 1) * stride;
    if (!stbi_write_png(path.c_str(), width, height, 3, last_row, -stride)) {
        if (error) *error = "cannot write " + path;
        return false;
    }
    return true;
}

} // namespace wirelab::ui

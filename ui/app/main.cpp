// wirelab-studio: the main loop, shaped like Dear ImGui's example_glfw_opengl3/main.cpp with
// an OpenGL 3.3 core context loaded by glad. Everything the user sees is built by App::frame
// (ui/app/app.cpp) from the views in ui/views; this file only owns the window.
// Screenshot mode (--screenshot FILE): render the requested moment for a few frames, read the
// back buffer into a PNG, optionally dump the labels drawn, exit.
#include "ui/app/app.hpp"

// glad provides the OpenGL declarations; GLFW must not include the system GL header.
#define GLFW_INCLUDE_NONE

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <glad/gl.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>

using namespace wirelab::ui;

static void glfw_error_callback(int error, const char* description) {
    std::fprintf(stderr, "wirelab-studio: GLFW error %d: %s\n", error, description);
}

int main(int argc, char** argv) {
    const auto started = std::chrono::steady_clock::now();
    int code = 0;
    auto options = parse_options(argc, argv, &code);
    if (!options) return code;
    App app;
    std::string error;
    if (!app.init(*options, &error)) {
        std::fprintf(stderr, "%s", error.c_str());
        return 1;
    }
    if (!options->export_svg.empty()) {
        const bool ok = app.export_svg_to(options->export_svg);
        std::fprintf(ok ? stdout : stderr, "%s\n", app.status().c_str());
        return ok ? 0 : 1;
    }
    if (options->list_pdus) {
        app.list_pdus();
        return 0;
    }
    const bool shot = !options->screenshot.empty();

    glfwSetErrorCallback(glfw_error_callback);
    if (!glfwInit()) {
        std::fprintf(stderr,
                     "wirelab-studio: no display (try `wirelab play LESSON` in a terminal)\n");
        return 1;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
    GLFWwindow* window =
        glfwCreateWindow(options->width, options->height, "Wirelab Studio", nullptr, nullptr);
    if (!window) return 1;
    glfwMakeContextCurrent(window);
    if (!gladLoadGL(glfwGetProcAddress)) {
        std::fprintf(stderr, "wirelab-studio: cannot load OpenGL 3.3\n");
        return 1;
    }
    glfwSwapInterval(shot ? 0 : 1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr; // the layout is computed each frame; nothing to remember
    float xs = 1, ys = 1;
    glfwGetWindowContentScale(window, &xs, &ys);
    if (!shot) app.set_dpi(xs);
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");

    int frames = 0;
    bool fullscreen = false;
    int saved[4] = {0, 0, options->width, options->height};
    auto last = std::chrono::steady_clock::now();
    while (!glfwWindowShouldClose(window)) {
        glfwPollEvents();
        if (app.take_font_rebuild()) {
            build_fonts_and_style(app.ui_scale(), app.presenter());
            ImGui_ImplOpenGL3_DestroyFontsTexture();
            ImGui_ImplOpenGL3_CreateFontsTexture();
        }
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();

        const auto now = std::chrono::steady_clock::now();
        const double dt = shot ? 0.0 : std::chrono::duration<double>(now - last).count();
        last = now;
        const bool final_shot_frame = shot && frames == 2; // windows settle in two frames
        app.labels().enabled = final_shot_frame && !options->dump_labels.empty();
        app.frame(dt);

        ImGui::Render();
        int w, h;
        glfwGetFramebufferSize(window, &w, &h);
        glViewport(0, 0, w, h);
        const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
        glClearColor(bg.x, bg.y, bg.z, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

        if (frames == 0 && std::getenv("WIRELAB_STUDIO_TIMING"))
            std::fprintf(stderr, "first frame after %.0f ms\n",
                         std::chrono::duration<double, std::milli>(
                             std::chrono::steady_clock::now() - started)
                             .count());
        if (const std::string png = app.take_png_request(); !png.empty())
            write_framebuffer_png(png, w, h, &error);
        if (final_shot_frame) {
            code = write_framebuffer_png(options->screenshot, w, h, &error) ? 0 : 1;
            if (code) std::fprintf(stderr, "wirelab-studio: %s\n", error.c_str());
            if (!options->dump_labels.empty()) {
                std::ofstream out(options->dump_labels);
                for (const auto& e : app.labels().entries)
                    out << e.view << '\t' << e.size << '\t' << e.text << '\n';
            }
            break;
        }
        if (app.take_fullscreen_toggle()) {
            GLFWmonitor* monitor = glfwGetPrimaryMonitor();
            if (!fullscreen && monitor) {
                glfwGetWindowPos(window, &saved[0], &saved[1]);
                glfwGetWindowSize(window, &saved[2], &saved[3]);
                const GLFWvidmode* mode = glfwGetVideoMode(monitor);
                glfwSetWindowMonitor(window, monitor, 0, 0, mode->width, mode->height,
                                     mode->refreshRate);
            } else {
                glfwSetWindowMonitor(window, nullptr, saved[0], saved[1], saved[2], saved[3], 0);
            }
            fullscreen = !fullscreen;
        }
        glfwSwapBuffers(window);
        ++frames;
    }

    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    return code;
}

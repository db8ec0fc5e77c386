// Callback: the type-erased `void()` an event runs. Move-only, with 48 bytes of inline
// storage so a lambda capturing a few pointers (the common case: `this`, a host, a
// segment id) is scheduled without touching the heap; larger callables fall back to one
// heap allocation. Captures that are trivially copyable and destructible (pointers,
// integers, references) are moved by memcpy and destroyed for free.
// A callable may also offer `bool warm(unsigned level) const`: the event queue calls it
// for events about to run (EventQueue::warm_next), and it starts loading what the call will
// read (prefetch.hpp) — level 0 the objects it holds pointers to, each higher level one hop
// further down the chain, whose first hops earlier levels have loaded — and returns whether
// a deeper level has anything left to load. warm must only read.
// Used by EventQueue and Kernel (sim/core); nothing below sim/stack sees it.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace wirelab {

class Callback {
public:
    static constexpr std::size_t inline_size = 48;
    static constexpr std::size_t inline_align = alignof(void*);

    Callback() noexcept = default;

    template <class F, class D = std::decay_t<F>,
              class = std::enable_if_t<!std::is_same_v<D, Callback> && std::is_invocable_v<D&>>>
    Callback(F&& f) { // NOLINT(google-explicit-constructor): lambdas convert implicitly
        construct<D>(std::forward<F>(f));
    }

    Callback(Callback&& other) noexcept { take(other); }

    Callback& operator=(Callback&& other) noexcept {
        if (this != &other) {
            reset();
            take(other);
        }
        return *this;
    }

    Callback(const Callback&) = delete;
    Callback& operator=(const Callback&) = delete;
    ~Callback() { reset(); }

    // Replaces the stored callable by f, constructed in place (no intermediate Callback).
    template <class F, class D = std::decay_t<F>,
              class = std::enable_if_t<!std::is_same_v<D, Callback> && std::is_invocable_v<D&>>>
    void emplace(F&& f) {
        reset();
        construct<D>(std::forward<F>(f));
    }

    explicit operator bool() const noexcept { return ops_ != nullptr; }

    // Calls the stored callable; undefined if empty.
    void operator()() { ops_->invoke(storage_); }

    bool has_warm() const noexcept { return ops_ != nullptr && ops_->warm != nullptr; }
    // Calls the stored callable's warm(level), if it has one, and returns what it says (whether
    // a deeper level may load more); false, doing nothing, otherwise.
    bool warm(unsigned level) const noexcept {
        return ops_ != nullptr && ops_->warm != nullptr && ops_->warm(storage_, level);
    }

    // Destroys the stored callable (and frees its heap block, if any).
    void reset() noexcept {
        if (ops_) {
            if (ops_->destroy) ops_->destroy(storage_);
            ops_ = nullptr;
        }
    }

private:
    using WarmFn = bool (*)(const void*, unsigned level) noexcept;
    // relocate / destroy are null when a memcpy of the storage / nothing does the job; warm
    // when the callable has no warm().
    struct Ops {
        void (*invoke)(void*);
        void (*relocate)(void* dst, void* src) noexcept; // move-construct into dst, destroy src
        void (*destroy)(void*) noexcept;
        WarmFn warm;
    };

    template <class D, bool on_heap> static constexpr WarmFn warm_op() {
        if constexpr (requires(const D& d, unsigned level) {
                          { d.warm(level) } -> std::same_as<bool>;
                      })
            return [](const void* s, unsigned level) noexcept -> bool {
                if constexpr (on_heap)
                    return heap_ptr<D>(s)->warm(level);
                else
                    return std::launder(static_cast<const D*>(s))->warm(level);
            };
        else
            return nullptr;
    }

    template <class D> static constexpr bool fits_inline() {
        return sizeof(D) <= inline_size && alignof(D) <= inline_align &&
               std::is_nothrow_move_constructible_v<D>;
    }
    template <class D> static constexpr bool trivial() {
        return std::is_trivially_copyable_v<D> && std::is_trivially_destructible_v<D>;
    }

    template <class D, class F> void construct(F&& f) {
        if constexpr (fits_inline<D>()) {
            ::new (static_cast<void*>(storage_)) D(std::forward<F>(f));
            ops_ = &inline_ops<D>;
        } else {
            D* p = new D(std::forward<F>(f));
            std::memcpy(storage_, &p, sizeof p);
            ops_ = &heap_ops<D>;
        }
    }

    void take(Callback& other) noexcept {
        ops_ = other.ops_;
        if (ops_) {
            if (ops_->relocate)
                ops_->relocate(storage_, other.storage_);
            else
                std::memcpy(storage_, other.storage_, inline_size);
            other.ops_ = nullptr;
        }
    }

    template <class D>
    static constexpr Ops inline_ops{
        [](void* s) { (*std::launder(static_cast<D*>(s)))(); },
        trivial<D>() ? nullptr
                     : +[](void* dst, void* src) noexcept {
                           D* from = std::launder(static_cast<D*>(src));
                           ::new (dst) D(std::move(*from));
                           from->~D();
                       },
        trivial<D>() ? nullptr
                     : +[](void* s) noexcept { std::launder(static_cast<D*>(s))->~D(); },
        warm_op<D, false>(),
    };

    template <class D> static D* heap_ptr(const void* s) noexcept {
        D* p;
        std::memcpy(&p, s, sizeof p);
        return p;
    }

    // The heap block's pointer is memcpy-relocatable.
    template <class D>
    static constexpr Ops heap_ops{
        [](void* s) { (*heap_ptr<D>(s))(); },
        nullptr,
        [](void* s) noexcept { delete heap_ptr<D>(s); },
        warm_op<D, true>(),
    };

    alignas(inline_align) unsigned char storage_[inline_size];
    const Ops* ops_ = nullptr;
};

} // namespace wirelab

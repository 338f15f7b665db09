#include <f32patch/verify/hasher.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <f32patch/util/error.hpp>

namespace f32patch::verify {

namespace {

// Feeds `block` (at stream offset `block_offset`) to `digest` with the substitutions applied.
// `subs` is sorted and free of overlaps and empty entries; `cursor` is the index of the first
// substitution not yet fully fed, kept between calls.
void feed_substituted(Digest& digest, std::span<const std::byte> block, std::uint64_t block_offset,
                      std::span<const Substitution> subs, std::size_t& cursor) {
  const std::uint64_t end = block_offset + block.size();
  std::uint64_t pos = block_offset;
  while (pos < end) {
    if (cursor == subs.size() || subs[cursor].offset >= end) {
      digest.update(block.subspan(static_cast<std::size_t>(pos - block_offset)));
      return;
    }
    const Substitution& sub = subs[cursor];
    if (sub.offset > pos) {
      digest.update(block.subspan(static_cast<std::size_t>(pos - block_offset),
                                  static_cast<std::size_t>(sub.offset - pos)));
      pos = sub.offset;
    }
    const std::uint64_t sub_end = sub.offset + sub.bytes.size();
    const std::uint64_t stop = std::min(sub_end, end);
    digest.update(std::span<const std::byte>(sub.bytes).subspan(
        static_cast<std::size_t>(pos - sub.offset), static_cast<std::size_t>(stop - pos)));
    pos = stop;
    if (stop == sub_end) ++cursor;
  }
}

// Sorted copy without empty entries; throws on overlaps or on ranges that overflow.
std::vector<Substitution> prepare(std::span<const Substitution> substitutions,
                                  const std::string& name) {
  std::vector<Substitution> subs;
  for (const Substitution& sub : substitutions) {
    if (sub.bytes.empty()) continue;
    if (sub.offset > UINT64_MAX - sub.bytes.size()) {
      throw Error(ErrorCode::usage, name,
                  fmt::format("substitution at offset {} overflows a 64-bit offset", sub.offset));
    }
    subs.push_back(sub);
  }
  std::sort(subs.begin(), subs.end(),
            [](const Substitution& a, const Substitution& b) { return a.offset < b.offset; });
  for (std::size_t i = 1; i < subs.size(); ++i) {
    if (subs[i - 1].offset + subs[i - 1].bytes.size() > subs[i].offset) {
      throw Error(ErrorCode::usage, name,
                  fmt::format("substitutions at offsets {} ({} bytes) and {} overlap",
                              subs[i - 1].offset, subs[i - 1].bytes.size(), subs[i].offset));
    }
  }
  return subs;
}

void check_within(std::span<const Substitution> subs, std::uint64_t size, const std::string& name) {
  if (subs.empty()) return;
  const Substitution& last = subs.back();  // sorted, non-overlapping: the last ends last
  if (last.offset + last.bytes.size() > size) {
    throw Error(ErrorCode::state_conflict, name,
                fmt::format("substitution at offset {} ({} bytes) lies past the end of the file "
                            "({} bytes)",
                            last.offset, last.bytes.size(), size));
  }
}

// Reads until `size` bytes are in `out` or end of file; returns the count, or -1 with errno.
std::int64_t read_full(int fd, std::byte* out, std::size_t size) {
  std::size_t got = 0;
  while (got < size) {
    const ssize_t n = ::read(fd, out + got, size - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  return static_cast<std::int64_t>(got);
}

// A digest and where it is in the stream: the unit of work the pool schedules.
struct Stream {
  Digest digest;
  bool substituted = false;
  std::size_t cursor = 0;     // substituted streams: first substitution not yet fully fed
  std::uint64_t next = 0;     // sequence number of the next block to feed
  bool busy = false;          // a worker is feeding it
};

// A fixed ring of blocks, filled in order by one producer (the calling thread), and a pool of
// worker threads that feed every block to every stream, each stream in order.
//
// Block `seq` lives in slot seq % count; the producer refills a slot once every stream has
// consumed the block in it, so memory is block_size * count whatever the file size. A worker
// always takes the free stream that is furthest behind: the slowest digest (MD5) is fed
// whenever a worker is free, and the other workers share the faster ones. So with fewer cores
// than digests, the time is that of the slowest digest or of the total work spread over the
// cores, whichever is larger, and the operating system never has more runnable hashing
// threads than cores to juggle. All shared state is guarded by one mutex; the block bytes are
// handed over through it (publish / the worker's pick), so they need no lock of their own.
class Pipeline {
 public:
  struct Block {
    std::byte* data = nullptr;  // into m_memory
    std::size_t size = 0;
    std::uint64_t offset = 0;  // stream offset of data[0]
    std::size_t pending = 0;   // streams that still have to consume this block
  };

  Pipeline(const HashOptions& options, std::vector<Stream>& streams,
           std::span<const Substitution> subs)
      : m_block_size(std::max<std::size_t>(options.block_size, 1)),
        m_blocks(std::max<std::size_t>(options.block_count, 1)),
        m_streams(streams),
        m_subs(subs) {
    // One page-aligned allocation, each block starting on a page: read() copies out of the
    // page cache about twice as fast into a page-aligned buffer as into malloc's usual
    // 16-bytes-past-a-page address (measured on AMD Zen 4; see docs/benchmarks.md).
    const std::size_t stride = (m_block_size + k_page - 1) / k_page * k_page;
    void* memory = std::aligned_alloc(k_page, stride * m_blocks.size());
    if (memory == nullptr) throw std::bad_alloc();
    m_memory.reset(static_cast<std::byte*>(memory));
    for (std::size_t i = 0; i < m_blocks.size(); ++i) m_blocks[i].data = m_memory.get() + i * stride;
  }

  std::size_t block_size() const noexcept { return m_block_size; }

  // --- producer ---

  // The slot for block `seq`, once free; nullptr when the pipeline was aborted.
  Block* acquire(std::uint64_t seq) {
    Block& block = slot(seq);
    std::unique_lock lock(m_mutex);
    m_freed.wait(lock, [&] { return block.pending == 0 || m_aborted; });
    return m_aborted ? nullptr : &block;
  }
  void publish(Block& block) {
    {
      std::lock_guard lock(m_mutex);
      block.pending = m_streams.size();
      ++m_published;
      m_published_hint.store(m_published, std::memory_order_release);
      if (block.pending == 0) release_locked(block);  // nothing to feed: done once read
    }
    m_ready.notify_all();
  }
  void close() {
    {
      std::lock_guard lock(m_mutex);
      m_closed = true;
    }
    m_ready.notify_all();
  }
  void abort() {
    {
      std::lock_guard lock(m_mutex);
      m_aborted = true;
    }
    m_ready.notify_all();
    m_freed.notify_all();
  }
  // Bytes every stream has consumed.
  std::uint64_t released_bytes() {
    std::lock_guard lock(m_mutex);
    return m_released_bytes;
  }
  // Waits until every published block has been consumed by every stream (or an abort).
  void drain() {
    std::unique_lock lock(m_mutex);
    m_freed.wait(lock, [&] { return m_released_blocks == m_published || m_aborted; });
  }

  // --- workers ---

  void work() {
    try {
      Stream* stream = nullptr;
      for (;;) {
        if (stream == nullptr) {
          spin_for_work();
          std::unique_lock lock(m_mutex);
          m_ready.wait(lock, [&] {
            stream = pick_locked();
            return stream != nullptr || m_aborted || finished_locked();
          });
          if (stream == nullptr) return;
        }
        Block& block = slot(stream->next);
        feed(*stream, block);

        Stream* done = stream;
        bool freed = false;
        bool hand_over = false;
        bool finished = false;
        {
          std::lock_guard lock(m_mutex);
          done->busy = false;
          ++done->next;
          if (--block.pending == 0) {
            release_locked(block);
            freed = true;
          }
          stream = pick_locked();
          // The stream just fed has more work but this worker took another: wake a peer.
          hand_over = stream != done && done->next < m_published;
          finished = stream == nullptr && finished_locked();
        }
        if (freed) m_freed.notify_one();
        if (finished) {
          m_ready.notify_all();  // peers waiting for work must see the end
        } else if (hand_over) {
          m_ready.notify_one();
        }
      }
    } catch (...) {
      {
        std::lock_guard lock(m_mutex);
        if (!m_error) m_error = std::current_exception();
      }
      abort();
    }
  }
  std::exception_ptr error() {
    std::lock_guard lock(m_mutex);
    return m_error;
  }

 private:
  Block& slot(std::uint64_t seq) {
    return m_blocks[static_cast<std::size_t>(seq % m_blocks.size())];
  }

  // A worker that finds nothing to do usually waits less than the time of one read(): spin
  // briefly for the next block rather than sleep, since waking a sleeping thread costs tens of
  // microseconds (more in a virtual machine) and fast digests (XXH3) would wait that long on
  // every block. Falls through to the condition variable after k_spin.
  void spin_for_work() {
    const std::uint64_t seen = m_published_hint.load(std::memory_order_acquire);
    const auto deadline = std::chrono::steady_clock::now() + k_spin;
    for (unsigned i = 1;; ++i) {
      if (m_published_hint.load(std::memory_order_acquire) != seen) return;
      if (i % 64 == 0 && std::chrono::steady_clock::now() > deadline) return;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#else
      std::this_thread::yield();
#endif
    }
  }

  // The free stream with a published block that is furthest behind; marks it busy.
  Stream* pick_locked() {
    if (m_aborted) return nullptr;
    Stream* best = nullptr;
    for (Stream& s : m_streams) {
      if (!s.busy && s.next < m_published && (best == nullptr || s.next < best->next)) best = &s;
    }
    if (best != nullptr) best->busy = true;
    return best;
  }
  bool finished_locked() const {
    if (!m_closed) return false;
    for (const Stream& s : m_streams) {
      if (s.next < m_published) return false;
    }
    return true;
  }
  void release_locked(const Block& block) {
    m_released_bytes += block.size;
    ++m_released_blocks;
  }

  void feed(Stream& stream, const Block& block) {
    const std::span<const std::byte> bytes(block.data, block.size);
    if (stream.substituted) {
      feed_substituted(stream.digest, bytes, block.offset, m_subs, stream.cursor);
    } else {
      stream.digest.update(bytes);
    }
  }

  struct Free {
    void operator()(std::byte* p) const noexcept { std::free(p); }
  };
  static constexpr std::size_t k_page = 4096;

  std::size_t m_block_size;
  std::unique_ptr<std::byte, Free> m_memory;
  std::vector<Block> m_blocks;
  std::vector<Stream>& m_streams;
  std::span<const Substitution> m_subs;

  std::mutex m_mutex;
  std::condition_variable m_ready;  // a block was published, a stream came free, or the end
  std::condition_variable m_freed;  // a block was consumed by its last stream
  std::uint64_t m_published = 0;
  std::atomic<std::uint64_t> m_published_hint{0};  // m_published, readable without the lock
  static constexpr std::chrono::microseconds k_spin{100};
  std::uint64_t m_released_blocks = 0;
  std::uint64_t m_released_bytes = 0;
  bool m_closed = false;
  bool m_aborted = false;
  std::exception_ptr m_error;
};

// Joins every worker thread however the scope is left.
class ThreadGroup {
 public:
  ~ThreadGroup() { join(); }
  template <typename Fn> void spawn(Fn&& fn) { m_threads.emplace_back(std::forward<Fn>(fn)); }
  void join() {
    for (std::thread& t : m_threads) {
      if (t.joinable()) t.join();
    }
  }

 private:
  std::vector<std::thread> m_threads;
};

// CPUs this process may run on (cgroup and affinity limits included), at least 1.
std::size_t usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) {
    const int count = CPU_COUNT(&set);
    if (count > 0) return static_cast<std::size_t>(count);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

std::string_view HashResult::original_hex(Algorithm algorithm) const noexcept {
  for (const NamedDigest& d : original) {
    if (d.algorithm == algorithm) return d.hex;
  }
  return {};
}

std::string_view HashResult::substituted_hex(Algorithm algorithm) const noexcept {
  for (const NamedDigest& d : substituted) {
    if (d.algorithm == algorithm) return d.hex;
  }
  return {};
}

HashResult hash_descriptor(int fd, const std::string& name, std::span<const Algorithm> algorithms,
                           std::span<const Substitution> substitutions, const ProgressFn& progress,
                           const HashOptions& options, std::uint64_t expected_size) {
  const std::vector<Substitution> subs = prepare(substitutions, name);
  const bool with_subs = !substitutions.empty();
  if (expected_size > 0) check_within(subs, expected_size, name);

  std::vector<Stream> streams;
  for (const Algorithm algorithm : algorithms) streams.push_back({Digest(algorithm), false});
  if (with_subs) {
    for (const Algorithm algorithm : algorithms) streams.push_back({Digest(algorithm), true});
  }

  Pipeline pipeline(options, streams, subs);
  ThreadGroup workers;
  const std::size_t worker_count = std::min(streams.size(), usable_cpus());
  for (std::size_t i = 0; i < worker_count; ++i) workers.spawn([&pipeline] { pipeline.work(); });

  std::uint64_t offset = 0;
  int read_errno = 0;
  std::exception_ptr reader_error;
  try {
    for (std::uint64_t seq = 0;; ++seq) {
      Pipeline::Block* block = pipeline.acquire(seq);
      if (block == nullptr) break;  // a worker failed
      if (progress) progress(pipeline.released_bytes(), expected_size);
      const std::int64_t n = read_full(fd, block->data, pipeline.block_size());
      if (n < 0) {
        read_errno = errno;
        pipeline.abort();
        break;
      }
      if (n == 0) break;
      block->size = static_cast<std::size_t>(n);
      block->offset = offset;
      offset += static_cast<std::uint64_t>(n);
      pipeline.publish(*block);
      if (block->size < pipeline.block_size()) break;  // read_full stops short only at the end
    }
    pipeline.close();
    pipeline.drain();
  } catch (...) {
    reader_error = std::current_exception();
    pipeline.abort();
  }
  workers.join();

  if (reader_error) std::rethrow_exception(reader_error);
  if (const std::exception_ptr worker_error = pipeline.error()) std::rethrow_exception(worker_error);
  if (read_errno != 0) throw_io_error(name, "cannot read", read_errno);
  check_within(subs, offset, name);
  if (progress) progress(offset, expected_size > 0 ? expected_size : offset);

  HashResult result;
  result.size = offset;
  for (Stream& stream : streams) {
    auto& out = stream.substituted ? result.substituted : result.original;
    out.push_back({stream.digest.algorithm(), stream.digest.finish()});
  }
  return result;
}

HashResult hash_file(const std::string& path, std::span<const Algorithm> algorithms,
                     std::span<const Substitution> substitutions, const ProgressFn& progress,
                     const HashOptions& options) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_io_error(path, "cannot open for reading", errno);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};

  struct stat st {};
  if (::fstat(fd, &st) != 0) throw_io_error(path, "cannot stat", errno);
  std::uint64_t size = 0;
  if (S_ISREG(st.st_mode)) {
    size = static_cast<std::uint64_t>(st.st_size);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);  // advisory: a larger read-ahead window
  }
  return hash_descriptor(fd, path, algorithms, substitutions, progress, options, size);
}

std::vector<NamedDigest> hash_bytes(std::span<const std::byte> bytes,
                                    std::span<const Algorithm> algorithms) {
  std::vector<NamedDigest> result;
  result.reserve(algorithms.size());
  for (const Algorithm algorithm : algorithms) result.push_back({algorithm, digest_hex(algorithm, bytes)});
  return result;
}

}  // namespace f32patch::verify

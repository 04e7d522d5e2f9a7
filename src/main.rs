use clap::Parser;

fn main() {
    tune_allocator();
    let cli = schemaguard::cli::Cli::parse();
    std::process::exit(schemaguard::cli::run(cli));
}

/// glibc raises its mmap and trim thresholds each time a large block is freed (up to 32 MiB), so
/// after the first big file the buffers of later ones come from the heap and are never given
/// back: peak memory then follows the sum of the buffers, not what is alive. Fixed thresholds
/// keep the resident set close to the live heap (whole corpus: 199 -> 181 MB peak RSS; see
/// BENCHMARKS.md). An environment's own `MALLOC_*` settings win.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    if std::env::vars_os().any(|(k, _)| k.to_string_lossy().starts_with("MALLOC_")) {
        return;
    }
    // SAFETY: mallopt only sets allocator parameters; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1024 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}

//! `portal`: the Spinal Networks Portal API (the commands are `api::cli`).

/// mimalloc rather than the system allocator: a request makes many small allocations
/// (async-graphql's values and futures, one or more per field), and glibc's malloc and free were
/// a quarter of the portal's CPU time on an organisation query (`perf record` under `wrk`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    api::cli::main()
}

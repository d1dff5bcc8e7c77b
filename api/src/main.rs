//! `portal`: the Spinal Networks Portal API (the commands are `api::cli`).

fn main() -> std::process::ExitCode {
    api::cli::main()
}

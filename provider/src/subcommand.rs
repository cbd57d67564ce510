//! What the subcommands (`generate`, `restore`) share around their own
//! work: the usage for `--help`, usage errors, a runtime, and the exit code.

use std::future::Future;

/// Runs subcommand `name`: `parsed` is its parsed arguments (`Err("")`
/// asks for `usage`, exit 0; another `Err` is a usage error, exit 2); then
/// `run` on a single-thread runtime: its summary on stderr and exit 0, or
/// its error and exit 1.
pub fn main<O, F, Fut>(name: &str, usage: &str, parsed: Result<O, String>, run: F) -> i32
where
    F: FnOnce(O) -> Fut,
    Fut: Future<Output = Result<String, String>>,
{
    let opts = match parsed {
        Ok(o) => o,
        Err(e) if e.is_empty() => {
            print!("{usage}");
            return 0;
        }
        Err(e) => {
            eprintln!("{name}: {e}\n\n{usage}");
            return 2;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{name}: {e}");
            return 1;
        }
    };
    match runtime.block_on(run(opts)) {
        Ok(summary) => {
            eprintln!("{summary}");
            0
        }
        Err(e) => {
            eprintln!("{name}: {e}");
            1
        }
    }
}

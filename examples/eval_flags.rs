//! Precision, recall and F1 of every flag on the labelled sets in `eval/flags/`:
//!
//!     cargo run --release --example eval_flags [-- [--mistakes] [DIR]]
//!
//! The flags run with the built-in rules (the default configuration); `--mistakes` also
//! lists every text a flag got wrong.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mistakes = args.iter().any(|a| a == "--mistakes");
    let dir = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/flags"));
    match socialpulse::eval::evaluate(&dir, &socialpulse::config::Config::default()) {
        Ok(scores) => {
            print!("{}", socialpulse::eval::table(&scores));
            if mistakes {
                for s in &scores {
                    for (kind, text) in &s.mistakes {
                        println!("{} {kind}: {text}", s.flag);
                    }
                }
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}

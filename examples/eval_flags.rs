//! Precision, recall and F1 of every flag on the labelled sets in `eval/flags/`:
//!
//!     cargo run --release --example eval_flags [-- [--mistakes] [DIR]]
//!
//! Without DIR it scores the three sets in turn: `eval/flags` (written with the rules),
//! `eval/flags/heldout` (written before the last round of rule changes, whose misses
//! then shaped it) and `eval/flags/fresh` (written after the rules were final and never
//! used to change them: the figures to trust). The flags run with the built-in rules
//! (the default configuration); `--mistakes` also lists every text a flag got wrong.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mistakes = args.iter().any(|a| a == "--mistakes");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/flags");
    let dirs: Vec<std::path::PathBuf> = match args.iter().find(|a| !a.starts_with("--")) {
        Some(d) => vec![d.into()],
        None => vec![
            root.clone(),
            root.join("heldout"),
            root.join("fresh"),
            root.join("blind"),
        ],
    };
    for dir in dirs {
        println!("\n{}\n", dir.display());
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
}

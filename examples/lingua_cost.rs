//! What the language guard's lingua models cost a process at start-up: the first
//! identification loads the models it needs (lazily), later ones reuse them.
//!
//!     cargo build --release --example lingua_cost
//!     for i in 1 2 3 4 5; do target/release/examples/lingua_cost; done
//!
//! Each run is a fresh process, so each first call is cold. The size the models add to
//! the binary is measured from its symbols (docs/performance.md, "The binary").

use socialpulse::analysis::lang::identify;
use std::time::Instant;

fn main() {
    let texts = [
        "Le train de 7h10 est encore en retard ce matin, aucune annonce en gare",
        "The 14 bus never came this morning and nobody told us why",
        "Der Zug nach Hamburg fällt heute schon wieder aus",
        "El autobús de las ocho no pasó y nadie avisó nada",
    ];
    let t = std::time::Instant::now();
    let first = identify(texts[0]);
    let cold = t.elapsed();
    let t = Instant::now();
    for _ in 0..100 {
        for x in &texts {
            std::hint::black_box(identify(x));
        }
    }
    let warm = t.elapsed() / 400;
    println!(
        "first identification (models loaded): {:.1} ms ({first:?}); then {:.1} µs per text",
        cold.as_secs_f64() * 1e3,
        warm.as_secs_f64() * 1e6
    );
}

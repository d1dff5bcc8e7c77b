//! The portal in a process of its own, for the reliability tests (`tests::process`): serves, or
//! imports a file, as its environment says.

fn main() {
    tests::process::child_main();
}

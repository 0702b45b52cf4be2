fn main() {
    mandate::cli::configure_terminal();
    // Standard output is not locked for the whole run: `mandate lsp`
    // hands it to the protocol's writer thread, which locks it itself.
    let exit = mandate::cli::main_with_args(
        std::env::args_os(),
        &mut std::io::stdout(),
        &mut std::io::stderr().lock(),
    );
    std::process::exit(exit as i32);
}

fn main() {
    mandate::cli::configure_terminal();
    let exit = mandate::cli::main_with_args(
        std::env::args_os(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    std::process::exit(exit as i32);
}

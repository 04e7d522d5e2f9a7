use clap::Parser;

fn main() {
    let cli = schemaguard::cli::Cli::parse();
    std::process::exit(schemaguard::cli::run(cli));
}
